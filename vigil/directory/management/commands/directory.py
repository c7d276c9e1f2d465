"""``vigil directory import|export|import-data``: the directory's files in and out.

* ``import FILE... [--dry-run]`` reads handbook-style text entries (UTF-8, Windows-1251 or
  KOI8-R) and reports per file the encoding, the entries found, what was created, updated or
  left unchanged (with the field-level diff in a dry run) and every line kept unparsed, with
  its line number.  A file that cannot be read is reported with its name and line and the
  other files still import; the exit code is 1 when any file failed.
* ``export --format csv|json [--region SLUG] [-o FILE]`` writes entries (see
  :mod:`vigil.directory.exchange` for the formats).
* ``import-data FILE.csv|FILE.json [--dry-run]`` reads such an export back.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vigil.directory import exchange, import_batches, import_workers
from vigil.directory.import_batches import Prepared, import_entries
from vigil.directory.import_writes import ImportResult, restore_entry
from vigil.directory.importer import EntryError, HandbookFile
from vigil.directory.imports import import_source
from vigil.directory.models import Region

DIFF_VALUE_LENGTH = 70


def _needs_expanding(path: str) -> bool:
    candidate = Path(path)
    return candidate.is_dir() or candidate.suffix.lower() in {".zip", ".htm", ".html"}


class _RawOutput(io.StringIO):
    """The command's stdout without the newline Django adds to every write."""

    def __init__(self, wrapper: Any) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> int:
        self.wrapper.write(text, ending="")
        return len(text)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= DIFF_VALUE_LENGTH else text[: DIFF_VALUE_LENGTH - 1] + "…"


