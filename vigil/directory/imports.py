"""The one way in for directory files: :func:`import_source`, called by ``vigil directory
import`` and by the back office's upload page.

It reads text files, HTML pages, folders and zip archives of them (see
:mod:`vigil.directory.importer.sources`), imports entry by entry in batches, and returns an
:class:`ImportSummary`: how many entries were published, went to the review queue as drafts,
were unchanged, and the errors, each a line naming the file and the line.  One bad file or
entry never stops the others; each batch is written in its own transaction.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from . import import_batches, import_workers
from .import_batches import Prepared
from .import_writes import ImportResult
from .importer import EntryError
from .importer.sources import Skipped, expand, open_source

#: Called with each report line and whether it is an error (the command prints them).
Reporter = Callable[[str, bool], None]


@dataclass
class ImportSummary:
    published: int = 0
    to_review: int = 0
    unchanged: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    files: int = 0
    failed_files: int = 0
    dry_run: bool = False

    def line(self) -> str:
        return _(
            "%(published)d published, %(to_review)d to review, %(unchanged)d unchanged, "
            "%(errors)d errors"
        ) % {
            "published": self.published,
            "to_review": self.to_review,
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }


def import_source(
    sources: Iterable[str | Path | tuple[str, bytes]],
    *,
    dry_run: bool = False,
    author: Any = None,
    report: Reporter | None = None,
) -> ImportSummary:
    """Import files (paths, or ``(file name, bytes)`` pairs from an upload)."""
    summary = ImportSummary(dry_run=dry_run)
    say: Reporter = report or (lambda _line, _error: None)
    with tempfile.TemporaryDirectory(prefix="vigil-upload-") as scratch:
        paths: list[str | Path] = []
        uploads: dict[str, str] = {}  # where an upload was saved -> its name, for reports
        for index, item in enumerate(sources):
            if isinstance(item, tuple):
                name, data = item
                folder = Path(scratch) / f"{index:04d}"
                folder.mkdir()
                target = folder / (Path(name).name or "upload")
                target.write_bytes(data)
                uploads[str(target)] = name
                paths.append(target)
            else:
                paths.append(item)
        with expand(paths) as found:
            for entry in found:
                if isinstance(entry, Skipped):
                    entry.path = _as_uploaded(entry.path, uploads)
                    summary.skipped.append(str(entry))
                    say(str(entry), False)
                    continue
                shown, path = entry
                shown = _as_uploaded(shown, uploads)
                summary.files += 1
                if not _import_file(shown, path, summary, say, dry_run=dry_run, author=author):
                    summary.failed_files += 1
    if not dry_run:
        import_batches.finish_import()
    return summary


def _as_uploaded(shown: str, uploads: dict[str, str]) -> str:
    for saved, name in uploads.items():
        if shown == saved or shown.startswith(f"{saved}:"):
            return name + shown[len(saved) :]
    return shown


def _import_file(
    shown: str, path: Path, summary: ImportSummary, say: Reporter, *, dry_run: bool, author: Any
) -> bool:
    try:
        source = open_source(path, display=shown)
    except OSError as exc:
        message = _("%(path)s: cannot be read: %(error)s") % {
            "path": shown,
            "error": exc.strerror or exc,
        }
        summary.errors.append(message)
        say(message, True)
        return False
    say(_("%(path)s: encoding %(encoding)s") % {"path": shown, "encoding": source.encoding}, False)
    errors_before = len(summary.errors)
    chunk: list[Prepared | EntryError] = []
    for item in import_workers.read_prepared(source, dry_run=dry_run):
        chunk.append(item)
        if len(chunk) >= import_batches.IMPORT_BATCH:
            _import_chunk(chunk, summary, say, dry_run=dry_run, author=author)
            chunk = []
            import_workers.release_memory()
    _import_chunk(chunk, summary, say, dry_run=dry_run, author=author)
    if source.skipped_lines:
        note = _("%(path)s: %(count)d lines of site navigation skipped (no entry)") % {
            "path": shown,
            "count": source.skipped_lines,
        }
        summary.skipped.append(note)
        say(note, False)
    return len(summary.errors) == errors_before


def _import_chunk(
    chunk: list[Prepared | EntryError],
    summary: ImportSummary,
    say: Reporter,
    *,
    dry_run: bool,
    author: Any,
) -> None:
    results = import_batches.import_entries(
        (item for item in chunk if isinstance(item, Prepared)), dry_run=dry_run, author=author
    )
    for item in chunk:
        if isinstance(item, EntryError):
            summary.errors.append(str(item))
            say(f"  {item}", True)
            continue
        result: ImportResult = next(results)
        parsed = item.parsed
        if result.status == "unchanged":
            summary.unchanged += 1
        elif result.status == "updated":
            summary.updated += 1
        elif result.status == "proposed" or parsed.needs_review:
            summary.to_review += 1
        else:
            summary.published += 1
        state = _("to review") if parsed.needs_review else result.status
        say(
            "  "
            + _("line %(line)d: %(name)s (%(slug)s): %(status)s")
            % {
                "line": parsed.first_line,
                "name": result.name,
                "slug": result.slug,
                "status": state,
            },
            False,
        )
        for number, text in parsed.unparsed:
            say(
                "      "
                + _("line %(number)d kept unparsed: %(text)s") % {"number": number, "text": text},
                False,
            )
