"""The search documents gain the tokens of the region and topic filters (``search._facets``).

A filtered search was the full-text match joined to the organisations' region or topic links:
at 100,000 entries 40-300 ms on either database.  Each document now holds ``r<id>`` for its
regions and every region above them and ``t<id>`` for its topics, and a filter is one more
token to match.  The index was rebuilt here so that existing entries have them; it is now
rebuilt by 0008_search_relevance_levels, in the format of the search code of today.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_search_narrow_rows")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
