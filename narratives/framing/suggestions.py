"""Semantic variants of a term ("counter-terrorist operation" for "anti-terrorist operation"), offered, never applied.

Candidates are the corpus's word sequences of about the term's length that share at least one content
word with it but are not already found by the matcher. They are scored by the embedding model when it
is installed (cosine of L2-normalised vectors), else by a lexical similarity, and the best become
pending TermSuggestions. Only when an analyst accepts one does its wording join the term's matcher,
and its occurrences are then marked as variants.
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

from ..models import Article, FramingTerm, SuggestionState, TermSuggestion
from .matcher import HYPHENS, QUOTES, fold, stem_word, term_words
from .occurrences import matcher_for
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
    decided = {fold(t) for t in term.suggestions.exclude(state=SuggestionState.PENDING).values_list("text", flat=True)}
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


def decide(suggestion: TermSuggestion, *, accept: bool, user: AbstractBaseUser) -> int:
    """Accepts or rejects a wording for the term (every pending span with that wording); returns how many."""
    state = SuggestionState.ACCEPTED if accept else SuggestionState.REJECTED
    same = [
        s.pk
        for s in suggestion.term.suggestions.filter(state=SuggestionState.PENDING)
        if fold(s.text) == fold(suggestion.text)
    ] or [suggestion.pk]
    with transaction.atomic():
        n = TermSuggestion.objects.filter(pk__in=same).update(state=state, decided_by=user, decided_at=timezone.now())
        if accept:
            from .tasks import schedule_term_refresh

            schedule_term_refresh(FramingTerm.objects.prefetch_related("suggestions").get(pk=suggestion.term_id))
    return n


def pending_for(term: FramingTerm) -> list[TermSuggestion]:
    """One pending suggestion per wording (best-scored), with how many spans share it."""
    pending = (
        term.suggestions.filter(state=SuggestionState.PENDING)
        .select_related("article__outlet")
        .order_by("-score", "id")
    )
    seen: dict[str, TermSuggestion] = {}
    for s in pending:
        key = fold(s.text)
        if key in seen:
            seen[key].spans += 1  # type: ignore[attr-defined]
            continue
        s.spans = 1  # type: ignore[attr-defined]
        seen[key] = s
    return list(seen.values())
