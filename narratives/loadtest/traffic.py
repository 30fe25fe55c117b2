"""What the virtual users do: seed a scratch database, sign in, read, compare, tag and call the API."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from dataclasses import dataclass

from django.core.management.base import CommandError

from .figures import Sample, summarise
from .scratch import ROOT, ScratchDatabase, log

SEEDS = ROOT.parent / "shared" / "seeds"
logging.getLogger("httpx2").setLevel(logging.WARNING)  # one line per request would drown the figures


SEED_SCRIPT = r"""
import json, random, sys
from pathlib import Path
from django.contrib.auth.models import Group, User
from narratives.models import ApiToken, Article, FramingCategory, FramingTerm
from narratives.ingest.pipeline import ingest_paths, ingest_text

count, seeds = int(sys.argv[1]), sys.argv[2]
analyst = Group.objects.get_or_create(name="analyst")[0]
users = []
for i in range(8):
    u = User.objects.create_user(f"bench{i}", password="bench password 42")
    u.groups.add(analyst)
    users.append({"username": u.username, "token": ApiToken.for_user(u).key})
for result in ingest_paths(sorted(Path(seeds).glob("*.txt")), outlet=None, user=None):
    if result.error:
        print("seed:", result.error, file=sys.stderr)
rng = random.Random(7)
places = ["Veltria", "Marrow Bay", "Ostrand", "Kessel", "Tarvik"]
subjects = ["The harbour authority", "The interior ministry", "Opposition leaders", "Local residents",
            "The peacekeeping forces", "Foreign observers", "The port workers' union", "State television"]
verbs = ["said", "denied", "claimed", "reported", "warned", "insisted", "confirmed"]
objects = ["that the unrest was inspired from abroad", "that fuel prices would fall next month",
           "that terrorist gangs had attacked the terminal", "that the anti-terrorist operation was over",
           "that the curfew would be lifted on Friday", "that foreign-backed groups organised the protests",
           "that the pacification of the city was complete", "that thirty people had been detained"]
