"""``{% load cases %}{% group_cases group as cases %}``: the cases a group works on, for the
group's page (the groups app cannot import cases: cases builds on groups)."""

from __future__ import annotations

from typing import Any

from django import template

from vigil.cases import selectors

register = template.Library()


@register.simple_tag
def group_cases(group: Any) -> list[Any]:
    return list(selectors.cases_of_group(group))
