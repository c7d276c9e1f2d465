"""Staff pages of the distribution and the public one-click unsubscribe endpoint."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.bulletin.models import Issue
from vigil.core.permissions import public, require
from vigil.core.throttle import throttled

from . import links, pdf, selectors, services
from .models import Delivery


def _issue(request: HttpRequest, issue: int, **kwargs: Any) -> Issue:
    return get_object_or_404(Issue, pk=issue)


@require("distribution.view_distribution")
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "distribution/index.html", {"rows": selectors.issues()})


@require("distribution.view_distribution", get_object=_issue)
@require_safe
def detail(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    distribution = selectors.distribution_of(obj)
    status = request.GET.get("status", "")
    if status not in Delivery.Status.values:
        status = ""
    context: dict[str, Any] = {"issue": obj, "distribution": distribution, "status": status}
    if distribution is not None:
        context.update(
            counts=selectors.status_counts(distribution),
            deliveries=selectors.deliveries(distribution, status),
            has_work=selectors.has_work(distribution),
            print_copies=selectors.print_labels(distribution).count(),
            dormant_ids=selectors.dormant_group_ids(distribution),
            sending=bool(distribution.sender),
        )
    return render(request, "distribution/detail.html", context)


@require("distribution.add_distribution", get_object=_issue)
@require_POST
def start(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    distribution = selectors.distribution_of(obj)
    if distribution is None:
        try:
            distribution = services.plan(obj, by=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return redirect("distribution:detail", issue=obj.pk)
        messages.success(request, _("The distribution is planned; sending has started."))
    else:
        messages.success(request, _("Sending has been resumed."))
    services.queue_send(distribution, resend_uncertain=bool(request.POST.get("resend_uncertain")))
    return redirect("distribution:detail", issue=obj.pk)


@require("distribution.view_distribution", get_object=_issue)
@require_safe
def issue_pdf(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    distribution = selectors.distribution_of(obj)
    if distribution is None:
        raise Http404
    document = bytes(
        type(distribution).objects.values_list("pdf", flat=True).get(pk=distribution.pk)
    )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bulletin-{obj.year}-{obj.month:02d}.pdf"'
    return response


@require("distribution.view_distribution", get_object=_issue)
@require_safe
def print_pack(request: HttpRequest, issue: int, obj: Issue) -> HttpResponse:
    distribution = selectors.distribution_of(obj)
    if distribution is None:
        raise Http404
    from vigil.bulletin import selectors as bulletin_selectors

    body = str(bulletin_selectors.approved_russian_issue_html(obj))
    labels = list(selectors.print_labels(distribution))
    if not labels:  # every group gets it by e-mail: there is nothing to print
        raise Http404
    document = pdf.render_print_pack(distribution.subject, body, labels)
    response = HttpResponse(document, content_type="application/pdf")
    name = f"print-pack-{obj.year}-{obj.month:02d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public
@throttled("mail-link")
@csrf_exempt  # RFC 8058: the mail provider POSTs with no cookie and no form; the token is proof
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners only GET); POST unsubscribes, from the page or in one click."""
    group = links.group_from_token(token)
    if group is None:
        return render(request, "distribution/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.opt_out(group)
        return render(request, "distribution/unsubscribe.html", {"group": group, "done": True})
    return render(request, "distribution/unsubscribe.html", {"group": group})
