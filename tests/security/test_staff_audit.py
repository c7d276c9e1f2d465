"""Staff views of applicants are in the audit log, like attendee lists and scans.

Issue 14, point 9.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.groups.conftest import sign_in
from vigil.accounts.models import User
from vigil.audit.models import AuditEvent
from vigil.directory.models import Region
from vigil.groups import joining
from vigil.groups.models import Application, Group

pytestmark = pytest.mark.django_db


def test_the_applicants_list_and_an_application_are_audited(
    client: Any, kazan: Group, kazan_coordinator: User
) -> None:
    joining.apply_to_join(
        name="Дина Гарипова",
        email="dina@example.org",
        city="Казань",
        region=Region.objects.get(slug="kazan"),
        consent=True,
    )
    application = Application.objects.get()
    sign_in(client, kazan_coordinator)
    AuditEvent.objects.all().delete()

    assert client.get("/en/groups/applications/").status_code == 200
    listed = AuditEvent.objects.get()
    assert (listed.actor, listed.action) == (kazan_coordinator, "list")
    assert listed.target_type is not None and listed.target_type.model == "application"

    assert client.get(f"/en/groups/applications/{application.pk}/").status_code == 200
    viewed = AuditEvent.objects.exclude(pk=listed.pk).get()
    assert (viewed.actor, viewed.action) == (kazan_coordinator, "view")
    assert viewed.target_id == str(application.pk)
