"""One style of date per language, everywhere: pages, mails and PDFs read the same formats."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from vigil.core import dates

MOSCOW = ZoneInfo("Europe/Moscow")
#: 19:00 in Moscow.
EVENING = datetime.datetime(2026, 12, 13, 16, 0, tzinfo=datetime.UTC)

EXPECTED = {
    "ru": {
        "date": "13 декабря 2026 г.",
        "datetime": "13 декабря 2026 г., 19:00",
        "weekday": "воскресенье, 13 декабря 2026 г., 19:00",
        "month": "декабрь 2026 г.",
        "time": "19:00",
    },
    "en": {
        "date": "13 December 2026",
        "datetime": "13 December 2026, 19:00",
        "weekday": "Sunday, 13 December 2026, 19:00",
        "month": "December 2026",
        "time": "19:00",
    },
}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_functions_give_one_style_per_language(language: str) -> None:
    want = EXPECTED[language]
    with translation.override(language), timezone.override(MOSCOW):
        assert dates.format_date(EVENING) == want["date"]
        assert dates.format_date(datetime.date(2026, 12, 13)) == want["date"]
        assert dates.format_datetime(EVENING) == want["datetime"]
        assert dates.format_weekday_datetime(EVENING) == want["weekday"]
        assert dates.format_month(2026, 12) == want["month"]
        assert dates.format_time(EVENING) == want["time"]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_templates_use_the_same_style(language: str) -> None:
    want = EXPECTED[language]
    template = Template(
        '{% load dates %}{{ when|date:"DATE_FORMAT" }}|{{ when|date:"DATETIME_FORMAT" }}|'
        '{{ when|time:"TIME_FORMAT" }}|{{ when|day }}|{{ when|moment }}|{{ when|weekday_moment }}'
    )
    with translation.override(language), timezone.override(MOSCOW):
        text = template.render(Context({"when": EVENING}))
    assert text.split("|") == [
        want["date"],
        want["datetime"],
        want["time"],
        want["date"],
        want["datetime"],
        want["weekday"],
    ]


def test_no_template_spells_its_own_date_pattern() -> None:
    """Patterns such as "j E Y" or "d.m.Y" bypass the language's style: templates name the
    format (DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT) or use the filters of ``dates``.
    Machine formats (ISO dates for ``datetime=`` attributes, sitemaps, calendars) are fine."""
    import re
    from pathlib import Path

    machine = {"c", "Y-m-d", "Ymd", "U", "Y", "l"}
    offenders = []
    for path in (Path(dates.__file__).parents[1]).rglob("*.*"):
        if path.suffix not in {".html", ".txt", ".xml"}:
            continue
        for pattern in re.findall(r"\|(?:date|time):[\"']([^\"']+)[\"']", path.read_text()):
            if pattern not in machine and not pattern.endswith("_FORMAT"):
                offenders.append(f"{path.name}: {pattern}")
    assert offenders == []
