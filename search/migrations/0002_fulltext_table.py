"""The embedded backend's full-text table over SearchDocument's token columns.

SQLite gets an FTS5 table keyed by SearchDocument.id; the tokens are already
analyzed, so FTS5 only splits on spaces (unicode61 keeps CJK words whole).
"""

from django.db import migrations

CREATE = """
CREATE VIRTUAL TABLE IF NOT EXISTS search_fulltext USING fts5(
    title, keywords, body, pinyin, code,
    tokenize = 'unicode61 remove_diacritics 0'
)
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fulltext")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
