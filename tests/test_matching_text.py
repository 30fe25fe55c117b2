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


def _figures(text: str) -> list[tuple[str, str]]:
    return [(w.text, w.number) for w in analyse(text).words if w.number is not None]


def test_a_written_figure_is_one_quantity():
    assert _figures("About 3,000 people came; 8.10 percent voted; it sold $2bn.") == [
        ("3,000", "3000"), ("8.10", "8.1"), ("2bn", "2000000000"),
    ]  # fmt: skip
    assert _figures("Forty-eight died and 31 billion dollars went.") == [
        ("Forty-eight", "48"), ("31 billion", "31000000000"),
    ]  # fmt: skip


def test_a_figure_in_words_equals_the_figure_in_digits():
    digits = analyse("Some 12,000 residents were evacuated.")
    words = analyse("Twelve thousand residents were evacuated.")
    assert not compare(digits, words).number_conflict
    assert [link.kind for link in compare(digits, words).links if link.kind == "number"] == ["number"]


def test_thousands_do_not_share_their_zeros():
    # "3,000" and "20,000" once shared the word "000": a matching figure where the figures differ.
    evidence = compare(analyse("About 3,000 people rallied."), analyse("More than 20,000 people rallied."))
    assert evidence.number_conflict and not evidence.shared_numbers


def test_the_same_scale_word_does_not_make_different_sums_agree():
    evidence = compare(analyse("Reserves stand at 31 billion dollars."), analyse("Reserves are 18 billion dollars."))
    assert evidence.number_conflict


def test_a_decimal_comma_is_a_decimal_point_and_odd_groupings_stay_as_written():
    assert _figures("Growth was 1,5 percent, version 1.2.3, 12,34,567 rupees.") == [
        ("1,5", "1.5"), ("1.2.3", "1.2.3"), ("12,34,567", "12,34,567"),
    ]  # fmt: skip


def test_a_scale_written_apart_joins_its_figure():
    assert _figures("It sold 2 bn of reserves and 1.5 million doses.") == [
        ("2 bn", "2000000000"), ("1.5 million", "1500000"),
    ]  # fmt: skip


def test_a_time_of_day_or_a_lone_m_is_not_a_figure():
    assert _figures("It began at 10am, 5 m from the gate.") == [("5", "5")]
