"""Framing pages: the lexicon, one term's occurrences, categories, suggestions and statistics.

Thin views over ``narratives.framing``: each states its method and who may call it; a partial
(htmx) request goes through exactly the same checks as the full page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from ..framing import merge, pages, suggestions
from ..framing.forms import CategoryForm, ImportForm, MergeForm, TermEditForm, TermForm
from ..models import FramingCategory, FramingTerm, TermSuggestion
from ..permissions import analyst_required, can_edit

CHANGED = "framing:changed"  # tells every region that shows framing (texts, tables) to refresh
OCCURRENCES_PER_PAGE = 50


def partial_template(request: HttpRequest, template: str, part: str) -> str:
    return f"{template}#{part}" if request.htmx else template


def back_to(request: HttpRequest, fallback: str) -> str:
    """The page a form came from (``next``), if it is ours; a crafted link must not bounce elsewhere."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def announce_change(response: HttpResponse, **detail) -> HttpResponse:
    return trigger_client_event(response, CHANGED, detail)


# ----- the lexicon -----


@require_GET
@login_required
@vary_on_headers("HX-Request")
def terms(request: HttpRequest) -> HttpResponse:
    context = pages.lexicon_context(term_form=TermForm(), category_form=CategoryForm(), import_form=ImportForm())
    part = request.GET.get("part")
    if request.htmx and part in ("lexicon", "candidate-list"):
        return render(request, f"narratives/framing_terms.html#{part}", context)
    return render(request, "narratives/framing_terms.html", context)


@require_POST
@login_required
@analyst_required
def term_create(request: HttpRequest) -> HttpResponse:
    """From the lexicon page's form and from every one-click "tag as framing term" button."""
    form = TermForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return render(request, "narratives/framing_terms.html#term-result", {"form": form})
        context = pages.lexicon_context(term_form=form, category_form=CategoryForm(), import_form=ImportForm())
        return render(request, "narratives/framing_terms.html", context, status=400)
    term, created = form.save(request.user)
    if request.htmx:
        response = render(request, "narratives/framing_terms.html#term-result", {"term": term, "created": created})
        return announce_change(response, term=term.pk)
    verb = "Added" if created else "Already in the lexicon:"
    messages.success(request, f"{verb} “{term.text}” ({term.category}).")
    return redirect(back_to(request, reverse("framing_term", args=[term.pk])))


@require_GET
@login_required
@vary_on_headers("HX-Request")
def term_detail(request: HttpRequest, term_id: int) -> HttpResponse:
    term = get_object_or_404(FramingTerm.objects.select_related("category", "created_by"), pk=term_id)
    outlet = request.GET.get("outlet", "")
    page = Paginator(pages.term_occurrences(term, outlet), OCCURRENCES_PER_PAGE).get_page(request.GET.get("page"))
    context = pages.term_context(term, page, outlet)
    if can_edit(request.user):
        context["edit_form"] = TermEditForm(instance=term)
        context["merge_form"] = MergeForm(term)
    return render(request, partial_template(request, "narratives/framing_term.html", "occurrences"), context)


@require_POST
@login_required
@analyst_required
def term_edit(request: HttpRequest, term_id: int) -> HttpResponse:
    term = get_object_or_404(FramingTerm, pk=term_id)
    form = TermEditForm(request.POST, instance=term)
    if not form.is_valid():
        page = Paginator(pages.term_occurrences(term, ""), OCCURRENCES_PER_PAGE).get_page(1)
        context = {**pages.term_context(term, page, ""), "edit_form": form, "merge_form": MergeForm(term)}
        context["edit_open"] = True
        return render(request, "narratives/framing_term.html", context, status=400)
    form.save()
    messages.success(request, f"Saved “{term.text}”.")
    return redirect("framing_term", term.pk)


@require_POST
@login_required
@analyst_required
def term_delete(request: HttpRequest, term_id: int) -> HttpResponse:
    term = get_object_or_404(FramingTerm.objects.annotate(tags=Count("annotations")), pk=term_id)
    # Deleting a term deletes analysts' tags with it: only with an explicit confirmation.
    if term.tags and request.POST.get("confirm") != "yes":
        messages.error(request, f"“{term.text}” has {term.tags} tags; tick the box to delete them with it.")
        return redirect("framing_term", term.pk)
    term.delete()
    messages.success(request, f"Deleted the term “{term.text}”.")
    return redirect("framing_terms")


