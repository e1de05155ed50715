"""Give the staff groups and Wagtail's default moderation workflow Chinese names.

Wagtail shows group, workflow and task names as stored (the "Submit to %(workflow_name)s" action
read 提交给Moderators approval), so they are stored in the academy's working language rather
than translated at display time, which Wagtail offers no hook for. Wagtail's own migrations that
look groups up by name ("Moderators", "Editors") all come before the ones this depends on.
Idempotent; a name already in use is left alone.
"""

from django.db import migrations

from academy import roles

RENAMES = [
    (
        "auth.Group",
        [
            ("Academy editors", "学院编辑"),
            ("Event staff", "活动工作人员"),
            ("Certification officers", "认证专员"),
            # Wagtail's default groups and workflow, created by its migrations in English.
            ("Moderators", "审核员"),
            ("Editors", "编辑"),
        ],
    ),
    ("wagtailcore.Workflow", [("Moderators approval", "审核员审批")]),
    ("wagtailcore.Task", [("Moderators approval", "审核员审批")]),
]


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0010_searchdocument_page"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [roles.rename_operation(RENAMES)]
