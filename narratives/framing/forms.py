"""Forms of the framing pages: categories, terms, tags (the popover), and annotation imports."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from ..models import Annotation, Article, FramingCategory, FramingTerm
from . import annotations, exchange
from .lexicon import COLOUR, category_named, find_term, get_or_create_term, normalise_term_text

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class CategoryForm(forms.ModelForm):
    class Meta:
        model = FramingCategory
        fields = ["name", "colour", "description"]
        widgets = {
            "colour": forms.TextInput(attrs={"type": "color"}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        clash = FramingCategory.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"There is already a category “{name}”.")
        return name

    def clean_colour(self) -> str:
        colour = self.cleaned_data["colour"].strip()
        if not COLOUR.match(colour):
            raise ValidationError("Give the colour as #rrggbb, e.g. #c0392b.")
        return colour.lower()


class TermChoiceMixin(forms.Form):
    """A term's wording and its category: an existing category, or a new one by name."""

    category = forms.ModelChoiceField(FramingCategory.objects.all(), required=False, empty_label="— choose —")
    new_category = forms.CharField(max_length=100, required=False, label="or a new category")

    def clean_term_text(self, value: str) -> str:
        return normalise_term_text(value)

    def clean(self) -> dict:
        data = super().clean()
        text = data.get(self.term_field)
        if text and not data.get("category") and not data.get("new_category", "").strip():
            # An existing term with this wording in exactly one category needs no category choice.
            existing = find_term(text)
            if existing is None:
                self.add_error("category", "Choose a category or name a new one.")
            else:
                data["category"] = existing.category
        return data

    def chosen_category(self, user: AbstractBaseUser) -> FramingCategory:
        new = self.cleaned_data.get("new_category", "").strip()
        return category_named(new, user=user) if new else self.cleaned_data["category"]


class TermForm(TermChoiceMixin):
    term_field = "text"
    text = forms.CharField(max_length=300, label="Term")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["text", "category", "new_category", "notes"]

    def clean_text(self) -> str:
        return self.clean_term_text(self.cleaned_data["text"])

    def save(self, user: AbstractBaseUser) -> tuple[FramingTerm, bool]:
        category = self.chosen_category(user)
        return get_or_create_term(self.cleaned_data["text"], category, user=user, notes=self.cleaned_data["notes"])


class TermEditForm(forms.ModelForm):
    class Meta:
        model = FramingTerm
        fields = ["text", "category", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def clean_text(self) -> str:
        text = normalise_term_text(self.cleaned_data["text"])
        return text

    def clean(self) -> dict:
        data = super().clean()
        text, category = data.get("text"), data.get("category")
        if text and category:
            clash = FramingTerm.objects.filter(text__iexact=text, category=category).exclude(pk=self.instance.pk)
            if clash.exists():
                raise ValidationError(f"“{text}” is already a term in {category}.")
        return data


class TagForm(TermChoiceMixin):
    """The popover: a selection (offsets and the text the browser saw) tagged as a term."""

    term_field = "term"
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    text = forms.CharField(strip=False, max_length=annotations.MAX_TAG_LENGTH, widget=forms.HiddenInput)
    term = forms.CharField(max_length=300, label="Term")
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["term", "category", "new_category", "note", "start", "end", "text"]

    def __init__(self, *args, article: Article, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.article = article

    def clean_term(self) -> str:
        return self.clean_term_text(self.cleaned_data["term"])

    def clean(self) -> dict:
        data = super().clean()
        if {"start", "end", "text"} <= data.keys():
            try:
                annotations.validate_span(self.article, data["start"], data["end"], data["text"])
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return data

    def save(self, user: AbstractBaseUser) -> Annotation:
        term, _ = get_or_create_term(self.cleaned_data["term"], self.chosen_category(user), user=user)
        d = self.cleaned_data
        return annotations.tag_span(
            article=self.article, start=d["start"], end=d["end"], text=d["text"], term=term, author=user, note=d["note"]
        )


class AnnotationEditForm(TermChoiceMixin):
    term_field = "term"
    term = forms.CharField(max_length=300, label="Term")
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["term", "category", "new_category", "note"]

    def clean_term(self) -> str:
        return self.clean_term_text(self.cleaned_data["term"])

    def save(self, annotation: Annotation, user: AbstractBaseUser) -> Annotation:
        term, _ = get_or_create_term(self.cleaned_data["term"], self.chosen_category(user), user=user)
        return annotations.update_annotation(annotation, term=term, note=self.cleaned_data["note"])


class ImportForm(forms.Form):
    file = forms.FileField(help_text="An export of this or another copy of the corpus: CSV, JSON Lines or JSON-LD.")
    format = forms.ChoiceField(
        choices=[("", "from the file name")] + [(f, f) for f in exchange.FORMATS], required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(f"The file is over {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
        try:
            data["content"] = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("The file is not UTF-8 text.") from exc
        data["format"] = data.get("format") or exchange.detect_format(upload.name, data["content"][:500])
        return data


class MergeForm(forms.Form):
    """The term another one is merged into: any other term (the page lists them by category)."""

    into = forms.ModelChoiceField(
        queryset=FramingTerm.objects.none(),
        label="Merge into",
        error_messages={"required": "Choose the term to merge this one into.",
                        "invalid_choice": "That term is not there any more: choose another."},
    )  # fmt: skip

    def __init__(self, term: FramingTerm, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        others = FramingTerm.objects.exclude(pk=term.pk).select_related("category").order_by("category__name", "text")
        self.fields["into"].queryset = others
        self.fields["into"].label_from_instance = lambda t: f"{t.text} ({t.category.name})"
