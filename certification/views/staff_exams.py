"""Officers' exam tools in the Wagtail admin: grading queue, CSV import/export, statistics.

Each view checks its permission, parses the form and calls one service; the admin menu in
wagtail_hooks.py leads here.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.auth import permission_denied

from academy import exports

from ..models import Exam, QuestionBank, Response
from ..services import exam_statistics, question_csv
from ..services import exams as services


def _can_grade(request) -> bool:
    return request.user.has_perm("certification.grade_attempt")


def _can_edit_questions(request) -> bool:
    return request.user.has_perm("certification.add_question")


# --- Grading queue -------------------------------------------------------------------------------


def grading_queue(request):
    if not _can_grade(request):
        return permission_denied(request)
    pending = list(services.grading_queue()[:50])
    return TemplateResponse(
        request,
        "certification/exams/admin/grading_queue.html",
        {"pending": pending, "page_title": _("Grading queue"), "header_icon": "tasks"},
    )


def grade(request, response_id: int):
    if not _can_grade(request):
        return permission_denied(request)
    response = get_object_or_404(
        Response.objects.select_related("attempt__exam", "attempt__user"), pk=response_id
    )
    status = 200
    error = ""
    if request.method == "POST":
        try:
            points = Decimal(request.POST.get("points", "").strip()[:20])
            # "NaN" parses but cannot be compared; a third decimal would be rounded away.
            if not points.is_finite() or points.as_tuple().exponent < -2:
                raise InvalidOperation
        except InvalidOperation:
            error, status = _("Enter the points as a number."), 400
        else:
            try:
                services.grade_short_answer(
                    response.pk,
                    points=points,
                    by=request.user,
                    feedback=request.POST.get("feedback", "")[:2000],
                )
            except services.ExamError as refused:
                error, status = refused.message, refused.status
            else:
                messages.success(request, _("Answer graded."))
                return HttpResponseRedirect(reverse("exams_admin:grading_queue"))
    return TemplateResponse(
        request,
        "certification/exams/admin/grade.html",
        {"response": response, "error": error, "page_title": _("Grade an answer")},
        status=status,
    )


# --- CSV import and export ------------------------------------------------------------------------


class ImportForm(forms.Form):
    bank = forms.ModelChoiceField(
        label=gettext_lazy("Question bank"), queryset=QuestionBank.objects.all()
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file (UTF-8)"),
        help_text=gettext_lazy(
            "Columns: kind, text, choices (separated by |), correct (letters, e.g. A or A,C), "
            "topic, difficulty, points, scoring, explanation, model_answer, status."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before reading: the file is not loaded into memory to find out it is too big.
        if upload.size > question_csv.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


def import_questions(request):
    if not _can_edit_questions(request):
        return permission_denied(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = question_csv.import_questions(form.cleaned_data["bank"], upload.read())
            if report.ok:
                messages.success(
                    request,
                    _("%(count)d questions imported into “%(bank)s”.")
                    % {"count": report.created, "bank": form.cleaned_data["bank"]},
                )
                for line, warning in report.warnings[:10]:
                    messages.warning(
                        request,
                        _("Line %(line)d: %(warning)s") % {"line": line, "warning": warning},
                    )
                return HttpResponseRedirect(reverse("exams_admin:import"))
            status = 400
        else:
            status = 400
    return TemplateResponse(
        request,
        "certification/exams/admin/import.html",
        {
            "form": form,
            "report": report,
            "banks": QuestionBank.objects.all(),
            "page_title": _("Import questions"),
        },
        status=status,
    )


def export_questions(request, bank_id: int):
    if not request.user.has_perm("certification.view_question"):
        return permission_denied(request)
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    return exports.csv_file_response(f"questions-{bank.pk}.csv", question_csv.export_bank(bank))


# --- Statistics ------------------------------------------------------------------------------------


def statistics(request, exam_id: int):
    if not request.user.has_perm("certification.view_exam_statistics"):
        return permission_denied(request)
    exam = get_object_or_404(Exam, pk=exam_id)
    stats = exam_statistics.exam_statistics(exam)
    return TemplateResponse(
        request,
        "certification/exams/admin/statistics.html",
        {
            "exam": exam,
            "stats": stats,
            "distribution": exam_statistics.distribution_chart(stats),
            "page_title": _("Statistics: %(exam)s") % {"exam": exam},
        },
    )


def statistics_index(request):
    if not request.user.has_perm("certification.view_exam_statistics"):
        return permission_denied(request)
    return TemplateResponse(
        request,
        "certification/exams/admin/statistics_index.html",
        {"exams": Exam.objects.order_by("title"), "page_title": _("Exam statistics")},
    )


urlpatterns = [
    path("grading/", grading_queue, name="grading_queue"),
    path("grading/<int:response_id>/", grade, name="grade"),
    path("import/", import_questions, name="import"),
    path("export/<int:bank_id>/", export_questions, name="export"),
    path("statistics/", statistics_index, name="statistics_index"),
    path("statistics/<int:exam_id>/", statistics, name="statistics"),
]
