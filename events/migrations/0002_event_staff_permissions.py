"""Give "Event staff" the events app's own permissions: see registrations, e-mails sent and
ratings, and check people in (which includes recording attendance). Idempotent."""

from django.db import migrations

from academy import roles

GRANTS = [
    ("registration", ["view", "check_in"]),
    ("notification", ["view"]),
    ("sessionrating", ["view"]),
]


def grant_event_staff(apps, schema_editor):
    for model, actions in GRANTS:
        roles.grant_model_permissions(apps, roles.EVENT_STAFF, "events", model, actions)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("academy", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_event_staff, migrations.RunPython.noop)]
