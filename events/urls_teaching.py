"""The lecturer's teaching desk under My academy (/my-academy/teaching/…), included by
academy/urls.py inside i18n_patterns."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.taught_session, name="teaching_session"),
]
