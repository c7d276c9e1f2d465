"""XLIFF 2.0 and PO files, so translators can work in their own CAT tools.

Both formats are read and written with translate-toolkit (``translate.storage.xliff2`` does
XLIFF 2.0: ``<xliff version="2.0" srcLang trgLang>``, ``<file id>``, ``<unit id>``,
``<segment state>``).  A file names its issue (the XLIFF ``<file id>``, the PO header
``X-Vigil-Issue``) and every unit carries its segment's id (``s<pk>``, the PO ``msgctxt``) and
the English source, so :func:`check` can refuse a file that belongs elsewhere or was made from
a text that has changed since.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from translate.storage import po, xliff2

if TYPE_CHECKING:
    from .models import Issue, Segment

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
SOURCE_LANGUAGE = "en"
TARGET_LANGUAGE = "ru"
ISSUE_HEADER = "X-Vigil-Issue"
#: Segment status → XLIFF 2.0 segment state (and back).
STATES = {
    "to_translate": "initial",
    "translated": "translated",
    "reviewed": "reviewed",
    "approved": "final",
}
MAX_REASONS = 20


def file_id(issue: Issue) -> str:
    return f"vigil-bulletin-issue-{issue.pk}"


def _segments(issue: Issue) -> list[Segment]:
    from .models import Segment

    return list(Segment.objects.filter(article__issue=issue).order_by("article", "position"))


def export_xliff(issue: Issue) -> bytes:
    store = xliff2.Xliff2File(sourcelanguage=SOURCE_LANGUAGE, targetlanguage=TARGET_LANGUAGE)
    store.setfilename(store.body, file_id(issue))
    for segment in _segments(issue):
        unit = store.addsourceunit(segment.source)
        unit.setid(segment.exchange_id)
        if segment.target:
            unit.target = segment.target
        unit.xmlelement.set("state", STATES[segment.status])
    return bytes(store)


def export_po(issue: Issue) -> bytes:
    store = po.pofile()
    store.updateheader(add=True, **{"Language": TARGET_LANGUAGE, ISSUE_HEADER: str(issue.pk)})
    store.settargetlanguage(TARGET_LANGUAGE)
    for segment in _segments(issue):
        unit = store.addsourceunit(segment.source)
        unit.setcontext(segment.exchange_id)
        unit.target = segment.target
        unit.addnote(f"status: {segment.status}", origin="developer")
    return bytes(store)


@dataclass(frozen=True)
class Unit:
    id: str
    source: str
    target: str
    #: An XLIFF 2.0 state (initial, translated, reviewed, final); PO gives "translated".
    state: str


@dataclass(frozen=True)
class Parsed:
    format: str
    issue: str
    source_language: str
    target_language: str
    units: list[Unit]


def parse(data: bytes) -> Parsed:
    """Read an XLIFF 2.0 or PO file; anything else is refused with the reason."""
    head = data.lstrip()[:200]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        if head.startswith(b"<"):
            return _parse_xliff(data)
        return _parse_po(data)
    except ValidationError:
        raise
    except Exception:  # the toolkit raises many kinds; the user needs one sentence
        raise ValidationError(
            _("The file could not be read: it is not a valid XLIFF 2.0 or PO file.")
        ) from None


def _parse_xliff(data: bytes) -> Parsed:
    store = xliff2.Xliff2File.parsestring(data)
    root = store.document.getroot()
    if root.tag != f"{{{XLIFF_NS}}}xliff" or not str(root.get("version", "")).startswith("2."):
        raise ValidationError(_("Only XLIFF version 2.0 files can be imported."))
    files = list(root.iterchildren(f"{{{XLIFF_NS}}}file"))
    if len(files) != 1:
        raise ValidationError(_("The XLIFF file must hold exactly one <file>, for one issue."))
    units = []
    for unit in store.units:
        element: Any = unit.xmlelement
        units.append(
            Unit(
                id=str(unit.getid() or ""),
                source=str(unit.source or ""),
                target=str(unit.target or ""),
                state=str(element.get("state") or "initial"),
            )
        )
    return Parsed(
        format="xliff",
        issue=str(files[0].get("id") or ""),
        source_language=str(store.getsourcelanguage() or ""),
        target_language=str(store.gettargetlanguage() or ""),
        units=units,
    )


def _parse_po(data: bytes) -> Parsed:
    store = po.pofile.parsestring(data)
    header = store.parseheader()
    if not store.units or not store.units[0].isheader() or ISSUE_HEADER not in header:
        raise ValidationError(
            _("The PO file has no %(header)s header: it was not exported from this bulletin.")
            % {"header": ISSUE_HEADER}
        )
    units = [
        Unit(
            id=str(unit.getcontext() or ""),
            source=str(unit.source or ""),
            target=str(unit.target or ""),
            state="initial" if unit.isfuzzy() else "translated",
        )
        for unit in store.units
        if not unit.isheader() and not unit.isobsolete()
    ]
    return Parsed(
        format="po",
        issue=str(header.get(ISSUE_HEADER, "")),
        source_language=SOURCE_LANGUAGE,
        target_language=str(store.gettargetlanguage() or ""),
        units=units,
    )


def _norm(text: str) -> str:
    return " ".join(text.split())


def check(parsed: Parsed, issue: Issue, segments: Mapping[str, Segment]) -> None:
    """Refuse the file, with every reason, unless it matches ``issue`` as it is now."""
    reasons: list[str] = []
    expected = file_id(issue) if parsed.format == "xliff" else str(issue.pk)
    if parsed.issue != expected:
        reasons.append(
            _("The file belongs to another issue (%(found)s), not to %(issue)s.")
            % {"found": parsed.issue or "?", "issue": issue}
        )
    if parsed.source_language.lower().split("-")[0] != SOURCE_LANGUAGE:
        reasons.append(
            _("The source language is “%(found)s”; it must be English (en).")
            % {"found": parsed.source_language}
        )
    if parsed.target_language.lower().split("-")[0].split("_")[0] != TARGET_LANGUAGE:
        reasons.append(
            _("The target language is “%(found)s”; it must be Russian (ru).")
            % {"found": parsed.target_language or "?"}
        )
    if not parsed.units:
        reasons.append(_("The file holds no segments."))
    seen: set[str] = set()
    for unit in parsed.units:
        segment = segments.get(unit.id)
        if unit.id in seen:
            reasons.append(_("Segment %(id)s appears twice.") % {"id": unit.id})
        elif segment is None:
            reasons.append(
                _("Segment “%(id)s” is not part of this issue.") % {"id": unit.id or "?"}
            )
        elif _norm(unit.source) != _norm(segment.source):
            reasons.append(
                _("The English text of segment %(id)s has changed since the export.")
                % {"id": unit.id}
            )
        elif unit.state not in STATES.values():
            reasons.append(
                _("Segment %(id)s has an unknown state “%(state)s”.")
                % {"id": unit.id, "state": unit.state}
            )
        seen.add(unit.id)
    if reasons:
        more = len(reasons) - MAX_REASONS
        shown = reasons[:MAX_REASONS]
        if more > 0:
            shown.append(_("… and %(count)d more problems.") % {"count": more})
        raise ValidationError([_("The file was not imported. Nothing was changed."), *shown])
