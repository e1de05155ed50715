from django.db import migrations

from academy import roles


def grant(apps, schema_editor):
    # Editors review providers' public profiles; every staff group sees the enquiries report,
    # as they see the academy's other reports.
    roles.grant_model_permissions(
        apps,
        roles.ACADEMY_EDITORS,
        "showcase",
        "showcaseprofile",
        ["view", "moderate_showcaseprofile"],
    )
    roles.grant_model_permissions(apps, roles.ACADEMY_EDITORS, "showcase", "partnerneed", ["view"])
    for group in (roles.ACADEMY_EDITORS, roles.CERTIFICATION_OFFICERS, roles.EVENT_STAFF):
        roles.grant_model_permissions(apps, group, "showcase", "enquiry", ["view_enquiry_report"])


class Migration(migrations.Migration):
    dependencies = [
        ("showcase", "0001_profiles_enquiries_partners"),
        ("academy", "0003_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
