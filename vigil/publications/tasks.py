"""The publishing task.  It only does the moment's side effects (mail to staff, marking the
document announced): whether a document is visible is computed from its embargo at request
time, so pages, feeds, the sitemap and the API show it at its moment whether or not this ran."""

from __future__ import annotations

from django.tasks import task

from . import services


@task()
def publish_due_documents() -> int:
    return len(services.announce_due())
