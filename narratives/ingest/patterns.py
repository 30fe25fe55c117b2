"""What web furniture and header lines look like, as regular expressions over one clean paragraph.

Kept apart from the rules that use them so an analyst who meets a new widget ("Join our Telegram")
can add one line here. Patterns are English; furniture in other languages is left as text, which
costs a spurious claim rather than a lost one.
"""

from __future__ import annotations

import re
from datetime import date

_I = re.IGNORECASE

# Whole-paragraph furniture: the paragraph is nothing but the widget's label (trailing ":" / "." / "»"
# are ignored). Anchored, so a sentence that merely starts with "Share" or "Comments" is not caught.
_WIDGET_LABELS = [
    r"you (?:may|might|will) (?:also )?(?:like|enjoy|be interested in)",
    # "Related: <title of another article>" is a link, like "Read more: …" below.
    r"related(?: (?:articles?|posts?|stories|news|content|coverage|topics|reading))?(?:\s*:.{0,150})?",
    r"recommended(?: for you| articles?| stories| reading)?",
    r"(?:read|see) (?:more|also|next)(?: on| about)?|(?:read|see) (?:more|also)\s*:.{0,150}",
    r"more (?:from|on|stories|news|articles|in) .{0,60}",
    r"(?:most (?:read|popular|viewed|shared)|trending(?: now)?|popular (?:posts|articles|stories)|top stories)",
    r"(?:latest|recent) (?:news|posts|stories|articles)|editor[’']?s picks",
    r"leave a (?:reply|comment)|post a comment|add (?:a )?comment|cancel reply|(?:show|view|load) comments",
    r"\d* ?comments?|no comments(?: yet)?|join the (?:conversation|discussion)",
    r"share(?: (?:this|on \w+|via \w+|article|story|post|page))?(?: (?:article|story|post|page))?",
    r"subscribe\b.{0,80}|sign up (?:for|to)\b.{0,80}|follow us\b.{0,60}|join (?:us|our)\b.{0,60}",
    r"click here\b.{0,80}|tap here\b.{0,80}|continue reading\b.{0,40}|story continues below.{0,40}",
    r"advertisement|advertising|ad|ads|sponsored(?: content| post| links?| stories)?|paid content",
    r"promoted(?: content| stories)?|partner content|scroll to continue(?: with content)?",
    r"sources?",  # a lone link label left behind when the link itself was not copied
    r"(?:here[’']?s )?(?:what|everything) you need to know|read the full (?:story|article)",
    r"watch(?: now| live| the video| video)?|listen(?: to this article)?|print(?: this)?(?: article)?",
    r"skip to (?:content|main content|the end)|menu|search|home|log ?in|sign ?in|register|back to top",
    r"toggle navigation|close|open menu|(?:previous|next)(?: article| post| story)?|loading\W*",
    r"(?:tags?|topics?|filed under|categories|category)\s*:.{0,200}",
    r"(?:don[’']?t|do not) miss\b.{0,80}",
    r"(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?",  # a page number left by PDF extraction
    # A row of share buttons: nothing but network names.
    r"(?:(?:share on |follow us on )?(?:facebook|twitter|x|telegram|whatsapp|linkedin|reddit|pinterest|vk"
    r"|vkontakte|e-?mail|print|tweet|copy link|messenger|tumblr|instagram|youtube|tiktok|rss|flipboard)"
    r"[\s|·•,/]*){2,}",
]
WIDGET_LABEL = re.compile(r"(?:" + "|".join(_WIDGET_LABELS) + r")", _I)
LABEL_TRAILER = " \t:.»›|-–—"
WIDGET_LABEL_MAX_CHARS = 300