class Command(BaseCommand):
    help = _("Import handbook text entries; export and import the directory as CSV or JSON.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        text = actions.add_parser("import", help=_("import handbook-style text files"))
        text.add_argument("files", nargs="+", metavar="FILE")
        text.add_argument(
            "--dry-run", action="store_true", help=_("show what would change, write nothing")
        )
        export = actions.add_parser("export", help=_("export entries as CSV or JSON"))
        export.add_argument("--format", choices=["csv", "json"], required=True)
        export.add_argument("--region", help=_("only this region and the regions inside it"))
        export.add_argument("-o", "--output", help=_("file to write (default: standard output)"))
        data = actions.add_parser("import-data", help=_("import a CSV or JSON export"))
        data.add_argument("files", nargs="+", metavar="FILE")
        data.add_argument(
            "--dry-run", action="store_true", help=_("show what would change, write nothing")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "import":
            failed = self.import_text(options["files"], dry_run=options["dry_run"])
        elif action == "import-data":
            failed = self.import_data(options["files"], dry_run=options["dry_run"])
        else:
            self.export(options["format"], options.get("region"), options.get("output"))
            return
        if not options["dry_run"]:
            import_batches.finish_import()
        if failed:
            raise CommandError(
                _("%(count)d of %(total)d files had errors (see above)")
                % {"count": failed, "total": len(options["files"])},
                returncode=1,
            )

    # --- text files -----------------------------------------------------------------------
    def import_text(self, paths: list[str], *, dry_run: bool) -> int:
        failed = 0
        for path in paths:
            if _needs_expanding(path):
                failed += self.import_other(path, dry_run=dry_run)
            elif not self.import_text_file(path, dry_run=dry_run):
                failed += 1
        return failed

    def import_other(self, path: str, *, dry_run: bool) -> int:
        """Folders, zip archives and HTML pages, through the import service."""

        def say(line: str, error: bool) -> None:
            (self.stderr if error else self.stdout).write(line)

        summary = import_source([path], dry_run=dry_run, report=say)
        self.stdout.write("  " + f"{path}: " + summary.line())
        return 1 if summary.errors else 0

    def import_text_file(self, path: str, *, dry_run: bool) -> bool:
        try:
            source = HandbookFile(path)
        except OSError as exc:
            self.stderr.write(
                _("%(path)s: cannot be read: %(error)s")
                % {"path": path, "error": exc.strerror or exc}
            )
            return False
        self.stdout.write(
            _("%(path)s: encoding %(encoding)s") % {"path": path, "encoding": source.encoding}
        )
        counts = {"published": 0, "to_review": 0, "unchanged": 0}
        errors = 0
        chunk: list[Prepared | EntryError] = []
        # A large file is parsed by worker processes while this one writes (see read_prepared).
        for item in import_workers.read_prepared(source, dry_run=dry_run):
            chunk.append(item)
            if len(chunk) >= import_batches.IMPORT_BATCH:
                errors += self.import_chunk(chunk, dry_run=dry_run, counts=counts)
                chunk = []
                import_workers.release_memory()  # resident memory stays level however long the file
        errors += self.import_chunk(chunk, dry_run=dry_run, counts=counts)
        self.stdout.write(
            "  "
            + _(
                "%(path)s: %(entries)d entries found: %(published)d published, "
                "%(to_review)d to review, %(unchanged)d unchanged, %(errors)d with errors%(dry)s"
            )
            % {
                "path": path,
                "entries": source.entries_found,
                **counts,
                "errors": errors,
                "dry": _(" (dry run: nothing written)") if dry_run else "",
            }
        )
        return errors == 0

    def import_chunk(
        self, chunk: list[Prepared | EntryError], *, dry_run: bool, counts: dict[str, int]
    ) -> int:
        """Import the entries of a chunk together and report every item in file order;
        returns the number of errors."""
        results = import_entries(
            (item for item in chunk if isinstance(item, Prepared)), dry_run=dry_run
        )
        errors = 0
        for item in chunk:
            if isinstance(item, EntryError):
                self.stderr.write(f"  {item}")
                errors += 1
                continue
            result = next(results)
            parsed = item.parsed
            if result.status == "unchanged":
                counts["unchanged"] += 1
            elif result.status == "proposed" or parsed.needs_review:
                counts["to_review"] += 1
            else:
                counts["published"] += 1
            self.report_result(result, dry_run=dry_run, first_line=parsed.first_line)
            if parsed.unparsed:
                kept = "      " + _("line %(number)d kept unparsed: %(text)s")
                for number, text in parsed.unparsed:
                    self.stdout.write(kept % {"number": number, "text": text})
        return errors

    def report_result(self, result: ImportResult, *, dry_run: bool, first_line: int) -> None:
        labels, line_format = self.report_texts(dry_run)
        self.stdout.write(
            "  "
            + line_format
            % {
                "line": first_line,
                "name": result.name,
                "slug": result.slug,
                "status": labels[result.status],
            }
        )
        if dry_run or result.status in ("updated", "proposed"):
            for key, (old, new) in result.diff.items():
                self.stdout.write(f"      {key}: {_short(old)} → {_short(new)}")

    def report_texts(self, dry_run: bool) -> tuple[dict[str, str], str]:
        """The status labels and the line of a result, translated once per import (a large
        file reports thousands of entries, and each gettext call costs microseconds)."""
        language = get_language()
        cached = getattr(self, "_report_texts", None)
        if cached is not None and cached[0] == (language, dry_run):
            return cached[1]
        labels = {
            "proposed": _("would be proposed for review") if dry_run else _("proposed for review"),
            "created": _("would be created") if dry_run else _("created"),
            "updated": _("would be updated") if dry_run else _("updated"),
            "unchanged": _("unchanged"),
        }
        texts = labels, _("line %(line)d: %(name)s (%(slug)s): %(status)s")
        self._report_texts = ((language, dry_run), texts)
        return texts

    # --- CSV and JSON ---------------------------------------------------------------------
    def export(self, fmt: str, region: str | None, output: str | None) -> None:
        if region and not Region.objects.filter(slug=region).exists():
            raise CommandError(_("no region with the address name “%(slug)s”") % {"slug": region})
        queryset = exchange.organisations(region)
        writer = exchange.write_csv if fmt == "csv" else exchange.write_json
        if output:
            newline = "" if fmt == "csv" else None
            with Path(output).open("w", encoding="utf-8", newline=newline) as handle:
                count = writer(queryset, handle)
            self.stderr.write(
                _("%(count)d entries written to %(path)s") % {"count": count, "path": output}
            )
        else:
            writer(queryset, _RawOutput(self.stdout))

    def import_data(self, paths: list[str], *, dry_run: bool) -> int:
        failed = 0
        for path in paths:
            counts = {"created": 0, "updated": 0, "unchanged": 0}
            try:
                for line, record in exchange.read_records(path):
                    try:
                        result = restore_entry(record, dry_run=dry_run)
                    except (ValueError, KeyError, TypeError) as exc:
                        raise exchange.ExchangeError(path, line, str(exc)) from exc
                    counts[result.status] += 1
                    self.report_result(result, dry_run=dry_run, first_line=line)
            except exchange.ExchangeError as exc:
                failed += 1
                self.stderr.write(str(exc))
                continue
            except OSError as exc:
                failed += 1
                self.stderr.write(
                    _("%(path)s: cannot be read: %(error)s")
                    % {"path": path, "error": exc.strerror or exc}
                )
                continue
            self.stdout.write(
                _("%(path)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {"path": path, **counts}
            )
        return failed
