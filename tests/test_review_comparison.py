"""The review layer: analysts' decisions laid over the machine's suggestions."""

from __future__ import annotations

from narratives.models import MatchDecision, ReviewState, Segment, SegmentEmbedding
from narratives.review import decisions
from narratives.review.comparison import MatchFilter, reviewed_comparison
from narratives.review.decisions import Selection
from tests.compare_factories import machine, pair, span_of, suggested  # noqa: F401 (fixtures)


def _by_text(comparison, needle: str):
    return next(m for m in comparison.matches if needle in m.a.text)


def test_suggestions_arrive_unreviewed_with_the_matchers_evidence(suggested):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    assert [m.review for m in comparison.matches] == [ReviewState.SUGGESTED] * 3
    first = comparison.matches[0]
    assert (first.score, first.tier, first.reasons) == (0.83, "strong", ("paraphrase",))
    assert first.a.text == a.clean_text[first.a.start : first.a.end]
    assert first.b.text == b.clean_text[first.b.start : first.b.end]
    assert first.id == f"m{a.pk}-{first.a.start}-{first.a.end}-{b.pk}-{first.b.start}-{first.b.end}"


def test_matches_are_in_reading_order_of_a(suggested):
    a, b, _ = suggested
    starts = [m.a.start for m in reviewed_comparison(a, b).matches]
    assert starts == sorted(starts)


def test_a_rejected_pair_is_never_suggested_again_but_stays_listable(suggested, alice):
    a, b, machine = suggested
    comparison = reviewed_comparison(a, b)
    gas = _by_text(comparison, "liquefied gas")
    decisions.reject(comparison, gas, alice)

    again = reviewed_comparison(a, b)
    assert (gas.a.start, gas.a.end, gas.b.start, gas.b.end) in machine.calls[-1]["exclude"]
    assert gas.id not in [m.id for m in again.shown(MatchFilter.ALL)]
    [rejected] = again.shown(MatchFilter.REJECTED)
    assert (rejected.id, rejected.review, rejected.reviewed_by) == (gas.id, ReviewState.REJECTED, "alice")
    assert rejected.score is None and rejected.tier is None  # not rescored: the matcher never saw it


