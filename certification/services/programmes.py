"""Programme rules: whether a person meets a programme's requirements, with the evidence.

A programme's requirements are grouped: requirements in one group are alternatives (OR) and every
group must hold (AND). Each requirement reads the other apps only through their service
functions (courses.services, events.services, certification.services.exams).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from academy import batches, outbox
from academy.errors import AcademyError
from academy.models import LecturerProfile
from courses import questions_services
from courses import services as courses_services
from events import services as events_services

from ..models import (
    ApprovalApplication,
    Attempt,
    AuditEntry,
    Certificate,
    Programme,
    Requirement,
)
from . import course_certificates
from .exams import exam_pass

Kind = Requirement.Kind


class ProgrammeError(AcademyError):
    """A programme rule said no (applying when it is not allowed…)."""


class ApplicationNotAllowed(ProgrammeError):
    pass


@dataclass
class RequirementProgress:
    requirement: Requirement
    met: bool
    current: float
    target: float
    label: str
    evidence: list[str] = field(default_factory=list)
    missing: str = ""

    @property
    def percent(self) -> int:
        if self.met:
            return 100
        if not self.target:
            return 0
        return max(0, min(99, int(100 * self.current / self.target)))


@dataclass
class GroupProgress:
    number: int
    items: list[RequirementProgress]

    @property
    def met(self) -> bool:
        return any(item.met for item in self.items)

    @property
    def percent(self) -> int:
        return max((item.percent for item in self.items), default=0)

    @property
    def is_choice(self) -> bool:
        return len(self.items) > 1


@dataclass
class ProgrammeProgress:
    programme: Programme
    groups: list[GroupProgress]

    @property
    def complete(self) -> bool:
        return bool(self.groups) and all(group.met for group in self.groups)

    @property
    def percent(self) -> int:
        if not self.groups:
            return 0
        return round(sum(group.percent for group in self.groups) / len(self.groups))

    @property
    def missing(self) -> list[RequirementProgress]:
        return [item for group in self.groups if not group.met for item in group.items]


def _once(cache: dict, key, compute):
    """cache[key], computed the first time only (dict.setdefault would run the query on every
    call just to build its default). `cache` holds one person's evaluation."""
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _lecturer(user, cache: dict) -> LecturerProfile | None:
    return _once(cache, "lecturer", lambda: LecturerProfile.objects.filter(user_id=user.pk).first())


def _num(value) -> str:
    """70.00 → "70", 78.50 → "78.5": scores as people write them."""
    return f"{Decimal(value).normalize():f}"


