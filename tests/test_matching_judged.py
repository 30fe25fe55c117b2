"""Judged article pairs (narratives/matching/data/article_pairs): the shipped gold is readable, an
evaluation leaves the corpus as it was, the figures are counted right, and the matcher holds the
precision and recall measured on them (docs/MATCHING.md, "Judged article pairs")."""

from __future__ import annotations

import json
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from narratives.matching import judged
from narratives.matching.align import SpanRef
from narratives.matching.judged import JUDGED_DIR, Judged, JudgedPair, JudgedPairError
from narratives.models import Article, Outlet
from tests.matching_support import prepared_model_fixture  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

# Measured 2026-12-01 at the default sensitivity (precision / recall): dev 0.639 / 0.775, test 0.542 /
# 0.800. The floors sit a little under, so that a change which loses precision or recall on them fails.
FLOORS = {"dev": {"precision": 0.62, "recall": 0.75}, "test": {"precision": 0.52, "recall": 0.77}}

SMALL = {
    "id": "t-1",
    "split": "dev",
    "a": {
        "outlet": "Alpha Daily",
        "title": "Bus fares rise sharply in Norvik",
        "text": "Bus fares rise sharply in Norvik\n\nBy Ana Petrov\n\nThe council of Norvik raised bus fares by 40 "
        "percent on Monday.\n\nHundreds of residents protested outside the town hall in the evening.",
    },
    "b": {
        "outlet": "Beta Post",
        "title": "Norvik commuters face steeper tickets",
        "text": "Norvik commuters face steeper tickets\n\nSource: Agencies\n\nTransport tickets in Norvik became 40 "
        "percent more expensive this week.\n\nOpposition members blamed the mayor for a stadium.",
    },
    "shared": [{"a": "raised bus fares by 40 percent", "b": "became 40 percent more expensive"}],
    "hard_negatives": [{"a": "Hundreds of residents protested", "b": "blamed the mayor", "why": "another claim"}],
}


def test_the_shipped_pairs_have_both_splits_and_readable_gold(prepared_model):
    pairs = judged.read_judged([JUDGED_DIR])
    assert len(pairs) >= 12 and {"dev", "test"} <= {p.split for p in pairs}
    assert len({p.id for p in pairs}) == len(pairs)
    with judged.ingested(pairs) as articles:
        for pair, a, b in articles:
            gold = judged.gold_keys(pair, a, b)
            assert len(gold) == len(set(pair.shared)), pair.id  # every fragment names its own sentence pair
            judged.gold_keys(pair, a, b, pair.hard_negatives)  # raises if a trap's fragment is ambiguous


def test_an_evaluation_leaves_the_corpus_as_it_was(prepared_model):
    before = (Article.objects.count(), Outlet.objects.count())
    result = judged.evaluate_judged([JudgedPair.from_json(SMALL)])
    assert result["pairs"] == 1 and result["listed"] == 1 and result["hard_negatives"] == 1
    assert (Article.objects.count(), Outlet.objects.count()) == before


def test_a_fragment_that_names_no_sentence_is_refused_by_name(prepared_model):
    broken = json.loads(json.dumps(SMALL))
    broken["shared"][0]["b"] = "fares were frozen"
    with pytest.raises(JudgedPairError, match="t-1: fragment 'fares were frozen' is in 0 segments"):
        judged.judge([JudgedPair.from_json(broken)])


def test_a_fragment_in_two_sentences_is_refused(prepared_model):
    broken = json.loads(json.dumps(SMALL))
    broken["shared"][0]["a"] = "Norvik"
    with pytest.raises(JudgedPairError, match="is in 2 segments, not 1"):
        judged.judge([JudgedPair.from_json(broken)])


def _shown(*keys: tuple[int, int, int, int]) -> SimpleNamespace:
    """A comparison holding only its matches' offsets: scores() reads nothing else."""
    matches = [SimpleNamespace(a=SpanRef(a0, a1, ""), b=SpanRef(b0, b1, "")) for a0, a1, b0, b1 in keys]
    return SimpleNamespace(matches=matches)


def test_figures_pool_the_pairs_and_name_the_worst():
    pair = JudgedPair.from_json(SMALL)
    one = Judged(pair, _shown((0, 1, 0, 1), (2, 3, 2, 3)), gold={(0, 1, 0, 1), (4, 5, 4, 5)}, traps={(2, 3, 2, 3)})
    two = Judged(pair, _shown((0, 1, 0, 1)), gold={(0, 1, 0, 1)}, traps=set())
    result = judged.scores([one, two])
    assert (result["shown"], result["listed"]) == (3, 3)
    assert result["precision"] == result["recall"] == result["f1"] == pytest.approx(0.667, abs=1e-3)
    assert result["worst_pair_precision"] == 0.5
    assert (result["hard_negatives"], result["hard_negatives_shown"]) == (1, 1)


@pytest.mark.parametrize("split", ["dev", "test"])
def test_the_matcher_holds_its_measured_precision_and_recall(split, prepared_model):
    result = judged.evaluate_judged(judged.read_judged([JUDGED_DIR], split))
    floors = FLOORS[split]
    assert result["precision"] >= floors["precision"] and result["recall"] >= floors["recall"], result


def test_lower_sensitivity_shows_fewer_and_surer_matches(prepared_model):
    pairs = judged.read_judged([JUDGED_DIR], "test")
    low, high = judged.evaluate_judged(pairs, 0.0), judged.evaluate_judged(pairs, 1.0)
    assert low["shown"] < high["shown"] and low["precision"] > high["precision"] and low["recall"] <= high["recall"]


def test_the_command_prints_the_figures(tmp_path, prepared_model):
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps(SMALL) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("evaluate_matching", "--judged", str(path), stdout=out, stderr=StringIO())
    result = json.loads(out.getvalue())
    assert set(result) >= {"pairs", "shown", "listed", "precision", "recall", "f1"} and result["pairs"] == 1
    with pytest.raises(CommandError, match="no judged pairs"):
        call_command("evaluate_matching", "--judged", str(path), "--split", "test", stdout=StringIO())
