"""Give "Certification officers" the programme and certificate permissions: edit programmes and
their requirements, see certificates and the audit log, award, revoke, review applications and
set the printed signature/seal. Idempotent."""

from django.db import migrations

from academy import roles

GRANTS = [
    ("programme", ["view", "add", "change"]),
    ("requirement", ["view", "add", "change", "delete"]),
    ("certificate", ["view", "award_certificate", "revoke_certificate"]),
    ("approvalapplication", ["view", "change"]),
    ("auditentry", ["view"]),
    ("bulkissue", ["view", "add"]),
    ("certificatesettings", ["view", "change"]),
]


def grant_officers(apps, schema_editor):
    for model, actions in GRANTS:
        roles.grant_model_permissions(
            apps, roles.CERTIFICATION_OFFICERS, "certification", model, actions
        )


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0003_programme_requirements_lifecycle"),
        ("academy", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(grant_officers, migrations.RunPython.noop)]
