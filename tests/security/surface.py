"""The attack surface as the code defines it, discovered rather than listed.

Pages come from walking the URL resolver, API operations from the OpenAPI schema, so a view or
endpoint added tomorrow is in every matrix and injection run without anyone editing a list. Path
parameters are filled with objects from a shared ``World`` (users, tokens, outlets, articles,
terms, tags, decisions...) chosen by the parameter's name and the route's words; a parameter nobody
taught this module fails loudly instead of being skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

# Django's own admin plumbing, tested by Django: a catch-all, a redirect to an object's public page,
# and the select2 autocomplete endpoint that needs a model in its query string.
_SKIPPED_NAMES = {"admin:view_on_site", "admin:autocomplete"}


class NoInstance(LookupError):
    """The database holds no object of the model a route needs."""


@dataclass(frozen=True)
class Route:
    pattern: str  # the full route as written, e.g. "articles/<int:pk>/"
    name: str | None  # namespaced, e.g. "admin:narratives_article_change"
    params: tuple[str, ...]
    callback: Any = field(compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    def __str__(self) -> str:
        return self.name or self.pattern


def _walk(patterns, prefix: str = "", namespace: str = "", params: tuple[str, ...] = ()):
    for p in patterns:
        raw = str(p.pattern)
        found = tuple(re.findall(r"<(?:\w+:)?(\w+)>", raw)) + tuple(re.findall(r"\(\?P<(\w+)>", raw))
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from _walk(p.url_patterns, prefix + raw, ns, params + found)
        elif isinstance(p, URLPattern):
            name = f"{namespace}{p.name}" if p.name else None
            yield Route(prefix + raw, name, params + found, p.callback)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def page_routes(include_admin: bool = True) -> list[Route]:
    """Every browser-facing route: not the API (see ``api_operations``), not Django's admin plumbing."""
    routes = []
    for route in all_routes():
        if route.is_api or route.name in _SKIPPED_NAMES or route.name is None and route.is_admin:
            continue
        if route.is_admin and not include_admin:
            continue
        routes.append(route)
    return routes


# --- filling parameters -----------------------------------------------------------------------------

# Parameters that name a choice rather than an object: every value is a page of its own.
VALUE_PARAMS = {"fmt": ("csv", "jsonl", "jsonld"), "chart": ("terms-by-outlet", "over-time"), "format": ("csv", "json")}

# Words in a route that say which object an ``id``/``pk`` parameter names, most specific first.
_ROUTE_WORDS = [
    ("suggestion", "suggestion"),
    ("occurrence", "occurrence"),
    ("annotation", "annotation"),
    ("tag", "annotation"),
    ("decision", "decision"),
    ("review", "decision"),
    ("categor", "category"),
    ("term", "term"),
    ("item", "item"),
    ("batch", "batch"),
    ("segment", "segment"),
    ("outlet", "outlet"),
    ("token", "token"),
    ("user", "user"),
    ("article", "article"),
]


def _object_kind(param: str, context: str) -> str:
    param = param.lower()
    for suffix in ("_id", "_pk", "_slug", "id", "pk"):
        if param.endswith(suffix) and param != suffix:
            stem = param[: -len(suffix)].rstrip("_")
            for word, kind in _ROUTE_WORDS:
                if stem.startswith(word) or stem == word:
                    return kind
            if stem in {"b", "right", "other"}:
                return "article_b"
            if stem in {"a", "left"}:
                return "article"
    if param in {"b", "right", "other"}:
        return "article_b"
    if param in {"a", "article", "left"}:
        return "article"
    for word, kind in _ROUTE_WORDS:
        if word in param:
            return kind
    if param in {"id", "pk", "object_id", "slug"}:
        # The last object word before the parameter names it: /outlets/<slug>/, /terms/<int:pk>/.
        before = context.split(f"<{param}>")[0] if f"<{param}>" in context else context
        before = re.sub(r"<(\w+):(\w+)>", r"<\2>", before)
        best, where = "article", -1
        for word, kind in _ROUTE_WORDS:
            at = before.lower().rfind(word)
            if at > where:
                best, where = kind, at
        return best
    raise LookupError(f"surface.py does not know what parameter {param!r} of {context!r} names")


