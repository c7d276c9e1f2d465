from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db import models, transaction

from vigil.audit.services import record

from .fields import BlindIndexField, EncryptedTextField


def encrypted_models() -> Iterator[
    tuple[type[models.Model], list[EncryptedTextField], list[BlindIndexField]]
]:
    """Each model with encrypted fields, with those fields and its blind indexes."""
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        encrypted = [f for f in fields if isinstance(f, EncryptedTextField)]
        if encrypted:
            yield model, encrypted, [f for f in fields if isinstance(f, BlindIndexField)]


def rotate_encryption(*, batch_size: int = 500) -> Iterator[tuple[str, int]]:
    """Re-seal every encrypted value with the primary key and recompute blind indexes.

    Reading decrypts with whichever listed key sealed a value; saving seals with the first.
    Each batch is one transaction, so an interrupted rotation leaves readable data and can be
    run again.
    """
    for model, encrypted, blind_fields in encrypted_models():
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
                for field in blind_fields:
                    setattr(obj, field.attname, field.index_for(getattr(obj, field.source)))
            with transaction.atomic():
                manager.bulk_update(batch, [f.name for f in [*encrypted, *blind_fields]])
            done += len(batch)
            last_pk = batch[-1].pk
        record(actor=None, action="key_rotation", target=model, rows=done)
        yield model._meta.label, done
