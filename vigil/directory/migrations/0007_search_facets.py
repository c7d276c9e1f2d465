"""The search documents gain the tokens of the region and topic filters (``search._facets``).

A filtered search was the full-text match joined to the organisations' region or topic links:
at 100,000 entries 40-300 ms on either database.  Each document now holds ``r<id>`` for its
regions and every region above them and ``t<id>`` for its topics, and a filter is one more
token to match.  The index is rebuilt so that existing entries have them.
"""

from typing import Any

from django.db import migrations


def rebuild(apps: Any, schema_editor: Any) -> None:
    from vigil.directory.search import forget_places, rebuild_all

    forget_places()  # read the regions through this migration's models
    rebuild_all(apps.get_model("directory", "Organisation"))
    forget_places()


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_search_narrow_rows")]

    operations = [migrations.RunPython(rebuild, rebuild)]
