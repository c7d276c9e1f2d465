"""Schemathesis over the whole API schema, anonymous and with each scope.

Checks: no server error, every status code, content type, header and body as the schema says,
and no data outside the caller's scope: seeded secrets (a members-only event, an unpublished
directory entry, a draft campaign, an unpublished case, an embargoed document) never appear,
and people's addresses appear only with the people scope.  Examples per operation are few
(``MAX_EXAMPLES``) to keep CI short; set ``VIGIL_FUZZ_EXAMPLES`` for a longer run.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from vigil.accounts.roles import Role
from vigil.accounts.services import assign_role, create_user
from vigil.api import tokens
from vigil.api.api import api
from vigil.api.models import Scope
from vigil.campaigns.models import Campaign
from vigil.cases.models import Case
from vigil.directory.models import Organisation
from vigil.events.models import Event
from vigil.petitions import services as petition_services
from vigil.petitions.models import ConsentText, Petition
from vigil.publications.models import Document

MAX_EXAMPLES = int(os.environ.get("VIGIL_FUZZ_EXAMPLES", "6"))
SECRETS = (
    "SECRET-EVENT", "SECRET-ENTRY", "SECRET-CAMPAIGN", "SECRET-CASE", "SECRET-DOCUMENT"
)  # fmt: skip
SIGNER = "hidden-signer@example.org"
#: Anonymous, then each scope alone.
CALLERS = [None, *Scope.values]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()
CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance,
    response_headers_conformance, response_schema_conformance,
]  # fmt: skip


#: Path values that name the seeded records, secrets included: each operation is also called
#: once with them, so the secrets are really asked for.
KNOWN: dict[str, list[Any]] = {
    "slug": ["fuzz", "secret-entry", "secret-campaign", "open-entry", "open-case", "secret-case"],
    "pk": [],
    "index": ["EUR 46/001/2003", "EUR 46/002/2003"],
}


def _seed() -> dict[str | None, dict[str, str]]:
    """A little of everything, with a secret each rule must keep; a token per scope."""
    staff = create_user(email="fuzz-staff@example.org", password="x" * 12, name="Fuzz Staff")
    assign_role(staff, Role.STAFF)
    member = create_user(email="fuzz-member@example.org", password="x" * 12, name="Член")
    assign_role(member, Role.MEMBER)
    consent = ConsentText.objects.create(version=1, text_ru="Согласен", text_en="I agree")
    petition = Petition.objects.create(
        slug="fuzz", title_ru="Петиция", text_ru="Текст", goal=10,
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )  # fmt: skip
    petition_services.sign(
        petition, name="Скрытый Подписант", email=SIGNER, country="RU", city="Тверь",
        consent_version=consent.version, language="ru", ip="192.0.2.1",
    )  # fmt: skip
    start = timezone.now() + datetime.timedelta(days=5)
    for title, visibility in (("Open vigil", "public"), ("SECRET-EVENT", "members")):
        Event.objects.create(
            title=title, kind="vigil", venue="Square", starts_at=start,
            ends_at=start + datetime.timedelta(hours=2), time_zone="Europe/Moscow",
            visibility=visibility, created_by=staff,
        )  # fmt: skip
    KNOWN["pk"] = list(Event.objects.values_list("pk", flat=True))
    Organisation.objects.create(name_ru="Открытая", slug="open-entry")
    Organisation.objects.create(name_ru="SECRET-ENTRY", slug="secret-entry", is_published=False)
    Campaign.objects.create(slug="secret-campaign", title_ru="SECRET-CAMPAIGN", status="draft")
    for slug, title, published in (("open-case", "Open case", True),
                                   ("secret-case", "SECRET-CASE", False)):  # fmt: skip
        Case.objects.create(
            slug=slug, title_ru=title, people="И. П.", country="RU", summary_ru="Текст",
            category=Case.Category.values[0], is_published=published,
        )  # fmt: skip
    later = timezone.now() + datetime.timedelta(days=7)
    for number, title, embargo in (("001", "Open document", None),
                                   ("002", "SECRET-DOCUMENT", later)):  # fmt: skip
        Document.objects.create(index_number=f"EUR 46/{number}/2003", title=title,
                                body=title, embargo_at=embargo)  # fmt: skip
    headers: dict[str | None, dict[str, str]] = {None: {}}
    for scope in Scope.values:
        _token, raw = tokens.issue(staff, name=scope, scopes=[scope], per_minute=100_000)
        headers[scope] = {"Authorization": f"Bearer {raw}"}
    return headers


@pytest.fixture
def seeded(db: Any) -> Iterator[dict[str | None, dict[str, str]]]:
    """The seed; and the WSGI handler keeps the test's connection (and its transaction) open,
    as Django's test client does."""
    cache.clear()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield _seed()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _nothing_outside(scope: str | None, response: Any) -> None:
    text = response.text
    for secret in SECRETS:
        assert secret not in text, (scope, secret)
    if scope != Scope.READ_PEOPLE:
        assert SIGNER not in text and "fuzz-member@example.org" not in text, scope


def _known_cases(operation: Any) -> list[Any]:
    """The operation with no query and, for each seeded record its path can name, that one."""
    names = [p.name for p in operation.path_parameters]
    if not names:
        return [operation.Case()] if operation.method.upper() == "GET" else []
    (name,) = names
    return [operation.Case(path_parameters={name: value}) for value in KNOWN.get(name, [])]


@pytest.mark.django_db
@pytest.mark.parametrize("scope", CALLERS, ids=lambda s: s or "anonymous")
def test_whole_schema(scope: str | None, seeded: dict[str | None, dict[str, str]]) -> None:
    """Every operation in turn, for this caller (one seeding per caller keeps it quick)."""
    headers = seeded[scope]
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) > 20

    for operation in operations:
        for case in _known_cases(operation):
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)
            _nothing_outside(scope, response)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)
            _nothing_outside(scope, response)

        run()
