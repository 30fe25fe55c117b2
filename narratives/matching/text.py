"""Lexical analysis of a sentence: content words with offsets, names, numbers and quoted phrases.

Everything keeps character offsets into the text it was given, so evidence found here can be shown
as exact spans. Nothing here loads the model.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from .lexicon import entry

# A figure is one token: "3,000", "8.1", "$2bn" (grouping commas and decimal points kept inside), so
# "3,000" and "20,000" do not share a word "000". Then ordinary words.
_WORD = re.compile(r"\d+(?:[.,]\d+)*(?:bn|m|k)?(?![^\W_])|[^\W_]+(?:['’][^\W_]+)?")
_FIGURE = re.compile(r"(\d+(?:[.,]\d+)*)(bn|m|k)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # "12,000", "1,234.5": commas group thousands
# Opening and closing marks of a quotation; ’ alone is an apostrophe and is not used as a closer
# unless a ‘ opened the quote.
_QUOTE = re.compile(r"“([^”“]{2,200})”|\"([^\"]{2,200})\"|‘([^‘’]{2,200})’|«([^«»]{2,200})»")
# No ordinals: "fired first" and "the second floor" give no figure to agree or conflict with.
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
}  # fmt: skip
# Words that scale the figure before them ("2 billion", "twelve thousand"): the pair is one quantity.
# "m" and "k" scale only when written onto the digits ("$5m"): "5 m" may be metres.
_SCALE_WORDS = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "bn": 10**9}
_SUFFIXES = {"bn": 10**9, "m": 10**6, "k": 1000}
_TENS = {"20", "30", "40", "50", "60", "70", "80", "90"}
# Function words that a frequency threshold alone would keep (they carry no claim).
_STOP = set(
    "a an the and or but if of in on at to for from by with about as into onto over under than then that this "
    "these those there here it its it's is are was were be been being am has have had having do does did not no "
    "so such which who whom whose what when where while why how all any both each few more most other some own "
    "same very can could will would shall should may might must also just only even s t said says say told "
    "according he she they we i you him her them us his hers their our your me my mr mrs ms".split()
)
# Reporting verbs (and nouns) attribute a claim; they are not part of it ("recalled", "stressed", "concluded"), and
# WordNet relates them to half the language (recall ~ return, state ~ country).
_REPORTING = set(
    "add added adds announce announced announces believe believed believes claim claimed claims conclude "
    "concluded concludes explain explained explains indicate indicated indicates mention mentioned mentions "
    "note noted notes recall recalled recalls remark remarked report reported reports reveal revealed say "
    "stated states stress stressed stresses tell tells write wrote writes emphasize emphasized emphasised "
    "insist insisted insists argue argued argues assert asserted asserts declare declared declares "
    # and the nouns of attribution
    "official officials spokesman spokeswoman spokesperson statement source sources".split()
)
# Words this frequent (Zipf ≥ 6: "people", "time") carry almost no claim of their own.
STOP_ZIPF = 6.0
NUMBER_WEIGHT = 2.5


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str
    norm: str  # lower case, apostrophes dropped
    lemma: str
    weight: float  # information content from global frequency (0 for function words)
    is_name: bool
    number: str | None

    @property
    def is_content(self) -> bool:
        return self.weight > 0


@dataclass(frozen=True)
class Analysis:
    text: str
    words: tuple[Word, ...]
    quotes: tuple[tuple[int, int], ...]  # spans of quoted material (inside the marks)
    content: tuple[Word, ...]  # the words with weight, in order


# Rarity stops counting beyond this: a name the frequency list lacks (Zipf 1) is not worth three
# ordinary content words, and the subject of both articles is usually such a name.
MAX_INFORMATION = 4.0


def information(zipf: float) -> float:
    """Bits-like weight of a word: 0 for very common words, growing as the word gets rarer."""
    return min(MAX_INFORMATION, max(0.0, 7.0 - zipf))


@functools.lru_cache(maxsize=8192)
def analyse(text: str) -> Analysis:
    words = [_word(text, match.start(), match.end()) for match in _WORD.finditer(text)]
    words = _mute_spelled_out_acronyms(_join_quantities(text, words))
    quotes = tuple((m.start(g), m.end(g)) for m in _QUOTE.finditer(text) for g in range(1, 5) if m.group(g))
    return Analysis(text, tuple(words), quotes, tuple(w for w in words if w.weight > 0))


_CONNECTIVES = {"of", "the", "and", "for", "on", "in", "de"}


def _mute_spelled_out_acronyms(words: list[Word]) -> list[Word]:
    """ "Collective Security Treaty Organization (CSTO)" is one entity: the acronym alone carries weight.

    Otherwise the four spelled-out words count as four rare shared words between any two sentences
    that name the organisation, and a shared topic passes for a shared claim.
    """
    muted: set[int] = set()
    for k, word in enumerate(words):
        acronym = word.text
        if not (2 <= len(acronym) <= 6 and acronym.isupper() and acronym.isalpha()):
            continue
        for start in (k - 1, k + 1):  # the expansion just before "(CSTO)" or just after "CSTO ("
            span = _expansion(words, start, acronym.lower(), backwards=start < k)
            muted.update(span)
    return [replace(w, weight=0.0) if k in muted else w for k, w in enumerate(words)]


def _expansion(words: list[Word], start: int, acronym: str, backwards: bool) -> list[int]:
    """Indexes of the capitalised words whose initials spell ``acronym``, read from ``start``."""
    step = -1 if backwards else 1
    initials: list[str] = []
    taken: list[int] = []
    k = start
    while 0 <= k < len(words) and len(initials) < len(acronym):
        word = words[k]
        if word.norm in _CONNECTIVES and taken:
            k += step
            continue
        if not word.text[:1].isupper():
            break
        initials.append(word.norm[0])
        taken.append(k)
        k += step
    spelled = "".join(reversed(initials) if backwards else initials)
    return taken if spelled == acronym else []


def _word(text: str, start: int, end: int) -> Word:
    raw = text[start:end]
    norm = fold(raw.replace("’", "").replace("'", "").lower())
    number = _NUMBER_WORDS.get(norm) or _figure(norm)
    info = entry(norm)
    capitalised = raw[:1].isupper()
    # A capitalised word is a name when it is not an ordinary word, or when it is capitalised mid-sentence.
    sentence_start = start == 0 or text[:start].rstrip()[-1:] in {"", ".", "“", '"', "‘", ":", "(", "!", "?"}
    is_name = capitalised and (info.zipf < 4.5 or not sentence_start) and norm not in _STOP
    if norm in _STOP or (norm in _REPORTING and not capitalised) or (info.zipf >= STOP_ZIPF and not is_name):
        weight = 0.0
    else:
        weight = information(info.zipf)
    if number is not None:
        weight = NUMBER_WEIGHT  # "4" and "2022" are not rare words, but a shared figure is specific
    return Word(start, end, raw, norm, info.lemma, weight, is_name, number)


def _figure(norm: str) -> str | None:
    """The value of a written figure, canonical: "3,000" -> "3000", "8.10" -> "8.1", "2bn" -> "2000000000"."""
    match = _FIGURE.fullmatch(norm)
    if match is None:
        return None
    digits, suffix = match.groups()
    if _GROUPED.fullmatch(digits):
        digits = digits.replace(",", "")
    elif digits.count(",") == 1 and "." not in digits:
        digits = digits.replace(",", ".")  # a decimal comma: "1,5"
    try:
        value = Decimal(digits) * _SUFFIXES.get(suffix or "", 1)
    except InvalidOperation:  # "1.2.3", "12,34,567": a version, a date or another grouping; kept as written
        return norm
    return _canonical(value)


def _canonical(value: Decimal) -> str:
    return format(value.normalize(), "f")  # normalize() drops trailing zeros, "f" undoes its exponent


def _join_quantities(text: str, words: list[Word]) -> list[Word]:
    """One word per quantity: "2 billion" is 2000000000 and "forty-eight" 48, not two numbers each.

    Otherwise "31 billion" and "18 billion" share the number "billion", and "12,000" never equals
    "twelve thousand".
    """
    joined: list[Word] = []
    for word in words:
        previous = joined[-1] if joined else None
        numeric = word.number is not None or word.norm in _SCALE_WORDS  # "bn" alone is no number
        if previous is None or previous.number is None or not numeric or not _adjacent(text, previous, word):
            joined.append(word)
            continue
        value = _joined_value(previous.number, word)
        if value is None:
            joined.append(word)
            continue
        raw = text[previous.start : word.end]
        joined[-1] = replace(previous, end=word.end, text=raw, norm=fold(raw.lower()), number=value)
    return joined


def _adjacent(text: str, left: Word, right: Word) -> bool:
    return text[left.end : right.start] in {" ", "-", "\u00a0"}


def _joined_value(left: str, right: Word) -> str | None:
    """The value of a figure followed by ``right``, or None when ``right`` starts a figure of its own."""
    try:
        value = Decimal(left)
    except InvalidOperation:
        return None
    if right.norm in _SCALE_WORDS:
        return _canonical(value * _SCALE_WORDS[right.norm])
    if left in _TENS and right.norm in _NUMBER_WORDS and len(right.number or "") == 1:
        return _canonical(value + Decimal(right.number))  # "forty-eight"
    return None


def fold(word: str) -> str:
    """Strip accents so that "Tokayév" and "Tokayev" compare equal."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65536)
def name_key(norm: str) -> str:
    """A spelling skeleton for names transliterated several ways (Kasim/Kassym, Yomart/Jomart, Sergei/Sergey)."""
    key = norm.lower()
    for old, new in (("kh", "h"), ("ph", "f"), ("ck", "k"), ("c", "k"), ("j", "i"), ("y", "i"), ("w", "v"),
                     ("ou", "u"), ("ee", "i"), ("ie", "i")):  # fmt: skip
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


@functools.lru_cache(maxsize=65536)
def same_name(a: str, b: str) -> bool:
    """Two normalised name tokens that are spelling variants of one another."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    # Variants keep their first letter and length; checking that first skips most edit distances.
    if ka[0] != kb[0] or min(len(ka), len(kb)) < 6 or abs(len(ka) - len(kb)) > 2:
        return False
    return _edit_ratio(ka, kb) >= 0.8


def _edit_ratio(a: str, b: str) -> float:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return 1 - previous[-1] / max(len(a), len(b))
