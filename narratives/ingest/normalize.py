"""Decoded text → clean paragraphs: Unicode NFC, one kind of space, repaired quote spacing, and line
breaks that follow the paragraphs rather than the width of the window the text was copied from.

The clean text is what is stored and what every offset indexes; the original bytes keep the way back,
so these repairs may change characters but never drop words.
"""

from __future__ import annotations

import re
import unicodedata

# Non-breaking, thin, ideographic and other spaces: copied web text is full of them (the seed articles
# carry U+00A0 inside phrases), and a search for "foreign support" must find "foreign\u00a0support".
ODD_SPACES = re.compile("[\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that break search and carry no meaning in prose: zero-width space, word joiner,
# BOM, soft hyphen. ZWJ/ZWNJ (U+200C/D) stay: they change how Persian, Indic and emoji text reads.
INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
# C0/C1 control characters and lone surrogates, which no database stores. Newline stays; tab,
# vertical tab and form feed become spaces below.
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAKS = re.compile("\r\n|\r|\x85|\u2028")
MANY_SPACES = re.compile(" {2,}")

# A block whose longest line is in this range was probably wrapped at a fixed width (mail, PDF).
WRAP_MIN, WRAP_MAX = 40, 120
# In a wrapped block a line that reaches this share of the width ran into the margin: the
# paragraph goes on. A shorter line ended its paragraph (or is a heading).
MARGIN_SHARE = 0.6
SENTENCE_END = tuple(".!?…:;")
CLOSERS = "\"”’»)]"
MISPLACED_SPACE = re.compile(r"“ +\w| +”")  # a space inside an opening or before a closing quote


def clean_paragraphs(raw: str, *, lines_are_paragraphs: bool = False) -> list[str]:
    """Split ``raw`` into normalised, non-empty paragraphs.

    ``lines_are_paragraphs`` is for readers that already know the structure (HTML, .docx): every
    line is then a paragraph and no joining is guessed.
    """
    lines = [_clean_line(line) for line in normalise_characters(raw).split("\n")]
    if lines_are_paragraphs:
        paragraphs = [line for line in lines if line]
    else:
        paragraphs = [p for block in _blocks(lines) for p in _paragraphs_of_block(block)]
    return [fix_quote_spacing(p) for p in paragraphs]


def normalise_characters(text: str) -> str:
    """NFC with one newline character, no control or invisible characters and plain spaces."""
    text = LINE_BREAKS.sub("\n", text).replace("\u2029", "\n\n")
    text = CONTROL.sub("", INVISIBLE.sub("", text))
    text = ODD_SPACES.sub(" ", unicodedata.normalize("NFC", text))
    return text


def _clean_line(line: str) -> str:
    return MANY_SPACES.sub(" ", line).strip()


def _blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-empty lines; blank lines separate them."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _paragraphs_of_block(lines: list[str]) -> list[str]:
    width = max(len(line) for line in lines)
    wrapped = len(lines) >= 3 and WRAP_MIN <= width <= WRAP_MAX and _median_length(lines) >= WRAP_MIN
    paragraphs = [lines[0]]
    for previous, line in zip(lines, lines[1:]):
        if _continues(previous, line, width, wrapped):
            paragraphs[-1] = _join(paragraphs[-1], line)
        else:
            paragraphs.append(line)
    return paragraphs


def _median_length(lines: list[str]) -> int:
    return sorted(len(line) for line in lines)[len(lines) // 2]


def _continues(previous: str, line: str, width: int, wrapped: bool) -> bool:
    """Whether the line break between ``previous`` and ``line`` is inside a paragraph."""
    stray_break = line[0].islower() and not previous.rstrip(CLOSERS).endswith(SENTENCE_END)
    return stray_break or (wrapped and len(previous) >= MARGIN_SHARE * width)


def _join(left: str, right: str) -> str:
    return left + right if joins_hyphenated(left, right) else f"{left} {right}"


def joins_hyphenated(left: str, right: str) -> bool:
    """A word hyphenated at a line break ("foreign-\nbacked") keeps its hyphen but loses the break."""
    return left.endswith("-") and len(left) > 1 and left[-2].isalpha() and right[:1].islower()


def fix_quote_spacing(paragraph: str) -> str:
    """Move spaces that copying put inside curly double quotes to the outside.

    "“pacification. ”Of the protests" becomes "“pacification.” Of the protests". Only quotes that
    pair up (“ … ”) are touched, so Swedish ”…” and German „…“ quoting pass through unchanged.
    """
    if "„" in paragraph or "“" not in paragraph or "”" not in paragraph or not MISPLACED_SPACE.search(paragraph):
        return paragraph
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(paragraph):
        char = paragraph[i]
        if char == "“":
            depth += 1
            out.append(char)
            i = _skip_spaces_before_word(paragraph, i + 1)
            continue
        if char == "”" and depth > 0:
            depth -= 1
            while out and out[-1] == " ":
                out.pop()
            out.append(char)
            if i + 1 < len(paragraph) and paragraph[i + 1].isalnum():
                out.append(" ")
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _skip_spaces_before_word(text: str, i: int) -> int:
    """After an opening quote: skip the spaces in "“ word", keep those in "“ ”" or at the end."""
    j = i
    while j < len(text) and text[j] == " ":
        j += 1
    return j if j < len(text) and text[j].isalnum() else i
