"""Exam URLs, included by academy/urls.py inside i18n_patterns:

path("exams/", include("certification.urls_exams")),
"""

from django.urls import path

from .views import exams

app_name = "exams"
urlpatterns = [
    path("", exams.exam_list, name="list"),
    path("attempts/<int:attempt_id>/", exams.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/answer/", exams.answer, name="answer"),
    path("attempts/<int:attempt_id>/submit/", exams.submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", exams.result, name="result"),
    path("<str:slug>/", exams.exam_detail, name="detail"),
    path("<str:slug>/start/", exams.start, name="start"),
]
