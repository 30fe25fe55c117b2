"""Outlets: who publishes what, and each outlet's articles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..models import Article, Outlet
from .articles import PAGE_SIZE


@require_GET
@login_required
def outlet_list(request: HttpRequest) -> HttpResponse:
    outlets = Outlet.objects.with_article_counts().order_by("name")
    return render(request, "narratives/outlet_list.html", {"outlets": outlets})


@require_GET
@login_required
@vary_on_headers("HX-Request")
def outlet_detail(request: HttpRequest, slug: str) -> HttpResponse:
    outlet = get_object_or_404(Outlet, slug=slug)
    articles = Article.objects.listing().for_outlet(outlet)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "narratives/outlet_detail.html#articles" if request.htmx else "narratives/outlet_detail.html"
    return render(request, template, {"outlet": outlet, "page": page})


urlpatterns = [
    path("outlets/", outlet_list, name="outlet_list"),
    path("outlets/<slug:slug>/", outlet_detail, name="outlet_detail"),
]
