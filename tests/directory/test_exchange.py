"""CSV and JSON export and import: every field survives export → wipe → import → export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from vigil.directory import exchange
from vigil.directory.import_writes import import_entry
from vigil.directory.importer import HandbookFile, ParsedEntry
from vigil.directory.models import Channel, Organisation, Topic
from vigil.directory.snapshots import snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_reports")]

SEED = Path(settings.BASE_DIR) / "seeds" / "000_1dc073592e07a6d7.txt"
FIXTURES = Path(__file__).parent / "fixtures"


def load(path: Path) -> None:
    for item in HandbookFile(path):
        assert isinstance(item, ParsedEntry)
        import_entry(item)


@pytest.fixture
def entries() -> None:
    """Seed 000 and Memorial, with everything an editor may add on top of an import."""
    load(SEED)
    load(FIXTURES / "memorial_koi8r.txt")
    amnesty = Organisation.objects.get(slug="amnesty-international-russia")
    amnesty.name_ru = "Международная амнистия — Россия"
    amnesty.aliases = ["AI Russia", 'Amnesty; "Russia"']
    amnesty.former_names = ["AI Moscow, groups"]
    amnesty.verified_at = timezone.now()
    amnesty.unparsed_lines = ['a line, with "quotes"\nand a newline']
    amnesty.save()
    topic = Topic.objects.create(slug="prisoners", name_en="Prisoners", name_ru="Узники")
    amnesty.topics.add(topic)
    amnesty.contacts.filter(name="Asya Lashizeva").update(is_published=False)
    memorial = Organisation.objects.get(slug="memorial")
    memorial.is_published = False
    memorial.save()
    Channel.objects.create(contact=memorial.contacts.first(), kind="email", value="A@B.org",
                           normalised="a@b.org")  # fmt: skip


def export(fmt: str, *extra: str) -> str:
    out = io.StringIO()
    call_command("directory", "export", "--format", fmt, *extra, stdout=out)
    return out.getvalue()


def test_snapshot_keys_are_the_csv_columns(entries: None) -> None:
    record = exchange.entry_record(Organisation.objects.get(slug="memorial"))
    assert sorted(record) == sorted(exchange.COLUMNS)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_round_trip(entries: None, fmt: str, tmp_path: Path) -> None:
    first = export(fmt)
    before = {o.slug: snapshot(o) for o in Organisation.objects.all()}
    originals = dict(Organisation.objects.values_list("slug", "original_text"))
    path = tmp_path / f"directory.{fmt}"
    path.write_text(first, encoding="utf-8")

    Organisation.objects.all().delete()
    out = io.StringIO()
    call_command("directory", "import-data", str(path), stdout=out)
    assert "2 created" in out.getvalue()

    assert export(fmt) == first
    assert {o.slug: snapshot(o) for o in Organisation.objects.all()} == before
    assert dict(Organisation.objects.values_list("slug", "original_text")) == originals
    amnesty = Organisation.objects.get(slug="amnesty-international-russia")
    assert amnesty.contacts.get(name="Eric Klazerstein").office == amnesty.offices.get(
        label="Moscow Information Office"
    )
    assert amnesty.offices.all()[0].channels.filter(withheld=True, value="").exists()

    out = io.StringIO()
    call_command("directory", "import-data", str(path), stdout=out)
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_json_shape(entries: None) -> None:
    data = json.loads(export("json"))
    assert [d["slug"] for d in data] == ["amnesty-international-russia", "memorial"]
    amnesty = data[0]
    assert amnesty["name_en"] == "Amnesty International - Russia"
    assert amnesty["last_updated"] == "1996-03-01"
    assert amnesty["topics"] == ["prisoners"]
    assert amnesty["offices"][0]["channels"][0] == {
        "kind": "phone", "value": "095-291-29-04", "normalised": "+70952912904", "withheld": False,
        "note": "",
    }  # fmt: skip
    assert amnesty["contacts"][3] == {
        "name": "Eric Klazerstein", "role": "Coordinator", "is_published": True, "position": 3,
        "office": 2, "channels": [],
    }  # fmt: skip


def test_csv_shape(entries: None) -> None:
    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    assert len(rows) == 2
    assert list(rows[0]) == exchange.COLUMNS
    assert rows[0]["is_published"] == "true" and rows[1]["is_published"] == "false"
    assert rows[1]["verified_at"] == ""
    assert json.loads(rows[0]["regions"]) == ["moscow", "nis", "russia-west"]
    assert json.loads(rows[0]["publications"])[0]["frequency"] == "Monthly"


def test_export_by_region_includes_sub_regions(entries: None, tmp_path: Path) -> None:
    assert [d["slug"] for d in json.loads(export("json", "--region", "russia"))] == [
        "amnesty-international-russia",
        "memorial",
    ]
    assert json.loads(export("json", "--region", "ukraine")) == []
    target = tmp_path / "moscow.csv"
    call_command(
        "directory", "export", "--format", "csv", "--region", "moscow", "-o", str(target),
        stderr=io.StringIO(),
    )  # fmt: skip
    assert len(list(csv.DictReader(target.open(encoding="utf-8")))) == 2
    with pytest.raises(CommandError, match="atlantis"):
        export("json", "--region", "atlantis")


def test_import_data_dry_run_and_update(entries: None, tmp_path: Path) -> None:
    data = json.loads(export("json"))
    data[1]["mission"] = "Changed."
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("directory", "import-data", "--dry-run", str(path), stdout=out)
    assert "memorial" in out.getvalue() and "would be updated" in out.getvalue()
    assert "mission:" in out.getvalue()
    assert Organisation.objects.get(slug="memorial").mission != "Changed."
    call_command("directory", "import-data", str(path), stdout=io.StringIO())
    assert Organisation.objects.get(slug="memorial").mission == "Changed."
    assert Organisation.objects.get(slug="memorial").revisions.all()[0].summary == "import-data"


def test_import_data_errors_name_file_and_line(entries: None, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"slug": "x",\n', encoding="utf-8")
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text('slug,offices\nsome-org,"[not json"\n', encoding="utf-8")
    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello", encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(export("json"), encoding="utf-8")
    Organisation.objects.all().delete()
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "directory", "import-data", str(broken), str(bad_csv), str(wrong), str(good),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert raised.value.returncode == 1
    assert f"{broken}, line 3:" in err.getvalue()
    assert f"{bad_csv}, line 2: a list column is not valid JSON" in err.getvalue()
    assert f"{wrong}, line 1: the file name must end in .csv or .json" in err.getvalue()
    assert Organisation.objects.count() == 2
