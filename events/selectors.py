"""Read queries the events pages need, with their joins decided once (no queries in loops)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy import fragments
from academy.localisation import originals, show_in_reader_language

from . import services
from .forms import EventFilterForm, RatingForm, RegistrationForm
from .models import (
    AttendanceChange,
    EventIndexPage,
    EventLecturer,
    EventPage,
    Registration,
    SessionRating,
)

Status = Registration.Status
PAGE_SIZE = 12


def can_check_in(user) -> bool:
    """Event staff (and superusers) check people in and see every registration.

    Asked on every event page for every signed-in reader, so the answer is kept on the content
    version per user: adding someone to a group or removing them, and granting or taking a
    permission, bump it (academy/page_cache.py). Active and superuser come from the request's own
    user row and are part of the key."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return fragments.versioned(
        "can-check-in",
        (user.pk, user.is_superuser),
        lambda: user.has_perm("events.check_in"),
    )


def with_seats(queryset: QuerySet[EventPage]) -> QuerySet[EventPage]:
    """Annotate seats held and people waiting, counted by the database in the same query."""
    return queryset.annotate(
        seats_held=Count(
            "registrations", filter=Q(registrations__status__in=Registration.HOLDS_SEAT)
        ),
        waiting=Count("registrations", filter=Q(registrations__status=Status.WAITLISTED)),
    )


def with_lecturers(queryset: QuerySet[EventPage]) -> QuerySet[EventPage]:
    return queryset.prefetch_related(
        Prefetch(
            "lecturer_links",
            queryset=EventLecturer.objects.select_related("lecturer__user", "lecturer__photo"),
        )
    )


@dataclass
class Availability:
    """What the sign-up box and the cards say about seats."""

    state: str  # open | waitlist | not_open | closed | cancelled | ended
    label: str
    badge: str
    seats_left: int
    waiting: int
    held: int = 0
    capacity: int = 0

    @property
    def can_sign_up(self) -> bool:
        return self.state in ("open", "waitlist")

    @property
    def percent(self) -> int:
        """Share of seats taken, for the progress bar."""
        if not self.capacity:
            return 0
        return min(100, round(100 * self.held / self.capacity))


def availability(event: EventPage, seats_held: int, waiting: int, now: datetime) -> Availability:
    seats_left = max(0, event.capacity - seats_held)
    counts = {"waiting": waiting, "held": seats_held, "capacity": event.capacity}
    if event.is_cancelled:
        state = ("cancelled", _("Cancelled"), "badge--danger")
    elif event.has_ended(now):
        state = ("ended", _("Took place"), "badge--muted")
    elif event.signup_opens and now < event.signup_opens:
        state = ("not_open", _("Sign-up opens soon"), "badge--muted")
    elif now >= event.signup_closes_at:
        state = ("closed", _("Sign-up closed"), "badge--muted")
    elif seats_left == 0 or waiting:
        # People already waiting come first, so a newcomer joins the waitlist too.
        return Availability("waitlist", _("Full · waitlist open"), "badge--warning", 0, **counts)
    else:
        state = ("open", _("Seats available"), "badge--success")
    return Availability(*state, seats_left, **counts)


def _annotate_availability(events: list[EventPage], now: datetime) -> list[EventPage]:
    for event in events:
        event.availability = availability(event, event.seats_held, event.waiting, now)
    return events


# --- Listing and archive ------------------------------------------------------------------------


