import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def link_documents_to_their_pages(apps, schema_editor):
    """Point every page document at its Page row; idempotent."""
    SearchDocument = apps.get_model("academy", "SearchDocument")
    Page = apps.get_model("wagtailcore", "Page")
    page_documents = SearchDocument.objects.filter(
        content_type__app_label="wagtailcore", content_type__model="page"
    )
    # A document whose page is gone can never be shown again: drop it rather than keep its text.
    page_documents.exclude(object_id__in=Page.objects.values("pk")).delete()
    page_documents.filter(page__isnull=True).update(page_id=F("object_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0009_provider_name_key_join_requests"),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="page",
            field=models.ForeignKey(
                blank=True,
                help_text="The page this document indexes; empty for objects that are not pages.",
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.WAGTAIL_PAGE_MODEL,
            ),
        ),
        migrations.RunPython(link_documents_to_their_pages, migrations.RunPython.noop),
    ]
