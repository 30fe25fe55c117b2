"""Valid request bodies for API operations, built from the OpenAPI schema.

A permission check is only tested when the request would otherwise succeed: an empty body is refused
by validation (422) before any permission is looked at. So each required property gets a plausible
value chosen by its name and type, and object ids come from the shared World.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.security import surface

_counter = itertools.count(1)


@dataclass
class Body:
    data: Any
    multipart: bool


def _resolve(schema: dict, root: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = root["components"]["schemas"][name]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], root)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if options:
            return _resolve(options[0], root)
    return schema


def _string_for(name: str, world, unique: int) -> str:
    name = name.lower()
    if name in {"outlet", "outlet_name"}:
        return "Harbour Gazette"
    if name == "category":
        return "euphemism"
    if name in {"url", "homepage"}:
        return f"https://example.org/report-{unique}"
    if name in {"published", "date"}:
        return "2022-01-09"
    if name == "html":
        return f"<html><body><h1>Storm report {unique}</h1><p>The harbour at Veltria reopened on Tuesday {unique}.</p></body></html>"
    if name in {"text", "selection_text", "quote"}:
        if "term" in name or name == "text" and world.current_op and "term" in world.current_op.path:
            return f"pacification {unique}"
        return f"Storm report {unique}\n\nThe harbour at Veltria reopened on Tuesday, officials said {unique}."
    if name == "title":
        return f"Storm report {unique}"
    if name in {"state", "decision"}:
        return "confirmed"
    if name == "colour":
        return "#123456"
    if name == "language":
        return "en"
    return f"value {unique}"


def _value(name: str, schema: dict, root: dict, world, unique: int) -> Any:
    schema = _resolve(schema, root)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if kind == "integer":
        lname = name.lower()
        if lname in {"start", "a_start", "b_start"}:
            return world.objects["annotation"].start
        if lname in {"end", "a_end", "b_end"}:
            return world.objects["annotation"].end
        return int(surface.value_for(name, world.current_op.path if world.current_op else "", world))
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return _object(schema, root, world, unique)
    if schema.get("format") == "date":
        return "2022-01-09"
    return _string_for(name, world, unique)


def _object(schema: dict, root: dict, world, unique: int) -> dict:
    schema = _resolve(schema, root)
    data = {}
    props = schema.get("properties", {})
    for name in schema.get("required", []):
        data[name] = _value(name, props.get(name, {}), root, world, unique)
    # "text" or "html": the contract's article body is one of two optional fields.
    if "text" in props and "text" not in data and "html" not in data:
        data["text"] = _value("text", props["text"], root, world, unique)
    if "outlet" in props and "outlet" not in data:
        data["outlet"] = _value("outlet", props["outlet"], root, world, unique)
    return data


def request_body(op: surface.Operation, world) -> Body | None:
    if not op.has_body:
        return None
    root = surface.openapi_schema()
    spec = root["paths"][op.path][op.method.lower()]["requestBody"]["content"]
    unique = next(_counter)
    world.current_op = op
    try:
        if "application/json" in spec:
            return Body(_object(spec["application/json"]["schema"], root, world, unique), multipart=False)
        form_type = "multipart/form-data" if "multipart/form-data" in spec else next(iter(spec))
        schema = _resolve(spec[form_type]["schema"], root)
        data = {}
        for name, prop in schema.get("properties", {}).items():
            prop = _resolve(prop, root)
            if prop.get("format") == "binary" or name in {"file", "files"}:
                text = f"Storm report {unique}\n\nThe harbour at Veltria reopened on Tuesday {unique}.\n"
                data[name] = SimpleUploadedFile(f"report-{unique}.txt", text.encode(), "text/plain")
            elif name in schema.get("required", []) or name == "outlet":
                data[name] = _value(name, prop, root, world, unique)
        return Body(data, multipart=True)
    finally:
        world.current_op = None
