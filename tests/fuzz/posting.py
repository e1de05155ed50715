"""Posting every public and member form (and the project's own staff forms) with junk in each
field in turn: never a 5xx, and a refused submission writes nothing (tests in test_fuzz.py).

The fields come from the rendered page (lxml reads its <form>), so a field added to a form is
fuzzed without touching this file; `baseline` holds valid values for the other fields, so that
the junk in one field reaches as deep as it can. A submission counts as refused when the answer
is a 4xx, when the page comes back with a bound form that has errors, or when the view added an
error message; then the row counts of every model of the project (and of users and their
e-mail addresses) must be what they were before.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import lxml.html
import pytest
from django.apps import apps
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import reverse

from .conftest import ROLES
from .junk import KINDS, form_value
from .urlmap import PROJECT_APPS

JUNK_KINDS = [k for k in KINDS if k != "nul"]
# Names views read from request.POST beyond their forms' fields.
EXTRA_FIELDS = ["next", "action", "q"]
PASSWORD = "Fuzz#2026-long-enough"


@dataclass
class FormCase:
    id: str
    role: str
    page: Callable  # world -> URL of the page that shows the form
    action: str = ""  # a part of the form's action that picks it ("" for the first POST form)
    baseline: dict = field(default_factory=dict)  # valid values to start from
    fields: tuple = ()  # fields to post when the page does not show the form now
    post_to: Callable | None = None  # world -> URL, when the page does not show the form


def _page_url(world, class_name: str, suffix: str = "") -> str:
    for page_type, page in world.pages.items():
        if page_type.__name__ == class_name:
            return page.url + suffix
    raise LookupError(class_name)


def _ticket(world, role="member") -> str:
    return _page_url(world, "EventIndexPage", f"registrations/{world.registrations[role].pk}/")


CASES = [
    # --- anonymous visitors
    FormCase(
        "signup",
        "anonymous",
        lambda w: reverse("account_signup"),
        baseline={
            "email": "fuzz.signup@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "display_name": "模糊测试",
            "company_choice": "create",
            "new_provider_name": "模糊测试有限公司",
            "new_provider_city": "杭州",
        },
    ),
    FormCase(
        "login",
        "anonymous",
        lambda w: reverse("account_login"),
        baseline={"login": "member@example.com", "password": "wrong-password"},
    ),
    FormCase(
        "password-reset",
        "anonymous",
        lambda w: reverse("account_reset_password"),
        baseline={"email": "member@example.com"},
    ),
    FormCase(
        "verify-serial",
        "anonymous",
        lambda w: reverse("verify_index"),
        action=reverse("verify_index"),
        baseline={"serial": lambda w: w.certificate.serial},
    ),
    FormCase(
        "verify-upload",
        "anonymous",
        lambda w: reverse("verify_index"),
        action="upload",
    ),
    FormCase(
        "set-language",
        "anonymous",
        lambda w: "/",
        fields=("language", "next"),
        baseline={"language": "en", "next": "/"},
        post_to=lambda w: reverse("set_language"),
    ),
    # --- members
    FormCase(
        "event-signup",
        "member",
        lambda w: w.signup_event.url,
        action="register/",
        baseline={"company": "杭州云栈科技有限公司", "job_role": "工程师", "note": ""},
    ),
    FormCase(
        "event-signup-by-slug",
        "member",
        lambda w: w.signup_event.url,
        fields=("company", "job_role", "note"),
        baseline={"company": "杭州云栈科技有限公司", "job_role": "工程师"},
        post_to=lambda w: reverse("events:register", args=[w.signup_event.slug]),
    ),
    FormCase("event-cancel", "member", _ticket, action="cancel/"),
    FormCase(
        "event-rate",
        "member",
        lambda w: w.signup_event.url,
        fields=("score", "comment"),
        baseline={"score": "5", "comment": "很好"},
        post_to=lambda w: w.signup_event.url + "rate/",
    ),
    FormCase(
        "exam-start",
        "member",
        lambda w: reverse("exams:detail", args=[w.exam.slug]),
        action="/start/",
        fields=(),
        post_to=lambda w: reverse("exams:start", args=[w.exam.slug]),
    ),
    FormCase(
        "exam-answer",
        "member",
        lambda w: reverse("exams:attempt", args=[w.attempts["member"].pk]),
        action="/answer/",
    ),
    FormCase(
        "exam-submit",
        "provider_admin",
        lambda w: reverse("exams:submit", args=[w.attempts["provider_admin"].pk]),
        action="/submit/",
    ),
    FormCase(
        "programme-apply",
        "member",
        lambda w: reverse("programme_detail", args=[w.programme.slug]),
        action="/apply/",
        fields=("statement",),
        baseline={"statement": "我已完成全部课程。"},
        post_to=lambda w: reverse("programme_apply", args=[w.programme.slug]),
    ),
    FormCase(
        "course-enrol",
        "member",
        lambda w: _page_url(w, "CoursePage"),
        action="enrol/",
        post_to=lambda w: _page_url(w, "CoursePage", "enrol/"),
    ),
    FormCase(
        "knowledge-check",
        "member",
        lambda w: w.check_lesson.url,
        action="check/",
        post_to=lambda w: w.check_lesson.url + "check/",
    ),
    FormCase(
        "lesson-complete",
        "member",
        lambda w: _page_url(w, "LessonPage"),
        action="complete/",
        post_to=lambda w: _page_url(w, "LessonPage", "complete/"),
    ),
    FormCase(
        "add-email",
        "member",
        lambda w: reverse("account_email"),
        action=reverse("account_email"),
        baseline={"email": "fuzz.second@example.com", "action_add": ""},
    ),
    FormCase(
        "change-password",
        "member",
        lambda w: reverse("account_change_password"),
        baseline={"oldpassword": "wrong", "password1": PASSWORD, "password2": PASSWORD},
    ),
    # --- provider admins
    FormCase(
        "diagnosis-start",
        "provider_admin",
        lambda w: reverse("growth:diagnosis"),
        action="/start/",
        post_to=lambda w: reverse("growth:diagnosis_start"),
    ),
    FormCase(
        "diagnosis-step",
        "provider_admin",
        lambda w: reverse(
            "growth:diagnosis_step",
            args=[w.diagnosis_draft.pk, w.diagnosis_draft.directions[0]],
        ),
    ),
    FormCase(
        "team-invite",
        "provider_admin",
        lambda w: reverse("growth:team"),
        action="/invite/",
        baseline={"email": "fuzz.colleague@example.com", "role": "member"},
    ),
    FormCase(
        "team-role",
        "provider_admin",
        lambda w: reverse("growth:team"),
        action="/role/",
        baseline={"role": "member"},
    ),
    FormCase(
        "team-remove",
        "provider_admin",
        # The button is on the confirmation page (the team page only links to it).
        lambda w: reverse("growth:team_remove", args=[w.member_membership.pk]),
        action="/remove/",
    ),
    FormCase(
        "team-revoke",
        "provider_admin",
        lambda w: reverse("growth:team_revoke", args=[w.invitation.pk]),
        action="/revoke/",
    ),
    FormCase(
        "join-invitation",
        "member",
        lambda w: reverse("growth:join", args=[w.invitation.token]),
        fields=(),
        post_to=lambda w: reverse("growth:join", args=[w.invitation.token]),
    ),
    # --- staff: the project's own forms (Wagtail's admin forms are Wagtail's)
    FormCase(
        "check-in-code",
        "staff",
        lambda w: w.signup_event.url + "check-in/",
        action="",
        fields=("code",),
        baseline={"code": "ABCD-EFGH"},
        post_to=lambda w: w.signup_event.url + "check-in/",
    ),
    FormCase(
        "check-in-registration",
        "staff",
        lambda w: w.signup_event.url + "check-in/",
        fields=("registration",),
        baseline={"registration": lambda w: str(w.registrations["member"].pk)},
        post_to=lambda w: w.signup_event.url + "check-in/",
    ),
    FormCase(
        "grade-short-answer",
        "staff",
        lambda w: reverse("exams_admin:grade", args=[w.short_response.pk]),
        fields=("points", "feedback"),
        baseline={"points": "1", "feedback": "好"},
    ),
    FormCase(
        "import-questions",
        "staff",
        lambda w: reverse("exams_admin:import"),
        baseline={"bank": lambda w: str(w.bank.pk)},
    ),
    FormCase(
        "certificate-award",
        "staff",
        lambda w: reverse("certification_admin:award"),
    ),
    FormCase(
        "certificate-bulk",
        "staff",
        lambda w: reverse("certification_admin:bulk_issue"),
    ),
    FormCase(
        "certificate-revoke",
        "staff",
        lambda w: reverse("certification_admin:revoke", args=[w.certificate.pk]),
        baseline={"reason": "测试"},
    ),
    FormCase(
        "certificate-reissue",
        "staff",
        lambda w: reverse("certification_admin:reissue", args=[w.certificate.pk]),
        baseline={"reason": "测试"},
    ),
    FormCase(
        "event-attendance",
        "staff",
        lambda w: reverse("events_admin:attendance", args=[w.signup_event.pk]),
    ),
    FormCase(
        "event-cancel-by-staff",
        "staff",
        lambda w: reverse("events_admin:cancel", args=[w.signup_event.pk]),
    ),
    FormCase(
        "event-duplicate",
        "staff",
        lambda w: reverse("events_admin:duplicate", args=[w.signup_event.pk]),
    ),
]


def read_form(html: str, action: str) -> tuple[str, dict[str, list[str]], list[str]] | None:
    """(action, {field: values}, file fields) of the first POST form whose action contains
    `action`, as a browser would submit it untouched; None when the page has none."""
    document = lxml.html.fromstring(html or "<html></html>")
    for form in document.forms:
        if (form.method or "GET").upper() != "POST" or action not in (form.action or ""):
            continue
        values: dict[str, list[str]] = {}
        files, radios = [], {}  # radios: {name: the first choice}
        for element in form.xpath(".//input|.//select|.//textarea|.//button"):
            name = element.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            kind = (element.get("type") or "").lower()
            if element.tag == "input" and kind == "file":
                files.append(name)
            elif kind in ("checkbox", "radio"):
                if kind == "radio":
                    radios.setdefault(name, element.get("value", "on"))
                if element.checked:
                    values.setdefault(name, []).append(element.get("value", "on"))
            elif element.tag == "select":
                options = element.xpath(".//option")
                chosen = [o.get("value", o.text or "") for o in options if o.get("selected")]
                first = [options[0].get("value", options[0].text or "")] if options else []
                values.setdefault(name, chosen or first)
            elif element.tag == "button" or kind in ("submit", "image"):
                values.setdefault(name, [element.get("value", "")])
            else:
                values.setdefault(name, [element.value or ""])
        for name, first in radios.items():
            values.setdefault(name, [first])
        return form.action or "", values, files
    return None


def _counted_models():
    models = [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]
    return models + [apps.get_model("account", "EmailAddress")]


def counts() -> dict[str, int]:
    """Rows per table of every model of the project (users included), in one query."""
    models = _counted_models()
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(models, row, strict=True)}


def refused(response) -> bool:
    if response.status_code >= 400:
        return True
    for message in messages.get_messages(response.wsgi_request):
        if message.level >= messages.ERROR:
            return True
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm | BaseFormSet) and value.is_bound and value.errors:
                return True
    return False


def _submissions(case: FormCase, fields: list[str], files: list[str]):
    """(description, field, junk): each field with a kind of junk rotating with the field,
    then every field at once with NUL (refused before any view: academy.middleware) and with
    one more kind."""
    seed = zlib.crc32(case.id.encode())
    for index, name in enumerate(fields + files):
        kind = JUNK_KINDS[(seed + index) % len(JUNK_KINDS)]
        yield f"{name}={kind}", name, form_value(kind, seed + index)
    yield "all=nul", None, form_value("nul", seed)
    kind = JUNK_KINDS[(seed + len(fields) + len(files)) % len(JUNK_KINDS)]
    yield f"all={kind}", None, form_value(kind, seed)


def _file(value: str) -> SimpleUploadedFile:
    body = value.encode("utf-8", "surrogatepass")
    return SimpleUploadedFile("junk\x00.pdf" if "\x00" in value else "junk.pdf", body)


def case_param(case: FormCase):
    return pytest.param(case, id=case.id)


def post_junk(world, case: FormCase) -> list[str]:
    """Post the form with junk in each field; the failures, described."""
    assert case.role in ROLES
    client = Client(raise_request_exception=False)
    if world.users[case.role] is not None:
        client.force_login(world.users[case.role])
    page = client.get(case.page(world))
    assert page.status_code < 500, f"GET {case.page(world)} -> {page.status_code}"
    found = read_form(page.content.decode(errors="replace"), case.action)
    if found is None:
        assert case.post_to is not None, f"no form matching {case.action!r} on the page"
        found = case.post_to(world), {name: [""] for name in case.fields}, []
    action, values, files = found
    url = case.post_to(world) if case.post_to is not None else (action or case.page(world))
    for name, value in case.baseline.items():
        values[name] = [value(world) if callable(value) else value]
    fields = list(values) + [n for n in EXTRA_FIELDS if n not in values]
    failures = []
    for description, target, junk in _submissions(case, fields, files):
        data = {name: list(v) for name, v in values.items()}
        for name in fields if target is None else [target]:
            if name not in files:
                data[name] = [junk]
        for name in files:
            if target in (None, name):
                data[name] = _file(junk)
        before = counts()
        response = client.post(url, data)
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            failures.append(
                f"{description}: POST {url} -> {response.status_code}"
                + (f": {exc[0].__name__}: {str(exc[1])[:200]}" if exc else "")
            )
        elif refused(response) and counts() != before:
            after = counts()
            changed = {k: (before[k], after[k]) for k in after if after[k] != before[k]}
            failures.append(f"{description}: refused ({response.status_code}) but wrote {changed}")
        if world.users[case.role] is not None and not response.wsgi_request.user.is_authenticated:
            client.force_login(world.users[case.role])
    return failures
