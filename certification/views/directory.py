"""The public lecturer directory: lecturers who opted in and hold a valid certificate."""

from django import forms
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from academy import fragments
from academy.localisation import LANG_TAGS, default_language, originals, reads_original
from academy.models import LecturerProfile
from events.models import EventPage

from ..models import Certificate, Programme
from ..services import sharing


class OriginalNamesSelect(forms.Select):
    """A select of names that exist only in the original language (programme titles): each option
    says so with `lang`, for screen readers and academy.script, on pages in another language."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value and not reads_original():
            option["attrs"]["lang"] = LANG_TAGS[default_language()]
        return option


class DirectoryFilter(forms.Form):
    city = forms.CharField(label=_("City"), required=False, max_length=40)
    programme = forms.ChoiceField(label=_("Programme"), required=False, widget=OriginalNamesSelect)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=60)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("All programmes"))] + [
            (p.slug, p.title) for p in Programme.objects.order_by("title")
        ]


def valid_certificates():
    return Certificate.objects.filter(status=Certificate.Status.VALID).select_related("programme")


def listed_lecturers():
    """Lecturers shown publicly: opted in, with at least one valid certificate."""
    return (
        LecturerProfile.objects.filter(listed=True)
        .filter(
            Exists(
                Certificate.objects.filter(
                    holder_id=OuterRef("user_id"), status=Certificate.Status.VALID
                )
            )
        )
        .select_related("user", "photo")
        .prefetch_related(
            Prefetch(
                "user__certificates", queryset=valid_certificates(), to_attr="valid_certificates"
            )
        )
    )


def with_public_names(lecturers) -> list:
    """Each lecturer with `public_name` (the printed name, never an e-mail address: the user's
    str() falls back to it) and `page_slug`, the address of their public credentials page when
    it is open (opted in), else None and the page links each certificate's verify page."""
    lecturers = list(lecturers)
    slugs = sharing.public_page_slugs(lecturer.user_id for lecturer in lecturers)
    for lecturer in lecturers:
        lecturer.public_name = sharing.public_name(lecturer.user, lecturer.user.valid_certificates)
        lecturer.page_slug = slugs.get(lecturer.user_id)
    return lecturers


@require_GET
def lecturer_directory(request):
    form = DirectoryFilter(request.GET or None)
    # The list is the same for every reader: the template keeps it as a shared fragment, and its
    # queries run only when that fragment is not cached (academy/fragments.py).
    context = fragments.lazy_context(lambda: _listing(form), ("lecturers", "cities"))
    return render(
        request,
        "certification/directory/lecturer_directory.html",
        {"form": form, **context},
        status=400 if form.errors else 200,
    )


def _listing(form: "DirectoryFilter") -> dict:
    lecturers = listed_lecturers()
    if form.is_valid():
        data = form.cleaned_data
        if data["city"]:
            lecturers = lecturers.filter(city__icontains=data["city"].strip())
        if data["programme"]:
            lecturers = lecturers.filter(
                Exists(
                    Certificate.objects.filter(
                        holder_id=OuterRef("user_id"),
                        status=Certificate.Status.VALID,
                        programme__slug=data["programme"],
                    )
                )
            )
        if data["topic"]:
            topic = data["topic"].strip()
            lecturers = [
                lecturer
                for lecturer in lecturers
                if any(topic in t for t in lecturer.authorised_topics + lecturer.specialty_list)
            ]
    cities = (
        LecturerProfile.objects.filter(listed=True)
        .exclude(city="")
        .values_list("city", flat=True)
        .distinct()
        .order_by("city")
    )
    return {"lecturers": with_public_names(lecturers), "cities": list(cities)}


@require_GET
def lecturer_profile(request, pk: int):
    found = with_public_names(listed_lecturers().filter(pk=pk)[:1])
    if not found:
        raise Http404
    lecturer = found[0]
    upcoming = (
        originals(EventPage.objects.live())
        .filter(
            lecturer_links__lecturer=lecturer, start__gte=timezone.now(), cancelled_at__isnull=True
        )
        .order_by("start")
        .distinct()[:10]
    )
    return render(
        request,
        "certification/directory/lecturer_profile.html",
        {"lecturer": lecturer, "upcoming": list(upcoming)},
    )
