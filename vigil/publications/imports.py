"""One import service for the shell and the back office: files in, a summary out.

``vigil documents import`` and the staff's import page (through the task worker) both call
:func:`import_documents` or, for handbook pages, :func:`import_directory`.  The summary counts
what was **published**, what waits **to review**, what was **unchanged** and the **errors**,
with one line per file; each document is written in its own transaction, so a bad file never
stops the others and nothing is ever half-written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from .importer import ImportError_, ParsedDocument, parse_text
from .services import ImportResult, import_document
from .sources import Source, SourceError, read_sources

OUTCOMES = ("published", "to_review", "unchanged", "errors")
Progress = Callable[[int], None]


@dataclass
class SummaryLine:
    name: str
    outcome: str  # one of OUTCOMES
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "outcome": self.outcome, "message": self.message}


@dataclass
class ImportSummary:
    published: int = 0
    to_review: int = 0
    unchanged: int = 0
    errors: int = 0
    lines: list[SummaryLine] = field(default_factory=list)

    def add(self, name: str, outcome: str, message: str = "", count: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + count)
        self.lines.append(SummaryLine(name, outcome, message))

    def counts(self) -> dict[str, int]:
        return {outcome: getattr(self, outcome) for outcome in OUTCOMES}


@dataclass
class DocumentOutcome:
    """What became of one file: parsed and imported, or the error that stopped it."""

    name: str
    encoding: str = ""
    parsed: ParsedDocument | None = None
    result: ImportResult | None = None
    error: str = ""

    @property
    def outcome(self) -> str:
        if self.result is None:
            return "errors"
        if self.result.status == "unchanged":
            return "unchanged"
        return "to_review" if self.result.to_review else "published"


def count_sources(paths: Iterable[str | Path]) -> int:
    """How many files an import will read (a zip counts its members), for the progress bar."""
    total = 0
    for path in paths:
        path = Path(path)
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for item in files:
            if item.suffix.lower() == ".zip":
                try:
                    import zipfile

                    with zipfile.ZipFile(item) as archive:
                        total += sum(1 for info in archive.infolist() if not info.is_dir())
                except (OSError, zipfile.BadZipFile):
                    total += 1
            elif item.is_file() or not item.exists():
                total += 1
    return total


def document_outcomes(
    paths: Iterable[str | Path], *, dry_run: bool = False
) -> Iterator[DocumentOutcome]:
    """Read, parse and import each release under ``paths``, one outcome per file."""
    for item in read_sources(paths):
        if isinstance(item, SourceError):
            yield DocumentOutcome(item.name, error=str(item))
            continue
        yield _import_source(item, dry_run=dry_run)


def parse_source(source: Source) -> ParsedDocument:
    """Parse one source; a page's menus and footers stay with the record as unparsed lines
    numbered 0 (they are not lines of the text)."""
    parsed = parse_text(source.text, source_name=source.name, encoding=source.encoding)
    parsed.unparsed.extend((0, line) for line in source.boilerplate)
    return parsed


def _import_source(source: Source, *, dry_run: bool) -> DocumentOutcome:
    outcome = DocumentOutcome(source.name, source.encoding)
    try:
        outcome.parsed = parse_source(source)
        outcome.result = import_document(outcome.parsed, dry_run=dry_run)
    except ImportError_ as exc:
        outcome.error = str(exc)
    except (ValidationError, DatabaseError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        outcome.error = _("%(name)s: could not be stored: %(error)s") % {
            "name": source.name,
            "error": " ".join(messages),
        }
    return outcome


def describe(outcome: DocumentOutcome) -> str:
    """The summary's line for one file."""
    if outcome.result is None:
        return outcome.error
    result = outcome.result
    text = f"{result.index_number} ({result.language}) {result.title}"
    if outcome.parsed is not None and outcome.parsed.unparsed:
        text += " — " + _("%(count)d lines kept unparsed") % {"count": len(outcome.parsed.unparsed)}
    return text


def import_documents(
    paths: Iterable[str | Path], *, dry_run: bool = False, progress: Progress | None = None
) -> ImportSummary:
    summary = ImportSummary()
    for done, outcome in enumerate(document_outcomes(paths, dry_run=dry_run), start=1):
        summary.add(outcome.name, outcome.outcome, describe(outcome))
        if progress is not None:
            progress(done)
    return summary


# --- the directory ---------------------------------------------------------------------------
def import_directory(
    paths: Iterable[str | Path], *, dry_run: bool = False, progress: Progress | None = None
) -> ImportSummary:
    """Handbook pages through the directory's importer (:func:`directory_import_file`); HTML,
    PDF and zip members are first turned into text here."""
    summary = ImportSummary()
    with tempfile.TemporaryDirectory(prefix="vigil-import-") as scratch:
        for done, item in enumerate(read_sources(paths), start=1):
            if isinstance(item, SourceError):
                summary.add(item.name, "errors", str(item))
            else:
                path = Path(item.name)
                if item.encoding.startswith(("html/", "pdf")) or not path.is_file():
                    path = Path(scratch) / f"{done}.txt"
                    path.write_text(item.text, encoding="utf-8")
                counts, errors = directory_import_file(path, dry_run=dry_run)
                errors = [error.replace(str(path), item.name) for error in errors]
                for outcome in ("published", "to_review", "unchanged"):
                    if counts.get(outcome):
                        summary.add(
                            item.name,
                            outcome,
                            _("%(count)d entries") % {"count": counts[outcome]},
                            count=counts[outcome],
                        )
                for error in errors:
                    summary.add(item.name, "errors", error)
            if progress is not None:
                progress(done)
    if not dry_run:
        from vigil.directory import services as directory_services

        directory_services.finish_import()
    return summary


def directory_import_file(path: Path, *, dry_run: bool) -> tuple[dict[str, int], list[str]]:
    """THE ADAPTER to the directory importer: one handbook text file in, its counts
    (published / to_review / unchanged) and error lines out.  It calls the directory's entry
    point of today (the loop of ``vigil directory import``); re-point it here when the
    directory offers one service for a source."""
    from vigil.directory import services as directory_services
    from vigil.directory.importer import EntryError, HandbookFile

    counts = {"published": 0, "to_review": 0, "unchanged": 0}
    errors: list[str] = []
    try:
        source = HandbookFile(path)
    except OSError as exc:
        return counts, [str(exc)]
    if source.binary:
        return counts, [_("this is not a text file; it was skipped")]
    prepared: list[Any] = []
    for item in directory_services.read_prepared(source, dry_run=dry_run):
        if isinstance(item, EntryError):
            errors.append(str(item))
        else:
            prepared.append(item)
    try:
        for result in directory_services.import_entries(prepared, dry_run=dry_run):
            counts["unchanged" if result.status == "unchanged" else "published"] += 1
    except (ValidationError, DatabaseError) as exc:
        errors.append(_("could not be stored: %(error)s") % {"error": exc})
    return counts, errors


IMPORTERS: dict[str, Callable[..., ImportSummary]] = {
    "documents": import_documents,
    "directory": import_directory,
}
