"""Teaching: who may teach an event's topic, assigning lecturers, attendees' ratings of a session,
and the sessions a lecturer taught and their ratings, which certification counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Avg, Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from academy import teaching
from academy.localisation import originals
from academy.models import LecturerProfile, User

from ..models import (
    EventKind,
    EventLecturer,
    EventPage,
    Registration,
    SessionRating,
)
from .attendance import ids_with_at_least
from .errors import (
    InvalidInput,
    NotAuthorisedToTeach,
    RatingNotAllowed,
)
from .registration import lock_event

Status = Registration.Status
Attendance = Registration.Attendance


def teaching_refusal(lecturer: LecturerProfile, *, topic: str, kind: str) -> str:
    """Why `lecturer` may not teach an event of this topic and kind; "" when they may.

    A lecturer-led session must name its topic; an event with a topic takes only lecturers
    whose valid certificate authorises it (certification writes those topics onto the lecturer's
    record). An open day or workshop without a topic may have any lecturer speak.
    """
    if topic:
        if teaching.authorised(lecturer, topic):
            return ""
        return _(
            "%(name)s may not teach “%(topic)s”: no valid certificate of theirs authorises this "
            "topic. Assign a lecturer certified for it, or choose another topic."
        ) % {"name": lecturer.user.display_name or lecturer.user.email, "topic": topic}
    if kind == EventKind.LECTURER_SESSION:
        return _(
            "Choose the session's teaching topic before assigning lecturers: only lecturers "
            "authorised for the topic may teach it."
        )
    return ""


def may_teach(lecturer: LecturerProfile, event: EventPage) -> bool:
    """Whether `lecturer` may be assigned to `event` (see teaching_refusal)."""
    return not teaching_refusal(lecturer, topic=event.topic, kind=event.kind)


@transaction.atomic
def assign_lecturer(
    event: EventPage, lecturer: LecturerProfile, *, role: str = ""
) -> EventLecturer:
    """Assign `lecturer` to teach `event` (role: what they do there, e.g. 主讲), once."""
    event = lock_event(event.pk)
    refusal = teaching_refusal(lecturer, topic=event.topic, kind=event.kind)
    if refusal:
        raise NotAuthorisedToTeach(refusal)
    link, _created = EventLecturer.objects.get_or_create(
        page=event, lecturer=lecturer, defaults={"topic": role}
    )
    return link


def rating_registration(user: User, event: EventPage) -> Registration | None:
    """The registration through which `user` may rate `event`, or None."""
    if not user.is_authenticated or not event.is_lecturer_led or not event.has_ended():
        return None
    return Registration.objects.filter(
        event_id=event.pk,
        user_id=user.pk,
        status=Status.CONFIRMED,
        attendance__in=[Attendance.ATTENDED, Attendance.PARTIAL],
    ).first()


@transaction.atomic
def rate_session(user: User, event: EventPage, *, score: int, comment: str = "") -> SessionRating:
    """An attendee rates a lecturer-led session after it (1–5); rating again updates it."""
    if not event.is_lecturer_led:
        raise RatingNotAllowed(_("Only lecturer-led sessions are rated."))
    if not event.has_ended():
        raise RatingNotAllowed(_("You can rate the session once it is over."))
    if score not in range(1, 6):
        raise InvalidInput(_("Choose a rating from 1 to 5."))
    registration = rating_registration(user, event)
    if registration is None:
        raise RatingNotAllowed(_("Only people who attended the session can rate it."))
    now = timezone.now()
    rating, created = SessionRating.objects.select_for_update().get_or_create(
        registration=registration,
        defaults={"score": score, "comment": comment.strip()[:1000], "created_at": now},
    )
    if not created:
        rating.score = score
        rating.comment = comment.strip()[:1000]
        rating.updated_at = now
        rating.save(update_fields=["score", "comment", "updated_at"])
    return rating


def sessions_taught(
    lecturer: LecturerProfile, *, kind: str | None = None, now: datetime | None = None
) -> QuerySet[EventPage]:
    """Events `lecturer` was assigned to teach that took place (ended, not cancelled)."""
    # The original only: an English version copies the lecturers but is the same session.
    queryset = originals(EventPage.objects.live()).filter(
        lecturer_links__lecturer=lecturer,
        cancelled_at__isnull=True,
        end__lte=now or timezone.now(),
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.distinct().order_by("start")


def teacher_ids(
    *, kind: str | None = None, at_least: int = 1, now: datetime | None = None
) -> QuerySet:
    """Ids of lecturers' users with at least `at_least` sessions taught (of `kind`)."""
    queryset = EventLecturer.objects.filter(
        page__live=True, page__cancelled_at__isnull=True, page__end__lte=now or timezone.now()
    )
    if kind:
        queryset = queryset.filter(page__kind=kind)
    return ids_with_at_least(queryset, "lecturer__user_id", "page_id", at_least)


def rated_lecturer_ids(*, at_least: int = 1) -> QuerySet:
    """Ids of lecturers' users with at least `at_least` ratings of their sessions."""
    queryset = SessionRating.objects.filter(registration__event__lecturer_links__isnull=False)
    user = "registration__event__lecturer_links__lecturer__user_id"
    return ids_with_at_least(queryset, user, "pk", at_least)


@dataclass
class LecturerRatings:
    count: int
    average: float | None
    ratings: QuerySet[SessionRating]


def lecturer_ratings(lecturer: LecturerProfile) -> LecturerRatings:
    """Attendees' ratings of the sessions `lecturer` taught: how many, the mean, and each one."""
    ratings = (
        SessionRating.objects.filter(registration__event__lecturer_links__lecturer=lecturer)
        .select_related("registration__event")
        .distinct()
    )
    summary = SessionRating.objects.filter(pk__in=ratings.values("pk")).aggregate(
        count=Count("pk"), average=Avg("score")
    )
    average = summary["average"]
    return LecturerRatings(
        count=summary["count"],
        average=round(float(average), 2) if average is not None else None,
        ratings=ratings,
    )
