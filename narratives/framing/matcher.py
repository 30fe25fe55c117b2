"""Finding a framing term in text: case-, hyphen- and quote-insensitive, with inflected forms.

A term is split into words at spaces and hyphens. Each word is cut to a stem by stripping one
inflectional suffix, never changing a letter, so the stem is always a prefix of every form it
matches: that is what lets the database prefilter on the stem without missing anything. The text
matches where the stems follow each other, each with any inflectional ending, joined by spaces,
hyphens or quote marks, or by nothing ("anti-terrorist" finds "antiterrorist"). Inside a word a
hyphen may appear anywhere ("peacekeeping" finds "peace-keeping"), and "peacekeeping" finds
"peacekeepers" because both stem to "peacekeep".

Only variants of form are found here. Variants of meaning ("counter-terrorist operation") are
suggestions an analyst decides on (``suggestions.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

# Hyphens that join parts of a word, soft hyphen included (copy-paste from PDFs leaves them in).
HYPHENS = "-\u2010\u2011\u00ad"
QUOTES = "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a"
# Spaces that stay inside one paragraph: a term never spans a paragraph break.
INLINE_SPACES = " \t\u00a0\u2007\u2009\u202f"

_HYPHEN = f"[{re.escape(HYPHENS)}]"
_QUOTE = f"[{re.escape(QUOTES)}]"
_BETWEEN_WORDS = f"[{re.escape(INLINE_SPACES + HYPHENS + QUOTES)}]{{0,6}}"
_WORD_SPLIT = re.compile(f"[\\s{re.escape(HYPHENS)}]+")
_STRIP = INLINE_SPACES + QUOTES + "\n\r.,;:!?()[]{}"

# Endings that may follow a final doubled consonant ("stopped") are listed apart from the rest.
_VOWEL_ENDINGS = ("ings", "ing", "ers", "er", "ed", "es", "e")
_OTHER_ENDINGS = ("s", "d")
_Y_ENDINGS = ("y", "ies", "ied", "ier", "iers", "ying")
_ENDINGS = sorted(_VOWEL_ENDINGS + _OTHER_ENDINGS, key=len, reverse=True)
MIN_STEM = 3
VOWELS = set("aeiouy")


@dataclass(frozen=True)
class Stem:
    """A word reduced to what every form of it starts with, and the endings those forms may carry."""

    stem: str
    endings: tuple[str, ...]
    may_double: bool


def stem_word(word: str) -> Stem:
    """The stem of one word: "peacekeepers" and "peacekeeping" → "peacekeep", "forces" → "forc"."""
    w = word.lower()
    if len(w) <= 2 or not w.isalpha():
        return Stem(w, (), False)
    if len(w) == 3:
        return Stem(w, ("s", "es"), False)
    if w.endswith(("ies", "ied")) and len(w) >= 5:
        return Stem(w[:-3], _Y_ENDINGS, False)
    if w.endswith("y") and w[-2] not in VOWELS:
        return Stem(w[:-1], _Y_ENDINGS, False)
    for ending in _ENDINGS:
        if w.endswith(ending) and len(w) - len(ending) >= MIN_STEM:
            base = w[: -len(ending)]
            if ending in _VOWEL_ENDINGS and len(base) > MIN_STEM and base[-1] == base[-2] and base[-1] not in VOWELS:
                base = base[:-1]  # "stopped" → "stop"; the pattern allows the letter doubled again
            return Stem(base, _ENDINGS, True)
    return Stem(w, _ENDINGS, True)


def term_words(text: str) -> list[str]:
    """The words of a term as the matcher sees them: split at spaces and hyphens, quotes around dropped."""
    return [w.strip(_STRIP) for w in _WORD_SPLIT.split(text) if w.strip(_STRIP)]


def _letters(stem: str) -> str:
    """A stem's characters with an optional hyphen allowed between any two of them."""
    parts = []
    for ch in stem:
        parts.append(_QUOTE if ch in QUOTES else re.escape(ch))
    return f"{_HYPHEN}?".join(parts)


def word_pattern(word: str) -> str:
    s = stem_word(word)
    if not s.endings:
        return _letters(s.stem)
    endings = "|".join(re.escape(e) for e in sorted(s.endings, key=len, reverse=True))
    doubled = f"{re.escape(s.stem[-1])}?" if s.may_double and s.stem[-1] not in VOWELS else ""
    return f"{_letters(s.stem)}{doubled}(?:{endings})?"


def phrase_body(text: str) -> str:
    """The pattern of a phrase in lower case, ending at a word end; the word start is checked apart."""
    words = term_words(text)
    if not words:
        raise ValueError(f"no words to match in {text!r}")
    return _BETWEEN_WORDS.join(word_pattern(w) for w in words) + r"(?!\w)"


def phrase_pattern(text: str) -> str:
    return r"(?<!\w)" + phrase_body(text)


def prefilter_needle(text: str) -> str | None:
    """The longest plain-ASCII run every match of ``text`` contains (once hyphens are removed), or None.

    ASCII only, because SQLite's LIKE folds case for ASCII letters alone.
    """
    runs = []
    for word in term_words(text):
        runs.extend(re.findall(r"[a-z0-9]+", stem_word(word).stem))
    best = max(runs, key=len, default="")
    return best if len(best) >= 3 else None


def fold(text: str) -> str:
    """What "exact" compares: case, spacing and quote style ignored, hyphens and endings not."""
    text = text.translate(_FOLD_TABLE).lower()
    return " ".join(text.split())


_FOLD_TABLE = str.maketrans({**{q: "'" for q in QUOTES}, **{s: " " for s in INLINE_SPACES}})


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    text: str
    exact: bool


class TermMatcher:
    """One compiled pattern for a term and the variant forms an analyst accepted for it.

    The search runs case-sensitively over the lower-cased text with no look-behind in front, which
    lets the regular expression engine jump between occurrences of the first letters instead of
    trying every position (ten times faster here); the word start is then checked in Python. A text
    whose lower-case form has a different length (a few letters lower-case to two characters) would
    shift offsets, so it takes the slower case-insensitive pattern instead.
    """

    def __init__(self, text: str, accepted_variants: tuple[str, ...] = ()) -> None:
        forms = [text, *accepted_variants]
        self.text = text
        # Accepted variants are found, but only the term's own wording counts as exact.
        self._exact = fold(text)
        self.regex = re.compile("|".join(f"(?:{phrase_pattern(f)})" for f in forms), re.IGNORECASE)
        self._fast = re.compile("|".join(f"(?:{phrase_body(f)})" for f in forms))
        needles = [prefilter_needle(f) for f in forms]
        # Without a needle for every form, a prefilter could miss matches: then every text is scanned.
        self.needles: tuple[str, ...] | None = None if None in needles else tuple(sorted(set(needles)))

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        lowered = text.lower()
        if len(lowered) != len(text):
            yield from (m.span() for m in self.regex.finditer(text))
            return
        pos = 0
        while (m := self._fast.search(lowered, pos)) is not None:
            start, end = m.span()
            if start and _WORD_CHAR.match(text, start - 1):
                pos = start + 1  # inside a word: look again from the next character, not past the end
                continue
            yield start, end
            pos = max(end, start + 1)

    def find(self, text: str) -> Iterator[Found]:
        for start, end in self.spans(text):
            found = text[start:end]
            yield Found(start, end, found, fold(found) == self._exact)


_WORD_CHAR = re.compile(r"\w")