def test_a_confirmed_match_is_kept_when_the_machine_no_longer_suggests_it(suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    gangs = _by_text(comparison, "terrorist gangs")
    decisions.confirm(comparison, gangs, alice)

    strict = reviewed_comparison(a, b, sensitivity=0.2)  # the stand-in now suggests only scores ≥ 0.8
    assert [m.id for m in strict.matches if m.suggested] == [strict.matches[0].id]
    kept = strict.get(gangs.id)
    assert (kept.review, kept.reviewed_by, kept.suggested, kept.score) == (ReviewState.CONFIRMED, "alice", False, None)
    assert kept.a.text == gangs.a.text and kept.b.text == gangs.b.text


def test_a_confirmed_match_still_suggested_keeps_its_score_and_phrases(suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    decisions.confirm(comparison, comparison.matches[0], alice)
    first = reviewed_comparison(a, b).matches[0]
    assert (first.review, first.score, first.tier, len(first.phrases)) == (ReviewState.CONFIRMED, 0.83, "strong", 1)
    assert first.reviewed_at is not None


def test_decisions_hold_whichever_way_round_the_pair_is_opened(suggested, alice):
    a, b, machine = suggested
    comparison = reviewed_comparison(a, b)
    abroad = _by_text(comparison, "inspired from abroad")
    decisions.confirm(comparison, abroad, alice)

    flipped = reviewed_comparison(b, a)
    same = flipped.get(abroad.id)
    assert same.review == ReviewState.CONFIRMED
    assert (same.a.text, same.b.text) == (abroad.b.text, abroad.a.text)


def test_decisions_survive_re_embedding_and_re_segmenting(suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    decisions.confirm(comparison, comparison.matches[0], alice)
    # A new model drops every vector; re-ingesting unchanged text makes new segment rows, same offsets.
    SegmentEmbedding.objects.all().delete()
    for article in (a, b):
        rows = list(Segment.objects.filter(article=article))
        Segment.objects.filter(article=article).delete()
        Segment.objects.bulk_create(Segment(**{f: getattr(s, f) for f in ("article", "kind", "paragraph", "order", "start", "end", "text")}) for s in rows)
    assert reviewed_comparison(a, b).matches[0].review == ReviewState.CONFIRMED


def test_a_manual_link_shows_on_whole_sentences_with_the_selection_as_its_phrase(pair, machine, alice):
    a, b = pair
    comparison = reviewed_comparison(a, b)
    a0, a1 = span_of(a, "increase in the prices of liquefied gas")
    b0, b1 = span_of(b, "a hike in fuel prices")
    decisions.link(comparison, Selection(a0, a1, a.clean_text[a0:a1]), Selection(b0, b1, b.clean_text[b0:b1]), alice)

    [manual] = reviewed_comparison(a, b).matches
    assert manual.review == ReviewState.MANUAL and manual.reviewed_by == "alice"
    assert manual.a.text.startswith("The demonstrations broke out") and manual.a.text.endswith("liquefied gas.")
    assert manual.b.text == "Protests against a hike in fuel prices turned violent in Kazakhstan."
    [phrase] = manual.phrases
    assert (phrase.a.text, phrase.b.text, phrase.score) == ("increase in the prices of liquefied gas", "a hike in fuel prices", None)
    assert (manual.score, manual.tier) == (None, None)


def test_linking_what_the_machine_suggests_makes_one_entry_with_its_score(suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    a0, a1 = span_of(a, "liquefied gas")
    b0, b1 = span_of(b, "fuel prices")
    decisions.link(comparison, Selection(a0, a1, "liquefied gas"), Selection(b0, b1, "fuel prices"), alice)

    again = reviewed_comparison(a, b)
    gas = [m for m in again.matches if "liquefied gas" in m.a.text]
    assert len(gas) == 1
    assert (gas[0].review, gas[0].score) == (ReviewState.MANUAL, 0.71)
    assert gas[0].phrases[0].a.text == "liquefied gas"


def test_only_in_lists_unmatched_claims_and_skips_furniture(suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    assert [s.text for s in comparison.only_in("a")] == ["Moscow defended the participation of the CSTO forces."]
    assert [s.text for s in comparison.only_in("b")] == ["Kazakhstan imposed a countrywide “critical red” terrorism threat level."]

    decisions.reject(comparison, _by_text(comparison, "terrorist gangs"), alice)
    rejected_away = reviewed_comparison(a, b)
    assert any("terrorist gangs" in s.text for s in rejected_away.only_in("a"))


def test_filters_pick_strong_unreviewed_and_rejected(suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    decisions.confirm(comparison, _by_text(comparison, "inspired from abroad"), alice)
    decisions.reject(comparison, _by_text(comparison, "liquefied gas"), alice)
    now = reviewed_comparison(a, b)

    def texts(f):
        return [m.b.text[:20] for m in now.shown(f)]

    assert texts(MatchFilter.ALL) == ["Lebedev: Those invol", "Tokayev said the pro"]
    assert texts(MatchFilter.STRONG) == ["Lebedev: Those invol"]
    assert texts(MatchFilter.UNREVIEWED) == ["Tokayev said the pro"]
    assert texts(MatchFilter.REJECTED) == ["Protests against a h"]
    assert now.counts() == {"suggested": 1, "confirmed": 1, "rejected": 1, "manual": 0}


def test_a_decision_whose_offsets_no_longer_fit_the_text_is_skipped(suggested, alice):
    a, b, _ = suggested
    MatchDecision.objects.create(
        article_a=a, a_start=5, a_end=len(a.clean_text) + 50, article_b=b, b_start=0, b_end=10, state="confirmed", decided_by=alice
    )
    assert all(m.review == ReviewState.SUGGESTED for m in reviewed_comparison(a, b).matches)


def test_as_json_is_the_contract_shape_without_rejected(suggested, alice):
    a, b, _ = suggested
    comparison = reviewed_comparison(a, b)
    decisions.reject(comparison, comparison.matches[0], alice)
    data = reviewed_comparison(a, b).as_json()
    assert data["a"] == {"id": a.pk, "title": a.title, "outlet": "Prensa Latina"}
    assert len(data["matches"]) == 2
    for m in data["matches"]:
        assert {"a", "b", "score", "tier", "phrases", "id", "review", "reviewed_by"} <= set(m)
        assert a.clean_text[m["a"]["start"] : m["a"]["end"]] == m["a"]["text"]
        assert b.clean_text[m["b"]["start"] : m["b"]["end"]] == m["b"]["text"]
        for p in m["phrases"]:
            assert b.clean_text[p["b"]["start"] : p["b"]["end"]] == p["b"]["text"]


def test_the_matcher_is_asked_again_only_when_its_answer_could_change(suggested, alice):
    a, b, machine = suggested
    comparison = reviewed_comparison(a, b)
    decisions.confirm(comparison, comparison.matches[0], alice)
    reviewed_comparison(a, b)
    assert len(machine.calls) == 1  # a confirm leaves the suggestions as they were
    decisions.reject(comparison, comparison.matches[1], alice)
    reviewed_comparison(a, b)
    assert len(machine.calls) == 2  # a reject changes what is excluded
    reviewed_comparison(a, b, sensitivity=0.7)
    assert len(machine.calls) == 3
    b.save()  # e.g. re-ingested: a new version of the article
    reviewed_comparison(a, b, sensitivity=0.7)
    assert len(machine.calls) == 4
