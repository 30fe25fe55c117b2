"""Finding a term's forms in text: case, hyphens, quotes, inflections, word boundaries, exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narratives.framing.matcher import TermMatcher, fold, prefilter_needle, stem_word


def found(term: str, text: str) -> list[str]:
    return [f.text for f in TermMatcher(term).find(text)]


@pytest.mark.parametrize(
    "text",
    [
        "peacekeeping",
        "Peacekeeping",
        "PEACEKEEPING",
        "peace-keeping",
        "peace\u2011keeping",
        "peace\u00adkeeping",
        "peacekeepers",
        "peacekeeper",
    ],
)
def test_peacekeeping_finds_its_forms(text):
    assert found("peacekeeping", f"They sent {text} to the city.") == [text]


def test_a_phrase_is_found_across_spacing_quotes_and_hyphens():
    text = "the “anti-terrorist” operation; an antiterrorist operation; anti terrorist\u00a0operations"
    assert found("anti-terrorist operation", text) == [
        "anti-terrorist” operation",
        "antiterrorist operation",
        "anti terrorist\u00a0operations",
    ]


def test_quotes_around_a_phrase_stay_outside_the_match():
    assert found("terrorist gangs", "led by “terrorist gangs.”") == ["terrorist gangs"]


def test_inflections_of_every_word_match():
    assert found("terrorist gang", "terrorist gangs and a terrorist gang") == ["terrorist gangs", "terrorist gang"]
    assert found("force", "forces, forced, forcing, force") == ["forces", "forced", "forcing", "force"]
    assert found("army", "armies and an army") == ["armies", "army"]


def test_no_match_inside_another_word():
    assert found("peace", "peaceful protests and a peacekeeping force") == []
    assert found("gang", "the gangway") == []


def test_a_term_never_spans_a_paragraph_break():
    assert found("peacekeeping forces", "peacekeeping\n\nforces") == []


def test_a_different_word_with_the_same_beginning_is_not_a_form():
    assert found("state", "the status of the states") == ["states"]


def test_exact_means_same_words_ignoring_case_and_spacing():
    matcher = TermMatcher("peacekeeping forces")
    results = {f.text: f.exact for f in matcher.find("Peacekeeping  forces and peace-keeping force")}
    assert results == {"Peacekeeping  forces": True, "peace-keeping force": False}


def test_accepted_variants_are_found_but_not_exact():
    matcher = TermMatcher("anti-terrorist operation", ("counter-terrorist operation",))
    results = [(f.text, f.exact) for f in matcher.find("a counter-terrorist operation and an anti-terrorist operation")]
    assert results == [("counter-terrorist operation", False), ("anti-terrorist operation", True)]


def test_stems_are_prefixes_of_the_forms_they_match():
    assert stem_word("peacekeepers").stem == "peacekeep"
    assert stem_word("peacekeeping").stem == "peacekeep"
    assert stem_word("forces").stem == "forc"
    assert stem_word("stopped").stem == "stop"


def test_prefilter_needle_is_the_longest_ascii_stem():
    assert prefilter_needle("terrorist gangs") == "terrorist"
    assert prefilter_needle("peace-keeping forces") == "peac"  # "peace" loses its e, like "force"
    assert prefilter_needle("of") is None


def test_fold_ignores_case_quotes_and_spacing_only():
    assert fold("Peacekeeping\u00a0 Forces") == "peacekeeping forces"
    assert fold("Tokayev’s") == fold("tokayev's")
    assert fold("peace-keeping") != fold("peacekeeping")


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=10)


@given(term=words, before=st.text(max_size=30), after=st.text(max_size=30))
def test_offsets_always_point_at_the_matched_text(term, before, after):
    text = f"{before} {term} {after}"
    for f in TermMatcher(term).find(text):
        assert text[f.start : f.end] == f.text


@given(term=st.lists(words, min_size=1, max_size=3).map(" ".join), filler=st.text(max_size=40))
def test_every_match_contains_the_prefilter_needle_once_hyphens_are_removed(term, filler):
    # The database prefilter relies on this: an article without the needle cannot hold a match.
    matcher = TermMatcher(term)
    text = f"{filler} {term.upper()} {filler}"
    for f in matcher.find(text):
        folded = f.text.lower().replace("-", "").replace("\u00ad", "").replace("\u2010", "").replace("\u2011", "")
        assert any(needle in folded for needle in matcher.needles or ())


def test_a_text_whose_lower_case_is_longer_keeps_exact_offsets():
    text = "İstanbul hosted peacekeeping talks"  # "İ".lower() is two characters
    [f] = TermMatcher("peacekeeping").find(text)
    assert text[f.start : f.end] == "peacekeeping"


def test_a_hit_inside_a_word_does_not_hide_the_next_one():
    assert found("gang", "gangang gang") == ["gang"]


@given(
    term=st.sampled_from(["peacekeeping", "terrorist gangs", "anti-terrorist operation", "force"]),
    pieces=st.lists(
        st.sampled_from(
            [
                "peace",
                "keeping",
                "-",
                " ",
                "Peacekeepers",
                "terrorist",
                "gangs",
                "anti",
                "operation",
                "“",
                "x",
                "Force",
                "İ",
                "\n",
            ]
        ),
        max_size=12,
    ),
)
def test_the_fast_search_finds_exactly_what_the_plain_pattern_finds(term, pieces):
    matcher = TermMatcher(term)
    text = "".join(pieces)
    assert list(matcher.spans(text)) == [m.span() for m in matcher.regex.finditer(text)]
