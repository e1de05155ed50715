"""Who saw what: staff access to a person's data and exports carrying personal data, written to
Wagtail's audit log, so officers read them in Reports → Site history (docs/privacy.md).

- Opening a person's account in the Wagtail admin (Users → edit) is "academy.personal_data_viewed",
  logged against that person (wagtail_hooks.py, before_edit_user).
- Every CSV or XLSX export that carries personal data says so in its file name
  ("…-personal-data.csv") and is "academy.export_personal", logged against the person who
  exported it, with the file name, the page and its filters. Wagtail's exports are recognised by
  their columns (`carries_personal_data`) unless the view says `exports_personal_data = True/False`;
  the project's own download views pass `personal_data_for=request` to
  `exports.spreadsheet_response` (or `exports.csv_response`).
"""

from __future__ import annotations

from wagtail.log_actions import log

PERSONAL_SUFFIX = "-personal-data"

PERSONAL_DATA_VIEWED = "academy.personal_data_viewed"
EXPORT_PERSONAL = "academy.export_personal"

# Export columns (the last part of a field path) that hold something about a person.
PERSONAL_FIELDS = {
    "email",
    "display_name",
    "user_display_name",
    "username",
    "first_name",
    "last_name",
    "holder",
    "holder_name",
    "user",
    "actor",
    "subject",
    "applicant",
    "member",
    "lecturer",
    "attendee",
    "job_role",
    "note",
    "recipients",
}


def carries_personal_data(view) -> bool:
    declared = getattr(view, "exports_personal_data", None)
    if declared is not None:
        return bool(declared)
    for field in getattr(view, "list_export", None) or ():
        parts = str(field).replace("__", ".").split(".")
        if any(part in PERSONAL_FIELDS for part in parts):
            return True
    return False


def personal_filename(filename: str) -> str:
    """`team.csv` → `team-personal-data.csv`; a name without an extension gets the suffix."""
    if filename.endswith(PERSONAL_SUFFIX) or PERSONAL_SUFFIX + "." in filename:
        return filename
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        return filename + PERSONAL_SUFFIX
    return f"{stem}{PERSONAL_SUFFIX}.{extension}"


def log_personal_export(request, filename: str, *, rows: int | None = None) -> None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    log(
        user,
        EXPORT_PERSONAL,
        user=user,
        title=filename,
        data={
            "filename": filename,
            "path": request.path,
            "query": request.GET.urlencode(),
            "rows": rows,
        },
    )


def log_personal_data_viewed(request, person, *, where: str = "") -> None:
    log(
        person,
        PERSONAL_DATA_VIEWED,
        user=request.user,
        data={"path": request.path, "where": where},
    )


def register_actions(actions) -> None:
    from django.utils.translation import gettext_lazy as _
    from wagtail.log_actions import LogFormatter

    @actions.register_action(PERSONAL_DATA_VIEWED)
    class PersonalDataViewed(LogFormatter):
        label = _("Viewed a person's data")

        def format_message(self, log_entry):
            return _("Viewed the personal data of %(person)s") % {"person": log_entry.label}

    @actions.register_action(EXPORT_PERSONAL)
    class PersonalDataExported(LogFormatter):
        label = _("Exported personal data")

        def format_message(self, log_entry):
            return _("Exported personal data: %(file)s") % {
                "file": log_entry.data.get("filename", log_entry.label)
            }

    @actions.register_action("academy.retention_applied")
    class RetentionApplied(LogFormatter):
        label = _("Applied the retention schedule")

        def format_message(self, log_entry):
            counts = log_entry.data.get("counts", {})
            removed = ", ".join(f"{name} {count}" for name, count in counts.items() if count)
            return _("Applied the retention schedule; removed: %(removed)s") % {
                "removed": removed or "0"
            }
