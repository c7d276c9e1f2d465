"""``{% load dates %}``: the filters of vigil/core/dates.py, for templates."""

from __future__ import annotations

import datetime

from django import template

from vigil.core import dates

register = template.Library()


@register.filter
def day(value: dates.Moment | None) -> str:
    return dates.format_date(value) if value else ""


@register.filter
def moment(value: datetime.datetime | None) -> str:
    return dates.format_datetime(value) if value else ""


@register.filter
def weekday_moment(value: datetime.datetime | None) -> str:
    return dates.format_weekday_datetime(value) if value else ""
