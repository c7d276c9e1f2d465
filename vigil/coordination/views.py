"""The coordination dashboard and its CSV export.  Both show the same table."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from vigil.core.permissions import require
from vigil.directory.models import Region

from . import selectors
from .forms import RegionFilterForm


def _filtered(request: HttpRequest) -> tuple[RegionFilterForm, selectors.Dashboard, Region | None]:
    """The viewer's groups, narrowed to the region asked for when it is one they oversee."""
    groups = selectors.overseen_groups(request.user)
    form = RegionFilterForm(request.GET, regions=selectors.region_choices(request.user, groups))
    region = None
    if form.is_valid() and form.cleaned_data["region"]:
        region = get_object_or_404(Region, slug=form.cleaned_data["region"])
        groups = selectors.in_region(groups, region)
    return form, selectors.dashboard(groups, request.user), region


def _page(
    request: HttpRequest, form: RegionFilterForm, board: selectors.Dashboard, region: Region | None
) -> HttpResponse:
    context = {
        "form": form,
        "board": board,
        "region": region,
        "chart": selectors.activity_chart(board) if board.rows else "",
        "national": selectors.sees_whole_network(request.user),
        "query": request.GET.urlencode() if region else "",
    }
    status = 400 if form.errors else 200
    return render(request, "coordination/dashboard.html", context, status=status)


@require("coordination.view_dashboard")
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    return _page(request, *_filtered(request))


@require("coordination.view_dashboard")
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form, board, region = _filtered(request)
    if form.errors:
        return _page(request, form, board, region)
    response = StreamingHttpResponse(
        (line.encode() for line in selectors.export_csv(board)),
        content_type="text/csv; charset=utf-8",
    )
    place = region.slug if region else "all"
    filename = f"vigil-groups-{place}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
