"""Staff import files from the back office: the upload is queued, the worker imports it through
the same service as the command, the page shows progress and the summary and leads to the
review queue, where staff correct and publish what the importer was unsure of."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.publications.test_sources import HTML
from vigil.publications.models import Document, ImportJob

RELEASES = Path(__file__).parent / "releases"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.django_db
def test_only_staff_may_import(client: Client, member: Any) -> None:
    response = client.get("/en/documents/imports/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(member)
    assert client.get("/en/documents/imports/").status_code == 403
    assert client.get("/en/documents/review/").status_code == 403


@pytest.mark.django_db
def test_an_upload_without_files_says_so(signed_in_staff: Client) -> None:
    response = signed_in_staff.post("/en/documents/imports/", {"kind": "documents"})
    assert response.status_code == 200
    assert "Choose at least one file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_staff_upload_releases_and_review_the_unsure_one(
    signed_in_staff: Client, run_tasks: Callable[[], None], staff: Any
) -> None:
    files = [
        upload("classic.txt", (RELEASES / "01_classic_2003.txt").read_bytes()),
        upload("voronezh.htm", HTML.encode("cp1251")),
        upload(
            "no-prefix.txt", (RELEASES / "03_index_without_prefix_date_same_line.txt").read_bytes()
        ),
        upload("junk.bin", b"\x00\x01\x02"),
    ]
    response = signed_in_staff.post(
        "/en/documents/imports/", {"kind": "documents", "uploads": files}
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == "queued" and job.created_by == staff and job.total == 4
    uploaded = Path(job.upload_dir)
    assert uploaded.stat().st_mode & 0o777 == 0o700
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in uploaded.iterdir())
    page = signed_in_staff.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in page and 'http-equiv="refresh"' in page

    run_tasks()
    job.refresh_from_db()
    assert job.status == "done" and job.done == 4
    assert (job.published, job.to_review, job.unchanged, job.errors) == (2, 1, 0, 1)
    page = signed_in_staff.get(response["Location"]).content.decode()
    assert "http-equiv" not in page
    assert "junk.bin" in page and "this is not a text file" in page
    assert 'href="/en/documents/review/"' in page
    assert not Path(job.upload_dir).exists()  # the uploads are gone once read

    response = signed_in_staff.get("/en/documents/review/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    queue = response.content.decode()
    assert "Human rights defenders threatened after radio interview" in queue
    assert "the index number was printed without its region prefix" in queue
    assert "News Service 168/99 AI INDEX: 21/139/99 8 September 1999" in queue  # the original
    draft = Document.objects.get(needs_review=True)
    response = signed_in_staff.post(
        f"/en/documents/review/{draft.pk}/",
        {
            "index_number": "21/139/1999",
            "title": draft.title,
            "date": "1999-09-08",
            "doc_type": "news_release",
            "classification": "public",
        },
    )
    assert "Add the region or subject prefix" in response.content.decode()
    response = signed_in_staff.post(
        f"/en/documents/review/{draft.pk}/",
        {
            "index_number": "amr 21/139/99",
            "title": draft.title,
            "date": "1999-09-08",
            "doc_type": "news_release",
            "classification": "public",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.index_number == "AMR 21/139/1999" and not draft.needs_review
    assert draft.is_public()


def test_the_directory_import_runs_through_its_adapter(
    signed_in_staff: Client, run_tasks: Callable[[], None], region_tree: None
) -> None:
    seed = (SEEDS / "000_1dc073592e07a6d7.txt").read_bytes()
    response = signed_in_staff.post(
        "/en/documents/imports/", {"kind": "directory", "uploads": [upload("ai.txt", seed)]}
    )
    assert response.status_code == 302
    run_tasks()
    job = ImportJob.objects.get()
    assert job.status == "done" and job.published == 1 and job.errors == 0, job.report
    from vigil.directory.models import Organisation

    assert Organisation.objects.filter(name_en__icontains="Amnesty").exists()


@pytest.mark.django_db
def test_the_back_office_lists_drafts_and_imports(signed_in_staff: Client) -> None:
    from django.urls import reverse

    from vigil.publications import services
    from vigil.publications.importer import read_file

    services.import_document(read_file(RELEASES / "03_index_without_prefix_date_same_line.txt"))
    documents = reverse("admin:publications_document_changelist")
    response = signed_in_staff.get(documents, {"needs_review__exact": "1"})
    assert response.status_code == 200 and "21/139/1999" in response.content.decode()
    draft = Document.objects.get()
    response = signed_in_staff.get(reverse("admin:publications_document_change", args=[draft.pk]))
    assert response.status_code == 200 and "21/139/99" in response.content.decode()
    assert (
        signed_in_staff.get(reverse("admin:publications_importjob_changelist")).status_code == 200
    )
