"""The review queue of imports: drafts the importer was unsure of, and proposed editions.

Staff see each draft's source text beside what the importer read, fix it in the editor and
publish it; they accept or decline another source's edition of an existing entry.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from vigil.core.permissions import require

from . import editions, services
from .models import ImportProposal, Organisation

PAGE_SIZE = 20


@require("directory.change_organisation")
@require_safe
def import_review(request: HttpRequest) -> HttpResponse:
    drafts = (
        Organisation.objects.filter(is_published=False, import_confidence__isnull=False)
        .prefetch_related("offices__channels", "contacts")
        .order_by("import_confidence", "pk")
    )
    proposals = ImportProposal.objects.filter(status=ImportProposal.Status.OPEN).select_related(
        "organisation"
    )
    return render(
        request,
        "directory/import_review.html",
        {
            "drafts": Paginator(drafts, PAGE_SIZE).get_page(request.GET.get("page")),
            "proposals": proposals[:PAGE_SIZE],
            "proposal_count": proposals.count(),
        },
    )


@require(
    "directory.change_organisation",
    get_object=lambda request, pk: get_object_or_404(Organisation, pk=pk),
)
@require_POST
def publish_draft(request: HttpRequest, pk: int, obj: Organisation) -> HttpResponse:
    services.publish_draft(obj, author=request.user)
    messages.success(request, _("“%(name)s” is published.") % {"name": obj.name})
    return redirect("directory:import_review")


@require(
    "directory.change_organisation",
    get_object=lambda request, pk: get_object_or_404(ImportProposal, pk=pk),
)
@require_POST
def decide_proposal(request: HttpRequest, pk: int, obj: ImportProposal) -> HttpResponse:
    decision = request.POST.get("decision")
    if obj.status != ImportProposal.Status.OPEN:
        messages.error(request, _("This proposal was already reviewed."))
    elif decision == "accept":
        editions.accept(obj, reviewer=request.user)
        messages.success(request, _("The proposed revision is applied."))
    elif decision == "decline":
        editions.decline(obj, reviewer=request.user)
        messages.success(request, _("The proposed revision is declined."))
    else:
        messages.error(request, _("Choose to accept or decline the proposal."))
    return redirect("directory:import_review")
