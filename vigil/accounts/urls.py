from django.urls import path
from django.utils.translation import gettext_lazy as _

from vigil.core.throttle import throttled

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", throttled("sign-in")(views.LoginView.as_view()), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("", views.profile, name="profile"),
    path(
        "password/",
        views.PasswordChangeView.as_view(extra_context={"title": _("Change password")}),
        name="password_change",
    ),
    path(
        "password/reset/",
        throttled("password-reset", address_field="email")(
            views.PasswordResetView.as_view(extra_context={"title": _("Forgotten password")})
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(
            extra_context={
                "title": _("Check your e-mail"),
                "text": _(
                    "If an account uses this address, a message with a link to choose a new "
                    "password is on its way."
                ),
            }
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        throttled("mail-link")(
            views.PasswordResetConfirmView.as_view(
                extra_context={"title": _("Choose a new password")}
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(
            extra_context={
                "title": _("Password changed"),
                "text": _("Your new password is set. You can sign in with it now."),
            }
        ),
        name="password_reset_complete",
    ),
]
