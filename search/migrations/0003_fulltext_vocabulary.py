"""FTS5's vocabulary view of the full-text table: document frequency per term.

The embedded backend reads it to leave very common terms out of a query,
as Lucene's common-terms cutoff does.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS search_vocabulary USING fts5vocab(search_fulltext, 'row')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_vocabulary")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext_table")]
    operations = [migrations.RunPython(create, drop)]
