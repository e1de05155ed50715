"""Records staff cannot wipe by accident: deleting what the academy's history points at is refused.

The history — who signed up for and came to an event, who enrolled in a course and how far they
got, who holds which certificate, who sat which exam — lives in rows whose foreign key to the
page or programme is declared ``on_delete=models.PROTECT``. Those declarations are the whole
list: to keep a new kind of record, make its foreign key PROTECT; nothing here changes.

Deleting something such rows still point at — directly, or through what the deletion would
cascade to (a page's descendants, a course's lessons) — would stop in the database with a
ProtectedError, a 500 in the admin. Instead the admin refuses up front, names what would be lost
and says what to do (unpublish the page, close the programme, deactivate the account). The check
is Django's own deletion collector run without deleting, so it sees exactly what a delete would.

Where it is wired in (one hook per delete the admin offers): academy/wagtail_hooks.py for pages
(single and bulk, descendants included), snippets and users; `KeepRecordsDeleteView` for the
apps' ModelViewSets (programmes, exams, question banks).

Why one generic check rather than a per-app registry of "has records" functions: the apps
already declare what must be kept (PROTECT), academy imports none of them (design.md), and a
second list kept by hand would drift from the schema.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.contrib import messages
from django.db import router
from django.db.models import Model, ProtectedError, QuerySet, RestrictedError
from django.db.models.deletion import Collector
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic import DeleteView
from wagtail.models import Page


def kept_records(objects: QuerySet | Iterable[Model]) -> Counter:
    """What deleting `objects` would wipe that must be kept: a count per kind of record
    ("registrations": 12), empty when deleting them is safe."""
    objects = objects if isinstance(objects, QuerySet) else list(objects)
    if not objects:
        return Counter()
    model = objects.model if isinstance(objects, QuerySet) else type(objects[0])
    collector = Collector(using=router.db_for_write(model))
    try:
        collector.collect(objects)
    except ProtectedError as error:
        found = error.protected_objects
    except RestrictedError as error:
        found = error.restricted_objects
    else:
        return Counter()
    return Counter(str(obj._meta.verbose_name_plural) for obj in found)


def page_and_descendants(page: Page) -> QuerySet[Page]:
    """What deleting `page` deletes: Wagtail removes the whole subtree with it."""
    return Page.objects.descendant_of(page, inclusive=True)


def describe(kept: Counter) -> str:
    return ", ".join(f"{name} ({count})" for name, count in sorted(kept.items()))


def page_refusal(page: Page, kept: Counter) -> str:
    return _(
        "“%(title)s” cannot be deleted: %(records)s still belong to it or to pages below it, "
        "and deleting would wipe that history. Unpublish it instead: it leaves the site and "
        "the records stay."
    ) % {"title": page.get_admin_display_title(), "records": describe(kept)}


def object_refusal(obj: Model, kept: Counter, instead: str = "") -> str:
    return _(
        "“%(title)s” cannot be deleted: %(records)s still refer to it, and deleting would wipe "
        "that history. %(instead)s"
    ) % {
        "title": obj,
        "records": describe(kept),
        "instead": instead or _("Keep it and retire it instead (unpublish it or close it)."),
    }


def refuse(request, refusals: list[str], back: str) -> HttpResponse | None:
    """The admin's answer to a refused delete: the reasons as error messages, and back to where
    the user can unpublish or retire instead. None when nothing was refused."""
    if not refusals:
        return None
    for refusal in refusals:
        messages.error(request, refusal)
    return HttpResponseRedirect(back)


def edit_url(request, obj: Model) -> str:
    return AdminURLFinder(request.user).get_edit_url(obj) or reverse("wagtailadmin_home")


def refuse_deleting_pages(request, pages: Iterable[Page], back: str = "") -> HttpResponse | None:
    refusals, first = [], None
    for page in pages:
        if kept := kept_records(page_and_descendants(page)):
            refusals.append(page_refusal(page, kept))
            first = first or page
    return refuse(request, refusals, back or (edit_url(request, first) if first else ""))


def refuse_deleting(
    request, objects: Iterable[Model], back: str = "", instead: str = ""
) -> HttpResponse | None:
    refusals, first = [], None
    for obj in objects:
        if kept := kept_records([obj]):
            refusals.append(object_refusal(obj, kept, instead))
            first = first or obj
    return refuse(request, refusals, back or (edit_url(request, first) if first else ""))


class KeepRecordsDeleteView(DeleteView):
    """The delete view for ModelViewSets whose objects records point at (a programme with
    certificates, an exam with attempts): refused with the reason, before the confirmation.
    `instead` says what to do rather than delete, in the words of that kind of object."""

    instead = ""

    def run_before_hook(self):
        refusal = refuse_deleting(self.request, [self.object], instead=str(self.instead))
        return refusal or super().run_before_hook()
