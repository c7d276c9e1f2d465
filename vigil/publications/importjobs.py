"""Imports started from the back office: the upload is saved, queued, and run by the worker
through the same service as ``vigil documents import`` (:mod:`.imports`), so a large upload
never holds a request.  Progress and the summary are written to the :class:`ImportJob` as
the worker goes."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from .imports import IMPORTERS, count_sources
from .models import ImportJob

logger = logging.getLogger(__name__)


def uploads_root() -> Path:
    return Path(settings.DATA_DIR) / "private" / "imports"


def _safe_name(name: str, taken: set[str]) -> str:
    """The file's own name (no folders), unique within the upload."""
    base = Path(name.replace("\\", "/")).name.lstrip(".") or "file"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{number}-{base}"
    taken.add(candidate)
    return candidate


def create_job(user: Any, kind: str, files: Iterable[UploadedFile]) -> ImportJob:
    """Save the uploads in the private data folder and queue the import once committed."""
    folder = uploads_root() / uuid.uuid4().hex
    folder.mkdir(mode=0o700, parents=True)  # private, whatever the umask
    names: list[str] = []
    taken: set[str] = set()
    for upload in files:
        name = _safe_name(upload.name or "file", taken)
        descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        names.append(name)
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            created_by=user,
            file_names=names,
            upload_dir=str(folder),
            total=count_sources([folder / name for name in names]),
        )

        def enqueue() -> None:
            from .tasks import run_import_job

            run_import_job.enqueue(job.pk)

        transaction.on_commit(enqueue)
    return job


def run_job(job_id: int) -> ImportJob | None:
    """The worker's part: import every uploaded file, then forget the uploads."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING
    )
    job = ImportJob.objects.filter(pk=job_id).first()
    if not claimed or job is None:
        return job  # gone, or another worker has it
    folder = Path(job.upload_dir)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done)

    try:
        summary = IMPORTERS[job.kind]([folder / name for name in job.file_names], progress=progress)
    except Exception as exc:  # the job must end, whatever happened; the log has the trace
        logger.exception("import %s failed", job_id)
        job.status, job.failure = ImportJob.Status.FAILED, str(exc)[:2000]
    else:
        job.status = ImportJob.Status.DONE
        for outcome, count in summary.counts().items():
            setattr(job, outcome, count)
        job.report = [line.as_dict() for line in summary.lines]
        job.done = max(job.total, len(summary.lines))
    job.finished_at = timezone.now()
    job.save()
    shutil.rmtree(folder, ignore_errors=True)
    return job
