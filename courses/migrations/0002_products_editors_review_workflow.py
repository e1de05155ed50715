"""Seed the four platform products, give "Academy editors" the learning snippets, and create the
"Course and case review" workflow (a second editor approves), attached to any existing catalogue
and case listing. Idempotent; courses.moderation.ensure_review_workflow does the same at runtime."""

from django.db import migrations

from academy import roles

PRODUCTS = [
    ("小程序", "Mini-programs", "mini-program", 10),
    ("支付", "Payments", "payments", 20),
    ("企业微信", "Workplace", "workplace", 30),
    ("运营", "Operations", "operations", 40),
]
WORKFLOW_NAME = "Course and case review"
TASK_NAME = "Approval by a second editor"


def seed_products(apps, schema_editor):
    Product = apps.get_model("courses", "Product")
    for name, name_en, slug, order in PRODUCTS:
        Product.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


def grant_editors(apps, schema_editor):
    for model, actions in [
        ("learningpath", ["view", "add", "change", "delete"]),
        ("product", ["view", "add", "change"]),
        ("enrollment", ["view"]),
    ]:
        roles.grant_model_permissions(apps, roles.ACADEMY_EDITORS, "courses", model, actions)


def create_review_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    PeerReviewTask = apps.get_model("courses", "PeerReviewTask")
    Page = apps.get_model("wagtailcore", "Page")

    editors, _ = Group.objects.get_or_create(name=roles.ACADEMY_EDITORS)
    task_type, _ = ContentType.objects.get_or_create(app_label="courses", model="peerreviewtask")
    task = PeerReviewTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = PeerReviewTask.objects.create(name=TASK_NAME, active=True, content_type=task_type)
    task.groups.add(editors)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})

    index_types = ContentType.objects.filter(
        app_label="courses", model__in=["courseindexpage", "casestudyindexpage"]
    )
    for page in Page.objects.filter(content_type__in=index_types):
        WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("academy", "0003_staff_groups"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(seed_products, migrations.RunPython.noop),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
        migrations.RunPython(create_review_workflow, migrations.RunPython.noop),
    ]
