from django.db import migrations

from academy import roles


def grant(apps, schema_editor):
    # Editors run the academy's content and see its figures; the other staff groups see them too.
    roles.grant_model_permissions(
        apps, roles.ACADEMY_EDITORS, "growth", "questionnaire", ["view", "add", "change"]
    )
    roles.grant_model_permissions(apps, roles.ACADEMY_EDITORS, "growth", "diagnosis", ["view"])
    roles.grant_model_permissions(
        apps, roles.ACADEMY_EDITORS, "growth", "stageoverride", ["view", "add"]
    )
    for group in (roles.ACADEMY_EDITORS, roles.CERTIFICATION_OFFICERS, roles.EVENT_STAFF):
        roles.grant_model_permissions(apps, group, "growth", "diagnosis", ["view_reports"])


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0001_diagnosis_team"),
        ("academy", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
