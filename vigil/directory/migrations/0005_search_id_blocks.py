"""PostgreSQL: the GIN index of the search covers the document plus a token of its id block.

``search._postgres_ids`` reads a common word block by block of 4,096 ids (``document || 'b<n>'
@@ q & b<n>``): a GIN scan cannot stop at a LIMIT, so without the block token it decodes every
posting of the word.  The expression replaces the plain index (plain queries use it as well);
nothing changes on SQLite, whose FTS5 reads matches in id order and stops at the LIMIT.
"""

from typing import Any

from django.db import migrations

#: Must stay the expression of ``search._BLOCKED``.
EXPRESSION = "(document || array_to_tsvector(ARRAY['b' || (organisation_id / 4096)::text]))"


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS directory_search_document")
    schema_editor.execute(
        f"CREATE INDEX directory_search_blocked ON directory_search USING gin ({EXPRESSION})"
    )


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS directory_search_blocked")
    schema_editor.execute(
        "CREATE INDEX directory_search_document ON directory_search USING gin (document)"
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_search_cards")]

    operations = [migrations.RunPython(forwards, backwards)]
