"""Forms of the roundtable pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vigil.campaigns.models import Campaign
from vigil.core.forms import TextFormMixin
from vigil.directory.models import Contact, Organisation
from vigil.events.forms import EventForm
from vigil.events.models import Event


class RoundtableForm(EventForm):
    """The event form of the events app, for a roundtable, with the campaign it serves."""

    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.all(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Partner organisations are the ones invited (``services.invite`` adds them).
        del self.fields["kind"], self.fields["partners"]
        self.fields["visibility"].initial = Event.Visibility.MEMBERS

    def event_fields(self) -> dict[str, Any]:
        fields = super().event_fields()
        fields.pop("kind", None)
        return fields


class AgendaForm(TextFormMixin, forms.Form):
    """The agenda as lines: "Russian | English", one item a line."""

    items = forms.CharField(
        label=_("Agenda items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item a line: the Russian wording, then “|” and the English one."),
    )

    @staticmethod
    def as_text(roundtable: Any) -> str:
        return "\n".join(
            f"{item.title_ru} | {item.title_en}" if item.title_en else item.title_ru
            for item in roundtable.agenda.all()
        )

    def pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for line in self.cleaned_data["items"].splitlines():
            ru, _sep, en = line.partition("|")
            pairs.append((ru.strip(), en.strip()))
        return pairs


class InviteForm(TextFormMixin, forms.Form):
    """One invitee: a contact of the chosen organisation, or a name and an address typed in."""

    contact = forms.ModelChoiceField(
        label=_("Contact person from the directory"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        error_messages={"required": _("Write the address the invitation goes to.")},
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="ru"
    )

    def __init__(self, *args: Any, organisation: Organisation | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        field: Any = self.fields["contact"]
        if organisation is None:
            del self.fields["contact"]
        else:
            field.queryset = organisation.contacts.filter(is_published=True)
            field.empty_label = _("Someone else at this organisation")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and not data.get("contact"):
            self.add_error("name", _("Write the person's name or choose a contact."))
        return data


class AttendanceForm(TextFormMixin, forms.Form):
    came = forms.TypedMultipleChoiceField(
        label=_("Invited people who came"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    walk_ins = forms.CharField(
        label=_("People who came without an invitation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One person a line: the name, then “|” and the organisation."),
    )

    def __init__(self, *args: Any, invitations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["came"]
        field.choices = [
            (i.pk, f"{i.name} — {i.organisation.name}" if i.organisation else str(i.name))
            for i in invitations
        ]

    def walk_in_rows(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["walk_ins"].splitlines():
            name, _sep, organisation = line.partition("|")
            if name.strip():
                rows.append((name.strip(), organisation.strip()))
        return rows


class MinutesForm(TextFormMixin, forms.Form):
    minutes_ru = forms.CharField(
        label=_("Minutes in Russian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Paragraphs, lists, bold and links are kept (HTML tags such as <p>, <ul>, <li>, "
            "<strong>, <a>); everything else is removed when saving."
        ),
    )
    minutes_en = forms.CharField(
        label=_("Minutes in English"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
