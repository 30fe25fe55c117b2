"""What each line of an article is: title, heading, caption, metadata, boilerplate or sentences.

Checked through ``build`` (clean → classify → segment) without the database, on short texts written
to show one rule each.
"""

from __future__ import annotations

from datetime import date

import pytest

from narratives.ingest.build import build
from narratives.ingest.readers import Document
from narratives.models import SegmentKind as K

BODY = "The harbour at Veltria reopened on Tuesday after a three-day closure, the port authority said."


def built(text: str, **document_fields):
    return build(Document("test.txt", b"", "text/plain", text, **document_fields))


def kinds(text: str, **document_fields) -> dict[str, str]:
    return {span.text: span.kind for span in built(text, **document_fields).spans}


def test_first_line_that_reads_as_a_headline_is_the_title():
    result = built(f"Harbour reopens after the storm\n\n{BODY}")
    assert result.title == "Harbour reopens after the storm"
    assert result.spans[0].kind == K.TITLE and result.spans[0].start == 0


def test_headline_may_follow_a_date_line():
    result = built(f"January 9 2022\n\nHarbour reopens after the storm\n\n{BODY}")
    assert result.title == "Harbour reopens after the storm"


def test_a_section_label_above_the_headline_is_not_the_title():
    result = built(f"World\n\nHarbour reopens after the storm\n\n{BODY}")
    assert result.title == "Harbour reopens after the storm"
    assert {s.text: s.kind for s in result.spans}["World"] == K.HEADING


def test_a_one_word_headline_with_no_other_above_the_text_is_still_the_title():
    assert built(f"Reopened!\n\n{BODY}").title == "Reopened!"


def test_text_without_a_headline_gets_its_opening_words_as_title_and_no_title_segment():
    result = built(f"{BODY} Ships queued outside for hours before the harbour master let the first one in.")
    assert not any(span.kind == K.TITLE for span in result.spans)
    assert result.title == BODY  # the first sentence, short enough to stand as it is


def test_opening_words_standing_in_for_a_title_are_marked_as_cut():
    long_sentence = "The harbour at Veltria " + "and its many quays " * 10 + "reopened on Tuesday."
    result = built(long_sentence)
    assert result.title.endswith("…") and len(result.title) <= 101


def test_a_title_the_format_names_is_found_in_the_text_rather_than_doubled():
    result = built(f"Harbour reopens after the storm\n\n{BODY}", title="Harbour Reopens After The Storm")
    assert result.clean_text.count("Harbour reopens") == 1
    assert result.spans[0].kind == K.TITLE


def test_a_title_the_text_lacks_is_put_at_its_head():
    result = built(BODY, title="Harbour reopens")
    assert result.clean_text.startswith("Harbour reopens\n\n")
    assert result.spans[0].text == "Harbour reopens" and result.spans[0].kind == K.TITLE


@pytest.mark.parametrize(
    "line, published",
    [
        ("January 9 2022", date(2022, 1, 9)),
        ("9 January 2022", date(2022, 1, 9)),
        ("Jan. 9, 2022", date(2022, 1, 9)),
        ("2022-01-09", date(2022, 1, 9)),
        ("Published: Sunday, January 9, 2022 10:32 AM", date(2022, 1, 9)),
        ("Updated 09.01.2022 - 14:05 GMT", date(2022, 1, 9)),
        ("Moscow, January 9 2022", date(2022, 1, 9)),
        ("03/04/2022", None),  # March or April: left for the analyst
        ("Published 6 January", None),  # no year: a date line, but nothing to store
        ("2 hours ago", None),
    ],
)
def test_date_lines_are_metadata_and_fill_the_date_when_unambiguous(line, published):
    result = built(f"Harbour reopens\n\n{line}\n\n{BODY}")
    assert {s.text: s.kind for s in result.spans}[line] == K.METADATA
    assert result.published == published


def test_byline_is_metadata_and_fills_the_byline():
    result = built(f"Harbour reopens\n\nBy Al Mayadeen\n\n{BODY}")
    assert {s.text: s.kind for s in result.spans}["By Al Mayadeen"] == K.METADATA
    assert result.byline == "Al Mayadeen"


def test_a_sentence_starting_with_by_is_not_a_byline():
    found = kinds(f"Harbour reopens\n\nBy Friday the protests had spread to every city\n\n{BODY}")
    assert found["By Friday the protests had spread to every city"] != K.METADATA


@pytest.mark.parametrize(
    "line",
    ["Net Source: Agencies", "Source: TASS", "Sources: Reuters, AFP", "(With inputs from agencies)", "3 min read"],
)
def test_source_lines_are_metadata(line):
    assert kinds(f"Harbour reopens\n\n{line}\n\n{BODY}")[line] == K.METADATA