def listing_context(index: EventIndexPage, request, *, past: bool = False) -> dict:
    """Upcoming (or past) events under `index`, filtered by the GET form and paginated."""
    now = timezone.now()
    base = EventPage.objects.live().child_of(index)
    base = base.filter(end__lt=now) if past else base.filter(end__gte=now)
    # The filter's choices are the same for every reader: kept until content changes (or a
    # minute, for an event that has just ended), academy/fragments.py.
    cities, months = fragments.cached(
        fragments.fragment_key(f"event-filters:{index.pk}:{past}", request, path=""),
        lambda: (
            list(base.order_by("city").values_list("city", flat=True).distinct()),
            list(base.datetimes("start", "month", tzinfo=timezone.get_default_timezone())),
        ),
    )
    months = list(months)
    if past:
        months.reverse()
    form = EventFilterForm(
        request.GET if _has_filters(request) else None, cities=cities, months=months
    )
    events = base
    if form.is_bound and form.is_valid():
        if city := form.cleaned_data.get("city"):
            events = events.filter(city=city)
        if kind := form.cleaned_data.get("kind"):
            events = events.filter(kind=kind)
        if month := form.month_range():
            events = events.filter(start__gte=month[0], start__lt=month[1])
    elif form.is_bound:
        events = events.none()
    events = with_lecturers(with_seats(events)).order_by("-start" if past else "start", "pk")

    def results() -> dict:
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        items = _annotate_availability(list(page.object_list), now)
        show_in_reader_language(items)
        mine = fragments.slot_values(request, "event-registration", [e.pk for e in items])
        for event in items:
            event.my_registration = mine.get(event.pk)
        return {"events": items, "page_obj": page}

    # The list is the same for every reader but for their own registrations (slots): drawn once
    # and kept (the "event-grid" fragment), so a hit skips these queries.
    return {
        "filter_form": form,
        "filters": form.active_filters,
        "past": past,
        **fragments.lazy_context(results, ("events", "page_obj")),
        "can_check_in": can_check_in(request.user),
    }


def _has_filters(request) -> bool:
    return any(request.GET.get(name) for name in ("city", "kind", "month"))


def feed_events(now: datetime | None = None) -> QuerySet[EventPage]:
    """What the calendar subscription lists: everything from the last half year on."""
    now = now or timezone.now()
    return (
        originals(EventPage.objects.live())
        .filter(end__gte=now - timedelta(days=183))
        .order_by("start")
    )


# --- One event ----------------------------------------------------------------------------------


def current_registration(user, event: EventPage) -> Registration | None:
    """The user's active registration for the event, else their latest one (cancelled, lapsed)."""
    if not user or not user.is_authenticated:
        return None
    registrations = Registration.objects.filter(event_id=event.pk, user_id=user.pk)
    return (
        registrations.filter(status__in=Registration.ACTIVE).first()
        or registrations.order_by("-pk").first()
    )


def event_outline(event: EventPage, request) -> dict:
    """What every reader of `event` sees alike: its listing page and lecturers, kept until
    content changes (academy/fragments.py); a preview's draft lecturers are never kept."""

    def outline() -> dict:
        return {
            "index_page": event.get_parent().specific,
            "lecturers": list(
                event.lecturer_links.select_related("lecturer__user", "lecturer__photo")
            ),
        }

    if not event.pk:
        return outline()
    return fragments.versioned("event-outline", (event.pk,), outline, request=request)


def signup_event(slug: str, request) -> EventPage | None:
    """The live event the sign-up URL /events/<slug>/register/ names, kept until content changes;
    None when there is no single such event or a view restriction covers it (Wagtail's own route
    then answers). Its seats are counted afresh under the event lock by the service, so a kept
    copy only decides which event and which questions the form asks."""

    def find() -> EventPage | None:
        events = list(
            originals(EventPage.objects.live()).filter(
                slug=slug, url_path__endswith=f"/events/{slug}/"
            )[:2]
        )
        # A restriction on the event or above it: the page's own check (academy/page_lookups.py).
        if len(events) != 1 or events[0].get_view_restrictions().exists():
            return None
        return events[0]

    return fragments.versioned("signup-event", (slug,), find, request=request)


