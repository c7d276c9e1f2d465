"""Template helpers of the directory pages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from vigil.directory import selectors
from vigil.directory.contact_roles import role_label
from vigil.directory.import_reasons import reason_labels

register = template.Library()

#: As django.utils.html.json_script: nothing in the data can close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def ld_json(data: Any) -> SafeString:
    """A schema.org data block: ``<script type="application/ld+json">`` (not executed)."""
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.filter
def contact_role(role: str) -> str:
    return role_label(role)


@register.filter
def month_year(value: Any) -> str:
    return selectors.month_year(value)


_SELECTED = mark_safe(" selected")


@register.simple_tag
def options(choices: Iterable[tuple[str, str]], selected: str) -> SafeString:
    """``<option>`` elements for (value, label) pairs, in one pass: a template loop costs
    about 50 µs an option, and the region list has one for every region."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, _SELECTED if value == selected else "", label) for value, label in choices),
    )


@register.simple_tag(takes_context=True)
def page_url(context: Any, number: int) -> str:
    """The current address with another ``page``."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def import_reason_labels(reasons: list[dict[str, Any]] | None) -> list[str]:
    """Why the importer made an entry a draft, in the active language."""
    return reason_labels(reasons or [])
