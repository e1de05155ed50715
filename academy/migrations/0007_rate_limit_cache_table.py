"""The database cache's table (settings.DATABASE_CACHE_TABLE), which production uses for rate limits
when REDIS_URL is unset. A migration rather than a separate `createcachetable` step, so that every
path that migrates — `make setup`, `make serve`, a deployment's `migrate` — creates it."""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # createcachetable does nothing when the table already exists: safe to run again.
    call_command(
        "createcachetable",
        settings.DATABASE_CACHE_TABLE,
        database=schema_editor.connection.alias,
        verbosity=0,
    )


def drop_cache_table(apps, schema_editor):
    table = settings.DATABASE_CACHE_TABLE
    if table in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("academy", "0006_lecturer_authorisations")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
