"""The dashboard's region filter: only regions the viewer oversees can be chosen."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.core.forms import TextFormMixin

from .selectors import RegionChoice


class RegionFilterForm(TextFormMixin, forms.Form):
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "This region is not one you can filter by. All your groups are shown."
            )
        },
    )

    def __init__(self, *args: Any, regions: list[RegionChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indent = "\u00a0\u00a0\u00a0"  # <option> text cannot be styled: no-break spaces nest it
        choices: list[tuple[str, Any]] = [("", _("All regions"))]
        choices += [(r.slug, f"{indent * r.depth}{r.name}") for r in regions]
        field = cast(forms.ChoiceField, self.fields["region"])
        field.choices = choices
