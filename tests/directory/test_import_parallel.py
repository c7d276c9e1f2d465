"""The fast import path: worker processes, rows written without model instances, cheap words.

Whatever the path, the database must end up the same: the same entries, revisions, index rows
and cards, the same report, in file order.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.directory.factories import index_rows
from vigil.directory import import_batches, import_workers, search
from vigil.directory.importer import HandbookFile
from vigil.directory.models import Channel, ImportProposal, Organisation, Publication, Revision
from vigil.directory.snapshots import snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_reports")]

SEED = Path(settings.BASE_DIR) / "seeds" / "000_1dc073592e07a6d7.txt"
FIXTURES = Path(__file__).parent / "fixtures"

GENERATED = """Общество защиты прав №{i}

1{i:05d} Москва
ул. Ленина, {i}
Тел.: 095-{a:03d}-{b:02d}-{c:02d}
Эл. почта: org{i}@glas.apc.org

Контакт: Анна Соколова

В Санкт-Петербурге:
Тел.: (812) 555-{b:02d}-{c:02d}
Координатор: Борис Орлов

Общество работает для защиты прав человека; проводит семинары и мониторинг с {year} года.

Return to the Moscow Organizations Page.
Return to the NIS Organizations Home Page.

Last updated: March 1996
"""


def _file(path: Path) -> Path:
    memorial = (FIXTURES / "memorial_utf8.txt").read_text(encoding="utf-8")
    parts = [SEED.read_text(encoding="utf-8"), memorial, "-----\n* * *"]
    parts += [
        GENERATED.format(i=i, a=i % 1000, b=i % 100, c=(i // 7) % 100, year=1980 + i % 20)
        for i in range(120)
    ]
    # The same entry again, changed: an update after its creation in an earlier batch.
    parts.append(memorial.replace("Ежемесячный", "Еженедельный"))
    path.write_text("\n=====\n".join(parts), encoding="utf-8")
    return path


def _import(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("directory", "import", str(path), *args, stdout=out, stderr=err)
    except Exception as exc:  # the command's error for a file with a bad entry
        err.write(f"{type(exc).__name__}: {exc}")
    return out.getvalue(), err.getvalue()


def _state() -> dict[str, Any]:
    """Everything the import wrote, by slug, without primary keys."""
    state = {}
    for org in Organisation.objects.order_by("slug"):
        state[org.slug] = {
            "snapshot": snapshot(org),
            "original_text": org.original_text,
            "revisions": [(r.summary, r.snapshot) for r in org.revisions.order_by("pk")],
            "index": index_rows(org.pk),
        }
    return state


def _clear() -> None:
    search.remove(Organisation.objects.values_list("pk", flat=True))
    Organisation.objects.all().delete()


def test_worker_processes_write_what_one_process_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one processor: the import runs without worker processes")
    path = _file(tmp_path / "entries.txt")
    monkeypatch.setattr(import_batches, "IMPORT_BATCH", 50)
    monkeypatch.setattr(import_workers, "WORKER_CHUNK", 7)

    monkeypatch.setattr(import_workers, "PARALLEL_BYTES", 10**12)
    assert import_workers.worker_count(HandbookFile(path)) == 0
    dry_out, dry_err = _import(path, "--dry-run")
    assert Organisation.objects.count() == 0
    one_out, one_err = _import(path)
    one = _state()
    _clear()

    monkeypatch.setattr(import_workers, "PARALLEL_BYTES", 0)
    assert import_workers.worker_count(HandbookFile(path)) >= 2
    assert _import(path, "--dry-run") == (dry_out, dry_err)
    assert Organisation.objects.count() == 0
    many_out, many_err = _import(path)
    many = _state()

    assert "122 published, 1 to review" in one_out, one_out
    assert "entry has no name line" in one_err
    assert (many_out, many_err) == (one_out, one_err)
    assert many == one
    assert len(many) == 122
    # Every new entry's index row and card are what indexing the stored entry builds, its
    # revision is the entry as stored, and nothing is written twice.
    for org in Organisation.objects.all():
        written = index_rows(org.pk)
        search.index_organisations([org.pk])
        assert index_rows(org.pk) == written, org.slug
    seed = Organisation.objects.get(slug="amnesty-international-russia")
    assert seed.revisions.get().snapshot == snapshot(seed)
    assert Revision.objects.count() == 122  # the repeated entry is proposed, not written
    assert ImportProposal.objects.count() == 1
    entry = Organisation.objects.get(name_ru="Общество защиты прав №17")
    main, branch = entry.offices.order_by("position")
    assert (main.postal_code, branch.label, branch.city) == (
        "100017",
        "В Санкт-Петербурге",
        "Санкт-Петербург",
    )
    assert [(c.name, c.office_id) for c in entry.contacts.order_by("position")] == [
        ("Анна Соколова", main.pk),
        ("Борис Орлов", branch.pk),
    ]
    assert Channel.objects.filter(office=main, normalised="+70950171702").exists()
    # The changed repeat is a proposal: the entry keeps its first edition.
    assert not Publication.objects.filter(description__startswith="Еженедельный").exists()


def test_search_works_straight_after_a_parallel_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one processor: the import runs without worker processes")
    monkeypatch.setattr(import_workers, "PARALLEL_BYTES", 0)
    _import(_file(tmp_path / "entries.txt"))
    assert Organisation.objects.count() == 122
    # A name, a person, a transliterated person, a phone in another form, the second city.
    for query, slug in [
        ("Общество защиты прав №17", "obshchestvo-zashchity-prav-no17"),
        ("Соколова", None),
        ("Sokolova", None),
        ("+7 095 017 17 02", "obshchestvo-zashchity-prav-no17"),
        ("Санкт-Петербург", None),
        ("Suvorov", "amnesty-international-russia"),
    ]:
        hits = {hit.slug for hit in search.search(query, per_page=100).hits}
        assert hits, query
        assert slug is None or slug in hits, (query, hits)
