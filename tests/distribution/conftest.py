"""Distribution fixtures: an approved Russian issue and groups with and without e-mail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.conftest import SmtpSink, _free_port, keep_message, smtp_serving
from vigil.bulletin.models import Article, Issue, Segment
from vigil.directory.models import Region
from vigil.groups.models import Group

APPROVED = Segment.Status.APPROVED


@pytest.fixture(autouse=True)
def _regions(region_tree: None) -> None:
    """Every test here has the region tree (see tests/conftest.py)."""


@pytest.fixture(autouse=True)
def https_site(settings: Any) -> None:
    settings.VIGIL_BASE_URL = "https://vigil.example.org"


def make_issue(year: int = 2026, month: int = 11, *, approved: bool = True) -> Issue:
    issue = Issue.objects.create(year=year, month=month, title="Ноябрь")
    article = Article.objects.create(issue=issue, position=0)
    texts = [
        (0, "Journalist detained", "Журналист задержан"),
        (1, "Dr. Ivanov was arrested.", "Доктор Иванов арестован <в Ростове> & осуждён."),
        (2, "Write to the prosecutor.", "Пишите прокурору."),
    ]
    for position, (paragraph, source, target) in enumerate(texts):
        Segment.objects.create(
            article=article,
            paragraph=paragraph,
            position=position,
            source=source,
            target=target,
            status=APPROVED if approved or position < 2 else Segment.Status.TRANSLATED,
        )
    return issue


@pytest.fixture
def issue(db: Any) -> Issue:
    return make_issue()


@pytest.fixture
def make_group(db: Any) -> Callable[..., Group]:
    numbers = iter(range(1, 10_000))

    def make(email: str = "", **values: Any) -> Group:
        number = next(numbers)
        values.setdefault("status", Group.Status.ACTIVE)
        return Group.objects.create(
            number=number,
            name=values.pop("name", f"Группа {number}"),
            slug=f"group-{number}",
            city="Казань",
            region=Region.objects.get(slug="kazan"),
            email=email,
            **values,
        )

    return make


@pytest.fixture
def groups(make_group: Callable[..., Group]) -> list[Group]:
    """Three groups by e-mail, one by post, one closed."""
    return [
        make_group("g1@example.org"),
        make_group("g2@example.org"),
        make_group("g3@example.org"),
        make_group("", postal_address="420111, Казань, ул. Баумана, 1"),
        make_group("closed@example.org", status=Group.Status.CLOSED),
    ]


@dataclass
class StrictSink(SmtpSink):
    """A real SMTP server that refuses some recipients; it may offer PIPELINING."""

    pipelining: bool = True
    refuse: set[str] = field(default_factory=set)
    #: Recipients whose message is refused after its content (a 554 to the final dot).
    refuse_content: set[str] = field(default_factory=set)
    commands: list[str] = field(default_factory=list)


@pytest.fixture(params=[True, False], ids=["pipelining", "one-by-one"])
def strict_server(request: pytest.FixtureRequest, settings: Any) -> Iterator[StrictSink]:
    pipelining = bool(request.param)
    sink = StrictSink(host="127.0.0.1", port=_free_port(), pipelining=pipelining)

    class Handler:
        async def handle_EHLO(
            self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
        ) -> list[str]:
            session.host_name = hostname
            sink.commands.append("EHLO")
            return [responses[0], "250-PIPELINING", *responses[1:]] if pipelining else responses

        async def handle_RCPT(
            self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
        ) -> str:
            sink.commands.append(f"RCPT {address}")
            if address in sink.refuse:
                return "550 5.1.1 No such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            if sink.refuse_content & set(envelope.rcpt_tos):
                return "554 5.6.0 Content refused"
            return keep_message(sink, envelope)

        async def handle_RSET(self, server: Any, session: Any, envelope: Any) -> str:
            sink.commands.append("RSET")
            return "250 OK"

    with smtp_serving(settings, sink, Handler()):
        yield sink
