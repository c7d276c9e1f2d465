from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin
from vigil.core.timezones import zone_choices
from vigil.core.widgets import IsoDateInput, IsoTimeInput

from . import selectors
from .models import Group


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class JoinForm(TextFormMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    city = forms.CharField(label=_("City or town"), max_length=100)
    region = RegionChoiceField(
        label=_("Region"),
        queryset=selectors.joinable_regions(),
        empty_label=_("Choose your region"),
        help_text=_("Your application goes to the nearest group in this region."),
    )
    languages = forms.CharField(
        label=_("Languages you read and write"),
        max_length=200,
        required=False,
        help_text=_("For example: Russian, English. Groups write letters in many languages."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that Vigil keeps these details, encrypted, to answer my application and "
            "to run my membership. I can have them erased at any time."
        ),
        error_messages={"required": _("We can only keep your application if you agree to it.")},
    )
    #: A field people do not see; robots fill it in.  Hidden by CSS, skipped by screen readers.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["region"]
        field.queryset = selectors.joinable_regions()
        # The viewer's language decides the names; sort by what is shown.
        named = sorted(((r.pk, r.name) for r in field.queryset), key=lambda c: str(c[1]))
        field.choices = [("", field.empty_label), *named]


class DecisionForm(TextFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Message to the applicant"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
        help_text=_("Sent by e-mail with the answer, in the applicant's language if you can."),
    )
    group = forms.ModelChoiceField(
        label=_("Group the applicant joins"),
        queryset=Group.objects.exclude(status=Group.Status.CLOSED),
        required=False,
    )

    def __init__(self, *args: Any, group_choice: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not group_choice:
            del self.fields["group"]


class GroupForm(TextFormMixin, forms.ModelForm):
    meeting_timezone = forms.ChoiceField(label=_("Time zone of the meetings"), choices=zone_choices)
    region = RegionChoiceField(label=_("Region"), queryset=selectors.joinable_regions())

    class Meta:
        model = Group
        fields = [
            "name", "name_en", "city", "region", "status", "email", "postal_address",
            "meeting_rule", "meeting_time", "meeting_timezone", "meeting_place",
        ]  # fmt: skip
        widgets = {
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "meeting_time": IsoTimeInput(),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from vigil.directory.models import Region

        from .rules import regions_placeable_by

        field: Any = self.fields["region"]
        placeable = regions_placeable_by(user) if user is not None else None
        if placeable is None:
            field.queryset = Region.objects.all()
            return
        current = self.instance.region_id if self.instance.pk else None
        field.queryset = Region.objects.filter(pk__in=[*placeable, current])
        if current is not None and current not in placeable:
            # A group coordinator: the region decides who sees the group's applications.
            field.disabled = True
            field.help_text = _("Only staff or the regional coordinators can move a group.")


class MeetingForm(TextFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Date of the meeting"), widget=IsoDateInput())
    attendance = forms.IntegerField(label=_("People present"), min_value=0, max_value=10_000)
    decisions = forms.CharField(
        label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A meeting can only be logged once it has happened."))
        return held_on


class LettersForm(TextFormMixin, forms.Form):
    case_label = forms.CharField(label=_("Case"), max_length=200, required=False)
    count = forms.IntegerField(label=_("Letters"), min_value=0, max_value=10_000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        label, count = data.get("case_label"), data.get("count")
        if label and count is None:
            self.add_error("count", _("How many letters were written for this case?"))
        if count and not label:
            self.add_error("case_label", _("Which case were these letters for?"))
        return data


LettersFormSet = forms.formset_factory(LettersForm, extra=3, max_num=50, validate_max=True)


class GroupMailForm(TextFormMixin, forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000
    )


class EraseForm(TextFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, erase my details and close my account. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
