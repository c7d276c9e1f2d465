"""``vigil documents import FILE... [--dry-run]``: read press releases into the library.

Per file it reports the encoding, the document (index number, language, title), whether it was
created, updated or left unchanged (with the field-level diff in a dry run or on update) and
every line kept unparsed, with its number.  A file that cannot be read or whose header is
malformed is reported with its name and line; the other files still import, and the exit code
is 1 when any file failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vigil.publications.importer import ImportError_, read_file
from vigil.publications.services import import_document

DIFF_VALUE_LENGTH = 70


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= DIFF_VALUE_LENGTH else text[: DIFF_VALUE_LENGTH - 1] + "…"


class Command(BaseCommand):
    help = _("Import press releases (text files) into the document library.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        text = actions.add_parser("import", help=_("import press-release text files"))
        text.add_argument("files", nargs="+", metavar="FILE")
        text.add_argument(
            "--dry-run", action="store_true", help=_("show what would change, write nothing")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = sum(
            0 if self.import_file(path, dry_run=options["dry_run"]) else 1
            for path in options["files"]
        )
        if failed:
            raise CommandError(
                _("%(count)d of %(total)d files had errors (see above)")
                % {"count": failed, "total": len(options["files"])},
                returncode=1,
            )

    def import_file(self, path: str, *, dry_run: bool) -> bool:
        try:
            parsed = read_file(path)
        except OSError as exc:
            self.stderr.write(
                _("%(path)s: cannot be read: %(error)s")
                % {"path": path, "error": exc.strerror or exc}
            )
            return False
        except ImportError_ as exc:
            self.stderr.write(str(exc))
            return False
        result = import_document(parsed, dry_run=dry_run)
        labels = {
            "created": _("would be created") if dry_run else _("created"),
            "updated": _("would be updated") if dry_run else _("updated"),
            "unchanged": _("unchanged"),
        }
        self.stdout.write(
            _("%(path)s: encoding %(encoding)s; %(index)s (%(language)s) %(title)s: %(status)s")
            % {
                "path": path,
                "encoding": parsed.encoding,
                "index": result.index_number,
                "language": result.language,
                "title": result.title,
                "status": labels[result.status],
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
        return True
