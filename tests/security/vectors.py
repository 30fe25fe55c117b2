"""Our own corpus of script-injection vectors, pushed through every way into Narratives.

Each vector is written here (not copied from a list): script tags, event handlers, script URLs, SVG
and MathML, mutation XSS (parser differentials between a sanitiser and the browser), entity- and
case-encoded variants, attribute and context breakouts, CSS, template syntax (Django, Jinja, JS
template literals, AngularJS) and htmx attributes, which are live on every page of this app.

``@@`` in a payload is replaced by the vector's number, so a dialog (``alert(17)``) or a request to
``/__xss__/17`` names the vector that got through. ``shows`` lists the words a reader would see if
the payload were rendered as HTML: they must survive sanitising. ``eats_rest`` marks payloads that,
parsed as HTML, legitimately swallow what follows them (an unclosed ``<textarea>``), so the word after
them is not expected on the HTML route.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words a person can see: letters and digits, as the checks compare them.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Vector:
    number: int
    family: str
    payload: str
    shows: tuple[str, ...] = ()
    eats_rest: bool = False

    @property
    def id(self) -> str:
        return f"x{self.number:03d}"

    @property
    def before(self) -> str:
        """A word placed before the payload in every input: it must always survive."""
        return f"kilo{self.number:03d}"

    @property
    def after(self) -> str:
        return f"lima{self.number:03d}"

    def wrapped(self) -> str:
        """The payload between its two marker words, as typed into a text field."""
        return f"{self.before} {self.payload} {self.after}"

    def short(self, limit: int = 190) -> str:
        """For fields with a length limit (outlet name 200, term text 200): markers kept, payload cut last."""
        text = self.wrapped()
        if len(text) <= limit:
            return text
        room = limit - len(self.before) - len(self.after) - 2
        return f"{self.before} {self.payload[:room]} {self.after}"


def words(text: str) -> list[str]:
    """The words of ``text`` as a reader sees them (NFC, case kept)."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


