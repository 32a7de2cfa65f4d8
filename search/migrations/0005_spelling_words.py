"""The word table of "Meinten Sie …?" on the PostgreSQL search backend (issue 18).

``SpellingWord`` holds each word of live pages as written, its folded form and the number of
live pages having it; ``SpellingDocument`` what each indexed page added, so that a re-indexed,
unpublished or deleted page takes exactly that back. On PostgreSQL a trigram index on the
folded form (pg_trgm, migration 0004) finds the words like a typed one, through the function
``om_search_spelling_words`` (it sets pg_trgm's similarity threshold for its own query only,
so a lookup is one statement in or outside a transaction); on other databases the tables
exist and stay empty.
"""

import django.db.models.deletion
from django.db import migrations, models


TRIGRAM_INDEX = "om_search_spellingword_folded_trgm"
FUNCTION = "om_search_spelling_words(text, integer, real, integer)"
# The word itself if a live page has it (btree on ``folded``), else the words similar to it
# (trigram index) whose length differs by at most ``maxdist``. The threshold holds inside the
# function only; so does ``enable_seqscan = off``: the planner misjudges the selectivity of
# ``%`` and reads all 25,000 words of the bench corpus (118 ms) instead of the index (29 ms).
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION om_search_spelling_words(key text, maxdist integer, threshold real, lim integer)
RETURNS TABLE (word varchar, folded varchar, pages integer)
LANGUAGE plpgsql STABLE
SET pg_trgm.similarity_threshold = 0.3
SET enable_seqscan = off
AS $$
BEGIN
    RETURN QUERY SELECT w.word, w.folded, w.pages FROM {table} w WHERE w.folded = key AND w.pages > 0 LIMIT 1;
    IF FOUND THEN
        RETURN;
    END IF;
    PERFORM set_config('pg_trgm.similarity_threshold', threshold::text, true);
    RETURN QUERY
        SELECT w.word, w.folded, w.pages FROM {table} w
        WHERE w.folded %% key AND w.pages > 0
          AND length(w.folded) BETWEEN length(key) - maxdist AND length(key) + maxdist
        ORDER BY similarity(w.folded, key) DESC, w.pages DESC, w.word
        LIMIT lim;
END
$$
"""


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("om_search", "SpellingWord")._meta.db_table)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON {table} USING gin (folded gin_trgm_ops)")
    schema_editor.execute(CREATE_FUNCTION.replace("{table}", table))


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('om_search', '0004_pg_trgm'),
    ]

    operations = [
        migrations.CreateModel(
            name='SpellingWord',
            fields=[
                ('word', models.CharField(max_length=64, primary_key=True, serialize=False, verbose_name='Wort')),
                ('folded', models.CharField(db_index=True, max_length=64, verbose_name='Gefaltete Form')),
                ('pages', models.IntegerField(default=0, verbose_name='Seiten')),
            ],
            options={
                'verbose_name': 'Wort der Rechtschreibhilfe',
                'verbose_name_plural': 'Wörter der Rechtschreibhilfe',
            },
        ),
        migrations.CreateModel(
            name='SpellingDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.CharField(max_length=50, verbose_name='Objekt')),
                ('forms', models.TextField(blank=True, verbose_name='Wörter')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype', verbose_name='Inhaltstyp')),
            ],
            options={
                'verbose_name': 'Wörter einer Seite (Rechtschreibhilfe)',
                'verbose_name_plural': 'Wörter der Seiten (Rechtschreibhilfe)',
                'constraints': [models.UniqueConstraint(fields=('content_type', 'object_id'), name='om_search_spelling_document_key')],
            },
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
