"""Event pages: the listing at /events/ and one page per offline event.

Pages render; they do not decide. Their context comes from selectors.py and their routes (sign up,
cancel, check in …) hand over to views.py, which calls the services (events/services/).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from academy import teaching
from academy.page_lookups import KeptLookupsMixin

from .blocks import AgendaItemBlock

# Sub-paths the pages answer themselves; a child page with one of these slugs would be hidden.
INDEX_ROUTES = {"archive", "check-in", "registrations", "feed"}

# A day either side: enough for a venue that lets people in the evening before.
CHECK_IN_MAX_MINUTES = 24 * 60

TIME_ZONES = [
    ("Asia/Shanghai", _("China (Beijing time)")),
    ("Asia/Hong_Kong", _("Hong Kong")),
    ("Asia/Taipei", _("Taipei")),
    ("Asia/Singapore", _("Singapore")),
    ("Asia/Tokyo", _("Tokyo")),
    ("Europe/London", _("London")),
    ("UTC", _("UTC")),
]


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    LECTURER_SESSION = "lecturer_session", _("Lecturer-led session")
    OPEN_DAY = "open_day", _("Open day")


class Audience(models.TextChoices):
    SIGNED_IN = "signed_in", _("Everyone signed in")
    MEMBERS = "members", _("Provider members")
    LECTURERS = "lecturers", _("Lecturers")


class EventIndexPage(KeptLookupsMixin, RoutablePageMixin, Page):
    """The events listing at /events/: upcoming events, the archive, check-in and tickets."""

    intro = models.TextField(_("introduction"), blank=True)

    max_count = 1
    parent_page_types = ["academy.HomePage"]
    subpage_types = ["events.EventPage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]
    translated_fields = ("intro",)
    api_fields = [APIField("intro")]

    class Meta:
        verbose_name = _("event listing")

    @path("", name="listing")
    def listing_route(self, request):
        from . import views

        return views.listing(request, self)

    @path("archive/", name="archive")
    def archive_route(self, request):
        from . import views

        return views.archive(request, self)

    @path("check-in/", name="check_in_events")
    def check_in_events_route(self, request):
        from . import views

        return views.check_in_events(request, self)

    @path("registrations/<int:pk>/", name="ticket")
    def ticket_route(self, request, pk):
        from . import views

        return views.ticket(request, self, pk)

    @path("registrations/<int:pk>/cancel/", name="cancel")
    def cancel_route(self, request, pk):
        from . import views

        return views.cancel(request, self, pk)

    @path("registrations/<int:pk>/claim/", name="claim")
    def claim_route(self, request, pk):
        from . import views

        return views.claim(request, self, pk)


class EventPageForm(WagtailAdminPageForm):
    """Times are typed in the event's own time zone, whatever the editor's time zone is."""

    TIME_FIELDS = ("start", "end", "signup_opens", "signup_closes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "topic" in self.fields:
            self.fields["topic"].widget = forms.Select(choices=self._topic_choices())
        zone = _zone(self.instance.time_zone)
        for name in self.TIME_FIELDS:
            value = getattr(self.instance, name, None)
            if name in self.fields and isinstance(value, datetime) and timezone.is_aware(value):
                self.initial[name] = timezone.localtime(value, zone).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone = _zone(cleaned.get("time_zone") or self.instance.time_zone)
        for name in self.TIME_FIELDS:
            if isinstance(cleaned.get(name), datetime):
                cleaned[name] = as_typed_in(cleaned[name], zone)
        self._check_lecturers(cleaned)
        return cleaned

    def _topic_choices(self) -> list[tuple[str, str]]:
        # The programmes' topics, as certification last defined them; an event keeps a topic a
        # programme no longer lists, so saving it again does not silently drop it.
        topics = teaching.topics()
        current = self.instance.topic
        if current and current not in topics:
            topics.append(current)
        return [("", _("No topic"))] + [(t, t) for t in topics]

    def _check_lecturers(self, cleaned: dict) -> None:
        """Refuse lecturers not authorised for the event's topic, next to each of them."""
        from . import services

        formset = self.formsets.get("lecturer_links") if hasattr(self, "formsets") else None
        if formset is None:
            return
        topic, kind = cleaned.get("topic") or "", cleaned.get("kind") or ""
        if topic and topic not in dict(self._topic_choices()):
            self.add_error("topic", _("Choose one of the topics the programmes authorise."))
            return
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            lecturer = form.cleaned_data.get("lecturer")
            if lecturer is None:
                continue
            refusal = services.teaching_refusal(lecturer, topic=topic, kind=kind)
            if refusal:
                form.add_error("lecturer", refusal)
                self.add_error(None, refusal)


