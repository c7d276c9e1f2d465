"""Petition pages: the list, a petition with its signing form and live count, confirmation,
a signer's own data, paper batches and delivery."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.audit.services import record
from vigil.core.links import request_root
from vigil.core.permissions import can, public, require
from vigil.core.throttle import client_ip, throttled

from . import export, selectors, services
from .forms import MyDataForm, PaperBatchForm, SignForm
from .models import PaperBatch, Petition


def _language() -> str:
    return (get_language() or "ru")[:2]


def _petition(request: HttpRequest, slug: str, **kwargs: Any) -> Petition:
    petition = selectors.any_petition(slug)
    if petition is None:
        raise Http404(slug)
    return petition


# --- public pages --------------------------------------------------------------------------
@public
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    petitions = list(selectors.open_petitions())
    return render(
        request,
        "petitions/index.html",
        {"rows": [(p, selectors.count_of(p)) for p in petitions]},
    )


def _petition_page(
    request: HttpRequest, petition: Petition, form: SignForm | None = None, status: int = 200
) -> HttpResponse:
    consent = selectors.current_consent()
    if form is not None:
        form.show_consent(consent)
    share_url = request.build_absolute_uri(petition.get_absolute_url())
    return render(
        request,
        "petitions/detail.html",
        {
            "petition": petition,
            "count": selectors.count_of(petition),
            "is_open": petition.is_open(),
            "form": form or SignForm(consent_text=consent),
            "consent": consent,
            "share_url": share_url,
            "can_enter_paper": can(request.user, "petitions.enter_paper"),
            "can_deliver": can(request.user, "petitions.deliver_petition", petition),
        },
        status=status,
    )


@public
@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    petition = selectors.petition_for_page(slug)
    if petition is None:
        raise Http404(slug)
    return _petition_page(request, petition)


@public
@require_safe
def count(request: HttpRequest, slug: str) -> JsonResponse:
    """What the counter script polls; short-lived cache so a crowd does not hit the database."""
    current = selectors.count_for_slug(slug)
    if current is None:
        raise Http404(slug)
    response = JsonResponse(current.as_json())
    response["Cache-Control"] = "public, max-age=5"
    return response


def _shown_again(request: HttpRequest, slug: str, form: SignForm, status: int) -> HttpResponse:
    """The page with the refused form: the petition read afresh, with its counts (the one
    signing remembers may have just closed or gone)."""
    petition = selectors.petition_for_page(slug)
    if petition is None:
        raise Http404(slug)
    return _petition_page(request, petition, form, status=status)


#: The one answer to a signature, whatever the address.
SIGNED = gettext_lazy(
    "Thank you! Check your e-mail: your signature counts once you follow the link we have "
    "sent you. If you had signed before, the e-mail says so, and nothing more is needed."
)


@public
@throttled(services.THROTTLE_SCOPE, counted_by="services.sign")
@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    petition = selectors.petition_to_sign(slug)
    if petition is None:
        raise Http404(slug)
    # The consent text itself is read only if the page is shown again: signing checks its
    # version, in the insert.
    form = SignForm(request.POST)
    if not form.is_valid():
        return _shown_again(request, slug, form, status=400)
    if form.is_spam():
        # A robot is thanked like a person: nothing tells it that it was found out.
        messages.success(request, str(SIGNED))
        return redirect(petition)
    data = form.cleaned_data
    try:
        services.sign(
            petition,
            name=data["name"],
            email=data["email"],
            country=data["country"],
            city=data["city"],
            phone=data["phone"],
            consent_version=data["consent_version"],
            language=_language(),
            ip=client_ip(request),
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        status = 429 if error.code == "rate_limited" else 400
        return _shown_again(request, slug, form, status=status)
    # The same answer whoever the address belongs to: a new signer, one who has not
    # confirmed yet, one whose signature counts.  The mail tells them which.
    messages.success(request, str(SIGNED))
    return redirect(petition)


#: Lazy: translated when shown, in the viewer's language, not once at import.  A confirmation
#: link says one thing however it fails (``vigil.core.tokens``): expired, forged and erased
#: look the same, so the page does not tell whether an address signed.
_CONFIRM_LINK_PROBLEM = gettext_lazy(
    "This link is not valid, or it has expired. Please copy the whole link from the e-mail, "
    "or sign again: we will send you a new link."
)
_DATA_LINK_PROBLEMS = {
    "expired": gettext_lazy(
        "This link has expired: links to your data work for 7 days. Ask for a new link below."
    ),
    "invalid": gettext_lazy(
        "This link is not valid. Please copy the whole link from the e-mail, or ask for a new "
        "link below."
    ),
}


def _link_problem(request: HttpRequest, code: str, *, data_link: bool = False) -> HttpResponse:
    """A link that cannot be used.  A "my data" link offers the form for a new one (signing
    again would not help: the person has already signed)."""
    context: dict[str, Any] = {"problem": str(_CONFIRM_LINK_PROBLEM)}
    if data_link:
        context["problem"] = str(_DATA_LINK_PROBLEMS[code])
        context["form"] = MyDataForm()
    return render(request, "petitions/link_problem.html", context, status=400)


@public
@throttled("mail-link")
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the mail: a page with one button (mail scanners open links; a GET counts
    nothing), and the POST counts the signature."""
    try:
        signature = services.signature_for_token(token)
    except services.LinkError as error:
        return _link_problem(request, error.code)
    petition = signature.petition
    if request.method == "POST":
        try:
            counted = services.confirm(signature)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(petition)
        if counted:
            messages.success(request, _("Your signature is confirmed and counted. Thank you!"))
        else:
            messages.info(request, _("Your signature was already confirmed. It counts once."))
        return redirect(petition)
    return render(
        request,
        "petitions/confirm.html",
        {"petition": petition, "signature": signature, "is_open": petition.is_open()},
    )


