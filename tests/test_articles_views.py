"""The corpus list, the reading page, the original download, compare selection and deletion."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from narratives.models import Article, Segment, SegmentKind
from narratives.textspans import Span
from tests.conftest import PASSWORD
from tests.matching_support import make_article

HTMX = {"HTTP_HX_REQUEST": "true"}


def article(
    outlet: str = "Meridian Press Agency", title: str = "Protests spread", paragraphs=None, **fields
) -> Article:
    made = make_article(outlet, title, paragraphs or ["Protests over fuel prices spread on Monday."])
    if fields:
        Article.objects.filter(pk=made.pk).update(**fields)
        made.refresh_from_db()
    return made


class ParagraphText(HTMLParser):
    """The text content of every ``<p data-start>`` inside ``.article-text``, as a browser would see it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self._start: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "p" and "data-start" in attrs:
            self._start, self._text = int(attrs["data-start"]), []

    def handle_endtag(self, tag) -> None:
        if tag == "p" and self._start is not None:
            self.blocks.append((self._start, "".join(self._text)))
            self._start = None

    def handle_data(self, data) -> None:
        if self._start is not None:
            self._text.append(data)


def blocks_of(response) -> list[tuple[int, str]]:
    parser = ParagraphText()
    parser.feed(response.content.decode())
    return parser.blocks


# --- corpus list -------------------------------------------------------------------------------


def test_list_shows_titles_outlets_and_dates(bob_client):
    article(title="Regional pact sends troops", published=date(2025, 3, 5))
    response = bob_client.get(reverse("article_list"))
    assert response.status_code == 200
    assert b"Regional pact sends troops" in response.content
    assert b"Meridian Press Agency" in response.content
    assert b"5 Mar 2025" in response.content


def test_list_search_finds_words_in_the_text(bob_client):
    article(title="Curfew lifted", paragraphs=["The curfew in Seren was lifted on Saturday."])
    article(title="Troops arrive", paragraphs=["Soldiers landed at the airport."])
    response = bob_client.get(reverse("article_list"), {"q": "airport"})
    assert b"Troops arrive" in response.content
    assert b"Curfew lifted" not in response.content


@pytest.mark.parametrize(
    "query",
    ["Port\u00a0Quelle", "port  quelle", "minister's office", "“entirely false”", '"entirely false"', "Valmora’s"],
)
def test_list_search_reads_a_pasted_phrase_as_ingest_reads_text(bob_client, query):
    article(title="Harbour row", paragraphs=["At Port Quelle the minister’s office said it was “entirely false”."])
    article(title="Valmora's answer", paragraphs=["Valmora's ministry did not answer."])
    article(title="Unrelated", paragraphs=["Nothing here."])
    found = bob_client.get(reverse("article_list"), {"q": query}).content.decode()
    wants_valmora = "Valmora" in query
    assert ("Harbour row" in found) != wants_valmora and ("Valmora&#x27;s answer" in found) == wants_valmora
    assert "Unrelated" not in found


def test_list_filters_by_outlet_language_and_date(bob_client):
    wanted = article(outlet="The Seren Ledger", title="Night of shooting", language="en", published=date(2025, 3, 4))
    article(outlet="The Seren Ledger", title="Too early", language="en", published=date(2025, 2, 1))
    article(outlet="The Seren Ledger", title="Other language", language="fr", published=date(2025, 3, 4))
    article(outlet="Patriot Signal", title="Other outlet", language="en", published=date(2025, 3, 4))
    query = {
        "outlet": wanted.outlet.slug,
        "language": "en",
        "published_from": "2025-03-01",
        "published_to": "2025-03-31",
    }
    response = bob_client.get(reverse("article_list"), query)
    assert b"Night of shooting" in response.content
    for title in (b"Too early", b"Other language", b"Other outlet"):
        assert title not in response.content


