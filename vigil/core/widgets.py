"""Date and time inputs that browsers can read in every language.

``<input type="date">`` takes its value only as ``yyyy-MM-dd`` (``datetime-local`` as
``yyyy-MM-ddTHH:mm``, ``time`` as ``HH:mm``), whatever the page's language; the browser shows
it in the user's own format.  Django's inputs render the active locale's format instead
(``03.12.2026`` in Russian), which the browser drops, leaving the field empty.  Every date and
time field of Vigil's forms uses these widgets (``tests/core/test_date_inputs.py`` checks).
"""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
ISO_TIME = "%H:%M"


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)


class IsoDateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATETIME_LOCAL)


class IsoTimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(attrs, format=ISO_TIME)


ISO_WIDGETS = (IsoDateInput, IsoDateTimeLocalInput, IsoTimeInput)
