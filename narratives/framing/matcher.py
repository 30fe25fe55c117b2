"""Finding a framing term in text: case-, hyphen- and quote-insensitive, with inflected forms.

A term is split into words at spaces and hyphens. Each word is cut to a stem by stripping one
inflectional suffix, never changing a letter, so the stem is always a prefix of every form it
matches: that is what lets the database prefilter on the stem without missing anything. The text
matches where the stems follow each other, each with any inflectional ending, joined by spaces,
hyphens or quote marks, or by nothing ("anti-terrorist" finds "antiterrorist"). Inside a word a
hyphen may appear anywhere ("peacekeeping" finds "peace-keeping"), and "peacekeeping" finds
"peacekeepers" because both stem to "peacekeep". A closed compound may also be written open
("peacekeeping" finds "peace keeping") where it splits into two words of the lexicon.

An ending is stripped only where it is one. The y of "army" turns to i in "armies", so the stem is
"arm", but "arm" alone is another word: a y-stem matches only with one of its y-endings. A bare
"d" is the past tense only after an e ("used"), so "raid" keeps its d and finds "raids".

Only variants of form are found here. Variants of meaning ("counter-terrorist operation") are
suggestions an analyst decides on (``suggestions.py``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator

from ..matching import lexicon
from .stopwords import STOPWORDS

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
_PERIODS = re.compile(r"\.+")
_OPEN_GAP = f"[{re.escape(INLINE_SPACES)}]{{1,3}}"  # the space of a compound written open

# Endings that may follow a final doubled consonant ("stopped") are listed apart from the rest.
# "eing" keeps a stem's final e before -ing where the e is doubled ("agree" → "agre" → "agreeing").
_VOWEL_ENDINGS = ("eing", "ings", "ing", "ers", "er", "ed", "es", "e")
_OTHER_ENDINGS = ("s", "d")
_Y_ENDINGS = ("y", "ies", "ied", "ier", "iers", "ying")
# A final "s" may be the word's own letter ("bias", "virus"), so its own plural "-ses" is a form too.
_OWN_S_ENDINGS = ("ses",)
_ENDINGS = tuple(sorted(_VOWEL_ENDINGS + _OTHER_ENDINGS, key=len, reverse=True))
MIN_STEM = 3
VOWELS = set("aeiouy")
# Both halves of a closed compound written open are at least this long and common enough to be
# words in their own right (Zipf 3: once per million words), so "mandate" never finds "man date"
# nor "therapist" "the rapist".
MIN_COMPOUND_HALF = 4
MIN_COMPOUND_ZIPF = 3.0


@dataclass(frozen=True)
class Stem:
    """A word reduced to what every form of it starts with, and the endings those forms may carry."""

    stem: str
    endings: tuple[str, ...]
    may_double: bool
    # True when the stem is not a form by itself: "arm" (of "army") must carry an ending.
    needs_ending: bool = False


def stem_word(word: str) -> Stem:
    """The stem of one word: "peacekeepers" and "peacekeeping" → "peacekeep", "forces" → "forc"."""
    w = word.lower()
    if len(w) <= 2 or not w.isalpha():
        return Stem(w, (), False)
    y_stem = _y_stem(w)
    if y_stem is not None:
        return Stem(y_stem, _Y_ENDINGS, False, needs_ending=True)
    if len(w) == 3:
        # "die" → "died", "use" → "used"; but "see" is not "seed", nor "fee" "feed".
        past = ("d",) if w.endswith("e") and not w.endswith("ee") else ()
        return Stem(w, ("s", "es", *past), False)
    for ending in _ENDINGS:
        if w.endswith(ending) and len(w) - len(ending) >= MIN_STEM and _strips(w, ending):
            base = w[: -len(ending)]
            if ending in _VOWEL_ENDINGS and len(base) > MIN_STEM and base[-1] == base[-2] and base[-1] not in VOWELS:
                base = base[:-1]  # "stopped" → "stop"; the pattern allows the letter doubled again
            own_s = _OWN_S_ENDINGS if ending == "s" else ()
            return Stem(base, _ENDINGS + own_s, True)
    return Stem(w, _ENDINGS, True)


def _y_stem(w: str) -> str | None:
    """The stem of a word whose y turns to i before an ending ("army", "allies", "denied", "copying").

    Only after a consonant: "stay" keeps its y in every form ("stays", "stayed").
    """
    for ending in ("ies", "ied", "ying", "y"):
        base = w[: -len(ending)]
        # At least two letters left: "dies", "died" and "dying" are forms of "die", not of a "dy".
        if w.endswith(ending) and len(base) >= 2 and base[-1] not in VOWELS:
            return base
    return None


def _strips(w: str, ending: str) -> bool:
    """Whether ``ending`` is an inflection of ``w`` rather than its own last letter.

    A bare "d" is the past tense only of a word ending in e ("used", "died"): "raid" and "crowd"
    are not "rai" and "crow" inflected.
    """
    return ending != "d" or w[-2] == "e"


def term_words(text: str) -> list[str]:
    """The words of a term as the matcher sees them: split at spaces and hyphens, quotes around dropped.

    Periods right after a word inside the term stay with it: the term goes on after them, so they
    cannot end a sentence and belong to the word ("U.S.-backed", "Dr. Haftar"). Only the last
    word's period may be the sentence's, and that one is dropped.
    """
    raw = [w for w in _WORD_SPLIT.split(text) if w.strip(_STRIP)]
    words = []
    for i, w in enumerate(raw):
        core = w.strip(_STRIP)
        if i < len(raw) - 1:
            periods = _PERIODS.match(w, w.index(core) + len(core))
            core += periods.group() if periods else ""
        words.append(core)
    return words


def compound_joints(word: str) -> tuple[int, ...]:
    """Where a closed compound may be written open: "peacekeeping" → (5,), for "peace keeping".

    A cut must leave two words of the lexicon with senses of their own, neither a function word.
    The first is a base form (a compound's first part is uninflected: "mans" + "laughter" is no
    cut). The second cannot be an adverb: "comeback" and "pushback" written open are the verb
    phrases "come back" and "push back", not the noun. The whole, when the lexicon knows it, must
    be able to be a noun or adjective, as compounds are: "generally" is not "gene rally".
    """
    return _compound_joints(word.lower())


@functools.lru_cache(maxsize=4096)
def _compound_joints(w: str) -> tuple[int, ...]:
    whole = lexicon.entry(w)
    if not w.isalpha() or (whole.pos and not set(whole.pos) & {"n", "a"}):
        return ()
    last = len(w) - MIN_COMPOUND_HALF
    return tuple(i for i in range(MIN_COMPOUND_HALF, last + 1) if _first_half(w[:i]) and _second_half(w[i:]))


def _a_word(part: str) -> lexicon.Entry | None:
    entry = lexicon.entry(part)
    if part in STOPWORDS or entry.zipf < MIN_COMPOUND_ZIPF or not entry.pos:
        return None
    return entry


def _first_half(part: str) -> bool:
    entry = _a_word(part)
    return entry is not None and entry.lemma == part


def _second_half(part: str) -> bool:
    entry = _a_word(part)
    return entry is not None and "r" not in entry.pos


def stem_pieces(word: str) -> list[str]:
    """The stem of ``word`` cut where the compound may be written open; every form holds each piece."""
    stem = stem_word(word).stem
    cuts = [0, *(j for j in compound_joints(word) if j < len(stem)), len(stem)]
    return [stem[a:b] for a, b in zip(cuts, cuts[1:])]


def _letters(stem: str) -> str:
    """A stem's characters with an optional hyphen allowed between any two of them."""
    parts = []
    for ch in stem:
        parts.append(_QUOTE if ch in QUOTES else re.escape(ch))
    return f"{_HYPHEN}?".join(parts)


