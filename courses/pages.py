"""Course pages: the catalogue, a course (overview and syllabus) and its lessons.

Pages render; they do not decide. Their context comes from selectors.py and their POST routes
(enrol, complete, check) hand over to views.py, which calls services.py.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from academy.models import GrowthStage
from academy.page_lookups import KeptLookupsMixin

from .blocks import LessonBodyBlock
from .choices import Language, Level
from .moderation import ReviewedPageMixin
from .questions_topics import TopicSelect

# Sub-paths the pages answer themselves; a child page with one of these slugs would be hidden.
COURSE_ROUTES = {"enrol"}
CATALOGUE_ROUTES = {"paths"}


class CourseIndexPage(KeptLookupsMixin, ReviewedPageMixin, RoutablePageMixin, Page):
    """The catalogue at /courses/: filters, pagination and the learning paths."""

    intro = models.TextField(_("introduction"), blank=True)

    max_count = 1
    parent_page_types = ["academy.HomePage"]
    subpage_types = ["courses.CoursePage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]
    translated_fields = ("intro",)
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.catalogue_context(self, request))
        return context

    @path("paths/<str:slug>/", name="learning_path")
    def learning_path(self, request, slug):
        from . import views

        return views.learning_path(request, self, slug)


class CoursePage(KeptLookupsMixin, ReviewedPageMixin, RoutablePageMixin, Page):
    """A course: overview and syllabus are public, its lessons are for enrolled learners."""

    summary = models.TextField(
        _("summary"), max_length=300, help_text=_("One or two sentences, shown on course cards.")
    )
    body = RichTextField(
        _("about this course"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"],
    )
    outcomes = models.TextField(
        _("what learners will be able to do"), blank=True, help_text=_("One outcome per line.")
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.BEGINNER, db_index=True
    )
    duration_minutes = models.PositiveIntegerField(_("estimated duration (minutes)"), default=60)
    product = models.ForeignKey(
        "courses.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    growth_stage = models.CharField(
        _("growth stage"),
        max_length=20,
        choices=GrowthStage.choices,
        default=GrowthStage.CREATE,
        db_index=True,
    )
    language = models.CharField(
        _("taught in"),
        max_length=10,
        choices=Language.choices,
        default=Language.SIMPLIFIED,
        db_index=True,
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who answers learners' questions on the lessons: lecturers whose valid certificate
    # authorises this topic (academy.teaching), and staff (courses/questions_services.py).
    teaching_topic = models.CharField(
        _("teaching topic"),
        max_length=100,
        blank=True,
        help_text=_(
            "Lecturers certified for this topic answer learners' questions on the lessons; "
            "empty: staff answer them."
        ),
    )
    awards_certificate = models.BooleanField(
        _("awards a course certificate"),
        default=True,
        help_text=_(
            "Learners who complete the course receive a signed, verifiable course certificate."
        ),
    )

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    # Words an English version changes (academy/localisation.py): text only, never a record.
    translated_fields = ("summary", "body", "outcomes")

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        FieldPanel("outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("product"),
                FieldPanel("growth_stage"),
                FieldPanel("level"),
                FieldPanel("language"),
                FieldPanel("duration_minutes"),
                FieldPanel("teaching_topic", widget=TopicSelect()),
                FieldPanel("awards_certificate"),
            ],
            heading=_("Catalogue"),
        ),
        InlinePanel("lecturer_links", label=_("Lecturers"), heading=_("Lecturers")),
        InlinePanel(
            "prerequisite_links",
            label=_("Prerequisite"),
            heading=_("Prerequisites: courses to complete before enrolling"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("outcomes"),
        index.SearchField("body"),
        index.FilterField("level"),
        index.FilterField("growth_stage"),
        index.FilterField("language"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("outcomes"),
        APIField("level"),
        APIField("duration_minutes"),
        APIField("product", serializer=serializers.CharField(source="product.slug")),
        APIField("growth_stage"),
        APIField("language"),
    ]

    class Meta:
        verbose_name = _("course")

    def clean(self):
        super().clean()
        if self.slug in CATALOGUE_ROUTES:
            raise ValidationError({"slug": _("This address is reserved; choose another slug.")})

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.course_page_context(self, request))
        return context

    @path("enrol/", name="enrol")
    def enrol_route(self, request):
        from . import views

        return views.enrol(request, self)


class CourseLecturer(Orderable):
    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="lecturer_links")
    lecturer = models.ForeignKey(
        "academy.LecturerProfile",
        verbose_name=_("lecturer"),
        on_delete=models.CASCADE,
        related_name="course_links",
    )

    panels = [FieldPanel("lecturer")]


class CoursePrerequisite(Orderable):
    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="prerequisite_links")
    required_course = models.ForeignKey(
        CoursePage,
        verbose_name=_("course to complete first"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("required_course")]


class LessonPage(KeptLookupsMixin, ReviewedPageMixin, RoutablePageMixin, Page):
    """One lesson; its order in the course is its order in the page tree."""

    intro = models.TextField(
        _("summary"), blank=True, max_length=300, help_text=_("Shown in the syllabus, to everyone.")
    )
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=10)
    optional = models.BooleanField(
        _("optional"),
        default=False,
        help_text=_("Optional lessons are not needed to complete the course."),
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("lesson"), blank=True)

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    translated_fields = ("intro", "body")

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("duration_minutes"),
        FieldPanel("optional"),
        FieldPanel("body"),
        InlinePanel(
            "attachments",
            label=_("Attachment"),
            heading=_("Attachments: materials only enrolled learners may download"),
        ),
    ]
    # The body is for enrolled learners only, and the knowledge check's answer key is in it:
    # neither the public API nor the public search index ever sees it.
    search_fields = Page.search_fields + [index.SearchField("intro")]
    api_fields = [APIField("intro"), APIField("duration_minutes"), APIField("optional")]

    class Meta:
        verbose_name = _("lesson")

    def clean(self):
        super().clean()
        if self.slug in COURSE_ROUTES:
            raise ValidationError({"slug": _("This address is reserved; choose another slug.")})

    @property
    def knowledge_check(self):
        """The lesson's knowledge check block (a StreamChild), or None; at most one per lesson."""
        for block in self.body:
            if block.block_type == "knowledge_check":
                return block
        return None

    @property
    def transcript(self) -> str:
        """What the lesson's video and audio say, with times: site search indexes it (media.py)."""
        from academy.localisation import language_of_page

        from .media import lesson_transcript_text

        return lesson_transcript_text(self, language_of_page(self))

    @path("", name="lesson")
    def lesson_route(self, request):
        from . import views

        return views.lesson(request, self)

    @path("complete/", name="complete")
    def complete_route(self, request):
        from . import views

        return views.complete_lesson(request, self)

    @path("check/", name="check")
    def check_route(self, request):
        from . import views

        return views.submit_check(request, self)

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.lesson_page_context(self, request))
        return context


class LessonAttachment(Orderable):
    """A lesson material (PDF, slides, a spreadsheet): a Wagtail document on the lesson's list.

    The rule (courses/materials.py): a document on any lesson's attachment list is a course
    material, downloadable only by the learners enrolled in that lesson's course and by the
    editors who may edit the lesson, through Wagtail's own /documents/ URL too. Every other
    document (one linked from a public page, or from a lesson's text) stays public.
    """

    page = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="lesson_attachments",
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(fields=["page", "document"], name="lesson_attachment_unique")
        ]