@public
@throttled("my-data", address_field="email")
@require_http_methods(["GET", "HEAD", "POST"])
def my_data_request(request: HttpRequest) -> HttpResponse:
    form = MyDataForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.request_my_data(
            email=form.cleaned_data["email"], language=_language(), base_url=request_root(request)
        )
        messages.success(
            request,
            _("If this address signed a petition here, a link to your data is on its way. "
              "It works for 7 days."),
        )  # fmt: skip
        return redirect("petitions:my_data_request")
    status = 400 if form.is_bound else 200
    return render(request, "petitions/my_data_request.html", {"form": form}, status=status)


@public
@throttled("mail-link")
@require_http_methods(["GET", "HEAD", "POST"])
def my_data(request: HttpRequest, token: str) -> HttpResponse:
    """A signer's copy of their data (GET) and its erasure (POST)."""
    try:
        index = services.index_for_data_token(token)
    except services.LinkError as error:
        return _link_problem(request, error.code, data_link=True)
    if request.method == "POST":
        erased = services.erase_my_data(index)
        if erased:
            messages.success(request, _("Your data is erased."))
        return redirect("petitions:index")
    rows = list(selectors.signatures_of(index))
    response = render(request, "petitions/my_data.html", {"rows": rows})
    response["Cache-Control"] = "private, no-store"
    return response


# --- group coordinators --------------------------------------------------------------------
@require("petitions.enter_paper")
@require_http_methods(["GET", "HEAD", "POST"])
def paper(request: HttpRequest, slug: str) -> HttpResponse:
    petition = _petition(request, slug)
    groups = selectors.groups_for_paper(request.user)
    if request.method == "POST":
        form = PaperBatchForm(request.POST, request.FILES, groups=groups)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_paper_batch(
                    petition,
                    by=request.user,
                    group=data["group"],
                    count=data["count"],
                    collected_on=data["collected_on"],
                    scan=data.get("scan") or None,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The paper signatures are added to the count."))
                return redirect("petitions:paper", slug=petition.slug)
    else:
        form = PaperBatchForm(groups=groups)
    batches = [
        b
        for b in selectors.paper_batches(petition)
        if can(request.user, "petitions.view_paperbatch", b)
    ]
    return render(
        request,
        "petitions/paper.html",
        {"petition": petition, "form": form, "batches": batches},
        status=400 if form.is_bound and form.errors else 200,
    )


def _batch(request: HttpRequest, pk: int, **kwargs: Any) -> PaperBatch:
    batch = PaperBatch.objects.select_related("group").filter(pk=pk).first()
    if batch is None:
        raise Http404(pk)
    return batch


@require("petitions.view_paperbatch", get_object=_batch)
@require_safe
def scan(request: HttpRequest, pk: int, obj: PaperBatch) -> FileResponse:
    """The scanned list, from private storage, to its group's coordinators and staff only."""
    if not obj.scan:
        raise Http404(pk)
    try:
        handle = obj.scan.open("rb")
    except FileNotFoundError:
        raise Http404(pk) from None
    record(actor=request.user, action="view", target=obj, request=request, what="scan")
    response = FileResponse(
        handle, as_attachment=True, filename=(obj.scan.name or "scan").rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff: delivery -----------------------------------------------------------------------
@require("petitions.deliver_petition", get_object=_petition)
@require_safe
def delivery(request: HttpRequest, slug: str, obj: Petition) -> HttpResponse:
    return render(
        request,
        "petitions/delivery.html",
        {
            "petition": obj,
            "count": selectors.count_of(obj),
            "flagged": selectors.flagged_count(obj),
            "batches": selectors.paper_batches(obj),
        },
    )


@require("petitions.deliver_petition", get_object=_petition)
@require_safe
def export_csv(request: HttpRequest, slug: str, obj: Petition) -> HttpResponse:
    record(actor=request.user, action="export", target=obj, request=request, format="csv")
    response = HttpResponse(export.signatures_csv(obj), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="petition-{obj.slug}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@require("petitions.deliver_petition", get_object=_petition)
@require_safe
def export_pdf(request: HttpRequest, slug: str, obj: Petition) -> HttpResponse:
    record(actor=request.user, action="export", target=obj, request=request, format="pdf")
    response = HttpResponse(export.signatures_pdf(obj), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="petition-{obj.slug}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require("petitions.deliver_petition", get_object=_petition)
@require_POST
def delivered(request: HttpRequest, slug: str, obj: Petition) -> HttpResponse:
    services.mark_delivered(obj, by=request.user)
    messages.success(request, _("The petition is marked as delivered: signing is closed."))
    return redirect("petitions:delivery", slug=obj.slug)
