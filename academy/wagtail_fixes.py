"""Wagtail 8.0 views that answer junk in a query string with a 500, mended in place.

Each fix wraps or replaces one small method of Wagtail's (applied once by AcademyConfig.ready)
and reads the number with academy.params, as the project's own views do. tests/fuzz finds these
500s, tests/academy/test_wagtail_fixes.py pins each fix: when an upgrade of Wagtail moves one of
these methods, start-up fails here (AttributeError) instead of the fix silently lapsing. Drop a
fix once Wagtail has its own.
"""

from __future__ import annotations

import functools

from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from . import params

_applied = False


def _ids_or_400(get):
    """A chooser's "chosen-multiple" view: ?id=… must all be primary keys (Wagtail filters
    pk__in=[the raw strings], and the database backend raises on "x" or 2**64)."""

    @functools.wraps(get)
    def checked(self, request, *args, **kwargs):
        if params.parse_ids(request.GET.getlist("id")) is None:
            return HttpResponseBadRequest(_("Choose items by their numeric ids."))
        return get(self, request, *args, **kwargs)

    return checked


def _api_find_by_id(find_object):
    """The API's /find/?id=…: Wagtail runs queryset.get(id=<raw string>)."""
    from wagtail.api.v2.utils import BadRequestError

    @functools.wraps(find_object)
    def checked(self, queryset, request):
        if "id" in request.GET and params.parse_ids([request.GET["id"]]) is None:
            raise BadRequestError(_("id must be a positive whole number."))
        return find_object(self, queryset, request)

    return checked


def _workflow_pages(self):
    """The pages a workflow is assigned to: Wagtail pages them with int(?p) and paginator.page(),
    a 500 for ?p=x or a page past the last; get_page() answers with the nearest page."""
    from django.core.paginator import Paginator
    from wagtail.models import Page

    pages = Page.objects.filter(workflowpage__workflow=self.get_object())
    pages.paginator = Paginator(pages, self.MAX_PAGES)
    return pages.paginator.get_page(self.request.GET.get("p"))


def _image_chooser_tag_filter(self, objects):
    """The image chooser's ?tag= with a search: filtering on tags__name before searching is a
    FilterFieldError in Wagtail's search backends (wagtail/wagtail#9160); filter on the ids of
    the tagged images instead, which Image.search_fields can filter on."""
    from wagtail.images.views.chooser import BaseImageChooseView

    tag_name = self.request.GET.get("tag")
    if tag_name:
        tagged = objects.model._default_manager.filter(tags__name=tag_name)
        objects = objects.filter(pk__in=list(tagged.values_list("pk", flat=True)))
    return super(BaseImageChooseView, self).filter_object_list(objects)


def _login_success_url(get_success_url):
    """/admin/login/?next=word for someone signed in: Wagtail passes the word to redirect(),
    which takes a word without "/" or "." for a URL name and raises NoReverseMatch."""

    @functools.wraps(get_success_url)
    def checked(self):
        url = get_success_url(self)
        if "/" not in url and "." not in url:
            return reverse("wagtailadmin_home")
        return url

    return checked


def _media_collection_or_400(view):
    """wagtailmedia's chooser filters collection=<raw ?collection_id>: "x" is a 500."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        raw = request.GET.get("collection_id")
        if raw and params.parse_ids([raw]) is None:
            return HttpResponseBadRequest(_("Choose a collection by its numeric id."))
        return view(request, *args, **kwargs)

    return checked


def apply() -> None:
    global _applied
    if _applied:
        return
    from wagtail.admin.views import chooser as page_chooser
    from wagtail.admin.views import workflows
    from wagtail.admin.views.account import LoginView
    from wagtail.admin.views.generic import chooser
    from wagtail.api.v2.views import BaseAPIViewSet
    from wagtail.images.views.chooser import BaseImageChooseView
    from wagtailmedia.views import chooser as media_chooser

    chooser.ChosenMultipleViewMixin.get = _ids_or_400(chooser.ChosenMultipleViewMixin.get)
    page_chooser.ChosenMultipleView.get = _ids_or_400(page_chooser.ChosenMultipleView.get)
    BaseAPIViewSet.find_object = _api_find_by_id(BaseAPIViewSet.find_object)
    workflows.Edit.get_paginated_pages = _workflow_pages
    BaseImageChooseView.filter_object_list = _image_chooser_tag_filter
    LoginView.get_success_url = _login_success_url(LoginView.get_success_url)
    # Before wagtailmedia's admin_urls is imported (the admin's URLconf loads after ready()).
    media_chooser.chooser = _media_collection_or_400(media_chooser.chooser)
    _applied = True
