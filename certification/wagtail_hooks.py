"""Admin registration of the certification app: exams (banks, questions, exams, attempts,
grading, statistics), then certificates (programmes, certificates, audit log, applications)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permissions import register_permission_policy

from academy.admin_ui import PermissionMenuItem, ServiceOnlyPolicy, local_minutes
from academy.models import LecturerProfile
from academy.records import KeepRecordsDeleteView
from academy.sections import MY_ACADEMY_SECTIONS, Section

from . import admin_certificates
from .forms import QuestionForm
from .models import (
    ApprovalApplication,
    Attempt,
    AuditEntry,
    Certificate,
    CourseCertificate,
    Exam,
    ExamOverride,
    Programme,
    Question,
    QuestionBank,
)
from .views import staff_exams

# --- Exams -------------------------------------------------------------------------------------

register_permission_policy(Attempt, ServiceOnlyPolicy(Attempt))


class ExamDeleteView(KeepRecordsDeleteView):
    """An exam with attempts cannot be deleted (PROTECT keeps the candidates' history), nor a
    question bank an exam draws from; the refusal says so before the confirmation."""

    instead = _("Untick “published” or set when it closes instead: the attempts stay.")


class ProgrammeDeleteView(KeepRecordsDeleteView):
    """A programme with certificates, applications or audit entries cannot be deleted."""

    instead = _("Untick “open to candidates” instead: holders keep their certificates.")


class QuestionBankViewSet(ModelViewSet):
    model = QuestionBank
    delete_view_class = KeepRecordsDeleteView
    icon = "folder-open-inverse"
    menu_label = _("Question banks")
    list_display = ["title", "slug"]
    search_fields = ["title", "description"]
    form_fields = ["title", "slug", "description"]
    copy_view_enabled = False


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_per_page = 50
    list_display = [
        TitleColumn("text", label=_("Question"), url_name="exam_questions:edit"),
        Column("bank", label=_("Bank")),
        Column("get_kind_display", label=pgettext_lazy("question type", "Type")),
        Column("topic", label=_("Topic")),
        Column("get_difficulty_display", label=_("Difficulty")),
        StatusTagColumn(
            "get_status_display", label=_("Status"), primary=lambda q: q.status == "active"
        ),
    ]
    list_filter = ["bank", "kind", "status", "difficulty", "topic"]
    search_fields = ["text", "topic", "explanation"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("bank"), FieldPanel("kind"), FieldPanel("status")]),
            FieldPanel("text"),
            InlinePanel("choices", label=_("Choices"), heading=_("Choices")),
            FieldRowPanel(
                [
                    FieldPanel("topic"),
                    FieldPanel("difficulty"),
                    FieldPanel("points"),
                    FieldPanel("scoring"),
                ]
            ),
            FieldPanel("explanation"),
            FieldPanel("model_answer"),
        ],
        base_form_class=QuestionForm,
    )


class ExamViewSet(ModelViewSet):
    model = Exam
    delete_view_class = ExamDeleteView
    icon = "form"
    menu_label = _("Exams")
    list_display = [
        TitleColumn("title", label=_("Exam"), url_name="exam_exams:edit"),
        Column("pass_mark", label=_("Pass mark (%)")),
        Column("time_limit_minutes", label=_("Minutes")),
        Column("max_attempts", label=pgettext_lazy("exam attempts allowed", "Attempts")),
        Column("published", label=_("Published")),
    ]
    list_filter = ["published", "grading_method"]
    search_fields = ["title", "description"]
    copy_view_enabled = False
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldPanel("slug"),
                FieldPanel("description"),
                FieldPanel("published"),
            ],
            heading=_("Exam"),
        ),
        InlinePanel("pools", label=_("Question pools"), heading=_("Question pools"), min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("pass_mark")]),
                FieldRowPanel([FieldPanel("max_attempts"), FieldPanel("wait_hours")]),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
                FieldRowPanel([FieldPanel("layout"), FieldPanel("grading_method")]),
            ],
            heading=_("Timing and attempts"),
        ),
        MultiFieldPanel(
            [FieldPanel("review_after_submit"), FieldPanel("review_after_close")],
            heading=pgettext_lazy("exam answer review", "Review"),
        ),
    ]


class ExamOverrideViewSet(ModelViewSet):
    model = ExamOverride
    icon = "user"
    menu_label = _("Candidate overrides")
    list_display = ["user", "exam", "extra_minutes", "extra_attempts", "note"]
    list_filter = ["exam"]
    search_fields = ["user__display_name", "user__email", "note"]
    form_fields = ["exam", "user", "extra_minutes", "extra_attempts", "note"]
    copy_view_enabled = False


class AttemptIndexView(IndexView):
    custom_field_preprocess = {
        name: {"csv": local_minutes, "xlsx": local_minutes}
        for name in ("started_at", "submitted_at", "graded_at")
    }

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "exam").order_by("-started_at")


class AttemptViewSet(ModelViewSet):
    model = Attempt
    index_view_class = AttemptIndexView
    icon = "list-ul"
    menu_label = _("Attempts")
    copy_view_enabled = False
    form_fields = ["state"]  # the permission policy keeps the edit view closed
    inspect_view_enabled = True
    list_per_page = 50
    list_display = [
        TitleColumn("user", label=_("Candidate"), url_name="exam_attempts:inspect"),
        Column("exam", label=_("Exam")),
        Column("number", label=_("#")),
        StatusTagColumn("get_state_display", label=_("State"), primary=lambda a: a.passed),
        Column("score", label=_("Score (%)")),
        Column("passed", label=_("Passed")),
        DateColumn("started_at", label=_("Started")),
        DateColumn("submitted_at", label=pgettext_lazy("timestamp", "Submitted")),
    ]
    list_filter = ["exam", "state", "passed", "auto_submitted"]
    search_fields = ["user__display_name", "user__email", "exam__title"]
    export_filename = "exam-attempts"
    list_export = [
        "exam.title",
        "user.display_name",
        "user.email",
        "number",
        "get_state_display",
        "started_at",
        "submitted_at",
        "graded_at",
        "score",
        "passed",
        "auto_submitted",
    ]
    export_headings = {
        "exam.title": _("Exam"),
        "user.display_name": pgettext_lazy("person", "Name"),
        "user.email": _("E-mail"),
        "number": _("Attempt"),
        "get_state_display": _("State"),
        "started_at": _("Started"),
        "submitted_at": pgettext_lazy("timestamp", "Submitted"),
        "graded_at": _("Graded"),
        "score": _("Score (%)"),
        "passed": _("Passed"),
        "auto_submitted": _("Submitted at the deadline"),
    }
    inspect_view_fields = [
        "exam",
        "user",
        "number",
        "state",
        "started_at",
        "deadline",
        "submitted_at",
        "auto_submitted",
        "graded_at",
        "points_possible",
        "points_scored",
        "score",
        "pass_mark",
        "passed",
    ]


class ExamsViewSetGroup(ViewSetGroup):
    menu_label = _("Exams")
    menu_icon = "form"
    menu_order = 270
    items = (
        QuestionBankViewSet("exam_banks"),
        QuestionViewSet("exam_questions"),
        ExamViewSet("exam_exams"),
        ExamOverrideViewSet("exam_overrides"),
        AttemptViewSet("exam_attempts"),
    )


@hooks.register("register_admin_viewset")
def register_exam_viewsets():
    return ExamsViewSetGroup()


@hooks.register("register_admin_urls")
def register_exam_admin_urls():
    return [path("exams/", include((staff_exams.urlpatterns, "exams_admin")))]


@hooks.register(MY_ACADEMY_SECTIONS)
def exams_section(request):
    """The candidate's recent attempts; lecturers also see the exams open to them."""
    user = request.user
    attempts = list(
        Attempt.objects.filter(user=user).select_related("exam").order_by("-started_at")[:10]
    )
    is_lecturer = LecturerProfile.objects.filter(user_id=user.pk).exists()
    if not attempts and not is_lecturer:
        return None
    tried = {a.exam_id for a in attempts}
    open_exams = [
        exam
        for exam in Exam.objects.filter(published=True).exclude(pk__in=tried).order_by("title")
        if exam.is_open()
    ]
    return Section(
        key="exams",
        order=25,
        template="certification/exams/my_exams.html",
        context={"exam_attempts": attempts, "open_exams": open_exams},
    )


# --- Certificates ------------------------------------------------------------------------------

for _model in (Certificate, CourseCertificate, AuditEntry, ApprovalApplication):
    register_permission_policy(_model, ServiceOnlyPolicy(_model))


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    delete_view_class = ProgrammeDeleteView
    icon = "doc-full-inverse"
    menu_label = _("Programmes")
    copy_view_enabled = False
    list_display = ["title", "level", "validity_months", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["title", "slug"]


class CertificateIndexView(IndexView):
    custom_field_preprocess = {
        name: {"csv": local_minutes, "xlsx": local_minutes}
        for name in ("issued_at", "expires_at", "revoked_at")
    }

    def get_base_queryset(self):
        return (
            super().get_base_queryset().select_related("holder", "programme").order_by("-issued_at")
        )

    def get_list_more_buttons(self, instance):
        return super().get_list_more_buttons(instance) + _certificate_buttons(
            instance, self.request.user
        )


def _certificate_buttons(certificate, user):
    buttons = []
    if certificate.status == Certificate.Status.VALID:
        if user.has_perm("certification.revoke_certificate"):
            buttons.append(
                ListingButton(
                    _("Revoke"),
                    reverse("certification_admin:revoke", args=[certificate.pk]),
                    icon_name="warning",
                    priority=10,
                )
            )
        if user.has_perm("certification.award_certificate"):
            buttons.append(
                ListingButton(
                    _("Reissue"),
                    reverse("certification_admin:reissue", args=[certificate.pk]),
                    icon_name="repeat",
                    priority=20,
                )
            )
    return buttons


class CertificateViewSet(ModelViewSet):
    model = Certificate
    index_view_class = CertificateIndexView
    icon = "doc-full"
    menu_label = _("Certificates")
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["holder_name"]
    list_per_page = 50
    list_display = [
        TitleColumn("serial", label=_("Serial"), url_name="certificates:inspect"),
        Column("holder_name", label=_("Holder")),
        Column("programme", label=_("Programme")),
        StatusTagColumn(
            "get_status_display", label=_("Status"), primary=lambda c: c.status == "valid"
        ),
        Column("version", label=_("Version")),
        DateColumn("issued_at", label=_("Issued")),
        DateColumn("expires_at", label=_("Expires")),
    ]
    list_filter = ["status", "programme", "origin", "cycle"]
    search_fields = ["serial", "holder_name", "holder__email"]
    export_filename = "certificates"
    list_export = [
        "serial",
        "holder_name",
        "holder.email",
        "programme.title",
        "get_status_display",
        "cycle",
        "version",
        "get_origin_display",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
    ]
    export_headings = {
        "serial": _("Serial"),
        "holder_name": _("Holder"),
        "holder.email": _("E-mail"),
        "programme.title": _("Programme"),
        "get_status_display": _("Status"),
        "cycle": _("Cycle"),
        "version": _("Version"),
        "get_origin_display": pgettext_lazy("certificate origin", "Origin"),
        "issued_at": _("Issued"),
        "expires_at": _("Expires"),
        "revoked_at": _("Revoked"),
        "revoked_reason": _("Reason"),
    }
    inspect_view_fields = [
        "serial",
        "holder",
        "holder_name",
        "programme",
        "status",
        "cycle",
        "version",
        "origin",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoked_reason",
        "superseded_by",
        "pdf_sha256",
        "emailed_at",
    ]


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("Audit log")
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["reason"]
    list_display = [
        DateColumn("created_at", label=_("When")),
        Column("get_action_display", label=pgettext_lazy("certificate history", "Action")),
        Column("actor", label=_("By")),
        Column("subject", label=pgettext_lazy("certificate history", "Person")),
        Column("certificate", label=_("Certificate")),
        Column("reason", label=_("Reason")),
    ]
    list_filter = ["action", "programme"]
    search_fields = ["reason", "subject__email", "certificate__serial"]
    list_export = ["created_at", "get_action_display", "actor", "subject", "certificate", "reason"]
    export_filename = "certification-audit-log"


class ApplicationViewSet(ModelViewSet):
    model = ApprovalApplication
    icon = "tasks"
    menu_label = _("Approval applications")
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["notes"]
    list_display = [
        TitleColumn(
            "applicant",
            label=_("Applicant"),
            get_url=lambda a: reverse("certification_admin:review", args=[a.pk]),
        ),
        Column("programme", label=_("Programme")),
        StatusTagColumn(
            "get_status_display", label=_("Status"), primary=lambda a: a.status == "approved"
        ),
        DateColumn("created_at", label=_("Applied")),
    ]
    list_filter = ["status", "programme"]


class CourseCertificateViewSet(ModelViewSet):
    """Course certificates, read-only: issued by finishing a course (services/
    course_certificates.py), never by hand."""

    model = CourseCertificate
    icon = "doc-full"
    menu_label = _("Course certificates")
    copy_view_enabled = False
    inspect_view_enabled = True
    # The generic edit views are closed (ServiceOnlyPolicy); Wagtail still wants a form.
    form_fields = ["holder_name"]
    list_per_page = 50
    list_display = [
        TitleColumn("serial", label=_("Serial"), url_name="course_certificates:inspect"),
        Column("holder_name", label=_("Holder")),
        Column("course_title", label=_("Course")),
        StatusTagColumn(
            "get_status_display", label=_("Status"), primary=lambda c: c.status == "valid"
        ),
        DateColumn("completed_at", label=_("Course completed")),
        DateColumn("issued_at", label=_("Issued")),
    ]
    list_filter = ["status"]
    search_fields = ["serial", "holder_name", "course_title", "holder__email"]
    inspect_view_fields = [
        "serial",
        "holder_name",
        "course_title",
        "status",
        "completed_at",
        "issued_at",
        "language",
        "revoked_at",
        "revoked_reason",
        "pdf_sha256",
    ]


class CertificationGroup(ViewSetGroup):
    menu_label = _("Certification")
    menu_icon = "doc-full"
    menu_order = 270
    items = (
        ProgrammeViewSet("programmes"),
        CertificateViewSet("certificates"),
        CourseCertificateViewSet("course_certificates"),
        ApplicationViewSet("approval_applications"),
        AuditEntryViewSet("certification_audit"),
    )


@hooks.register("register_admin_viewset")
def register_certification_viewsets():
    return CertificationGroup()


@hooks.register("register_admin_urls")
def register_certification_admin_urls():
    return [
        path(
            "certification/",
            include((admin_certificates.urlpatterns, "certification_admin")),
        )
    ]


# Officers' pages outside the model viewsets, in menu order: label, URL name, menu name, icon,
# the permission that shows the item.
OFFICER_PAGES = [
    (_("Grading queue"), "exams_admin:grading_queue", "exam-grading", "tasks", "grade_attempt"),
    (_("Import questions (CSV)"), "exams_admin:import", "exam-import", "upload", "add_question"),
    (
        _("Exam statistics"),
        "exams_admin:statistics_index",
        "exam-statistics",
        "table",
        "view_exam_statistics",
    ),
    (
        _("Award a certificate"),
        "certification_admin:award",
        "certificate-award",
        "plus",
        "award_certificate",
    ),
    (
        _("Issue certificates in bulk"),
        "certification_admin:bulk_issue",
        "certificate-bulk-issue",
        "list-ul",
        "award_certificate",
    ),
]


def _officer_menu_item(order: int, label, url_name: str, name: str, icon: str, permission: str):
    # URLs are reversed when Wagtail builds its menu, after the URLconf has loaded.
    def build():
        return PermissionMenuItem(
            label,
            reverse(url_name),
            name=name,
            icon_name=icon,
            order=order,
            permission=f"certification.{permission}",
        )

    return build


for _order, _page in enumerate(OFFICER_PAGES, start=271):
    hooks.register("register_admin_menu_item", _officer_menu_item(_order, *_page))


@hooks.register(MY_ACADEMY_SECTIONS)
def certificates_section(request):
    if not request.user.is_authenticated:
        return None
    from .services import course_certificates
    from .services.programmes import programme_progress

    certificates = list(
        Certificate.objects.filter(holder=request.user)
        .exclude(status=Certificate.Status.SUPERSEDED)
        .select_related("programme")
        .order_by("-issued_at")
    )
    held = {c.programme_id for c in certificates if c.status == Certificate.Status.VALID}
    in_progress = []
    for programme in (
        Programme.objects.filter(is_active=True)
        .exclude(pk__in=held)
        .prefetch_related("requirements")
    ):
        progress = programme_progress(request.user, programme)
        if progress.percent > 0:
            in_progress.append({"programme": programme, "progress": progress})
    return Section(
        key="certificates",
        order=20,
        template="certification/certificates/my_certificates.html",
        context={
            "certificates": certificates,
            "course_certificates": course_certificates.certificates_of(request.user),
            "in_progress": in_progress,
        },
    )
