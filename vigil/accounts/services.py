"""Writes to accounts: creating people, granting roles, two-factor enrolment, erasure."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from vigil.audit.models import Action
from vigil.audit.services import record

from .models import RoleAssignment, SealedTOTPDevice, User
from .roles import SCOPED_ROLES, Role
from .signin_records import erase_for


@transaction.atomic
def create_user(
    *,
    email: str,
    password: str | None = None,
    name: str = "",
    roles: list[str] | None = None,
    language: str = "ru",
    time_zone: str = "Europe/Moscow",
    **extra: Any,
) -> User:
    """Create an account; a second account for the same mailbox is refused with a clear error."""
    email = User.objects.normalize_email(email.strip())
    if User.objects.get_by_email(email) is not None:
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    user = User(email=email, name=name, language=language, time_zone=time_zone, **extra)
    user.set_password(password) if password else user.set_unusable_password()
    user.full_clean(exclude=["password", "email_index"])
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            {"email": _("An account with this e-mail address already exists.")}
        ) from None
    for role in roles or []:
        assign_role(user, role)
    return user


def assign_role(
    user: User,
    role: str,
    scope: models.Model | None = None,
    *,
    granted_by: User | None = None,
) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s") % {"role": role})
    if role in SCOPED_ROLES and scope is None:
        raise ValidationError(
            _("The role “%(role)s” is held for a group or a region: say which one.")
            % {"role": Role(role).label}
        )
    scope_type = ContentType.objects.get_for_model(scope) if scope is not None else None
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        scope_type=scope_type,
        scope_id=scope.pk if scope is not None else None,
        defaults={"granted_by": granted_by},
    )
    user.__dict__.pop("_role_cache", None)
    return assignment


def revoke_role(user: User, role: str, scope: models.Model | None = None) -> int:
    assignments = RoleAssignment.objects.filter(user=user, role=role)
    if scope is not None:
        assignments = assignments.filter(
            scope_type=ContentType.objects.get_for_model(scope), scope_id=scope.pk
        )
    else:
        assignments = assignments.filter(scope_type__isnull=True)
    deleted, _detail = assignments.delete()
    user.__dict__.pop("_role_cache", None)
    return deleted


def update_profile(user: User, *, name: str, language: str, time_zone: str) -> User:
    user.name = name
    user.language = language
    user.time_zone = time_zone
    user.full_clean(exclude=["password", "email_index"])
    user.save(update_fields=["name", "language", "time_zone", "email_index"])
    return user


def account_data(user: User) -> dict[str, Any]:
    """The account's part of a person's copy of their data (``core.personal_data``)."""
    return {
        "name": user.name,
        "email": user.email,
        "language": user.language,
        "time_zone": user.time_zone,
        "country": user.country,
        "joined_at": user.date_joined.isoformat(),
        "roles": sorted(set(user.role_assignments.values_list("role", flat=True))),
    }


@transaction.atomic
def erase_account(user: User, *, by: User | None = None, request: Any = None) -> User:
    """Empty an account for good: no name, no real address, no roles, no way to sign in.

    The row stays, because the audit log and past records (meetings logged, answers given)
    point at it; what made it a person is gone.  The address becomes a unique placeholder,
    so the mailbox can open a new account later and the blind index stays unique.  Apps'
    own data goes first (``core.personal_data.erase`` runs this last).  Sign-in records and
    open sessions keyed to the person go too.
    """
    erase_for(user.email)
    end_sessions_of(user)
    user.name = ""
    user.country = ""
    user.email = f"erased-{user.pk}-{secrets.token_hex(8)}@erased.invalid"
    user.is_active = False
    # A new password hash also ends every open session (Django checks the session's hash).
    user.set_unusable_password()
    user.save()
    roles = RoleAssignment.objects.filter(user=user)
    revoked = sorted(set(roles.values_list("role", flat=True)))
    roles.delete()
    SealedTOTPDevice.objects.filter(user=user).delete()
    user.__dict__.pop("_role_cache", None)
    record(
        actor=by or user,
        action=Action.DELETE,
        target=user,
        request=request,
        fields=["name", "email", "password", "roles"],
        erased="account",
        roles=revoked,
    )
    return user


def end_sessions_of(user: User) -> int:
    """Delete the stored sessions signed in as ``user`` (sessions are keyed by the user's id)."""
    from django.contrib.sessions.models import Session

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def pass_second_factor(
    request: Any, device: SealedTOTPDevice, token: str, *, enrolling: bool
) -> str | None:
    """Check a code; on success mark the session verified and audit it.  Returns the error."""
    allowed, _detail = device.verify_is_allowed()
    if not allowed:
        # django-otp doubles the wait after each wrong code: guessing is not an option.
        return _("Too many wrong codes in a row. Wait a minute, then enter a new code.")
    ok = confirm_totp_device(device, token) if enrolling else device.verify_token(token)
    if not ok:
        return _("This code is wrong or has expired. Enter the current code.")
    otp_login(request, device)
    record(actor=device.user, action="two_factor", target=device.user, request=request)
    return None


def end_sign_in_pause(request: Any, user: User) -> None:
    """Clear django-axes' failed attempts for this account (keyed by its e-mail's blind index)."""
    from axes.utils import reset

    from .backends import axes_username

    reset(username=axes_username(request, {"username": user.email}))


def pending_totp_device(user: User) -> SealedTOTPDevice:
    """The unconfirmed authenticator a user is enrolling; one at a time, made on first need."""
    device = SealedTOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = SealedTOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def confirm_totp_device(device: SealedTOTPDevice, token: str) -> bool:
    """Confirm enrolment when the first code matches; older confirmed devices are replaced."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    with transaction.atomic():
        SealedTOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(
            pk=device.pk
        ).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def enrol_totp_with_key(user: User, key_hex: str) -> SealedTOTPDevice:
    """Demo data and tests: a confirmed authenticator with a known secret."""
    SealedTOTPDevice.objects.filter(user=user).delete()
    return SealedTOTPDevice.objects.create(
        user=user, name="authenticator", key=key_hex, confirmed=True
    )
