"""Sentences and offsets: tricky boundaries, and the invariant every highlight relies on, checked by
hypothesis over hostile text (RTL, combining marks, odd spaces, long lines) both before storing and as
stored."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from narratives.ingest import pipeline
from narratives.ingest.build import build
from narratives.ingest.readers import Document, Unreadable
from narratives.ingest.segment import LONG_SENTENCE_CHARS, PARAGRAPH_SEPARATOR, sentence_bounds
from tests.conftest import SEEDS
from tests.ingest_factories import assert_offsets_exact


def sentences(paragraph: str) -> list[str]:
    return [paragraph[start:end] for start, end in sentence_bounds(paragraph, "en")]


@pytest.mark.parametrize(
    "paragraph, expected",
    [
        ("Dr. Smith met Mr. Jones in the U.S. on Tuesday. They talked.", 2),
        ("The U.S. Army arrived. It stayed.", 2),
        ("Prices rose to 3.5 million tenge. Protests followed.", 2),
        ("J. R. R. Tolkien wrote it. Nobody disputes that.", 2),
        ("Sen. Warren and Gen. Smith spoke at 9 a.m. on Friday. It rained.", 2),
        ("Kazakhstan (pop. 19 million) is big. It borders Russia.", 2),
        ("Tokayev said the gangs were “terrorist gangs.” Lebedev agreed.", 2),
        ("He asked “why?” and left. Then he returned!", 2),
        ("“We are interested in normal life,” the ministry concluded. It said more.", 2),
    ],
)
def test_sentence_boundaries_survive_abbreviations_numbers_and_quotes(paragraph, expected):
    found = sentences(paragraph)
    assert len(found) == expected, found
    assert found[0].endswith((".", "”", "!"))


def test_a_quotation_ending_with_a_full_stop_closes_its_sentence():
    assert sentences("Tokayev blamed “terrorist gangs.” Lebedev agreed.") == [
        "Tokayev blamed “terrorist gangs.”",
        "Lebedev agreed.",
    ]


def test_a_stray_full_stop_and_agency_signature_stay_with_their_sentence():
    assert sentences("It led to serious acts of vandalism. . (I)") == ["It led to serious acts of vandalism. . (I)"]


def test_an_unpaired_quote_does_not_swallow_the_rest_of_a_long_paragraph():
    paragraph = "He spoke of “pacification. " + " ".join(f"Officials met on day {i} in Almaty." for i in range(40))
    found = sentences(paragraph)
    assert max(len(s) for s in found) <= LONG_SENTENCE_CHARS
    assert found[-1] == "Officials met on day 39 in Almaty."


def test_a_long_text_is_segmented_quickly():
    seeds = "\n\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    text = "\n\n".join([seeds] * 60)  # ~350 000 characters, a long report
    began = time.perf_counter()
    built = build(Document("long.txt", b"", "text/plain", text))
    assert time.perf_counter() - began < 5.0
    assert len(built.spans) > 2000


# --- the offset invariant ----------------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "The", "riots", "U.S.", "Dr.", "Mr.", "3.5", "million", "“pacification.", "”Of", "said.", "“We",
        "see”", "Almaty,", "(CSTO)", "(I)", ". .", "שלום", "مرحبا,", "e\u0301", "Ω", "👩\u200d👩\u200d👧", "By",
        "January", "9", "2022", "Source:", "Source", "You may also like", "Leave a Reply", "…", "?", "!", "'",
        '"', "—", "„Wort“", "x" * 700, "foreign-", "backed", "a\u0308\u0301", "\u202eevil\u202c", "日本語。",
    ]
)  # fmt: skip
SEPARATORS = st.sampled_from(
    [" ", " ", " ", "\u00a0", "\u2009", "\n", "\n\n", "\t", "\r\n", "\u3000", "\u2028", "\u00ad"]
)
STRUCTURED = st.lists(st.tuples(WORDS, SEPARATORS), max_size=60).map(lambda pairs: "".join(w + s for w, s in pairs))
ANY_TEXT = st.one_of(STRUCTURED, st.text(max_size=300))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def alnum_nfd(text: str) -> str:
    """The letters and digits of a text, order kept, in one canonical form: what must never be lost."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if c.isalnum())


@FAST
@given(text=ANY_TEXT)
def test_segments_index_the_clean_text_exactly_and_lose_no_word(text):
    try:
        built = build(Document("fuzz.txt", b"", "text/plain", text))
    except Unreadable:
        assume(False)
    clean = built.clean_text
    covered = [False] * len(clean)
    previous_end = 0
    for span in built.spans:
        assert clean[span.start : span.end] == span.text
        assert previous_end <= span.start < span.end
        assert PARAGRAPH_SEPARATOR not in span.text
        covered[span.start : span.end] = [True] * (span.end - span.start)
        previous_end = span.end
    assert all(covered[i] for i, char in enumerate(clean) if not char.isspace()), "text outside every segment"
    assert alnum_nfd(clean) == alnum_nfd(text), "a letter or digit was lost or invented"
    assert clean == unicodedata.normalize("NFC", clean)
    assert "\u00a0" not in clean and "\r" not in clean


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(text=STRUCTURED)
def test_stored_segments_index_the_stored_text(db, text):
    result = pipeline.ingest_text(text, outlet="Fuzz Wire")
    assume(result.article is not None)
    assert_offsets_exact(result.article)


def test_seed_articles_keep_every_word(seed_paths: list[Path]):
    for path in seed_paths:
        raw = path.read_text(encoding="utf-8")
        built = build(Document(path.name, b"", "text/plain", raw))
        assert alnum_nfd(built.clean_text) == alnum_nfd(raw)
