"""Signing: double opt-in through real mail, one signature per person, bad input, abuse."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.conftest import SmtpSink
from vigil.actions import selectors, services
from vigil.actions.models import ConsentText, Petition, Signature

from .conftest import form_data


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
    assert "actions/counter.js" in html and "<script>" not in html
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


def test_the_same_person_counts_once_and_is_told_kindly(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    sign(client, petition, form_data(consent), ip)
    services.confirm(Signature.objects.get())
    again = sign(client, petition, form_data(consent, email="  ANNA@Example.org "), ip, "en")
    assert again.status_code == 302
    page = client.get(again["Location"]).content.decode()
    assert "already signed this petition" in page and "does not count twice" in page
    assert Signature.objects.count() == 1
    assert selectors.count_of(petition).total == 1


def test_signing_again_before_confirming_resends_the_link(
    client: Client,
    petition: Petition,
    consent: ConsentText,
    ip: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        mock.patch.object(services, "queue_email") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        sign(client, petition, form_data(consent), ip, "en")
        response = sign(client, petition, form_data(consent), ip, "en")
    page = client.get(response["Location"]).content.decode()
    assert "sent the confirmation link again" in page
    assert Signature.objects.count() == 1
    assert queued.call_count == 2
    assert queued.call_args.kwargs["to"] == ["anna@example.org"]
    assert "/en/petitions/confirm/" in queued.call_args.kwargs["body"]


def test_a_refused_signature_mails_nobody(
    client: Client,
    petition: Petition,
    consent: ConsentText,
    ip: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ConsentText.objects.create(version=2, text_ru="Новый текст", text_en="New text")
    with django_capture_on_commit_callbacks() as callbacks:
        sign(client, petition, form_data(consent), ip, "en")
    assert callbacks == []


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


def test_expired_and_tampered_links(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    sign(client, petition, form_data(consent), ip)
    token = services.confirmation_token(Signature.objects.get())
    tampered = client.post(f"/en/petitions/confirm/{token[:-2]}xx/")
    assert tampered.status_code == 400
    assert "not valid" in tampered.content.decode()
    other = signing.TimestampSigner(salt="something else").sign_object({"s": 1, "e": ""})
    assert client.get(f"/en/petitions/confirm/{other}/").status_code == 400
    later = timezone.now().timestamp() + services.LINK_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.post(f"/en/petitions/confirm/{token}/")
    assert expired.status_code == 400
    assert "expired" in expired.content.decode()
    assert Signature.objects.get().confirmed_at is None


def test_the_honeypot_thanks_a_robot_and_stores_nothing(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    response = sign(client, petition, form_data(consent, website="http://spam"), ip, "en")
    assert response.status_code == 302
    assert not Signature.objects.exists()


def test_bursts_are_flagged_then_refused_with_a_message(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    soft, hard = services.LIMITS["ip"]
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
    assert "try again in ten minutes" in refused.content.decode()
    assert 'value="late@example.org"' in refused.content.decode()
    assert Signature.objects.count() == hard


def test_the_network_counts_too(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    net = ip.rsplit(".", 1)[0]
    soft, _hard = services.LIMITS["net"]
    for n in range(soft + 1):
        sign(client, petition, form_data(consent, email=f"n{n}@example.org"), f"{net}.{n + 1}")
    last = Signature.objects.order_by("-id").first()
    assert last is not None and last.flagged and "network" in last.flag_reason


def test_behind_a_proxy_the_forwarded_address_counts(
    client: Client, petition: Petition, consent: ConsentText, ip: str, settings: Any
) -> None:
    """Many people behind one proxy are not one burst; one client through it still is."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    soft, _hard = services.LIMITS["ip"]
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


def test_networks() -> None:
    assert services.network_of("192.0.2.77") == "192.0.2.0/24"
    assert services.network_of("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert services.network_of("::ffff:192.0.2.9") == "192.0.2.0/24"
    assert services.network_of("junk") == "unknown"


def test_people_s_data_is_encrypted_at_rest(
    client: Client, petition: Petition, consent: ConsentText, ip: str
) -> None:
    sign(client, petition, form_data(consent, phone="+7 912 000-00-00"), ip)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, email, city, country, phone FROM actions_signature")
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
    with django_assert_max_num_queries(24):
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
    assert not [s for s in statements if "COUNT(" in s.upper() and "actions_signature" in s]
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
