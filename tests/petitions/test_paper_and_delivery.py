"""Paper batches entered by group coordinators, private scans, exports for the target."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from vigil.accounts.models import User
from vigil.audit.models import AuditEvent
from vigil.groups.models import Group, Membership
from vigil.petitions import paper, selectors, services
from vigil.petitions.models import ConsentText, PaperBatch, Petition, Signature

from .conftest import join, make_group

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user, backend="vigil.accounts.backends.EmailBackend")
    return client


def add_signature(petition: Petition, consent: ConsentText, n: int, **fields: Any) -> Signature:
    values: dict[str, Any] = {
        "name": f"Подписант {n}", "email": f"s{n}@example.org", "country": "Россия",
        "city": "Тверь", "phone": "+7 900 000-00-00", "consent": consent,
        "confirmed_at": timezone.now(),
    }  # fmt: skip
    values.update(fields)
    return Signature.objects.create(petition=petition, **values)


def test_a_coordinator_enters_a_batch_with_a_private_scan(
    client: Client, petition: Petition, group: Group, coordinator: User, private_dir: Path
) -> None:
    signed_in(client, coordinator)
    page = client.get(f"/en/petitions/{petition.slug}/paper/")
    assert page.status_code == 200 and group.name in page.content.decode()
    response = client.post(
        f"/en/petitions/{petition.slug}/paper/",
        {
            "group": group.pk, "count": 42, "collected_on": "2026-11-01",
            "scan": SimpleUploadedFile("list.png", PNG, content_type="image/png"),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    batch = PaperBatch.objects.get()
    assert batch.entered_by == coordinator and batch.count == 42
    stored = Path(batch.scan.path)
    assert stored.is_file() and private_dir in stored.parents
    assert Path(settings.STATIC_ROOT) not in stored.parents
    assert Path(settings.MEDIA_ROOT) not in stored.parents
    assert selectors.count_of(petition).paper == 42
    assert client.get(f"/petitions/{petition.slug}/count/").json()["count"] == 42

    download = client.get(f"/en/petitions/paper/{batch.pk}/scan/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="view", target_id=str(batch.pk)).exists()


def test_outsiders_neither_enter_nor_download(
    client: Client,
    petition: Petition,
    group: Group,
    coordinator: User,
    make_user: Callable[..., User],
    private_dir: Path,
) -> None:
    batch = services.add_paper_batch(
        petition, by=coordinator, group=group, count=5, collected_on=timezone.localdate(),
        scan=SimpleUploadedFile("list.pdf", PDF),
    )  # fmt: skip
    plain_member = make_user("plain@example.org")
    join(group, plain_member)
    signed_in(client, plain_member)
    assert client.get(f"/en/petitions/{petition.slug}/paper/").status_code == 403
    assert client.get(f"/en/petitions/paper/{batch.pk}/scan/").status_code == 403

    other_group = make_group("other-1")
    other = make_user("other@example.org")
    join(other_group, other, Membership.Role.COORDINATOR)
    signed_in(client, other)
    assert client.get(f"/en/petitions/paper/{batch.pk}/scan/").status_code == 403
    # Another group's coordinator cannot enter a batch in this group's name.
    response = client.post(
        f"/en/petitions/{petition.slug}/paper/",
        {"group": group.pk, "count": 3, "collected_on": "2026-11-01"},
    )
    assert response.status_code == 400
    assert PaperBatch.objects.count() == 1
    client.logout()
    assert client.get(f"/en/petitions/paper/{batch.pk}/scan/").status_code == 302


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("list.txt", b"names"), "must be a PDF, JPEG or PNG"),
        (SimpleUploadedFile("list.pdf", b"MZ\x90\x00 not a pdf"), "not really a PDF"),
        (SimpleUploadedFile("list.jpg", PNG), "not really a PDF"),
    ],
)
def test_a_bad_scan_is_refused_and_nothing_is_stored(
    client: Client,
    petition: Petition,
    group: Group,
    coordinator: User,
    private_dir: Path,
    upload: SimpleUploadedFile,
    message: str,
) -> None:
    signed_in(client, coordinator)
    response = client.post(
        f"/en/petitions/{petition.slug}/paper/",
        {"group": group.pk, "count": 7, "collected_on": "2026-11-01", "scan": upload},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'value="7"' in html
    assert not PaperBatch.objects.exists()
    assert not private_dir.exists() or not any(private_dir.rglob("*.*"))


def test_a_too_large_scan_and_a_future_date_are_refused(
    client: Client,
    petition: Petition,
    group: Group,
    coordinator: User,
    private_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(paper, "MAX_SCAN_BYTES", 32)
    signed_in(client, coordinator)
    response = client.post(
        f"/en/petitions/{petition.slug}/paper/",
        {"group": group.pk, "count": 7, "collected_on": "2026-11-01",
         "scan": SimpleUploadedFile("list.png", PNG)},
    )  # fmt: skip
    assert response.status_code == 400 and "too large" in response.content.decode()
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        f"/en/petitions/{petition.slug}/paper/",
        {"group": group.pk, "count": 7, "collected_on": future.isoformat()},
    )
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    assert not PaperBatch.objects.exists()


def test_staff_export_confirmed_names_and_cities_only(
    signed_in_staff: Client, petition: Petition, consent: ConsentText
) -> None:
    add_signature(petition, consent, 1, name="=HYPERLINK(1)")
    add_signature(petition, consent, 2, city="Казань")
    add_signature(petition, consent, 3, name="Не подтвердил", confirmed_at=None)
    csv_response = signed_in_staff.get(f"/en/petitions/{petition.slug}/delivery/signatures.csv")
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines() == ["#,name,city", "1,'=HYPERLINK(1),Тверь", "2,Подписант 2,Казань"]
    assert "@" not in text and "+7" not in text

    pdf_response = signed_in_staff.get(f"/en/petitions/{petition.slug}/delivery/signatures.pdf")
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_response.content)).pages)
    assert "Подписант 2" in pdf_text and "Казань" in pdf_text
    assert "Не подтвердил" not in pdf_text and "s2@example.org" not in pdf_text
    assert AuditEvent.objects.filter(action="export").count() == 2


def test_delivery_pages_are_for_staff_only(
    client: Client, petition: Petition, coordinator: User
) -> None:
    signed_in(client, coordinator)
    for path in ("delivery/", "delivery/signatures.csv", "delivery/signatures.pdf"):
        assert client.get(f"/en/petitions/{petition.slug}/{path}").status_code == 403
    assert client.post(f"/en/petitions/{petition.slug}/delivery/delivered/").status_code == 403
    petition.refresh_from_db()
    assert petition.delivered_at is None


def test_marking_delivered_closes_signing(
    signed_in_staff: Client, petition: Petition, consent: ConsentText
) -> None:
    page = signed_in_staff.get(f"/en/petitions/{petition.slug}/delivery/")
    assert page.status_code == 200
    response = signed_in_staff.post(f"/en/petitions/{petition.slug}/delivery/delivered/")
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.delivered_at is not None and not petition.is_open()
    with pytest.raises(Exception, match="closed"):
        services.sign(
            petition, name="A", email="a@example.org", country="RU", city="X",
            consent_version=consent.version, language="en",
        )  # fmt: skip
