"""Who may see, organise and answer events.  Loaded by django-rules' autodiscovery.

An event belongs to its organiser groups: the groups' rules (membership, coordination) decide,
through the predicates of ``vigil.groups.rules``, and staff decide everywhere.
"""

from __future__ import annotations

from typing import Any

import rules

from vigil.accounts.roles import Role
from vigil.core.permissions import has_role, is_authenticated
from vigil.groups.rules import (
    is_group_coordinator,
    is_group_member,
    is_national_coordinator,
    is_regional_coordinator_for,
)

is_staff = has_role(Role.STAFF, Role.ADMIN)


def _organisers(event: Any) -> list[Any]:
    return list(event.organisers.all()) if event is not None and event.pk else []


@rules.predicate
def is_public_event(user: Any, event: Any) -> bool:
    return event is not None and event.is_public


@rules.predicate
def coordinates_an_organiser(user: Any, event: Any) -> bool:
    return any(is_group_coordinator(user, group) for group in _organisers(event))


@rules.predicate
def is_organiser_member(user: Any, event: Any) -> bool:
    return any(is_group_member(user, group) for group in _organisers(event))


@rules.predicate
def coordinates_organisers_region(user: Any, event: Any) -> bool:
    return any(is_regional_coordinator_for(user, group) for group in _organisers(event))


@rules.predicate
def coordinates_a_group(user: Any) -> bool:
    """Holds the group-coordinator role for some group (may create events for it)."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.GROUP_COORDINATOR)


#: Members-only events: members of an organiser group, its coordinators, staff.
can_see_event = (
    is_public_event
    | is_staff
    | is_national_coordinator
    | is_organiser_member
    | coordinates_an_organiser
    | coordinates_organisers_region
)
#: Organising: the coordinators of an organiser group, and staff.
can_organise = is_staff | coordinates_an_organiser

rules.add_perm("events.view_event", can_see_event)
rules.add_perm("events.add_event", is_staff | coordinates_a_group)
rules.add_perm("events.change_event", can_organise)
rules.add_perm("events.cancel_event", can_organise)
rules.add_perm("events.delete_event", is_staff)
#: Attendee lists are never public.
rules.add_perm("events.view_rsvp", is_staff | coordinates_an_organiser)
rules.add_perm("events.change_rsvp", is_staff)
rules.add_perm("events.delete_rsvp", is_staff)
rules.add_perm("events.add_rsvp", rules.always_deny)
#: Replying: signed-in people who may see the event; visitors for public events.
rules.add_perm("events.rsvp_event", can_see_event & (is_authenticated | is_public_event))
#: Which groups a person may name as organisers (object: a groups.Group).
rules.add_perm("events.organise_for_group", is_staff | is_group_coordinator)
