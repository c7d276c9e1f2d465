"""The search index in a new format: tagged tokens under rank ids, rebuilt from every entry.

Each word of an entry is indexed under a tag for where it is (a name, a person or a place, or
the prose) and how it may be found (as written, by stem, by a transliteration key), so that a
search ranks every match by level, and the document's id in the index (its rank id) orders
entries of the same level (``vigil.directory.search.documents``).  The old tables are dropped
and made again, and the index rebuilt: about 4 minutes at 100,000 entries (search waits on
PostgreSQL for the rebuild to finish).  The vocabulary of names now holds keys of another
form, so it is emptied and refilled by the rebuild.

Not reversible: the code before it cannot read this index.
"""

from typing import Any

from django.db import migrations

CARDS = (
    "CREATE TABLE directory_search_card (organisation_id bigint NOT NULL PRIMARY KEY, "
    "rank_id bigint NOT NULL UNIQUE, card text NOT NULL)"
)


def forwards(apps: Any, schema_editor: Any) -> None:
    from vigil.directory.search import backends, documents, indexing

    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"directory search supports SQLite and PostgreSQL, not {vendor}")
    backend = backends.current()
    schema_editor.execute("DROP TABLE IF EXISTS directory_search")
    schema_editor.execute("DROP TABLE IF EXISTS directory_search_card")
    schema_editor.execute(CARDS)
    for sql in backend.CREATE:
        schema_editor.execute(sql)
    schema_editor.execute("DELETE FROM directory_search_term")
    documents.forget_places()  # read the regions through this migration's models
    indexing.rebuild_all(apps.get_model("directory", "Organisation"))
    documents.forget_places()


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_search_facets")]

    operations = [migrations.RunPython(forwards)]
