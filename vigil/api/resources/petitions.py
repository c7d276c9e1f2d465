"""OSDI petitions and signatures.

Reads go through ``petitions.selectors`` (the pages' reads); a signature is recorded by
``petitions.services.sign``, the web form's service: the same double opt-in mail, de-duplication,
rate limits and consent version.  Signatures are people's data: reading them needs the people
scope and the back office's own permission, ``petitions.view_signature``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from vigil.audit.services import _client_ip
from vigil.core.permissions import ensure
from vigil.petitions import selectors, services
from vigil.petitions.forms import SignForm
from vigil.petitions.models import Petition, Signature

from .. import osdi
from ..access import ACTIONS_WRITE, PEOPLE_READ, PUBLIC_READ, caller_of
from ..listing import listing
from ..problems import Problem

router = Router(tags=["petitions"])


class Target(Schema):
    name: str


class PetitionOut(osdi.Dated):
    identifiers: list[str]
    name: str = Field(description="The address name (slug).")
    title: str
    description: str
    petition_text: str
    target: list[Target]
    total_signatures: int
    goal: int
    closes_date: datetime.datetime
    is_open: bool
    browser_url: str


class SignatureOut(osdi.Dated):
    person: osdi.PersonOut
    confirmed: bool
    consent_version: int | None
    flagged: bool


class SignatureIn(Schema):
    person: osdi.PersonIn
    consent_given: bool = Field(
        ..., description="True only when the person agreed to the consent text themselves."
    )
    consent_version: int = Field(
        ..., ge=1, description="The version of the consent text (GET /consent) they agreed to."
    )
    language: str = Field("ru", pattern="^(ru|en)$")


class ConsentOut(Schema):
    version: int
    text: str


def petition_out(request: HttpRequest, petition: Petition) -> dict[str, Any]:
    count = selectors.count_of(petition)
    return {
        "identifiers": osdi.identifiers("petition", petition.pk),
        "created_date": petition.created_at,
        "modified_date": petition.created_at,
        "name": petition.slug,
        "title": petition.title,
        "description": petition.text,
        "petition_text": petition.text,
        "target": [{"name": petition.target}] if petition.target else [],
        "total_signatures": count.total,
        "goal": count.goal,
        "closes_date": petition.closes_at,
        "is_open": petition.is_open(),
        "browser_url": request.build_absolute_uri(petition.get_absolute_url()),
    }


def signature_out(signature: Signature) -> dict[str, Any]:
    return {
        "identifiers": osdi.identifiers("signature", signature.pk),
        "created_date": signature.created_at,
        "modified_date": max(filter(None, (signature.created_at, signature.confirmed_at))),
        "person": osdi.person_out(
            None,
            signature.name,
            signature.email,
            city=signature.city,
            country=signature.country,
            phone=signature.phone,
            language=signature.language,
        ),
        "confirmed": signature.confirmed_at is not None,
        "consent_version": signature.consent.version if signature.consent_id else None,
        "flagged": signature.flagged,
    }


def _published(slug: str) -> Petition:
    petition = selectors.petition_for_page(slug)
    if petition is None:
        raise Problem(404)
    return petition


@listing(router, "/", name="petitions", item=PetitionOut, serialise=petition_out,
         modified=["created_at"], auth=PUBLIC_READ)  # fmt: skip
def list_petitions(request: HttpRequest) -> QuerySet[Petition]:
    """Open petitions, as on the petitions page."""
    return selectors.open_petitions()


@router.get("/{slug}", auth=PUBLIC_READ, response=PetitionOut)
def get_petition(request: HttpRequest, slug: str) -> dict[str, Any]:
    return petition_out(request, _published(slug))


@listing(router, "/{slug}/signatures", name="signatures", item=SignatureOut,
         serialise=lambda _request, signature: signature_out(signature),
         modified=["created_at", "confirmed_at"], auth=PEOPLE_READ)  # fmt: skip
def list_signatures(request: HttpRequest, slug: str) -> QuerySet[Signature]:
    """Every signature of the petition, confirmed or not (``confirmed`` says which)."""
    ensure(caller_of(request).user, "petitions.view_signature")
    return selectors.signatures_for_staff(_published(slug))


@router.post("/{slug}/signatures", auth=ACTIONS_WRITE, response={202: osdi.Accepted})
def create_signature(request: HttpRequest, slug: str, body: SignatureIn) -> Status[dict[str, Any]]:
    """Sign on someone's behalf, with their consent: they get the confirmation mail and the
    signature counts once they follow its link.  The answer is the same for a new signer and
    for one who had signed before."""
    petition = selectors.petition_to_sign(slug)
    if petition is None:
        raise Problem(404)
    postal = body.person.postal()
    # The web form's own checks (names, address, phone, the consent box), in the caller's
    # language.
    form = SignForm({
        "name": body.person.full_name(), "email": body.person.email(),
        "country": postal.country, "city": postal.locality, "phone": body.person.phone(),
        "consent": "on" if body.consent_given else "", "consent_version": body.consent_version,
    })  # fmt: skip
    if not form.is_valid():
        errors = [
            {"loc": ["body", field], "msg": str(message)}
            for field, messages in form.errors.items()
            for message in messages
        ]
        raise Problem(422, errors=errors)
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
            language=body.language,
            ip=_client_ip(request) or "",
        )
    except ValidationError as error:
        status = (
            429
            if error.code == "rate_limited"
            else 409
            if error.code in ("closed", "consent_changed")
            else 422
        )
        raise Problem(status, " ".join(error.messages)) from None
    return Status(
        202,
        {
            "status": "received",
            "detail": _("The person has been sent a link to confirm their signature."),
        },
    )


consent_router = Router(tags=["petitions"])


@consent_router.get("/", auth=PUBLIC_READ, response=ConsentOut)
def current_consent(request: HttpRequest) -> dict[str, Any]:
    """The consent text a signer agrees to now; a signature names its version."""
    consent = selectors.current_consent()
    if consent is None:
        raise Problem(404)
    return {"version": consent.version, "text": consent.text}
