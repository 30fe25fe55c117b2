"""Input types that keep values the database cannot take out of a query, so they are refused as invalid
(422, or 400 where an operation reads its body by hand) instead of failing there with a 500.
"""

# No ``from __future__ import annotations`` here: Ninja reads the annotations at import.
import re
from typing import Annotated

from pydantic import AfterValidator, Field

# The largest number a database integer holds: SQLite cannot even bind a larger one.
MAX_INTEGER = 2**63 - 1


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL in text, and neither database takes a lone surrogate (it is not UTF-8).
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be Unicode text (it holds a lone surrogate)") from exc
    return value


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _cleaned(value: str) -> str:
    # An article's own words go through ingest, which cleans what a file would carry the same way:
    # NUL goes, a lone surrogate becomes U+FFFD; refusing them would lose a whole article to one byte.
    return LONE_SURROGATE.sub("\ufffd", value.replace("\x00", ""))


ObjectId = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
Text = Annotated[str, AfterValidator(_storable)]
ArticleText = Annotated[str, AfterValidator(_cleaned)]