def _date(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def _course(user, req: Requirement, cache: dict) -> RequirementProgress:
    title = req.course.title if req.course else "?"
    completed = courses_services.course_completion(user, req.course_id)
    label = _("Complete the course “%(title)s”") % {"title": title}
    if completed:
        return RequirementProgress(
            req, True, 1, 1, label, [_("Completed on %(date)s") % {"date": _date(completed)}]
        )
    return RequirementProgress(req, False, 0, 1, label, missing=_("Course not completed yet."))


def _exam(user, req: Requirement, cache: dict) -> RequirementProgress:
    minimum = req.min_score if req.min_score is not None else Decimal(req.exam.pass_mark)
    label = _("Pass the exam “%(title)s” with at least %(score)s%%") % {
        "title": req.exam.title,
        "score": _num(minimum),
    }
    result = exam_pass(user, req.exam)  # the exam row came with the requirement
    if result is not None and result.score >= minimum:
        return RequirementProgress(
            req,
            True,
            float(result.score),
            float(minimum),
            label,
            [
                _("Passed with %(score)s%% on %(date)s")
                % {"score": _num(result.score), "date": _date(result.passed_at)}
            ],
        )
    missing = _("Not passed yet.")
    current = 0.0
    if result is not None:
        current = float(result.score)
        missing = _("Best passing score %(score)s%% is below the minimum.") % {
            "score": _num(result.score)
        }
    return RequirementProgress(req, False, current, float(minimum), label, missing=missing)


def _events_attended(user, req: Requirement, cache: dict) -> RequirementProgress:
    events = list(events_services.events_attended(user, kind=req.event_kind or None)[:50])
    label = ngettext("Attend %(count)d event", "Attend %(count)d events", req.count) % {
        "count": req.count
    }
    if req.event_kind:
        label += f" ({req.event_kind})"
    evidence = [f"{event.title} · {_date(event.start)}" for event in events[: req.count]]
    met = len(events) >= req.count
    missing = (
        ""
        if met
        else ngettext(
            "%(count)d more event to attend.",
            "%(count)d more events to attend.",
            req.count - len(events),
        )
        % {"count": req.count - len(events)}
    )
    return RequirementProgress(req, met, len(events), req.count, label, evidence, missing)


def _sessions_taught(user, req: Requirement, cache: dict) -> RequirementProgress:
    label = ngettext(
        "Teach %(count)d session as lecturer", "Teach %(count)d sessions as lecturer", req.count
    ) % {"count": req.count}
    lecturer = _lecturer(user, cache)
    events = (
        list(events_services.sessions_taught(lecturer, kind=req.event_kind or None)[:50])
        if lecturer
        else []
    )
    met = len(events) >= req.count
    evidence = [f"{event.title} · {_date(event.start)}" for event in events[: req.count]]
    missing = (
        ""
        if met
        else ngettext(
            "%(count)d more session to teach.",
            "%(count)d more sessions to teach.",
            req.count - len(events),
        )
        % {"count": req.count - len(events)}
    )
    return RequirementProgress(req, met, len(events), req.count, label, evidence, missing)


def _rating(user, req: Requirement, cache: dict) -> RequirementProgress:
    label = _("Average attendee rating of at least %(rating)s from %(count)d ratings") % {
        "rating": _num(req.min_rating),
        "count": req.count,
    }
    lecturer = _lecturer(user, cache)
    if lecturer is None:
        return RequirementProgress(
            req, False, 0, float(req.min_rating), label, missing=_("No ratings yet.")
        )
    ratings = _once(cache, "ratings", lambda: events_services.lecturer_ratings(lecturer))
    average = ratings.average or 0.0
    evidence = []
    if ratings.count:
        evidence.append(
            _("Average %(average).2f from %(count)d ratings")
            % {"average": average, "count": ratings.count}
        )
    enough = ratings.count >= req.count
    good = ratings.average is not None and Decimal(str(ratings.average)) >= req.min_rating
    if enough and good:
        return RequirementProgress(req, True, average, float(req.min_rating), label, evidence)
    if not enough:
        missing = ngettext(
            "%(count)d more rating needed.",
            "%(count)d more ratings needed.",
            req.count - ratings.count,
        ) % {"count": req.count - ratings.count}
        # Progress by the number of ratings until there are enough to judge the average.
        return RequirementProgress(req, False, ratings.count, req.count, label, evidence, missing)
    missing = _("Average rating below the minimum.")
    return RequirementProgress(req, False, average, float(req.min_rating), label, evidence, missing)


def _approval(user, req: Requirement, cache: dict) -> RequirementProgress:
    label = _("Approval by a certification officer")
    application = _once(
        cache,
        ("application", req.programme_id),
        lambda: (
            ApprovalApplication.objects.filter(applicant_id=user.pk, programme_id=req.programme_id)
            .select_related("reviewed_by")
            .first()
        ),
    )
    if application is None:
        return RequirementProgress(req, False, 0, 1, label, missing=_("Apply for review."))
    if application.status == ApprovalApplication.Status.APPROVED:
        evidence = [_("Approved on %(date)s") % {"date": _date(application.reviewed_at)}]
        if application.notes:
            evidence.append(application.notes)
        return RequirementProgress(req, True, 1, 1, label, evidence)
    if application.status == ApprovalApplication.Status.REJECTED:
        return RequirementProgress(
            req,
            False,
            0,
            1,
            label,
            [application.notes] if application.notes else [],
            _("Application declined; you may apply again."),
        )
    return RequirementProgress(
        req, False, 0.5, 1, label, missing=_("Application waiting for review.")
    )


def _accepted_answers(user, req: Requirement, cache: dict) -> RequirementProgress:
    label = ngettext(
        "Answer %(count)d learner's question (answer accepted by the asker)",
        "Answer %(count)d learners' questions (answers accepted by the askers)",
        req.count,
    ) % {"count": req.count}
    answers = list(questions_services.accepted_answers(user)[:50])
    met = len(answers) >= req.count
    evidence = [f"{a.question.title} · {_date(a.accepted_at)}" for a in answers[: req.count]]
    missing = (
        ""
        if met
        else ngettext(
            "%(count)d more accepted answer.",
            "%(count)d more accepted answers.",
            req.count - len(answers),
        )
        % {"count": req.count - len(answers)}
    )
    return RequirementProgress(req, met, len(answers), req.count, label, evidence, missing)


EVALUATORS = {
    Kind.COURSE_COMPLETED: _course,
    Kind.COURSE_CERTIFICATE: course_certificates.requirement_progress,
    Kind.EXAM_PASSED: _exam,
    Kind.EVENTS_ATTENDED: _events_attended,
    Kind.SESSIONS_TAUGHT: _sessions_taught,
    Kind.RATING: _rating,
    Kind.OFFICER_APPROVAL: _approval,
    Kind.ACCEPTED_ANSWERS: _accepted_answers,
}


def programme_progress(
    user, programme: Programme, *, cache: dict | None = None
) -> ProgrammeProgress:
    """Each requirement of `programme` for `user`: met or not, evidence, what is missing.

    `cache` carries what one evaluation of `user` looked up (their lecturer record, ratings,
    applications) to the next programme evaluated for them; pass the same dict for one person
    only."""
    requirements = getattr(programme, "_prefetched_objects_cache", {}).get("requirements")
    if requirements is None:
        requirements = programme.requirements.select_related("course", "exam").all()
    cache = {} if cache is None else cache
    groups: dict[int, list[RequirementProgress]] = {}
    for requirement in requirements:
        groups.setdefault(requirement.group, []).append(
            EVALUATORS[requirement.kind](user, requirement, cache)
        )
    return ProgrammeProgress(
        programme, [GroupProgress(number, items) for number, items in sorted(groups.items())]
    )


def programmes_with_requirements() -> QuerySet[Programme]:
    """Active programmes with rules, each with its requirements (and their course and exam)."""
    return (
        Programme.objects.filter(is_active=True, requirements__isnull=False)
        .distinct()
        .prefetch_related(
            Prefetch("requirements", queryset=Requirement.objects.select_related("course", "exam"))
        )
    )


# --- The daily sweep ------------------------------------------------------------------------------
# Issuing normally follows the fact that completes a programme (its re-check, queued by
# issuing.check_programmes_later). The sweep catches what no fact announces (a session counts as taught once the event has ended) and what
# was lost or failed (a re-check task that errored, a programme that changed, data fixed by hand).


def _evidence_holders(requirement: Requirement, now) -> QuerySet:
    """Ids of the users with evidence that may meet `requirement`: a superset (e.g. a pass below
    the minimum score, or ratings below the minimum average); the evaluator decides."""
    if requirement.kind == Kind.COURSE_COMPLETED:
        return courses_services.learners_who_completed(requirement.course_id)
    if requirement.kind == Kind.COURSE_CERTIFICATE:
        return course_certificates.holder_ids(requirement.course_id)
    if requirement.kind == Kind.EXAM_PASSED:
        return Attempt.objects.filter(
            exam_id=requirement.exam_id, state=Attempt.State.GRADED, passed=True
        ).values("user_id")
    if requirement.kind == Kind.EVENTS_ATTENDED:
        return events_services.attendee_ids(
            kind=requirement.event_kind or None, at_least=requirement.count
        )
    if requirement.kind == Kind.SESSIONS_TAUGHT:
        return events_services.teacher_ids(
            kind=requirement.event_kind or None, at_least=requirement.count, now=now
        )
    if requirement.kind == Kind.RATING:
        return events_services.rated_lecturer_ids(at_least=requirement.count)
    if requirement.kind == Kind.OFFICER_APPROVAL:
        return ApprovalApplication.objects.filter(
            programme_id=requirement.programme_id, status=ApprovalApplication.Status.APPROVED
        ).values("applicant_id")
    if requirement.kind == Kind.ACCEPTED_ANSWERS:
        return questions_services.lecturers_with_accepted_answers(at_least=requirement.count)
    raise ValueError(requirement.kind)


def candidates(programme: Programme, now=None) -> QuerySet:
    """People who may now meet `programme` and hold no current certificate of it.

    Evidence for every requirement group (an alternative of each); no valid certificate (renewal
    is renew_due's) and none revoked (an officer decides those); an active account with a name to
    print (a nameless one is re-checked when the name is given).
    """
    now = now or timezone.now()
    groups: dict[int, Q] = {}
    for requirement in programme.requirements.all():
        groups[requirement.group] = groups.get(requirement.group, Q()) | Q(
            pk__in=_evidence_holders(requirement, now)
        )
    if not groups:
        return get_user_model().objects.none()
    people = get_user_model().objects.filter(is_active=True).exclude(display_name="")
    for evidence in groups.values():
        people = people.filter(evidence)
    current = Certificate.objects.filter(
        holder_id=OuterRef("pk"),
        programme_id=programme.pk,
        status__in=[Certificate.Status.VALID, Certificate.Status.REVOKED],
    )
    return people.exclude(Exists(current)).order_by("pk")


def sweep_programmes(now=None) -> int:
    """Queue issuing for every candidate who meets an active programme now (the daily job).

    Issuing is idempotent (the holder's lock, one current certificate per cycle), so a candidate
    whose re-check is issuing meanwhile still ends with one certificate. Each candidate on
    their own: an evaluation that fails is logged and tried again the next day. Returns how
    many issues were queued.
    """
    from .. import tasks

    queued = 0
    for programme in programmes_with_requirements():

        def check(holder, programme=programme) -> bool:
            if not programme_progress(holder, programme).complete:
                return False
            outbox.enqueue(tasks.issue_certificate, holder.pk, programme.pk)
            return True

        queued += batches.run(
            candidates(programme, now), check, job=f"programme sweep {programme.slug}"
        ).done
    return queued


@transaction.atomic
def apply_for_approval(user, programme: Programme, statement: str = "") -> ApprovalApplication:
    """File (or refile after a refusal) the officer-approval application for `programme`."""
    if not programme.requirements.filter(kind=Kind.OFFICER_APPROVAL).exists():
        raise ApplicationNotAllowed(_("This programme does not need an officer's approval."))
    application, created = ApprovalApplication.objects.select_for_update().get_or_create(
        applicant=user, programme=programme, defaults={"statement": statement[:4000]}
    )
    if not created:
        if application.status == ApprovalApplication.Status.APPROVED:
            raise ApplicationNotAllowed(_("Your application is already approved."))
        application.status = ApprovalApplication.Status.PENDING
        application.statement = statement[:4000]
        application.reviewed_at = None
        application.save(update_fields=["status", "statement", "reviewed_at"])
    return application


@transaction.atomic
def review_application(
    application: ApprovalApplication, *, by, approve: bool, notes: str = ""
) -> ApprovalApplication:
    """An officer's decision, recorded in the audit log; approval may complete the programme."""
    application = ApprovalApplication.objects.select_for_update().get(pk=application.pk)
    application.status = (
        ApprovalApplication.Status.APPROVED if approve else ApprovalApplication.Status.REJECTED
    )
    application.notes = notes
    application.reviewed_by = by
    application.reviewed_at = timezone.now()
    application.save()
    AuditEntry.objects.create(
        action=AuditEntry.Action.APPROVED if approve else AuditEntry.Action.REJECTED,
        actor=by,
        programme_id=application.programme_id,
        subject_id=application.applicant_id,
        reason=notes,
    )
    if approve:
        from .issuing import check_programmes_later

        check_programmes_later(application.applicant_id)
    return application
