"""Carries analysts' accept/reject decisions over from the TermSuggestion spans to WordingDecision.

Until now a decision lived only on the spans it was made on, so deleting their article deleted it.
Each (term, wording) gets one decision; where its spans disagree (one spelling rejected, another
accepted before hyphens folded alike), the latest decision wins, being the analyst's last word on
it, and a rejection wins a tie, since counting a wording nobody wants is the worse mistake.

The decided spans stay as they are, so going back to 0004 loses only what was decided since; run
again, it leaves a wording that already has its decision as it is (an analyst's later word stands).
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone

# A frozen copy of ``narratives.framing.matcher.fold`` as of this migration: a migration must give the
# same result whatever the code later becomes.
_HYPHENS = "-\u2010\u2011\u00ad"
_QUOTES = "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a"
_INLINE_SPACES = " \t\u00a0\u2007\u2009\u202f"
_FOLD_TABLE = str.maketrans(
    {**{q: "'" for q in _QUOTES}, **{s: " " for s in _INLINE_SPACES}, **{h: "-" for h in _HYPHENS}}
)


def _fold(text):
    return " ".join(text.translate(_FOLD_TABLE).lower().split())


def carry_over(apps, schema_editor):
    TermSuggestion = apps.get_model("narratives", "TermSuggestion")
    WordingDecision = apps.get_model("narratives", "WordingDecision")
    now = timezone.now()
    latest = {}
    decided = TermSuggestion.objects.exclude(state="pending").exclude(text="")
    # Undated decisions first on every database (SQLite and PostgreSQL put NULL at opposite ends).
    for s in decided.order_by(F("decided_at").asc(nulls_first=True), "id").iterator(chunk_size=1000):
        key = (s.term_id, _fold(s.text))
        previous = latest.get(key)
        if previous is not None and previous.decided_at == s.decided_at and previous.state == "rejected":
            continue  # a tie: the rejection stands
        latest[key] = s
    WordingDecision.objects.bulk_create(
        [
            WordingDecision(
                term_id=term_id,
                wording=wording,
                text=s.text,
                state=s.state,
                decided_by_id=s.decided_by_id,
                decided_at=s.decided_at or now,
            )
            for (term_id, wording), s in latest.items()
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("narratives", "0004_wording_decision"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
    ]
