import secrets

from django.db import migrations, models

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def fill_page_slugs(apps, schema_editor):
    """A random public page address for every holder who has none (idempotent)."""
    Recipient = apps.get_model("certification", "Recipient")
    taken = set(Recipient.objects.exclude(page_slug=None).values_list("page_slug", flat=True))
    for recipient in Recipient.objects.filter(page_slug=None).only("pk"):
        slug = "".join(secrets.choice(ALPHABET) for _ in range(12))
        while slug in taken:
            slug = "".join(secrets.choice(ALPHABET) for _ in range(12))
        taken.add(slug)
        Recipient.objects.filter(pk=recipient.pk).update(page_slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0011_response_flagged_for_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="recipient",
            name="page_slug",
            field=models.CharField(
                editable=False,
                max_length=20,
                null=True,
                unique=True,
                verbose_name="public page address",
            ),
        ),
        migrations.RunPython(fill_page_slugs, migrations.RunPython.noop),
    ]
