"""My data: a person sees what the academy holds about them and downloads it as a ZIP.

The ZIP (data.json and one CSV per section of academy/personal_data.py, each with its BOM) is
built by a task, kept in the private storage, e-mailed once as a link to a view that serves it to
its owner only, signed in, until it expires (MY_DATA_EXPORT_KEEP_DAYS); then the hourly job
deletes the file. One request per MY_DATA_EXPORT_EVERY_MINUTES: each export walks every table
that holds the person's data, so asking again and again must not become a way to load the site.
"""

from __future__ import annotations

import datetime
import io
import json
import secrets
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import ngettext

from . import mail, outbox, personal_data
from .errors import ActionRefused
from .exports import csv_document
from .models import DataExport, User
from .script import render_text
from .services import lock_person
from .templatetags.academy_tags import path_in_language

Status = DataExport.Status


class ExportTooSoon(ActionRefused):
    status = 429


def plain(value):
    """A cell as the files write it: local time without microseconds, text for lazy strings."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    if isinstance(value, Promise):
        return str(value)
    return value


def plain_rows(rows: list[dict]) -> list[dict]:
    return [{k: plain(v) for k, v in row.items()} for row in rows]


def next_export_at(user: User) -> datetime.datetime | None:
    """When the person may ask for another download, or None when they may now."""
    last = DataExport.objects.filter(user=user).order_by("-requested_at").first()
    if last is None:
        return None
    allowed = last.requested_at + datetime.timedelta(minutes=settings.MY_DATA_EXPORT_EVERY_MINUTES)
    return allowed if allowed > timezone.now() else None


def request_export(user: User, language: str = "") -> DataExport:
    """Queue a new download of the person's data, at most one per period (429 otherwise)."""
    from . import tasks

    with transaction.atomic():
        lock_person(user)  # two clicks at once: the second sees the first's row
        allowed = next_export_at(user)
        if allowed is not None:
            minutes = max(1, round((allowed - timezone.now()).total_seconds() / 60))
            raise ExportTooSoon(
                ngettext(
                    "You asked for a download a moment ago. You can ask again in %(n)d minute.",
                    "You asked for a download a moment ago. You can ask again in %(n)d minutes.",
                    minutes,
                )
                % {"n": minutes}
            )
        export = DataExport.objects.create(user=user, language=language)
        outbox.enqueue(tasks.build_data_export, export.pk)
    return export


def build_zip(user: User) -> bytes:
    """The person's data: data.json with every section, and <section>.csv for each."""
    collected = personal_data.collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        document = {
            "exported_at": plain(timezone.now()),
            "sections": {
                c.section.key: {"title": str(c.section.title), "rows": plain_rows(c.rows)}
                for c in collected
            },
        }
        archive.writestr(
            "data.json",
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for c in collected:
            rows = plain_rows(c.rows)
            columns = c.columns
            table = [columns] + [[row.get(k) for k in columns] for row in rows]
            archive.writestr(f"{c.section.key}.csv", csv_document(table).encode("utf-8"))
    return buffer.getvalue()


def build_export(export_id: int) -> bool:
    """Build a requested download (the task); False when there is nothing to do (run twice)."""
    from . import tasks

    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status != Status.REQUESTED:
            return False
        content = build_zip(export.user)
        # A random name: even a storage listing does not say whose file it is.
        export.file.save(f"{secrets.token_hex(16)}.zip", ContentFile(content), save=False)
        now = timezone.now()
        export.status = Status.READY
        export.size = len(content)
        export.ready_at = now
        export.expires_at = now + datetime.timedelta(days=settings.MY_DATA_EXPORT_KEEP_DAYS)
        export.save()
        outbox.enqueue(tasks.send_data_export_email, export.pk)
    return True


def send_export_email(export_id: int) -> bool:
    """E-mail the download link once, while the download is there."""

    def compose():
        export = (
            DataExport.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.status != Status.READY or export.expires_at <= timezone.now():
            return None
        language = (
            export.language
            if export.language in dict(settings.LANGUAGES)
            else settings.LANGUAGE_CODE
        )
        path = path_in_language(f"/my-academy/my-data/downloads/{export.pk}/", language)
        context = {
            "user": export.user,
            "link": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path,
            "expires": timezone.localtime(export.expires_at),
        }
        with translation.override(language):
            subject = render_text("academy/email/my_data_subject.txt", context, language)
            body = render_text("academy/email/my_data_message.txt", context, language)
        return EmailMultiAlternatives(" ".join(subject.split()), body, to=[export.user.email])

    return mail.send_once(
        f"my-data:export:{export_id}",
        kind="my_data_export",
        compose=compose,
        mark_sent=lambda: DataExport.objects.filter(pk=export_id).update(emailed_at=timezone.now()),
    )


def downloadable(user: User, export_id: int) -> DataExport:
    """The person's own ready, unexpired download; DoesNotExist for anything else (a 404)."""
    return DataExport.objects.get(
        pk=export_id,
        user_id=user.pk,
        status=Status.READY,
        expires_at__gt=timezone.now(),
    )


def expire_exports(now: datetime.datetime | None = None) -> int:
    """Delete the files of downloads past their expiry (the hourly job); returns how many."""
    now = now or timezone.now()
    done = 0
    for export in DataExport.objects.filter(status=Status.READY, expires_at__lte=now):
        with transaction.atomic():
            if export.file:
                export.file.delete(save=False)
            DataExport.objects.filter(pk=export.pk).update(status=Status.EXPIRED, file="", size=0)
            done += 1
    return done


def delete_exports(user: User) -> int:
    """Delete every download of the person, files first (their account is being closed)."""
    exports = list(DataExport.objects.filter(user=user))
    for export in exports:
        if export.file:
            export.file.delete(save=False)
    return DataExport.objects.filter(pk__in=[e.pk for e in exports]).delete()[0]
