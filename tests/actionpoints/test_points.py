"""Action points: owners and who may update them, progress, reminders sent once even across a
crash (real SMTP and the real worker), the board, the due-date feed and the campaign page."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from tests.conftest import SmtpSink
from tests.coordination.network import sign_in
from tests.partners.conftest import Partners
from tests.publications.conftest import SEED, Clock
from vigil.actionpoints import selectors, services
from vigil.actionpoints.models import ActionPoint, Reminder
from vigil.actionpoints.services import OwnerSpec
from vigil.groups import services as group_services
from vigil.groups.models import Membership
from vigil.publications import services as publication_services
from vigil.publications.importer import read_file
from vigil.publications.models import Document

TODAY = datetime.date(2026, 12, 3)


def point(p: Partners, *owners: OwnerSpec, days: int = 2, **fields: Any) -> ActionPoint:
    values: dict[str, Any] = {"title_ru": "Памятка о правах задержанных", **fields}
    return services.create_point(
        by=p.staff,
        owners=owners or [OwnerSpec(group=p.network.a)],
        due_on=TODAY + datetime.timedelta(days=days),
        **values,
    )


def test_owners_are_staff_groups_or_partners_with_their_own_contact(partners: Partners) -> None:
    member = partners.network.people["member_a"]
    with pytest.raises(ValidationError):
        point(partners, OwnerSpec(user=member))  # not staff
    with pytest.raises(ValidationError):
        point(partners, OwnerSpec(organisation=partners.open_door,
                                  contact=partners.free_word.contacts.get()))  # fmt: skip
    with pytest.raises(ValidationError):
        services.create_point(by=partners.staff, owners=[], title_ru="Без ответственных")
    with pytest.raises(PermissionDenied):
        services.create_point(
            by=partners.network.people["coordinator_a"],
            owners=[OwnerSpec(group=partners.network.a)],
            title_ru="Не сотрудник",
        )
    made = point(
        partners,
        OwnerSpec(user=partners.staff),
        OwnerSpec(organisation=partners.open_door, contact=partners.open_door.contacts.get()),
    )
    assert made.owners.count() == 2


def test_a_coordinator_updates_their_group_s_points_only(partners: Partners) -> None:
    ours = point(partners, OwnerSpec(group=partners.network.a))
    theirs = point(partners, OwnerSpec(group=partners.network.b))
    coordinator = partners.network.people["coordinator_a"]
    services.record_progress(ours, by=coordinator, status="in_progress", progress=30,
                             text_ru="Черновик готов")  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.record_progress(theirs, by=coordinator, status="done")
    with pytest.raises(PermissionDenied):
        services.record_progress(ours, by=partners.network.people["member_a"], status="done")
    services.record_progress(ours, by=partners.staff, status="done", progress=10)
    ours.refresh_from_db()
    assert (ours.status, ours.progress) == ("done", 100)  # done is done
    assert [u.progress for u in selectors.updates(ours)] == [100, 30]
    assert list(selectors.visible_points(coordinator)) == [ours]


def _reminded(sink: SmtpSink) -> list[tuple[str, str]]:
    return sorted((m["To"], m["Subject"]) for m in sink.messages)


@pytest.mark.django_db(transaction=True)
def test_reminders_go_once_per_person_point_and_stage_even_after_a_crash(
    partners: Partners,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    coordinator = partners.network.people["coordinator_a"]
    soon = point(
        partners,
        OwnerSpec(group=partners.network.a),
        OwnerSpec(user=partners.staff),
        OwnerSpec(organisation=partners.open_door, contact=partners.open_door.contacts.get()),
        days=2,
    )
    point(partners, OwnerSpec(user=partners.staff), days=30)  # not yet
    # A crash after the first person's row and mail were written, before the second's:
    real_mail = services._mail
    calls = {"n": 0}

    def crash_on_second(*args: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the worker died")
        real_mail(*args)

    monkeypatch.setattr(services, "_mail", crash_on_second)
    with pytest.raises(RuntimeError):
        services.send_reminders(today=TODAY)
    assert Reminder.objects.count() == 1  # the second person's row was rolled back
    monkeypatch.setattr(services, "_mail", real_mail)
    assert services.send_reminders(today=TODAY) == 2  # the two left
    assert services.send_reminders(today=TODAY) == 0  # and nobody twice
    run_tasks()
    to = [m["To"] for m in smtp_server.messages]
    assert sorted(to) == sorted([str(coordinator.email), str(partners.staff.email),
                                 "marina@example.org"])  # fmt: skip
    assert all("Скоро срок" in m["Subject"] or "Due soon" in m["Subject"]
               for m in smtp_server.messages)  # fmt: skip
    # Overdue is a stage of its own: everyone hears once more, and only once.
    later = TODAY + datetime.timedelta(days=3)
    assert services.send_reminders(today=later) == 3
    assert services.send_reminders(today=later) == 0
    # A new due date is a new round; a point done is left alone.
    ActionPoint.objects.filter(pk=soon.pk).update(due_on=later + datetime.timedelta(days=1))
    assert services.send_reminders(today=later) == 3
    ActionPoint.objects.filter(pk=soon.pk).update(
        status=ActionPoint.Status.DONE, due_on=later + datetime.timedelta(days=2)
    )
    assert services.send_reminders(today=later) == 0
    run_tasks()
    assert len(smtp_server.messages) == 9


def test_the_board_filters_and_the_feed_follows_membership(
    partners: Partners, client: Client
) -> None:
    coordinator = partners.network.people["coordinator_a"]
    ours = point(partners, OwnerSpec(group=partners.network.a), days=-3)
    point(partners, OwnerSpec(organisation=partners.free_word), days=5, title_ru="Сведения")
    staff_view = selectors.board(partners.staff, selectors.BoardFilter(status="overdue"), TODAY)
    assert list(staff_view) == [ours]
    by_partner = selectors.BoardFilter(status="all", organisation=partners.free_word.pk)
    assert [p.title_ru for p in selectors.board(partners.staff, by_partner)] == ["Сведения"]
    sign_in(client, coordinator)
    page = client.get("/en/action-points/?status=all").content.decode()
    assert "Памятка о правах задержанных" in page and "Сведения" not in page

    token = services.feed_token(coordinator)
    feed = client.get(f"/action-points/feed/{token}.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Памятка о правах задержанных"]
    assert client.get(f"/action-points/feed/{token}x.ics").status_code == 404
    group_services.leave_group(
        Membership.objects.get(group=partners.network.a, user=coordinator, left_at__isnull=True)
    )
    later = Calendar.from_ical(client.get(f"/action-points/feed/{token}.ics").content)
    assert later.walk("VEVENT") == []


def test_public_points_show_on_the_campaign_page_private_ones_never(
    partners: Partners, client: Client
) -> None:
    public = point(partners, campaign=partners.campaign, is_public=True,
                   title_ru="Публичный пункт")  # fmt: skip
    services.record_progress(public, by=partners.staff, status="in_progress", progress=40,
                             text_ru="Собраны три дела")  # fmt: skip
    point(partners, campaign=partners.campaign, title_ru="Внутренний пункт")
    page = client.get(f"/campaigns/{partners.campaign.slug}/").content.decode()
    assert "Публичный пункт" in page and "40 %" in page and "Собраны три дела" in page
    assert "Внутренний пункт" not in page
    partners.campaign.status = "draft"
    partners.campaign.save()
    assert client.get(f"/campaigns/{partners.campaign.slug}/").status_code == 404


def test_a_linked_document_shows_only_once_its_embargo_has_passed(
    partners: Partners, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = publication_services.import_document(read_file(SEED)).document
    assert document is not None
    embargo = timezone.now() + datetime.timedelta(hours=6)
    Document.objects.filter(pk=document.pk).update(embargo_at=embargo)
    point(partners, campaign=partners.campaign, is_public=True, document=document,
          title_ru="Пресс-релиз о центре")  # fmt: skip
    url = f"/campaigns/{partners.campaign.slug}/"
    before = client.get(url).content.decode()
    assert "Пресс-релиз о центре" in before and document.get_absolute_url() not in before
    Clock(monkeypatch).set(embargo + datetime.timedelta(minutes=1))
    after = client.get(url).content.decode()
    assert document.get_absolute_url() in after
