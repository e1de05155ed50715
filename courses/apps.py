from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and case studies")

    def ready(self):
        from academy import api, search

        from . import (
            receivers,  # noqa: F401  (index pages get the review workflow)
            slots,  # noqa: F401  (the reader's marks on shared course cards)
        )
        from .materials import course_material_ids
        from .models import CaseStudyPage, CoursePage, LessonPage, Question

        api.withhold_documents(course_material_ids)

        search.register(CoursePage, kind=_("Course"), fields=["summary", "outcomes", "body"])
        # Lessons are found by title, summary and what their video and audio say (the transcript,
        # linked to the second it is said); the rest of the body is for enrolled learners.
        from .media import transcript_fragment

        search.register(
            LessonPage,
            kind=_("Lesson"),
            fields=["intro", "transcript"],
            fragment=transcript_fragment,
        )
        # A case's words, all of them found by search, are the fields a translation changes.
        search.register(CaseStudyPage, kind=_("Case study"), fields=CaseStudyPage.translated_fields)
        # Learners' questions, once answered and while published (Question.is_searchable).
        search.register(Question, kind=_("Question"), fields=["body", "answers_text"])
