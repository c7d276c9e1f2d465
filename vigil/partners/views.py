"""Roundtable pages for staff, the invitee's answer page, and the staff page of a partner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.actionpoints import selectors as point_selectors
from vigil.audit.services import record
from vigil.core.links import request_root
from vigil.core.permissions import public, require
from vigil.core.throttle import throttled
from vigil.directory.models import Organisation
from vigil.events import selectors as event_selectors
from vigil.groups.models import Group

from . import pdf, selectors, services
from .forms import AgendaForm, AttendanceForm, InviteForm, MinutesForm, RoundtableForm
from .models import Invitation, Roundtable

MANAGE = services.MANAGE


def _roundtable(request: HttpRequest, pk: int, **kwargs: Any) -> Roundtable:
    found = selectors.roundtable_for_page(pk)
    if found is None:
        raise Http404(pk)
    return found


def _say(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- roundtables ---------------------------------------------------------------------------
@require(MANAGE)
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/index.html", {"roundtables": selectors.roundtables()})


@require(MANAGE)
@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    groups = Group.objects.exclude(status=Group.Status.CLOSED).order_by("name")
    form = RoundtableForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            roundtable = services.create_roundtable(
                by=request.user,
                campaign=data["campaign"],
                organisers=data["organisers"],
                region=data["region"],
                **form.event_fields(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The roundtable is planned. Now set its agenda and invite.")
            )
            return redirect(roundtable)
    return render(
        request, "partners/new.html", {"form": form, "zones": event_selectors.zone_names()}
    )


@require(MANAGE, get_object=_roundtable)
@require_safe
def roundtable(request: HttpRequest, pk: int, obj: Roundtable) -> HttpResponse:
    invitations = selectors.invitations(obj)
    record(actor=request.user, action="list", target=obj, request=request, what="invitations")
    return render(
        request,
        "partners/roundtable.html",
        {
            "roundtable": obj,
            "event": obj.event,
            "invitations": invitations,
            "counts": selectors.answer_counts(obj),
            "attendees": selectors.attendees(obj),
            "agenda_form": AgendaForm(initial={"items": AgendaForm.as_text(obj)}),
            "invite_form": InviteForm(),
            "action_points": point_selectors.from_roundtable(obj),
        },
    )


@require(MANAGE, get_object=_roundtable)
@require_POST
def agenda(request: HttpRequest, pk: int, obj: Roundtable) -> HttpResponse:
    form = AgendaForm(request.POST)
    if form.is_valid():
        try:
            services.set_agenda(obj, form.pairs(), by=request.user)
        except ValidationError as error:
            _say(request, error)
        else:
            messages.success(request, _("The agenda is saved."))
    return redirect(obj)


@require(MANAGE, get_object=_roundtable)
@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: HttpRequest, pk: int, obj: Roundtable) -> HttpResponse:
    """Find the organisation (``?q=``), choose it (``?organisation=slug``), then the person."""
    query = request.GET.get("q", "").strip()
    organisation = selectors.published_organisation(request.GET.get("organisation", ""))
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited = services.invite(
                obj,
                by=request.user,
                name=data["name"],
                email=data["email"],
                language=data["language"],
                organisation=organisation,
                contact=data.get("contact"),
                base_url=request_root(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if invited.created:
                messages.success(request, _("The invitation is sent."))
            else:
                messages.info(request, _("This address was already invited: it is sent again."))
            return redirect(obj)
    return render(
        request,
        "partners/invite.html",
        {
            "roundtable": obj,
            "form": form,
            "query": query,
            "found": selectors.organisations_named_like(query) if query else [],
            "organisation": organisation,
            "contacts": selectors.contacts_with_email(organisation) if organisation else [],
        },
    )


@require(MANAGE, get_object=_roundtable)
@require_POST
def withdraw(request: HttpRequest, pk: int, obj: Roundtable, invitation: int) -> HttpResponse:
    found = get_object_or_404(Invitation, pk=invitation, roundtable=obj)
    services.withdraw_invitation(found, by=request.user)
    messages.success(request, _("The invitation is withdrawn."))
    return redirect(obj)


@require(MANAGE, get_object=_roundtable)
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request: HttpRequest, pk: int, obj: Roundtable) -> HttpResponse:
    invitations = selectors.invitations(obj)
    initial = {
        "came": [i.pk for i in invitations if i.attended],
        "walk_ins": "\n".join(
            f"{w.name} | {w.organisation.name if w.organisation else w.organisation_name}"
            for w in obj.walk_ins.select_related("organisation")
        ),
    }
    form = AttendanceForm(request.POST or None, invitations=invitations, initial=initial)
    if request.method == "POST" and form.is_valid():
        walk_ins = [
            services.WalkIn(name, *selectors.organisation_named(organisation))
            for name, organisation in form.walk_in_rows()
        ]
        try:
            count = services.record_attendance(
                obj, by=request.user, came=form.cleaned_data["came"], walk_ins=walk_ins
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Attendance is saved: %(count)d came.") % {"count": count})
            return redirect(obj)
    return render(request, "partners/attendance.html", {"roundtable": obj, "form": form})


@require(MANAGE, get_object=_roundtable)
@require_http_methods(["GET", "HEAD", "POST"])
def minutes(request: HttpRequest, pk: int, obj: Roundtable) -> HttpResponse:
    form = MinutesForm(
        request.POST or None,
        initial={"minutes_ru": obj.minutes_ru, "minutes_en": obj.minutes_en},
    )
    if request.method == "POST" and form.is_valid():
        services.save_minutes(
            obj,
            by=request.user,
            minutes_ru=form.cleaned_data["minutes_ru"],
            minutes_en=form.cleaned_data["minutes_en"],
        )
        messages.success(request, _("The minutes are saved."))
        return redirect(obj)
    return render(request, "partners/minutes.html", {"roundtable": obj, "form": form})


@require(MANAGE, get_object=_roundtable)
@require_POST
def close(request: HttpRequest, pk: int, obj: Roundtable) -> HttpResponse:
    try:
        services.close(obj, by=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("The roundtable is closed."))
    return redirect(obj)


@require(MANAGE, get_object=_roundtable)
@require_safe
def minutes_pdf(request: HttpRequest, pk: int, obj: Roundtable) -> HttpResponse:
    language = request.GET.get("lang", request.LANGUAGE_CODE)
    content = pdf.minutes_pdf(obj, language if language in ("ru", "en") else "ru")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="roundtable-{obj.pk}-{language}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the invitee's answer ------------------------------------------------------------------
@public
@throttled("mail-link")
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation: a page that asks, then records the answer on POST.

    A GET changes nothing (mail scanners open links); the buttons do.
    """
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "partners/answer_gone.html", status=404)
    roundtable_ = invitation.roundtable
    if request.method == "POST":
        accepted = request.POST.get("answer") == "yes"
        try:
            services.answer_invitation(
                invitation, accepted=accepted, base_url=request_root(request)
            )
        except ValidationError as error:
            _say(request, error)
        else:
            messages.success(
                request,
                _("Thank you: we expect you.")
                if accepted
                else _("Thank you for telling us. We are sorry you cannot come."),
            )
        return redirect("partners:answer", token=token)
    response = render(
        request,
        "partners/answer.html",
        {
            "invitation": invitation,
            "roundtable": roundtable_,
            "event": roundtable_.event,
            "agenda": list(roundtable_.agenda.all()),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- partners ------------------------------------------------------------------------------
@require("partners.view_partner")
@require_safe
def partners(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/partners.html", {"partners": selectors.partners()})


def _partner(request: HttpRequest, slug: str, **kwargs: Any) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


@require("partners.view_partner", get_object=_partner)
@require_safe
def partner(request: HttpRequest, slug: str, obj: Organisation) -> HttpResponse:
    return render(
        request,
        "partners/partner.html",
        {
            "overview": selectors.partner_overview(obj),
            "organisation": obj,
            "action_points": point_selectors.owned_by_organisation(obj),
        },
    )