@require_POST
@login_required
@analyst_required
def term_merge(request: HttpRequest, term_id: int) -> HttpResponse:
    term = get_object_or_404(FramingTerm, pk=term_id)
    form = MergeForm(term, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["into"]))
        return redirect("framing_term", term.pk)
    target = form.cleaned_data["into"]
    try:
        moved = merge.merge_terms(term, target, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("framing_term", term.pk)
    messages.success(
        request, f"Merged “{term.text}” into “{target.text}”: {moved} tag{pluralize(moved)} moved, and its wording "
        "now counts as a variant."
    )
    return redirect("framing_term", target.pk)


@require_POST
@login_required
@analyst_required
def term_suggest(request: HttpRequest, term_id: int) -> HttpResponse:
    term = get_object_or_404(FramingTerm, pk=term_id)
    found = suggestions.suggest_variants(term)
    messages.info(request, f"{found} new suggested variants." if found else "No new variants found.")
    return redirect(reverse("framing_term", args=[term.pk]) + "#suggestions")


@require_POST
@login_required
@analyst_required
def suggestion_decide(request: HttpRequest, suggestion_id: int, decision: str) -> HttpResponse:
    suggestion = get_object_or_404(TermSuggestion.objects.select_related("term"), pk=suggestion_id)
    n = suggestions.decide(suggestion, accept=decision == "accept", user=request.user)
    if request.htmx:
        response = render(
            request, "narratives/framing_term.html#suggestions", pages.suggestions_context(suggestion.term)
        )
        return announce_change(response, term=suggestion.term_id)
    verb = "Accepted" if decision == "accept" else "Rejected"
    # ``n`` is None when the worker finds an accepted wording's places: no count to give yet.
    places = f"{n} place{pluralize(n)}" if n is not None else "its places are being found"
    messages.success(request, f"{verb} “{suggestion.text}” as a variant of “{suggestion.term.text}” ({places}).")
    return redirect(reverse("framing_term", args=[suggestion.term_id]) + "#suggestions")


# ----- categories -----


@require_POST
@login_required
@analyst_required
def category_create(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST)
    if not form.is_valid():
        context = pages.lexicon_context(term_form=TermForm(), category_form=form, import_form=ImportForm())
        return render(request, "narratives/framing_terms.html", context, status=400)
    category = form.save(commit=False)
    category.created_by = request.user
    category.save()
    messages.success(request, f"Added the category “{category.name}”.")
    return redirect(reverse("framing_terms") + "#categories")


@require_http_methods(["GET", "POST"])
@login_required
@analyst_required
def category_edit(request: HttpRequest, category_id: int) -> HttpResponse:
    category = get_object_or_404(FramingCategory, pk=category_id)
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the category “{category.name}”.")
        return redirect(reverse("framing_terms") + "#categories")
    status = 400 if request.method == "POST" else 200
    return render(request, "narratives/framing_category.html", {"category": category, "form": form}, status=status)


@require_POST
@login_required
@analyst_required
def category_delete(request: HttpRequest, category_id: int) -> HttpResponse:
    category = get_object_or_404(FramingCategory, pk=category_id)
    try:
        category.delete()
    except ProtectedError:
        messages.error(request, f"“{category.name}” still has terms: move or delete them first.")
    else:
        messages.success(request, f"Deleted the category “{category.name}”.")
    return redirect(reverse("framing_terms") + "#categories")


@require_GET
@login_required
def categories_css(request: HttpRequest) -> HttpResponse:
    """Each category's colour as classes: the CSP forbids inline styles, so colours travel as CSS."""
    css = pages.categories_css()
    etag = f'"{pages.digest(css)}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers={"ETag": etag})
    # no-cache: the browser keeps the file but asks (cheaply, 304) whether a colour changed.
    return HttpResponse(
        css, content_type="text/css; charset=utf-8", headers={"ETag": etag, "Cache-Control": "private, no-cache"}
    )


# ----- statistics -----


@require_GET
@login_required
@vary_on_headers("HX-Request")
def stats_page(request: HttpRequest) -> HttpResponse:
    context = pages.stats_context(request.GET)
    part = request.GET.get("part")
    if request.htmx and part in ("table", "over-time", "distinctive"):
        return render(request, f"narratives/stats.html#{part}", context)
    return render(request, "narratives/stats.html", context)


@require_GET
@login_required
def stats_csv(request: HttpRequest, chart: str) -> HttpResponse:
    rows, fields = pages.stats_rows(chart, request.GET)
    response = HttpResponse(pages.csv_text(rows, fields), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"framing-{chart}.csv")
    return response


urlpatterns = [
    path("framing/", terms, name="framing_terms"),
    path("framing/categories.css", categories_css, name="framing_categories_css"),
    path("framing/terms/new", term_create, name="framing_term_create"),
    path("framing/terms/<int:term_id>/", term_detail, name="framing_term"),
    path("framing/terms/<int:term_id>/edit", term_edit, name="framing_term_edit"),
    path("framing/terms/<int:term_id>/delete", term_delete, name="framing_term_delete"),
    path("framing/terms/<int:term_id>/merge", term_merge, name="framing_term_merge"),
    path("framing/terms/<int:term_id>/suggest", term_suggest, name="framing_term_suggest"),
    path(
        "framing/suggestions/<int:suggestion_id>/accept",
        suggestion_decide,
        {"decision": "accept"},
        name="framing_suggestion_accept",
    ),
    path(
        "framing/suggestions/<int:suggestion_id>/reject",
        suggestion_decide,
        {"decision": "reject"},
        name="framing_suggestion_reject",
    ),
    path("framing/categories/new", category_create, name="framing_category_create"),
    path("framing/categories/<int:category_id>/", category_edit, name="framing_category_edit"),
    path("framing/categories/<int:category_id>/delete", category_delete, name="framing_category_delete"),
    path("framing/stats/", stats_page, name="framing_stats"),
    path("framing/stats/<str:chart>.csv", stats_csv, name="framing_stats_csv"),
]
