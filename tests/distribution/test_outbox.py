"""Planning, sending over real SMTP, and resuming after a crash without a duplicate or a miss."""

from __future__ import annotations

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
from tests.distribution.conftest import make_issue
from vigil.distribution import services
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
    assert "Журналист задержан" in distribution.html
    assert "&lt;в Ростове&gt; &amp; осуждён" in distribution.html  # escaped, not markup
    with pytest.raises(ValidationError):
        services.plan(issue)  # once per issue


def test_an_issue_not_fully_approved_is_refused(db: Any, groups: list[Group]) -> None:
    issue = make_issue(approved=False)
    with pytest.raises(ValidationError, match="not fully approved"):
        services.plan(issue)
    assert not Distribution.objects.exists()


def test_send_html_mail_with_pdf_and_one_click_unsubscribe(
    issue: Any, groups: list[Group], smtp_server: SmtpSink
) -> None:
    distribution = services.plan(issue)
    report = services.send(distribution)
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
        assert services.group_from_token(token) == delivery.group
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
    assert services.send(distribution).sent == 0
    assert len(smtp_server.messages) == 3


def _crash_at(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    """Kill the sender at the ``call``-th commit step, as a power cut would."""
    real = services._step
    calls = {"n": 0}

    def step(*args: Any, **kwargs: Any) -> bool:
        calls["n"] += 1
        if calls["n"] == call:
            raise KeyboardInterrupt("crash")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_step", step)


def test_crash_after_smtp_accepted_is_not_sent_twice(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution = services.plan(issue)
    # Step 2 would record row 1 sent and row 2 sending: row 1 went out, the crash hides it.
    _crash_at(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        services.send(distribution)
    monkeypatch.undo()
    assert len(smtp_server.messages) == 1
    assert list(distribution.deliveries.values_list("status", flat=True)).count(Status.SENDING) == 1
    seen = received_ids(smtp_server)
    report = services.send(distribution, accepted=lambda mid: mid in seen)
    assert report.recovery.confirmed == 1 and report.sent == 2
    counts = received_ids(smtp_server)
    expected = {d.message_id for d in distribution.deliveries.filter(status=Status.SENT)}
    assert set(counts) == expected and len(expected) == 3
    assert max(counts.values()) == 1  # no message twice


def test_crash_before_data_is_resent(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution = services.plan(issue)
    real = services.build_message
    calls = {"n": 0}

    class Lost:
        def __init__(self, message: Any) -> None:
            self.message = message

    def build(*args: Any) -> Any:
        calls["n"] += 1
        return real(*args)

    from django.core.mail.backends.smtp import EmailBackend

    sent_messages = EmailBackend.send_messages

    def dying(self: Any, messages: Any) -> int:
        if calls["n"] == 2:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return sent_messages(self, messages)

    monkeypatch.setattr(services, "build_message", build)
    monkeypatch.setattr(EmailBackend, "send_messages", dying)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.send(distribution)
    monkeypatch.undo()
    assert len(smtp_server.messages) == 1
    seen = received_ids(smtp_server)
    report = services.send(distribution, accepted=lambda mid: mid in seen)
    assert report.recovery.requeued == 1 and report.sent == 2
    counts = received_ids(smtp_server)
    assert len(counts) == 3 and max(counts.values()) == 1


def test_without_proof_a_stuck_row_is_uncertain_until_staff_resend(
    issue: Any, groups: list[Group], smtp_server: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    distribution = services.plan(issue)
    _crash_at(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        services.send(distribution)
    monkeypatch.undo()
    report = services.send(distribution)  # no way to ask the server: at most once
    assert report.recovery.uncertain == 1 and report.sent == 2
    assert distribution.deliveries.filter(status=Status.UNCERTAIN).count() == 1
    assert len(smtp_server.messages) == 3
    report = services.send(distribution, resend_uncertain=True)  # staff chose at least once
    assert report.recovery.requeued == 1 and report.sent == 1
    assert len(smtp_server.messages) == 4


def test_accepted_in_log_reads_an_mta_log(tmp_path: Path) -> None:
    log = tmp_path / "mail.log"
    log.write_text("postfix/cleanup[1]: 4F2: message-id=<bulletin.202611.abc@example.org>\n")
    accepted = services.accepted_in_log(log)
    assert accepted("<bulletin.202611.abc@example.org>")
    assert not accepted("<bulletin.202611.def@example.org>")


def test_unsubscribing_meanwhile_stops_a_planned_message(
    issue: Any, groups: list[Group], smtp_server: SmtpSink
) -> None:
    distribution = services.plan(issue)
    services.opt_out(groups[0])
    services.send(distribution)
    assert statuses(distribution)["g1@example.org"] == Status.UNSUBSCRIBED
    assert len(smtp_server.messages) == 2


def test_one_sender_at_a_time(issue: Any, groups: list[Group], smtp_server: SmtpSink) -> None:
    distribution = services.plan(issue)
    assert services.acquire(distribution, "elsewhere.example:1")
    with pytest.raises(services.SenderBusy):
        services.send(distribution)
    assert smtp_server.messages == []
    # A holder on this machine whose process is gone is taken over at once.
    gone = subprocess.Popen(["true"])
    gone.wait()
    Distribution.objects.filter(pk=distribution.pk).update(
        sender=f"{os.uname().nodename}:{gone.pid}"
    )
    assert services.send(distribution).sent == 3