def event_page_context(event: EventPage, request) -> dict:
    now = timezone.now()
    user = request.user or AnonymousUser()
    outline = event_outline(event, request)
    counts = Registration.objects.filter(event_id=event.pk).aggregate(
        held=Count("pk", filter=Q(status__in=Registration.HOLDS_SEAT)),
        waiting=Count("pk", filter=Q(status=Status.WAITLISTED)),
    )
    registration = current_registration(user, event)
    rating_registration = services.rating_registration(user, event)
    rating = (
        SessionRating.objects.filter(registration=rating_registration).first()
        if rating_registration
        else None
    )
    index = outline["index_page"]
    return {
        "availability": availability(event, counts["held"], counts["waiting"], now),
        "registration": registration,
        "position": services.waitlist_position(registration) if registration else None,
        "ticket_url": ticket_url(index, registration) if registration else "",
        "in_audience": services.in_audience(user, event),
        "lecturers": outline["lecturers"],
        "registration_form": RegistrationForm(event=event, user=user),
        "can_rate": rating_registration is not None,
        "rating": rating,
        "rating_form": RatingForm(
            initial={"score": rating.score, "comment": rating.comment} if rating else None
        ),
        "can_check_in": can_check_in(user),
        "index_page": index,
        "now": now,
    }


def ticket_url(index: EventIndexPage, registration: Registration) -> str:
    return (index.url or "/events/") + index.reverse_subpage("ticket", args=[registration.pk])


def registration_for_owner(user, pk: int) -> Registration | None:
    """The registration `pk` if it belongs to `user`; anyone else's is None (a 404)."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("event", "user")
        .filter(pk=pk, user_id=user.pk, event__live=True)
        .first()
    )


# --- My academy ---------------------------------------------------------------------------------


def my_events_context(user) -> dict:
    """The user's registrations: what is coming (with the check-in QR) and what took place."""
    now = timezone.now()
    index = originals(EventIndexPage.objects.live()).first()
    registrations = Registration.objects.filter(user_id=user.pk, event__live=True).select_related(
        "event"
    )
    upcoming = list(
        registrations.filter(event__end__gte=now)
        .filter(Q(status__in=Registration.ACTIVE) | Q(event__cancelled_at__isnull=False))
        .order_by("event__start", "pk")[:20]
    )
    past = list(
        registrations.filter(event__end__lt=now, status=Status.CONFIRMED)
        .select_related("rating")
        .order_by("-event__start", "pk")[:10]
    )
    waiting_ids = [r.pk for r in upcoming if r.status == Status.WAITLISTED]
    positions = waitlist_positions(waiting_ids)
    for registration in upcoming + past:
        registration.position = positions.get(registration.pk)
        registration.ticket_url = ticket_url(index, registration) if index else ""
    for registration in past:
        registration.my_rating = _rating_of(registration)
        registration.can_rate = registration.event.is_lecturer_led and registration.attended
    return {"upcoming_registrations": upcoming, "past_registrations": past, "events_index": index}


def _rating_of(registration: Registration) -> SessionRating | None:
    try:
        return registration.rating
    except SessionRating.DoesNotExist:
        return None


def waitlist_positions(registration_ids: list[int]) -> dict[int, int]:
    """Waitlist positions of several registrations in one query."""
    if not registration_ids:
        return {}
    mine = Registration.objects.filter(pk__in=registration_ids).values("pk", "event_id")
    event_ids = {row["event_id"] for row in mine}
    queue: dict[int, list[int]] = {}
    for pk, event_id in (
        Registration.objects.filter(event_id__in=event_ids, status=Status.WAITLISTED)
        .order_by("pk")
        .values_list("pk", "event_id")
    ):
        queue.setdefault(event_id, []).append(pk)
    positions = {}
    for row in mine:
        waiting = queue.get(row["event_id"], [])
        if row["pk"] in waiting:
            positions[row["pk"]] = waiting.index(row["pk"]) + 1
    return positions


# --- Check-in -----------------------------------------------------------------------------------


def check_in_events(now: datetime | None = None) -> QuerySet[EventPage]:
    """Events staff may be checking people in at: running now (or ended in the last hours),
    then the coming ones, soonest first."""
    now = now or timezone.now()
    return with_seats(
        originals(EventPage.objects.live()).filter(
            cancelled_at__isnull=True, end__gte=now - timedelta(hours=6)
        )
    ).order_by("start", "pk")[:30]


def check_in_counts(event: EventPage) -> dict[str, int]:
    return Registration.objects.filter(event_id=event.pk, status=Status.CONFIRMED).aggregate(
        confirmed=Count("pk"), checked_in=Count("pk", filter=Q(checked_in_at__isnull=False))
    )