outlets = ["Harbour Gazette", "Coast Courier", "Northern Wire", "Republic Daily"]
for n in range(count):
    sentences = [f"{rng.choice(subjects)} in {rng.choice(places)} {rng.choice(verbs)} {rng.choice(objects)}."
                 for _ in range(rng.randint(15, 40))]
    paragraphs = [" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4)]
    text = f"Generated report {n} on the unrest\n\n" + "\n\n".join(paragraphs)
    result = ingest_text(text, outlet=outlets[n % len(outlets)], title="", url="", published=None, user=None)
    if result.error:
        print("generated:", result.error, file=sys.stderr)
category = FramingCategory.objects.get_or_create(name="securitisation")[0]
term = FramingTerm.objects.get_or_create(text="terrorist gangs", category=category)[0]
ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
print(json.dumps({"users": users, "articles": ids, "term": term.pk, "category": category.name}))
"""


@dataclass
class Fixture:
    users: list[dict]
    articles: list[int]
    term: int
    category: str


def seed(db: ScratchDatabase, count: int) -> Fixture:
    db.manage("migrate", "--noinput")
    out = db.python(SEED_SCRIPT, str(count), str(SEEDS))
    return Fixture(**json.loads(out.strip().splitlines()[-1]))


# --- the load client -----------------------------------------------------------------------------------


@dataclass
class Session:
    cookie: str
    csrf: str
    token: str
    username: str


async def sign_in(client, username: str, token: str) -> Session:
    page = await client.get("/accounts/login/")
    csrf = page.cookies.get("csrftoken")
    response = await client.post(
        "/accounts/login/",
        data={"username": username, "password": "bench password 42", "csrfmiddlewaretoken": csrf},
        headers={"Cookie": f"csrftoken={csrf}"},
    )
    session = response.cookies.get("sessionid")
    if response.status_code != 302 or not session:
        raise RuntimeError(f"{username} could not sign in: {response.status_code}")
    return Session(cookie=f"sessionid={session}; csrftoken={csrf}", csrf=csrf, token=token, username=username)


class Mix:
    """What one virtual user does next, weighted like a working day: mostly reading."""

    def __init__(self, fixture: Fixture, tag_path: str | None, seed: int):
        self.fixture, self.tag_path, self.rng = fixture, tag_path, random.Random(seed)
        self.actions = [
            ("read_list", 15), ("read_article", 25), ("compare", 12), ("api_list", 10), ("api_article", 10),
            ("api_compare", 5), ("api_terms", 5), ("api_stats", 5),
        ]  # fmt: skip
        if tag_path:
            self.actions.append(("tag", 13))
        self.names = [a for a, _ in self.actions]
        self.weights = [w for _, w in self.actions]

    def next(self) -> str:
        return self.rng.choices(self.names, self.weights)[0]

    def pair(self) -> tuple[int, int]:
        a, b = self.rng.sample(self.fixture.articles[:12], 2)
        return a, b

    def article(self) -> int:
        # The last article is kept for the tagging race, untouched by the mix.
        return self.rng.choice(self.fixture.articles[:-1])


def _pair_path(template: str, mix: Mix) -> str:
    a, b = mix.pair()
    return template.format(a=a, b=b)


# What each reading action asks for: (path for this request, signed in by cookie rather than token).
READS = {
    "read_list": (lambda mix: f"/articles/?page={mix.rng.randint(1, 3)}", True),
    "read_article": (lambda mix: f"/articles/{mix.article()}/", True),
    "compare": (lambda mix: _pair_path("/compare/?articles={a},{b}", mix), True),
    "api_list": (lambda mix: "/api/articles?limit=20", False),
    "api_article": (lambda mix: f"/api/articles/{mix.article()}", False),
    "api_compare": (lambda mix: _pair_path("/api/compare?a={a}&b={b}", mix), False),
    "api_terms": (lambda mix: "/api/terms", False),
    "api_stats": (lambda mix: "/api/stats/terms-by-outlet", False),
}


async def perform(client, session: Session, mix: Mix, action: str) -> tuple[int, bool]:
    if action == "tag":
        r = await tag(client, session, mix.tag_path, mix.fixture, mix.article(), mix.rng)
    else:
        path, by_cookie = READS[action]
        headers = {"Cookie": session.cookie} if by_cookie else {"Authorization": f"Bearer {session.token}"}
        r = await client.get(path(mix), headers=headers)
    return r.status_code, 200 <= r.status_code < 400


_TAGGED: set[tuple[int, int]] = set()


async def tag(client, session: Session, path: str, fixture: Fixture, article: int, rng: random.Random):
    """Tags a word of ``article`` nobody has tagged yet (an analyst does not tag one word twice)."""
    bearer = {"Authorization": f"Bearer {session.token}"}
    text = await article_text(client, bearer, article)
    spans = [(m.start(), m.end()) for m in re.finditer(r"\w{4,}", text) if (article, m.start()) not in _TAGGED]
    start, end = rng.choice(spans)
    _TAGGED.add((article, start))
    body = {"article": article, "term": fixture.term, "start": start, "end": end, "text": text[start:end]}
    return await client.post(path, json=body, headers=bearer)


_TEXTS: dict[int, str] = {}


async def article_text(client, headers: dict, article: int) -> str:
    if article not in _TEXTS:
        r = await client.get(f"/api/articles/{article}", headers=headers)
        _TEXTS[article] = r.json()["text"]
    return _TEXTS[article]


async def run_load(base_url: str, fixture: Fixture, users: int, duration: float, max_requests: int, tag_path: str | None) -> dict:
    import httpx2

    limits = httpx2.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx2.AsyncClient(base_url=base_url, timeout=30, limits=limits) as client:
        sessions = [await sign_in(client, u["username"], u["token"]) for u in fixture.users]
        # Warm every worker (model load, first queries) outside the measured window.
        for _ in range(4):
            await client.get(f"/compare/?articles={fixture.articles[0]},{fixture.articles[1]}", headers={"Cookie": sessions[0].cookie})
        samples: list[Sample] = []
        budget = {"left": max_requests}
        deadline = time.monotonic() + duration

        async def user(n: int) -> None:
            session, mix = sessions[n % len(sessions)], Mix(fixture, tag_path, seed=n)
            while time.monotonic() < deadline and budget["left"] > 0:
                budget["left"] -= 1
                action = mix.next()
                began = time.perf_counter()
                try:
                    status, ok = await perform(client, session, mix, action)
                except Exception as exc:  # a timeout or a reset connection counts as an error, not a crash
                    log(f"{action}: {type(exc).__name__}: {exc}")
                    status, ok = 0, False
                samples.append(Sample(action, status, time.perf_counter() - began, ok))

        began = time.monotonic()
        await asyncio.gather(*(user(n) for n in range(users)))
        elapsed = time.monotonic() - began
    return summarise(samples, elapsed, users)


async def tag_race(base_url: str, fixture: Fixture, tag_path: str, clients: int = 20) -> dict:
    """``clients`` connections tag different words of one article at the same moment."""
    import httpx2

    article = fixture.articles[-1]
    users = fixture.users
    async with httpx2.AsyncClient(base_url=base_url, timeout=60, limits=httpx2.Limits(max_connections=clients)) as client:
        headers = {"Authorization": f"Bearer {users[0]['token']}"}
        text = await article_text(client, headers, article)
        spans = [(m.start(), m.end()) for m in re.finditer(r"\w{4,}", text)][:clients]
        if len(spans) < clients:
            raise CommandError(f"article {article} has too few words for {clients} tags")
        gate = asyncio.Event()

        async def one(n: int):
            start, end = spans[n]
            body = {"article": article, "term": fixture.term, "start": start, "end": end, "text": text[start:end]}
            await gate.wait()
            token = users[n % len(users)]["token"]
            return await client.post(tag_path, json=body, headers={"Authorization": f"Bearer {token}"})

        tasks = [asyncio.create_task(one(n)) for n in range(clients)]
        await asyncio.sleep(0.2)
        gate.set()
        responses = await asyncio.gather(*tasks, return_exceptions=True)
    statuses = [getattr(r, "status_code", 0) for r in responses]
    return {"article": article, "clients": clients, "statuses": statuses, "spans": spans}


STORED_SCRIPT = r"""
import json, sys
from narratives.models import Annotation
article = int(sys.argv[1])
spans = [tuple(s) for s in json.loads(sys.argv[2])]
stored = set(Annotation.objects.filter(article_id=article).values_list("start", "end"))
print(json.dumps({"stored": sum(tuple(s) in stored for s in spans), "rows": Annotation.objects.filter(article_id=article).count()}))
"""


def discover_tag_path(db: ScratchDatabase) -> str | None:
    """The API operation that creates an annotation, from the OpenAPI schema (None if there is none yet)."""
    out = db.python(
        "import json\nfrom narratives.api import api\n"
        "print(json.dumps(api.get_openapi_schema(path_prefix='/api')['paths']))"
    )
    paths = json.loads(out.strip().splitlines()[-1])
    for path, methods in paths.items():
        if "post" in methods and re.search(r"annotation|tags?$", path) and "{" not in path:
            return path
    return None
