"""pg_trgm for "Meinten Sie …?" on the PostgreSQL search backend (issue 18).

The extension, and trigram indexes on the index table's plain text (the names modelsearch's
``enable_trigram`` uses, so either may create them), so that finding the pages with a word
like the typed one is an index scan. A no-op on other databases. pg_trgm is a trusted
extension (PostgreSQL 13+): the owner of the database may create it, no superuser needed.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {"modelsearch_title_text_trgm": "title_text", "modelsearch_body_text_trgm": "body_text"}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table)
    for name, column in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("om_search", "0003_document_digest"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [TrigramExtension(), migrations.RunPython(create_indexes, drop_indexes)]
