"""Learning records and the vocabularies around the learning content.

Pages live in pages.py (courses and lessons), cases.py (case studies) and moderation.py (the review
task); they are imported at the bottom so Django sees every model of the app from here.

Invariants the database holds: one enrolment per learner and course, one progress row per learner
and lesson. Everything that changes these rows goes through services.py.
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from academy.models import GrowthStage


class Product(models.Model):
    """A platform product a course teaches or a case used: mini-programs, payments, workplace…"""

    name = models.CharField(_("name"), max_length=40, help_text=_("As readers see it, e.g. 小程序"))
    name_en = models.CharField(_("name (English)"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's interface language (English readers get name_en)."""
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class LearningPath(ClusterableModel):
    """An ordered set of courses for one growth stage, e.g. a new provider's first month."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    intro = models.TextField(_("introduction"), blank=True)
    growth_stage = models.CharField(
        _("growth stage"), max_length=20, choices=GrowthStage.choices, db_index=True
    )
    sort_order = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Paths of the same stage are recommended in this order.")
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("growth_stage"),
        FieldPanel("intro"),
        FieldPanel("sort_order"),
        InlinePanel("path_courses", label=_("Courses, in order"), min_num=1),
    ]

    class Meta:
        ordering = ["sort_order", "title"]
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")

    def __str__(self):
        return self.title


class LearningPathCourse(Orderable):
    path = ParentalKey(LearningPath, on_delete=models.CASCADE, related_name="path_courses")
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["path", "course"], name="learningpath_course_once")
        ]


class Enrollment(models.Model):
    """A learner taking a course; `completed_at` is set once, when every required lesson is done."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    # PROTECT: a course people enrolled in is unpublished, never deleted (academy/records.py).
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("last lesson opened"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-enrolled_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollment_once_per_course")
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self):
        return f"{self.user} → {self.course_id}"


class LessonProgress(models.Model):
    """A learner's state in one lesson: completed (when) and their knowledge-check result."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="lesson_progress",
    )
    # PROTECT: learners' progress (and the completions it led to) outlives edits to the course;
    # a lesson someone worked through is unpublished, never deleted.
    lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("lesson"),
        on_delete=models.PROTECT,
        related_name="progress",
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    check_score = models.PositiveSmallIntegerField(
        _("knowledge check score (%)"), null=True, blank=True
    )
    check_attempts = models.PositiveSmallIntegerField(_("knowledge check attempts"), default=0)
    # The last answers submitted ({"0": [1], "1": [0, 2]}): the lesson shows them graded, so
    # results survive a reload without the answer key ever reaching an unanswered form.
    check_answers = models.JSONField(_("last answers"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="lessonprogress_once_per_lesson"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.lesson_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


from .cases import (  # noqa: E402, F401  (page models live in their own modules)
    CaseStudyGalleryImage,
    CaseStudyIndexPage,
    CaseStudyPage,
    CaseStudyRelatedLink,
)
from .media_models import LessonMedia, PlaybackPosition  # noqa: E402, F401
from .moderation import PeerReviewTask  # noqa: E402, F401
from .pages import (  # noqa: E402, F401
    CourseIndexPage,
    CourseLecturer,
    CoursePage,
    CoursePrerequisite,
    LessonAttachment,
    LessonPage,
)
from .questions import Answer, Question, QuestionReport, QuestionVote  # noqa: E402, F401