def _admin_value(route: Route, param: str, world) -> str:
    if param == "app_label":
        return "narratives"
    # admin:<app>_<model>_<action>: the object is any instance of that model.
    match = re.match(r"admin:(\w+?)_(\w+)_(change|delete|history|password_change|\w+)$", route.name or "")
    if not match:
        raise LookupError(f"cannot fill {param!r} of admin route {route}")
    model = _admin_model(route)
    obj = world.instance_of(model)
    return str(obj.pk)


def _admin_model(route: Route):
    name = (route.name or "").removeprefix("admin:")
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    raise LookupError(f"no admin model for {route}")


def value_for(param: str, context: str, world, *, slug: bool = False) -> str:
    kind = _object_kind(param, context)
    obj = world.objects[kind]
    if kind == "outlet" and (slug or "slug" in param):
        return obj.slug
    if "slug" in param and hasattr(obj, "slug"):
        return obj.slug
    return str(obj.pk)


def fill_all(route: Route, world) -> list[str]:
    """One path per combination of choice parameters (export.csv, export.jsonl, ...)."""
    choices = [p for p in route.params if p in VALUE_PARAMS]
    if not choices:
        return [fill(route, world)]
    import itertools

    combos = itertools.product(*(VALUE_PARAMS[p] for p in choices))
    return [fill(route, world, dict(zip(choices, combo))) for combo in combos]


def fill(route: Route, world, choice: dict[str, str] | None = None) -> str:
    """A concrete path for ``route`` naming existing objects of ``world``, with any query string it needs."""
    choice = choice or {}
    kwargs = {}
    for param in route.params:
        if param in VALUE_PARAMS:
            kwargs[param] = choice.get(param, VALUE_PARAMS[param][0])
        elif route.is_admin:
            kwargs[param] = _admin_value(route, param, world)
        else:
            kwargs[param] = value_for(param, route.pattern, world)
    path = None
    if route.name:
        try:
            path = reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:
            path = None
    if path is None:
        path = _substitute(route.pattern, kwargs)
    return path + world.query_for(route)


def _substitute(pattern: str, kwargs: dict[str, str]) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], pattern)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: kwargs[m.group(1)], path)
    return "/" + path.lstrip("^").rstrip("$")


# --- the API, from its schema -------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # as in the schema, e.g. /api/articles/{id}
    operation_id: str
    path_params: tuple[str, ...]
    query_required: tuple[str, ...]
    has_body: bool
    auth: bool

    @property
    def is_write(self) -> bool:
        return self.method not in {"GET", "HEAD", "OPTIONS"}

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def openapi_schema() -> dict:
    from narratives.api import api

    return api.get_openapi_schema(path_prefix="/api")


def api_operations() -> list[Operation]:
    schema = openapi_schema()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            if method.lower() not in {"get", "post", "put", "patch", "delete"}:
                continue
            params = op.get("parameters", [])
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    operation_id=op.get("operationId", f"{method} {path}"),
                    path_params=tuple(p["name"] for p in params if p.get("in") == "path"),
                    query_required=tuple(p["name"] for p in params if p.get("in") == "query" and p.get("required")),
                    has_body="requestBody" in op,
                    auth=bool(op.get("security", schema.get("security", [{}]))),
                )
            )
    return operations


def api_operations_or_error() -> tuple[list[Operation], Exception | None]:
    """For module-level parametrisation: a broken schema must fail a test, not stop collection."""
    try:
        return api_operations(), None
    except Exception as exc:  # whatever the schema generator raises is the finding
        return [], exc


def fill_operation(op: Operation, world) -> str:
    path = op.path
    for param in op.path_params:
        path = path.replace("{" + param + "}", value_for(param, op.path.replace("{", "<").replace("}", ">"), world))
    query = []
    for param in op.query_required:
        query.append(f"{param}={value_for(param, op.path, world)}")
    if query:
        path += "?" + "&".join(query)
    return path
