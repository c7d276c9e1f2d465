"""Writes for cases: assigning a case to a group and writing a letter.

Both go through the own-country policy (``policy.may_act``) first; a refusal is a
``ValidationError`` carrying the policy's reason, so every page and the API say the same thing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.core.permissions import ensure
from vigil.core.tasks import queue_email
from vigil.groups.models import Group
from vigil.groups.selectors import groups_of

from .models import Case, CaseAssignment, Letter, Official, month_of
from .pdf import LetterContent, render_letter_pdf
from .policy import may_act

MAX_BODY = 10_000
MAX_SIGNATURE = 150
MAX_SENDER_ADDRESS = 500


def assign_case(user: Any, case: Case, group: Group) -> CaseAssignment:
    """Give ``case`` to ``group``: the user must manage the group, and the policy must agree."""
    ensure(user, "cases.assign_to_group", group)
    decision = may_act(group, case)
    if not decision.allowed:
        raise ValidationError(decision.reason, code="policy")
    try:
        with transaction.atomic():
            return CaseAssignment.objects.create(case=case, group=group, assigned_by=user)
    except IntegrityError:
        raise ValidationError(
            _("This case is already assigned to %(group)s.") % {"group": group}, code="assigned"
        ) from None


def unassign_case(user: Any, assignment: CaseAssignment) -> None:
    ensure(user, "cases.assign_to_group", assignment.group)
    assignment.delete()


@dataclass(frozen=True)
class Draft:
    """What the writer typed: nothing of it is stored unless ``keep_text`` is set."""

    official: Official
    language: str
    body: str
    signature: str
    sender_address: str = ""
    keep_text: bool = False


def _check_draft(case: Case, draft: Draft) -> None:
    errors: dict[str, list[str]] = {}
    if draft.official.case_id != case.pk:
        errors["official"] = [_("Choose one of this case's officials.")]
    if not draft.body.strip():
        errors["body"] = [_("The letter is empty.")]
    elif len(draft.body) > MAX_BODY:
        errors["body"] = [
            _("The letter is too long: at most %(max)d characters.") % {"max": MAX_BODY}
        ]
    if not draft.signature.strip():
        errors["signature"] = [_("Sign the letter with your name.")]
    elif len(draft.signature) > MAX_SIGNATURE:
        errors["signature"] = [_("At most %(max)d characters.") % {"max": MAX_SIGNATURE}]
    if len(draft.sender_address) > MAX_SENDER_ADDRESS:
        errors["sender_address"] = [_("At most %(max)d characters.") % {"max": MAX_SENDER_ADDRESS}]
    if errors:
        raise ValidationError(errors)


def _full_text(draft: Draft) -> str:
    salutation = draft.official.salutation_in(draft.language)
    return f"{salutation}\n\n{draft.body.strip()}\n\n{draft.signature.strip()}"


def _record(user: Any, case: Case, draft: Draft, channel: str) -> Letter:
    """Count the letter, once per writer, case, official and month.

    Downloading the PDF again (or e-mailing the same official again) that month is the same
    letter: the row is updated, not added.  A copy asked for on any attempt is kept.
    """
    now = timezone.now()
    month = month_of(now)
    text = _full_text(draft) if draft.keep_text else ""
    existing = (
        Letter.objects.select_for_update()
        .filter(writer=user, case=case, official=draft.official, month=month)
        .first()
    )
    if existing is None:
        try:
            with transaction.atomic():
                return Letter.objects.create(
                    case=case,
                    official=draft.official,
                    group=groups_of(user).order_by("number").first(),
                    writer=user,
                    channel=channel,
                    language=draft.language,
                    written_at=now,
                    month=month,
                    text=text,
                    kept=draft.keep_text,
                )
        except IntegrityError:  # the same letter, counted by a request running beside this one
            existing = Letter.objects.get(
                writer=user, case=case, official=draft.official, month=month
            )
    if channel == Letter.Channel.EMAIL:  # an e-mailed letter stays e-mailed when printed too
        existing.channel = channel
    existing.language, existing.written_at = draft.language, now
    fields = ["channel", "language", "written_at"]
    if draft.keep_text:
        existing.text, existing.kept = text, True
        fields += ["text", "kept"]
    existing.save(update_fields=fields)
    return existing


def _allowed(user: Any, case: Case) -> None:
    decision = may_act(user, case)
    if not decision.allowed:
        raise PermissionDenied(decision.reason)


def print_letter(
    user: Any, case: Case, draft: Draft, *, today: datetime.date | None = None
) -> tuple[Letter, bytes]:
    """Count the letter and return its PDF; if the PDF fails, the letter is not counted."""
    _allowed(user, case)
    _check_draft(case, draft)
    official = draft.official
    content = LetterContent(
        addressee="\n".join(
            part
            for part in (
                official.name_in(draft.language),
                official.title_in(draft.language),
                official.postal_address.strip(),
            )
            if part
        ),
        salutation=official.salutation_in(draft.language),
        body=draft.body.strip(),
        signature=draft.signature.strip(),
        sender_address=draft.sender_address.strip(),
        language=draft.language,
        date=today or timezone.localdate(),
    )
    with transaction.atomic():
        letter = _record(user, case, draft, Letter.Channel.POST)
        pdf = render_letter_pdf(content)
    return letter, pdf


def email_letter(user: Any, case: Case, draft: Draft, *, subject: str) -> Letter:
    """Send the letter to the official through Vigil's mail server, if the case allows it."""
    _allowed(user, case)
    _check_draft(case, draft)
    if not case.allows_email:
        raise ValidationError(_("Letters for this case are sent by post only: print the letter."))
    if not draft.official.email:
        raise ValidationError(
            {"official": [_("We have no e-mail address for this official: print the letter.")]}
        )
    subject = (subject.strip() or case.title)[:200]
    with transaction.atomic():
        letter = _record(user, case, draft, Letter.Channel.EMAIL)
        to, body = [draft.official.email], _full_text(draft)
        transaction.on_commit(lambda: queue_email(to=to, subject=subject, body=body))
    return letter


def forget_letter_text(user: Any, letter: Letter) -> None:
    """The writer withdraws a kept copy; the letter still counts."""
    if letter.writer_id != user.pk:
        raise PermissionDenied("not the writer")
    letter.text, letter.kept = "", False
    letter.save(update_fields=["text", "kept"])
