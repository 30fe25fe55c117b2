"""A cheap guess at an article's language from its commonest words.

Good enough to filter a corpus and to pick sentencex's abbreviation rules; not a language identifier.
When the evidence is thin or two languages tie, the answer is "" rather than a confident mistake.
"""

from __future__ import annotations

import re
from collections import Counter

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for it was on with as by at from are this be have which said".split()),
    "ru": frozenset("и в не на что с по как это из за к о от для также был была были его он она".split()),
    "uk": frozenset("і в не на що з по як це із за до від для також був була були його він вона".split()),
    "fr": frozenset("le la les de des et en un une du que est pour dans qui sur au par pas avec".split()),
    "de": frozenset("der die das und ist nicht den von zu mit sich des auf für im dem eine ein auch".split()),
    "es": frozenset("el la los las de y en que del por con para una un se es al lo como su".split()),
    "it": frozenset("il lo la gli le di e che del della per con una un non sono alla nel è".split()),
    "pt": frozenset("o a os as de e que do da em para com um uma não por se dos das ao".split()),
}
WORD = re.compile(r"\w+")
SAMPLE_CHARS = 20_000
MIN_HITS = 8
MIN_SHARE = 0.12  # prose has well over this share of function words
LEAD = 1.3  # the winner must beat the runner-up clearly (ru/uk and es/pt/it share many words)


def detect_language(text: str) -> str:
    words = WORD.findall(text[:SAMPLE_CHARS].lower())
    if not words:
        return ""
    counts = Counter(words)
    hits = sorted(
        ((sum(counts[w] for w in stop), code) for code, stop in STOPWORDS.items()),
        reverse=True,
    )
    (best, code), (second, _) = hits[0], hits[1]
    if best < MIN_HITS or best < MIN_SHARE * len(words) or best < LEAD * second:
        return ""
    return code


def primary_subtag(tag: str) -> str:
    """"en-GB" → "en"; anything that is not a language tag → ""."""
    head = tag.strip().split("-")[0].split("_")[0].lower()
    return head if head.isalpha() and 2 <= len(head) <= 3 else ""
