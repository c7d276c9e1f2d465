"""What a search result shows of an entry, stored beside the index (``search.card_of``).

A page of results is then one read of this table instead of the entries and six related
tables.  The same SQL on SQLite and PostgreSQL.
"""

from typing import Any

from django.db import migrations

#: No foreign key, like the index table itself: a row goes when its entry is deleted or
#: unpublished (``search.remove``, called by the signals), and Django's test flush truncates
#: the organisations table, which PostgreSQL refuses while another table references it.
CREATE = (
    "CREATE TABLE directory_search_card ("
    "organisation_id bigint NOT NULL PRIMARY KEY, card text NOT NULL)"
)


def create(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(CREATE)
    # The rows are written by 0008_search_relevance_levels, which rebuilds the whole index.


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS directory_search_card")


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_search")]

    operations = [migrations.RunPython(create, drop)]
