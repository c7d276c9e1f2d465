"""A database from before the rename of the app ("actions") keeps every row as "petitions"."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django_tasks_db.models import DBTaskResult

from vigil.audit.models import AuditEvent
from vigil.core.crypto import blind_index, normalise_email
from vigil.core.fields import blind_index_for
from vigil.petitions.models import ConsentText, PaperBatch, Petition, Signature

OLD_MIGRATIONS = ("0001_initial", "0002_rate_counts", "0003_confirmation_outbox")
OLD_TASK = "vigil.actions.tasks.send_due_confirmations"
CARRY_OVER = ("petitions", "0002_carry_over_from_actions")


def _as_before_the_rename() -> None:
    """Put the database back in the state the code before the rename left it in."""
    with connection.schema_editor() as editor:
        for model in (ConsentText, Petition, Signature, PaperBatch):
            editor.alter_db_table(model, model._meta.db_table, f"actions_{model._meta.model_name}")
        # The signing counters were a table of their own then (vigil.core.throttle now).
        state = MigrationLoader(connection).project_state(CARRY_OVER)
        rate_count = state.apps.get_model("petitions", "RateCount")
        editor.create_model(rate_count)
        editor.alter_db_table(rate_count, rate_count._meta.db_table, "actions_ratecount")
    ContentType.objects.filter(app_label="petitions").update(app_label="actions")
    ContentType.objects.clear_cache()
    with connection.cursor() as cursor:
        old_index = blind_index(
            normalise_email("Signer@Example.org"), purpose="actions.signature.email"
        )
        cursor.execute("UPDATE actions_signature SET email_index = %s", [old_index])
    DBTaskResult.objects.update(task_path=OLD_TASK)
    recorder = MigrationRecorder(connection)
    recorder.migration_qs.filter(app="petitions").delete()
    for name in OLD_MIGRATIONS:
        recorder.record_applied("actions", name)


def _later_than_the_rename() -> set[tuple[str, str]]:
    """Migrations of other apps written after the rename: an old database has none of them."""
    graph = MigrationLoader(connection).graph
    later = set(graph.backwards_plan(CARRY_OVER)) - {CARRY_OVER}
    return {key for key in later if key[0] != "petitions"}


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_rename_keeps_every_row(staff: Any) -> None:
    consent = ConsentText.objects.create(version=1, text_ru="Согласие", text_en="Consent")
    petition = Petition.objects.create(
        slug="old", title_ru="Старая", title_en="Old", target="Прокурору", text_ru="Т",
        text_en="T", goal=5, closes_at="2099-01-01T00:00:00Z",
    )  # fmt: skip
    Signature.objects.create(
        petition=petition, consent=consent, name="Подписант", email="Signer@Example.org"
    )
    from vigil.petitions import tasks

    tasks.send_due_confirmations.enqueue()
    signature_type = ContentType.objects.get_for_model(Signature)
    AuditEvent.objects.create(actor=staff, action="view", target_type=signature_type)
    permissions = Permission.objects.filter(content_type=signature_type).count()
    later = _later_than_the_rename()
    _as_before_the_rename()
    recorder = MigrationRecorder(connection)
    for app, name in later:
        recorder.record_unapplied(app, name)
    assert "petitions_signature" not in connection.introspection.table_names()

    call_command("migrate", "petitions", verbosity=0)
    for app, name in later:  # their tables are there: this database only pretended to be old
        recorder.record_applied(app, name)

    ContentType.objects.clear_cache()
    tables = set(connection.introspection.table_names())
    assert {"petitions_petition", "petitions_signature"} <= tables
    assert "petitions_ratecount" not in tables  # moved to vigil.core.throttle
    assert not [t for t in tables if t.startswith("actions_")]
    assert Petition.objects.get().slug == "old"
    assert ContentType.objects.filter(app_label="actions").count() == 0
    signature_type = ContentType.objects.get_for_model(Signature)
    assert Permission.objects.filter(content_type=signature_type).count() == permissions > 0
    assert AuditEvent.objects.get().target_type == signature_type
    assert DBTaskResult.objects.get().task_path == "vigil.petitions.tasks.send_due_confirmations"
    index = blind_index_for(Signature, "email_index", "signer@example.org")
    assert Signature.objects.get(email_index=index).email == "Signer@Example.org"
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("petitions", "0001_initial") in applied
    assert CARRY_OVER in applied
