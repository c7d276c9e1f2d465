"""Dates and times as people read them, one style per language, for pages, mails and PDFs.

The styles themselves are the format modules in ``vigil/core/formats/`` (``DATE_FORMAT``,
``DATETIME_FORMAT``, ``TIME_FORMAT``, ``YEAR_MONTH_FORMAT``), which templates also reach with
``|date:"DATE_FORMAT"``; these functions (and the ``dates`` template filters) are the Python
side.  An aware datetime is shown in the active time zone: the viewer's on a page, the one a
mail or PDF activates for its reader.
"""

from __future__ import annotations

import datetime

from django.utils import formats, timezone, translation
from django.utils.dateformat import format as date_pattern

Moment = datetime.datetime | datetime.date


def _local(value: Moment) -> Moment:
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_date(value: Moment) -> str:
    """13 декабря 2026 г. / 13 December 2026"""
    return formats.date_format(_local(value), "DATE_FORMAT")


def format_datetime(value: datetime.datetime) -> str:
    """13 декабря 2026 г., 19:00 / 13 December 2026, 19:00"""
    return formats.date_format(_local(value), "DATETIME_FORMAT")


def format_time(value: datetime.datetime | datetime.time) -> str:
    """19:00"""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.time_format(value, "TIME_FORMAT")


def format_weekday_datetime(value: datetime.datetime) -> str:
    """воскресенье, 13 декабря 2026 г., 19:00 / Sunday, 13 December 2026, 19:00"""
    local = _local(value)
    return f"{date_pattern(local, 'l')}, {formats.date_format(local, 'DATETIME_FORMAT')}"


def format_month(year: int, month: int) -> str:
    """декабрь 2026 г. / December 2026: a month as it reads inside a sentence."""
    text = formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
    if translation.get_language() == "ru":
        text = text[:1].lower() + text[1:]  # Russian month names are lower case mid-sentence
    return text
