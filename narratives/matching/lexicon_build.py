"""Build ``data/lexicon.json.gz``: word rarity and WordNet relatedness for the lexical evidence.

Run once by a maintainer, not at install time; the result is committed. Sources:
- WordNet 3.0 (Princeton University; WordNet 3.0 license, redistribution with notice allowed), read
  from its dict folder, e.g. Debian's ``wordnet-base`` package (``/usr/share/wordnet``);
- word frequencies from ``wordfreq`` (Robyn Speer; data CC BY-SA 4.0), top English words.

    python -m narratives.matching.lexicon_build /usr/share/wordnet  # needs `pip install wordfreq`

Why WordNet: all-MiniLM-L6-v2 barely relates the words that carry many shared claims ("externally
inspired" vs "had foreign backing" scores 0.20, "hike" vs "increase" 0.19), while WordNet links them
(foreign~external~outside~abroad, hike~increase, fuel~gas, request~appeal). See docs/MATCHING.md.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "lexicon.json.gz"
POS_FILES = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
# Pointers that keep meaning close: similar-to (adjective clusters) and pertainym. Two words sharing
# a sense or one of these are related. Derivation, also-see and verb-group links were tried and
# dropped: through polysemous verbs they relate "liquefied" to "turned" and "staged" to "demonstrations".
CLOSE_POINTERS = {"&", "\\"}
# Noun hypernyms are kept apart and relate a word only to its direct parent (hike -> increase,
# gas -> fuel), never to its siblings: Monday and Tuesday share a parent but make different claims.
# Verb hypernyms are generic ("turn", "change") and are not used.
HYPERNYMS = {"@", "@i"}
TOP_WORDS = 60_000
# Inflection rules of WordNet's morphy, applied when a form is not in the exception lists.
SUFFIXES = {
    "n": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
          ("ies", "y")],
    "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "r": [],
}  # fmt: skip


def read_wordnet(root: Path) -> tuple[dict, dict, dict]:
    """(synsets: id -> (words, pointer targets), index: lemma -> {pos: [ids]}, exceptions: form -> {pos: lemmas})."""
    synsets: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
    index: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, pos in POS_FILES.items():
        for line in (root / f"data.{name}").open(encoding="latin-1"):
            if line.startswith("  "):
                continue  # licence header
            fields = line.split(" | ")[0].split()
            count = int(fields[3], 16)
            words = [re.sub(r"\(.*\)$", "", fields[4 + 2 * i]).lower() for i in range(count)]
            k = 4 + 2 * count
            pointers = []
            for _ in range(int(fields[k])):
                symbol, offset, target_pos = fields[k + 1], fields[k + 2], fields[k + 3]
                pointers.append((symbol, f"{'a' if target_pos == 's' else target_pos}{offset}"))
                k += 4
            synset_id = f"{pos}{fields[0]}"
            synsets[synset_id] = (words, pointers)
            for word in words:
                index[word][pos].append(synset_id)
    exceptions: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name, pos in POS_FILES.items():
        for line in (root / f"{name}.exc").open(encoding="latin-1"):
            form, *lemmas = line.split()
            exceptions[form][pos].update(lemmas)
    return synsets, index, exceptions


def lemmas_of(form: str, index: dict, exceptions: dict) -> dict[str, set[str]]:
    """WordNet lemmas of a surface form by part of speech (morphy: exceptions, then suffix rules)."""
    found: dict[str, set[str]] = defaultdict(set)
    for pos in POS_FILES.values():
        if form in index and pos in index[form]:
            found[pos].add(form)
        found[pos].update(lemma for lemma in exceptions.get(form, {}).get(pos, ()) if lemma in index)
        if not found[pos]:
            for suffix, replacement in SUFFIXES[pos]:
                if form.endswith(suffix) and len(form) - len(suffix) >= 2:
                    base = form[: -len(suffix)] + replacement
                    if base in index and pos in index[base]:
                        found[pos].add(base)
    return {pos: lemmas for pos, lemmas in found.items() if lemmas}


def concepts_of(lemmas: dict[str, set[str]], synsets: dict, index: dict) -> tuple[set[str], set[str]]:
    """(the synsets of the lemmas plus those one close pointer away, their direct hypernyms)."""
    own = {sid for pos, names in lemmas.items() for name in names for sid in index[name][pos]}
    linked = {target for sid in own for symbol, target in synsets[sid][1] if symbol in CLOSE_POINTERS}
    # An adverb's pertainym is its adjective ("externally" -> "external"); take that adjective's
    # cluster too, so the adverb relates to whatever the adjective relates to.
    adjectives = {t for sid in own if sid.startswith("r") for sym, t in synsets[sid][1] if sym == "\\" and t in synsets}
    linked |= {t for sid in adjectives for sym, t in synsets[sid][1] if sym in CLOSE_POINTERS}
    parents = {t for sid in own if sid.startswith("n") for symbol, t in synsets[sid][1] if symbol in HYPERNYMS}
    return own | {sid for sid in linked if sid in synsets}, {sid for sid in parents if sid in synsets}


def build(root: Path) -> dict:
    from wordfreq import top_n_list, zipf_frequency

    synsets, index, exceptions = read_wordnet(root)
    ids: dict[str, int] = {}
    words: dict[str, list] = {}
    for form in top_n_list("en", TOP_WORDS):
        if not form.isalpha():
            continue
        lemmas = lemmas_of(form, index, exceptions)
        close, parents = concepts_of(lemmas, synsets, index)
        stem = _adjective_of_adverb(form, index)
        if stem:
            # "externally" means what "external" means in every sense, not only through the one
            # pertainym WordNet records (which misses external~foreign).
            stem_close, _ = concepts_of({"a": {stem}}, synsets, index)
            close |= stem_close
        concepts = sorted(ids.setdefault(sid, len(ids)) for sid in close)
        hypernyms = sorted(ids.setdefault(sid, len(ids)) for sid in parents)
        lemma = _main_lemma(form, lemmas)
        parts_of_speech = "".join(sorted(lemmas))  # "n", "v", "a", "r": which the form can be
        words[form] = [round(zipf_frequency(form, "en"), 2), lemma if lemma != form else "", concepts, hypernyms,
                       parts_of_speech]  # fmt: skip
    return {
        "meta": {
            "sources": "WordNet 3.0 (c) 2006 Princeton University; wordfreq (c) Robyn Speer, data CC BY-SA 4.0",
            "pointers": sorted(CLOSE_POINTERS),
            "top_words": TOP_WORDS,
        },
        "words": words,
    }


def _adjective_of_adverb(form: str, index: dict) -> str | None:
    if not form.endswith("ly") or len(form) < 6:
        return None
    for stem in (
        form[:-2],
        form[:-3] + "y" if form.endswith("ily") else "",
        form[:-4] if form.endswith("ally") else "",
    ):
        if stem and "a" in index.get(stem, {}):
            return stem
    return None


def _main_lemma(form: str, lemmas: dict[str, set[str]]) -> str:
    """One lemma to compare forms by: nouns, then verbs, then adjectives; the shortest wins."""
    for pos in ("n", "v", "a", "r"):
        if lemmas.get(pos):
            return min(lemmas[pos], key=lambda lemma: (len(lemma), lemma))
    return form


def main(argv: list[str]) -> None:
    root = Path(argv[1] if len(argv) > 1 else "/usr/share/wordnet")
    data = build(root)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    with gzip.GzipFile(OUT, "wb", mtime=0) as handle:  # mtime=0: the same input gives the same bytes
        handle.write(payload)
    print(f"wrote {len(data['words'])} words to {OUT} ({OUT.stat().st_size // 1024} KiB)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
