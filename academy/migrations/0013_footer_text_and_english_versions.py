"""Wagtail's localisation on: an English locale, and the footer's text as a translatable snippet.

Existing pages already carry the default (zh-hans) locale. The footer note moves from the site
settings (one value per site) into FooterText (one per language); the home page's English
headline fields go, its English version being a translation of the page (seed_demo makes one).
"""

import uuid

import django.db.models.deletion
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


def create_content_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)


def footer_note_to_footer_text(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    SiteSettings = apps.get_model("academy", "SiteSettings")
    FooterText = apps.get_model("academy", "FooterText")
    if FooterText.objects.exists():
        return
    # One footer for the academy: the default site's note (there is one site).
    note = (
        SiteSettings.objects.exclude(footer_note="")
        .order_by("-site__is_default_site", "pk")
        .values_list("footer_note", flat=True)
        .first()
    )
    if note:
        original = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
        FooterText.objects.create(body=note, locale=original, translation_key=uuid.uuid4())


def footer_text_to_footer_note(apps, schema_editor):
    FooterText = apps.get_model("academy", "FooterText")
    SiteSettings = apps.get_model("academy", "SiteSettings")
    text = FooterText.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if text:
        SiteSettings.objects.update(footer_note=text.body)


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0012_outgoing_mail"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="FooterText",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("translation_key", models.UUIDField(default=uuid.uuid4, editable=False)),
                ("body", wagtail.fields.RichTextField(verbose_name="text")),
                (
                    "locale",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="wagtailcore.locale",
                        verbose_name="locale",
                    ),
                ),
            ],
            options={
                "verbose_name": "footer text",
                "verbose_name_plural": "footer texts",
                "abstract": False,
                "unique_together": {("translation_key", "locale")},
            },
        ),
        migrations.RunPython(create_content_locales, migrations.RunPython.noop),
        migrations.RunPython(footer_note_to_footer_text, footer_text_to_footer_note),
        migrations.RemoveField(model_name="homepage", name="hero_intro_en"),
        migrations.RemoveField(model_name="homepage", name="hero_title_en"),
        migrations.RemoveField(model_name="sitesettings", name="footer_note"),
    ]
