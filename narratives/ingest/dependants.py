"""What else points into an article's clean text by offsets, for reingest to respect.

Analysts' work (tags, match decisions, decided term suggestions) must never be silently shifted onto
other words; machine-made spans (occurrences, pending suggestions) are recomputed, so they may go.
"""

from __future__ import annotations

from django.db.models import Q

from narratives.models import Annotation, Article, MatchDecision, Occurrence, SuggestionState, TermSuggestion


def analyst_work(article: Article) -> str:
    """A description such as "3 tags and 1 match decision", or "" when there is none."""
    counts = {
        "tag": Annotation.objects.filter(article=article).count(),
        "match decision": MatchDecision.objects.filter(Q(article_a=article) | Q(article_b=article)).count(),
        "decided term suggestion": TermSuggestion.objects.filter(article=article)
        .exclude(state=SuggestionState.PENDING)
        .count(),
    }
    parts = [f"{n} {label}{'' if n == 1 else 's'}" for label, n in counts.items() if n]
    return " and ".join(parts)


def forget_machine_spans(article: Article) -> None:
    """Drop spans computed from the old text; the framing refresh finds them again in the new one."""
    Occurrence.objects.filter(article=article).delete()
    TermSuggestion.objects.filter(article=article, state=SuggestionState.PENDING).delete()
