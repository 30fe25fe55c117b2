"""Lexical evidence: names spelt two ways, WordNet relatives, numbers, quotes, acronyms, phrase spans."""

from __future__ import annotations

from narratives.matching.evidence import compare
from narratives.matching.lexicon import related
from narratives.matching.phrases import phrase_pairs
from narratives.matching.text import analyse, same_name


def _links(a: str, b: str) -> dict[tuple[str, str], str]:
    evidence = compare(analyse(a), analyse(b))
    return {(link.a.text, link.b.text): link.kind for link in evidence.links}


def test_transliterated_names_are_one_name():
    assert same_name("kasim", "kassym") and same_name("yomart", "jomart") and same_name("sergei", "sergey")
    assert not same_name("moscow", "minsk") and not same_name("ivanov", "ivanova-petrova")


def test_wordnet_relatives_link_but_unrelated_words_do_not():
    assert related("foreign", "outside") and related("hike", "increase") and related("gas", "fuel")
    assert related("externally", "foreign")  # through the adjective of the adverb
    assert not related("monday", "tuesday")  # siblings under one parent are different claims
    assert not related("liquefied", "turned")


def test_links_name_their_kind():
    links = _links(
        "President Kasim-Yomart Tokayev blamed a hike in gas prices for 164 deaths.",
        "Kassym-Jomart Tokayev said 164 people died after an increase in fuel prices.",
    )
    assert links[("Kasim", "Kassym")] == "name" and links[("Tokayev", "Tokayev")] == "same"
    assert links[("164", "164")] == "number" and links[("hike", "increase")] == "related"
    assert links[("gas", "fuel")] == "related" and links[("prices", "prices")] == "same"


def test_a_capitalised_name_does_not_link_to_a_common_word():
    assert ("Foreign", "foreign") not in _links("The Foreign Ministry issued a note.", "The riots were foreign-backed.")


def test_reporting_verbs_carry_no_weight():
    words = {w.text: w.weight for w in analyse("He recalled that the minister stressed the point.").words}
    assert words["recalled"] == 0 and words["stressed"] == 0 and words["minister"] > 0


def test_spelled_out_acronym_counts_once():
    weights = {
        w.text: w.weight for w in analyse("He asked the Collective Security Treaty Organization (CSTO) for help.").words
    }
    assert weights["CSTO"] > 0 and weights["Collective"] == weights["Organization"] == 0


def test_shared_quotes_are_found_with_their_offsets():
    a, b = "The president blamed “terrorist gangs” for the riots.", "Protests were led by “terrorist gangs.”"
    evidence = compare(analyse(a), analyse(b))
    (span_a, span_b), *_ = evidence.shared_quotes
    assert a[span_a[0] : span_a[1]] == "terrorist gangs" and b[span_b[0] : span_b[1]].startswith("terrorist gangs")


def test_different_figures_are_a_conflict():
    assert compare(analyse("Police detained 120 people."), analyse("Police detained 300 people.")).number_conflict
    assert not compare(analyse("Police detained 120 people."), analyse("120 people were detained.")).number_conflict


def test_phrases_widen_to_the_words_that_carry_the_claim():
    a = "The riots in the country are inspired from abroad, according to officials."
    b = "Those involved in the riots had foreign backing, an official said."
    analysis_a, analysis_b = analyse(a), analyse(b)
    evidence = compare(analysis_a, analysis_b)
    phrases = phrase_pairs(analysis_a, analysis_b, evidence, lambda word: word.weight)
    texts = {(a[p.a[0] : p.a[1]], b[p.b[0] : p.b[1]]) for p in phrases}
    assert ("inspired from abroad", "foreign backing") in texts
