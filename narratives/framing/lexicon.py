"""The lexicon: framing categories and terms, as analysts create them from a page, the API or an import."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet

from ..models import FramingCategory, FramingTerm
from .matcher import INLINE_SPACES, QUOTES, term_words

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#c0392b"
# Colours given to categories created on the fly (from the tag popover or the API), in turn, so two
# new categories do not look alike; chosen to stay readable under dark text.
PALETTE = ("#e67e22", "#2980b9", "#8e44ad", "#16a085", "#c0392b", "#d4ac0d", "#7f8c8d", "#27ae60", "#d35400", "#2c3e50")
MAX_TERM_LENGTH = 200


def normalise_term_text(text: str) -> str:
    """A term as stored: quotes and punctuation around it dropped, inner spacing made plain."""
    text = text.translate({ord(c): " " for c in INLINE_SPACES + "\n\r"})
    text = " ".join(text.split()).strip(QUOTES + " .,;:!?")
    if not text or not term_words(text) or not any(ch.isalnum() for ch in text):
        raise ValidationError("A framing term needs at least one word.")
    if len(text) > MAX_TERM_LENGTH:
        raise ValidationError(f"A framing term is at most {MAX_TERM_LENGTH} characters.")
    return text


def valid_colour(colour: str) -> str:
    """The colour if it is a #rrggbb value, else the default: it is written into a stylesheet."""
    return colour.lower() if COLOUR.match(colour or "") else DEFAULT_COLOUR


def category_named(name: str, *, user: AbstractBaseUser | None = None) -> FramingCategory:
    """The category with this name (case ignored), created with the next palette colour if new."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("A category needs a name.")
    found = FramingCategory.objects.filter(name__iexact=name).first()
    if found:
        return found
    colour = PALETTE[FramingCategory.objects.count() % len(PALETTE)]
    try:
        with transaction.atomic():
            return FramingCategory.objects.create(name=name[:100], colour=colour, created_by=_user_or_none(user))
    except IntegrityError:  # created by a concurrent request between the lookup and the insert
        return FramingCategory.objects.get(name__iexact=name)


def find_term(text: str, category: FramingCategory | None = None) -> FramingTerm | None:
    """An existing term with this wording (case ignored): in ``category``, or the only one in any."""
    terms = FramingTerm.objects.filter(text__iexact=text).select_related("category")
    if category is not None:
        return terms.filter(category=category).first()
    found = list(terms[:2])
    return found[0] if len(found) == 1 else None


def get_or_create_term(
    text: str, category: FramingCategory, *, user: AbstractBaseUser | None = None, notes: str = ""
) -> tuple[FramingTerm, bool]:
    text = normalise_term_text(text)
    existing = find_term(text, category)
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            term = FramingTerm.objects.create(text=text, category=category, notes=notes, created_by=_user_or_none(user))
    except IntegrityError:
        return FramingTerm.objects.get(text=text, category=category), False
    return term, True


def _user_or_none(user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def terms_with_tag_counts() -> QuerySet[FramingTerm]:
    return (
        FramingTerm.objects.select_related("category", "created_by")
        .annotate(tag_count=Count("annotations"))
        .order_by("category__name", "text")
    )
