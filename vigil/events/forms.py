"""Forms of the events pages: the organiser's event form, a visitor's reply, cancelling."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin
from vigil.core.widgets import IsoDateTimeLocalInput
from vigil.directory.models import Organisation, Region
from vigil.groups.models import Group

from . import services
from .models import Event

WALL_CLOCK_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class WallClockField(forms.DateTimeField):
    """A date and time as the clock at the venue shows it: naive, never the viewer's zone.

    The form turns it into UTC with the venue's zone (``services.venue_time``).
    """

    widget = IsoDateTimeLocalInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", WALL_CLOCK_FORMATS)
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Enter a date and time, for example 2026-12-10 18:30.")},
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None)
        return value

    def to_python(self, value: Any) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None)
        text = str(value).strip()
        for fmt in WALL_CLOCK_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt)
            except (ValueError, TypeError):
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class EventForm(TextFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(
        label=_("Title in English"),
        max_length=200,
        required=False,
        help_text=_("For the English pages, mail and calendars; empty: the title above."),
    )
    kind = forms.ChoiceField(label=_("Kind of event"), choices=Event.Kind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Empty: the English page shows the description above."),
    )
    organisers = forms.ModelMultipleChoiceField(
        label=_("Organiser groups"),
        queryset=Group.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Name at least one organiser group.")},
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.filter(is_published=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("From the directory. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    venue = forms.CharField(label=_("Venue"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        help_text=_("For the region's calendar; empty: the first organiser group's region."),
    )
    starts_at = WallClockField(label=_("Starts (time at the venue)"))
    ends_at = WallClockField(label=_("Ends (time at the venue)"))
    time_zone = forms.CharField(
        label=_("Time zone of the venue"),
        max_length=64,
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text=_("For example Europe/Moscow or Asia/Vladivostok."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Event.Visibility.choices, widget=forms.RadioSelect
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        help_text=_("Leave empty when there is no limit."),
    )

    def __init__(self, *args: Any, groups: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisers: Any = self.fields["organisers"]
        organisers.queryset = groups if groups is not None else Group.objects.none()

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, Any]:
        return {
            **{name: getattr(event, name) for name in services.EDITABLE},
            "starts_at": event.local_starts_at.replace(tzinfo=None),
            "ends_at": event.local_ends_at.replace(tzinfo=None),
            "organisers": list(event.organisers.all()),
            "partners": list(event.partners.all()),
            "region": event.region,
        }

    def clean(self) -> dict[str, Any]:
        """Typed venue times become UTC instants; the services check the rest."""
        data = super().clean() or {}
        zone = (data.get("time_zone") or "").strip()
        data["time_zone"] = zone
        for name in ("starts_at", "ends_at"):
            value = data.get(name)
            if value is None or not zone:
                continue
            try:
                data[name] = services.venue_time(value, zone)
            except ValidationError as error:
                field = "time_zone" if error.code == "invalid_time_zone" else name
                if field not in self.errors:
                    self.add_error(field, error)
                data.pop(name, None)
        return data

    def event_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in services.EDITABLE}


class VisitorRsvpForm(TextFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Write your name.")},
    )
    email = forms.EmailField(
        label=_("Your e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Write your e-mail address: the confirmation goes there."),
            "invalid": _("Enter a valid e-mail address."),
        },
    )
    #: A field people do not see; robots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if not name:
            raise ValidationError(_("Write your name."))
        return name

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class CancelEventForm(TextFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Why it is cancelled (sent to everyone who replied)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
