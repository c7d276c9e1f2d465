"""Joining a local group: the public join form's application, routed to the nearest active group
of its region or to national staff, and the coordinators' (or staff's) answer.  Whatever the
address, the visitor sees the same page; what differs goes to the address's mailbox only."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vigil.accounts import links
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.accounts.services import create_user
from vigil.core.i18n import mail_language
from vigil.core.links import absolute_url
from vigil.directory.models import Region

from . import mail, selectors
from .models import Application, Group
from .services import add_member


@dataclass
class ApplicationResult:
    application: Application
    #: False when no group exists in the region and national staff will answer.
    has_group: bool


@transaction.atomic
def apply_to_join(
    *,
    name: str,
    email: str,
    city: str,
    region: Region,
    languages: str = "",
    consent: bool,
    language: str = "ru",
    base_url: str | None = None,
) -> ApplicationResult:
    """Record an application and tell whoever answers it (the group's coordinators or staff)."""
    if not consent:
        raise ValidationError(
            {"consent": _("We can only keep your application if you agree to it.")}
        )
    email = User.objects.normalize_email(email.strip())
    # Whatever the address (new, waiting, a member's, erased), the visitor sees the same page;
    # what differs is mailed to the address only, and staff see it on the application.
    waiting = selectors.pending_application_from(email)
    if waiting is not None:
        return _applied_again(waiting, base_url)
    group = selectors.nearest_group(region, city)
    application = Application(
        group=group,
        region=region,
        name=name.strip(),
        email=email,
        city=city.strip(),
        languages=languages.strip(),
        language=mail_language(language),
        consent_at=timezone.now(),
    )
    application.full_clean(exclude=["email_index"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # The same address sent the form twice at the same moment: the second is a repeat.
        waiting = selectors.pending_application_from(email)
        if waiting is None:
            raise ValidationError(_("Please send the form again.")) from None
        return _applied_again(waiting, base_url)
    existing = User.objects.get_by_email(email)
    if existing is not None and selectors.groups_of(existing).exists():
        with translation.override(existing.language):  # the names in the mail's language
            groups = [group.display_name for group in selectors.groups_of(existing)]
        _tell_applicant(
            application, "already_member", base_url, groups=groups, language=existing.language
        )
    else:
        # The acknowledgement: it arrived, and who answers (to the address's owner only).
        _tell_applicant(application, "application_received", base_url, group=group)
    _notify_deciders(application, base_url)
    return ApplicationResult(application=application, has_group=group is not None)


def _applied_again(application: Application, base_url: str | None) -> ApplicationResult:
    """The address already has an application waiting: count the repeat for staff and remind
    the applicant by mail (a few times per window at most)."""
    Application.objects.filter(pk=application.pk).update(repeats=F("repeats") + 1)
    application.refresh_from_db(fields=["repeats"])
    _tell_applicant(application, "application_waiting", base_url)
    return ApplicationResult(application=application, has_group=application.group is not None)


def _tell_applicant(
    application: Application, template: str, base_url: str | None, **context: Any
) -> None:
    """A mail about the address's state to the address only, in the applicant's language,
    once the transaction commits; limited per address so the form cannot bomb a mailbox."""
    # Until the one throttle of vigil.core serves every form (see petitions.mailbox).
    from vigil.petitions.mailbox import may_mail

    if not application.email_index or not may_mail(application.email_index, scope="join"):
        return
    language = context.pop("language", None) or application.language
    with translation.override(language):
        sign_in = absolute_url(reverse("accounts:login"), base_url)
    send = partial(
        mail.send,
        None,
        template,
        {
            "application": application,
            "sign_in": sign_in,
            "language": language,
            **context,
        },
        to=str(application.email),
    )
    transaction.on_commit(send)


def deciders(application: Application) -> list[User]:
    """Who is told about a new application: the group's coordinators, else national staff."""
    if application.group is not None:
        people = [m.user for m in selectors.coordinators(application.group)]
        if people:
            return [p for p in people if p.is_active]
    staff = User.objects.filter(role_assignments__role=Role.STAFF, is_active=True).distinct()
    return list(staff)


def _notify_deciders(application: Application, base_url: str | None) -> None:
    # The notice names no applicant: their details stay behind the sign-in.
    for person in deciders(application):
        with translation.override(person.language):
            path = reverse("groups:application", args=[application.pk])
        mail.send(
            person,
            "new_application",
            {
                "application": application,
                "group": application.group,
                "url": absolute_url(path, base_url),
            },
        )


@transaction.atomic
def decide_application(
    application: Application,
    *,
    by: User,
    accept: bool,
    answer: str = "",
    group: Group | None = None,
    base_url: str | None = None,
) -> Application:
    """Accept (an account and a membership) or decline; either way the applicant gets the answer.

    A new account gets a random password nobody knows, so that the ordinary "forgotten
    password" page also works for it; the answer carries a link to choose one right away.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.PENDING:
        raise ValidationError(_("This application has already been answered."))
    target = group or application.group
    if accept and target is None:
        raise ValidationError({"group": _("Choose the group the applicant joins.")})
    if accept and target is not None and target.status == Group.Status.CLOSED:
        raise ValidationError({"group": _("This group is closed: choose another one.")})
    invitation = ""
    if accept and target is not None:
        user = User.objects.get_by_email(application.email)
        if user is None:
            user = create_user(
                email=application.email,
                password=secrets.token_urlsafe(32),
                name=application.name,
                language=application.language,
            )
            invitation = links.account_link(
                user,
                "accounts:password_reset_confirm",
                language=application.language,
                base_url=base_url,
            )
        if selectors.membership_of(user, target) is None:
            # Someone already in the group keeps their role: anyone may send the form with a
            # coordinator's address, and accepting it must not make them a plain member.
            add_member(target, user, by=by)
        application.user = user
        application.group = target
    application.status = Application.Status.ACCEPTED if accept else Application.Status.DECLINED
    application.answer = answer.strip()
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save()
    with translation.override(application.language):
        sign_in = absolute_url(reverse("accounts:login"), base_url)
    mail.send(
        None,
        "application_accepted" if accept else "application_declined",
        {
            "application": application,
            "group": application.group,
            "answer": application.answer,
            "invitation": invitation,
            "sign_in": sign_in,
            "language": application.language,
        },
        to=application.email,
    )
    return application
