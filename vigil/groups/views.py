"""Local group pages: the public index and join form, members' pages, coordinators' tools."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from vigil.audit.models import Action
from vigil.audit.services import record
from vigil.core import personal_data
from vigil.core.forms import add_service_errors
from vigil.core.links import request_root
from vigil.core.permissions import can, public, require
from vigil.core.throttle import throttled

from . import joining, selectors, services
from .forms import (
    DecisionForm,
    EraseForm,
    GroupForm,
    GroupMailForm,
    JoinForm,
    LettersFormSet,
    MeetingForm,
)
from .models import Application, Group, Membership


def _group(request: HttpRequest, slug: str, **kwargs: Any) -> Group:
    return get_object_or_404(Group.objects.select_related("region"), slug=slug)


def _application(request: HttpRequest, pk: int, **kwargs: Any) -> Application:
    return get_object_or_404(Application.objects.select_related("group", "region"), pk=pk)


def _posted(request: HttpRequest) -> Any:
    """The submitted data, even when empty (an empty form must still show its errors)."""
    return request.POST if request.method == "POST" else None


# --- public --------------------------------------------------------------------------------
@public
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "groups/index.html",
        {
            "groups": selectors.public_groups(),
            "mine": selectors.groups_of(request.user),
            "can_decide": can(request.user, "groups.view_applications"),
        },
    )


@public
@throttled("join", address_field="email")
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The thanks follow from what was typed only, never from what the address already has
        # (an application waiting, a membership): everyone sees the same page.
        thanks = _join_thanks(selectors.nearest_group(data["region"], data["city"]))
        if form.is_spam():
            # A robot filled in the hidden field: the same thanks a person sees, nothing kept.
            return render(request, "groups/join_done.html", thanks)
        try:
            joining.apply_to_join(
                name=data["name"],
                email=data["email"],
                city=data["city"],
                region=data["region"],
                languages=data["languages"],
                consent=data["consent"],
                language=get_language() or "ru",
                base_url=request_root(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "groups/join_done.html", thanks)
    return render(request, "groups/join.html", {"form": form}, status=200)


def _join_thanks(group: Group | None) -> dict[str, Any]:
    if group is not None:
        text = _(
            "Thank you. Your application is with the coordinator of the group "
            "“%(group)s” in %(city)s, who will answer you by e-mail."
        ) % {"group": group.display_name, "city": group.display_city}
    else:
        text = _(
            "Thank you. There is no group in your region yet, so your application went "
            "to the national office, which will answer you by e-mail."
        )
    return {"text": text, "group": group}


@public
@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Everyone sees the name and city; members and those who manage it see the rest."""
    group = _group(request, slug)
    if group.status == Group.Status.CLOSED and not can(request.user, "groups.view_group", group):
        raise Http404(slug)
    context: dict[str, Any] = {
        "group": group,
        "member_view": can(request.user, "groups.view_group", group),
        "membership": selectors.membership_of(request.user, group),
    }
    if context["member_view"]:
        context.update(
            {
                "next_meetings": selectors.upcoming_meetings(group, count=3),
                "schedule": selectors.describe_schedule(group),
                "recent": selectors.recent_meetings(group),
                "dormant": selectors.is_dormant(group),
                "members": (
                    selectors.member_names(group)
                    if can(request.user, "groups.view_members", group)
                    else None
                ),
                "manage": can(request.user, "groups.change_group", group),
                "email_group": can(request.user, "groups.email_group", group),
                "log_meeting": can(request.user, "groups.log_meeting", group),
            }
        )
    return render(request, "groups/detail.html", context)


