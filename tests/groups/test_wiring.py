"""The groups' links to the rest of the site: navigation, events, the site's address, the
back office's group form."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from tests.conftest import SmtpSink
from tests.core.test_settings import production_env as core_production_env
from tests.groups.conftest import sign_in
from vigil.accounts.models import User
from vigil.directory.models import Region
from vigil.groups import selectors, services
from vigil.groups.models import Group

pytestmark = pytest.mark.django_db

VIGIL = str(Path(sys.executable).parent / "vigil")


# --- navigation and the group page -----------------------------------------------------------
def test_the_top_navigation_leads_to_the_events(client: Any, kazan: Group) -> None:
    page = client.get("/en/groups/").content.decode()
    nav = page[page.index('class="site-nav"') : page.index("</nav>")]
    assert 'href="/en/groups/"' in nav and 'href="/en/events/">Events</a>' in nav
    assert nav.index("Local groups") < nav.index("Events")


def test_a_member_sees_the_groups_events_and_their_own_calendar_address(
    client: Any, kazan: Group, kazan_member: User
) -> None:
    sign_in(client, kazan_member)
    page = client.get("/en/groups/kazan-1/").content.decode()
    assert 'href="/en/events/group/kazan-1/"' in page
    # The member's private feed (signed token), offered to calendar apps as webcal://.
    assert 'href="webcal://testserver/en/events/feed/group/kazan-1/' in page
    feed = page.split('href="webcal://testserver', 1)[1].split('"', 1)[0]
    calendar = client.get(feed)
    assert calendar.status_code == 200 and b"BEGIN:VCALENDAR" in calendar.content


def test_an_outsider_sees_the_events_link_but_no_private_calendar(
    client: Any, kazan: Group
) -> None:
    page = client.get("/en/groups/kazan-1/").content.decode()
    assert 'href="/en/events/group/kazan-1/"' in page
    assert "webcal://" not in page


# --- the site's address in mail sent without a request ----------------------------------------
@override_settings(VIGIL_BASE_URL="https://vigil.example.org")
def test_reminders_link_to_the_configured_site_address(
    kazan: Group,
    kazan_member: User,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    first = selectors.upcoming_meetings(kazan, count=1)[0]
    assert services.send_meeting_reminders(days=3, now=first - datetime.timedelta(days=2)) == 1
    run_tasks()
    body = smtp_server.messages[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "https://vigil.example.org/groups/kazan-1/" in body
    assert "https://vigil.example.org/groups/unsubscribe/" in body


def run_check(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update({"VIGIL_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [VIGIL, "check"], env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def production_env(**extra: str) -> dict[str, str]:
    """The core settings tests' production set-up without VIGIL_BASE_URL, plus ``extra``."""
    env = core_production_env()
    del env["VIGIL_BASE_URL"]
    return {**env, **extra}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "vigil: VIGIL_BASE_URL is not set: set it to the site's public address"),
        ("vigil.example.org", "vigil: VIGIL_BASE_URL must be the site's address"),
        ("ftp://vigil.example.org", "vigil: VIGIL_BASE_URL must be the site's address"),
    ],
)
def test_production_needs_the_sites_address(
    tmp_path: Path, value: str | None, expected: str
) -> None:
    env = production_env() if value is None else production_env(VIGIL_BASE_URL=value)
    result = run_check(env, tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.strip().startswith(expected)


def test_production_starts_with_the_sites_address(tmp_path: Path) -> None:
    result = run_check(production_env(VIGIL_BASE_URL="https://vigil.example.org/"), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the back office: the same schedule rule as the group's own page --------------------------
ADD = "/en/back-office/groups/group/add/"


def admin_form(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": "77",
        "name": "Пермь-1",
        "slug": "perm-1",
        "city": "Пермь",
        "region": Region.objects.get(slug="kazan").pk,
        "country": "ru",
        "status": "active",
        "email": "",
        "postal_address": "",
        "meeting_rule": "rrule:freq=monthly;byday=2WE",
        "meeting_time": "18:30",
        "meeting_timezone": "Asia/Yekaterinburg",
        "meeting_place": "",
        "created_at_0": "2026-01-05",
        "created_at_1": "10:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(values)
    return data


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"meeting_rule": "FREQ=HOURLY"}, "meeting_rule", "at most once a day"),
        ({"meeting_rule": "every tuesday"}, "meeting_rule", "not a recurrence rule"),
        ({"meeting_time": ""}, "meeting_time", "Give the time the meetings start."),
        ({"meeting_rule": "FREQ=MONTHLY;BYHOUR=19"}, "meeting_rule", "Leave the time out"),
    ],
)
def test_the_back_office_refuses_a_bad_schedule_with_the_services_message(
    signed_in_staff: Any, values: dict[str, str], field: str, message: str
) -> None:
    page = signed_in_staff.post(ADD, admin_form(**values))
    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert message in " ".join(errors[field]), errors
    assert not Group.objects.filter(number=77).exists()
    assert "Пермь-1" in page.content.decode()  # what was typed is kept


def test_a_wrong_time_zone_gets_one_error_not_two(signed_in_staff: Any) -> None:
    page = signed_in_staff.post(ADD, admin_form(meeting_timezone="Mars/Olympus"))
    errors = page.context["adminform"].form.errors
    assert list(errors) == ["meeting_timezone"] and len(errors["meeting_timezone"]) == 1


def test_the_back_office_saves_a_group_as_the_services_do(signed_in_staff: Any) -> None:
    page = signed_in_staff.post(ADD, admin_form())
    assert page.status_code == 302, page.context["adminform"].form.errors
    group = Group.objects.get(number=77)
    assert group.meeting_rule == "FREQ=MONTHLY;BYDAY=2WE" and group.country == "RU"
    assert selectors.upcoming_meetings(group, count=1)
