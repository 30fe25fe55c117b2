"""Semantic variants of a term ("counter-terrorist operation" for "anti-terrorist operation"), offered, never applied.

Candidates are the corpus's word sequences of about the term's length that share at least one content
word with it but are not already found by the matcher. They are scored by the embedding model when it
is installed (cosine of L2-normalised vectors), else by a lexical similarity, and the best become
pending TermSuggestions, one per span, for the page to show. An analyst's accept or reject is about
the wording, not the span: it is stored as the term's WordingDecision for that folded wording, which
outlives the article it was first seen in. Only an accepted wording joins the term's matcher (its
places then count as variants); a rejected one is never suggested again nor counted. When the term
is reworded, its suggestions and decisions go (``forget_variants``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Article, FramingTerm, OccurrenceMatch, SuggestionState, TermSuggestion, WordingDecision
from .matcher import HYPHENS, QUOTES, TermMatcher, fold, stem_word, term_words
from .occurrences import DECISIONS, matcher_for
from .wording import STOPWORDS

log = logging.getLogger(__name__)

Scorer = Callable[[str, list[str]], list[float]]

MAX_ARTICLES = 3000  # newest first; enough to find how others word it without reading a huge corpus
MAX_TEXTS = 12  # distinct wordings offered per run
MAX_SPANS_PER_TEXT = 20
LEXICAL_THRESHOLD = 0.4  # "counter-terrorism operation" scores 0.41 against "anti-terrorist operation"
# all-MiniLM-L6-v2 against "anti-terrorist operation": counter-terrorist(m) operation 0.88-0.89, military
# operation 0.73, terrorist threat 0.63; against "peacekeeping forces": peacekeeping mission 0.89.
EMBEDDING_THRESHOLD = 0.75

# A word with its hyphenated parts ("counter-terrorist"), so a phrase never starts inside a compound.
_TOKEN = re.compile(f"[^\\W_]+(?:[{re.escape(HYPHENS)}][^\\W_]+)*")
_PARTS = re.compile(f"[{re.escape(HYPHENS)}]")
# What may stand between two words of one phrase: spaces, hyphens, quotes. Anything else ends it.
_JOINER = re.compile(f"^[\\s{re.escape(HYPHENS + QUOTES)}]*$")


@dataclass(frozen=True)
class Candidate:
    article_id: int
    start: int
    end: int
    text: str


def content_stems(text: str) -> set[str]:
    return {stem_word(w).stem for w in term_words(text) if w.lower() not in STOPWORDS and len(w) > 3}


def candidates(term: FramingTerm) -> Iterator[Candidate]:
    """Phrases sharing a content word with the term, of its length ±1, not already matched by it."""
    stems = content_stems(term.text)
    if not stems:
        return
    matcher = matcher_for(term)
    size = len(_TOKEN.findall(term.text))
    # One word alone is not a variant of a phrase ("operation" for "anti-terrorist operation").
    sizes = sorted({n for n in (size - 1, size, size + 1) if n >= min(2, size)})
    condition = Q()
    for stem in stems:
        condition |= Q(clean_text__icontains=stem)
    texts = (
        Article.objects.filter(condition).order_by("-published", "-id").values_list("id", "clean_text")[:MAX_ARTICLES]
    )
    for article_id, text in texts.iterator(chunk_size=500):
        known = [(f.start, f.end) for f in matcher.find(text)]
        yield from _phrases_in(article_id, text, stems, sizes, known)


def _phrases_in(
    article_id: int, text: str, stems: set[str], sizes: list[int], known: list[tuple[int, int]]
) -> Iterator[Candidate]:
    tokens = list(_TOKEN.finditer(text))
    for i, token in enumerate(tokens):
        parts = _PARTS.split(token.group().lower())
        if not any(part.startswith(stem) for part in parts for stem in stems):
            continue
        # Every window of each size that contains this content word.
        for n in sizes:
            for first in range(max(0, i - n + 1), i + 1):
                last = first + n - 1
                if last >= len(tokens) or not _one_phrase(text, tokens[first : last + 1]):
                    continue
                start, end = tokens[first].start(), tokens[last].end()
                if tokens[first].group().lower() in STOPWORDS or tokens[last].group().lower() in STOPWORDS:
                    continue
                if any(s < end and start < e for s, e in known):
                    continue
                yield Candidate(article_id, start, end, text[start:end])


def _one_phrase(text: str, tokens: list[re.Match]) -> bool:
    return all(_JOINER.match(text[a.end() : b.start()]) for a, b in zip(tokens, tokens[1:]))


def lexical_similarity(term: str, texts: list[str]) -> list[float]:
    """Half shared word stems (Jaccard), half shared letter trigrams (Dice): crude, but needs no model."""
    term_stems, term_grams = _stems(term), _trigrams(term)
    scores = []
    for text in texts:
        stems, grams = _stems(text), _trigrams(text)
        jaccard = len(term_stems & stems) / len(term_stems | stems) if term_stems | stems else 0.0
        dice = 2 * len(term_grams & grams) / (len(term_grams) + len(grams)) if term_grams or grams else 0.0
        scores.append(0.5 * jaccard + 0.5 * dice)
    return scores


def _stems(text: str) -> set[str]:
    return {stem_word(w).stem for w in term_words(text)}


def _trigrams(text: str) -> set[str]:
    letters = " " + "".join(ch for ch in fold(text) if ch.isalnum() or ch == " ") + " "
    return {letters[i : i + 3] for i in range(len(letters) - 2)}


def embedding_similarity(term: str, texts: list[str]) -> list[float]:
    from ..matching.embed import get_backend

    vectors = get_backend().encode([term, *texts])
    return [float(v) for v in vectors[1:] @ vectors[0]]


def default_scorer() -> tuple[Scorer, float]:
    """The embedding model if it can be loaded here, else the lexical measure."""
    try:
        from ..matching.embed import get_backend

        get_backend()
    except Exception as exc:  # no model prepared, or the matching stage is not installed
        log.info("suggestions use lexical similarity: %s", exc)
        return lexical_similarity, LEXICAL_THRESHOLD
    return embedding_similarity, EMBEDDING_THRESHOLD


def suggest_variants(term: FramingTerm, scorer: Scorer | None = None, threshold: float | None = None) -> int:
    """Stores pending suggestions for ``term``; returns how many new ones. Rejected wordings stay rejected."""
    scorer, default_threshold = default_scorer() if scorer is None else (scorer, LEXICAL_THRESHOLD)
    threshold = default_threshold if threshold is None else threshold
    by_text: dict[str, list[Candidate]] = {}
    for c in candidates(term):
        by_text.setdefault(fold(c.text), []).append(c)
    decided = decided_wordings(term)
    wordings = [w for w in by_text if w not in decided and w != fold(term.text)]
    if not wordings:
        return 0
    scores = dict(zip(wordings, scorer(term.text, [by_text[w][0].text for w in wordings])))
    kept = _best_without_overlaps([(scores[w], c) for w in wordings if scores[w] >= threshold for c in by_text[w]])
    by_wording: dict[str, list[tuple[float, Candidate]]] = {}
    for score, c in kept:
        by_wording.setdefault(fold(c.text), []).append((score, c))
    best = sorted(by_wording, key=lambda w: -scores[w])[:MAX_TEXTS]
    rows = [
        TermSuggestion(term=term, article_id=c.article_id, start=c.start, end=c.end, text=c.text, score=round(score, 3))
        for w in best
        for score, c in by_wording[w][:MAX_SPANS_PER_TEXT]
    ]
    before = term.suggestions.count()
    TermSuggestion.objects.bulk_create(rows, ignore_conflicts=True)
    return term.suggestions.count() - before


def _best_without_overlaps(scored: list[tuple[float, Candidate]]) -> list[tuple[float, Candidate]]:
    """Where windows overlap ("counter-terrorist operation" / "… operation began"), only the best-scored stays."""
    kept: list[tuple[float, Candidate]] = []
    taken: dict[int, list[tuple[int, int]]] = {}
    for score, c in sorted(scored, key=lambda sc: (-sc[0], sc[1].end - sc[1].start)):
        spans = taken.setdefault(c.article_id, [])
        if any(c.start < e and s < c.end for s, e in spans):
            continue
        spans.append((c.start, c.end))
        kept.append((score, c))
    return kept


def decided_wordings(term: FramingTerm) -> set[str]:
    """The folded wordings an analyst has accepted or rejected for ``term``."""
    return set(term.wording_decisions.values_list("wording", flat=True))


def decide(suggestion: TermSuggestion, *, accept: bool, user: AbstractBaseUser) -> int | None:
    """Accepts or rejects the suggestion's wording for its term, wherever it occurs.

    Returns the places the analyst will now see: for an acceptance, the term's variant occurrences
    of the wording once refreshed (None when the corpus is large and the worker refreshes it); for
    a rejection, how many suggested places were dismissed.
    """
    term, wording = suggestion.term, fold(suggestion.text)
    state = SuggestionState.ACCEPTED if accept else SuggestionState.REJECTED
    now = timezone.now()
    with transaction.atomic():
        WordingDecision.objects.update_or_create(
            term=term,
            wording=wording,
            defaults={"text": suggestion.text, "state": state, "decided_by": user, "decided_at": now},
        )
        # The spans keep the decision too, as a record of what the analyst saw (and so reingest
        # treats them as analysts' work); the matcher reads only the WordingDecision.
        same = [s.pk for s in term.suggestions.filter(state=SuggestionState.PENDING) if fold(s.text) == wording]
        dismissed = TermSuggestion.objects.filter(pk__in=same or [suggestion.pk]).update(
            state=state, decided_by=user, decided_at=now
        )
        refreshed = _refresh_after_decision(term, accept)
    if not accept:
        return dismissed
    return variant_places(term, suggestion.text) if refreshed else None


def _refresh_after_decision(term: FramingTerm, accept: bool) -> bool:
    """Refreshes the term's occurrences if the decision can change them; False if the worker will.

    A rejection changes them only where some accepted wording (this one before, or another whose
    forms take this one in) found it; without any, there is nothing to take away.
    """
    from .tasks import schedule_term_refresh

    if not accept and not term.wording_decisions.filter(state=SuggestionState.ACCEPTED).exists():
        return True
    return schedule_term_refresh(FramingTerm.objects.prefetch_related(DECISIONS).get(pk=term.pk))


def variant_places(term: FramingTerm, text: str) -> int:
    """How many of the term's variant occurrences are ``text`` in one of its forms."""
    pattern = TermMatcher(text).regex
    found = term.occurrences.filter(match=OccurrenceMatch.VARIANT).values_list("text", flat=True)
    return sum(1 for occurrence in found.iterator() if pattern.fullmatch(occurrence))