@public
@throttled("mail-link")
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every group message.  GET asks, POST acts: mail scanners only GET."""
    membership = services.membership_from_token(token)
    if membership is None:
        return render(request, "groups/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        if request.POST.get("resubscribe"):
            services.resubscribe(membership)
            messages.success(request, _("You will receive this group's e-mail again."))
        else:
            services.unsubscribe(membership)
            messages.success(request, _("You will no longer receive this group's e-mail."))
        return redirect("groups:unsubscribe", token=token)
    return render(request, "groups/unsubscribe.html", {"membership": membership, "token": token})


# --- coordinators ---------------------------------------------------------------------------
@require("groups.change_group", get_object=_group)
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, slug: str, obj: Group) -> HttpResponse:
    form = GroupForm(_posted(request), instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        # The form changed the instance in place; start from the stored row.
        group = Group.objects.get(pk=obj.pk)
        try:
            services.update_group(group, by=request.user, **values)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The group's details are saved."))
            return redirect(group)
    return render(request, "groups/edit.html", {"form": form, "group": obj})


@require("groups.log_meeting", get_object=_group)
@require_http_methods(["GET", "HEAD", "POST"])
def log_meeting(request: HttpRequest, slug: str, obj: Group) -> HttpResponse:
    form = MeetingForm(_posted(request), initial={"held_on": timezone.localdate()})
    letters = LettersFormSet(_posted(request), prefix="letters")
    if request.method == "POST" and form.is_valid() and letters.is_valid():
        rows = [
            (row["case_label"], row["count"])
            for row in letters.cleaned_data
            if row.get("case_label") and row.get("count") is not None
        ]
        try:
            services.log_meeting(
                obj,
                by=request.user,  # type: ignore[arg-type]
                held_on=form.cleaned_data["held_on"],
                attendance=form.cleaned_data["attendance"],
                decisions=form.cleaned_data["decisions"],
                letters=rows,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is logged."))
            return redirect(obj)
    return render(
        request, "groups/log_meeting.html", {"form": form, "letters": letters, "group": obj}
    )


@require("groups.email_group", get_object=_group)
@require_http_methods(["GET", "HEAD", "POST"])
def write(request: HttpRequest, slug: str, obj: Group) -> HttpResponse:
    form = GroupMailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            count = services.write_to_group(
                obj,
                by=request.user,  # type: ignore[arg-type]
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                base_url=request_root(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The message is on its way to %(count)s members.") % {"count": count}
            )
            return redirect(obj)
    return render(
        request,
        "groups/write.html",
        {"form": form, "group": obj, "recipients": len(services.mail_recipients(obj))},
    )


@require("groups.view_applications")
@require_safe
def applications(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.applications_for(request.user))
    record(actor=request.user, action=Action.LIST, target=Application, request=request)
    return render(request, "groups/applications.html", {"applications": rows})


@require("groups.decide_application", get_object=_application)
@require_http_methods(["GET", "HEAD", "POST"])
def application(request: HttpRequest, pk: int, obj: Application) -> HttpResponse:
    pending = obj.status == Application.Status.PENDING
    if request.method != "POST":
        record(actor=request.user, action=Action.VIEW, target=obj, request=request)
    form = DecisionForm(_posted(request), group_choice=obj.group is None)
    if request.method == "POST" and pending and form.is_valid():
        accept = request.POST.get("decision") == "accept"
        chosen = form.cleaned_data.get("group")
        if chosen is not None and not can(request.user, "groups.change_group", chosen):
            form.add_error("group", _("You cannot add members to this group."))
        else:
            try:
                joining.decide_application(
                    obj,
                    by=request.user,  # type: ignore[arg-type]
                    accept=accept,
                    answer=form.cleaned_data["answer"],
                    group=chosen,
                    base_url=request_root(request),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The applicant is now a member and has been told by e-mail.")
                    if accept
                    else _("The application is declined and the applicant has been told."),
                )
                return redirect("groups:applications")
    return render(
        request,
        "groups/application.html",
        {
            "application": obj,
            "form": form,
            "pending": pending,
            "member_of": selectors.groups_of_address(obj.email),
        },
    )


# --- a member's own things -----------------------------------------------------------------
@require("groups.manage_own_membership")
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    membership = selectors.membership_of(request.user, group)
    if membership is None:
        messages.error(request, _("You are not a member of this group."))
        return redirect(group)
    services.leave_group(membership)
    left = _("You have left the group “%(group)s”.") % {"group": group.display_name}
    messages.success(request, left)
    return redirect("groups:index")


@require("groups.manage_own_membership")
@require_http_methods(["GET", "HEAD", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    form = EraseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        # Every app's part, the account last: one registry, so no app is forgotten.
        personal_data.erase(request.user)
        logout(request)
        messages.success(request, _("Your details are erased and your account is closed."))
        return redirect("groups:index")
    return render(
        request,
        "groups/my_data.html",
        {"form": form, "memberships": Membership.objects.filter(user=request.user.pk)},
    )


@require("groups.manage_own_membership")
@require_safe
def my_data_download(request: HttpRequest) -> HttpResponse:
    data = personal_data.copy_of(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="vigil-my-data.json"'
    return response
