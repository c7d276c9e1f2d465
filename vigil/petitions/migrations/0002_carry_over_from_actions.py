"""Carry a database over from the app's old label, "actions", to "petitions".

0001 replaces the old label's three migrations, so a database that has them counts it as
applied and its tables are still called ``actions_*``.  This migration renames them, moves the
content types (the permissions and the audit log's rows follow them), points queued tasks at
the new module, and recomputes the blind index of signers' e-mails, whose purpose is built from
the app's label (``core.fields.BlindIndexField.purpose``).  On a new database it finds nothing
to do.  The old rows in ``django_migrations`` stay: Django reads them to know 0001 is applied.
"""

from typing import Any

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Substr

OLD_LABEL = "actions"
OLD_MODULE = "vigil.actions."
NEW_MODULE = "vigil.petitions."
BATCH = 1000


def rename_tables(apps: Any, schema_editor: Any) -> None:
    tables = set(schema_editor.connection.introspection.table_names())
    for model in apps.get_app_config("petitions").get_models():
        old = f"{OLD_LABEL}_{model._meta.model_name}"
        if old in tables and model._meta.db_table not in tables:
            schema_editor.alter_db_table(model, old, model._meta.db_table)


def move_content_types(apps: Any, schema_editor: Any) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    types = content_type.objects.using(schema_editor.connection.alias)
    for old in types.filter(app_label=OLD_LABEL):
        # A row made for the new label with nothing pointing at it yet would block the move.
        types.filter(app_label="petitions", model=old.model).delete()
        old.app_label = "petitions"
        old.save(update_fields=["app_label"])


def point_tasks_at_the_new_module(apps: Any, schema_editor: Any) -> None:
    task = apps.get_model("django_tasks_database", "DBTaskResult")
    task.objects.using(schema_editor.connection.alias).filter(
        task_path__startswith=OLD_MODULE
    ).update(task_path=Concat(Value(NEW_MODULE), Substr("task_path", len(OLD_MODULE) + 1)))


def recompute_blind_indexes(apps: Any, schema_editor: Any) -> None:
    signature = apps.get_model("petitions", "Signature")
    field = signature._meta.get_field("email_index")
    signatures = signature.objects.using(schema_editor.connection.alias)
    rows = signatures.exclude(email_index=None)
    changed = []
    for row in rows.only("pk", "email", "email_index").iterator(chunk_size=BATCH):
        index = field.index_for(row.email)
        if index != row.email_index:
            row.email_index = index
            changed.append(row)
        if len(changed) == BATCH:
            signatures.bulk_update(changed, ["email_index"])
            changed = []
    signatures.bulk_update(changed, ["email_index"])


def forwards(apps: Any, schema_editor: Any) -> None:
    rename_tables(apps, schema_editor)
    move_content_types(apps, schema_editor)
    point_tasks_at_the_new_module(apps, schema_editor)
    recompute_blind_indexes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "__latest__"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
