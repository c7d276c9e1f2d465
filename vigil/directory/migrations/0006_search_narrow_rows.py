"""PostgreSQL: the rows of the search table keep only the id, names and sort name in the heap.

Every GIN read of the search (``search._postgres_ids``) visits the heap row of each match for
its id.  With the body and the tsvector inline or half inline, the 100,000 rows of a real
import took 185 MB (23,700 pages, more than the default shared_buffers) and a common word
read most of them: 50–190 ms per query.  Pushed out to TOAST (``toast_tuple_target`` 128,
names and sort name kept in the row with ``STORAGE MAIN`` because ranking reads them), the
heap is 28 MB (3,500 pages); the body and document are read from TOAST only by ``ts_rank``
on at most RANKED rows.  CLUSTER rewrites the existing rows so (in id order, which the
block-wise reads follow).  Nothing changes on SQLite.
"""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE directory_search SET (toast_tuple_target = 128)")
    schema_editor.execute(
        "ALTER TABLE directory_search ALTER names SET STORAGE MAIN, "
        "ALTER sort_name SET STORAGE MAIN"
    )
    schema_editor.execute("CLUSTER directory_search USING directory_search_pkey")


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE directory_search RESET (toast_tuple_target)")
    schema_editor.execute(
        "ALTER TABLE directory_search ALTER names SET STORAGE EXTENDED, "
        "ALTER sort_name SET STORAGE EXTENDED"
    )
    schema_editor.execute("ALTER TABLE directory_search SET WITHOUT CLUSTER")


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_search_id_blocks")]

    operations = [migrations.RunPython(forwards, backwards)]