def word_pattern(word: str) -> str:
    s = stem_word(word)
    closed = _letters(s.stem)
    if s.endings:
        endings = "|".join(re.escape(e) for e in sorted(s.endings, key=len, reverse=True))
        doubled = f"{re.escape(s.stem[-1])}?" if s.may_double and s.stem[-1] not in VOWELS else ""
        optional = "" if s.needs_ending else "?"
        closed = f"{closed}{doubled}(?:{endings}){optional}"
    opens = [_open_spelling(word.lower(), joint) for joint in compound_joints(word)]
    return f"(?:{'|'.join([closed, *opens])})" if opens else closed


def _open_spelling(word: str, joint: int) -> str:
    """A closed compound written open: its second half whole with at most a plural ("peace
    keeping(s)"), or that half's stem as a noun of agent or action ("peace keepers"), but never with
    the verb's endings ("peace keeps", "land marked": phrases, not the compound)."""
    stem = stem_word(word).stem
    second = _letters(word[joint:]) + "(?:s|es)?"
    if joint < len(stem) - 1:
        second = f"(?:{second}|{_letters(stem[joint:])}(?:ers|er|ings|ing))"
    return f"{_letters(word[:joint])}{_OPEN_GAP}{second}"


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
        for piece in stem_pieces(word):
            runs.extend(re.findall(r"[a-z0-9]+", piece))
    best = max(runs, key=len, default="")
    return best if len(best) >= 3 else None


def fold(text: str) -> str:
    """What makes two spellings one wording: case, spacing, quote and hyphen style ignored.

    Whether a hyphen is there still counts ("peace-keeping" is not "peacekeeping"), and so do endings.
    Which hyphen it is does not: the matcher takes every one of ``HYPHENS`` alike, so a wording an
    analyst rejected must not come back as new when a PDF spelt it with a non-breaking hyphen.
    """
    text = text.translate(_FOLD_TABLE).lower()
    return " ".join(text.split())


_FOLD_TABLE = str.maketrans(
    {**{q: "'" for q in QUOTES}, **{s: " " for s in INLINE_SPACES}, **{h: "-" for h in HYPHENS}}
)


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

    def __init__(
        self, text: str, accepted_variants: tuple[str, ...] = (), rejected_variants: tuple[str, ...] = ()
    ) -> None:
        forms = [text, *accepted_variants]
        self.text = text
        # Accepted variants are found, but only the term's own wording counts as exact.
        self._exact = fold(text)
        # An accepted variant's forms may take in a wording an analyst rejected ("counter-terrorist
        # sweeps" finds "counter-terrorist sweep"): the rejection is the more specific decision.
        self._rejected = frozenset(fold(v) for v in rejected_variants) - {self._exact}
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
            folded = fold(found)
            if folded in self._rejected:
                continue
            yield Found(start, end, found, folded == self._exact)


_WORD_CHAR = re.compile(r"\w")