def forget_variants(term: FramingTerm) -> None:
    """Drops every suggestion for ``term`` and every decision on them, for a term just reworded.

    They were about the old wording: scores measured against it, and an analyst's judgement that
    "counter-terrorist sweep" means "anti-terrorist sweep", which says nothing about "curfew".
    Rejections go too: a wording once wrong for the old term may be right for the new one, and
    offering it again costs a click, where a stale acceptance would silently count it.
    """
    with transaction.atomic():
        term.suggestions.all().delete()
        term.wording_decisions.all().delete()
    # A caller's prefetched decisions would otherwise still feed ``matcher_for``.
    getattr(term, "_prefetched_objects_cache", {}).clear()


def pending_for(term: FramingTerm) -> list[TermSuggestion]:
    """One pending suggestion per undecided wording (best-scored), with how many spans share it."""
    pending = (
        term.suggestions.filter(state=SuggestionState.PENDING)
        .select_related("article__outlet")
        .order_by("-score", "id")
    )
    # A span may be pending for a wording decided since (spelt with another hyphen before ``fold``
    # took all hyphens alike): the decision stands, so it is not offered.
    decided = decided_wordings(term)
    seen: dict[str, TermSuggestion] = {}
    for s in pending:
        key = fold(s.text)
        if key in decided:
            continue
        if key in seen:
            seen[key].spans += 1  # type: ignore[attr-defined]
            continue
        s.spans = 1  # type: ignore[attr-defined]
        seen[key] = s
    return list(seen.values())
