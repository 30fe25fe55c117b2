"""The aligner on our own small articles: paraphrases found, same-topic claims kept apart, furniture
never matched, offsets exact, ids stable. Real model, real stored vectors."""

from __future__ import annotations

import pytest

from narratives.matching.align import DEFAULT_SENSITIVITY, compare_articles
from narratives.matching.index import embed_article
from narratives.models import SegmentKind
from tests.matching_support import make_article, prepared_model_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

FURNITURE = [
    (SegmentKind.CAPTION, "Police officers in Marsk on Tuesday"),
    (SegmentKind.BOILERPLATE, "Share this article with your friends"),
    (SegmentKind.METADATA, "By Staff Reporter"),
]


@pytest.fixture
def pair(prepared_model):
    a = make_article(
        "Alpha News",
        "Unrest in Veldoria was organised from abroad, officials say",
        [
            "Protests began in Veldoria on Monday after the government doubled the price of bread.",
            "The interior minister said the unrest was organised from abroad and financed by foreign groups.",
            "Police detained 120 people in the capital, Marsk, according to the ministry.",
            "Schools in the capital will stay closed until Friday.",
            *FURNITURE,
        ],
    )
    b = make_article(
        "Beta Daily",
        "Veldoria blames foreign backers for the riots",
        [
            "Demonstrations erupted over a sharp increase in bread prices.",
            "Minister Ivan Petrenko claimed that the riots had foreign backing.",
            "Rail services between the capital and the coast were suspended.",
            "Police said 120 people had been detained in Marsk.",
            *FURNITURE,
        ],
    )
    embed_article(a)
    embed_article(b)
    return a, b


def _pairs(comparison) -> set[tuple[str, str]]:
    return {(m.a.text.split()[0], m.b.text.split()[0]) for m in comparison.matches}


def _find(comparison, a_word: str, b_word: str):
    return next(m for m in comparison.matches if a_word in m.a.text and b_word in m.b.text)


def test_paraphrased_claims_are_matched(pair):
    comparison = compare_articles(*pair)
    assert _find(comparison, "organised from abroad", "foreign backing")
    assert _find(comparison, "price of bread", "bread prices")
    assert _find(comparison, "detained 120", "120 people")


def test_same_topic_different_claims_are_not_matched(pair):
    comparison = compare_articles(*pair)
    assert not [m for m in comparison.matches if "Schools" in m.a.text or "Rail" in m.b.text]


def test_furniture_is_never_matched_even_when_identical(pair):
    a, b = pair
    furniture = {text for _, text in FURNITURE}
    for sensitivity in (0.5, 1.0):
        comparison = compare_articles(a, b, sensitivity=sensitivity)
        assert not [m for m in comparison.matches if m.a.text in furniture or m.b.text in furniture]


def test_every_span_is_exact(pair):
    a, b = pair
    comparison = compare_articles(a, b, sensitivity=1.0)
    assert comparison.matches
    for match in comparison.matches:
        assert a.clean_text[match.a.start : match.a.end] == match.a.text
        assert b.clean_text[match.b.start : match.b.end] == match.b.text
        for phrase in match.phrases:
            assert a.clean_text[phrase.a.start : phrase.a.end] == phrase.a.text
            assert b.clean_text[phrase.b.start : phrase.b.end] == phrase.b.text
            assert match.a.start <= phrase.a.start < phrase.a.end <= match.a.end
            assert match.b.start <= phrase.b.start < phrase.b.end <= match.b.end


def test_phrases_mark_what_carries_the_claim(pair):
    match = _find(compare_articles(*pair), "organised from abroad", "foreign backing")
    assert any("abroad" in p.a.text and "foreign" in p.b.text for p in match.phrases)
    assert "paraphrase" in match.reasons


def test_shared_numbers_are_a_reason(pair):
    match = _find(compare_articles(*pair), "detained 120", "120 people")
    assert "same numbers" in match.reasons


def test_sensitivity_moves_the_threshold_but_not_ids_or_scores(pair):
    lowest = {m.id: m for m in compare_articles(*pair, sensitivity=0.0).matches}
    default = {m.id: m for m in compare_articles(*pair).matches}
    highest = {m.id: m for m in compare_articles(*pair, sensitivity=1.0).matches}
    assert set(lowest) <= set(default) <= set(highest)
    assert all(default[k].score == highest[k].score for k in default)
    strong = [sum(m.tier == "strong" for m in found.values()) for found in (lowest, default, highest)]
    assert strong == sorted(strong) and strong[-1] > strong[0]


def test_ids_do_not_depend_on_which_article_is_first(pair):
    a, b = pair
    forward = {m.id for m in compare_articles(a, b).matches}
    backward = {m.id for m in compare_articles(b, a).matches}
    assert forward == backward and all(i.replace("-", "").isalnum() for i in forward)


def test_rejected_pairs_are_not_suggested_again(pair):
    a, b = pair
    comparison = compare_articles(a, b)
    rejected = comparison.matches[0]
    key = (rejected.a.start, rejected.a.end, rejected.b.start, rejected.b.end)
    again = compare_articles(a, b, exclude={key})
    assert rejected.id not in {m.id for m in again.matches}
    assert len(again.matches) == len(comparison.matches) - 1


def test_json_follows_the_compare_contract(pair):
    a, b = pair
    data = compare_articles(a, b).as_json()
    assert data["a"] == {"id": a.pk, "title": a.title, "outlet": "Alpha News"}
    match = data["matches"][0]
    assert {"a", "b", "score", "tier", "phrases", "id", "reasons"} <= set(match)
    assert set(match["a"]) == {"start", "end", "text"} and match["tier"] in {"strong", "possible"}
    assert 0.0 <= match["score"] <= 1.0
    assert compare_articles(a, b).sensitivity == DEFAULT_SENSITIVITY


def test_articles_without_claims_have_no_matches(prepared_model):
    a = make_article("Alpha News", "Menu", [(SegmentKind.BOILERPLATE, "Home | About | Contact")])
    b = make_article("Beta Daily", "Menu", [(SegmentKind.BOILERPLATE, "Home | About | Contact")])
    assert compare_articles(a, b, sensitivity=1.0).matches == []
