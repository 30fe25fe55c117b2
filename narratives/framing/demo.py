"""The demo lexicon: four framing categories analysts of the seed coverage would start from, and a few terms.

Safe to run again: what exists is left as it is. Called by the ``load_demo`` command.
"""

from __future__ import annotations

from ..models import FramingCategory
from .lexicon import get_or_create_term

CATEGORIES = {
    "euphemism": (
        "#2980b9",
        "Mild wording for force or violence: a deployment called peacekeeping, a crackdown called pacification.",
        ["peacekeeping", "pacification", "limited period of time", "stabilize and normalize"],
    ),
    "securitisation": (
        "#c0392b",
        "Casting a political or social event as a security threat that justifies exceptional measures.",
        ["anti-terrorist operation", "terrorist threat", "critical red"],
    ),
    "foreign-interference frame": (
        "#8e44ad",
        "Attributing domestic events to outside forces.",
        ["inspired from abroad", "inspired from outside", "externally inspired", "foreign-backed", "foreign agents"],
    ),
    "delegitimisation": (
        "#d35400",
        "Labels that deny protesters or opponents a legitimate voice.",
        ["terrorist gangs", "bandits", "destructive elements"],
    ),
}


def load_demo_lexicon() -> dict[str, int]:
    """Creates the demo categories and terms that are missing; returns how many of each it created."""
    created = {"categories": 0, "terms": 0}
    for name, (colour, description, terms) in CATEGORIES.items():
        category, new = FramingCategory.objects.get_or_create(
            name=name, defaults={"colour": colour, "description": description}
        )
        created["categories"] += new
        for text in terms:
            created["terms"] += get_or_create_term(text, category)[1]
    return created