def test_list_reports_an_end_date_before_the_start(bob_client):
    article(title="Still listed", published=date(2025, 3, 4))
    response = bob_client.get(reverse("article_list"), {"published_from": "2025-03-10", "published_to": "2025-03-01"})
    assert b"The end date is before the start date." in response.content
    assert b"Still listed" not in response.content  # the valid start date still applies


def test_list_paginates_and_keeps_the_filters_in_page_links(bob_client):
    for n in range(27):
        article(title=f"Fuel report {n:02d}")
    response = bob_client.get(reverse("article_list"), {"q": "Fuel"})
    assert response.context["page"].paginator.num_pages == 2
    assert b"page=2&amp;q=Fuel" in response.content or b"q=Fuel&amp;page=2" in response.content
    second = bob_client.get(reverse("article_list"), {"q": "Fuel", "page": 2})
    assert len(second.context["page"].object_list) == 2


def test_list_htmx_request_gets_only_the_results(bob_client):
    article(title="Troops arrive")
    response = bob_client.get(reverse("article_list"), {"q": "Troops"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body and "Troops arrive" in body
    assert "HX-Request" in response.headers["Vary"]


def test_full_list_page_links_work_without_javascript(bob_client):
    article(title="Troops arrive")
    body = bob_client.get(reverse("article_list")).content.decode()
    assert 'method="get" action="/articles/"' in body  # the filter form submits without htmx
    assert 'action="/articles/compare"' in body


def test_empty_corpus_invites_analysts_to_upload(alice_client):
    response = alice_client.get(reverse("article_list"))
    assert b"The corpus is empty." in response.content
    assert reverse("upload").encode() in response.content


# --- reading page ------------------------------------------------------------------------------


def test_reading_page_follows_the_rendering_contract(bob_client):
    shown = article(
        title="Seren residents describe night of shooting",
        paragraphs=[
            (SegmentKind.METADATA, "By Talia Renz"),
            "Residents described hours of gunfire. Troops began to arrive at the airport.",
            (SegmentKind.BOILERPLATE, "Share this article: Facebook | X | Telegram"),
        ],
    )
    response = bob_client.get(shown.get_absolute_url())
    assert f'<div class="article-text" data-article="{shown.pk}">' in response.content.decode()
    blocks = blocks_of(response)
    assert len(blocks) == 4
    for start, text in blocks:
        assert shown.clean_text[start : start + len(text)] == text


def test_reading_page_dims_boilerplate_and_styles_metadata(bob_client):
    shown = article(
        paragraphs=[(SegmentKind.METADATA, "March 4 2025"), "A claim.", (SegmentKind.BOILERPLATE, "You may also like")]
    )
    body = bob_client.get(shown.get_absolute_url()).content.decode()
    boilerplate = Segment.objects.get(article=shown, kind=SegmentKind.BOILERPLATE)
    assert f'class="para para-boilerplate" data-start="{boilerplate.start}"' in body
    span = f'<span class="seg kind-boilerplate" data-kind="boilerplate" data-segment="{boilerplate.pk}">'
    assert f"{span}You may also like</span>" in body
    assert 'class="para para-metadata"' in body


def test_reading_page_escapes_the_article_text(bob_client):
    shown = article(title="<b>Headline</b>", paragraphs=['He said <script>alert("x")</script> & left.'])
    body = bob_client.get(shown.get_absolute_url()).content.decode()
    assert "<script>alert" not in body and "<b>Headline</b>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; left." in body


def test_reading_page_shows_the_title_once_as_the_heading(bob_client):
    shown = article(title="Curfew lifted in Seren")
    body = bob_client.get(shown.get_absolute_url()).content.decode()
    assert body.count(">Curfew lifted in Seren</span>") == 1
    assert "<h1>" not in body.split('<main id="main">')[1]
    assert 'role="heading" aria-level="1"' in body


def test_reading_page_nests_framing_highlights_inside_segments(bob_client, monkeypatch):
    shown = article(paragraphs=["The stabilisation mission arrived."])
    start = shown.clean_text.index("stabilisation mission")
    span = Span(start, start + len("stabilisation mission"), "mark", (("class", "framing"), ("data-term", "7")))
    monkeypatch.setattr("narratives.views.articles.spans_for_article", lambda a: [span])
    response = bob_client.get(shown.get_absolute_url())
    assert '<mark class="framing" data-term="7">stabilisation mission</mark>' in response.content.decode()
    for block_start, text in blocks_of(response):
        assert shown.clean_text[block_start : block_start + len(text)] == text


def test_reading_page_shows_metadata_and_the_download_link(bob_client):
    shown = article(byline="By Oren Halvik", url="https://meridianpress.example/world/x", published=date(2025, 3, 3))
    body = bob_client.get(shown.get_absolute_url()).content.decode()
    assert "By Oren Halvik" in body and "3 March 2025" in body
    assert 'href="https://meridianpress.example/world/x" rel="noopener noreferrer nofollow"' in body
    assert reverse("article_original", args=[shown.pk]) in body


def test_reading_page_does_not_link_a_javascript_url(bob_client):
    shown = article(url="javascript:alert(1)")
    body = bob_client.get(shown.get_absolute_url()).content.decode()
    assert 'href="javascript:' not in body


def test_reading_page_names_the_article_it_nearly_duplicates(bob_client):
    first = article(title="The original report")
    copy = article(title="A reprint", near_duplicate_of=first)
    assert b"Near-duplicate" in bob_client.get(copy.get_absolute_url()).content
    assert first.get_absolute_url().encode() in bob_client.get(copy.get_absolute_url()).content
    assert copy.get_absolute_url().encode() in bob_client.get(first.get_absolute_url()).content


def test_reading_page_offers_other_articles_to_compare_with(bob_client):
    shown = article(title="One side")
    other = article(outlet="Patriot Signal", title="Other side")
    body = bob_client.get(shown.get_absolute_url()).content.decode()
    assert f'<input type="hidden" name="articles" value="{shown.pk}">' in body
    assert f'<option value="{other.pk}">Other side' in body
    assert '<optgroup label="Patriot Signal">' in body


def test_compare_with_offers_every_outlets_newest_and_says_when_it_leaves_some_out(bob_client, monkeypatch):
    monkeypatch.setattr("narratives.views.articles.CANDIDATES_PER_OUTLET", 2)
    monkeypatch.setattr("narratives.forms.CANDIDATES_PER_OUTLET", 2)
    shown = article(title="One side")
    for n in range(3):
        article(outlet="Alpha Wire", title=f"Alpha {n}", published=date(2025, 3, n + 1))
    article(outlet="Zulu Post", title="Zulu only")
    body = bob_client.get(shown.get_absolute_url()).content.decode()
    assert "Alpha 2" in body and "Alpha 1" in body and "Alpha 0" not in body  # the newest two
    assert '<optgroup label="Zulu Post">' in body  # an outlet late in the alphabet is not left out
    assert "The 2 newest of each outlet." in body


def test_reading_page_of_a_missing_article_is_404(bob_client):
    assert bob_client.get(reverse("article_detail", args=[999999])).status_code == 404


def test_viewers_see_no_delete_control(bob_client, alice_client):
    shown = article()
    assert b"Delete this article" not in bob_client.get(shown.get_absolute_url()).content
    assert b"Delete this article" in alice_client.get(shown.get_absolute_url()).content


# --- original download -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "served"),
    [
        ("text/html; charset=utf-8", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("", "application/octet-stream"),
        ("text/plain", "text/plain"),
        ("application/pdf", "application/pdf"),
    ],
)
def test_original_is_a_download_never_rendered_html(bob_client, stored, served):
    shown = article(
        original=b"<html><script>alert(1)</script></html>", original_content_type=stored, original_filename="page.html"
    )
    response = bob_client.get(reverse("article_original", args=[shown.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == served
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response.content == b"<html><script>alert(1)</script></html>"


def test_original_download_keeps_the_bytes_and_quotes_odd_filenames(bob_client):
    raw = "Prix du gaz\u00a0: «\u00a0hausse\u00a0»".encode("cp1252", errors="replace")
    shown = article(original=raw, original_filename='rapport "final".txt', original_content_type="text/plain")
    response = bob_client.get(reverse("article_original", args=[shown.pk]))
    assert response.content == raw
    assert response["Content-Disposition"] == 'attachment; filename="rapport \\"final\\".txt"'


def test_the_site_root_opens_the_corpus_list_after_sign_in(client, bob):
    first = client.get("/")
    assert first.status_code == 302 and first["Location"] == "/accounts/login/?next=/"
    signed_in = client.post("/accounts/login/?next=/", {"username": "bob", "password": PASSWORD}, follow=True)
    assert signed_in.redirect_chain[-1][0] == "/articles/" and signed_in.status_code == 200


# --- compare selection -------------------------------------------------------------------------


def test_compare_selection_goes_to_the_compare_page_in_the_chosen_order(bob_client):
    a, b, c = article(title="A"), article(title="B"), article(title="C")
    response = bob_client.get(reverse("compare_selection"), {"articles": [c.pk, a.pk, b.pk]})
    assert response.status_code == 302
    assert response["Location"] == f"/compare/?articles={c.pk},{a.pk},{b.pk}"


def test_compare_with_ignores_the_empty_choice(bob_client):
    a, b = article(title="A"), article(title="B")
    response = bob_client.get(reverse("compare_selection"), {"articles": [a.pk, "", b.pk]})
    assert response["Location"] == f"/compare/?articles={a.pk},{b.pk}"


@pytest.mark.parametrize("count", [1, 7])
def test_compare_selection_needs_two_to_six_articles(bob_client, count):
    ids = [article(title=f"T{n}").pk for n in range(count)]
    response = bob_client.get(reverse("compare_selection"), {"articles": ids, "back": "/articles/?q=T"}, follow=True)
    assert response.redirect_chain[0][0] == "/articles/?q=T"
    assert f"Pick between 2 and 6 articles to compare (you picked {count})." in response.content.decode()


@pytest.mark.parametrize(
    "bad, says",
    [("999999", "No article with id 999999: it may have been deleted."),
     ("99999999999999999999", "“99999999999999999999” is not an article id: ids are whole numbers."),
     ("²", "“²” is not an article id: ids are whole numbers.")],
)  # fmt: skip
def test_compare_selection_names_an_article_id_that_is_missing_or_malformed(bob_client, bad, says):
    a = article()
    response = bob_client.get(reverse("compare_selection"), {"articles": [a.pk, bad]}, follow=True)
    assert response.status_code == 200 and says in response.content.decode()


def test_compare_selection_never_sends_the_analyst_to_another_site(bob_client):
    a = article()
    for back in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        response = bob_client.get(reverse("compare_selection"), {"articles": [a.pk], "back": back})
        assert response["Location"] == reverse("article_list")


# --- deletion ----------------------------------------------------------------------------------


def test_delete_needs_the_confirmation_box(alice_client):
    shown = article()
    response = alice_client.post(reverse("article_delete", args=[shown.pk]))
    assert response.status_code == 400
    assert b"Tick the box to confirm the deletion." in response.content
    assert Article.objects.filter(pk=shown.pk).exists()


def test_delete_removes_the_article_and_its_segments(alice_client):
    shown = article(title="To be removed")
    response = alice_client.post(reverse("article_delete", args=[shown.pk]), {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("article_list")
    assert "Deleted “To be removed”." in response.content.decode()
    assert not Article.objects.filter(pk=shown.pk).exists()
    assert not Segment.objects.filter(article_id=shown.pk).exists()


def test_delete_is_refused_on_get(alice_client):
    shown = article()
    assert alice_client.get(reverse("article_delete", args=[shown.pk])).status_code == 405
    assert Article.objects.filter(pk=shown.pk).exists()
