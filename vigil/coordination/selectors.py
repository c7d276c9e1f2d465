"""Reads for the coordination dashboard: which groups a coordinator oversees, and how they do.

The dashboard covers 40 groups and more, so every figure of the table comes from a fixed
number of queries (annotations and grouped counts over all groups at once), never one query
per group and figure.  The rules themselves stay where they live: who oversees which group
(``vigil.groups.rules``), which groups a region holds (``groups_in_region``) and when a group
is dormant (``is_dormant``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts.roles import Role
from vigil.cases import selectors as cases_selectors
from vigil.core.i18n import in_english
from vigil.core.spreadsheet import csv_lines
from vigil.directory.models import Region
from vigil.distribution.models import Delivery, Distribution
from vigil.events import selectors as events_selectors
from vigil.events.models import Event
from vigil.groups.models import Group, Meeting, MeetingLetters, Membership
from vigil.groups.rules import is_national_coordinator
from vigil.groups.selectors import groups_in_region, is_dormant

from .svg import Category, Series, bar_chart

#: "Meetings in the last three months": the same span the dormancy rule looks back over.
RECENT = relativedelta(months=3)


# --- who oversees what ---------------------------------------------------------------------
def coordinated_regions(user: Any) -> QuerySet[Region]:
    """Regions the user is regional coordinator for (the scopes of their role assignments)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Region.objects.none()
    scope_ids = user.role_assignments.filter(
        role=Role.REGIONAL_COORDINATOR,
        scope_type=ContentType.objects.get_for_model(Region),
    ).values_list("scope_id", flat=True)
    return Region.objects.filter(pk__in=list(scope_ids))


def sees_whole_network(user: Any) -> bool:
    return bool(is_national_coordinator(user))


def overseen_groups(user: Any) -> QuerySet[Group]:
    """Groups on the user's dashboard: all of them for national coordinators, otherwise the
    groups of the regions (and the regions under them) the user coordinates.  Closed groups
    are history, not part of the network's activity, and are left out."""
    groups = Group.objects.exclude(status=Group.Status.CLOSED)
    if sees_whole_network(user):
        return groups
    scope = Q(pk__in=[])
    for region in coordinated_regions(user):
        scope |= Q(pk__in=groups_in_region(region).values("pk"))
    return groups.filter(scope)


# --- the region filter ---------------------------------------------------------------------
@dataclass(frozen=True)
class RegionChoice:
    slug: str
    name: str
    depth: int


def region_choices(user: Any, groups: QuerySet[Group]) -> list[RegionChoice]:
    """Regions of the directory's tree worth filtering by: those holding one of the user's
    groups, and the regions above them up to what the user coordinates, in tree order."""
    regions = {region.pk: region for region in Region.objects.all()}
    tops: set[int] | None = (
        None
        if sees_whole_network(user)
        else set(coordinated_regions(user).values_list("pk", flat=True))
    )
    wanted: set[int] = set()
    for region_id in set(groups.values_list("region_id", flat=True)):
        chain: list[int] = []
        node = regions.get(region_id)
        while node is not None and len(chain) < 20:
            chain.append(node.pk)
            if tops is not None and node.pk in tops:
                break
            node = regions.get(node.parent_id) if node.parent_id else None
        else:
            if tops is not None:
                continue  # the tree changed under the role: show nothing above the scope
        wanted.update(chain)

    children: dict[int | None, list[Region]] = defaultdict(list)
    for region in regions.values():
        if region.pk in wanted:
            parent = region.parent_id if region.parent_id in wanted else None
            children[parent].append(region)
    ordered: list[RegionChoice] = []

    def visit(parent: int | None, depth: int) -> None:
        for region in sorted(children.get(parent, []), key=lambda r: r.name.casefold()):
            ordered.append(RegionChoice(region.slug, region.name, depth))
            visit(region.pk, depth + 1)

    visit(None, 0)
    return ordered


def in_region(groups: QuerySet[Group], region: Region) -> QuerySet[Group]:
    return groups.filter(pk__in=groups_in_region(region).values("pk"))


# --- the table -----------------------------------------------------------------------------
@dataclass
class GroupRow:
    group: Group
    members: int
    last_meeting: datetime.date | None
    dormant: bool
    recent_meetings: int
    letters: dict[str, int] = field(default_factory=dict)
    upcoming_events: int = 0
    #: The latest bulletin's delivery to the group ("sent", "bounced", "print pack"...).
    bulletin: str = ""

    @property
    def letters_total(self) -> int:
        return sum(self.letters.values())


@dataclass
class Dashboard:
    today: datetime.date
    month_start: datetime.date
    rows: list[GroupRow]
    #: Letters this month per case over all rows, biggest first.
    cases: list[tuple[str, int]]
    #: The latest bulletin sent out (its receipt is in each row), if any.
    bulletin_issue: str = ""

    @property
    def dormant_count(self) -> int:
        return sum(1 for row in self.rows if row.dormant)

    @property
    def active_count(self) -> int:
        return len(self.rows) - self.dormant_count

    @property
    def letters_total(self) -> int:
        return sum(total for _case, total in self.cases)


