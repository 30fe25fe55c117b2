"""Forms for the corpus pages: filters, uploads, compare selection and article deletion.

Input is normalised here (``clean_<field>``) so views and the ingest pipeline receive tidy values.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.core.files.uploadedfile import UploadedFile

from .ingest.containers import format_of
from .models import Article, Outlet

# The compare page shows two articles side by side and up to six in a claim grid.
COMPARE_MIN = 2
COMPARE_MAX = 6
COMPARE_PATH = "/compare/"  # fixed by CONTRACTS.md; the compare views belong to another family

# "Compare with…" offers this many articles of each outlet (the newest): a cap on the whole list,
# sorted by outlet, left out every outlet after the first few hundred articles without a word.
CANDIDATES_PER_OUTLET = 25


def holds_many_articles(filename: str, content_type: str = "") -> bool:
    """A zip, CSV or JSONL: many articles in one file, whose rows may name their own outlet."""
    return format_of(filename, content_type) in {"zip", "csv", "jsonl"}


def normalise_outlet_name(name: str) -> str:
    """Outlets are matched by name, so stray and doubled spaces must not create a second outlet."""
    return re.sub(r"\s+", " ", name).strip()


def outlet_names() -> list[str]:
    return list(Outlet.objects.values_list("name", flat=True))


class DateInput(forms.DateInput):
    input_type = "date"


class ArticleFilterForm(forms.Form):
    """The corpus list filters. Invalid values are reported and ignored; the valid ones still apply."""

    q = forms.CharField(required=False, label="Search", max_length=200)
    outlet = forms.ChoiceField(required=False)
    language = forms.ChoiceField(required=False)
    published_from = forms.DateField(required=False, label="Published from", widget=DateInput)
    published_to = forms.DateField(required=False, label="to", widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outlet"].choices = [("", "All outlets"), *Outlet.objects.values_list("slug", "name")]
        languages = Article.objects.exclude(language="").values_list("language", flat=True).distinct()
        self.fields["language"].choices = [("", "All languages"), *((code, code) for code in sorted(languages))]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", "The end date is before the start date.")
        return data

    def apply(self, articles):
        """Filters an Article queryset by whatever fields are valid."""
        self.is_valid()
        data = self.cleaned_data
        articles = articles.search(data.get("q") or "")
        if data.get("outlet"):
            articles = articles.for_outlet(data["outlet"])
        if data.get("language"):
            articles = articles.filter(language=data["language"])
        return articles.published_between(data.get("published_from"), data.get("published_to"))


class PasteForm(forms.Form):
    # Both upload forms share a page, so each gets its own id prefix (the field names stay plain).
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "paste-%s")
        super().__init__(*args, **kwargs)

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 14}), strip=False)
    title = forms.CharField(
        required=False, max_length=500, help_text="Leave empty when the text starts with its headline."
    )
    outlet = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"list": "outlet-names"}))
    url = forms.URLField(required=False, max_length=2000, label="URL", assume_scheme="https")
    published = forms.DateField(required=False, widget=DateInput)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError("The text is empty.")
        return text

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean_outlet(self) -> str:
        name = normalise_outlet_name(self.cleaned_data["outlet"])
        if not name:
            raise forms.ValidationError("Name the outlet that published this text.")
        return name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented pattern for an <input type=file multiple>: cleans to a list of files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is one bad file in a batch: ingest reports it by name, the rest still import.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        items = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if not items:
            single(None, initial)  # raises "required" when the field is
            return []
        return [single(item, initial) for item in items]


class UploadFilesForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "files-%s")
        super().__init__(*args, **kwargs)

    files = MultipleFileField(
        help_text=".txt .md .html .docx .pdf, a .zip of them, or CSV/JSONL with one article per row."
    )
    outlet = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"list": "outlet-names"}),
        help_text="Who published these files. CSV/JSONL rows may name their own outlet.",
    )

    def clean_outlet(self) -> str:
        return normalise_outlet_name(self.cleaned_data["outlet"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        files = data.get("files") or []
        needs_outlet = [f.name for f in files if not holds_many_articles(f.name, f.content_type or "")]
        if needs_outlet and not data.get("outlet"):
            self.add_error("outlet", f"Name the outlet that published {', '.join(needs_outlet[:3])}.")
        return data


# A database id has at most 18 digits (63-bit integers); a longer one would overflow the query.
_ARTICLE_ID = re.compile(r"[0-9]{1,18}")


def is_article_id(text: str) -> bool:
    """ASCII digits that fit an id: "²" passes str.isdigit() but not int(), and neither may reach a query."""
    return _ARTICLE_ID.fullmatch(text) is not None


class ArticleIdsField(forms.ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": "No article with id %(value)s: it may have been deleted.",
        "invalid_pk_value": "“%(pk)s” is not an article id: ids are whole numbers.",
    }

    def clean(self, value: Any):
        # The reading page's picker starts on an empty "Choose an article" option.
        ids = [v for v in value or [] if v]
        bad = next((v for v in ids if not is_article_id(str(v))), None)
        if bad is not None:
            raise forms.ValidationError(self.error_messages["invalid_pk_value"] % {"pk": bad})
        return super().clean(ids)


class CompareSelectionForm(forms.Form):
    """2–6 articles, from the corpus list's checkboxes or the reading page's "Compare with…"."""

    articles = ArticleIdsField(queryset=Article.objects.only("id"))

    def clean_articles(self):
        chosen = self.cleaned_data["articles"]
        if not COMPARE_MIN <= len(chosen) <= COMPARE_MAX:
            raise forms.ValidationError(
                f"Pick between {COMPARE_MIN} and {COMPARE_MAX} articles to compare (you picked {len(chosen)})."
            )
        return chosen

    def compare_url(self) -> str:
        # Keep the analyst's order (the article they were reading comes first).
        ids = [int(i) for i in dict.fromkeys(self.data.getlist("articles")) if i]
        return f"{COMPARE_PATH}?articles={','.join(map(str, ids))}"


def compare_candidates(article: Article) -> tuple[list[Article], bool]:
    """What the reading page's "Compare with…" offers, grouped by outlet: every outlet's newest
    articles, and whether some were left out (the page then points to the corpus list)."""
    newest = Window(
        RowNumber(), partition_by=[F("outlet_id")], order_by=[F("published").desc(nulls_last=True), F("id").desc()]
    )
    ranked = (
        Article.objects.exclude(pk=article.pk)
        .select_related("outlet")
        .only("id", "title", "published", "outlet__name")
        .annotate(rank=newest)
    )
    shown = list(ranked.filter(rank__lte=CANDIDATES_PER_OUTLET).order_by("outlet__name", "rank"))
    # Some were left out exactly when there are more others than shown: a count, not a second window.
    return shown, Article.objects.exclude(pk=article.pk).count() > len(shown)


class DeleteArticleForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand this deletes the article, its segments, tags and match decisions.",
        error_messages={"required": "Tick the box to confirm the deletion."},
    )


def max_upload_mb() -> int:
    return settings.NARRATIVES_MAX_UPLOAD_BYTES // (1024 * 1024)
