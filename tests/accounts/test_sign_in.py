"""Signing in by e-mail, two-factor for staff and admins, lockout, password reset by mail."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import PASSWORD, SmtpSink, current_totp
from vigil.accounts.models import SealedTOTPDevice, User
from vigil.accounts.roles import Role
from vigil.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = "/en/account/login/"
TWO_FACTOR = "/en/account/two-factor/"


def sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"username": email, "password": password})


def test_member_signs_in_by_email_in_any_case(client: Any, member: User) -> None:
    response = sign_in(client, "MEMBER@Example.org")
    assert response.status_code == 302
    assert client.get("/en/account/").status_code == 200


def test_wrong_password_is_a_clear_error_and_not_a_500(client: Any, member: User) -> None:
    response = sign_in(client, member.email, "wrong password")
    assert response.status_code == 200
    assert b"e-mail address or the password is wrong" in response.content
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 200
    assert b"This field is required" in response.content


def test_unknown_address_gets_the_same_answer(client: Any, member: User) -> None:
    known = sign_in(client, member.email, "wrong password")
    unknown = sign_in(client, "nobody@example.org", "wrong password")
    assert known.status_code == unknown.status_code == 200
    assert b"e-mail address or the password is wrong" in unknown.content


def test_lockout_after_repeated_failures(client: Any, member: User, settings: Any) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, member.email, "wrong password")
    locked = sign_in(client, member.email, PASSWORD)
    assert locked.status_code in (403, 429)
    assert b"Too many attempts" in locked.content
    assert client.get("/en/account/").status_code == 302  # still not signed in


def test_lockout_records_do_not_hold_the_address(client: Any, member: User) -> None:
    from axes.models import AccessAttempt

    sign_in(client, member.email, "wrong password")
    attempt = AccessAttempt.objects.get()
    assert "member" not in attempt.username and "example" not in attempt.username


def test_staff_must_pass_the_second_factor(client: Any, staff: User) -> None:
    response = sign_in(client, staff.email)
    assert response.status_code == 302 and response["Location"].startswith(TWO_FACTOR)
    # Password alone opens nothing: every page sends back to the two-factor check.
    gated = client.get("/en/account/")
    assert gated.status_code == 302 and gated["Location"].startswith(TWO_FACTOR)
    assert client.get("/en/back-office/").status_code == 302
    wrong = client.post(TWO_FACTOR, {"token": "000000"})
    assert wrong.status_code == 200 and b"wrong or has expired" in wrong.content
    not_digits = client.post(TWO_FACTOR, {"token": "abcdef"})
    assert b"digits only" in not_digits.content
    # Right after a wrong code even the right one waits: guessing is throttled.
    throttled = client.post(TWO_FACTOR, {"token": current_totp(staff)})
    assert b"Too many wrong codes" in throttled.content
    SealedTOTPDevice.objects.get(user=staff).throttle_reset()  # as if the wait had passed
    ok = client.post(TWO_FACTOR, {"token": current_totp(staff), "next": "/en/back-office/"})
    assert ok.status_code == 302 and ok["Location"] == "/en/back-office/"
    assert client.get("/en/back-office/").status_code == 200
    assert AuditEvent.objects.filter(actor=staff, action="two_factor").exists()


def test_two_factor_next_does_not_redirect_off_site(client: Any, staff: User) -> None:
    sign_in(client, staff.email)
    ok = client.post(TWO_FACTOR, {"token": current_totp(staff), "next": "https://evil.example/"})
    assert ok["Location"] == "/en/account/"


def test_staff_without_an_authenticator_enrols_on_first_sign_in(
    client: Any, make_user: Callable[..., User]
) -> None:
    from django_otp.oath import totp

    user = make_user("new-staff@example.org", Role.STAFF, two_factor=False)
    sign_in(client, user.email)
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    assert b"data:image/svg+xml" in page.content
    secret = re.search(rb'id="totp-secret">([A-Z2-7]+)<', page.content)
    assert secret is not None
    device = SealedTOTPDevice.objects.get(user=user)
    assert not device.confirmed
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"
    response = client.post(TWO_FACTOR, {"token": code})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/en/account/").status_code == 200


def test_member_is_not_asked_for_a_second_factor(client: Any, member: User) -> None:
    sign_in(client, member.email)
    assert client.get("/en/account/").status_code == 200
    assert client.get("/en/back-office/").status_code == 302  # not staff: sent to sign in


def test_admin_role_reaches_every_back_office_model(client: Any, admin_user: User) -> None:
    sign_in(client, admin_user.email)
    client.post(TWO_FACTOR, {"token": current_totp(admin_user)})
    page = client.get("/en/back-office/")
    assert page.status_code == 200
    assert b"Audit events" in page.content and b"Users" in page.content


def test_password_reset_mail_goes_through_the_worker_and_real_smtp(
    client: Any, member: User, smtp_server: SmtpSink, run_tasks: Callable[[], None]
) -> None:
    response = client.post("/en/account/password/reset/", {"email": "Member@example.org"})
    assert response.status_code == 302
    assert smtp_server.messages == []  # queued, not sent on the request
    run_tasks()
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert smtp_server.envelopes[0][1] == ["member@example.org"]
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"http://testserver((?:/en)?/account/password/reset/\S+/)", body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    new_password = "a new and long passphrase"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    assert sign_in(client, member.email, new_password).status_code == 302


def test_password_reset_mail_is_in_the_persons_language(
    client: Any,
    make_user: Callable[..., User],
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    make_user("russian@example.org", language="ru")
    client.post("/en/account/password/reset/", {"email": "russian@example.org"})
    run_tasks()
    assert smtp_server.messages[0]["Subject"] == "Новый пароль для Vigil"


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(
    client: Any, smtp_server: SmtpSink, run_tasks: Callable[[], None], db: Any
) -> None:
    response = client.post("/en/account/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    run_tasks()
    assert smtp_server.messages == []


def test_half_signed_in_staff_see_no_menu_but_sign_out(client: Any, staff: User) -> None:
    sign_in(client, staff.email)
    page = client.get(TWO_FACTOR).content.decode()
    assert "/en/account/logout/" in page
    assert 'href="/en/account/"' not in page and "/en/back-office/" not in page


def test_a_password_reset_ends_the_sign_in_pause(
    client: Any,
    member: User,
    settings: Any,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, member.email, "wrong password")
    assert sign_in(client, member.email).status_code == 429
    client.post("/en/account/password/reset/", {"email": member.email})
    run_tasks()
    body = smtp_server.messages[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    link = re.search(r"http://testserver((?:/en)?/account/password/reset/\S+/)", body)
    assert link is not None
    form = client.get(link.group(1), follow=True)
    new_password = "another long passphrase"
    client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert sign_in(client, member.email, new_password).status_code == 302
