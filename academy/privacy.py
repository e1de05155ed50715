"""The privacy notice and consents: which notice is in force, who accepted which version, and the
optional consents people give and withdraw in My academy (docs/privacy.md).

- Accepting the notice is recorded at sign-up (academy/forms.py) and, when a version that changes
  materially takes effect, on the accept page that PrivacyNoticeMiddleware sends signed-in people
  to. A version that is not a material change is shown, never re-asked.
- Optional consents (marketing e-mail; the profile in the lecturer directory and the provider
  showcase) are separate, off until given, and every grant or withdrawal is a ConsentRecord row:
  the latest row is the current choice. For the directory, LecturerProfile.listed mirrors the
  latest profile_listing row so the directory stays one filter; set_consent is its only writer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import localisation
from .models import ConsentRecord, LecturerProfile, PrivacyNotice, User

Kind = ConsentRecord.Kind
Source = ConsentRecord.Source
OPTIONAL_KINDS = (Kind.MARKETING_EMAIL, Kind.PROFILE_LISTING)

# The version signed-in people must have accepted, so pages cost no query for it: kept in this
# process for a minute (other processes learn of a new version within that), behind it in the
# shared cache for five; both are cleared when a notice is saved or deleted (signals.py), and both
# expire because a version saved with a future effective date starts to count without a save.
REQUIRED_CACHE_KEY = "privacy:required-notice-version"
REQUIRED_CACHE_SECONDS = 300
REQUIRED_MEMO_SECONDS = 60
_required_memo: dict = {"version": None, "until": 0.0}
# The version this session's person has accepted, so the middleware asks the database once.
SESSION_ACCEPTED = "privacy_notice_accepted"


def current_notice(language: str | None = None) -> PrivacyNotice | None:
    """The notice in force today, in the reader's content language if it has that version, else
    the original's."""
    original = (
        PrivacyNotice.originals()
        .filter(effective_date__lte=timezone.localdate())
        .order_by("-version")
        .first()
    )
    if original is None:
        return None
    return notice_in_language(original, language)


def notice_in_language(original: PrivacyNotice, language: str | None = None) -> PrivacyNotice:
    wanted = localisation.content_language(language)
    if original.locale.language_code == wanted:
        return original
    return (
        PrivacyNotice.objects.filter(
            translation_key=original.translation_key, locale__language_code=wanted
        ).first()
        or original
    )


def notice_version(version: int, language: str | None = None) -> PrivacyNotice | None:
    original = PrivacyNotice.originals().filter(version=version).first()
    return notice_in_language(original, language) if original else None


def current_version() -> int | None:
    return (
        PrivacyNotice.originals()
        .filter(effective_date__lte=timezone.localdate())
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )


def required_version() -> int:
    """The latest version in force that changed materially (0: there is no notice yet)."""
    now = time.monotonic()
    if _required_memo["version"] is not None and now < _required_memo["until"]:
        return _required_memo["version"]
    version = cache.get(REQUIRED_CACHE_KEY)
    if version is None:
        version = (
            PrivacyNotice.originals()
            .filter(effective_date__lte=timezone.localdate(), material_change=True)
            .aggregate(v=Max("version"))["v"]
            or 0
        )
        cache.set(REQUIRED_CACHE_KEY, version, REQUIRED_CACHE_SECONDS)
    remember_required_version(version, now=now)
    return version


def remember_required_version(version: int, *, now: float | None = None) -> None:
    """Keep `version` as this process's answer for a minute (tests start from 0: no notice)."""
    _required_memo.update(version=version, until=(now or time.monotonic()) + REQUIRED_MEMO_SECONDS)


def forget_required_version(**kwargs) -> None:
    _required_memo.update(version=None, until=0.0)
    cache.delete(REQUIRED_CACHE_KEY)


def accepted_version(user) -> int:
    """The highest notice version `user` accepted (0: none)."""
    return (
        ConsentRecord.objects.filter(user=user, kind=Kind.PRIVACY_NOTICE, granted=True).aggregate(
            v=Max("notice_version")
        )["v"]
        or 0
    )


