"""The staff page, the one-click unsubscribe endpoint, the print pack and bounces."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
from django.core.management import call_command
from django.test import Client

from tests.conftest import SmtpSink
from vigil.distribution import links, outbox, services
from vigil.distribution.models import Delivery, Distribution, OptOut
from vigil.groups.models import Group

Status = Delivery.Status


def test_staff_start_then_the_worker_sends(
    signed_in_staff: Client,
    issue: Any,
    groups: list[Group],
    smtp_server: SmtpSink,
    run_tasks: Any,
) -> None:
    page = signed_in_staff.get(f"/en/distribution/{issue.pk}/")
    assert page.status_code == 200 and "Start the distribution" in page.content.decode()
    response = signed_in_staff.post(f"/en/distribution/{issue.pk}/start/")
    assert response.status_code == 302
    run_tasks()
    assert len(smtp_server.messages) == 3
    page = signed_in_staff.get(f"/en/distribution/{issue.pk}/")
    text = page.content.decode()
    assert "print pack" in text and "g1@example.org" not in text  # statuses, not addresses
    assert Distribution.objects.get().finished_at is not None
    sent = signed_in_staff.get(f"/en/distribution/{issue.pk}/?status=sent").content.decode()
    assert groups[0].name in sent and groups[3].name not in sent


def test_an_unapproved_issue_is_refused_with_a_message(
    signed_in_staff: Client, groups: list[Group]
) -> None:
    from tests.distribution.conftest import make_issue

    issue = make_issue(approved=False)
    response = signed_in_staff.post(f"/en/distribution/{issue.pk}/start/", follow=True)
    assert response.status_code == 200
    assert "not fully approved" in response.content.decode()
    assert not Distribution.objects.exists()


def test_members_and_visitors_are_kept_out(client: Client, member: Any, issue: Any) -> None:
    for path in ("/en/distribution/", f"/en/distribution/{issue.pk}/"):
        assert client.get(path).status_code == 302  # to sign in
    client.force_login(member)
    assert client.get("/en/distribution/").status_code == 403
    assert client.post(f"/en/distribution/{issue.pk}/start/").status_code == 403
    assert not Distribution.objects.exists()


def test_one_click_unsubscribe_without_login_or_csrf(issue: Any, groups: list[Group]) -> None:
    distribution = services.plan(issue)
    link = links.unsubscribe_url(groups[0]).removeprefix("https://vigil.example.org")
    client = Client(enforce_csrf_checks=True)
    page = client.get(link)
    assert page.status_code == 200 and not OptOut.objects.exists()  # GET only asks
    response = client.post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert OptOut.objects.filter(group=groups[0]).exists()
    assert distribution.deliveries.get(group=groups[0]).status == Status.UNSUBSCRIBED
    # The next issue is not planned for e-mail to that group.
    assert client.post(link[:-5] + "xxxx/").status_code == 400  # a forged token


def test_print_pack_has_labels_and_the_issue(
    signed_in_staff: Client, issue: Any, groups: list[Group]
) -> None:
    services.plan(issue)
    response = signed_in_staff.get(f"/en/distribution/{issue.pk}/print-pack.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "ул. Баумана" in text and "Журналист задержан" in text
    assert "g1@example.org" not in text


DSN = """From: MAILER-DAEMON@mx.example.org
To: vigil@localhost
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; g2@example.org
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <g2@example.org>: user unknown

--B
Content-Type: text/rfc822-headers

Message-ID: {message_id}
Subject: Bulletin

--B--
"""


def test_record_bounce_from_a_dsn_file(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, tmp_path: Path
) -> None:
    distribution = services.plan(issue)
    outbox.send(distribution)
    delivery = distribution.deliveries.get(group=groups[1])
    delay = tmp_path / "delay.eml"
    delay.write_text(DSN.format(action="delayed", status="4.4.1", message_id=delivery.message_id))
    call_command("record_bounce", str(delay))
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT
    bounce = tmp_path / "bounce.eml"
    bounce.write_text(DSN.format(action="failed", status="5.1.1", message_id=delivery.message_id))
    out = io.StringIO()
    call_command("record_bounce", str(bounce), stdout=out)
    delivery.refresh_from_db()
    assert delivery.status == Status.BOUNCED and delivery.bounced_at is not None
    assert "user unknown" in delivery.note and "bounced" in out.getvalue()


def test_distribute_command_plans_and_resumes(
    issue: Any, groups: list[Group], smtp_server: SmtpSink
) -> None:
    out = io.StringIO()
    call_command("distribute", str(issue.pk), "--plan-only", stdout=out)
    assert "planned 4" in out.getvalue() and not smtp_server.messages
    call_command("distribute", str(issue.pk), "--resume", stdout=out)
    assert "sent 3" in out.getvalue() and len(smtp_server.messages) == 3


def test_staff_can_undo_an_opt_out_in_the_back_office(
    signed_in_staff: Client, groups: list[Group]
) -> None:
    services.opt_out(groups[0])
    opt_out = OptOut.objects.get()
    page = signed_in_staff.get("/en/back-office/distribution/optout/")
    assert page.status_code == 200 and groups[0].name in page.content.decode()
    response = signed_in_staff.post(
        f"/en/back-office/distribution/optout/{opt_out.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302 and not OptOut.objects.exists()


def test_no_print_pack_when_every_group_gets_it_by_email(
    signed_in_staff: Client, issue: Any, make_group: Any
) -> None:
    make_group("g1@example.org")
    services.plan(issue)
    page = signed_in_staff.get(f"/en/distribution/{issue.pk}/").content.decode()
    assert "print-pack" not in page and "Print pack" not in page
    response = signed_in_staff.get(f"/en/distribution/{issue.pk}/print-pack.pdf")
    assert response.status_code == 404


def test_dormant_groups_get_the_bulletin_and_are_marked(
    signed_in_staff: Client, issue: Any, make_group: Any
) -> None:
    import datetime

    from django.utils import timezone

    long_ago = timezone.now() - datetime.timedelta(days=400)
    active = make_group("active@example.org", created_at=long_ago)
    from vigil.groups.models import Meeting

    Meeting.objects.create(group=active, held_on=timezone.localdate(), attendance=5)
    quiet = make_group("quiet@example.org", name="Тихая группа", created_at=long_ago)
    marked = make_group("marked@example.org", status=Group.Status.DORMANT)
    make_group("gone@example.org", status=Group.Status.CLOSED)
    distribution = services.plan(issue)
    planned = set(distribution.deliveries.values_list("group_id", flat=True))
    assert planned == {active.pk, quiet.pk, marked.pk}
    page = signed_in_staff.get(f"/distribution/{issue.pk}/").content.decode()
    rows = {row.split("</td>")[0] for row in page.split("<tr><td>")[1:]}
    dormant = [row for row in rows if "неактивная" in row]
    assert len(dormant) == 2 and not any(active.name in row for row in dormant)
