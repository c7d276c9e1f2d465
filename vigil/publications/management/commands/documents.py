"""``vigil documents import FILE|FOLDER|ZIP... [--dry-run]``: read press releases into the library.

Files may be text, HTML or PDF, alone, in folders or in zips (see
:mod:`vigil.publications.sources`); the staff's import page calls the same service
(:mod:`vigil.publications.imports`).  Per file it reports the encoding, the document (index
number, language, title), whether it was created, updated or left unchanged, whether it
waits for review and why (with the field-level diff in a dry run or on update) and every
line kept unparsed, with its number; then the summary: published, to review, unchanged,
errors.  A file that cannot be read or whose header is malformed is reported with its name
and line; the other files still import, and the exit code is 1 when any file failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.publications.importer import REVIEW_REASONS
from vigil.publications.imports import DocumentOutcome, ImportSummary, describe, document_outcomes

DIFF_VALUE_LENGTH = 70


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= DIFF_VALUE_LENGTH else text[: DIFF_VALUE_LENGTH - 1] + "…"


class Command(BaseCommand):
    help = _("Import press releases (text files) into the document library.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        text = actions.add_parser(
            "import", help=_("import press releases: text, HTML or PDF files, folders, zips")
        )
        text.add_argument("files", nargs="+", metavar="FILE|FOLDER|ZIP")
        text.add_argument(
            "--dry-run", action="store_true", help=_("show what would change, write nothing")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = ImportSummary()
        dry_run = options["dry_run"]
        for outcome in document_outcomes(options["files"], dry_run=dry_run):
            self.report(outcome, dry_run=dry_run)
            summary.add(outcome.name, outcome.outcome, describe(outcome))
        self.stdout.write(
            _(
                "%(published)d published, %(to_review)d to review, %(unchanged)d unchanged, "
                "%(errors)d errors"
            )
            % summary.counts()
        )
        if summary.errors:
            raise CommandError(
                _("%(count)d of %(total)d files had errors (see above)")
                % {"count": summary.errors, "total": len(summary.lines)},
                returncode=1,
            )

    def report(self, outcome: DocumentOutcome, *, dry_run: bool) -> None:
        result, parsed = outcome.result, outcome.parsed
        if result is None or parsed is None:
            self.stderr.write(outcome.error)
            return
        labels = {
            "created": _("would be created") if dry_run else _("created"),
            "updated": _("would be updated") if dry_run else _("updated"),
            "unchanged": _("unchanged"),
        }
        status = labels[result.status]
        if result.to_review:
            reasons = "; ".join(str(REVIEW_REASONS[code]) for code in parsed.review_reasons)
            status += " " + _("(to review: %(reasons)s)") % {"reasons": reasons}
        self.stdout.write(
            _("%(path)s: encoding %(encoding)s; %(index)s (%(language)s) %(title)s: %(status)s")
            % {
                "path": outcome.name,
                "encoding": outcome.encoding,
                "index": result.index_number,
                "language": result.language,
                "title": result.title,
                "status": status,
            }
        )
        if dry_run or result.status == "updated":
            for key, (old, new) in result.diff.items():
                self.stdout.write(f"    {key}: {_short(old)} → {_short(new)}")
        for number, text in parsed.unparsed:
            self.stdout.write(
                "    "
                + _("line %(number)d kept unparsed: %(text)s") % {"number": number, "text": text}
            )
