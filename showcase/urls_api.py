"""/api/showcase/…, outside i18n_patterns (language-neutral JSON)."""

from django.urls import path

from . import api

app_name = "showcase_api"
urlpatterns = [
    path("providers/", api.directory, name="directory"),
    path("providers/<slug:slug>/", api.profile, name="profile"),
]
