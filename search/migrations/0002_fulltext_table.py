"""The embedded backend's full-text table over SearchDocument's token columns.

SQLite gets an FTS5 table keyed by SearchDocument.id; the tokens are already
analyzed, so FTS5 only splits on spaces (unicode61 keeps CJK words whole).
PostgreSQL gets a weighted tsvector per document with a GIN index.
"""

from django.db import migrations

CREATE = """
CREATE VIRTUAL TABLE IF NOT EXISTS search_fulltext USING fts5(
    title, keywords, body, pinyin, code,
    tokenize = 'unicode61 remove_diacritics 0'
)
"""


CREATE_POSTGRES = [
    """
    CREATE TABLE IF NOT EXISTS search_fulltext_pg (
        doc_id bigint PRIMARY KEY REFERENCES search_searchdocument (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        vector tsvector NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS search_fulltext_pg_vector ON search_fulltext_pg USING GIN (vector)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)
    elif schema_editor.connection.vendor == "postgresql":
        for statement in CREATE_POSTGRES:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fulltext")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS search_fulltext_pg")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
