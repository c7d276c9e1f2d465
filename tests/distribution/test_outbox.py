"""Planning, sending over real SMTP, and resuming after a crash without a duplicate or a miss."""

from __future__ import annotations

import base64
import io
import os
import smtplib
import subprocess
from collections import Counter
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pypdf
import pytest
from django.core.exceptions import ValidationError

from tests.conftest import SmtpSink
from tests.distribution.conftest import StrictSink, make_issue
from vigil.distribution import links, mime, outbox, services, smtp
from vigil.distribution.models import Delivery, Distribution, OptOut
from vigil.groups.models import Group

Status = Delivery.Status


def assert_cyrillic_embedded(pdf: bytes, words: str) -> None:
    """The text reads back in Russian and every font travels inside the file."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert words in reader.pages[0].extract_text()
    fonts = cast(Any, reader.pages[0])["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)


def statuses(distribution: Distribution) -> dict[str, str]:
    return {d.address or d.group.name: d.status for d in distribution.deliveries.all()}


def received_ids(sink: SmtpSink) -> Counter[str]:
    return Counter(str(m["Message-ID"]) for m in sink.messages)


def test_plan_writes_one_row_per_active_group(issue: Any, groups: list[Group]) -> None:
    OptOut.objects.create(group=groups[2])
    distribution = services.plan(issue)
    assert statuses(distribution) == {
        "g1@example.org": Status.PLANNED,
        "g2@example.org": Status.PLANNED,
        "g3@example.org": Status.UNSUBSCRIBED,
        groups[3].name: Status.PRINT,
    }
    ids = [d.message_id for d in distribution.deliveries.all()]
    assert len(set(ids)) == 4 and all(i.startswith("<bulletin.202611.") for i in ids)
    assert bytes(distribution.pdf).startswith(b"%PDF")
    assert distribution.subject == "Бюллетень за ноябрь 2026 г."  # the month, in Russian
    assert "Журналист задержан" in distribution.html
    assert "&lt;в Ростове&gt; &amp; осуждён" in distribution.html  # escaped, not markup
    with pytest.raises(ValidationError):
        services.plan(issue)  # once per issue


def test_an_issue_not_fully_approved_is_refused(
    db: Any, groups: list[Group], english: None
) -> None:
    issue = make_issue(approved=False)
    with pytest.raises(ValidationError, match="not fully approved"):
        services.plan(issue)
    assert not Distribution.objects.exists()


def test_send_html_mail_with_pdf_and_one_click_unsubscribe(
    issue: Any, groups: list[Group], smtp_server: SmtpSink
) -> None:
    distribution = services.plan(issue)
    report = outbox.send(distribution)
    assert report.sent == 3
    assert sorted(rcpt[0] for _f, rcpt in smtp_server.envelopes) == [
        "g1@example.org",
        "g2@example.org",
        "g3@example.org",
    ]
    by_id = {d.message_id: d for d in distribution.deliveries.all()}
    for message in cast(list[EmailMessage], smtp_server.messages):
        delivery = by_id[str(message["Message-ID"])]
        assert delivery.status == Status.SENT and delivery.sent_at is not None
        unsubscribe = str(message["List-Unsubscribe"])
        assert unsubscribe.startswith("<https://vigil.example.org/distribution/unsubscribe/")
        assert str(message["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
        assert str(message["From"]) == "Vigil <vigil@localhost>"
        token = unsubscribe.rstrip("/>").rsplit("/", 1)[1]
        assert links.group_from_token(token) == delivery.group
        html = message.get_body(("html",))
        assert html is not None and "Журналист задержан" in html.get_content()
        assert unsubscribe.strip("<>") in html.get_content()
        [attachment] = list(message.iter_attachments())
        pdf = attachment.get_content()
        assert attachment.get_content_type() == "application/pdf" and pdf.startswith(b"%PDF")
        assert_cyrillic_embedded(pdf, "Журналист задержан")
    distribution.refresh_from_db()
    assert distribution.finished_at is not None and distribution.sender == ""
    # A second run finds nothing to send.
    assert outbox.send(distribution).sent == 0
    assert len(smtp_server.messages) == 3


def _power_cut_at_settle(monkeypatch: pytest.MonkeyPatch, call: int = 1) -> None:
    """The process dies just before the ``call``-th batch commits its outcome (as kill -9)."""
    real = outbox._settle
    calls = {"n": 0}

    def settle(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == call:
            raise KeyboardInterrupt("power cut")
        real(*args, **kwargs)

    monkeypatch.setattr(outbox, "_settle", settle)


def _connection_lost_at(monkeypatch: pytest.MonkeyPatch, message: int) -> None:
    """The SMTP connection drops while the ``message``-th message is in flight."""
    real = smtp.Post.send
    calls = {"n": 0}

    def send(self: Any, delivery: Delivery) -> None:
        calls["n"] += 1
        if calls["n"] == message:
            raise smtplib.SMTPServerDisconnected("connection lost")
        real(self, delivery)

    monkeypatch.setattr(smtp.Post, "send", send)


def test_a_whole_batch_in_doubt_after_a_crash_is_confirmed_not_resent(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution = services.plan(issue)
    _power_cut_at_settle(monkeypatch)  # all three went out; the process dies before recording it
    with pytest.raises(KeyboardInterrupt):
        outbox.send(distribution)
    monkeypatch.undo()
    assert len(smtp_server.messages) == 3
    assert distribution.deliveries.filter(status=Status.SENDING).count() == 3
    seen = received_ids(smtp_server)
    report = outbox.send(distribution, accepted=lambda mid: mid in seen)
    assert (report.recovery.confirmed, report.recovery.requeued, report.sent) == (3, 0, 0)
    counts = received_ids(smtp_server)
    expected = {d.message_id for d in distribution.deliveries.filter(status=Status.SENT)}
    assert set(counts) == expected and len(expected) == 3
    assert max(counts.values()) == 1  # no message twice


def test_a_batch_half_sent_when_the_process_died_is_settled_row_by_row(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution = services.plan(issue)
    _connection_lost_at(monkeypatch, 2)  # message 1 accepted, 2 cut off, 3 never tried...
    _power_cut_at_settle(monkeypatch)  # ...and the process dies before writing any of it
    with pytest.raises(KeyboardInterrupt):
        outbox.send(distribution)
    monkeypatch.undo()
    assert len(smtp_server.messages) == 1
    assert distribution.deliveries.filter(status=Status.SENDING).count() == 3
    seen = received_ids(smtp_server)
    report = outbox.send(distribution, accepted=lambda mid: mid in seen)
    assert (report.recovery.confirmed, report.recovery.requeued, report.sent) == (1, 2, 2)
    counts = received_ids(smtp_server)
    assert len(counts) == 3 and max(counts.values()) == 1
    assert set(statuses(distribution).values()) == {Status.SENT, Status.PRINT}


def test_a_lost_connection_leaves_only_the_message_in_flight_in_doubt(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution = services.plan(issue)
    _connection_lost_at(monkeypatch, 2)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        outbox.send(distribution)
    monkeypatch.undo()
    rows = list(distribution.deliveries.exclude(status=Status.PRINT).order_by("pk"))
    assert [d.status for d in rows] == [Status.SENT, Status.SENDING, Status.PLANNED]
    assert [d.attempts for d in rows] == [1, 1, 0]  # the third was never tried
    seen = received_ids(smtp_server)
    report = outbox.send(distribution, accepted=lambda mid: mid in seen)
    assert report.recovery.requeued == 1 and report.sent == 2
    counts = received_ids(smtp_server)
    assert len(counts) == 3 and max(counts.values()) == 1


def test_without_proof_a_stuck_batch_is_uncertain_until_staff_resend(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution = services.plan(issue)
    _power_cut_at_settle(monkeypatch, 2)  # batches of two: the first is recorded, not the second
    with pytest.raises(KeyboardInterrupt):
        outbox.send(distribution, batch=2)
    monkeypatch.undo()
    report = outbox.send(distribution)  # no way to ask the server: at most once
    assert report.recovery.uncertain == 1 and report.sent == 0
    assert distribution.deliveries.filter(status=Status.UNCERTAIN).count() == 1
    assert len(smtp_server.messages) == 3
    report = outbox.send(distribution, resend_uncertain=True)  # staff chose at least once
    assert report.recovery.requeued == 1 and report.sent == 1
    assert len(smtp_server.messages) == 4


def test_a_try_later_answer_stops_the_run_and_keeps_the_rest_planned(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution = services.plan(issue)
    real = smtp.Post.send

    def busy(self: Any, delivery: Delivery) -> None:
        if delivery.address == "g2@example.org":
            raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")
        real(self, delivery)

    monkeypatch.setattr(smtp.Post, "send", busy)
    with pytest.raises(smtplib.SMTPDataError):
        outbox.send(distribution)
    monkeypatch.undo()
    # The server said no for now: certainly not delivered, so nothing is in doubt.
    assert statuses(distribution)["g2@example.org"] == Status.PLANNED
    assert statuses(distribution)["g3@example.org"] == Status.PLANNED
    report = outbox.send(distribution)
    assert report.sent == 2 and report.recovery == outbox.Recovery()
    assert len(received_ids(smtp_server)) == 3


def test_every_message_over_one_connection_pipelined_or_not(
    issue: Any, groups: list[Group], strict_server: StrictSink
) -> None:
    """A refused recipient is recorded and the others still go, over the same connection."""
    strict_server.refuse = {"g2@example.org"}
    distribution = services.plan(issue)
    report = outbox.send(distribution, batch=2)
    assert (report.sent, report.failed) == (2, 1)
    assert strict_server.commands.count("EHLO") == 1
    by_status = statuses(distribution)
    assert by_status["g2@example.org"] == Status.FAILED
    assert "No such mailbox" in distribution.deliveries.get(address="g2@example.org").note
    assert sorted(rcpt[0] for _f, rcpt in strict_server.envelopes) == [
        "g1@example.org",
        "g3@example.org",
    ]
    for message in cast(list[EmailMessage], strict_server.messages):
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content() == bytes(distribution.pdf)
        html = message.get_body(("html",))
        assert html is not None and str(message["List-Unsubscribe"]).strip("<>") in (
            html.get_content()
        )


def test_a_message_and_the_next_ones_envelope_share_one_write(
    issue: Any, groups: list[Group], strict_server: StrictSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over PIPELINING a message costs one round trip; one refused after its content leaves the
    next message (already opened in the same write) whole and delivered."""
    strict_server.refuse_content = {"g2@example.org"}
    writes = []
    real = smtplib.SMTP.send

    def send(self: smtplib.SMTP, data: Any) -> None:
        writes.append(data.encode() if isinstance(data, str) else bytes(data))
        real(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", send)
    distribution = services.plan(issue)
    report = outbox.send(distribution)
    assert (report.sent, report.failed) == (2, 1)
    assert statuses(distribution)["g2@example.org"] == Status.FAILED
    assert "Content refused" in distribution.deliveries.get(address="g2@example.org").note
    delivered = cast(list[EmailMessage], strict_server.messages)
    assert [str(m["To"]) for m in delivered] == ["g1@example.org", "g3@example.org"]
    for message in delivered:
        [attachment] = list(message.iter_attachments())
        assert attachment.get_content() == bytes(distribution.pdf)
    if strict_server.pipelining:
        # EHLO, the first envelope, each content with the next envelope, QUIT; and no RSET,
        # which would have become the content of the message already opened.
        content = [w for w in writes if b"multipart/mixed" in w]
        assert [w.count(b"MAIL FROM:") for w in content] == [1, 1, 0]
        assert len(writes) == 6 and "RSET" not in strict_server.commands


@pytest.mark.parametrize("extra", [0, 1, 56, 57, 58, 200])
def test_a_body_encoded_once_up_to_its_footer_is_the_same_as_encoded_whole(extra: int) -> None:
    link = "https://vigil.example.org/distribution/unsubscribe/abc:def/"
    template = "Ж" * 30 + "x" * extra + f'<a href="{links.UNSUBSCRIBE_PLACEHOLDER}">'
    template += f"</a> {links.UNSUBSCRIBE_PLACEHOLDER}\n"
    body = mime._Body("html", template)
    whole = template.replace(links.UNSUBSCRIBE_PLACEHOLDER, link).encode()
    expected = base64.encodebytes(whole).replace(b"\n", b"\r\n")
    assert body.render(link.encode()).split(b"\r\n\r\n", 1)[1] == expected


def test_accepted_in_log_reads_an_mta_log(tmp_path: Path) -> None:
    log = tmp_path / "mail.log"
    log.write_text("postfix/cleanup[1]: 4F2: message-id=<bulletin.202611.abc@example.org>\n")
    accepted = outbox.accepted_in_log(log)
    assert accepted("<bulletin.202611.abc@example.org>")
    assert not accepted("<bulletin.202611.def@example.org>")


def test_unsubscribing_meanwhile_stops_a_planned_message(
    issue: Any, groups: list[Group], smtp_server: SmtpSink
) -> None:
    distribution = services.plan(issue)
    services.opt_out(groups[0])
    outbox.send(distribution)
    assert statuses(distribution)["g1@example.org"] == Status.UNSUBSCRIBED
    assert len(smtp_server.messages) == 2


def test_one_sender_at_a_time(issue: Any, groups: list[Group], smtp_server: SmtpSink) -> None:
    distribution = services.plan(issue)
    assert outbox.acquire(distribution, "elsewhere.example:1")
    with pytest.raises(outbox.SenderBusy):
        outbox.send(distribution)
    assert smtp_server.messages == []
    # A holder on this machine whose process is gone is taken over at once.
    gone = subprocess.Popen(["true"])
    gone.wait()
    Distribution.objects.filter(pk=distribution.pk).update(
        sender=f"{os.uname().nodename}:{gone.pid}"
    )
    assert outbox.send(distribution).sent == 3


def test_an_address_unfit_for_a_header_is_refused_not_sent(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, english: None
) -> None:
    distribution = services.plan(issue)
    bad = distribution.deliveries.get(address="g2@example.org")
    Delivery.objects.filter(pk=bad.pk).update(address="g2@example.org\r\nBcc: x@example.org")
    report = outbox.send(distribution)
    assert (report.sent, report.failed) == (2, 1)
    bad.refresh_from_db()
    assert bad.status == Status.FAILED and "mail header" in bad.note
    assert len(smtp_server.messages) == 2
