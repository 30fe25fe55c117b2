"""Finding a term's forms in text: case, hyphens, quotes, inflections, word boundaries, exact offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narratives.framing.matcher import TermMatcher, compound_joints, fold, prefilter_needle, stem_word


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


@pytest.mark.parametrize(
    ("term", "text", "forms"),
    [
        ("army", "an army, two armies, and he broke his arm", ["army", "armies"]),
        ("allies", "All the allies: an ally, allied troops, all of them", ["allies", "ally", "allied"]),
        ("party", "a party, the parties, part of it", ["party", "parties"]),
        ("deny", "they deny, he denies, she denied, denying it, a den", ["deny", "denies", "denied", "denying"]),
        ("copy", "a copy, two copies, copied, copying, a cop", ["copy", "copies", "copied", "copying"]),
    ],
)
def test_a_y_word_finds_its_forms_but_not_the_word_left_when_the_y_is_cut(term, text, forms):
    assert found(term, text) == forms


def test_a_y_word_named_by_any_of_its_forms_finds_the_same_family():
    text = "deny, denies, denied, denying"
    assert found("deny", text) == found("denies", text) == found("denied", text) == found("denying", text)
    assert found("spies", "a spy, spies, spied, spying") == ["spy", "spies", "spied", "spying"]


def test_a_y_after_a_vowel_stays_in_every_form():
    text = "stay, stays, stayed, staying"
    assert found("stay", text) == found("stays", text) == ["stay", "stays", "stayed", "staying"]


@given(stem=st.tuples(words, st.sampled_from("bcdfghjklmnpqrstvwxz")).map("".join))
def test_a_y_word_never_finds_its_stem_alone(stem):
    assert found(stem + "y", f"the {stem} and the {stem}y") == [f"{stem}y"]


@pytest.mark.parametrize(
    ("term", "text", "forms"),
    [
        ("raid", "the raids; Several raids; a raid; raided; raiding", ["raids", "raids", "raid", "raided", "raiding"]),
        ("crowd", "crowds, a crowd, crowded; a crow, crows", ["crowds", "crowd", "crowded"]),
    ],
)
def test_a_final_d_that_is_no_past_tense_keeps_its_plurals(term, text, forms):
    assert found(term, text) == forms
    assert stem_word(term).stem == term


def test_a_bare_d_is_the_past_tense_of_a_word_ending_in_e():
    assert found("die", "die, dies, died") == ["die", "dies", "died"]
    assert found("used", "use, used, uses") == ["use", "used", "uses"]
    assert found("see", "see, sees, a seed") == ["see", "sees"]


def test_a_final_s_of_the_word_itself_takes_the_es_plural():
    assert found("bias", "bias and biases") == ["bias", "biases"]
    assert found("status", "status and statuses") == ["status", "statuses"]
    assert found("Israelis", "an Israeli, two Israelis") == ["Israeli", "Israelis"]


@pytest.mark.parametrize(
    ("term", "text", "forms"),
    [
        ("gangs", "a gang, gangs, the gangway", ["gang", "gangs"]),
        ("terrorist", "terrorist, terrorists", ["terrorist", "terrorists"]),
        ("operation", "operation, operations", ["operation", "operations"]),
        ("operations", "operation, operations", ["operation", "operations"]),
        ("inspired", "inspire, inspired, inspires, inspiring", ["inspire", "inspired", "inspires", "inspiring"]),
        ("backing", "back, backed, backing", ["back", "backed", "backing"]),
        ("supported", "support, supported, supporting", ["support", "supported", "supporting"]),
        ("protests", "protest, protests, protested", ["protest", "protests", "protested"]),
        ("crisis", "the crisis", ["crisis"]),
        ("media", "the media", ["media"]),
        ("bus", "a bus, two buses", ["bus", "buses"]),
        ("buses", "a bus, two buses", ["bus", "buses"]),
        ("policy", "a policy, policies", ["policy", "policies"]),
        ("policies", "a policy, policies", ["policy", "policies"]),
        ("agree", "agree, agreed, agrees, agreeing", ["agree", "agreed", "agrees", "agreeing"]),
        ("agreed", "agree, agreed", ["agree", "agreed"]),
        ("stopped", "stop, stopped, stopping", ["stop", "stopped", "stopping"]),
    ],
)
def test_other_endings_keep_their_forms(term, text, forms):
    assert found(term, text) == forms


def test_an_abbreviation_inside_a_term_keeps_its_periods():
    text = "U.S.-backed groups met U.S. sanctions; Dr. Haftar spoke"
    assert found("U.S.-backed", text) == ["U.S.-backed"]
    assert found("U.S. sanctions", text) == ["U.S. sanctions"]
    assert found("Dr. Haftar", text) == ["Dr. Haftar"]
    assert [f.exact for f in TermMatcher("U.S. sanctions").find(text)] == [True]


def test_an_abbreviations_periods_are_not_optional():
    # Without them "U.S." would be the pronoun "us": "told us sanctions were coming".
    assert found("U.S. sanctions", "he told us sanctions were coming") == []


def test_a_sentence_period_after_the_last_word_stays_outside_the_match():
    assert found("terrorist gangs.", "led by terrorist gangs. Then") == ["terrorist gangs"]


@pytest.mark.parametrize(
    "term, text",
    [("peacekeeping", "peace keeps"), ("housekeeper", "the White House keeps"), ("landmark", "land marked"),
     ("firefighters", "fire fights"), ("hardliners", "hard lines")],
)  # fmt: skip
def test_a_compound_written_open_is_never_a_verb_phrase(term, text):
    assert found(term, f"They said the {text} it.") == []


@pytest.mark.parametrize(
    "text", ["peacekeeping", "peace-keeping", "peace keeping", "peace\u00a0keeping", "Peace Keepers", "peacekeepers"]
)
@pytest.mark.parametrize("term", ["peacekeeping", "peace-keeping", "peace keeping"])
def test_every_spelling_of_a_compound_finds_every_other(term, text):
    assert found(term, f"They sent {text} to the city.") == [text]


def test_an_open_spelling_of_a_compound_is_a_variant_not_exact():
    results = [(f.text, f.exact) for f in TermMatcher("ceasefire").find("a ceasefire, a cease fire, cease-fires")]
    assert results == [("ceasefire", True), ("cease fire", False), ("cease-fires", False)]


def test_a_compound_opens_only_between_two_words_of_the_lexicon():
    assert compound_joints("peacekeeping") == (5,)
    assert compound_joints("counterterrorism") == (7,)
    # "the" is a function word, "mans" an inflected first half, "gene rally" an adverb's split,
    # "man" too short, "come back" a verb phrase.
    for word in ("therapist", "manslaughter", "generally", "mandate", "comeback", "pushback", "terrorist"):
        assert compound_joints(word) == (), word


def test_a_verb_phrase_is_not_an_open_compound():
    assert found("comeback", "they will come back") == []
    assert found("mandate", "a man dated her") == []


def test_prefilter_needle_of_a_compound_is_held_by_every_spelling():
    # "peace keeping" holds "peace" but not "peacekeep": the needle must be the longer half.
    assert prefilter_needle("peacekeeping") == "peace"
    assert prefilter_needle("U.S.-backed") == "back"
    assert prefilter_needle("raid") == "raid"
