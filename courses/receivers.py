"""Reactions of the courses app to its own pages' life cycle and its questions' edits."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from academy import search

from .cases import CaseStudyIndexPage
from .media import media_changed
from .media_models import LessonMedia
from .moderation import ensure_review_workflow
from .pages import CourseIndexPage
from .questions import Question


@receiver(post_save, sender=CourseIndexPage)
@receiver(post_save, sender=CaseStudyIndexPage)
def review_new_index_page(sender, instance, created, raw=False, **kwargs):
    """A new catalogue or case listing starts under review, so nothing below it skips review."""
    if created and not raw:
        ensure_review_workflow(instance)


@receiver(post_save, sender=Question, dispatch_uid="courses_question_indexed")
def index_question(sender, instance, raw=False, **kwargs):
    """A question edited in the admin (hidden, restored, reworded) is re-indexed or dropped."""
    if not raw:
        search.index_object(instance)


@receiver(post_delete, sender=Question, dispatch_uid="courses_question_unindexed")
def unindex_question(sender, instance, **kwargs):
    search.remove_object(instance)


@receiver(post_save, sender=LessonMedia)
def read_new_media(sender, instance, raw=False, **kwargs):
    """An uploaded or replaced media file (or caption) is read by the media task after commit."""
    if not raw:
        media_changed(instance)