def as_typed_in(value: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """A time Django read in the current time zone, taken instead as wall time in `zone`."""
    if timezone.is_aware(value):
        value = timezone.make_naive(value, timezone.get_current_timezone())
    return timezone.make_aware(value, zone)


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


class EventPage(KeptLookupsMixin, RoutablePageMixin, Page):
    """One offline event: a city workshop, a lecturer-led session or an open day."""

    summary = models.TextField(
        _("summary"), max_length=300, help_text=_("One or two sentences, shown on event cards.")
    )
    description = RichTextField(
        _("about this event"), blank=True, features=["h3", "bold", "italic", "ul", "ol", "link"]
    )
    agenda = StreamField([("item", AgendaItemBlock())], verbose_name=_("agenda"), blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=EventKind.choices,
        default=EventKind.WORKSHOP,
        db_index=True,
    )
    audience = models.CharField(
        _("who can sign up"), max_length=20, choices=Audience.choices, default=Audience.SIGNED_IN
    )
    # Chosen from the programmes' authorisation topics (academy.teaching); only lecturers
    # authorised for it may be assigned (services.may_teach).
    topic = models.CharField(
        _("teaching topic"),
        max_length=120,
        blank=True,
        help_text=_(
            "Only lecturers whose valid certificate authorises this topic can be assigned. "
            "Required for a lecturer-led session with lecturers."
        ),
    )
    city = models.CharField(_("city"), max_length=40, db_index=True)
    venue = models.CharField(_("venue"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=TIME_ZONES,
        default="Asia/Shanghai",
        help_text=_("Start, end and sign-up times are entered and shown in this time zone."),
    )
    start = models.DateTimeField(_("starts"), db_index=True)
    end = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(100_000)]
    )
    signup_opens = models.DateTimeField(
        _("sign-up opens"), null=True, blank=True, help_text=_("Leave empty to open at once.")
    )
    signup_closes = models.DateTimeField(
        _("sign-up closes"),
        null=True,
        blank=True,
        help_text=_("Leave empty to close at the start."),
    )
    claim_window_hours = models.PositiveSmallIntegerField(
        _("claim window (hours)"),
        default=0,
        validators=[MaxValueValidator(168)],
        help_text=_(
            "When a seat frees up, the first person on the waitlist gets it at once (0) or is "
            "offered it and has this many hours to claim it before it passes to the next."
        ),
    )
    ask_company = models.BooleanField(_("ask for the company"), default=False)
    ask_role = models.BooleanField(_("ask for the job role"), default=False)
    ask_note = models.BooleanField(_("ask for a note"), default=False)
    check_in_opens_before = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before the start)"),
        default=120,
        validators=[MaxValueValidator(CHECK_IN_MAX_MINUTES)],
        help_text=_(
            "Codes are accepted at the door from this many minutes before the start. "
            "Earlier scans are refused and record nothing."
        ),
    )
    check_in_closes_after = models.PositiveSmallIntegerField(
        _("check-in closes (minutes after the end)"),
        default=0,
        validators=[MaxValueValidator(CHECK_IN_MAX_MINUTES)],
        help_text=_(
            "0 closes check-in when the event ends. Later, staff record attendance on the "
            "event's Attendance page instead."
        ),
    )
    live_qa = models.BooleanField(
        _("live Q&A board"),
        default=False,
        help_text=_(
            "Attendees with a confirmed seat send questions from their phones before and during "
            "the session and vote for each other's; staff show them on a projector and mark them "
            "answered. After the event the answered ones are published on this page."
        ),
    )

    # State set by services, never by the page editor nor restored from a revision.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    announced_schedule = models.JSONField(default=dict, blank=True, editable=False)
    attendance_closed_at = models.DateTimeField(
        _("attendance closed"), null=True, blank=True, editable=False
    )
    STATE_FIELDS = (
        "cancelled_at",
        "cancellation_reason",
        "announced_schedule",
        "attendance_closed_at",
    )
    exclude_fields_in_copy = list(STATE_FIELDS)

    base_form_class = EventPageForm
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []
    # Words an English version changes (academy/localisation.py): text only, never a record
    # (times, seats and sign-ups stay the original's).
    translated_fields = ("summary", "description", "agenda", "city", "venue", "address")

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("audience")]),
                FieldRowPanel([FieldPanel("city"), FieldPanel("venue")]),
                FieldPanel("address"),
            ],
            heading=_("What and where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("time_zone"),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldRowPanel([FieldPanel("signup_opens"), FieldPanel("signup_closes")]),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("claim_window_hours")]),
                FieldRowPanel(
                    [FieldPanel("ask_company"), FieldPanel("ask_role"), FieldPanel("ask_note")]
                ),
            ],
            heading=_("Seats and sign-up"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("check_in_opens_before"), FieldPanel("check_in_closes_after")]
                ),
            ],
            heading=_("Check-in at the door"),
        ),
        FieldPanel("live_qa"),
        FieldPanel("description"),
        FieldPanel("agenda"),
        FieldPanel("topic"),
        InlinePanel(
            "lecturer_links",
            label=pgettext_lazy("one lecturer of an event", "Lecturer"),
            heading=_("Lecturers"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("city"),
        index.SearchField("venue"),
        index.FilterField("kind"),
        index.FilterField("start"),
    ]
    api_fields = [
        APIField("summary"),
        APIField("kind"),
        APIField("topic"),
        APIField("audience"),
        APIField("city"),
        APIField("venue"),
        APIField("address"),
        APIField("time_zone"),
        APIField("start"),
        APIField("end"),
        APIField("capacity"),
        APIField("cancelled_at"),
    ]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        errors = {}
        if self.slug in INDEX_ROUTES:
            errors["slug"] = _("This address is reserved; choose another slug.")
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The event must end after it starts.")
        if self.signup_opens and self.start and self.signup_opens >= self.start:
            errors["signup_opens"] = _("Sign-up must open before the event starts.")
        if self.signup_closes and self.end and self.signup_closes > self.end:
            errors["signup_closes"] = _("Sign-up must close before the event ends.")
        if self.signup_opens and self.signup_closes and self.signup_closes <= self.signup_opens:
            errors["signup_closes"] = _("Sign-up must close after it opens.")
        if errors:
            raise ValidationError(errors)

    def with_content_json(self, content):
        """State that services set (cancellation, announcements) belongs to the live event, not
        to a revision: publishing an older draft must not un-cancel it."""
        obj = super().with_content_json(content)
        # Read from the database: `self` may be an instance loaded before a service changed it.
        current = type(self).objects.filter(pk=self.pk).values(*self.STATE_FIELDS).first()
        for name in self.STATE_FIELDS:
            setattr(obj, name, current[name] if current else getattr(self, name))
        return obj

    # --- Facts the templates and services read ------------------------------------------------

    @cached_property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return _zone(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return timezone.localtime(self.start, self.tzinfo)

    @property
    def local_end(self) -> datetime:
        return timezone.localtime(self.end, self.tzinfo)

    @property
    def shows_time_zone(self) -> bool:
        """Whether readers need to be told the zone: only when it is not the site's own."""
        return self.time_zone != settings.TIME_ZONE

    @property
    def signup_closes_at(self) -> datetime:
        return self.signup_closes or self.start

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_lecturer_led(self) -> bool:
        return self.kind == EventKind.LECTURER_SESSION

    def has_started(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.start

    def has_ended(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.end

    @property
    def check_in_opens_at(self) -> datetime:
        return self.start - timedelta(minutes=self.check_in_opens_before)

    @property
    def check_in_closes_at(self) -> datetime:
        return self.end + timedelta(minutes=self.check_in_closes_after)

    def check_in_window(self, now: datetime | None = None) -> str:
        """Where `now` falls against the check-in window: "early", "open" or "closed"."""
        now = now or timezone.now()
        if now < self.check_in_opens_at:
            return "early"
        if now > self.check_in_closes_at:
            return "closed"
        return "open"

    def schedule(self) -> dict:
        """What attendees plan around; a change to it after publishing is announced to them."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "city": self.city,
            "venue": self.venue,
            "address": self.address,
        }

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.event_page_context(self, request))
        if self.live_qa:
            from . import live_qa_selectors

            context.update(live_qa_selectors.event_page_context(self, context))
        return context

    @path("register/", name="register")
    def register_route(self, request):
        from . import views

        return views.register(request, self)

    @path("calendar/", name="calendar")
    def calendar_route(self, request):
        from . import views

        return views.event_calendar(request, self)

    @path("check-in/", name="check_in")
    def check_in_route(self, request):
        from . import views

        return views.check_in(request, self)

    @path("check-in/undo/", name="check_in_undo")
    def check_in_undo_route(self, request):
        from . import views

        return views.undo_check_in(request, self)

    @path("rate/", name="rate")
    def rate_route(self, request):
        from . import views

        return views.rate(request, self)

    # --- Live Q&A (views_live_qa.py) ----------------------------------------------------------

    @path("qa/", name="live_qa")
    def live_qa_route(self, request):
        from . import views_live_qa

        return views_live_qa.board(request, self)

    @path("qa/<int:pk>/vote/", name="live_qa_vote")
    def live_qa_vote_route(self, request, pk):
        from . import views_live_qa

        return views_live_qa.vote(request, self, pk)

    @path("qa/screen/", name="live_qa_screen")
    def live_qa_screen_route(self, request):
        from . import views_live_qa

        return views_live_qa.screen(request, self)

    @path("qa/screen/list/", name="live_qa_screen_list")
    def live_qa_screen_list_route(self, request):
        from . import views_live_qa

        return views_live_qa.screen_list(request, self)

    @path("qa/hidden/", name="live_qa_hidden")
    def live_qa_hidden_route(self, request):
        from . import views_live_qa

        return views_live_qa.hidden(request, self)

    @path("qa/state/", name="live_qa_state")
    def live_qa_state_route(self, request):
        from . import views_live_qa

        return views_live_qa.change_state(request, self)

    @path("qa/<int:pk>/answer/", name="live_qa_answer")
    def live_qa_answer_route(self, request, pk):
        from . import views_live_qa

        return views_live_qa.answer(request, self, pk)

    @path("qa/<int:pk>/hide/", name="live_qa_hide")
    def live_qa_hide_route(self, request, pk):
        from . import views_live_qa

        return views_live_qa.hide(request, self, pk, hidden=True)

    @path("qa/<int:pk>/unhide/", name="live_qa_unhide")
    def live_qa_unhide_route(self, request, pk):
        from . import views_live_qa

        return views_live_qa.hide(request, self, pk, hidden=False)


class EventLecturer(Orderable):
    """A lecturer assigned to teach (or speak at) an event."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="lecturer_links")
    lecturer = models.ForeignKey(
        "academy.LecturerProfile",
        verbose_name=_("lecturer"),
        on_delete=models.CASCADE,
        related_name="event_links",
    )
    topic = models.CharField(_("topic"), max_length=120, blank=True)

    panels = [FieldPanel("lecturer"), FieldPanel("topic")]

    class Meta(Orderable.Meta):
        verbose_name = _("event lecturer")
        verbose_name_plural = _("event lecturers")
        constraints = [
            models.UniqueConstraint(fields=["page", "lecturer"], name="eventlecturer_unique"),
        ]

    def __str__(self):
        return str(self.lecturer)
