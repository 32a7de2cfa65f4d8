"""A GIN index on ``title || body`` of the search index table, on PostgreSQL (issue 18).

modelsearch's PostgreSQL backend finds the matches with ``(title || body) @@ query``. Its own
GIN indexes are on ``title`` and on ``body`` alone and cannot answer that expression, so every
query matched the vectors of every row: 292 ms for a rare word among 20,000 Protokolle, growing
with the archive. An index on the expression itself answers it (8.8 ms in the same database;
bench/search.py). A no-op on other databases. Building it reads the whole table once and holds
writes to it meanwhile (about 6 s for 20,000 Protokolle).
"""

from django.db import migrations

NAME = "om_search_title_body_gin"


def create_on(schema_editor, table: str) -> None:
    """The index on ``table``; also called by bench/search.py for modelsearch's own table."""
    quoted = schema_editor.quote_name(table)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON {quoted} USING gin ((title || body))")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        create_on(schema_editor, apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("om_search", "0005_spelling_words")]

    operations = [migrations.RunPython(create_index, drop_index)]
