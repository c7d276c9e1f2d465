"""One place that knows every app holding a person's data: for their copy and for erasure.

Each app registers what it holds in its ``AppConfig.ready()``::

    personal_data.register("events", export=selectors.data_of, erase=services.forget_person)

``copy_of(user)`` then assembles the person's whole copy and ``erase(user)`` runs every app's
erasure, in one transaction, without any app importing another: the registry is in ``core``,
which imports no app.  Erasers run in ``order`` (lowest first); the account itself registers
with ``ACCOUNT_LAST``, because the other apps still need the person's e-mail address to find
what they hold (applications and replies sent before the account existed are found by the
address's blind index).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

#: The order of the account's own erasure: after every app that looks the person up.
ACCOUNT_LAST = 1000

Exporter = Callable[[Any], dict[str, Any]]
Eraser = Callable[[Any], object]


@dataclass(frozen=True)
class Source:
    name: str
    export: Exporter | None
    erase: Eraser | None
    order: int


_sources: dict[str, Source] = {}


def register(
    name: str,
    *,
    export: Exporter | None = None,
    erase: Eraser | None = None,
    order: int = 100,
) -> None:
    """Add (or replace: ``ready()`` may run more than once in tests) one app's part."""
    if export is None and erase is None:
        raise ValueError(f"personal data source {name!r} neither exports nor erases")
    _sources[name] = Source(name=name, export=export, erase=erase, order=order)


def unregister(name: str) -> None:
    _sources.pop(name, None)


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda source: (source.order, source.name))


def copy_of(user: Any) -> dict[str, Any]:
    """Everything every app holds about ``user``, one key per app, for their JSON copy."""
    return {source.name: source.export(user) for source in sources() if source.export}


@transaction.atomic
def erase(user: Any) -> list[str]:
    """Run every app's erasure; one refusal rolls all of it back.  Returns the parts erased."""
    done = []
    for source in sources():
        if source.erase is not None:
            source.erase(user)
            done.append(source.name)
    return done
