"""Merging two framing terms that turned out to be one ("peace-keeping mission" into "peacekeeping mission").

The source's tags move to the target, its wording and the variants accepted for it become variants
of the target, and the source is deleted; the target's occurrences are found again.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import FramingTerm, SuggestionState, WordingDecision
from .matcher import fold
from .occurrences import DECISIONS


def merge_terms(source: FramingTerm, target: FramingTerm, *, user: AbstractBaseUser) -> int:
    """Merges ``source`` into ``target``; returns how many tags moved."""
    from .tasks import schedule_term_refresh  # tasks imports the models' signals' modules

    if source.pk == target.pk:
        raise ValidationError("A term cannot be merged into itself.")
    with transaction.atomic():
        moved = _move_tags(source, target)
        _carry_wordings(source, target, user)
        source.delete()
    schedule_term_refresh(FramingTerm.objects.prefetch_related(DECISIONS).get(pk=target.pk))
    return moved


def _move_tags(source: FramingTerm, target: FramingTerm) -> int:
    # A tag the same analyst already put on the same words under the target would be a twin.
    kept = set(target.annotations.values_list("article_id", "start", "end", "author_id"))
    twins = [a.pk for a in source.annotations.all() if (a.article_id, a.start, a.end, a.author_id) in kept]
    source.annotations.filter(pk__in=twins).delete()
    return source.annotations.update(term=target)


def _carry_wordings(source: FramingTerm, target: FramingTerm, user: AbstractBaseUser) -> None:
    """The source's own wording counts for the target from now on, and so do its decided variants,
    unless the target has its own decision on that wording (the target's stands)."""
    decided = set(target.wording_decisions.values_list("wording", flat=True)) | {fold(target.text)}
    carried = [(source.text, SuggestionState.ACCEPTED, user, timezone.now())]
    carried += [(d.text, d.state, d.decided_by, d.decided_at) for d in source.wording_decisions.all()]
    for text, state, by, at in carried:
        wording = fold(text)
        if wording in decided:
            continue
        WordingDecision.objects.create(
            term=target, wording=wording, text=text, state=state, decided_by=by, decided_at=at
        )
        decided.add(wording)
