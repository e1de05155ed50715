from django.db import migrations

from academy import roles


def grant(apps, schema_editor):
    # Editors look into providers' learning assignments (and may correct a date or cancel one).
    roles.grant_model_permissions(
        apps, roles.ACADEMY_EDITORS, "growth", "assignment", ["view", "change"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0004_team_assignments_removals_join_link"),
        ("academy", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
