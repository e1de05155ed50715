"""Give "Academy editors" the learners' questions: read, hide (change), delete, answer."""

from django.db import migrations

from academy.roles import ACADEMY_EDITORS, grant_model_permissions


def grant(apps, schema_editor):
    grant_model_permissions(
        apps,
        ACADEMY_EDITORS,
        "courses",
        "question",
        ["view", "change", "delete", "moderate_question"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_learner_questions"),
        ("academy", "0011_staff_group_names_in_chinese"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
