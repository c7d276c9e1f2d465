"""The own-country rule, in one place: may this member or group write letters for this case?

Members, supporters and groups write only for cases outside their own country of residence
(a person's countries are their groups' countries and the country they declared themselves),
to keep the work non-partisan: a government cannot dismiss the letters as its domestic
opponents' politics.  Death-penalty cases are the one exception.
Staff may switch the rule off (``PolicySettings``).  Every place that offers, assigns or
accepts a letter calls :func:`may_act`; nothing else repeats the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from vigil.groups.models import Group
from vigil.groups.selectors import groups_of

from .countries import country_name
from .models import Case, PolicySettings


@dataclass(frozen=True)
class Decision:
    allowed: bool
    #: Why, in the active language ("" is never returned: an allowed action says why too).
    reason: str
    #: Refused only because the person's country of residence is unknown: they can tell it.
    needs_country: bool = False

    def __bool__(self) -> bool:
        return self.allowed


def _countries_of(actor: Any) -> tuple[set[str], bool]:
    """The actor's countries of residence, and whether the actor is a group."""
    if isinstance(actor, Group):
        return {actor.country}, True
    countries = set(groups_of(actor).values_list("country", flat=True))
    declared = getattr(actor, "country", "")
    return (countries | {declared} if declared else countries), False


def may_act(actor: Any, case: Case) -> Decision:
    """May ``actor`` (a signed-in User, or a groups.Group) write letters for ``case``?"""
    if not case.is_published:
        return Decision(False, _("This case is not published."))
    if case.status == Case.Status.CLOSED:
        return Decision(False, _("This case is closed: no more letters are needed."))
    if case.status == Case.Status.SUSPENDED:
        return Decision(False, _("Letters for this case are suspended for now."))
    is_group = isinstance(actor, Group)
    if not is_group and not (getattr(actor, "is_authenticated", False) and actor.is_active):
        return Decision(False, _("Sign in to write letters: as a supporter or a group member."))
    if PolicySettings.load().mode == PolicySettings.Mode.NONE:
        return Decision(True, _("The organisation lets everyone write for every case."))
    if case.category == Case.Category.DEATH_PENALTY:
        return Decision(
            True,
            _("Death-penalty cases are open to everyone, in every country, including your own."),
        )
    countries, _is_group = _countries_of(actor)
    if not countries:
        return Decision(
            False,
            _("Your country of residence is not known yet: tell us where you live, and the "
              "cases outside your country are offered to you."),
            needs_country=True,
        )  # fmt: skip
    if case.country in countries:
        place = country_name(case.country)
        if is_group:
            return Decision(
                False,
                _("This case is in %(country)s, the group's own country. Groups write only for "
                  "cases outside their own country, except death-penalty cases.")
                % {"country": place},
            )  # fmt: skip
        return Decision(
            False,
            _("This case is in %(country)s, where you live. Members and supporters write only "
              "for cases outside their own country, except death-penalty cases: this keeps the "
              "network's work non-partisan.") % {"country": place},
        )  # fmt: skip
    return Decision(True, _("This case is outside your country of residence."))
