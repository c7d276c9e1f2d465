"""The demo: three events of the demo groups, one with the directory's demo entry as partner.

The partners demo adds its own roundtable beside them (tests/partners cover it)."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from vigil.events import demo
from vigil.events.models import Event


@pytest.mark.django_db
def test_load_demo_adds_three_events_once(settings: Any, tmp_path: Any) -> None:
    call_command("load_demo", stdout=StringIO())
    titles = dict(row[4] for row in demo.DEMO_EVENTS)
    events = Event.objects.filter(title__in=titles)
    assert events.count() == 3
    assert {e.title_en for e in events} == set(titles.values())  # the English demo shows them
    kinds = set(events.values_list("kind", flat=True))
    assert kinds == {Event.Kind.VIGIL, Event.Kind.CONCERT, Event.Kind.ROUNDTABLE}
    roundtable = events.get(kind=Event.Kind.ROUNDTABLE)
    assert roundtable.partners.count() == 1
    assert all(e.starts_at > e.created_at for e in events)
    before = Event.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Event.objects.count() == before
    assert events.count() == 3