def _count(queryset: QuerySet[Any]) -> Subquery:
    """A correlated ``COUNT(*)`` that stays one per group however many joins the row has."""
    return Subquery(
        queryset.order_by().values("group").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


def dashboard(
    groups: QuerySet[Group], viewer: Any, *, today: datetime.date | None = None
) -> Dashboard:
    """Every figure of the dashboard for ``groups``, in a fixed number of queries."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    next_month = month_start + relativedelta(months=1)
    now = timezone.now()

    annotated = (
        groups.select_related("region")
        .annotate(
            member_count=Coalesce(
                _count(Membership.objects.filter(group=OuterRef("pk"), left_at__isnull=True)),
                Value(0),
            ),
            last_held_on=Subquery(
                Meeting.objects.filter(group=OuterRef("pk"))
                .order_by("-held_on")
                .values("held_on")[:1]
            ),
            recent_meeting_count=Coalesce(
                _count(
                    Meeting.objects.filter(
                        group=OuterRef("pk"), held_on__gt=today - RECENT, held_on__lte=today
                    )
                ),
                Value(0),
            ),
        )
        .order_by("number")
    )
    rows = [
        GroupRow(
            group=group,
            members=group.member_count,
            last_meeting=group.last_held_on,
            dormant=is_dormant(group, today=today, last_held_on=group.last_held_on),
            recent_meetings=group.recent_meeting_count,
        )
        for group in annotated
    ]
    by_id = {row.group.pk: row for row in rows}

    letters = (
        MeetingLetters.objects.filter(
            meeting__group_id__in=list(by_id),
            meeting__held_on__gte=month_start,
            meeting__held_on__lt=next_month,
        )
        .values("meeting__group_id", "case_label")
        .annotate(total=Sum("count"))
        .order_by()
    )
    cases: dict[str, int] = defaultdict(int)
    counted = [(item["meeting__group_id"], item["case_label"], item["total"]) for item in letters]
    # Letters written through the site: the cases app's one count, as its letters page shows.
    english = in_english()
    for item in cases_selectors.letter_counts(group_ids=list(by_id), month=month_start):
        title = (item["case__title_en"] if english else "") or item["case__title_ru"]
        counted.append((item["group_id"], title, item["letters"]))
    for group_id, label, total in counted:
        row = by_id[group_id]
        row.letters[label] = row.letters.get(label, 0) + total
        cases[label] += total
    for row in rows:
        row.letters = dict(sorted(row.letters.items(), key=lambda kv: kv[0].casefold()))

    # "Upcoming" is the events app's word (not over yet); a cancelled event is not activity.
    upcoming = events_selectors.upcoming(viewer, now=now).exclude(status=Event.Status.CANCELLED)
    organised = (
        Event.organisers.through.objects.filter(group_id__in=list(by_id))
        .filter(event_id__in=upcoming.values("pk"))
        .values("group_id")
        .annotate(total=Count("event_id", distinct=True))
        .order_by()
    )
    for event_count in organised:
        by_id[event_count["group_id"]].upcoming_events = event_count["total"]

    latest = Distribution.objects.select_related("issue").order_by("-created_at").first()
    if latest is not None:
        deliveries = Delivery.objects.filter(distribution=latest, group_id__in=list(by_id))
        for delivery in deliveries.only("group_id", "status"):
            by_id[delivery.group_id].bulletin = str(delivery.get_status_display())

    return Dashboard(
        bulletin_issue=str(latest.issue) if latest is not None else "",
        today=today,
        month_start=month_start,
        rows=rows,
        cases=sorted(cases.items(), key=lambda kv: (-kv[1], kv[0].casefold())),
    )


# --- the picture ---------------------------------------------------------------------------
def chart_series() -> list[Series]:
    """The measures of the chart; colours keep at least 3:1 against white (WCAG 1.4.11)."""
    return [
        Series("active", _("Active groups"), "#15803d"),
        Series("dormant", _("Dormant groups"), "#b45309"),
        Series("meetings", _("Meetings in the last three months"), "#1d4ed8"),
        Series("letters", _("Letters this month"), "#7e22ce"),
    ]


def by_region(rows: Iterable[GroupRow]) -> list[Category]:
    """The table summed per region (the region each group is registered in)."""
    totals: dict[int, dict[str, int]] = {}
    names: dict[int, str] = {}
    for row in rows:
        region = row.group.region
        names[region.pk] = region.name
        values = totals.setdefault(
            region.pk, {"active": 0, "dormant": 0, "meetings": 0, "letters": 0}
        )
        values["dormant" if row.dormant else "active"] += 1
        values["meetings"] += row.recent_meetings
        values["letters"] += row.letters_total
    return [
        Category(names[pk], values)
        for pk, values in sorted(totals.items(), key=lambda kv: names[kv[0]].casefold())
    ]


def activity_chart(board: Dashboard) -> str:
    return bar_chart(
        by_region(board.rows),
        chart_series(),
        title=_("Groups and their activity by region"),
        description=_(
            "For each region: active and dormant groups, meetings logged in the last three "
            "months and letters written this month."
        ),
        element_id="activity-chart",
    )


# --- the spreadsheet -----------------------------------------------------------------------
def export_csv(board: Dashboard) -> Iterator[str]:
    """The dashboard's table as CSV: one column per case for this month's letters."""
    case_labels = sorted((case for case, _total in board.cases), key=str.casefold)
    header = [
        _("Number"),
        _("Group"),
        _("City"),
        _("Region"),
        _("Members"),
        _("Last meeting"),
        _("State"),
        _("Meetings in the last three months"),
        _("Letters this month"),
        *[_("Letters this month: %(case)s") % {"case": case} for case in case_labels],
        _("Upcoming events"),
        _("Latest bulletin"),
    ]
    rows = [
        [
            row.group.number,
            row.group.display_name,
            row.group.display_city,
            row.group.region.name,
            row.members,
            row.last_meeting.isoformat() if row.last_meeting else "",
            str(Group.Status.DORMANT.label if row.dormant else Group.Status.ACTIVE.label),
            row.recent_meetings,
            row.letters_total,
            *[row.letters.get(case, 0) for case in case_labels],
            row.upcoming_events,
            row.bulletin,
        ]
        for row in board.rows
    ]
    return csv_lines(header, rows)