# Furniture recognisable by a phrase anywhere in a short paragraph (CMS footers, comment forms).
# Plain substrings of the lower-cased text: checking them is far cheaper than one big regex search.
FURNITURE_PHRASES = (
    *(f"powered by {cms}" for cms in ("wordpress", "blogger", "ghost", "drupal", "joomla", "squarespace", "wix")),
    "wordpress theme", "designed by:", "theme by ", "all rights reserved",
    "you can skip to the end and leave a response", "pinging is currently not allowed",
    "both comments and pings are currently closed", "you can follow any responses to this entry",
    "your email address will not be published", "required fields are marked", "this entry was posted in",
    "we use cookies", "accept cookies", "accept all cookies", "cookie policy", "cookie settings",
    "support our journalism", "support independent journalism", "download our app", "get our app",
    "get the app",
)  # fmt: skip
FURNITURE_START = re.compile(
    r"(?:copyright\s*)?(?:©|\(c\))\s*\w|the views expressed in this (?:article|piece|column)"
    r"|if you (?:like|liked|enjoyed|value) (?:this|our)\b|sign up for our\b"
    r"|by continuing to (?:use|browse) (?:this|our) (?:site|website)",
    _I,
)
FOOTER_LINKS = re.compile(r"(?:privacy policy|terms of (?:use|service))\s*[|·•]", _I)


# A furniture phrase opens a footer or one of its parts ("© 2022 Acme. All rights reserved", "Acme |
# Powered by WordPress"); inside running prose ("donors who support independent journalism", "…, all
# rights reserved to the council pass to …") it is part of a claim. Only a line this short may carry
# one mid-sentence ("Copyright Acme, all rights reserved").
PART_OPENERS = ".!?|·•:;-–—©*)"
FURNITURE_MID_SENTENCE_MAX_WORDS = 8


def furniture_phrase(text: str) -> bool:
    lowered = text.lower()
    short = len(text.split()) <= FURNITURE_MID_SENTENCE_MAX_WORDS
    return (
        any(_opens_a_part(lowered, phrase, short) for phrase in FURNITURE_PHRASES)
        or FURNITURE_START.match(text) is not None
        or (any(bar in text for bar in "|·•") and FOOTER_LINKS.search(text) is not None)
    )


def _opens_a_part(lowered: str, phrase: str, short: bool) -> bool:
    start = lowered.find(phrase)
    while start != -1:
        before = lowered[:start].rstrip()
        if short or not before or before[-1] in PART_OPENERS or before[-1].isdigit():
            return True
        start = lowered.find(phrase, start + 1)
    return False


# The start of a list of links (recommendations, comments): short link titles after it are furniture too.
SECTION_MARKER = re.compile(
    r"you (?:may|might|will) (?:also )?(?:like|enjoy|be interested in)|related\b|recommended\b"
    r"|(?:read|see) (?:more|also)|more (?:from|on|stories|news|articles)\b|most (?:read|popular|viewed)"
    r"|trending|popular (?:posts|articles|stories)|top stories|(?:latest|recent) (?:news|posts|stories)"
    r"|leave a (?:reply|comment)|\d* ?comments?$",
    _I,
)

# Header lines ----------------------------------------------------------------------------------
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = r"(?:(?:,|\s-|\s\||\s–|\sat)?\s*\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?)?"
_DATE_FORMS = [
    _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR,
    _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR,
    _YEAR + r"-(?P<imonth>\d\d)-(?P<iday>\d\d)",
    r"(?P<n1>\d{1,2})(?P<sep>[/.])(?P<n2>\d{1,2})(?P=sep)" + _YEAR,
    # Without a year ("Published 6 January", "2 hours ago"): metadata, but no date to store.
    _MONTH + r"\s+" + _DAY,
    _DAY + r"\s+" + _MONTH,
    r"(?:about )?(?:an?|\d{1,2}) (?:minute|hour|day|week)s? ago",
]
_DATE_PREFIX = r"(?:(?:published|updated|posted|last updated|date|modified)(?: on)?\s*:?\s*)?"
_PLACE = r"(?:[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){0,2},\s+)?"  # a dateline's city: "Moscow, January 9"
DATE_LINE = [re.compile(_DATE_PREFIX + _PLACE + _WEEKDAY + form + _TIME + r"\W*", _I) for form in _DATE_FORMS]

