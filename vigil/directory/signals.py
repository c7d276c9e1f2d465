"""Keep the search index in step: any change to an entry or what it shows rebuilds its row.

Imports wrap their writes in ``search.deferred()`` so each entry is indexed once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import search, selectors
from .models import (
    Channel,
    Contact,
    Office,
    Organisation,
    Publication,
    Region,
    Revision,
    Topic,
)


def _organisation_of_channel(channel: Channel) -> int | None:
    if channel.office_id is not None:
        return (
            Office.objects.filter(pk=channel.office_id)
            .values_list("organisation_id", flat=True)
            .first()
        )
    if channel.contact_id is not None:
        return (
            Contact.objects.filter(pk=channel.contact_id)
            .values_list("organisation_id", flat=True)
            .first()
        )
    return None


@receiver(post_save, sender=Organisation, dispatch_uid="directory_search_org_saved")
def organisation_saved(sender: Any, instance: Organisation, raw: bool = False, **kw: Any) -> None:
    if not raw:
        search.reindex(instance.pk)


@receiver(post_save, sender=Revision, dispatch_uid="directory_search_revision")
def revision_recorded(sender: Any, instance: Revision, raw: bool = False, **kw: Any) -> None:
    """Every import and edit ends with a revision: that also covers rows bulk_create() wrote,
    which send no signals."""
    if not raw:
        search.reindex(instance.organisation_id)


@receiver(post_delete, sender=Organisation, dispatch_uid="directory_search_org_deleted")
def organisation_deleted(sender: Any, instance: Organisation, **kw: Any) -> None:
    pending = search.pending.get()
    if pending is not None:
        pending.discard(instance.pk)
    search.remove([instance.pk])


def _part_changed(sender: Any, instance: Any, raw: bool = False, **kw: Any) -> None:
    if raw:
        return
    if isinstance(instance, Channel):
        pk = _organisation_of_channel(instance)
    else:
        pk = instance.organisation_id
    if pk is not None:
        search.reindex(pk)


for _model in (Office, Contact, Channel, Publication):
    post_save.connect(_part_changed, sender=_model, dispatch_uid=f"directory_search_{_model}_s")
    post_delete.connect(_part_changed, sender=_model, dispatch_uid=f"directory_search_{_model}_d")


def _links_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kw: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        if action != "pre_clear":
            search.reindex(instance.pk)
        return
    # From the region's or topic's side: every organisation concerned.
    if action == "pre_clear":
        pks = list(instance.organisations.values_list("pk", flat=True))
    elif action == "post_clear":
        return
    else:
        pks = list(pk_set or ())
    with search.deferred():
        for pk in pks:
            search.reindex(pk)


m2m_changed.connect(_links_changed, sender=Organisation.regions.through, dispatch_uid="dsr")
m2m_changed.connect(_links_changed, sender=Organisation.topics.through, dispatch_uid="dst")


#: Entries reindexed inside the request that renamed or moved their region or topic; when more
#: show it (Russia, the whole NIS), the worker reindexes them after the commit (see
#: ``tasks.reindex_label``): at 100,000 entries that took minutes, longer than a request may run.
REINDEX_IN_REQUEST = 500


def reindexed_by_the_worker(count: int) -> bool:
    """Whether a region or topic that ``count`` entries show has them reindexed by the worker."""
    return count > REINDEX_IN_REQUEST


def _label_changed(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, **kw: Any
) -> None:
    """A region or topic renamed (or a region moved in the tree): the entries that show its
    name, and for a region those of the regions under it too (their documents hold a token
    for every region above theirs, see ``search._facets``)."""
    if isinstance(instance, Region):
        search.forget_places()
    if raw or created:
        return
    kind = "region" if isinstance(instance, Region) else "topic"
    organisations = selectors.organisations_showing(kind, instance.pk)
    if reindexed_by_the_worker(len(organisations)):
        from .tasks import reindex_label  # here: the tasks module imports search and selectors

        pk = instance.pk
        transaction.on_commit(lambda: reindex_label.enqueue(kind=kind, pk=pk))
        return
    with search.deferred():
        for pk in organisations:
            search.reindex(pk)


post_save.connect(_label_changed, sender=Region, dispatch_uid="directory_search_region")
post_save.connect(_label_changed, sender=Topic, dispatch_uid="directory_search_topic")
