from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import models, transaction

from vigil.audit.services import record

from .fields import BlindIndexField, EncryptedTextField


def encrypted_models() -> Iterator[tuple[type[models.Model], list[str], list[str]]]:
    """Each model with encrypted fields, the names of those fields and of its blind indexes."""
    for model in apps.get_models():
        encrypted = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if encrypted:
            blind = [f.name for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
            yield model, encrypted, blind


def rotate_encryption(*, batch_size: int = 500) -> Iterator[tuple[str, int]]:
    """Re-seal every encrypted value with the primary key and recompute blind indexes.

    Reading decrypts with whichever listed key sealed a value; saving seals with the first.
    Each batch is one transaction, so an interrupted rotation leaves readable data and can be
    run again.
    """
    for model, encrypted, blind in encrypted_models():
        done = 0
        last_pk = None
        manager = model._default_manager
        while True:
            batch_qs = manager.order_by("pk")
            if last_pk is not None:
                batch_qs = batch_qs.filter(pk__gt=last_pk)
            batch = list(batch_qs[:batch_size])
            if not batch:
                break
            for obj in batch:
                for name in blind:
                    field = model._meta.get_field(name)
                    assert isinstance(field, BlindIndexField)
                    setattr(obj, field.attname, field.index_for(getattr(obj, field.source)))
            with transaction.atomic():
                manager.bulk_update(batch, encrypted + blind)
            done += len(batch)
            last_pk = batch[-1].pk
        record(actor=None, action="key_rotation", target=model, rows=done)
        yield model._meta.label, done
