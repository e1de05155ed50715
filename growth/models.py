"""Growth-stage diagnosis: the questionnaire staff edit, the diagnoses providers take, staff
overrides of a provider's stage, and invitations into a provider's team.

A diagnosis copies the questionnaire it was taken with (`snapshot`) when it starts: scoring reads
that copy, so editing the questionnaire in the admin never changes a result already given, and
a half-finished diagnosis keeps the questions it was answering.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable

from academy.models import GrowthStage, Membership, Provider

DIRECTIONS = [stage.value for stage in GrowthStage]


class Level(models.IntegerChoices):
    """How far a provider is along one direction."""

    GAP = 1, _("Gap")
    DEVELOPING = 2, _("Developing")
    ESTABLISHED = 3, _("Established")


class AnswerBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("answer"), max_length=200)
    points = blocks.IntegerBlock(label=_("points"), min_value=0, max_value=100, default=0)

    class Meta:
        icon = "radio-full"
        label = _("Answer")


class QuestionBlock(blocks.StructBlock):
    direction = blocks.ChoiceBlock(label=_("direction"), choices=GrowthStage.choices)
    text = blocks.CharBlock(label=_("question"), max_length=300)
    help_text = blocks.CharBlock(label=_("explanation"), max_length=300, required=False)
    answers = blocks.ListBlock(AnswerBlock(), label=_("answers"), min_num=2)

    class Meta:
        icon = "help"
        label = _("Question")


class QuestionnaireForm(WagtailAdminModelForm):
    def is_valid(self):
        # The inline formsets are cleaned after the form's own clean(): check them here.
        if not super().is_valid():
            return False
        formset = self.formsets.get("direction_thresholds")
        directions = [
            form.cleaned_data.get("direction")
            for form in (formset.forms if formset is not None else [])
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(directions) != len(set(directions)):
            self.add_error(None, _("Give each direction one row of level thresholds."))
            return False
        return True


class Questionnaire(ClusterableModel):
    """The diagnostic questionnaire. Each save makes a new version; the active one is taken."""

    title = models.CharField(_("title"), max_length=120)
    intro = models.TextField(_("introduction"), blank=True)
    questions = StreamField(
        [("question", QuestionBlock())], verbose_name=_("questions"), use_json_field=True
    )
    capability_from = models.PositiveSmallIntegerField(
        _("capability stage from (per cent of all points)"),
        default=35,
        validators=[MaxValueValidator(100)],
    )
    operations_from = models.PositiveSmallIntegerField(
        _("operations stage from (per cent of all points)"),
        default=60,
        validators=[MaxValueValidator(100)],
    )
    expansion_from = models.PositiveSmallIntegerField(
        _("business expansion stage from (per cent of all points)"),
        default=80,
        validators=[MaxValueValidator(100)],
    )
    active = models.BooleanField(
        pgettext_lazy("in use", "active"),
        default=True,
        help_text=_("Providers take the newest active questionnaire."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    base_form_class = QuestionnaireForm
    panels = [
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("active"),
        FieldPanel("questions"),
        MultiFieldPanel(
            [
                FieldPanel("capability_from"),
                FieldPanel("operations_from"),
                FieldPanel("expansion_from"),
            ],
            heading=_("Overall stage thresholds"),
        ),
        InlinePanel(
            "direction_thresholds",
            label=_("Level thresholds per direction"),
            min_num=4,
            max_num=4,
        ),
    ]

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("diagnosis questionnaire")
        verbose_name_plural = _("diagnosis questionnaires")

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def clean(self):
        if not (self.capability_from <= self.operations_from <= self.expansion_from):
            raise ValidationError(
                _("The stage thresholds must rise: capability ≤ operations ≤ business expansion.")
            )

    def save(self, *args, **kwargs):
        # Every edit is a new version; diagnoses record the version they were scored with.
        if self.pk is not None:
            self.version = (
                Questionnaire.objects.filter(pk=self.pk).values_list("version", flat=True).first()
                or 0
            ) + 1
        super().save(*args, **kwargs)

    def snapshot(self) -> dict:
        """The questionnaire as scoring needs it, frozen into each diagnosis."""
        thresholds = {t.direction: t for t in self.direction_thresholds.all()}
        return {
            "title": self.title,
            "version": self.version,
            "questions": [
                {
                    "id": block.id,
                    "direction": block.value["direction"],
                    "text": block.value["text"],
                    "help_text": block.value.get("help_text") or "",
                    "answers": [
                        {"label": a["label"], "points": int(a["points"])}
                        for a in block.value["answers"]
                    ],
                }
                for block in self.questions
            ],
            "thresholds": {
                d: [
                    thresholds[d].developing_from if d in thresholds else 40,
                    thresholds[d].established_from if d in thresholds else 70,
                ]
                for d in DIRECTIONS
            },
            "stage_from": {
                GrowthStage.CAPABILITY.value: self.capability_from,
                GrowthStage.OPERATIONS.value: self.operations_from,
                GrowthStage.EXPANSION.value: self.expansion_from,
            },
            "event_keywords": {
                d: thresholds[d].keyword_list if d in thresholds else [] for d in DIRECTIONS
            },
        }


class DirectionThreshold(Orderable):
    """Where one direction's levels start, as a share of that direction's points."""

    questionnaire = ParentalKey(
        Questionnaire, on_delete=models.CASCADE, related_name="direction_thresholds"
    )
    direction = models.CharField(_("direction"), max_length=20, choices=GrowthStage.choices)
    developing_from = models.PositiveSmallIntegerField(
        _("developing from (%)"), default=40, validators=[MaxValueValidator(100)]
    )
    established_from = models.PositiveSmallIntegerField(
        _("established from (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    event_keywords = models.CharField(
        _("event keywords"),
        max_length=200,
        blank=True,
        help_text=_(
            "Comma-separated words; upcoming events whose title or summary contains one are "
            "suggested to providers with a gap in this direction."
        ),
    )

    panels = [
        FieldPanel("direction"),
        FieldPanel("developing_from"),
        FieldPanel("established_from"),
        FieldPanel("event_keywords"),
    ]

    # One row per direction is checked by QuestionnaireForm, not a unique constraint: the
    # admin saves an edited inline set by inserting new rows before deleting removed ones, so
    # replacing a direction's row in one save would break a constraint.

    def clean(self):
        if self.developing_from > self.established_from:
            raise ValidationError(_("'Developing from' cannot be above 'established from'."))

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.event_keywords.replace("，", ",").split(",") if k.strip()]


class Diagnosis(models.Model):
    """One provider's pass through the questionnaire: a draft while answering, then a result."""

    class State(models.TextChoices):
        DRAFT = "draft", _("in progress")
        COMPLETED = "completed", _("completed")

    provider = models.ForeignKey(
        Provider,
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="diagnoses",
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="diagnoses",
    )
    questionnaire_version = models.PositiveIntegerField(_("questionnaire version"))
    snapshot = models.JSONField(_("questionnaire as taken"), default=dict)
    # {question id: answer index}: saved after every step so the diagnosis can be resumed.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, db_index=True)
    # {direction: {"points": n, "max": m, "percent": p, "level": 1..3}}
    scores = models.JSONField(_("scores per direction"), default=dict, blank=True)
    total_percent = models.PositiveSmallIntegerField(_("total (%)"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=GrowthStage.choices, blank=True, db_index=True
    )

    class Meta:
        ordering = ["-completed_at", "-started_at"]
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        constraints = [
            models.UniqueConstraint(
                fields=["provider"], condition=Q(state="draft"), name="diagnosis_one_draft"
            )
        ]
        indexes = [models.Index(fields=["provider", "state", "completed_at"])]
        permissions = [("view_reports", _("Can see the academy's staff reports"))]

    def __str__(self):
        return f"{self.provider} · {self.get_state_display()} · {self.started_at:%Y-%m-%d}"

    @property
    def questions(self) -> list[dict]:
        return self.snapshot.get("questions", [])

    def questions_for(self, direction: str) -> list[dict]:
        return [q for q in self.questions if q["direction"] == direction]

    @property
    def directions(self) -> list[str]:
        """Directions that have questions, in the growth plan's order."""
        present = {q["direction"] for q in self.questions}
        return [d for d in DIRECTIONS if d in present]


class StageOverride(models.Model):
    """Staff set a provider's stage by hand, with the reason on record."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="stage_overrides",
    )
    previous_stage = models.CharField(
        _("previous stage"), max_length=20, choices=GrowthStage.choices
    )
    stage = models.CharField(_("stage"), max_length=20, choices=GrowthStage.choices)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stage override")
        verbose_name_plural = _("stage overrides")

    def __str__(self):
        return f"{self.provider}: {self.previous_stage} → {self.stage}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def default_expiry():
    return timezone.now() + timedelta(days=getattr(settings, "GROWTH_INVITATION_DAYS", 14))


class Invitation(models.Model):
    """An e-mailed link that joins its recipient to a provider's team once they sign in."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("timestamp", "sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.provider}"

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class ActionPlan(models.Model):
    """What a provider decided to do after one diagnosis: adopted from the recommendation, then
    edited by its administrators. Kept with that diagnosis, so the history shows each plan."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=pgettext_lazy("service provider company", "provider"),
        on_delete=models.CASCADE,
        related_name="action_plans",
    )
    diagnosis = models.OneToOneField(
        Diagnosis,
        verbose_name=_("diagnosis"),
        on_delete=models.CASCADE,
        related_name="action_plan",
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adopted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    adopted_at = models.DateTimeField(_("adopted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-adopted_at"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self):
        return f"{self.provider} · {self.adopted_at:%Y-%m-%d}"


class ActionPlanItem(models.Model):
    """One step of a plan: a course to complete, an event to attend or a certificate to earn.

    Its progress is read from the team's completions, attendance and certificates when the plan
    is shown (selectors.plan_progress); nothing here is ticked by hand."""

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="items"
    )
    direction = models.CharField(
        _("direction"), max_length=20, choices=GrowthStage.choices, blank=True
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    programme = models.ForeignKey(
        "certification.Programme",
        verbose_name=_("certification programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("action plan item")
        verbose_name_plural = _("action plan items")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(course__isnull=False, event__isnull=True, programme__isnull=True)
                    | Q(course__isnull=True, event__isnull=False, programme__isnull=True)
                    | Q(course__isnull=True, event__isnull=True, programme__isnull=False)
                ),
                name="action_plan_item_one_target",
            ),
            models.UniqueConstraint(
                fields=["plan", "course"],
                condition=Q(course__isnull=False),
                name="plan_course_once",
            ),
            models.UniqueConstraint(
                fields=["plan", "event"], condition=Q(event__isnull=False), name="plan_event_once"
            ),
            models.UniqueConstraint(
                fields=["plan", "programme"],
                condition=Q(programme__isnull=False),
                name="plan_programme_once",
            ),
        ]

    def __str__(self):
        return str(self.target)

    @property
    def kind(self) -> str:
        return "course" if self.course_id else "event" if self.event_id else "programme"

    @property
    def target(self):
        return self.course or self.event or self.programme


# The team's other records live in their own module; Django finds models imported here.
from .team_models import Assignment, JoinLink, MemberRemoval  # noqa: E402, F401
