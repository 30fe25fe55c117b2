"""Word rarity and WordNet relatedness, from the committed ``data/lexicon.json.gz``.

Built by ``lexicon_build.py`` (sources and licences there). Words outside the lexicon (names, rare
terms, typos) count as rare and related only to themselves.
"""

from __future__ import annotations

import functools
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "lexicon.json.gz"
# Zipf frequency assumed for a word the lexicon lacks: about once per hundred million words.
UNSEEN_ZIPF = 1.0


@dataclass(frozen=True)
class Entry:
    zipf: float  # log10 frequency per billion words (wordfreq's scale): "the" 7.7, "foreign" 5.1
    lemma: str
    concepts: frozenset[int]  # its senses and those one close relation away
    hypernyms: frozenset[int]  # direct parents of its noun senses
    pos: str  # parts of speech the form can have: any of "n", "v", "a", "r" ("" when unknown)


@functools.lru_cache(maxsize=1)
def _words() -> dict[str, list]:
    with gzip.open(LEXICON_FILE, "rt", encoding="utf-8") as handle:
        return json.load(handle)["words"]


@functools.lru_cache(maxsize=65536)
def entry(word: str) -> Entry:
    """What the lexicon knows of a lower-case word form."""
    found = _words().get(word)
    if found is None:
        return Entry(UNSEEN_ZIPF, word, frozenset(), frozenset(), "")
    zipf, lemma, concepts, hypernyms, pos = found
    return Entry(float(zipf), lemma or word, frozenset(concepts), frozenset(hypernyms), pos)


def related(a: str, b: str) -> bool:
    """True when two lower-case forms share a WordNet sense or close relation, or one is the other's parent."""
    ea, eb = entry(a), entry(b)
    return bool(ea.concepts & eb.concepts or ea.hypernyms & eb.concepts or eb.hypernyms & ea.concepts)
