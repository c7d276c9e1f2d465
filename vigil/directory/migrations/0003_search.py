"""The search index: FTS5 on SQLite, a tsvector column with a GIN index on PostgreSQL.

Both hold the same token documents, built in Python by ``vigil.directory.search``.
"""

from typing import Any

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE directory_search USING fts5("
    "names, body, sort_name UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TABLE directory_search_term (term varchar(100) NOT NULL PRIMARY KEY)",
]
POSTGRES = [
    "CREATE TABLE directory_search ("
    "organisation_id bigint NOT NULL PRIMARY KEY, names text NOT NULL, body text NOT NULL, "
    "sort_name text NOT NULL, document tsvector NOT NULL)",
    "CREATE INDEX directory_search_document ON directory_search USING gin (document)",
    "CREATE TABLE directory_search_term (term varchar(100) NOT NULL PRIMARY KEY)",
]


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"directory search supports SQLite and PostgreSQL, not {vendor}")
    for sql in SQLITE if vendor == "sqlite" else POSTGRES:
        schema_editor.execute(sql)
    # The rows are built by 0004_search_cards, once the table beside the index exists.


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS directory_search")
    schema_editor.execute("DROP TABLE IF EXISTS directory_search_term")


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_region_tree")]

    operations = [migrations.RunPython(create, drop)]
