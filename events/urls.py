"""Event URLs served without the page tree, included by academy/urls.py inside i18n_patterns,
before Wagtail's catch-all:

    path("events/", include("events.urls")),

- feed.ics: Wagtail's page routes only match paths ending in "/", so a file name needs its own URL;
- <slug>/register/: the sign-up rush's hot path skips Wagtail's routing (the event page answers
  the same path itself when this include is missing).
"""

from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("feed.ics", views.feed, name="feed"),
    path("<slug:slug>/register/", views.register_by_slug, name="register"),
]
