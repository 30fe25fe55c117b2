"""The compare page's query and the review actions' bodies, validated and normalised in one place."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from ..forms import is_article_id
from ..matching.align import DEFAULT_SENSITIVITY
from .comparison import MatchFilter
from .decisions import Selection

MIN_ARTICLES = 2
MAX_ARTICLES = 6


# Each message names the setting: "Enter a number." alone does not say which one was wrong.
_SENSITIVITY_RANGE = "sensitivity is a number from 0 (fewest, surest matches) to 1 (most), e.g. sensitivity=0.5."
SENSITIVITY_ERRORS = {"invalid": _SENSITIVITY_RANGE, "min_value": _SENSITIVITY_RANGE, "max_value": _SENSITIVITY_RANGE}
FILTER_ERRORS = {"invalid_choice": f"filter=%(value)s is not a filter: use one of {', '.join(MatchFilter.values)}."}


class CompareForm(forms.Form):
    """``?articles=3,7[,…]&sensitivity=0.6&filter=strong``: which articles and how to show their matches."""

    articles = forms.CharField(max_length=200, error_messages={"required": "Name the articles to compare: ?articles=ID,ID"})
    sensitivity = forms.FloatField(required=False, min_value=0, max_value=1, error_messages=SENSITIVITY_ERRORS)
    filter = forms.ChoiceField(choices=MatchFilter.choices, required=False, error_messages=FILTER_ERRORS)

    def __init__(self, data: QueryDict, **kwargs) -> None:
        # ?articles=3&articles=7 (checkboxes) means the same as ?articles=3,7 (the documented form).
        data = data.copy()
        data["articles"] = ",".join(data.getlist("articles"))
        super().__init__(data, **kwargs)

    def clean_articles(self) -> list[int]:
        pieces = [p.strip() for p in self.cleaned_data["articles"].split(",") if p.strip()]
        if not all(is_article_id(p) for p in pieces):
            raise forms.ValidationError("Article ids are whole numbers separated by commas, e.g. ?articles=3,7.")
        ids = list(dict.fromkeys(int(p) for p in pieces))  # a repeated id is one article
        if not MIN_ARTICLES <= len(ids) <= MAX_ARTICLES:
            raise forms.ValidationError(
                f"Compare between {MIN_ARTICLES} and {MAX_ARTICLES} different articles (got {len(ids)})."
            )
        return ids

    def clean_sensitivity(self) -> float:
        value = self.cleaned_data["sensitivity"]
        return DEFAULT_SENSITIVITY if value is None else value

    def clean_filter(self) -> str:
        return self.cleaned_data["filter"] or MatchFilter.ALL

    def error_text(self) -> str:
        return " ".join(message for errors in self.errors.values() for message in errors)


class PairForm(CompareForm):
    """Review actions work on exactly two articles: the pair on screen."""

    def clean_articles(self) -> list[int]:
        ids = super().clean_articles()
        if len(ids) != 2:
            raise forms.ValidationError("Review a match on a page that compares exactly two articles.")
        return ids


class DecisionForm(PairForm):
    match = forms.CharField(max_length=120)


class LinkForm(PairForm):
    a_start = forms.IntegerField(min_value=0)
    a_end = forms.IntegerField(min_value=1)
    a_text = forms.CharField(max_length=20_000, strip=False)
    b_start = forms.IntegerField(min_value=0)
    b_end = forms.IntegerField(min_value=1)
    b_text = forms.CharField(max_length=20_000, strip=False)

    def selections(self) -> tuple[Selection, Selection]:
        d = self.cleaned_data
        return Selection(d["a_start"], d["a_end"], d["a_text"]), Selection(d["b_start"], d["b_end"], d["b_text"])
