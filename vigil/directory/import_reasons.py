"""Why an imported entry is a draft: stored on the entry as a small structured list, shown in
the review queue in the reader's language.

The parser notes reasons as codes (:mod:`vigil.directory.importer.parser`); the entry stores
them as ``[{"code": "first_line"}, {"code": "lines_left", "count": 3}]`` in
``Organisation.import_reasons`` (codes, so a label reworded or translated later still applies
to entries imported before).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy, ngettext

from .importer.records import ParsedEntry

#: Labels of the parser's reasons (the codes are the parser's REASON_* constants).
REVIEW_REASONS = {
    "first_line": gettext_lazy("The first line is not the organisation's name."),
    "covering": gettext_lazy("A covering letter or mail header surrounds the entry."),
    "name_in_text": gettext_lazy("The name was found in the text, not on a line of its own."),
    "no_name": gettext_lazy("No name was found."),
    "unparsed": gettext_lazy("Many of its lines were left unparsed."),
}
#: The reason that carries a count: how many lines no field took.
LINES_LEFT = "lines_left"


def stored_reasons(parsed: ParsedEntry) -> list[dict[str, Any]]:
    """The reasons to keep on the entry: the parser's, and how many lines it left unparsed."""
    reasons: list[dict[str, Any]] = [{"code": code} for code in parsed.review_reasons]
    if parsed.unparsed:
        reasons.append({"code": LINES_LEFT, "count": len(parsed.unparsed)})
    return reasons


def reason_labels(reasons: list[dict[str, Any]]) -> list[str]:
    """The reasons as sentences in the active language (unknown codes as they are)."""
    labels = []
    for reason in reasons:
        code = str(reason.get("code", ""))
        if code == LINES_LEFT:
            count = int(reason.get("count", 0))
            labels.append(
                ngettext(
                    "%(count)d line was left unparsed.",
                    "%(count)d lines were left unparsed.",
                    count,
                )
                % {"count": count}
            )
        else:
            labels.append(str(REVIEW_REASONS.get(code, code)))
    return labels
