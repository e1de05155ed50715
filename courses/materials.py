"""Course materials: who may download a lesson's attachments.

The rule: a Wagtail document on a lesson's attachment list (LessonAttachment) is a course
material. It is served, through Wagtail's own /documents/<id>/<filename> URL like every document
(WAGTAILDOCS_SERVE_METHOD = "serve_view": never a redirect to the storage), only to
- a learner enrolled in the course of a lesson that lists it,
- an editor who may edit such a lesson (and superusers);
everyone else gets a 404, as if the document did not exist. A document on no lesson's list (a
download on a public page, a link in a lesson's text) stays public: attaching it is what makes it
a course material. The check is the `before_serve_document` hook in courses/wagtail_hooks.py.
"""

from __future__ import annotations

from wagtail.models import Page

from .models import Enrollment, LessonAttachment, LessonPage


def lessons_listing(document) -> list[LessonPage]:
    """The lessons whose attachment list holds `document`."""
    return list(
        LessonPage.objects.filter(
            pk__in=LessonAttachment.objects.filter(document_id=document.pk).values("page_id")
        )
    )


def course_material_ids():
    """Ids of every document on a lesson's attachment list (withheld from the public API)."""
    return LessonAttachment.objects.values("document_id")


def is_course_material(document) -> bool:
    return LessonAttachment.objects.filter(document_id=document.pk).exists()


def may_download(user, document) -> bool:
    """Whether `user` (anonymous too) may download `document` (see the module's rule)."""
    lessons = lessons_listing(document)
    if not lessons:
        return True
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # A lesson's course is its parent page (LessonPage.parent_page_types).
    courses = Page.objects.none()
    for lesson in lessons:
        courses |= Page.objects.parent_of(lesson)
    if Enrollment.objects.filter(user_id=user.pk, course__in=courses.values("pk")).exists():
        return True
    return any(lesson.permissions_for_user(user).can_edit() for lesson in lessons)
