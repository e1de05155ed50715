"""Admin: the learning snippets (paths, products, industries); My academy: the learning section."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from academy.models import Industry
from academy.sections import MY_ACADEMY_SECTIONS, Section

from .models import LearningPath, Product


class LearningPathViewSet(SnippetViewSet):
    model = LearningPath
    icon = "list-ol"
    menu_label = _("Learning paths")
    list_display = ["title", "growth_stage", "sort_order"]
    list_filter = ["growth_stage"]
    search_fields = ["title", "intro"]


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "tag"
    menu_label = _("Products")
    list_display = ["name", "name_en", "slug", "sort_order"]


class IndustryViewSet(SnippetViewSet):
    model = Industry
    icon = "folder-open-inverse"
    menu_label = _("Industries")
    list_display = ["name", "parent", "slug", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]


class LearningContentGroup(SnippetViewSetGroup):
    items = (LearningPathViewSet, ProductViewSet, IndustryViewSet)
    menu_icon = "openquote"
    menu_label = _("Learning")
    menu_name = "learning"


register_snippet(LearningContentGroup)


@hooks.register(MY_ACADEMY_SECTIONS)
def learning_section(request):
    from .selectors import my_learning_context

    return Section(
        key="learning",
        order=10,
        template="courses/includes/my_learning.html",
        context=my_learning_context(request.user),
    )


@hooks.register("register_admin_viewset")
def register_question_viewset():
    from .admin_questions import question_viewset

    return question_viewset


@hooks.register(MY_ACADEMY_SECTIONS)
def questions_to_answer_section(request):
    """Next to the teaching desk: unanswered questions the lecturer may answer."""
    from academy.selectors import lecturer_of

    from .questions_selectors import unanswered_for

    lecturer = lecturer_of(request.user) if request.user.is_authenticated else None
    if lecturer is None or not lecturer.authorised_topics:
        return None
    return Section(
        key="questions_to_answer",
        order=16,
        template="courses/questions/my_questions_to_answer.html",
        context={"questions_to_answer": unanswered_for(lecturer)},
    )


@hooks.register("before_serve_document")
def guard_course_materials(document, request):
    """A lesson's attachment is downloaded by its course's learners only (courses/materials.py);
    anyone else is told it does not exist."""
    from .materials import may_download

    if not may_download(request.user, document):
        raise Http404
