"""Background work of the publications app.

``publish_due_documents`` only does the moment's side effects (mail to staff, marking the
document announced): whether a document is visible is computed from its embargo at request
time, so pages, feeds, the sitemap and the API show it at its moment whether or not this ran.
``run_import_job`` imports what staff uploaded on the import page."""

from __future__ import annotations

from django.tasks import task

from . import importjobs, services


@task()
def publish_due_documents() -> int:
    return len(services.announce_due())


@task()
def run_import_job(job_id: int) -> str:
    job = importjobs.run_job(job_id)
    return job.status if job is not None else "missing"
