from django.db import migrations

from academy import roles


def officers_view_course_certificates(apps, schema_editor):
    roles.grant_model_permissions(
        apps, roles.CERTIFICATION_OFFICERS, "certification", "coursecertificate", ["view"]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0014_course_certificates"),
        ("academy", "0003_staff_groups"),
    ]

    operations = [
        migrations.RunPython(officers_view_course_certificates, migrations.RunPython.noop),
    ]
