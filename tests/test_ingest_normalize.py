"""Normalisation: characters, spaces, quote spacing and line breaks, before anything is classified."""

from __future__ import annotations

import pytest

from narratives.ingest.normalize import clean_paragraphs, fix_quote_spacing


def test_non_breaking_and_odd_spaces_become_plain_spaces():
    raw = "had\u00a0foreign support,\u2009thin\u202fand\u3000wide\tspaces"
    assert clean_paragraphs(raw) == ["had foreign support, thin and wide spaces"]


def test_runs_of_spaces_collapse_and_lines_are_trimmed():
    assert clean_paragraphs("  Protests   turned violent.\u00a0 ") == ["Protests turned violent."]


def test_text_is_composed_to_nfc():
    decomposed = "Cafe\u0301 in Almaty"
    assert clean_paragraphs(decomposed) == ["Café in Almaty"]


def test_invisible_and_control_characters_go_but_joiners_stay():
    raw = "soft\u00adhyphen zero\u200bwidth bell\x07 nul\x00 family 👩\u200d👩\u200d👧 persian می\u200cخواهم"
    assert clean_paragraphs(raw) == ["softhyphen zerowidth bell nul family 👩\u200d👩\u200d👧 persian می\u200cخواهم"]


def test_every_kind_of_line_break_separates_lines():
    raw = "Headline one\r\n\r\nFirst paragraph.\rSecond paragraph.\u2029Third paragraph.\u2028Fourth."
    expected = ["Headline one", "First paragraph.", "Second paragraph.", "Third paragraph.", "Fourth."]
    assert clean_paragraphs(raw) == expected


def test_space_before_a_closing_quote_moves_after_it():
    assert fix_quote_spacing("the process of “pacification. ”Of the protests.") == (
        "the process of “pacification.” Of the protests."
    )


def test_space_inside_an_opening_quote_is_removed():
    assert fix_quote_spacing("called them “ terrorist gangs ” today") == "called them “terrorist gangs” today"


def test_well_spaced_quotes_are_untouched():
    text = "“We see the latest events,” the ministry said of “peacekeeping forces”."
    assert fix_quote_spacing(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Er sagte: „Wir kommen “ und ging.",  # German opens low and closes with “
        "Han sa: ”Vi kommer ” och gick.",  # Swedish uses ” on both sides
        "A closing quote ” with no opening one stays as typed.",
    ],
)
def test_quotes_that_do_not_pair_as_english_are_left_alone(text):
    assert fix_quote_spacing(text) == text


def test_stray_line_break_inside_a_sentence_is_joined():
    raw = "Moscow called it an attempt to undermine the country’s\nintegrity, the ministry said."
    assert clean_paragraphs(raw) == [raw.replace("\n", " ")]


def test_hard_wrapped_paragraphs_are_rejoined_and_keep_their_breaks():
    raw = (
        "The harbour at Veltria reopened on Tuesday after a closure of\n"
        "three days, the port authority said in a statement sent to the\n"
        "shipping companies that use the port every week.\n"
        "\n"
        "Cargo was delayed.\n"
    )
    assert clean_paragraphs(raw) == [
        "The harbour at Veltria reopened on Tuesday after a closure of three days, the port authority said "
        "in a statement sent to the shipping companies that use the port every week.",
        "Cargo was delayed.",
    ]


def test_header_lines_without_blank_lines_stay_separate_paragraphs():
    raw = "Lebedev: Those involved were foreign-backed\nJanuary 9 2022\nBy Al Mayadeen\nThe chairman said so on Sunday."
    assert clean_paragraphs(raw) == [
        "Lebedev: Those involved were foreign-backed",
        "January 9 2022",
        "By Al Mayadeen",
        "The chairman said so on Sunday.",
    ]


def test_long_lines_copied_one_per_paragraph_are_not_merged():
    first = "The demonstrations broke out on January 2 in response to the increase in the prices of gas " * 2
    second = "Moscow called the unrest an attempt to undermine the integrity of the country, officials said " * 2
    assert clean_paragraphs(f"{first}\n{second}") == [first.strip(), second.strip()]


def test_word_hyphenated_at_the_margin_keeps_its_hyphen_but_not_the_break():
    raw = "Lebedev said the rioters were foreign-\nbacked and prepared in advance."
    assert clean_paragraphs(raw) == ["Lebedev said the rioters were foreign-backed and prepared in advance."]


def test_lines_are_paragraphs_mode_never_joins():
    raw = "a line from one HTML block\nthat continues in lower case in the next block"
    assert clean_paragraphs(raw, lines_are_paragraphs=True) == [
        "a line from one HTML block",
        "that continues in lower case in the next block",
    ]
