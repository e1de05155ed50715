"""Learners' questions under lessons and case studies (/questions/…), included by academy/urls.py
inside i18n_patterns."""

from django.urls import path

from . import views_questions as views

urlpatterns = [
    path("ask/<int:page_id>/", views.ask, name="question_ask"),
    path("<int:pk>/answer/", views.answer, name="question_answer"),
    path("<int:pk>/vote/", views.vote, name="question_vote"),
    path("<int:pk>/report/", views.report, name="question_report"),
    path("answers/<int:pk>/accept/", views.accept, name="question_accept"),
]
