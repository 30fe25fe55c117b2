"""URLs. Each page family's views module carries its own ``urlpatterns``; the API is one NinjaAPI."""

from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("narratives.views.accounts")),
    path("api/", api.urls),
    path("", include("narratives.views.articles")),
    path("", include("narratives.views.upload")),
    path("", include("narratives.views.outlets")),
    path("", include("narratives.views.compare")),
    path("", include("narratives.views.framing")),
    path("", include("narratives.views.tagging")),
]
