"""A signer's copy and erasure through an e-mailed link; the purge after delivery."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import SmtpSink
from vigil.accounts.models import User
from vigil.core.fields import blind_index_for
from vigil.groups.models import Group
from vigil.petitions import privacy, selectors, services, tasks
from vigil.petitions.models import ConsentText, PaperBatch, Petition, Signature

from .conftest import form_data
from .test_paper_and_delivery import PNG, add_signature


def test_my_data_copy_and_erasure_through_a_mailed_link(
    client: Client,
    petition: Petition,
    consent: ConsentText,
    ip: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.post(
        f"/petitions/{petition.slug}/sign/", form_data(consent, phone="+7 1"), REMOTE_ADDR=ip
    )
    with mock.patch.object(privacy, "queue_email") as queued:
        response = client.post(
            "/en/petitions/my-data/", {"email": "Anna@Example.org"}, REMOTE_ADDR=ip
        )
    assert response.status_code == 302
    assert queued.call_args.kwargs["to"] == ["anna@example.org"]
    link = re.search(
        r"https?://[^/\s]+(/en/petitions/my-data/\S+/)", queued.call_args.kwargs["body"]
    )
    assert link is not None

    copy = client.get(link.group(1))
    assert copy.status_code == 200 and copy["Cache-Control"] == "private, no-store"
    html = copy.content.decode()
    for value in ("Анна Каренина", "anna@example.org", "Россия", "Тверь", "+7 1", "version 1"):
        assert value in html

    assert client.post(link.group(1)).status_code == 302
    assert not Signature.objects.exists()
    assert "no data about this address" in client.get(link.group(1)).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client: Client, ip: str, db: Any
) -> None:
    with mock.patch.object(privacy, "queue_email") as queued:
        response = client.post(
            "/en/petitions/my-data/", {"email": "who@example.org"}, REMOTE_ADDR=ip
        )
    assert response.status_code == 302
    assert "a link to your data is on its way" in client.get(response["Location"]).content.decode()
    assert queued.call_count == 0
    bad = client.post("/en/petitions/my-data/", {"email": "nope"}, REMOTE_ADDR=ip)
    assert bad.status_code == 400 and 'value="nope"' in bad.content.decode()


def test_a_forged_or_expired_data_link_shows_nothing(
    client: Client, petition: Petition, consent: ConsentText
) -> None:
    add_signature(petition, consent, 1)
    index = blind_index_for(Signature, "email_index", "s1@example.org")
    assert index is not None
    token = services.data_token(index)
    forged = client.get(f"/en/petitions/my-data/{token}x/")
    assert forged.status_code == 400 and "Подписант" not in forged.content.decode()
    later = timezone.now().timestamp() + services.LINK_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.post(f"/en/petitions/my-data/{token}/").status_code == 400
    assert Signature.objects.count() == 1


def test_erasure_after_delivery_keeps_the_count(petition: Petition, consent: ConsentText) -> None:
    add_signature(petition, consent, 1)
    Petition.objects.filter(pk=petition.pk).update(delivered_at=timezone.now())
    index = blind_index_for(Signature, "email_index", "s1@example.org")
    assert index is not None
    assert services.erase_my_data(index) == 1
    row = Signature.objects.get()
    assert (row.name, row.email, row.city, row.phone, row.email_index) == ("", "", "", "", None)
    assert selectors.count_of(petition).online == 1


def _delivered(petition: Petition, days_ago: int) -> None:
    Petition.objects.filter(pk=petition.pk).update(
        delivered_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_purge_after_retention_keeps_the_counts(
    petition: Petition,
    make_petition: Callable[..., Petition],
    consent: ConsentText,
    group: Group,
    coordinator: User,
    private_dir: Path,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.VIGIL_PETITION_RETENTION_DAYS = 30
    recent = make_petition("recent")
    for n in range(3):
        add_signature(petition, consent, n)
        add_signature(recent, consent, n)
    add_signature(petition, consent, 9, confirmed_at=None)
    batch = services.add_paper_batch(
        petition, by=coordinator, group=group, count=12, collected_on=timezone.localdate(),
        scan=SimpleUploadedFile("list.png", PNG),
    )  # fmt: skip
    scan_path = Path(batch.scan.path)
    _delivered(petition, 31)
    _delivered(recent, 29)
    before = selectors.count_of(petition).total

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_petition_data", stdout=out)
    assert "Petitions purged: 1; signatures emptied: 3" in out.getvalue()

    assert selectors.count_of(petition).total == before == 15
    for row in Signature.objects.filter(petition=petition):
        assert (row.name, row.email, row.country, row.city, row.phone) == ("", "", "", "", "")
        assert row.email_index is None and row.purged_at is not None
    assert Signature.objects.filter(petition=petition).count() == 3  # the unconfirmed one is gone
    assert all(row.name for row in Signature.objects.filter(petition=recent))
    assert not scan_path.exists() and not PaperBatch.objects.get().scan
    petition.refresh_from_db()
    assert petition.purged_at is not None
    # Running again finds nothing more to do.
    assert services.purge_petition_data().petitions == 0


def test_unconfirmed_signatures_go_once_their_link_expired(
    petition: Petition, consent: ConsentText
) -> None:
    old = add_signature(petition, consent, 1, confirmed_at=None)
    Signature.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    add_signature(petition, consent, 2, confirmed_at=None)
    assert services.purge_petition_data().unconfirmed_deleted == 1
    assert list(Signature.objects.values_list("email_index", flat=True)) == [
        blind_index_for(Signature, "email_index", "s2@example.org")
    ]


@pytest.mark.django_db(transaction=True)
def test_the_purge_task_runs_in_the_worker(
    petition: Petition,
    consent: ConsentText,
    run_tasks: Callable[[], None],
    smtp_server: SmtpSink,
) -> None:
    add_signature(petition, consent, 1)
    _delivered(petition, 400)
    tasks.purge_petition_data.enqueue()
    run_tasks()
    assert Signature.objects.get().name == ""
