"""The staff's import page, an import's progress and summary, and the review queue.  Drafts
are not public yet, so no page here may be kept by a browser or proxy cache."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.core.permissions import require

from . import importjobs, selectors, services
from .forms import ImportForm, ReviewForm
from .models import Document, ImportJob

IMPORT = "publications.import_files"
REVIEW = "publications.review_document"
RECENT_JOBS = 20


@require(IMPORT)
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def imports(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = importjobs.create_job(
            request.user, form.cleaned_data["kind"], form.cleaned_data["uploads"]
        )
        return redirect(job)
    return render(
        request,
        "publications/imports.html",
        {"form": form, "jobs": ImportJob.objects.select_related("created_by")[:RECENT_JOBS]},
    )


@require(IMPORT)
@require_safe
@never_cache
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk)
    return render(
        request,
        "publications/import_job.html",
        {"job": job, "review_count": selectors.review_queue().count()},
    )


@require(REVIEW)
@require_safe
@never_cache
def review(request: HttpRequest) -> HttpResponse:
    drafts = list(selectors.review_queue()[:50])
    return render(
        request,
        "publications/review.html",
        {
            "items": [
                (draft, ReviewForm(instance=draft, auto_id=f"r{draft.pk}_%s")) for draft in drafts
            ]
        },
    )


@require(REVIEW, get_object=lambda request, pk: get_object_or_404(Document, pk=pk))
@require_POST
@never_cache
def review_one(request: HttpRequest, pk: int, obj: Document) -> HttpResponse:
    form = ReviewForm(request.POST, instance=obj)
    if form.is_valid():
        try:
            services.publish_reviewed(form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The document is published."))
            return redirect("publications:review")
    obj.refresh_from_db()
    return render(request, "publications/review.html", {"items": [(obj, form)]})
