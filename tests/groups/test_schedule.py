"""The meeting schedule: a real RFC 5545 rule, read in the group's zone, checked on the way in."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from vigil.groups import selectors, services
from vigil.groups.models import Group

UTC = datetime.UTC
SEVEN_PM = datetime.time(19, 0)


def test_first_tuesday_at_seven_in_moscow_is_four_pm_utc(make_group: Callable[..., Group]) -> None:
    group = make_group()
    after = datetime.datetime(2027, 1, 1, tzinfo=UTC)
    meetings = selectors.upcoming_meetings(group, after=after, count=3)
    assert meetings == [
        datetime.datetime(2027, 1, 5, 16, 0, tzinfo=UTC),
        datetime.datetime(2027, 2, 2, 16, 0, tzinfo=UTC),
        datetime.datetime(2027, 3, 2, 16, 0, tzinfo=UTC),
    ]


def test_wall_clock_time_holds_across_daylight_saving(make_group: Callable[..., Group]) -> None:
    group = make_group("moscow", meeting_timezone="Europe/Berlin")
    after = datetime.datetime(2027, 2, 15, tzinfo=UTC)
    march, april = selectors.upcoming_meetings(group, after=after, count=2)
    assert march == datetime.datetime(2027, 3, 2, 18, 0, tzinfo=UTC)  # CET
    assert april == datetime.datetime(2027, 4, 6, 17, 0, tzinfo=UTC)  # CEST


def test_a_meeting_later_today_is_still_upcoming(make_group: Callable[..., Group]) -> None:
    group = make_group()
    morning = datetime.datetime(2027, 1, 5, 6, 0, tzinfo=UTC)
    assert selectors.upcoming_meetings(group, after=morning, count=1) == [
        datetime.datetime(2027, 1, 5, 16, 0, tzinfo=UTC)
    ]
    evening = datetime.datetime(2027, 1, 5, 16, 0, tzinfo=UTC)
    assert selectors.upcoming_meetings(group, after=evening, count=1)[0].month == 2


def test_no_rule_means_no_meetings(make_group: Callable[..., Group]) -> None:
    assert selectors.upcoming_meetings(make_group(meeting_rule="", meeting_time=None)) == []


def test_schedule_in_words(make_group: Callable[..., Group]) -> None:
    from django.utils import translation

    with translation.override("en"):
        assert (
            selectors.describe_schedule(make_group())
            == "monthly, first Tuesday, 19:00, Europe/Moscow"
        )
        weekly = make_group(meeting_rule="FREQ=WEEKLY;BYDAY=TH")
        assert selectors.describe_schedule(weekly).startswith("weekly, Thursday, 19:00")
        odd = make_group(meeting_rule="FREQ=MONTHLY;BYMONTHDAY=15")
        assert selectors.describe_schedule(odd).startswith("FREQ=MONTHLY;BYMONTHDAY=15, 19:00")


def test_prefix_and_case_are_normalised() -> None:
    stored = services.validate_schedule("rrule:freq=monthly;byday=1tu", SEVEN_PM, "Europe/Moscow")
    assert stored == "FREQ=MONTHLY;BYDAY=1TU"


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("every first Tuesday", "not a recurrence rule"),
        ("FREQ=FORTNIGHTLY", "not a recurrence rule"),
        ("FREQ=MONTHLY;BYDAY=9TU", "not a recurrence rule"),
        ("FREQ=HOURLY", "at most once a day"),
        ("FREQ=MONTHLY;COUNT=2;DTSTART=20200101", "one line"),
        ("FREQ=MONTHLY;UNTIL=20200101T000000", "no meeting in the coming years"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no meeting in the coming years"),
        ("FREQ=MONTHLY;BYHOUR=19", "meeting time field"),
        ("FREQ=MONTHLY;COUNT=1;UNTIL=20990101", "not both"),
        ("FREQ=MONTHLY\nRRULE:FREQ=DAILY", "one line"),
    ],
)
@pytest.mark.usefixtures("english")
def test_rules_that_make_no_sense_are_refused_with_a_reason(rule: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.validate_schedule(rule, SEVEN_PM, "Europe/Moscow")
    assert words in " ".join(caught.value.message_dict["meeting_rule"])


def test_a_rule_needs_a_time_and_a_real_zone() -> None:
    with pytest.raises(ValidationError) as caught:
        services.validate_schedule("FREQ=MONTHLY;BYDAY=1TU", None, "Mars/Olympus")
    assert set(caught.value.message_dict) == {"meeting_time", "meeting_timezone"}


def test_update_group_refuses_a_bad_rule_and_keeps_the_old_one(
    make_group: Callable[..., Group],
) -> None:
    group = make_group()
    with pytest.raises(ValidationError):
        services.update_group(group, meeting_rule="FREQ=MONTHLY;UNTIL=20000101T000000")
    group.refresh_from_db()
    assert group.meeting_rule == "FREQ=MONTHLY;BYDAY=1TU"


def test_until_in_utc_is_accepted() -> None:
    assert services.validate_schedule(
        "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20991231T000000Z", SEVEN_PM, "Europe/Moscow"
    )
