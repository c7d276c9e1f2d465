"""Roundtables end to end below the browser: invitations and answers by signed link with
real mail, attendance, sanitised minutes, closing, the PDF, partnerships and erasure."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from pypdf import PdfReader

from tests.conftest import SmtpSink
from tests.coordination.network import sign_in
from tests.links import past, tampered, token_made_by_hand
from tests.petitions.test_signing import body_of
from vigil.accounts.models import User
from vigil.campaigns import services as campaign_services
from vigil.campaigns.models import Partnership
from vigil.core import personal_data
from vigil.partners import pdf, services
from vigil.partners.models import Invitation

from .conftest import Partners, held, plan


def _invite_both(p: Partners, roundtable: Any) -> list[Invitation]:
    found = []
    for organisation, email, language in (
        (p.open_door, "marina@example.org", "ru"),
        (p.free_word, "oleg@example.org", "en"),
    ):
        contact = organisation.contacts.get()
        found.append(
            services.invite(
                roundtable, by=p.staff, name="", email=email, language=language,
                organisation=organisation, contact=contact,
            ).invitation
        )  # fmt: skip
    return found


@pytest.mark.django_db(transaction=True)
def test_invitations_go_out_in_each_language_and_answers_come_back(
    partners: Partners, smtp_server: SmtpSink, run_tasks: Callable[[], None], client: Client
) -> None:
    roundtable = plan(partners)
    services.set_agenda(roundtable, [("Дела журналистов", "Journalists' cases")], by=partners.staff)
    marina, oleg = _invite_both(partners, roundtable)
    assert str(marina.name) == "Марина Лебедева"  # taken from the directory's contact
    run_tasks()
    mails = {m["To"]: m for m in smtp_server.messages}
    assert set(mails) == {"marina@example.org", "oleg@example.org"}
    russian, english = mails["marina@example.org"], mails["oleg@example.org"]
    assert "Приглашение" in russian["Subject"] and "Invitation" in english["Subject"]
    assert "Дела журналистов" in body_of(russian)
    assert "Journalists' cases" in body_of(english)
    # The partners are the event's partner organisations now.
    assert set(roundtable.event.partners.all()) == {partners.open_door, partners.free_word}

    match = re.search(r"/(?:en/)?partners/invitation/[^/\s]+/", body_of(english))
    assert match is not None
    path = match.group(0)
    page = client.get(path)
    assert page.status_code == 200
    assert "Круглый стол: журналисты под стражей" in page.content.decode()
    oleg.refresh_from_db()
    assert oleg.answer == Invitation.Answer.PENDING  # a GET changes nothing
    assert client.post(path, {"answer": "yes"}).status_code == 302
    oleg.refresh_from_db()
    assert oleg.answer == Invitation.Answer.ACCEPTED and oleg.answered_at is not None
    run_tasks()
    assert any(
        m["To"] == "oleg@example.org" and "We expect you" in m["Subject"]
        for m in smtp_server.messages
    )
    # Inviting the same address again sends it again and adds nobody.
    again = services.invite(roundtable, by=partners.staff, name="X", email="OLEG@example.org")
    assert not again.created and roundtable.invitations.count() == 2


def test_links_mailed_before_still_open_and_every_failure_looks_the_same(
    partners: Partners, client: Client
) -> None:
    roundtable = plan(partners)
    mine = services.invite(
        roundtable, by=partners.staff, name="Гость", email="guest@example.org"
    ).invitation
    other = services.invite(
        roundtable, by=partners.staff, name="Другой", email="other@example.org"
    ).invitation
    prefix = str(mine.email_index)[:16]

    def made_by_hand(pk: int, e: str) -> str:
        return token_made_by_hand("vigil.partners.invitation", "i", pk, e)

    old = made_by_hand(mine.pk, prefix)
    assert services.invitation_for_token(old) == mine
    assert client.get(f"/en/partners/invitation/{old}/").status_code == 200

    def shown(token: str) -> tuple[int, str]:
        """The page, without its own address (the language switcher repeats it)."""
        response = client.post(f"/en/partners/invitation/{token}/", {"answer": "yes"})
        return response.status_code, response.content.decode().replace(token, "TOKEN")

    answers = {
        "tampered": shown(tampered(old)),
        "another row": shown(made_by_hand(other.pk, prefix)),
    }
    with past(services.INVITATION_MAX_AGE):
        answers["expired"] = shown(old)
    mine.email = "someone-else@example.org"
    mine.save()  # the address behind the link changed
    answers["another address"] = shown(old)
    Invitation.objects.filter(pk=mine.pk).delete()
    answers["withdrawn"] = shown(old)
    first = answers["tampered"]
    assert first[0] == 404 and "does not open an invitation" in first[1]
    assert answers == dict.fromkeys(answers, first)
    assert not Invitation.objects.exclude(answer=Invitation.Answer.PENDING).exists()


def test_only_staff_run_roundtables(partners: Partners) -> None:
    coordinator = partners.network.people["coordinator_a"]
    with pytest.raises(PermissionDenied):
        services.create_roundtable(by=coordinator, organisers=[partners.network.a])
    roundtable = plan(partners)
    with pytest.raises(PermissionDenied):
        services.invite(roundtable, by=coordinator, name="X", email="x@example.org")
    with pytest.raises(PermissionDenied):
        services.save_minutes(roundtable, by=coordinator, minutes_ru="x", minutes_en="")


def test_minutes_are_sanitised_on_the_server(partners: Partners) -> None:
    roundtable = plan(partners)
    services.save_minutes(
        roundtable,
        by=partners.staff,
        minutes_ru=(
            '<p onclick="steal()">Итоги</p><script>alert(1)</script>'
            '<a href="javascript:alert(1)">плохо</a><a href="https://example.org/r">отчёт</a>'
            '<img src="https://tracker.example/x.png"><ul><li><strong>Пункт</strong></li></ul>'
        ),
        minutes_en="<style>body{}</style><p>Results</p>",
    )
    roundtable.refresh_from_db()
    ru = roundtable.minutes_ru
    assert "<p>Итоги</p>" in ru and "<li><strong>Пункт</strong></li>" in ru
    for bad in ("onclick", "<script", "alert", "javascript:", "<img", "tracker.example"):
        assert bad not in ru
    assert 'href="https://example.org/r"' in ru and "noopener" in ru
    assert roundtable.minutes_en == "<p>Results</p>"


def test_attendance_and_closing_follow_the_meeting(partners: Partners) -> None:
    roundtable = plan(partners)
    marina, oleg = _invite_both(partners, roundtable)
    with pytest.raises(ValidationError):
        services.record_attendance(roundtable, by=partners.staff, came=[marina.pk])
    with pytest.raises(ValidationError) as refused:
        services.close(roundtable, by=partners.staff)
    assert len(refused.value.messages) == 3  # not yet held, no minutes, no attendance
    held(roundtable)
    came = services.record_attendance(
        roundtable,
        by=partners.staff,
        came=[marina.pk],
        walk_ins=[services.WalkIn("Анна Гостева", None, "Независимая журналистка")],
    )
    assert came == 2
    marina.refresh_from_db()
    oleg.refresh_from_db()
    assert marina.attended is True and oleg.attended is False
    services.save_minutes(roundtable, by=partners.staff, minutes_ru="<p>Итоги</p>", minutes_en="")
    services.close(roundtable, by=partners.staff)
    assert roundtable.is_closed
    with pytest.raises(ValidationError):
        services.answer_invitation(oleg, accepted=True)  # closed: no more answers
    text = "".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(pdf.minutes_pdf(roundtable, "ru"))).pages
    )
    for expected in ("Круглый стол: журналисты под стражей", "Марина Лебедева", "Открытая дверь",
                     "Анна Гостева", "Итоги"):  # fmt: skip
        assert expected in text
    assert "Oleg" not in text and "Олег" not in text  # invited, did not come


def test_a_partnership_has_a_role_a_contact_of_its_own_and_a_sealed_note(
    partners: Partners,
) -> None:
    foreign = partners.free_word.contacts.get()
    with pytest.raises(ValidationError):
        campaign_services.save_partnership(
            partners.campaign, partners.open_door, role="host", contact=foreign
        )
    partnership = campaign_services.save_partnership(
        partners.campaign,
        partners.open_door,
        role=Partnership.Role.CO_ORGANISER,
        contact=partners.open_door.contacts.get(),
        note="Директор под давлением",
    )
    assert list(partners.campaign.partners.all()) == [partners.open_door]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {Partnership._meta.db_table}")  # noqa: S608
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:") and "Директор" not in stored
    assert Partnership.objects.get(pk=partnership.pk).note == "Директор под давлением"


def test_a_partner_page_shows_what_the_network_did_with_it(
    partners: Partners, client: Client
) -> None:
    campaign_services.save_partnership(
        partners.campaign, partners.open_door, role=Partnership.Role.HOST, note="только для нас"
    )
    roundtable = plan(partners)
    services.invite(roundtable, by=partners.staff, name="Марина", email="marina@example.org",
                    organisation=partners.open_door)  # fmt: skip
    sign_in(client, partners.staff)
    page = client.get(f"/en/partners/{partners.open_door.slug}/").content.decode()
    assert "Free the journalists" in page and "host" in page and "только для нас" in page
    assert "Круглый стол: журналисты под стражей" in page
    assert client.get("/en/partners/").status_code == 200


def test_erasure_removes_the_invitations_to_a_person(
    partners: Partners, make_user: Callable[..., User]
) -> None:
    roundtable = plan(partners)
    services.invite(roundtable, by=partners.staff, name="Марина", email="Marina@Example.org")
    person = make_user("marina@example.org")
    assert personal_data.copy_of(person)["roundtables"]["invitations"]
    personal_data.erase(person)
    assert not Invitation.objects.exists()
