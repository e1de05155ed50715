"""The academy's staff groups and the helpers data migrations use to grant them permissions.

Each app grants its own models' permissions in a data migration of its own (events gives
"Event staff" its registrations, certification gives officers its certificates), so no app needs
to know another's models. All helpers take the migration's `apps` and are idempotent.
"""

# Group names are data that Wagtail shows as they are stored (user editor, group list, workflow
# tasks), never through a catalogue, so they are stored in the academy's working language. The
# English names they had are kept for the rename migration (academy 0011) and for readers.
ACADEMY_EDITORS = "学院编辑"  # Academy editors
EVENT_STAFF = "活动工作人员"  # Event staff
CERTIFICATION_OFFICERS = "认证专员"  # Certification officers
STAFF_GROUPS = (ACADEMY_EDITORS, EVENT_STAFF, CERTIFICATION_OFFICERS)


def permission(apps, app_label: str, model: str, codename: str):
    """The Permission row, created if post_migrate has not made it yet (fresh databases)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    perm, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"},
    )
    return perm


def grant_model_permissions(apps, group_name: str, app_label: str, model: str, actions) -> None:
    """Give `group_name` Django permissions such as view/add/change on one model."""
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=group_name)
    for action in actions:
        codename = action if "_" in action else f"{action}_{model}"
        group.permissions.add(permission(apps, app_label, model, codename))


def grant_page_permissions(apps, group_name: str, page, actions) -> None:
    """Give `group_name` Wagtail page permissions (add, change, publish…) on `page` and below."""
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for action in actions:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=page,
            permission=permission(apps, "wagtailcore", "page", f"{action}_page"),
        )


def grant_collection_permissions(
    apps, group_name: str, collection, app_label: str, model: str, actions
) -> None:
    """Give `group_name` image/document permissions in `collection` and below."""
    Group = apps.get_model("auth", "Group")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for action in actions:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=collection,
            permission=permission(apps, app_label, model, f"{action}_{model}"),
        )


def rename_by_name(apps, renames, reverse: bool = False) -> None:
    """Rename rows by their `name`: `renames` lists ("app_label.Model", [(old, new), …]).

    For names stored in the academy's language (groups, workflows, tasks). Idempotent: a name
    already in use is left alone, so a database that has both keeps both.
    """
    for model_name, pairs in renames:
        model = apps.get_model(model_name)
        for old, new in pairs:
            if reverse:
                old, new = new, old
            if not model.objects.filter(name=new).exists():
                model.objects.filter(name=old).update(name=new)


def rename_operation(renames):
    """A RunPython operation applying `renames` with rename_by_name (and undoing them)."""
    from django.db import migrations

    return migrations.RunPython(
        lambda apps, schema_editor: rename_by_name(apps, renames),
        lambda apps, schema_editor: rename_by_name(apps, renames, reverse=True),
    )
