"""The standing limit test: every POST a visitor can make is throttled.

It walks the whole URLconf, so a new form without a limit fails here.  On the demo data
each route is sent an anonymous POST with the arguments of a real object: a 405 (no POST),
a sign-in page, 403 or 404 (not open to visitors) is fine; anything else is a public POST,
which must be declared with ``vigil.core.throttle.throttled`` and, with every limit set to
zero, be refused with 429 before it does anything."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from vigil.core.permissions import declared_access
from vigil.core.throttle import declared_throttle

#: Public POSTs that need no limit, and why.  Keep this short.
EXEMPT = {
    # Signing out ends the caller's own session and nothing else; a limit could only keep
    # someone signed in on a shared computer.
    "accounts:logout": "ends only the caller's own session",
    "admin:logout": "ends only the caller's own session",
}

#: Views whose service counts inside its own transaction (the view is only marked): the
#: behaviour is checked by that app's tests (tests/petitions/test_signing.py).
COUNTED_IN_SERVICE = {"petitions:sign"}


def _routes(resolver: URLResolver, prefix: str = "", ns: str = "") -> Iterator[tuple]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = (
                f"{ns}:{pattern.namespace}"
                if pattern.namespace and ns
                else (pattern.namespace or ns)
            )
            yield from _routes(pattern, prefix + str(pattern.pattern), namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), ns, pattern


def _samples() -> dict[str, dict[str, Any]]:
    """Arguments of real objects of the demo data, per URL namespace."""
    from vigil.actionpoints.models import ActionPoint
    from vigil.bulletin.models import Article, Issue, Segment
    from vigil.campaigns.models import Campaign
    from vigil.cases.models import Case, CaseAssignment
    from vigil.directory.models import Organisation, Region
    from vigil.events.models import Event
    from vigil.groups.models import Application, Group
    from vigil.partners.models import Invitation, Roundtable
    from vigil.petitions.models import PaperBatch, Petition
    from vigil.publications.models import Attachment, Document

    def pk(model: Any) -> int:
        row = model.objects.order_by("pk").first()
        return row.pk if row else 1

    organisation = Organisation.objects.filter(offices__isnull=False).first()
    assert organisation is not None
    document = Document.objects.first()
    assert document is not None
    issue = Issue.objects.first()
    event = (
        Event.objects.filter(visibility=Event.Visibility.PUBLIC, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert event is not None
    group = Group.objects.first()
    assert group is not None
    return {
        "directory": {
            "slug": organisation.slug,
            "pk": 1,
            "office_id": organisation.offices.first().pk,  # type: ignore[union-attr]
        },
        "groups": {"slug": group.slug, "pk": pk(Application), "token": "x"},
        "events": {"pk": event.pk, "slug": group.slug, "token": "x"},
        "cases": {"slug": Case.objects.first().slug, "pk": pk(CaseAssignment)},  # type: ignore[union-attr]
        "petitions": {"slug": Petition.objects.first().slug, "pk": pk(PaperBatch), "token": "x"},  # type: ignore[union-attr]
        "publications": {
            "slug": document.slug,
            "language": document.language,
            "pk": pk(Attachment),
        },
        "bulletin": {
            "issue": issue.pk if issue else 1,
            "article": pk(Article),
            "segment": pk(Segment),
            "fmt": "po",
        },
        "distribution": {"issue": issue.pk if issue else 1, "token": "x"},
        "campaigns": {"slug": Campaign.objects.first().slug},  # type: ignore[union-attr]
        "partners": {
            "pk": pk(Roundtable),
            "invitation": pk(Invitation),
            "slug": organisation.slug,
            "token": "x",
        },
        "actionpoints": {"pk": pk(ActionPoint), "token": "x"},
        "api": {"slug": Case.objects.first().slug, "index": document.slug, "pk": 1},  # type: ignore[union-attr]
        "accounts": {"uidb64": "MQ", "token": "set-password"},
        "supporters": {"uidb64": "MQ", "token": "x"},
        "admin": {"content_type_id": 1, "object_id": 1, "pk": 1},
        "": {"slug": Region.objects.first().slug},  # type: ignore[union-attr]
    }


def _path(route: str, namespace: str, samples: dict[str, dict[str, Any]]) -> str:
    import re

    values = samples.get(namespace.split(":")[-1], {})

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        assert name in values, f"add a sample value for <{name}> of {namespace!r} to this test"
        return str(values[name])

    return "/" + re.sub(r"<(\w+:)?(\w+)>", fill, route)


def _closed_to_visitors(response: Any) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and "login/" in location and "next=" in location


@pytest.mark.django_db
def test_every_public_post_is_throttled(settings: Any) -> None:
    call_command("load_demo", stdout=StringIO())
    samples = _samples()
    client = Client()
    public: dict[str, tuple[str, Any]] = {}
    for route, namespace, pattern in _routes(get_resolver()):
        if declared_access(pattern.callback) == "back-office":
            continue  # every admin view goes through VigilAdminSite.admin_view: staff only
        name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
        if "(?P<" in route or route.endswith("(?P<url>.*)$"):
            continue  # the admin's app index and catch-all: staff only
        path = _path(route.replace("^", "").replace("$", ""), namespace, samples)
        response = client.post(path, {}, REMOTE_ADDR="192.0.2.1")
        declared_public = declared_access(pattern.callback) == "public"
        if response.status_code == 429 or not (
            # A public view's 404 may be a bad sample token: only 405 says it takes no POST.
            response.status_code == 405 if declared_public else _closed_to_visitors(response)
        ):
            public[name] = (path, pattern.callback)

    assert "groups:join" in public and "events:rsvp" in public  # the walk sees the forms

    missing = sorted(
        name for name, (_p, view) in public.items()
        if not declared_throttle(view) and name not in EXEMPT
    )  # fmt: skip
    assert not missing, f"public POSTs without a limit: {missing}"

    settings.THROTTLES = {
        scope: {key: (0, 0) if key != "window" else value for key, value in limits.items()}
        for scope, limits in settings.THROTTLES.items()
    }
    not_refused = []
    for name, (path, _view) in sorted(public.items()):
        if name in EXEMPT or name in COUNTED_IN_SERVICE:
            continue
        response = Client().post(path, {"email": "someone@example.org"}, REMOTE_ADDR="192.0.2.2")
        if response.status_code != 429:
            not_refused.append(f"{name} ({path}): {response.status_code}")
    assert not not_refused, f"with every limit at zero these still answered: {not_refused}"
