from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from vigil.core import throttle
from vigil.core.permissions import PUBLIC, PermissionRequiredMixin, require

from . import selectors, services
from .forms import EmailAuthenticationForm, EmailPasswordResetForm, ProfileForm, TokenForm

#: Failed sign-ins counted per client address and network across every account (password
#: spraying); django-axes pauses one (address, client) pair after a few failures.
SIGN_IN_FAILURES = "sign-in-failures"


class LoginView(auth_views.LoginView):
    vigil_access = PUBLIC
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            throttle.check(SIGN_IN_FAILURES, ip=throttle.client_ip(request))
        except throttle.Throttled as error:
            return throttle.refused(request, error)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        try:
            throttle.hit(SIGN_IN_FAILURES, ip=throttle.client_ip(self.request))
        except throttle.Throttled as error:
            return throttle.refused(self.request, error)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        super().form_valid(form)
        user = form.get_user()
        target = self.get_success_url()
        if user.needs_two_factor:
            url = reverse("accounts:two_factor")
            target = f"{url}?{urlencode({'next': target})}"
        return HttpResponseRedirect(target)


class LogoutView(auth_views.LogoutView):
    vigil_access = PUBLIC


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:profile")


@require("accounts.view_own_account")
def two_factor(request: HttpRequest) -> HttpResponse:
    """Check the code of a confirmed authenticator, or enrol a first one (staff must)."""
    user: Any = request.user
    if user.is_verified():
        return redirect(_safe_next(request))
    confirmed = selectors.confirmed_totp_device(user)
    enrolling = confirmed is None
    device = confirmed or services.pending_totp_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = services.pass_second_factor(
            request, device, form.cleaned_data["token"], enrolling=enrolling
        )
        if error is None:
            if enrolling:
                messages.success(
                    request, _("Your authenticator app is now linked to your account.")
                )
            return redirect(_safe_next(request))
        form.add_error("token", error)
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        context["secret"] = selectors.totp_secret_base32(device)
        context["qr_data_uri"] = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(request, "accounts/two_factor.html", context)


@require("accounts.view_own_account")
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            user,
            name=form.cleaned_data["name"],
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
        )
        # Show the settings page again in the language just chosen.
        with translation.override(user.language):
            messages.success(request, _("Your settings are saved."))
            return redirect(translate_url(reverse("accounts:profile"), user.language))
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "roles": selectors.roles_of(user), "two_factor": user.is_verified()},
    )


class PasswordChangeView(PermissionRequiredMixin, auth_views.PasswordChangeView):
    permission_required = "accounts.view_own_account"
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    vigil_access = PUBLIC
    form_class = EmailPasswordResetForm
    template_name = "accounts/form_page.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Django's own context says "site_name" is the host; the mail names the site instead.
        self.extra_email_context = {
            "brand_name": settings.VIGIL_SITE_NAME,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    vigil_access = PUBLIC
    template_name = "accounts/message_page.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    vigil_access = PUBLIC
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # Proving access to the mailbox ends a sign-in pause caused by wrong passwords.
        services.end_sign_in_pause(self.request, form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    vigil_access = PUBLIC
    template_name = "accounts/message_page.html"


def lockout_response(request: HttpRequest, response: Any = None, credentials: Any = None) -> Any:
    """What django-axes answers once sign-in is paused (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
