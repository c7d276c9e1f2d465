"""The coordination dashboard: figures, who sees which groups, the region filter, the CSV."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.coordination import selectors
from vigil.groups.models import Group
from vigil.groups.rules import is_regional_coordinator_for
from vigil.groups.selectors import is_dormant

from .network import Network, make_group, sign_in

URL = "/en/coordination/"
CSV_URL = "/en/coordination/export.csv"


def rows_by_number(board: selectors.Dashboard) -> dict[int, selectors.GroupRow]:
    return {row.group.number: row for row in board.rows}


def test_figures_for_the_whole_network(network: Network) -> None:
    staff = network.people["staff"]
    board = selectors.dashboard(selectors.overseen_groups(staff), staff, today=network.today)
    rows = rows_by_number(board)
    assert sorted(rows) == [1, 2, 3, 5]  # the closed group is left out
    a, b, c, new = rows[1], rows[2], rows[3], rows[5]
    assert (a.members, b.members, c.members, new.members) == (2, 1, 1, 0)  # who left is gone
    assert a.last_meeting == network.today
    assert b.last_meeting == network.today - datetime.timedelta(days=125)
    assert new.last_meeting is None
    # Dormancy is the groups app's rule, asked, not redone.
    for row in board.rows:
        assert row.dormant == is_dormant(row.group, today=network.today)
    assert (a.dormant, b.dormant, c.dormant, new.dormant) == (False, True, False, False)
    assert (a.recent_meetings, b.recent_meetings, c.recent_meetings) == (2, 0, 2)
    # Only meetings held this month count for this month's letters.
    assert a.letters == {"Case 2": 3, "Дело Иванова": 12}
    assert b.letters == {}
    assert c.letters == {'=HYPERLINK("http://evil.example")': 1}
    assert board.cases == [
        ("Дело Иванова", 12),
        ("Case 2", 3),
        ('=HYPERLINK("http://evil.example")', 1),
    ]
    # Upcoming: not the cancelled one, not the past one; a shared event counts for both groups.
    assert (a.upcoming_events, b.upcoming_events, c.upcoming_events) == (2, 0, 1)
    assert (board.active_count, board.dormant_count, board.letters_total) == (3, 1, 16)


def test_latest_bulletins_receipt_per_group(network: Network) -> None:
    from tests.distribution.conftest import make_issue
    from vigil.distribution import services as distribution_services

    staff = network.people["staff"]

    def board() -> selectors.Dashboard:
        return selectors.dashboard(selectors.overseen_groups(staff), staff, today=network.today)

    assert board().bulletin_issue == "" and {row.bulletin for row in board().rows} == {""}
    distribution = distribution_services.plan(make_issue())
    shown = board()
    assert shown.bulletin_issue == str(distribution.issue)
    expected = {
        delivery.group_id: str(delivery.get_status_display())
        for delivery in distribution.deliveries.all()
    }
    assert {row.group.pk: row.bulletin for row in shown.rows} == {
        row.group.pk: expected[row.group.pk] for row in shown.rows
    }
    assert any(row.bulletin for row in shown.rows)


def test_chart_sums_the_table_per_region(network: Network) -> None:
    staff = network.people["staff"]
    board = selectors.dashboard(selectors.overseen_groups(staff), staff, today=network.today)
    with translation.override("ru"):
        categories = {c.label: dict(c.values) for c in selectors.by_region(board.rows)}
    assert categories == {
        "Казань": {"active": 0, "dormant": 1, "meetings": 0, "letters": 0},
        "Москва": {"active": 2, "dormant": 0, "meetings": 2, "letters": 15},
        "Новосибирск": {"active": 1, "dormant": 0, "meetings": 2, "letters": 1},
    }


def test_regional_coordinators_see_their_regions_groups_only(network: Network) -> None:
    """The dashboard's scope agrees with the groups app's rule for every group."""
    for key in ("regional_a", "regional_other"):
        user = network.people[key]
        seen = set(selectors.overseen_groups(user))
        for group in Group.objects.exclude(status=Group.Status.CLOSED):
            assert (group in seen) == bool(is_regional_coordinator_for(user, group)), (key, group)
    west = {g.number for g in selectors.overseen_groups(network.people["regional_a"])}
    east = {g.number for g in selectors.overseen_groups(network.people["regional_other"])}
    assert (west, east) == ({1, 2, 5}, {3})
    assert not selectors.overseen_groups(network.people["coordinator_a"]).exists()


def test_the_number_of_queries_does_not_grow_with_every_figure(
    network: Network, make_user: Callable[..., User]
) -> None:
    staff = network.people["staff"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            board = selectors.dashboard(
                selectors.overseen_groups(staff), staff, today=network.today
            )
        assert any(row.dormant for row in board.rows)  # the dormancy rule was asked
        return len(captured)

    before = queries()
    moscow = network.a.region
    for number in range(10, 20):
        make_group(number, f"Группа {number}", f"group-{number}", moscow)
    # Members, last meeting (also for the dormancy rule), recent meetings, letters (logged at
    # meetings and written through the site), events and the latest bulletin's receipt: the
    # same few queries for 10 more groups.
    assert queries() == before <= 5


@pytest.mark.parametrize("key", ["supporter", "member_a", "member_b", "coordinator_a"])
def test_other_people_are_refused(client: Any, network: Network, key: str) -> None:
    sign_in(client, network.people[key])
    assert client.get(URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, network: Network) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/login/?next=")


def test_national_staff_see_every_group_and_the_chart(client: Any, network: Network) -> None:
    sign_in(client, network.people["staff"])
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    for group in (network.a, network.b, network.c, network.new):
        assert group.name in page
    assert network.closed.name not in page
    assert "National coordination" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="activity-chart"' in page
    assert '<title id="activity-chart-title">Groups and their activity by region</title>' in page
    # Nothing the CSP ('self', no 'unsafe-inline') would block.
    assert "Content-Security-Policy" in response.headers
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert not re.search(r"\sstyle=", page)
    assert "<style" not in page
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)
    dormant_row = re.search(r'<tr class="is-dormant">.*?</tr>', page, re.S)
    assert dormant_row is not None and network.b.name in dormant_row.group(0)


def test_regional_coordinator_page_and_filter(client: Any, network: Network) -> None:
    sign_in(client, network.people["regional_a"])
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Regional coordination" in page
    assert network.a.name in page and network.b.name in page
    assert network.c.name not in page
    # Only regions within their scope can be chosen.
    options = re.findall(r'<option value="([^"]*)"', page)
    assert options == ["", "russia-west", "kazan", "moscow"]

    response = client.get(URL, {"region": "kazan"})
    page = response.content.decode()
    assert network.b.name in page and network.a.name not in page

    # A region outside their scope is refused with a clear message, and nothing leaks.
    response = client.get(URL, {"region": "novosibirsk"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This region is not one you can filter by." in page
    assert network.c.name not in page
    response = client.get(CSV_URL, {"region": "novosibirsk"})
    assert response.status_code == 400


def test_national_filter_by_a_branch_of_the_tree(client: Any, network: Network) -> None:
    sign_in(client, network.people["staff"])
    page = client.get(URL, {"region": "russia-east"}).content.decode()
    assert network.c.name in page
    assert network.a.name not in page and network.b.name not in page
    assert 'href="/en/coordination/export.csv?region=russia-east"' in page
    assert client.get(URL, {"region": "<script>"}).status_code == 400


def read_csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_is_the_same_table(client: Any, network: Network) -> None:
    sign_in(client, network.people["staff"])
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="vigil-groups-all-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    rows = read_csv(response)
    header = rows[0]
    assert header[:9] == [
        "Number", "Group", "City", "Region", "Members", "Last meeting", "State",
        "Meetings in the last three months", "Letters this month",
    ]  # fmt: skip
    # One column per case (a case label inside a header cell is text: it starts with a word).
    assert header[9:] == [
        'Letters this month: =HYPERLINK("http://evil.example")',
        "Letters this month: Case 2",
        "Letters this month: Дело Иванова",
        "Upcoming events",
        "Latest bulletin",
    ]
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert sorted(by_number) == ["1", "2", "3", "5"]
    a = by_number["1"]
    assert a["Group"] == "Группа Москва-1"
    assert a["Members"] == "2"
    assert a["Last meeting"] == network.today.isoformat()
    assert a["State"] == "active"
    assert a["Letters this month"] == "15"
    assert a["Letters this month: Дело Иванова"] == "12"
    assert a["Upcoming events"] == "2"
    assert a["Latest bulletin"] == ""  # none sent yet
    assert by_number["2"]["State"] == "dormant"


def test_csv_cells_cannot_become_formulas(client: Any, network: Network) -> None:
    Group.objects.filter(pk=network.b.pk).update(name="=cmd|' /C calc'!A0", city="@SUM(1)")
    sign_in(client, network.people["staff"])
    rows = read_csv(client.get(CSV_URL, {"region": "kazan"}))
    assert rows[1][1:3] == ["'=cmd|' /C calc'!A0", "'@SUM(1)"]


def test_regional_csv_holds_their_groups_only(client: Any, network: Network) -> None:
    sign_in(client, network.people["regional_other"])
    rows = read_csv(client.get(CSV_URL))
    assert [row[0] for row in rows[1:]] == ["3"]


def test_a_network_wide_regional_coordinator_is_national(
    client: Any, network: Network, make_user: Callable[..., User]
) -> None:
    from vigil.accounts.services import assign_role
    from vigil.directory.models import Region

    user = make_user("everywhere@example.org")
    assign_role(user, Role.REGIONAL_COORDINATOR, scope=Region.objects.get(slug="nis"))
    sign_in(client, user)
    page = client.get(URL).content.decode()
    assert "National coordination" in page
    assert network.c.name in page and network.a.name in page
