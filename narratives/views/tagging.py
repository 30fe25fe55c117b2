"""Tagging pages: the tag popover on the reading and compare pages, one tag's details, export and import.

Thin views over ``narratives.framing``; the helpers shared with the lexicon pages live in
``views/framing.py``. A partial (htmx) request goes through exactly the same checks as the full page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from ..framing import annotations, exchange, lexicon, pages
from ..framing.forms import AnnotationEditForm, CategoryForm, ImportForm, TagForm, TermForm
from ..models import Annotation, Article
from ..permissions import analyst_required, can_edit
from .framing import announce_change, partial_template

# ----- tagging: the popover on the reading and compare pages -----


@require_GET
@login_required
@vary_on_headers("HX-Request")
def tag_form(request: HttpRequest) -> HttpResponse:
    """The form for a selection (``article``, ``start``, ``end`` from the page's offsets)."""
    try:
        article_id, start, end = (int(request.GET[k]) for k in ("article", "start", "end"))
    except (KeyError, ValueError):
        return HttpResponseBadRequest("article, start and end must be whole numbers")
    article = get_object_or_404(Article.objects.only("id", "title", "clean_text"), pk=article_id)
    context = {"article": article, "can_edit": can_edit(request.user), "part": "tag-form"}
    try:
        text = annotations.span_text(article, start, end)
    except ValidationError as exc:
        context.update(part="problem", problem=exc.messages[0])
        return render(request, partial_template(request, "narratives/framing_tag.html", "problem"), context)
    initial = {"start": start, "end": end, "text": text, "term": pages.suggested_term_text(text)}
    existing = lexicon.find_term(initial["term"])
    if existing:
        initial["category"] = existing.category_id
    context["form"] = TagForm(initial=initial, article=article)
    return render(request, partial_template(request, "narratives/framing_tag.html", "tag-form"), context)


@require_POST
@login_required
@analyst_required
def tag_create(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.only("id", "title", "clean_text"), pk=article_id)
    form = TagForm(request.POST, article=article)
    annotation = _saved(form, request.user)
    if annotation is None:
        # 200 with the errors in place: htmx swaps it into the popover, where the analyst can fix it.
        context = {"article": article, "form": form, "can_edit": True, "part": "tag-form"}
        return render(request, partial_template(request, "narratives/framing_tag.html", "tag-form"), context)
    if not request.htmx:
        messages.success(request, f"Tagged “{annotation.text}” as {annotation.term.text}.")
        return redirect(kwic_url(annotation))
    response = render(request, "narratives/framing_tag.html#saved", {"annotation": annotation, "verb": "Tagged"})
    return announce_change(response, article=article.pk, term=annotation.term_id)


def _saved(form: TagForm, user) -> Annotation | None:
    """The new tag, or None with the reason on the form (invalid input, or the same tag already there)."""
    if not form.is_valid():
        return None
    try:
        return form.save(user)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def kwic_url(annotation: Annotation) -> str:
    return f"{annotation.article.get_absolute_url()}#char={annotation.start},{annotation.end}"


@require_GET
@login_required
@vary_on_headers("HX-Request")
def tag_detail(request: HttpRequest, annotation_id: int) -> HttpResponse:
    annotation = get_object_or_404(
        Annotation.objects.select_related("term__category", "author", "article"), pk=annotation_id
    )
    may_change = can_edit(request.user) and annotations.can_change(request.user, annotation)
    context = {"annotation": annotation, "may_change": may_change, "part": "annotation"}
    if context["may_change"]:
        initial = {"term": annotation.term.text, "category": annotation.term.category_id, "note": annotation.note}
        context["form"] = AnnotationEditForm(initial=initial)
    return render(request, partial_template(request, "narratives/framing_tag.html", "annotation"), context)


def _changeable(request: HttpRequest, annotation_id: int) -> Annotation:
    annotation = get_object_or_404(
        Annotation.objects.select_related("term__category", "author", "article"), pk=annotation_id
    )
    if not annotations.can_change(request.user, annotation):
        raise PermissionDenied("Only the analyst who made this tag (or an admin) can change it.")
    return annotation


@require_POST
@login_required
@analyst_required
def tag_edit(request: HttpRequest, annotation_id: int) -> HttpResponse:
    annotation = _changeable(request, annotation_id)
    form = AnnotationEditForm(request.POST)
    if not form.is_valid():
        context = {"annotation": annotation, "may_change": True, "form": form, "part": "annotation"}
        return render(request, partial_template(request, "narratives/framing_tag.html", "annotation"), context)
    form.save(annotation, request.user)
    if not request.htmx:
        messages.success(request, "Saved the tag.")
        return redirect(kwic_url(annotation))
    response = render(request, "narratives/framing_tag.html#saved", {"annotation": annotation, "verb": "Saved"})
    return announce_change(response, article=annotation.article_id, term=annotation.term_id)


@require_POST
@login_required
@analyst_required
def tag_delete(request: HttpRequest, annotation_id: int) -> HttpResponse:
    annotation = _changeable(request, annotation_id)
    article = annotation.article
    annotation.delete()
    if not request.htmx:
        messages.success(request, f"Removed the tag on “{annotation.text}”.")
        return redirect(article.get_absolute_url())
    response = render(request, "narratives/framing_tag.html#removed", {"annotation": annotation})
    return announce_change(response, article=article.pk)


# ----- export and import of tags -----


@require_GET
@login_required
def tags_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in exchange.FORMATS:
        raise Http404(f"No export as .{fmt}; there is {', '.join(exchange.FORMATS)}.")
    base_url = request.build_absolute_uri("/").rstrip("/")
    body = exchange.export(fmt, base_url)
    response = HttpResponse(body, content_type=exchange.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"framing-tags.{fmt}")
    return response


@require_POST
@login_required
@analyst_required
def tags_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        context = pages.lexicon_context(term_form=TermForm(), category_form=CategoryForm(), import_form=form)
        return render(request, "narratives/framing_terms.html", context, status=400)
    try:
        result = exchange.import_annotations(form.cleaned_data["content"], form.cleaned_data["format"])
    except ValueError as exc:  # a file that is not the format it claims (bad JSON)
        messages.error(request, f"Could not read the file: {exc}")
        return redirect(reverse("framing_terms") + "#exchange")
    messages.success(request, pages.import_summary(result))
    for error in result.errors[:10]:
        messages.error(request, error)
    return redirect(reverse("framing_terms") + "#exchange")


urlpatterns = [
    path("framing/tag", tag_form, name="framing_tag_form"),
    path("framing/articles/<int:article_id>/tags", tag_create, name="framing_tag_create"),
    path("framing/tags/<int:annotation_id>/", tag_detail, name="framing_tag"),
    path("framing/tags/<int:annotation_id>/edit", tag_edit, name="framing_tag_edit"),
    path("framing/tags/<int:annotation_id>/delete", tag_delete, name="framing_tag_delete"),
    path("framing/tags/export.<str:fmt>", tags_export, name="framing_tags_export"),
    path("framing/tags/import", tags_import, name="framing_tags_import"),
]
