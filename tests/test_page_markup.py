"""Markup every page must keep: unique ids, because labels, ``aria-labelledby`` and htmx targets
point at them, and a duplicate silently points a screen reader or a swap at the wrong element."""

from __future__ import annotations

import collections
import re

import pytest

from tests.security import surface
from tests.security.world import world as world_fixture

world = world_fixture  # the shared World, by the name the tests ask for
pytestmark = pytest.mark.django_db
ID = re.compile(r'\sid="([^"]+)"')


def test_every_page_uses_each_id_once(world):
    repeated, checked = {}, 0
    for route in surface.page_routes(include_admin=False):
        try:
            path = surface.fill(route, world)
        except surface.NoInstance:
            continue
        response = world.client("carol").get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        counts = collections.Counter(ID.findall(response.content.decode()))
        if twice := sorted(name for name, n in counts.items() if n > 1):
            repeated[path] = twice
    assert checked >= 10, checked
    assert not repeated, repeated
