"""Signing: double opt-in through real mail, one signature per person, bad input, abuse."""

from __future__ import annotations

import datetime
import re
import socket
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tests.conftest import SmtpSink
from tests.links import past, tampered, token_made_by_hand
from vigil.core import throttle
from vigil.core.models import ThrottleCount
from vigil.petitions import outbox, selectors, services
from vigil.petitions.models import ConsentText, Petition, Signature
from vigil.petitions.tasks import send_confirmation, send_due_confirmations

from .conftest import form_data
from .test_paper_and_delivery import add_signature


def sign(client: Client, petition: Petition, data: dict[str, Any], ip: str, lang: str = "") -> Any:
    prefix = f"/{lang}" if lang else ""
    return client.post(f"{prefix}/petitions/{petition.slug}/sign/", data, REMOTE_ADDR=ip)


def body_of(message: Any) -> str:
    return str(message.get_payload(decode=True).decode())


@pytest.mark.django_db(transaction=True)
def test_sign_in_russian_confirm_by_mail_and_the_count_moves(
    client: Client,
    petition: Petition,
    consent: ConsentText,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
    ip: str,
) -> None:
    page = client.get(f"/petitions/{petition.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="ru"' in html and "Освободите узников совести" in html
    assert "petitions/counter.js" in html and "<script>" not in html
    assert client.get(f"/petitions/{petition.slug}/count/").json()["count"] == 0

    response = sign(client, petition, form_data(consent), ip)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.confirmed_at is None and signature.language == "ru"
    assert signature.consent == consent
    assert selectors.count_of(petition).total == 0  # not before confirmation

    run_tasks()
    assert smtp_server.envelopes[-1][1] == ["anna@example.org"]
    body = body_of(smtp_server.messages[-1])
    link = re.search(r"https?://[^/\s]+(/petitions/confirm/\S+/)", body)
    assert link is not None, body
    assert not link.group(1).startswith("/en/")  # the Russian page's mail links to Russian

    confirm_page = client.get(link.group(1))
    assert confirm_page.status_code == 200
    assert Signature.objects.get().confirmed_at is None  # a GET (a mail scanner) counts nothing
    assert client.post(link.group(1)).status_code == 302
    assert Signature.objects.get().confirmed_at is not None
    assert client.get(f"/petitions/{petition.slug}/count/").json() == {
        "count": 1, "online": 1, "paper": 0, "goal": 10, "percent": 10,
    }  # fmt: skip
    assert ">1</strong>" in client.get(f"/petitions/{petition.slug}/").content.decode()
    # A second click changes nothing.
    assert client.post(link.group(1)).status_code == 302
    assert selectors.count_of(petition).total == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_person_counts_once_and_is_told_by_mail_only(
    client: Client,
    petition: Petition,
    consent: ConsentText,
    ip: str,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    first = sign(client, petition, form_data(consent), ip)
    first_page = client.get(first["Location"]).content.decode()
    run_tasks()
    services.confirm(Signature.objects.get())
    again = sign(client, petition, form_data(consent, email="  ANNA@Example.org "), ip, "en")
    assert again.status_code == 302
    page = client.get(again["Location"]).content.decode()
    # The page says what it says to anyone; the mailbox learns that nothing more is needed.
    assert "already" not in page and "If you had signed before, the e-mail says so" in page
    assert "Если вы уже подписывали" in first_page
    assert Signature.objects.count() == 1
    assert selectors.count_of(petition).total == 1
    run_tasks()
    assert [e[1] for e in smtp_server.envelopes] == [["anna@example.org"]] * 2
    body = body_of(smtp_server.messages[-1])
    # In the language the person signed in (Russian), not the page's of the second attempt.
    assert "Освободите узников совести" in body and "Ничего больше делать не нужно" in body
    assert "/petitions/confirm/" not in body
    assert "Вы уже подписали" in str(smtp_server.messages[-1]["Subject"])


@pytest.mark.django_db(transaction=True)
def test_signing_again_cannot_bomb_a_mailbox(
    client: Client,
    petition: Petition,
    consent: ConsentText,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    from vigil.petitions.mailbox import MAILS_PER_WINDOW

    for n in range(6):
        sign(client, petition, form_data(consent), f"10.1.{n}.1")
        run_tasks()
    assert len(smtp_server.messages) == 1 + MAILS_PER_WINDOW
    services.confirm(Signature.objects.get())
    for n in range(3):
        sign(client, petition, form_data(consent), f"10.2.{n}.1")
    run_tasks()
    assert len(smtp_server.messages) == 1 + MAILS_PER_WINDOW  # the window's share is used up
    assert not ThrottleCount.objects.filter(counter__contains="anna").exists()


def batches() -> list[DBTaskResult]:
    """The confirmation mails' batch tasks queued so far."""
    return list(DBTaskResult.objects.filter(task_path=send_due_confirmations.module_path))


def sign_as(petition: Petition, consent: ConsentText, ip: str, email: str) -> services.Signed:
    return services.sign(
        petition, name="Анна", email=email, country="Россия", city="Тверь",
        consent_version=consent.version, language="ru", ip=ip,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_signing_again_before_confirming_resends_the_link(
    client: Client,
    petition: Petition,
    consent: ConsentText,
    ip: str,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    sign(client, petition, form_data(consent), ip, "en")
    run_tasks()
    assert len(smtp_server.messages) == 1
    response = sign(client, petition, form_data(consent), ip, "en")
    page = client.get(response["Location"]).content.decode()
    assert "If you had signed before, the e-mail says so" in page
    assert Signature.objects.get().mail_due_at is not None
    run_tasks()
    assert [e[1] for e in smtp_server.envelopes] == [["anna@example.org"]] * 2
    body = body_of(smtp_server.messages[-1])
    assert "/en/petitions/confirm/" in body and "Free the prisoners" in body
    assert Signature.objects.get().mail_due_at is None


def test_the_mail_is_owed_in_the_signature_s_transaction(
    petition: Petition, consent: ConsentText, ip: str
) -> None:
    """No signature without its mail, no mail without its signature: one commit."""
    signed = sign_as(petition, consent, ip, "a@example.org")
    assert Signature.objects.get(pk=signed.signature_id).mail_due_at is not None
    (batch,) = batches()
    assert batch.args_kwargs == {"args": [], "kwargs": {}}  # the queue holds nothing personal
    with (
        mock.patch.object(
            DatabaseBackend, "_task_to_db_task", side_effect=RuntimeError("queue down")
        ),
        pytest.raises(RuntimeError),
    ):
        sign_as(petition, consent, ip, "b@example.org")
    assert Signature.objects.count() == 1 and len(batches()) == 1
    if not throttle.uses_redis():  # the embedded mode counts in the same transaction
        counts = dict(ThrottleCount.objects.values_list("counter", "hits"))
        assert sorted(counts.values()) == [1, 1]  # the failed attempt's counts rolled back


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_signatures_shares_one_batch_that_starts_after_them(
    petition: Petition,
    consent: ConsentText,
    ip: str,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
    settings: Any,
) -> None:
    settings.VIGIL_CONFIRMATION_DELAY_SECONDS = 30
    for n in range(5):
        sign_as(petition, consent, ip, f"p{n}@example.org")
    (batch,) = batches()  # queued by the first signature only
    assert batch.run_after > timezone.now() + datetime.timedelta(seconds=20)
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "-v", "0")
    assert smtp_server.messages == []  # not before its time
    # The batch this process queued has started (or its time passed): the next one queues.
    services._next_batch["at"] = time.time() - 1
    sign_as(petition, consent, ip, "late@example.org")
    assert len(batches()) == 2
    run_tasks()
    assert sorted(e[1][0] for e in smtp_server.envelopes) == sorted(
        [f"p{n}@example.org" for n in range(5)] + ["late@example.org"]
    )
    assert not Signature.objects.filter(mail_due_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_whose_worker_died_is_sent_after_its_lease(
    petition: Petition, consent: ConsentText, ip: str, smtp_server: SmtpSink
) -> None:
    first = sign_as(petition, consent, ip, "a@example.org").signature_id
    second = sign_as(petition, consent, ip, "b@example.org").signature_id
    lease, ids = outbox._claim_due_confirmations(100)  # a worker claims, then is killed
    assert sorted(ids) == [first, second]
    assert services.send_due_confirmations() == 0  # held by the dead worker
    services.owe_confirmation(second)  # B signs again meanwhile: mailed at once
    assert services.send_due_confirmations() == 1
    assert smtp_server.envelopes[-1][1] == ["b@example.org"]
    later = timezone.now() + services.MAIL_LEASE + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert services.send_due_confirmations() == 1  # the lease ended: A is mailed
    assert smtp_server.envelopes[-1][1] == ["a@example.org"]
    assert outbox._send_claimed(lease, ids) == 0  # the dead worker's batch is settled


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_failure_keeps_the_mail_owed(
    petition: Petition, consent: ConsentText, ip: str, settings: Any
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": _closed_port(), "timeout": 5},
        }
    }
    signed = sign_as(petition, consent, ip, "a@example.org")
    with pytest.raises(OSError):
        services.send_due_confirmations()
    assert Signature.objects.get(pk=signed.signature_id).mail_due_at is not None


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_erased_confirmed_or_purged_signature_gets_no_mail(
    petition: Petition, consent: ConsentText, smtp_server: SmtpSink
) -> None:
    now = timezone.now()
    erased = Signature.objects.create(
        petition=petition, email="a@example.org", consent=consent, mail_due_at=now
    )
    Signature.objects.create(
        petition=petition, email="b@example.org", consent=consent, confirmed_at=now,
        mail_due_at=now,
    )  # fmt: skip
    Signature.objects.create(petition=petition, consent=consent, purged_at=now, mail_due_at=now)
    erased.delete()
    assert services.send_due_confirmations() == 0
    assert smtp_server.messages == []
    assert not Signature.objects.filter(mail_due_at__isnull=False).exists()


def test_a_task_queued_before_the_outbox_still_mails_its_signature(
    petition: Petition, consent: ConsentText, smtp_server: SmtpSink
) -> None:
    old = Signature.objects.create(petition=petition, email="a@example.org", consent=consent)
    assert send_confirmation.call(signature_id=old.pk, base_url="http://testserver") == 1
    assert smtp_server.envelopes[-1][1] == ["a@example.org"]


def test_a_refused_signature_mails_nobody(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    ConsentText.objects.create(version=2, text_ru="Новый текст", text_en="New text")
    assert sign(client, petition, form_data(consent), ip, "en").status_code == 400
    assert batches() == [] and not Signature.objects.exists()


def test_a_petition_closed_in_another_process_takes_no_signature(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    """This process remembers the open petition for a few seconds; the insert checks again."""
    assert sign(client, petition, form_data(consent), ip, "en").status_code == 302
    # An UPDATE sends no signal: this process is not told, as if another worker closed it.
    Petition.objects.filter(pk=petition.pk).update(delivered_at=timezone.now())
    response = sign(client, petition, form_data(consent, email="late@example.org"), ip, "en")
    assert response.status_code == 400
    assert "This petition is closed" in response.content.decode()
    assert Signature.objects.count() == 1 and len(batches()) == 1


def test_a_consent_text_added_in_another_process_is_checked_by_the_insert(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    assert sign(client, petition, form_data(consent), ip, "en").status_code == 302
    # bulk_create sends no signal: this process still remembers version 1.
    ConsentText.objects.bulk_create([ConsentText(version=2, text_ru="Новый", text_en="New")])
    response = sign(client, petition, form_data(consent, email="b@example.org"), ip, "en")
    assert response.status_code == 400
    assert "consent text has changed" in response.content.decode()
    assert Signature.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-address"}, "Enter a valid e-mail address"),
        ({"consent": ""}, "Tick the box to agree"),
        ({"name": "Я" * 151}, "The name is too long"),
        ({"city": "Тверь" + "\ufffd\ufffd"}, "characters that could not be read"),
        ({"name": "Анна\x00"}, "Null characters are not allowed"),
        ({"name": "   "}, "Write your name"),
        ({"phone": "call me maybe"}, "A phone number has digits"),
    ],
)
def test_bad_input_is_refused_clearly_and_keeps_what_was_typed(
    client: Client,
    petition: Petition,
    consent: ConsentText,
    ip: str,
    fields: dict[str, Any],
    message: str,
) -> None:
    data = form_data(consent, **fields)
    response = sign(client, petition, data, ip, "en")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Тверь"' in html or "city" in fields
    assert "Россия" in html  # what was typed is still there
    assert not Signature.objects.exists()


def test_a_closed_petition_takes_no_signature(
    client: Client, make_petition: Callable[..., Petition], consent: ConsentText, ip: str
) -> None:
    closed = make_petition("closed", closes_at=timezone.now() - datetime.timedelta(days=1))
    response = sign(client, closed, form_data(consent), ip, "en")
    assert response.status_code == 400
    assert "This petition is closed" in response.content.decode()
    assert not Signature.objects.exists()
    assert "This petition is closed" in client.get("/en/petitions/closed/").content.decode()


def test_a_changed_consent_text_must_be_read_again(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    ConsentText.objects.create(version=2, text_ru="Новый текст", text_en="New text")
    response = sign(client, petition, form_data(consent), ip, "en")
    assert response.status_code == 400
    assert "consent text has changed" in response.content.decode()
    assert "New text" in response.content.decode()
    assert not Signature.objects.exists()


def test_links_mailed_before_still_open_and_every_failure_looks_the_same(
    client: Client, petition: Petition, consent: ConsentText
) -> None:
    mine = add_signature(petition, consent, 1, confirmed_at=None)
    other = add_signature(petition, consent, 2, confirmed_at=None)
    prefix = str(mine.email_index)[:16]

    def made_by_hand(pk: int, e: str) -> str:
        return token_made_by_hand("vigil.petitions.confirm", "s", pk, e)

    old = made_by_hand(mine.pk, prefix)
    assert services.signature_for_token(old) == mine
    assert client.get(f"/en/petitions/confirm/{old}/").status_code == 200

    def shown(token: str) -> tuple[int, str]:
        """The page, without its own address (the language switcher repeats it)."""
        response = client.post(f"/en/petitions/confirm/{token}/")
        return response.status_code, response.content.decode().replace(token, "TOKEN")

    refused = {
        "tampered": tampered(old),
        "another row": made_by_hand(other.pk, prefix),
        "another salt": token_made_by_hand("x", "s", mine.pk, prefix),
    }
    answers = {why: shown(token) for why, token in refused.items()}
    with past(services.LINK_MAX_AGE):
        answers["expired"] = shown(old)
    mine.email = "new@example.org"
    mine.save()
    answers["another address"] = shown(old)
    mine.email = "s1@example.org"
    mine.save()
    assert client.get(f"/en/petitions/confirm/{old}/").status_code == 200
    services.erase_my_data(str(mine.email_index))
    answers["erased"] = shown(old)
    first = answers["tampered"]
    assert first[0] == 400 and "not valid, or it has expired" in first[1]
    assert answers == dict.fromkeys(answers, first)
    assert not Signature.objects.filter(confirmed_at__isnull=False).exists()


def test_the_honeypot_thanks_a_robot_and_stores_nothing(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    response = sign(client, petition, form_data(consent, website="http://spam"), ip, "en")
    assert response.status_code == 302
    assert not Signature.objects.exists()


def test_bursts_are_flagged_then_refused_with_a_message(
    client: Client, petition: Petition, consent: ConsentText, ip: str, settings: Any
) -> None:
    soft, hard = settings.THROTTLES[services.THROTTLE_SCOPE]["ip"]
    for n in range(hard):
        response = sign(client, petition, form_data(consent, email=f"p{n}@example.org"), ip)
        assert response.status_code == 302
    rows = list(Signature.objects.order_by("id"))
    assert len(rows) == hard
    assert not any(row.flagged for row in rows[:soft])
    assert all(row.flagged for row in rows[soft:])
    assert "from one address" in rows[-1].flag_reason
    refused = sign(client, petition, form_data(consent, email="late@example.org"), ip, "en")
    assert refused.status_code == 429
    assert "try again in 10 minutes" in refused.content.decode()
    assert 'value="late@example.org"' in refused.content.decode()
    assert Signature.objects.count() == hard


def test_the_network_counts_too(
    client: Client, petition: Petition, consent: ConsentText, ip: str, settings: Any
) -> None:
    net = ip.rsplit(".", 1)[0]
    soft, _hard = settings.THROTTLES[services.THROTTLE_SCOPE]["net"]
    for n in range(soft + 1):
        sign(client, petition, form_data(consent, email=f"n{n}@example.org"), f"{net}.{n + 1}")
    last = Signature.objects.order_by("-id").first()
    assert last is not None and last.flagged and "network" in last.flag_reason


def test_behind_a_proxy_the_forwarded_address_counts(
    client: Client, petition: Petition, consent: ConsentText, ip: str, settings: Any
) -> None:
    """Many people behind one proxy are not one burst; one client through it still is."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    soft, _hard = settings.THROTTLES[services.THROTTLE_SCOPE]["ip"]
    proxy = f"{ip.rsplit('.', 1)[0]}.250"
    for n in range(soft + 1):
        client.post(
            f"/petitions/{petition.slug}/sign/",
            form_data(consent, email=f"x{n}@example.org"),
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"6.6.6.6, 198.{n + 1}.{ip.split('.')[2]}.7",
        )
    assert not Signature.objects.filter(flagged=True).exists()
    for n in range(soft + 1):
        client.post(
            f"/petitions/{petition.slug}/sign/",
            form_data(consent, email=f"y{n}@example.org"),
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ip}",
        )
    last = Signature.objects.order_by("-id").first()
    assert last is not None and last.flagged and "from one address" in last.flag_reason


def test_people_s_data_is_encrypted_at_rest(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    sign(client, petition, form_data(consent, phone="+7 912 000-00-00"), ip)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, email, city, country, phone FROM {Signature._meta.db_table}"  # noqa: S608
        )
        stored = cursor.fetchone()
    assert all(value.startswith("v1:") for value in stored)
    assert "Анна" not in "".join(stored) and "anna@" not in "".join(stored)


def test_signing_is_a_few_queries(
    client: Client,
    petition: Petition,
    consent: ConsentText,
    ip: str,
    django_assert_max_num_queries: Any,
) -> None:
    sign(client, petition, form_data(consent, email="warm@example.org"), ip)  # warm caches
    with django_assert_max_num_queries(6):  # counters, insert, mail task; no ORM reads
        sign(client, petition, form_data(consent, email="fast@example.org"), ip)


def test_signing_does_not_count_the_signatures_but_a_refusal_shows_the_count(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    """Counting on every signature would slow signing as the petition grows."""
    Signature.objects.create(
        petition=petition, email="counted@example.org", consent=consent,
        confirmed_at=timezone.now(),
    )  # fmt: skip
    statements: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        response = sign(client, petition, form_data(consent, email="new@example.org"), ip)
    assert response.status_code == 302
    assert not [s for s in statements if "COUNT(" in s.upper() and Signature._meta.db_table in s]
    response = sign(client, petition, form_data(consent, email="not-an-address"), ip, "en")
    assert response.status_code == 400
    assert re.search(r'data-counter="count">1<', response.content.decode())


def test_unknown_and_unpublished_petitions_are_404(
    client: Client, make_petition: Callable[..., Petition], consent: ConsentText
) -> None:
    make_petition("draft", is_published=False)
    assert client.get("/petitions/nope/").status_code == 404
    assert client.get("/petitions/draft/").status_code == 404
    assert client.get("/petitions/draft/count/").status_code == 404
    assert client.post("/petitions/draft/sign/", {}).status_code == 404


def test_index_lists_open_petitions_in_one_query(
    client: Client,
    make_petition: Callable[..., Petition],
    consent: ConsentText,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(5):
        make_petition(f"p{n}")
    make_petition("old", closes_at=timezone.now() - datetime.timedelta(days=1))
    with django_assert_max_num_queries(6):
        html = client.get("/en/petitions/").content.decode()
    assert html.count("Free the prisoners of conscience") == 5


def test_a_petition_saved_in_this_process_is_forgotten_at_once(
    petition: Petition, consent: ConsentText
) -> None:
    assert selectors.petition_to_sign(petition.slug) == petition
    assert petition.slug in selectors._to_sign
    petition.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    petition.save()
    assert petition.slug not in selectors._to_sign
    services.current_consent_version()
    ConsentText.objects.create(version=2, text_ru="Новый", text_en="New")
    assert services.current_consent_version() == 2
