"""Give "Certification officers" the exam side of certification: build question banks and
exams, set candidate overrides, see attempts and statistics, grade short answers. Idempotent."""

from django.db import migrations

from academy import roles

GRANTS = [
    ("questionbank", ["view", "add", "change", "delete"]),
    ("question", ["view", "add", "change", "delete"]),
    ("exam", ["view", "add", "change", "delete", "view_exam_statistics"]),
    ("examoverride", ["view", "add", "change", "delete"]),
    ("attempt", ["view", "grade_attempt"]),
]


def grant_officers(apps, schema_editor):
    for model, actions in GRANTS:
        roles.grant_model_permissions(
            apps, roles.CERTIFICATION_OFFICERS, "certification", model, actions
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0005_exam_settings_questions_attempts"),
        ("academy", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_officers, migrations.RunPython.noop)]