@pytest.mark.parametrize(
    "line",
    [
        "You may also like",
        "Leave a Reply",
        "Source",
        "Powered by WordPress | Designed by: Premium WordPress Themes | Thanks to Themes Gallery",
        "You can skip to the end and leave a response. Pinging is currently not allowed.",
        "Here’s what you need to know",
        "Share this article",
        "Facebook Twitter WhatsApp Telegram",
        "Subscribe to our newsletter",
        "Advertisement",
        "Read more: Why the port closed",
        "Related: Port fees explained: who pays for the dredging?",
        "Tags: Veltria, harbour, storm",
        "© 2022 Veltria Daily. All rights reserved.",
        "Your email address will not be published. Required fields are marked *",
        "Page 2 of 5",
    ],
)
def test_web_furniture_is_boilerplate(line):
    assert kinds(f"Harbour reopens\n\n{BODY}\n\n{line}")[line] == K.BOILERPLATE


@pytest.mark.parametrize(
    "sentence",
    [
        "Comments by the minister were widely reported on Monday.",
        "Share prices in Almaty fell sharply after the protests.",
        "Sources close to the ministry said the troops would leave.",
        "Subscribers to the state channel saw the address live.",
        "Related talks between the two ministries were held on Friday.",
    ],
)
def test_sentences_that_start_like_a_widget_stay_sentences(sentence):
    assert kinds(f"Harbour reopens\n\n{BODY}\n\n{sentence}")[sentence] == K.SENTENCE


@pytest.mark.parametrize(
    "sentence",
    [
        "The new media law names donors who support independent journalism as foreign agents, the ministry said.",
        "Under the draft, all rights reserved to the press council pass to the interior ministry, officials said.",
        "Regulators said on Monday that the firm had told users we use cookies only for security.",
    ],
)
def test_a_footer_phrase_inside_running_prose_leaves_the_sentence_a_sentence(sentence):
    assert kinds(f"Harbour reopens\n\n{BODY}\n\n{sentence}")[sentence] == K.SENTENCE
    assert kinds(f"Harbour reopens\n\n{BODY} {sentence}")[sentence] == K.SENTENCE


@pytest.mark.parametrize(
    "line",
    ["Copyright Veltria Daily, all rights reserved", "Veltria Daily | Powered by WordPress",
     "Support independent journalism: donate today", "We use cookies to improve your experience on our website."],
)  # fmt: skip
def test_a_footer_phrase_that_opens_a_short_line_or_one_of_its_parts_is_boilerplate(line):
    assert kinds(f"Harbour reopens\n\n{BODY}\n\n{line}")[line] == K.BOILERPLATE


def test_links_listed_under_a_recommendations_widget_are_boilerplate_until_prose_resumes():
    widget = "You may also like\n\nImmediate Access Pro\n\nStorm season ends early"
    text = f"Harbour reopens\n\n{BODY}\n\n{widget}\n\n{BODY[:-1]} again."
    found = kinds(text)
    assert found["Immediate Access Pro"] == K.BOILERPLATE
    assert found["Storm season ends early"] == K.BOILERPLATE
    assert found[f"{BODY[:-1]} again."] == K.SENTENCE


def test_widget_sentence_inside_a_paragraph_is_boilerplate_and_its_neighbour_a_sentence():
    found = kinds(f"Harbour reopens\n\n{BODY} Read more: Why the port closed")
    assert found[BODY] == K.SENTENCE
    assert found["Read more: Why the port closed"] == K.BOILERPLATE


def test_caption_repeating_the_start_of_the_next_paragraph():
    caption = "Anja Weiss, the head of the Veltria port authority"
    sentence = "Anja Weiss, the head of the Veltria port authority, said cargo had been delayed by three days."
    found = kinds(f"Harbour reopens\n\n{caption}\n\n{sentence}")
    assert found[caption] == K.CAPTION and found[sentence] == K.SENTENCE


def test_caption_naming_a_person_or_crediting_a_picture():
    captions = "Harbour Master Ivo Brandt, at the quay on Tuesday\n\nPhoto: Mira Holt/AFP"
    found = kinds(f"Harbour reopens\n\n{BODY}\n\n{captions}")
    assert found["Harbour Master Ivo Brandt, at the quay on Tuesday"] == K.CAPTION
    assert found["Photo: Mira Holt/AFP"] == K.CAPTION


def test_short_lines_without_a_full_stop_in_the_body_are_headings():
    found = kinds(f"Harbour reopens\n\n{BODY}\n\n‘Foreign-trained terrorists’\n\n{BODY[:-1]} again.")
    assert found["‘Foreign-trained terrorists’"] == K.HEADING


def test_a_short_question_standing_alone_is_a_subheading():
    found = kinds(f"Harbour reopens\n\n{BODY}\n\nWhat happens next?\n\n{BODY[:-1]} again.")
    assert found["What happens next?"] == K.HEADING


def test_headings_marked_by_the_format_are_headings_even_with_a_full_stop():
    text = f"Harbour reopens\n\n{BODY}\n\nWhat happened next.\n\nShips came."
    found = kinds(text, headings=frozenset({"What happened next."}))
    assert found["What happened next."] == K.HEADING


def test_a_long_line_without_a_full_stop_stays_a_sentence():
    line = (
        "Ships queued outside the harbour for hours while the harbour master inspected the quays one by one "
        "and the crews waited for word from the port authority on the radio"
    )
    assert kinds(f"Harbour reopens\n\n{line}")[line] == K.SENTENCE
