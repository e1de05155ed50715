"""Certificates issued before credentials carried a status list entry get one now (a random
free position, as issuing draws them), and their holders a credential subject id. Idempotent:
only rows still missing them are touched."""

import secrets
import uuid

from django.db import migrations

SIZE = 131_072
CAPACITY = SIZE // 2


def allocate(apps, schema_editor):
    Certificate = apps.get_model("certification", "Certificate")
    StatusList = apps.get_model("certification", "StatusList")
    Recipient = apps.get_model("certification", "Recipient")

    for holder_id in (
        Certificate.objects.filter(holder__credential_recipient__isnull=True)
        .values_list("holder_id", flat=True)
        .distinct()
    ):
        Recipient.objects.get_or_create(
            holder_id=holder_id,
            defaults={"subject_uuid": uuid.uuid4(), "salt": secrets.token_hex(16)},
        )

    missing = list(Certificate.objects.filter(status_list__isnull=True).order_by("pk"))
    if not missing:
        return
    status_list = StatusList.objects.filter(allocated__lt=CAPACITY).order_by("pk").first()
    if status_list is None:
        status_list = StatusList.objects.create()
    taken = set(
        Certificate.objects.filter(status_list=status_list).values_list("status_index", flat=True)
    )
    for certificate in missing:
        if status_list.allocated >= CAPACITY:
            status_list = StatusList.objects.create()
            taken = set()
        index = secrets.randbelow(SIZE)
        while index in taken:
            index = secrets.randbelow(SIZE)
        taken.add(index)
        status_list.allocated += 1
        certificate.status_list = status_list
        certificate.status_index = index
        certificate.save(update_fields=["status_list", "status_index"])
        status_list.save(update_fields=["allocated"])


class Migration(migrations.Migration):
    dependencies = [("certification", "0007_credential_recipient_status_list")]

    operations = [migrations.RunPython(allocate, migrations.RunPython.noop)]
