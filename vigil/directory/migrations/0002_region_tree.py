from typing import Any

from django.db import migrations


def create_tree(apps: Any, schema_editor: Any) -> None:
    from vigil.directory.regions import ensure_region_tree

    ensure_region_tree(apps.get_model("directory", "Region"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create_tree, migrations.RunPython.noop)]