# "By Al Mayadeen", "Written by …", "Author: …": the name itself is captured for Article.byline.
BYLINE = re.compile(
    r"(?i:(?:written |words |reporting |text )?by|authors?\s*:)\s+(?P<name>[^\s.!?].{0,120}?)\s*\W?",
)
NAME_CONNECTORS = {"and", "&", "de", "van", "von", "der", "la", "le", "al", "el", "bin", "ibn", "in", "for", "of"}
SOURCE_LINE = re.compile(
    r"(?:[\w-]+\s+){0,2}sources?\s*:\s*\S.{0,150}|via\s*:\s*\S.{0,100}"
    r"|\(?(?:with )?(?:additional )?(?:inputs?|reporting) (?:from|by)\b.{1,150}"
    r"|(?:editing|edited|compiled|translated) by\b.{1,150}|\d+ min(?:ute)?s? read",
    _I,
)
# A credit under a picture is about the picture, so it is a caption rather than article metadata.
PICTURE_CREDIT = re.compile(
    r"\((?:L|R|C|left|right|centre|center|pictured|file photo)\)|\bpictured\b|getty images|\bshutterstock\b"
    r"|/\s?(?:afp|reuters|ap|epa|tass|ria novosti|sputnik|anadolu)\b|^(?:photo|image|picture|illustration|credit)"
    r"(?:graph)?(?: credit)?\s*:",
    _I,
)
# "Sergei Lebedev, the chairman of …": a name (up to four capitalised words) then an apposition.
NAMED_PERSON = re.compile(r"(?:[A-Z][\w’'.-]+\s){1,3}[A-Z][\w’'.-]+,\s")


def widget_label(paragraph: str) -> bool:
    if len(paragraph) > WIDGET_LABEL_MAX_CHARS:  # labels are short; spare the regex a long paragraph
        return False
    return WIDGET_LABEL.fullmatch(paragraph.rstrip(LABEL_TRAILER)) is not None


def parse_date_line(paragraph: str) -> tuple[bool, date | None]:
    """(is the paragraph a date line, the date when it can be read without guessing)."""
    for pattern in DATE_LINE:
        match = pattern.fullmatch(paragraph)
        if match:
            return True, _date_of(match.groupdict())
    return False, None


def _date_of(parts: dict[str, str | None]) -> date | None:
    if not parts.get("year"):
        return None
    year = int(parts["year"] or 0)
    if parts.get("month"):
        month, day = MONTHS[parts["month"].lower()], int(parts["day"] or 0)
    elif parts.get("imonth"):
        month, day = int(parts["imonth"] or 0), int(parts["iday"] or 0)
    else:
        first, second = int(parts["n1"] or 0), int(parts["n2"] or 0)
        if parts["sep"] == ".":  # 09.01.2022 is day first wherever dots are written
            day, month = first, second
        elif first <= 12 and second <= 12 and first != second:
            return None  # 03/04/2022: April or March? Not ours to guess.
        else:
            day, month = (first, second) if first > 12 else (second, first)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def byline_name(paragraph: str) -> str | None:
    """The name in a byline paragraph, or None if the paragraph is not one.

    "By Friday the protests had spread" is a sentence, not a byline: the words after "By" must read
    as a name (mostly capitalised) and be few.
    """
    if not paragraph[:1].isupper():
        return None
    match = BYLINE.fullmatch(paragraph)
    if not match:
        return None
    name = match.group("name").strip(" ,;|")
    words = name.split()
    capitalised = [w for w in words if w[:1].isupper() or w.lower() in NAME_CONNECTORS]
    if not words or len(words) > 10 or not words[0][:1].isupper() or len(capitalised) < len(words) - 1:
        return None
    return name