# family, payload, shows, eats_rest
_RAW: list[tuple[str, str, tuple[str, ...], bool]] = [
    # --- script elements
    ("script", "<script>alert(@@)</script>", (), False),
    ("script", "<SCRIPT>alert(@@)</SCRIPT>", (), False),
    ("script", "<script src=/__xss__/@@></script>", (), False),
    ("script", "<script type=module>alert(@@)</script>", (), False),
    ("script", "<script/x>alert(@@)</script>", (), False),
    ("script", "<scr<script>ipt>alert(@@)</scr</script>ipt>", (), False),
    ("script", "<<script>alert(@@);//<</script>", (), False),
    ("script", "<script>alert`@@`</script>", (), False),
    ("script", "<script src=data:text/javascript,alert(@@)></script>", (), False),
    ("script", "<script\n>alert(@@)</script\n>", (), False),
    ("script", "<script>/*</script><script>*/alert(@@)</script>", (), False),
    ("script", '<script src="/__xss__/@@" defer async></script>', (), False),
    # --- event handlers
    ("handler", "<img src=x onerror=alert(@@)>", (), False),
    ("handler", "<img/src=x/onerror=alert(@@)>", (), False),
    ("handler", "<IMG SRC=x ONERROR=alert(@@)>", (), False),
    ("handler", "<img src=x oNeRrOr=alert(@@)>", (), False),
    ("handler", "<img\nsrc=x\nonerror=alert(@@)>", (), False),
    ("handler", "<img src=x onerror=\"&#97;lert(@@)\">", (), False),
    ("handler", "<svg onload=alert(@@)>", (), True),
    ("handler", "<svg/onload=alert(@@)>", (), True),
    ("handler", "<body onload=alert(@@)>", (), False),
    ("handler", "<body onpageshow=alert(@@)>", (), False),
    ("handler", "<input autofocus onfocus=alert(@@)>", (), False),
    ("handler", "<details open ontoggle=alert(@@)><summary>Details harbour</summary></details>", ("Details", "harbour"), False),
    ("handler", "<video><source onerror=alert(@@)></video>", (), False),
    ("handler", "<audio src=x onerror=alert(@@)></audio>", (), False),
    ("handler", "<marquee onstart=alert(@@)>Marquee quay</marquee>", ("Marquee", "quay"), False),
    ("handler", "<iframe onload=alert(@@)></iframe>", (), False),
    ("handler", '<a onmouseover="alert(@@)" href="#">Hover pier</a>', ("Hover", "pier"), False),
    ("handler", "<div onpointerenter=alert(@@)>Pointer dock</div>", ("Pointer", "dock"), False),
    ("handler", "<select autofocus onfocus=alert(@@)></select>", (), False),
    ("handler", "<textarea autofocus onfocus=alert(@@)></textarea>", (), False),
    ("handler", "<object data=x onerror=alert(@@)></object>", (), False),
    ("handler", "<style onload=alert(@@)></style>", (), False),
    ("handler", "<image src=x onerror=alert(@@)>", (), False),
    ("handler", "<x onclick=alert(@@)>Custom crane</x>", ("Custom", "crane"), False),
    ("handler", "<svg><animate onbegin=alert(@@) attributeName=x dur=1s></svg>", (), False),
    ("handler", "<span onanimationstart=alert(@@) class=htmx-indicator>Span buoy</span>", ("Span", "buoy"), False),
    ("handler", "<img src=x on\u200berror=alert(@@)>", (), False),
    ("handler", "<p onclick=alert(@@) tabindex=0 autofocus onfocusin=alert(@@)>Focus mooring</p>", ("Focus", "mooring"), False),
    # --- script and data URLs
    ("url", '<a href="javascript:alert(@@)">Link anchor</a>', ("Link", "anchor"), False),
    ("url", '<a href="JaVaScRiPt:alert(@@)">Case anchor</a>', ("Case", "anchor"), False),
    ("url", '<a href="&#106;avascript:alert(@@)">Entity anchor</a>', ("Entity", "anchor"), False),
    ("url", '<a href="java&#x09;script:alert(@@)">Tab anchor</a>', ("Tab", "anchor"), False),
    ("url", '<a href=" \x01javascript:alert(@@)">Control anchor</a>', ("Control", "anchor"), False),
    ("url", '<a href="javascript&colon;alert(@@)">Colon anchor</a>', ("Colon", "anchor"), False),
    ("url", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Data anchor</a>', ("Data", "anchor"), False),
    ("url", '<a href="vbscript:msgbox(@@)">Basic anchor</a>', ("Basic", "anchor"), False),
    ("url", '<iframe src="javascript:alert(@@)"></iframe>', (), False),
    ("url", '<form action="javascript:alert(@@)"><button>Form ferry</button></form>', (), False),
    ("url", '<button formaction="javascript:alert(@@)">Button ferry</button>', (), False),
    ("url", '<object data="javascript:alert(@@)"></object>', (), False),
    ("url", '<embed src="javascript:alert(@@)">', (), False),
    ("url", '<iframe srcdoc="&lt;script&gt;alert(@@)&lt;/script&gt;"></iframe>', (), False),
    ("url", '<meta http-equiv="refresh" content="0;url=/__xss__/@@">', (), False),
    ("url", '<base href="/__xss__/@@/">', (), False),
    ("url", '<img src="javascript:alert(@@)">', (), False),
    ("url", '<a href="data:image/svg+xml,&lt;svg onload=alert(@@)&gt;">Svg anchor</a>', ("Svg", "anchor"), False),
    ("url", '<link rel=stylesheet href="/__xss__/@@">', (), False),
    ("url", '<a href="javascript:alert(@@)" target=_blank rel=opener>Opener anchor</a>', ("Opener", "anchor"), False),
    # --- SVG and MathML
    ("svg", "<svg><script>alert(@@)</script></svg>", (), False),
    ("svg", "<svg><script href=data:,alert(@@) /></svg>", (), False),
    ("svg", "<svg><foreignObject><img src=x onerror=alert(@@)></foreignObject></svg>", (), False),
    ("svg", '<svg><a xlink:href="javascript:alert(@@)"><text x=9 y=9>Svg link</text></a></svg>', (), False),
    ("svg", "<svg><animate attributeName=href values=javascript:alert(@@) /><a><text>Animate</text></a></svg>", (), False),
    ("svg", "<svg><set attributeName=onmouseover to=alert(@@) /></svg>", (), False),
    ("svg", "<svg><discard onbegin=alert(@@) /></svg>", (), False),
    ("svg", '<svg><use href="data:image/svg+xml,&lt;svg id=x onload=alert(@@)&gt;#x" /></svg>', (), False),
    ("mathml", '<math><maction actiontype=statusline xlink:href="javascript:alert(@@)">Math action</maction></math>', (), False),
    ("mathml", '<math href="javascript:alert(@@)"><mi>Math link</mi></math>', (), False),
    ("mathml", "<math><mtext><table><mglyph><style><img src=x onerror=alert(@@)>", (), True),
    # --- mutation XSS: what a sanitiser parses one way and the browser re-parses another
    ("mxss", '<noscript><p title="</noscript><img src=x onerror=alert(@@)>">', (), False),
    ("mxss", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(@@)>", (), True),
    ("mxss", '<svg></p><style><a id="</style><img src=1 onerror=alert(@@)>">', (), True),
    ("mxss", '<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src onerror=alert(@@)>">', (), True),
    ("mxss", "<!--><img src=x onerror=alert(@@)>-->", (), False),
    ("mxss", "<!-- --!><img src=x onerror=alert(@@)> -->", (), False),
    ("mxss", "<title><img src=x onerror=alert(@@)></title>", (), False),
    ("mxss", "<textarea><img src=x onerror=alert(@@)></textarea>", (), False),
    ("mxss", "<style><img src=x onerror=alert(@@)></style>", (), False),
    ("mxss", "<xmp><img src=x onerror=alert(@@)></xmp>", (), False),
    ("mxss", '<noembed><img title="</noembed><img src=x onerror=alert(@@)>"></noembed>', (), False),
    ("mxss", '<iframe><img title="</iframe><img src=x onerror=alert(@@)>"></iframe>', (), False),
    ("mxss", "<![CDATA[><img src=x onerror=alert(@@)>]]>", (), False),
    ("mxss", "<template><img src=x onerror=alert(@@)></template>", (), False),
    ("mxss", "<table><td><style><img src=x onerror=alert(@@)></style></td></table>", (), False),
    ("mxss", '<svg><p><style><img src=x onerror=alert(@@)></style></p></svg>', (), False),
    ("mxss", "<a href=\"/x\">Nested<a href=\"javascript:alert(@@)\">inner</a></a>", ("Nested", "inner"), False),
    ("mxss", "<plaintext><img src=x onerror=alert(@@)>", (), True),
    # --- entity-, percent- and case-encoded; characters that only look like markup
    ("encoded", "&lt;script&gt;alert(@@)&lt;/script&gt;", ("script", "alert"), False),
    ("encoded", "&#60;img src=x onerror=alert(@@)&#62;", ("img", "src", "onerror"), False),
    ("encoded", "&amp;lt;img src=x onerror=alert(@@)&amp;gt;", ("lt", "img", "src"), False),
    ("encoded", "%3Cscript%3Ealert(@@)%3C%2Fscript%3E", ("3Cscript", "3Ealert"), False),
    ("encoded", "\\u003cscript\\u003ealert(@@)\\u003c/script\\u003e", ("u003cscript",), False),
    ("encoded", "\\x3cimg src=x onerror=alert(@@)\\x3e", ("x3cimg", "src"), False),
    ("encoded", "<ScRiPt>alert(@@)</sCrIpT>", (), False),
    ("encoded", "\uff1cscript\uff1ealert(@@)\uff1c/script\uff1e", ("script", "alert"), False),
    ("encoded", "+ADw-script+AD4-alert(@@)+ADw-/script+AD4-", ("ADw", "script"), False),
    ("encoded", "<img src=x onerror=&#x61;&#x6C;&#x65;&#x72;&#x74;(@@)>", (), False),
    ("encoded", "<scr\x00ipt>alert(@@)</scr\x00ipt>", (), False),
    ("encoded", "\u202e>tpircs/<)@@(trela>tpircs<\u202c", ("tpircs", "trela"), False),
    # --- breaking out of an attribute, a script, a comment or a raw-text element
    ("breakout", '" onmouseover="alert(@@)', ("onmouseover", "alert"), False),
    ("breakout", "' onfocus='alert(@@)' autofocus='", ("onfocus", "alert"), False),
    ("breakout", '"><script>alert(@@)</script>', (), False),
    ("breakout", "'><img src=x onerror=alert(@@)>", (), False),
    ("breakout", '"/><svg onload=alert(@@)>', (), True),
    ("breakout", "`><img src=x onerror=alert(@@)>", (), False),
    ("breakout", '" autofocus onfocus=alert(@@) x="', ("autofocus", "onfocus"), False),
    ("breakout", "</textarea><script>alert(@@)</script>", (), False),
    ("breakout", "</title><script>alert(@@)</script>", (), False),
    ("breakout", "</script><script>alert(@@)</script>", (), False),
    ("breakout", "--><script>alert(@@)</script>", (), False),
    ("breakout", '"}]</script><script>alert(@@)</script>', (), False),
    ("breakout", "'-alert(@@)-'", ("alert",), False),
    ("breakout", '\\";alert(@@);//', ("alert",), False),
    ("breakout", "</style><script>alert(@@)</script>", (), False),
    ("breakout", "\r\nSet-Cookie: xss=@@\r\n\r\n<script>alert(@@)</script>", ("Set", "Cookie"), False),
    # --- CSS
    ("css", '<div style="background:url(javascript:alert(@@))">Style wharf</div>', ("Style", "wharf"), False),
    ("css", '<div style="width:expression(alert(@@))">Expression wharf</div>', ("Expression", "wharf"), False),
    ("css", "<style>@import '/__xss__/@@';</style>", (), False),
    ("css", '<style>*{background:url("/__xss__/@@")}</style>', (), False),
    ("css", '<div style="-moz-binding:url(/__xss__/@@#x)">Binding wharf</div>', ("Binding", "wharf"), False),
    (
        "css",
        '<p style="position:fixed;top:0;left:0;width:100%;height:100%;background:red">Overlay wharf</p>',
        ("Overlay", "wharf"),
        False,
    ),
    ("css", "<style>body{display:none}</style>", (), False),
    ("css", '<div class="messages error">Fake alert wharf</div>', ("Fake", "alert", "wharf"), False),
    # --- template syntax: must come out as the literal characters, never evaluated
    ("template", "{{7*7}} {{ 7*'7' }}", ("7",), False),
    ("template", "{{ request.user.password }} {{ settings.SECRET_KEY }}", ("request", "user", "password"), False),
    ("template", "{% debug %}{% load static %}", ("debug", "load"), False),
    ("template", "${7*7} #{7*7} <%= 7*7 %>", ("7",), False),
    ("template", "{{constructor.constructor('alert(@@)')()}}", ("constructor",), False),
    ("template", "{{'<script>alert(@@)</script>'|safe}}", ("safe",), False),
    ("template", "`${alert(@@)}`", ("alert",), False),
    ("template", "[[${7*7}]] {{=7*7}}", ("7",), False),
    # --- htmx attributes: the app's pages load htmx, so these would send requests or run code
    ("htmx", '<div hx-get="/__xss__/@@" hx-trigger="load">Htmx harbour</div>', ("Htmx", "harbour"), False),
    ("htmx", '<div data-hx-get="/__xss__/@@" data-hx-trigger="load">Data htmx harbour</div>', ("Data", "htmx"), False),
    ("htmx", '<img src=x hx-on:error="alert(@@)">', (), False),
    ("htmx", '<div hx-on::load="alert(@@)">Htmx on harbour</div>', ("Htmx", "harbour"), False),
    ("htmx", '<button hx-post="/accounts/logout/" hx-trigger="load">Logout harbour</button>', (), False),
    ("htmx", '<form hx-delete="/__xss__/@@" hx-trigger="load"><p>Delete harbour</p></form>', ("Delete", "harbour"), False),
    ("htmx", '<div hx-get="/__xss__/@@" hx-trigger="load" hx-swap="outerHTML" hx-target="body">Swap harbour</div>', ("Swap", "harbour"), False),
    ("htmx", '<a hx-boost="true" href="/__xss__/@@">Boost harbour</a>', ("Boost", "harbour"), False),
    # --- other active or misleading content
    ("embed", '<iframe src="/__xss__/@@"></iframe>', (), False),
    ("embed", '<object data="/__xss__/@@" type="text/html"></object>', (), False),
    ("embed", '<embed src="/__xss__/@@" type="text/html">', (), False),
    ("embed", '<portal src="/__xss__/@@"></portal>', (), False),
    ("embed", '<form action="/__xss__/@@" method=post><input name=q value="Form field"><button>Submit harbour</button></form>', (), False),
    ("embed", '<input type=hidden name=csrfmiddlewaretoken value="forged@@">', (), False),
    ("embed", '<img src="/__xss__/@@" width=1 height=1>', (), False),
    ("embed", '<a href="/__xss__/@@" id="main">Clobber harbour</a><form id=csrf name=body></form>', ("Clobber", "harbour"), False),
]


def _build() -> list[Vector]:
    vectors = []
    for number, (family, payload, shows, eats_rest) in enumerate(_RAW, start=1):
        vectors.append(Vector(number, family, payload.replace("@@", str(number)), shows, eats_rest))
    return vectors


VECTORS: list[Vector] = _build()
BY_ID: dict[str, Vector] = {v.id: v for v in VECTORS}

# Values for fields that end up in an href (article url, outlet homepage): each must be refused or
# rendered inert. Dialog text and request paths again carry the number.
URL_VECTORS: list[str] = [
    "javascript:alert(901)",
    "JAVASCRIPT:alert(902)",
    " javascript:alert(903)",
    "java\tscript:alert(904)",
    "javascript://example.org/%0aalert(905)",
    "data:text/html,<script>alert(906)</script>",
    "vbscript:msgbox(907)",
    "https://example.org/\"><script>alert(908)</script>",
    "https://example.org/' onmouseover='alert(909)",
    "//example.org/__xss__/910",
]

# Spreadsheet formula injection: a cell starting with one of these runs in Excel/LibreOffice.
FORMULA_VECTORS: list[str] = [
    '=HYPERLINK("https://example.org/__xss__/951","Open harbour report")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=DDE(\"cmd\";\"/C calc\";\"__xss__952\")",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
