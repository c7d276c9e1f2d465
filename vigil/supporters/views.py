"""The supporter pages: sign up, the same answer for every address, confirm, tell the country."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from vigil.core.forms import add_service_errors
from vigil.core.links import request_root
from vigil.core.permissions import public, require
from vigil.core.throttle import throttled

from . import services
from .forms import ConfirmForm, CountryForm, SignUpForm


@public
@throttled("sign-up", address_field="email")
@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("supporters:country")
    form = SignUpForm(
        request.POST if request.method == "POST" else None,
        initial={"language": get_language() or "ru"},
    )
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            return redirect("supporters:sent")
        data = form.cleaned_data
        try:
            services.sign_up(
                name=data["name"],
                email=data["email"],
                country=data["country"],
                language=data["language"],
                base_url=request_root(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("supporters:sent")
    status = 400 if form.errors else 200
    return render(request, "supporters/sign_up.html", {"form": form}, status=status)


@public
@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "supporters/sent.html")


@public
@throttled("mail-link")
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = services.user_from_link(uidb64, token)
    if user is None:
        return render(request, "supporters/confirm.html", {"valid": False}, status=404)
    initial = {"name": user.name, "country": user.country, "language": user.language}
    form = ConfirmForm(request.POST if request.method == "POST" else None, user=user,
                       initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.confirm(
                user, name=data["name"], country=data["country"], language=data["language"],
                password=data["password1"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="vigil.accounts.backends.EmailBackend")
            messages.success(
                request,
                _("Welcome: you are a supporter now. These are the cases you can write for."),
            )
            return redirect("cases:my_actions")
    status = 400 if form.errors else 200
    return render(request, "supporters/confirm.html", {"valid": True, "form": form}, status=status)


@require("supporters.declare_country")
@require_http_methods(["GET", "HEAD", "POST"])
def country(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = CountryForm(
        request.POST if request.method == "POST" else None, initial={"country": user.country}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_country(user, form.cleaned_data["country"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your country of residence is saved."))
            return redirect("cases:my_actions")
    status = 400 if form.errors else 200
    return render(request, "supporters/country.html", {"form": form}, status=status)
