from django.db import migrations

from academy import roles

TOP_INDUSTRIES = [
    ("商家自营", "self-operated", 10),
    ("生活服务", "local-services", 20),
    ("餐饮", "catering", 30),
    ("商业服务", "business-services", 40),
    ("工具", "tools", 50),
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    for name in roles.STAFF_GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(roles.permission(apps, "wagtailadmin", "admin", "access_admin"))

    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    # Editors publish courses, cases and articles anywhere in the tree and manage media.
    if root_page:
        roles.grant_page_permissions(
            apps, roles.ACADEMY_EDITORS, root_page, ["add", "change", "publish", "lock", "unlock"]
        )
        # Event staff schedule event pages; the events app narrows this to its own index.
        roles.grant_page_permissions(
            apps, roles.EVENT_STAFF, root_page, ["add", "change", "publish"]
        )
    if root_collection:
        for group in (roles.ACADEMY_EDITORS, roles.EVENT_STAFF):
            for model in ("image", "document"):
                app_label = "wagtailimages" if model == "image" else "wagtaildocs"
                roles.grant_collection_permissions(
                    apps, group, root_collection, app_label, model, ["add", "change", "choose"]
                )
    roles.grant_model_permissions(
        apps, roles.ACADEMY_EDITORS, "academy", "industry", ["view", "add", "change"]
    )
    for group in roles.STAFF_GROUPS:
        roles.grant_model_permissions(apps, group, "academy", "provider", ["view"])
        roles.grant_model_permissions(apps, group, "academy", "lecturerprofile", ["view"])
    roles.grant_model_permissions(
        apps, roles.CERTIFICATION_OFFICERS, "academy", "lecturerprofile", ["change"]
    )
    roles.grant_model_permissions(apps, roles.EVENT_STAFF, "academy", "membership", ["view"])


def create_top_industries(apps, schema_editor):
    Industry = apps.get_model("academy", "Industry")
    for name, slug, order in TOP_INDUSTRIES:
        Industry.objects.get_or_create(slug=slug, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0002_people_pages_search"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(create_top_industries, migrations.RunPython.noop),
    ]