def must_accept(request) -> bool:
    """Whether the signed-in person has yet to accept the notice version in force."""
    required = required_version()
    if not required:
        return False
    known = request.session.get(SESSION_ACCEPTED)
    if known is not None and known >= required:
        return False
    accepted = accepted_version(request.user)
    request.session[SESSION_ACCEPTED] = accepted
    return accepted < required


@transaction.atomic
def accept_notice(user, *, source: str, request=None) -> ConsentRecord | None:
    """Record that `user` accepted the notice in force now (None when there is none)."""
    version = current_version()
    if version is None:
        return None
    record = ConsentRecord.objects.create(
        user=user, kind=Kind.PRIVACY_NOTICE, granted=True, notice_version=version, source=source
    )
    if request is not None:
        request.session[SESSION_ACCEPTED] = version
    return record


def consents(user) -> dict[str, ConsentRecord | None]:
    """The latest record of each optional consent (None: never given)."""
    latest: dict[str, ConsentRecord | None] = dict.fromkeys(OPTIONAL_KINDS)
    rows = ConsentRecord.objects.filter(user=user, kind__in=OPTIONAL_KINDS).order_by("at", "pk")
    for row in rows:
        latest[row.kind] = row
    return latest


def has_consent(user, kind: str) -> bool:
    latest = ConsentRecord.objects.filter(user=user, kind=kind).order_by("-at", "-pk").first()
    return bool(latest and latest.granted)


@transaction.atomic
def set_consent(
    user, kind: str, granted: bool, *, source: str, recorded_by: User | None = None
) -> ConsentRecord | None:
    """Give or withdraw an optional consent; a history row, and its effect at once.

    Returns None when the choice is already the current one (no row for a non-change).
    """
    if kind not in OPTIONAL_KINDS:
        raise ValueError(f"{kind} is not an optional consent")
    # Lock the person so two clicks write one row each in order, never two conflicting latest.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if has_consent(user, kind) == granted:
        if kind == Kind.PROFILE_LISTING:
            LecturerProfile.objects.filter(user=user).update(listed=granted)
        return None
    record = ConsentRecord.objects.create(
        user=user,
        kind=kind,
        granted=granted,
        notice_version=current_version(),
        source=source,
        recorded_by=recorded_by,
    )
    if kind == Kind.PROFILE_LISTING:
        LecturerProfile.objects.filter(user=user).update(listed=granted)
    return record


def marketing_recipients():
    """People whose latest marketing_email choice is a yes: the only ones news may be sent to."""
    from django.db.models import OuterRef, Subquery

    latest = ConsentRecord.objects.filter(user=OuterRef("pk"), kind=Kind.MARKETING_EMAIL).order_by(
        "-at", "-pk"
    )
    return (
        User.objects.filter(is_active=True)
        .annotate(marketing=Subquery(latest.values("granted")[:1]))
        .filter(marketing=True)
    )


def history(user):
    return ConsentRecord.objects.filter(user=user).select_related("recorded_by")


@dataclass
class ConsentChoice:
    kind: str
    label: str
    explanation: str
    granted: bool
    since: object


def choices_for(user) -> list[ConsentChoice]:
    from django.utils.translation import gettext as _

    explanations = {
        Kind.MARKETING_EMAIL: _(
            "Occasional e-mail about new courses, events and programmes. Messages about your "
            "account, registrations and certificates are sent either way."
        ),
        Kind.PROFILE_LISTING: _(
            "Your name, photo, city, specialties and certificates shown in the public lecturer "
            "directory and on the provider showcase, once you hold a valid certificate."
        ),
    }
    latest = consents(user)
    return [
        ConsentChoice(
            kind=kind,
            label=str(Kind(kind).label),
            explanation=explanations[kind],
            granted=bool(latest[kind] and latest[kind].granted),
            since=latest[kind].at if latest[kind] else None,
        )
        for kind in OPTIONAL_KINDS
    ]
