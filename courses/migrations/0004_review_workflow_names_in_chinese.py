"""Store the review workflow's and its task's names in Chinese (see academy 0011 for why)."""

from django.db import migrations

from academy import roles

RENAMES = [
    ("wagtailcore.Workflow", [("Course and case review", "课程与案例审核")]),
    ("wagtailcore.Task", [("Approval by a second editor", "第二位编辑审批")]),
]


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_protect_enrolments_and_progress"),
        ("academy", "0011_staff_group_names_in_chinese"),
    ]

    operations = [roles.rename_operation(RENAMES)]
