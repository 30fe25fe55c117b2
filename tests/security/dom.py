"""Server-side check of rendered HTML: does anything in it run, load or act that our templates did not put there?

The browser tests are the final word (Chromium is the parser that matters); this check runs on every
response of every way in, in milliseconds, and says exactly which element is wrong. Our own templates
never use inline script, inline handlers, frames, ``<base>`` or ``<style>`` (the CSP forbids them), so
any of these is injected. Attribute values are allowed to hold hostile *text* (a title attribute that
shows an escaped payload is inert); what matters is the attributes that navigate, load or act.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcdoc", "ping",
    "codebase", "cite", "manifest", "srcset", "archive", "longdesc", "lowsrc", "dynsrc", "icon",
}  # fmt: skip
FORBIDDEN_ELEMENTS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "style", "math", "mglyph",
    "maction", "foreignobject", "animate", "set", "discard", "handler", "listener", "xmp", "plaintext",
    "noembed", "isindex", "image", "marquee",
}  # fmt: skip
ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:application", "data:image/svg")
# What only an injected payload would put in an attribute that acts (URLs, htmx, handlers).
PAYLOAD_MARKERS = ("__xss__", "alert(", "msgbox(", "alert`", "calc'")
# The marker words around every payload ("kilo007 ... lima007"). Bare "kilo" is not enough: a random
# 64-character CSRF token in hx-headers contains it now and then, which failed CI once.
MARKER_WORD = re.compile(r"(kilo|lima)\d{3}")
BAD_STYLE = re.compile(r"url\s*\(|expression\s*\(|binding|behavior|position\s*:\s*fixed", re.IGNORECASE)
# Names that shadow document or window properties our scripts read (DOM clobbering).
CLOBBER_NAMES = {"body", "head", "cookie", "domain", "location", "forms", "images", "links", "scripts", "csrf",
                 "htmx", "defaultview", "documentelement", "currentscript", "activeelement", "parentnode"}
HTMX_ACTION = re.compile(r"^(data-)?hx-(get|post|put|patch|delete|on.*|vals|headers|include|trigger|boost)$")


def _squash_url(value: str) -> str:
    # Browsers ignore ASCII whitespace and C0 controls inside a scheme: "java\tscript:" runs.
    return re.sub(r"[\x00-\x20\x7f]+", "", unescape(value)).lower()


class _Scanner(HTMLParser):
    def __init__(self, allowed_scripts: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.allowed_scripts = allowed_scripts
        self.problems: list[str] = []
        self.in_head = False
        self.in_script: str | None = None
        self.script_text: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        described = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:160]}>"
        if tag == "head":
            self.in_head = True
        if tag == "body":
            self.in_head = False
        if tag in FORBIDDEN_ELEMENTS or "<" in tag or tag.startswith(("/", "!")):
            self.problems.append(f"element {described}")
        if tag == "meta" and any(k.lower() == "http-equiv" for k, _ in attrs):
            self.problems.append(f"meta refresh {described}")
        if tag == "link" and not self.in_head:
            self.problems.append(f"link outside head {described}")
        if tag == "script":
            self._check_script(dict(attrs), described)
        for name, value in attrs:
            name, value = name.lower(), value or ""
            if name == "id":
                # Templates' own duplicate ids are an HTML bug, not an attack; a second landmark is.
                if value in self.ids and (value in {"main", "content"} or MARKER_WORD.search(value) or "xss" in value):
                    self.problems.append(f"duplicate id {value!r} on {described}")
                self.ids.add(value)
            if name in {"id", "name"} and value.lower() in CLOBBER_NAMES:
                self.problems.append(f"clobbering {name}={value!r} on {described}")
            if name.startswith("on") or not re.fullmatch(r"[a-z_:][-a-z0-9_:.]*", name):
                self.problems.append(f"attribute {name!r} on {described}")
            elif name in URL_ATTRIBUTES:
                squashed = _squash_url(value)
                # A plain link to one of our own paths only acts when clicked, and GET changes nothing;
                # anything that loads by itself (src, data, action...) must not point at a payload.
                loads = not (name == "href" and tag == "a")
                if squashed.startswith(ACTIVE_SCHEMES) or loads and any(m in squashed for m in PAYLOAD_MARKERS):
                    self.problems.append(f"{name}={value!r} on {described}")
            elif HTMX_ACTION.match(name) and (
                any(m in value for m in PAYLOAD_MARKERS + ("/accounts/logout",)) or MARKER_WORD.search(value)
            ):
                self.problems.append(f"htmx {name}={value!r} on {described}")
            elif name == "style" and BAD_STYLE.search(value):
                self.problems.append(f"style {value!r} on {described}")
            elif name == "value" and "forged" in value and tag == "input":
                self.problems.append(f"forged input {described}")

    def _check_script(self, attrs: dict, described: str) -> None:
        src = attrs.get("src")
        kind = (attrs.get("type") or "").lower()
        if src is not None:
            if not src.startswith(self.allowed_scripts):
                self.problems.append(f"script from {src!r}")
            self.in_script = "external"
        elif kind == "application/json":
            self.in_script = "json"
        else:
            self.problems.append(f"inline script {described}")
            self.in_script = "inline"
        self.script_text = []

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "script" and self.in_script:
            content = "".join(self.script_text)
            if self.in_script == "external" and content.strip():
                self.problems.append(f"script with src and content {content[:80]!r}")
            if self.in_script == "json" and "<" in content:
                self.problems.append(f"json_script holds a raw '<': {content[:120]!r}")
            self.in_script = None
        if tag.lower() == "head":
            self.in_head = False


def html_problems(html: str, allowed_scripts: tuple[str, ...] = ("/static/", "/admin/jsi18n/")) -> list[str]:
    """Every element or attribute in ``html`` that could run, load or act and that we did not write."""
    scanner = _Scanner(allowed_scripts)
    scanner.feed(html)
    scanner.close()
    return scanner.problems


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees (roughly: without scripts), with entities decoded."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)
