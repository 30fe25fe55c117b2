"""The framing lexicon and analysts' tags in the admin. Occurrences are computed, so they are not edited here."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from ..framing import annotations, occurrences
from ..framing.lexicon import COLOUR, normalise_term_text, valid_colour
from ..models import Annotation, FramingCategory, FramingTerm


class CategoryAdminForm(forms.ModelForm):
    class Meta:
        model = FramingCategory
        fields = "__all__"
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def clean_colour(self) -> str:
        colour = self.cleaned_data["colour"].strip()
        if not COLOUR.match(colour):
            raise forms.ValidationError("Give the colour as #rrggbb, e.g. #c0392b.")
        return colour.lower()


def swatch(colour: str) -> str:
    # An SVG fill attribute, not a style attribute: the admin runs under the same strict CSP.
    return format_html(
        '<svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="{}"/></svg>',
        valid_colour(colour),
    )


@admin.register(FramingCategory)
class FramingCategoryAdmin(admin.ModelAdmin):
    form = CategoryAdminForm
    list_display = ("name", "colour_swatch", "term_count", "created_by", "created_at")
    search_fields = ("name", "description")
    readonly_fields = ("created_by", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[FramingCategory]:
        return super().get_queryset(request).select_related("created_by").annotate(term_count=Count("terms"))

    @admin.display(description="colour", ordering="colour")
    def colour_swatch(self, category: FramingCategory) -> str:
        return format_html("{} {}", swatch(category.colour), category.colour)

    @admin.display(description="terms", ordering="term_count")
    def term_count(self, category: FramingCategory) -> int:
        return category.term_count

    def save_model(self, request: HttpRequest, obj: FramingCategory, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class TermAdminForm(forms.ModelForm):
    class Meta:
        model = FramingTerm
        fields = "__all__"

    def clean_text(self) -> str:
        return normalise_term_text(self.cleaned_data["text"])


@admin.register(FramingTerm)
class FramingTermAdmin(admin.ModelAdmin):
    form = TermAdminForm
    list_display = ("text", "category_with_colour", "occurrence_count", "tag_count", "created_by", "created_at")
    list_filter = ("category",)
    list_select_related = ("category", "created_by")
    search_fields = ("text", "notes", "category__name")
    readonly_fields = ("created_by", "created_at")
    actions = ["refresh_occurrences"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FramingTerm]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                occurrence_count=Count("occurrences", distinct=True), tag_count=Count("annotations", distinct=True)
            )
        )

    @admin.display(description="category", ordering="category__name")
    def category_with_colour(self, term: FramingTerm) -> str:
        return format_html("{} {}", swatch(term.category.colour), term.category.name)

    @admin.display(description="found", ordering="occurrence_count")
    def occurrence_count(self, term: FramingTerm) -> int:
        return term.occurrence_count

    @admin.display(description="tags", ordering="tag_count")
    def tag_count(self, term: FramingTerm) -> int:
        return term.tag_count

    def save_model(self, request: HttpRequest, obj: FramingTerm, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Find the occurrences of the selected terms again")
    def refresh_occurrences(self, request: HttpRequest, queryset: QuerySet[FramingTerm]) -> None:
        total = sum(occurrences.refresh_term(term) for term in queryset.prefetch_related(occurrences.DECISIONS))
        self.message_user(request, f"{queryset.count()} terms: {total} occurrences.", messages.SUCCESS)


class AnnotationAdminForm(forms.ModelForm):
    class Meta:
        model = Annotation
        fields = "__all__"

    def clean(self) -> dict:
        # The admin edits the same evidence as the tagging popover: the text must be at the offsets.
        data = super().clean()
        article, start, end = data.get("article"), data.get("start"), data.get("end")
        if article is not None and start is not None and end is not None:
            annotations.validate_span(article, start, end, data.get("text", ""))
        return data


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    form = AnnotationAdminForm
    list_display = ("text", "term", "article_link", "start", "end", "author", "created_at")
    list_filter = ("term__category", "author")
    list_select_related = ("term", "article", "article__outlet", "author")
    search_fields = ("text", "note", "term__text", "article__title")
    raw_id_fields = ("article",)
    autocomplete_fields = ("term",)
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"

    @admin.display(description="article", ordering="article__title")
    def article_link(self, annotation: Annotation) -> str:
        url = f"{annotation.article.get_absolute_url()}#char={annotation.start},{annotation.end}"
        return format_html(
            '<a href="{}">{}</a> <span class="quiet">({})</span>',
            url,
            annotation.article.title[:60],
            annotation.article.outlet.name,
        )

    def save_model(self, request: HttpRequest, obj: Annotation, form, change: bool) -> None:
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
