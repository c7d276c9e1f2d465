"""Forms of the action point pages: a point with its owners, a progress update, the filter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.campaigns.models import Campaign
from vigil.cases.models import Case
from vigil.core.forms import TextFormMixin
from vigil.core.widgets import IsoDateInput
from vigil.directory.models import Contact, Organisation
from vigil.events.models import Event
from vigil.groups.models import Group
from vigil.petitions.models import Petition
from vigil.publications.indexnumbers import canonical_index_number
from vigil.publications.models import Document

from .models import ActionPoint
from .services import OwnerSpec

#: The point's own fields on the form, as ``services.create_point`` takes them.
POINT_FIELDS = (
    "title_ru", "title_en", "description_ru", "description_en", "due_on", "is_public",
    "campaign", "case", "petition", "event", "document",
)  # fmt: skip
#: ``<input type="date">`` takes and gives yyyy-mm-dd whatever the page's language.
DATE_INPUT = IsoDateInput()


def staff_members() -> Any:
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__role__in=[Role.STAFF, Role.ADMIN],
            role_assignments__scope_type__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )


def partner_choices(organisations: list[Organisation]) -> list[tuple[str, str]]:
    """``org:<id>`` for the organisation, ``org:<id>:<contact id>`` with a contact person."""
    choices = []
    for organisation in organisations:
        choices.append((f"org:{organisation.pk}", organisation.name))
        for contact in organisation.contacts.filter(is_published=True):
            label = f"{organisation.name} — {contact.name}"
            choices.append((f"org:{organisation.pk}:{contact.pk}", label))
    return choices


class ActionPointForm(TextFormMixin, forms.Form):
    title_ru = forms.CharField(label=_("Title in Russian"), max_length=300)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    description_ru = forms.CharField(
        label=_("Description in Russian"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description in English"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(
        label=_("Due"), required=False, widget=DATE_INPUT, input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )
    staff_owners = forms.ModelMultipleChoiceField(
        label=_("Staff members who own it"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group_owners = forms.ModelMultipleChoiceField(
        label=_("Groups that own it"),
        queryset=Group.objects.exclude(status=Group.Status.CLOSED).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_owners = forms.MultipleChoiceField(
        label=_("Partner organisations that own it"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The partners of the roundtable and the campaign, with their contacts."),
    )
    is_public = forms.BooleanField(
        label=_("Show it on the campaign's page"),
        required=False,
        help_text=_("With its status and progress, once the campaign is public."),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.all(), required=False
    )
    case = forms.ModelChoiceField(label=_("Case"), queryset=Case.objects.all(), required=False)
    petition = forms.ModelChoiceField(
        label=_("Petition"), queryset=Petition.objects.all(), required=False
    )
    event = forms.ModelChoiceField(
        label=_("Event"), queryset=Event.objects.order_by("-starts_at"), required=False
    )
    document = forms.CharField(
        label=_("Document (index number)"),
        required=False,
        max_length=40,
        help_text=_("For example EUR 46/039/2003."),
    )

    def __init__(self, *args: Any, partners: Iterable[Organisation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff: Any = self.fields["staff_owners"]
        staff.queryset = staff_members()
        staff.label_from_instance = lambda user: user.get_full_name() or str(user.email)
        field: Any = self.fields["partner_owners"]
        field.choices = partner_choices(list(partners))

    @classmethod
    def initial_for(cls, point: ActionPoint) -> dict[str, Any]:
        owners = list(point.owners.all())
        return {
            **{name: getattr(point, name) for name in POINT_FIELDS if name != "document"},
            "document": point.document.index_number if point.document else "",
            "staff_owners": [o.user for o in owners if o.user_id],
            "group_owners": [o.group for o in owners if o.group_id],
            "partner_owners": [
                f"org:{o.organisation_id}" + (f":{o.contact_id}" if o.contact_id else "")
                for o in owners
                if o.organisation_id
            ],
        }

    def clean_document(self) -> Document | None:
        text = (self.cleaned_data.get("document") or "").strip()
        if not text:
            return None
        try:
            canonical = canonical_index_number(text)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        found = (
            Document.objects.filter(index_number=canonical).order_by("original_id", "pk").first()
        )
        if found is None:
            raise ValidationError(_("No document in the library has this index number."))
        return found

    def owners(self) -> list[OwnerSpec]:
        data = self.cleaned_data
        owners = [OwnerSpec(user=user) for user in data.get("staff_owners", [])]
        owners += [OwnerSpec(group=group) for group in data.get("group_owners", [])]
        for value in data.get("partner_owners", []):
            parts = value.split(":")
            organisation = Organisation.objects.get(pk=int(parts[1]))
            contact = Contact.objects.get(pk=int(parts[2])) if len(parts) > 2 else None
            owners.append(OwnerSpec(organisation=organisation, contact=contact))
        return owners

    def point_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in POINT_FIELDS}


class ProgressForm(TextFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionPoint.Status.choices)
    progress = forms.IntegerField(
        label=_("Progress, %"), min_value=0, max_value=100, required=False
    )
    text_ru = forms.CharField(
        label=_("What happened, in Russian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A public point's updates show on its campaign's page."),
    )
    text_en = forms.CharField(
        label=_("What happened, in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BoardFilterForm(TextFormMixin, forms.Form):
    STATUSES = [
        ("open", _("open")),
        ("overdue", _("overdue")),
        *ActionPoint.Status.choices,
        ("all", _("all")),
    ]
    status = forms.ChoiceField(label=_("Show"), choices=STATUSES, required=False)
    group = forms.ModelChoiceField(
        label=_("Group"), queryset=Group.objects.order_by("name"), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Organisation.objects.filter(action_points__isnull=False).distinct(),
        required=False,
    )
    user = forms.ModelChoiceField(
        label=_("Staff member"), queryset=User.objects.none(), required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.filter(action_points__isnull=False).distinct(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["user"]
        field.queryset = staff_members()
        field.label_from_instance = lambda user: user.get_full_name() or str(user.email)
