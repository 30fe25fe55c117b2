"""The compare page (two side by side, or a claim grid for three to six), its review actions and exports.

Every review action is its own small POST view that answers an htmx request with the re-rendered
comparison region (plus a ``compare:decided`` event for the status line) and a plain form post with
a redirect back to the page, so the page also works without JavaScript.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from ..permissions import analyst_required
from ..review import decisions
from ..review.comparison import (
    MissingArticles,
    ReviewedComparison,
    ReviewedMatch,
    articles_in_order,
    pairwise,
    reviewed_comparison,
)
from ..review.export import export_csv, export_json
from ..review.forms import CompareForm, DecisionForm, LinkForm
from ..review.grid import claim_grid
from ..review.page import pair_page

TEMPLATE = "narratives/compare.html"


class CompareProblem(Exception):
    """A request the page cannot answer; the message is for the analyst, the status for the browser."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@require_GET
@login_required
@vary_on_headers("HX-Request")
def compare(request: HttpRequest) -> HttpResponse:
    try:
        form, articles = _query(request, CompareForm(request.GET))
    except CompareProblem as problem:
        return _problem(request, problem)
    context = _context(form, articles)
    if not _partial(request):
        return render(request, TEMPLATE, context)
    response = render(request, f"{TEMPLATE}#region", context)
    return trigger_client_event(response, "compare:updated", {"message": _summary(context)})


@require_POST
@login_required
@analyst_required
def confirm(request: HttpRequest) -> HttpResponse:
    return _decide(request, lambda c, m: decisions.confirm(c, m, request.user), "Confirmed")


@require_POST
@login_required
@analyst_required
def reject(request: HttpRequest) -> HttpResponse:
    return _decide(request, lambda c, m: decisions.reject(c, m, request.user), "Rejected")


@require_POST
@login_required
@analyst_required
def undo(request: HttpRequest) -> HttpResponse:
    """Undo a confirm or reject, or unlink a manual link: the decision row goes."""
    return _decide(request, decisions.undo, "Undid the decision on")


@require_POST
@login_required
@analyst_required
def link(request: HttpRequest) -> HttpResponse:
    try:
        form, (a, b) = _query(request, LinkForm(request.POST))
        comparison = reviewed_comparison(a, b, form.cleaned_data["sensitivity"])
        decisions.link(comparison, *form.selections(), request.user)
    except CompareProblem as problem:
        return _problem(request, problem)
    except decisions.DecisionError as error:
        return _problem(request, CompareProblem(str(error), 400))
    return _after_decision(request, form, [a, b], "Linked two passages by hand.")


@require_GET
@login_required
def export_as_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@require_GET
@login_required
def export_as_json(request: HttpRequest) -> HttpResponse:
    return _export(request, "json")


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The comparison as a download: the same matches, filter and sensitivity as the page shows."""
    try:
        form, articles = _query(request, CompareForm(request.GET))
    except CompareProblem as problem:
        return _problem(request, problem)
    comparisons, keep = pairwise(articles, form.cleaned_data["sensitivity"]), form.cleaned_data["filter"]
    if fmt == "csv":
        body, content_type = export_csv(comparisons, keep), "text/csv; charset=utf-8"
    else:
        body, content_type = json.dumps(export_json(comparisons, keep), ensure_ascii=False, indent=2), "application/json"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{_filename(articles)}.{fmt}"'
    return response


@require_GET
@login_required
def print_view(request: HttpRequest) -> HttpResponse:
    try:
        form, articles = _query(request, CompareForm(request.GET))
    except CompareProblem as problem:
        return _problem(request, problem)
    return render(request, "narratives/compare_print.html", _context(form, articles))


def _decide(request: HttpRequest, action: Callable[[ReviewedComparison, ReviewedMatch], object], verb: str) -> HttpResponse:
    try:
        form, (a, b) = _query(request, DecisionForm(request.POST))
        comparison = reviewed_comparison(a, b, form.cleaned_data["sensitivity"])
        match = comparison.get(form.cleaned_data["match"])
        if match is None:
            raise CompareProblem("That match is not on this page any more (decided elsewhere?): reload the page.", 404)
        action(comparison, match)
    except CompareProblem as problem:
        return _problem(request, problem)
    except decisions.DecisionError as error:
        return _problem(request, CompareProblem(str(error), 400))
    return _after_decision(request, form, [a, b], f"{verb} the match between “{match.a.text[:60]}” and “{match.b.text[:60]}”.", match.id)


def _after_decision(request: HttpRequest, form: CompareForm, articles: list, message: str, match_id: str = "") -> HttpResponse:
    context = _context(form, articles)
    if not request.htmx:
        messages.success(request, message)
        return HttpResponseRedirect(f"{reverse('compare')}?{context['state_query']}")
    response = render(request, f"{TEMPLATE}#region", context)
    return trigger_client_event(response, "compare:decided", {"match": match_id, "message": message})


def _query(request: HttpRequest, form: CompareForm) -> tuple[CompareForm, list]:
    if not form.is_valid():
        raise CompareProblem(form.error_text(), 400)
    try:
        return form, articles_in_order(form.cleaned_data["articles"])
    except MissingArticles as missing:
        raise CompareProblem(f"{missing} It may have been deleted; pick articles again on the corpus list.", 404)


def _context(form: CompareForm, articles: list) -> dict:
    sensitivity, match_filter = form.cleaned_data["sensitivity"], form.cleaned_data["filter"]
    state = {"articles": ",".join(str(a.pk) for a in articles), "sensitivity": f"{sensitivity:g}", "filter": match_filter}
    context = {"articles": articles, "state": state, "state_query": urlencode(state), "filters": form.fields["filter"].choices}
    if len(articles) == 2:
        context["page"] = pair_page(reviewed_comparison(*articles, sensitivity), match_filter)
    else:
        context["grid"] = claim_grid(articles, sensitivity, match_filter)
    return context


def _summary(context: dict) -> str:
    if "page" in context:
        return f"{len(context['page'].claims)} shared claims shown at sensitivity {context['state']['sensitivity']}."
    return f"{len(context['grid'].rows)} claims shared by two or more articles at sensitivity {context['state']['sensitivity']}."


def _partial(request: HttpRequest) -> bool:
    # A history restore (back button after a cache miss) needs the whole page, though htmx asks for it.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _problem(request: HttpRequest, problem: CompareProblem) -> HttpResponse:
    if request.htmx:
        # compare.js shows this text in the status line; htmx swaps nothing on an error status.
        return HttpResponse(str(problem), status=problem.status, content_type="text/plain; charset=utf-8")
    return render(request, TEMPLATE, {"error": str(problem)}, status=problem.status)


def _filename(articles: list) -> str:
    return "comparison-" + "-".join(str(a.pk) for a in articles)


urlpatterns = [
    path("compare/", compare, name="compare"),
    path("compare/confirm", confirm, name="compare_confirm"),
    path("compare/reject", reject, name="compare_reject"),
    path("compare/undo", undo, name="compare_undo"),
    path("compare/link", link, name="compare_link"),
    path("compare/export.csv", export_as_csv, name="compare_export_csv"),
    path("compare/export.json", export_as_json, name="compare_export_json"),
    path("compare/print", print_view, name="compare_print"),
]