def check_in_context(event: EventPage, query: str = "") -> dict:
    counts = check_in_counts(event)
    results = []
    query = (query or "").strip()
    if query:
        from .checkin import normalise_code

        code = normalise_code(query)
        results = list(
            Registration.objects.filter(event_id=event.pk)
            .exclude(status=Status.EXPIRED)
            .filter(
                Q(user__display_name__icontains=query)
                | Q(user__email__icontains=query)
                | Q(user__first_name__icontains=query)
                | Q(user__last_name__icontains=query)
                | (Q(code__startswith=code) if len(code) >= 3 else Q(pk__in=[]))
            )
            .select_related("user", "checked_in_by")
            .order_by("user__display_name", "pk")[:20]
        )
    recent = list(
        Registration.objects.filter(event_id=event.pk, checked_in_at__isnull=False)
        .select_related("user", "checked_in_by")
        .order_by("-checked_in_at")[:5]
    )
    return {
        "confirmed_count": counts["confirmed"],
        "checked_in_count": counts["checked_in"],
        "results": results,
        "recent": recent,
        "query": query,
    }


def attendance_changes(event: EventPage, limit: int = 100) -> list[AttendanceChange]:
    """The event's attendance audit trail, latest first: check-ins, undone check-ins, staff
    recording."""
    return list(
        AttendanceChange.objects.filter(registration__event_id=event.pk)
        .select_related("registration__user")
        .order_by("-at", "-pk")[:limit]
    )


# --- The lecturer's teaching desk (My academy) -------------------------------------------------

Attendance = Registration.Attendance
CAME = (Attendance.ATTENDED, Attendance.PARTIAL)


def taught_sessions(lecturer) -> QuerySet[EventPage]:
    """Live events `lecturer` is assigned to, with sign-ups, attendance and ratings counted by
    the database in the one query."""
    return (
        EventPage.objects.live()
        .filter(lecturer_links__lecturer=lecturer)
        .annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__status=Status.CONFIRMED), distinct=True
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=Status.WAITLISTED), distinct=True
            ),
            attended=Count(
                "registrations",
                filter=Q(registrations__attendance__in=CAME),
                distinct=True,
            ),
            rating_count=Count("registrations__rating", distinct=True),
            rating_average=Avg("registrations__rating__score"),
        )
    )


def teaching_context(lecturer, now: datetime | None = None) -> dict:
    """My academy's teaching desk: the sessions `lecturer` teaches, coming and past."""
    now = now or timezone.now()
    sessions = taught_sessions(lecturer)
    upcoming = list(sessions.filter(end__gte=now).order_by("start", "pk")[:20])
    past = list(sessions.filter(end__lt=now).order_by("-start", "pk")[:20])
    return {
        # A lecturer who signed up for nothing still has sessions to go to (My academy's events
        # section says so instead of "no event").
        "teaching_count": sum(1 for event in upcoming if not event.is_cancelled),
        "teaching_upcoming": upcoming,
        "teaching_past": past,
        "teaching_topics": lecturer.authorised_topics,
        "lecturer": lecturer,
    }


def taught_session(lecturer, event_id: int, now: datetime | None = None) -> dict | None:
    """One session `lecturer` teaches: who signed up, who came, what attendees said.
    None when `lecturer` does not teach it (the view answers 404: not theirs to read)."""
    event = taught_sessions(lecturer).filter(pk=event_id).first()
    if event is None:
        return None
    attendees = list(
        Registration.objects.filter(event=event, status=Status.CONFIRMED)
        .select_related("user")
        .order_by("user__display_name", "pk")
    )
    ratings = list(
        SessionRating.objects.filter(registration__event=event)
        .select_related("registration__user")
        .order_by("-created_at")
    )
    for registration in attendees:
        registration.came = registration.attendance in CAME
    return {
        "event": event,
        "attendees": attendees,
        "checked_in": sum(1 for r in attendees if r.came),
        "ratings": ratings,
        "has_ended": event.has_ended(now),
    }
