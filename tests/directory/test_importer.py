"""The handbook importer: seed 000 as issue 3 describes it, encodings, errors, re-imports, size."""

from __future__ import annotations

import datetime
import gc
import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.directory.factories import index_rows
from vigil.directory import demo, editions, import_batches, search
from vigil.directory.import_writes import import_entry, unique_slug
from vigil.directory.importer import (
    EntryError,
    HandbookFile,
    ParsedEntry,
    detect_encoding,
    parse_date,
    parse_text,
)
from vigil.directory.models import (
    Channel,
    Contact,
    ImportProposal,
    Office,
    Organisation,
    Publication,
    Revision,
)
from vigil.directory.snapshots import snapshot
from vigil.partners import demo as partners_demo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_reports")]


#: Entries imported together in the memory test (the command's batch, made smaller).
INDEX_BATCH = 100
SEED = Path(settings.BASE_DIR) / "seeds" / "000_1dc073592e07a6d7.txt"
FIXTURES = Path(__file__).parent / "fixtures"


def parse_seed() -> ParsedEntry:
    items = list(HandbookFile(SEED))
    assert len(items) == 1
    entry = items[0]
    assert isinstance(entry, ParsedEntry)
    return entry


def run(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("directory", *args, stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return out.getvalue(), err.getvalue(), code


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Office, Contact, Channel, Publication, Revision)
    }


# --- seed 000 -------------------------------------------------------------------------------
def test_seed_000_comes_out_as_issue_3_says() -> None:
    result = import_entry(parse_seed())
    assert result.status == "created"
    org = Organisation.objects.get()
    assert org.name_en == "Amnesty International - Russia"
    assert org.slug == "amnesty-international-russia"
    assert org.import_key == "amnesty international - russia"
    assert org.source_encoding == "utf-8"
    assert org.original_text == SEED.read_text(encoding="utf-8").strip()

    main, spb, info = org.offices.all()
    assert (main.label, main.city, main.postal_code) == ("", "Moscow", "121019")
    assert main.street_lines == ["G-19"]
    assert main.po_box == "212"
    phone, fax, email = main.channels.all()
    assert (phone.kind, phone.value, phone.normalised) == ("phone", "095-291-29-04", "+70952912904")
    assert (fax.kind, fax.value, fax.normalised) == ("fax", "095-291-29-04", "+70952912904")
    assert (email.kind, email.value, email.normalised, email.withheld) == ("email", "", "", True)
    assert not Channel.objects.filter(value__icontains="protected").exists()

    assert (spb.label, spb.city) == ("In St. Petersburg", "St. Petersburg")
    assert [(c.kind, c.value, c.normalised) for c in spb.channels.all()] == [
        ("phone", "812-247-40-46", "+78122474046")
    ]
    assert (info.label, info.city, info.postal_code, info.po_box) == (
        "Moscow Information Office",
        "Moscow",
        "121019",
        "212",
    )
    assert [(c.kind, c.value, c.normalised, c.withheld) for c in info.channels.all()] == [
        ("phone", "095-291-2904", "+70952912904", False),
        ("fax", "095-291-2904", "+70952912904", False),
        ("email", "", "", True),
    ]

    contacts = [(c.name, c.role, c.office) for c in org.contacts.all()]
    assert contacts == [
        ("Boris Suvorov", "Contact", main),
        ("Asya Lashizeva", "Contact", main),
        ("Anatoly Chezlov", "Contact", spb),
        ("Eric Klazerstein", "Coordinator", info),
    ]

    assert org.mission.startswith("Amnesty International is a non-profit")
    assert "works for" in org.mission
    assert org.history.startswith("The first attempts to set up Amnesty International groups")
    assert "5-15 members" in org.history
    assert org.activities.startswith("AI's main technique in human rights advocacy")
    assert org.membership == ""

    (bulletin,) = org.publications.all()
    assert bulletin.title == "Amnesty International Bulletin"
    assert bulletin.frequency == "Monthly"
    assert bulletin.language == "Russian"
    assert bulletin.description.startswith("Monthly bulletin of information")
    assert "translated into Russian in Moscow" in bulletin.description
    assert "International Secretariat in London" in bulletin.prepared_by
    assert "translated into Russian in Moscow" in bulletin.prepared_by

    assert org.attribution == (
        "This organizational description was sent to CCSI from Colleen F. Halley."
    )
    assert "The Post-Soviet Handbook" in org.source
    assert org.sponsor == "Center for Civil Society International"
    assert org.source_url == "http://www.friends-partners.org/~ccsi/"
    assert org.last_updated == datetime.date(1996, 3, 1)
    assert sorted(org.regions.values_list("slug", flat=True)) == ["moscow", "nis", "russia-west"]
    assert org.unparsed_lines == []
    assert list(org.revisions.values_list("summary", flat=True)) == ["import"]


def _flat_strings(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in _flat_strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _flat_strings(value)]
    return [data] if isinstance(data, str) else []


def test_every_line_of_seed_000_is_accounted_for() -> None:
    entry = parse_seed()
    import_entry(entry)
    org = Organisation.objects.get()
    stored = snapshot(org)
    texts = _flat_strings(stored)
    region_names = {
        name for region in org.regions.all() for name in region.source_names
    }  # what the "Return to" lines name
    checked = 0
    for number, line in enumerate(SEED.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        checked += 1
        assert number in entry.trace, f"line {number} went nowhere: {line!r}"
        if line in org.unparsed_lines:
            continue
        payload = line.split(":", 1)[1].strip() if ":" in line else line
        if line.startswith("E-mail:") and "protected" in line:
            office = org.offices.all()[int(entry.trace[number].split("[")[1][0])]
            assert office.channels.filter(kind="email", withheld=True, value="").exists()
        elif line.startswith("Return to the "):
            name = line.removeprefix("Return to the ").removesuffix(" Page.")
            assert name in region_names, line
        elif line.startswith("Last updated:"):
            assert org.last_updated == parse_date(payload)
        elif line.startswith("This section is accessible"):
            assert org.source_url in line
        elif line in ("Publications:", "Sponsored by:"):
            assert org.publications.exists() if line == "Publications:" else org.sponsor
        elif line.endswith(":"):  # a branch heading: "In St. Petersburg:"
            assert line.rstrip(":") in texts
        elif line.startswith("PO Box"):
            assert any(payload == "" or line.endswith(t) for t in texts if t), line
            assert org.offices.filter(po_box=line.removeprefix("PO Box ").strip()).exists()
        elif line[:6].isdigit():  # "121019 Moscow"
            code, city = line.split(" ", 1)
            assert org.offices.filter(postal_code=code, city=city).exists()
        else:
            assert any(line in t for t in texts) or any(payload == t for t in texts), line
    assert checked == len(entry.trace) == 34


def test_import_report_lists_unparsed_lines_with_numbers(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_text(
        "Odd Group\n\n190000 St. Petersburg\nNevsky pr. 1\nTel. 812-111-22-33\n"
        "Russia\n\nSponsored by:\nSomebody\nReturn to the Atlantis Organizations Page.\n"
        "Last updated: Spring 1996\n",
        encoding="utf-8",
    )
    out, err, code = run("import", str(path))
    assert code == 0, err
    assert "encoding utf-8" in out
    assert "line 6" in out and ": Russia" in out
    # A link back to an unknown region page is navigation: kept in the source text only.
    assert "Return to the Atlantis Organizations Page." not in out
    assert "line 11" in out and "Last updated: Spring 1996" in out
    org = Organisation.objects.get()
    assert org.unparsed_lines == [
        "Russia",
        "Last updated: Spring 1996",
    ]
    assert "Return to the Atlantis Organizations Page." in org.original_text
    assert org.offices.get().channels.get().normalised == "+78121112233"


# --- re-import, dry run ---------------------------------------------------------------------
def test_reimport_is_unchanged_and_duplicates_nothing() -> None:
    first = import_entry(parse_seed())
    before = counts()
    second = import_entry(parse_seed())
    assert (first.status, second.status) == ("created", "unchanged")
    assert second.diff == {}
    assert counts() == before
    out, _err, code = run("import", str(SEED))
    assert code == 0
    assert "unchanged" in out
    assert counts() == before


def test_another_edition_is_proposed_and_never_written_over() -> None:
    import_entry(parse_seed())
    text = SEED.read_text(encoding="utf-8").replace("812-247-40-46", "812-000-00-01")
    changed = parse_text(text)
    dry = import_entry(changed, dry_run=True)
    assert dry.status == "proposed"
    assert dry.diff["offices[1].channels[1].value"] == (None, "812-000-00-01")
    assert not ImportProposal.objects.exists()
    result = import_entry(changed)
    assert result.status == "proposed" and result.diff == dry.diff
    assert Organisation.objects.count() == 1
    assert Channel.objects.filter(value="812-247-40-46").exists()
    assert not Channel.objects.filter(value="812-000-00-01").exists()
    assert import_entry(changed).status == "unchanged"  # already proposed
    editions.accept(ImportProposal.objects.get(), reviewer=None)
    # Both editions' phones and both source texts are kept.
    assert Channel.objects.filter(value="812-247-40-46").exists()
    assert Channel.objects.filter(value="812-000-00-01").exists()
    assert Organisation.objects.get().original_text.count("Amnesty International - Russia") == 2
    assert ImportProposal.objects.get().status == "accepted"
    assert Revision.objects.count() == 2
    assert import_entry(changed).status == "unchanged"


def test_reimport_keeps_what_editors_did() -> None:
    import_entry(parse_seed())
    org = Organisation.objects.get()
    org.name_ru = "Международная амнистия - Россия"
    org.save()
    org.contacts.filter(name="Asya Lashizeva").update(is_published=False)
    assert import_entry(parse_seed()).status == "unchanged"
    org.refresh_from_db()
    assert org.name_ru == "Международная амнистия - Россия"
    assert not org.contacts.get(name="Asya Lashizeva").is_published


def test_dry_run_writes_nothing() -> None:
    out, _err, code = run("import", "--dry-run", str(SEED))
    assert code == 0
    assert "would be created" in out
    assert "offices[0].postal_code: None → '121019'" in out
    assert "dry run" in out
    assert counts() == dict.fromkeys(counts(), 0)
    import_entry(parse_seed())
    before = counts()
    out, _err, _code = run("import", "--dry-run", str(SEED))
    assert "unchanged" in out
    assert counts() == before


# --- encodings ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("memorial_utf8.txt", "utf-8"),
        ("memorial_cp1251.txt", "cp1251"),
        ("memorial_koi8r.txt", "koi8-r"),
    ],
)
def test_cyrillic_entry_in_each_encoding(name: str, encoding: str) -> None:
    out, err, code = run("import", str(FIXTURES / name))
    assert code == 0, err
    assert f"encoding {encoding}" in out
    org = Organisation.objects.get()
    assert (org.name_ru, org.name_en) == ("Мемориал", "Memorial")
    assert org.source_encoding == encoding
    assert org.slug == "memorial"
    main, spb = org.offices.all()
    assert (main.postal_code, main.city) == ("103051", "Москва")
    assert main.street_lines == ["Малый Каретный пер., 12"]
    assert [(c.kind, c.value, c.normalised) for c in main.channels.all()] == [
        ("phone", "(095) 299-11-80", "+70952991180"),
        ("fax", "095-973-20-94", "+70959732094"),
        ("email", "memorial@glas.apc.org", "memorial@glas.apc.org"),
    ]
    assert (spb.label, spb.city) == ("В Санкт-Петербурге", "Санкт-Петербург")
    assert spb.channels.get().normalised == "+78122332477"
    assert [(c.name, c.role, c.office) for c in org.contacts.all()] == [
        ("Арсений Рогинский", "Контакт", main),
        ("Елена Жемкова", "Директор", main),
        ("Вениамин Иофе", "Координатор", spb),
    ]
    assert "работает для восстановления" in org.mission
    assert "создано в 1988 году" in org.history
    publication = org.publications.get()
    assert (publication.frequency, publication.language) == ("Ежемесячный", "русский")
    assert org.last_updated == datetime.date(1996, 4, 1)
    assert list(org.regions.values_list("slug", flat=True)) == ["moscow"]
    assert org.unparsed_lines == []


def test_same_entry_in_three_encodings_is_one_organisation() -> None:
    for name in ("memorial_utf8.txt", "memorial_cp1251.txt", "memorial_koi8r.txt"):
        run("import", str(FIXTURES / name))
    # The same text in another encoding is the same edition: nothing changes, nothing proposed.
    assert Organisation.objects.count() == 1
    assert Organisation.objects.get().source_encoding == "utf-8"
    assert not ImportProposal.objects.exists()


def test_detect_encoding() -> None:
    text = "Правозащитный центр, Тел.: 123-45-67, председатель совета"
    assert detect_encoding(text.encode("cp1251")) == "cp1251"
    assert detect_encoding(text.encode("koi8-r")) == "koi8-r"
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(b"plain ascii") == "utf-8"
    assert detect_encoding(text.encode("utf-8")[:-1]) == "utf-8"  # cut mid-character


# --- label variants, several entries --------------------------------------------------------
VARIANTS = """Helsinki Group
\f
=====
Moscow Helsinki Group

103982 Moscow
Luchnikov per. 4
Tel. 095-206-08-23
Phone: +7 (095) 925-78-42
Tel/Fax: 8-095-207-60-69
Email: mhg@glas.apc.org, info@mhg.ru
Web: http://www.mhg.ru
Director: Lyudmila Alexeyeva
Executive Director: Nikolai Khramov
Tel: 095-111-11-11

Membership: about 40 members in Moscow and 20 regional partners.

Last updated: 12/1997
Kiev Memorial
01001 Kyiv
Тел.: 044-224-44-44
Last updated: January 1998
"""


def test_label_variants_and_entry_separators(tmp_path: Path) -> None:
    path = tmp_path / "variants.txt"
    path.write_text(VARIANTS, encoding="utf-8")
    items = list(HandbookFile(path))
    assert [type(i).__name__ for i in items] == ["ParsedEntry"] * 3
    first, mhg, kiev = (i for i in items if isinstance(i, ParsedEntry))
    assert first.name == "Helsinki Group" and first.first_line == 1
    assert mhg.first_line == 4 and mhg.name == "Moscow Helsinki Group"
    (office,) = mhg.offices
    assert [(c.kind, c.value, c.normalised) for c in office.channels] == [
        ("phone", "095-206-08-23", "+70952060823"),
        ("phone", "+7 (095) 925-78-42", "+70959257842"),
        ("phone", "8-095-207-60-69", "+70952076069"),
        ("fax", "8-095-207-60-69", "+70952076069"),
        ("email", "mhg@glas.apc.org", "mhg@glas.apc.org"),
        ("email", "info@mhg.ru", "info@mhg.ru"),
        ("web", "http://www.mhg.ru", "http://www.mhg.ru"),
    ]
    assert [(c.name, c.role, [ch.value for ch in c.channels]) for c in mhg.contacts] == [
        ("Lyudmila Alexeyeva", "Director", []),
        ("Nikolai Khramov", "Executive Director", ["095-111-11-11"]),
    ]
    assert mhg.membership.startswith("Membership: about 40 members")
    assert mhg.last_updated == datetime.date(1997, 12, 1)
    # Not Russian (no Russian region or city): digits only, no +7.
    assert kiev.offices[0].channels[0].normalised == "0442244444"
    assert kiev.offices[0].postal_code == "01001"  # a Ukrainian postcode (five digits)
    assert kiev.offices[0].city == "Kyiv" and kiev.offices[0].street_lines == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 1996", datetime.date(1996, 3, 1)),
        ("Mar. 1996", datetime.date(1996, 3, 1)),
        ("март 1996", datetime.date(1996, 3, 1)),
        ("12 марта 1996 г.", datetime.date(1996, 3, 1)),
        ("03/1996", datetime.date(1996, 3, 1)),
        ("1996-03-14", datetime.date(1996, 3, 1)),
        ("Spring 1996", None),
    ],
)
def test_parse_date(text: str, expected: datetime.date | None) -> None:
    assert parse_date(text) == expected


def test_transliteration_for_slugs() -> None:
    assert unique_slug("Мемориал") == "memorial"
    assert unique_slug("Щит и Меч") == "shchit-i-mech"


# --- errors ---------------------------------------------------------------------------------
def test_empty_and_malformed_files_are_reported_and_the_others_import() -> None:
    files = [
        FIXTURES / "empty.txt",
        FIXTURES / "garbage.bin",
        FIXTURES / "no_name.txt",
        SEED,
    ]
    out, err, code = run("import", *map(str, files))
    assert code == 1
    assert f"{FIXTURES / 'empty.txt'}, line 1: the file is empty" in err
    assert f"{FIXTURES / 'garbage.bin'}, line 1: binary data" in err
    # An entry without a name but with a phone and a contact is a draft to review.
    assert "Unnamed entry (line 1)" in out
    assert "2 of 4 files had errors" in err
    assert "amnesty-international-russia" in out
    assert Organisation.objects.get(is_published=True).name_en == "Amnesty International - Russia"
    assert Organisation.objects.get(is_published=False).name_en == "Unnamed entry (line 1)"


def test_bad_entry_in_a_file_does_not_stop_the_next_entry(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text(
        "* * *\nLast updated: May 1997\n\nGood Group\n121019 Moscow\nLast updated: May 1997\n",
        encoding="utf-8",
    )
    out, err, code = run("import", str(path))
    assert code == 1
    assert f"{path}, line 1: the entry has no name line" in err
    assert "2 entries found: 1 published" in out
    assert Organisation.objects.get().name_en == "Good Group"


def test_missing_file_is_reported(tmp_path: Path) -> None:
    _out, err, code = run("import", str(tmp_path / "nope.txt"), str(SEED))
    assert code == 1
    assert "nope.txt: cannot be read" in err
    assert Organisation.objects.count() == 1


def test_invalid_bytes_for_the_detected_encoding(tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    lines = [f"Group {i}\nTel: 095-000-00-{i:02d}\nLast updated: May 1997\n" for i in range(3000)]
    path.write_bytes("".join(lines).encode() + b"Bad \xff\xfe entry\nLast updated: May 1997\n")
    items = list(HandbookFile(path))
    errors = [i for i in items if isinstance(i, EntryError)]
    assert len(items) == 3001
    assert len(errors) == 1 and errors[0].line == 9001
    assert "not valid utf-8" in str(errors[0])


# --- size -----------------------------------------------------------------------------------
ENTRY = """Organisation number {i}

{code} Moscow
ul. Tverskaya {i}
Tel: 095-{a:03d}-{b:02d}-{c:02d}
E-mail: org{i}@example.org

Contact: Person Number{i}

The organisation number {i} works for the rights of prisoners and their families
in Moscow and the regions, since 1989.

Return to the Moscow Organizations Page.
Last updated: March 1996
=====
"""


class Discard(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def _write_big(path: Path, count: int) -> None:
    with path.open("w", encoding="cp1251") as handle:
        for i in range(count):
            handle.write(
                ENTRY.format(i=i, code=100000 + i, a=i % 1000, b=i % 100, c=(i // 100) % 100)
            )


def _peak(path: Path, *, db: bool) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        if db:
            call_command("directory", "import", str(path), stdout=Discard(), stderr=Discard())
        else:
            for item in HandbookFile(path):
                assert isinstance(item, ParsedEntry)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_large_file_streams_with_flat_memory(tmp_path: Path) -> None:
    """Reading 5,000 entries peaks no higher than reading 1,000: one entry at a time."""
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    _write_big(small, 1000)
    _write_big(large, 5000)
    assert large.stat().st_size > 1_000_000
    parse_small, parse_large = _peak(small, db=False), _peak(large, db=False)
    assert parse_large < parse_small * 1.2 + 50_000, (parse_small, parse_large)
    assert parse_large < 1_000_000


def test_large_import_has_flat_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command (parse, write, revisions, report) on 5x the entries: the same peak.

    Smaller counts than the parse test: the database writes take a few ms an entry here.  The
    search index is left out: its word caches fill up to their bounds as new words arrive.
    """
    monkeypatch.setattr(search, "index_organisations", lambda pks, model=None: None)
    monkeypatch.setattr(search, "write_documents", lambda rows, new=False: None)
    monkeypatch.setattr(import_batches, "IMPORT_BATCH", INDEX_BATCH)
    warm, small, large = tmp_path / "warm.txt", tmp_path / "small.txt", tmp_path / "large.txt"
    _write_big(warm, 20)
    _write_big(small, INDEX_BATCH)
    _write_big(large, 5 * INDEX_BATCH)
    _peak(warm, db=True)  # first-use caches (SQL compiler, statement cache) out of the way
    Organisation.objects.all().delete()
    import_small = _peak(small, db=True)
    Organisation.objects.all().delete()
    import_large = _peak(large, db=True)
    assert Organisation.objects.count() == 5 * INDEX_BATCH
    # Keeping what was read (~5 kB an entry) would add more than 2 MB here; a batch of
    # INDEX_BATCH entries (their parsed form, rows and revisions) is in hand at a time.
    assert import_large < import_small * 1.5 + 500_000, (import_small, import_large)
    assert import_large < 4_000_000, import_large


# --- demo -----------------------------------------------------------------------------------
def test_demo_loads_seed_000_once() -> None:
    lines = list(demo.load())
    assert lines == [
        "Directory: Amnesty International - Russia (created) at "
        "/directory/amnesty-international-russia/"
    ]
    before = counts()
    assert "(unchanged)" in next(iter(demo.load()))
    assert counts() == before
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    # The seed's entry once, and the partners demo's two invented partner organisations.
    assert counts()["Organisation"] == 1 + len(partners_demo.PARTNER_ENTRIES)


# --- the batched import writes what one-by-one import writes ------------------------------------
def test_batched_import_matches_entry_by_entry_import(tmp_path: Path) -> None:
    """Seed 000 and the Memorial fixture in one file, Memorial repeated with a change (an
    update within the batch): a new entry's revision is the entry as stored, and its index row
    and card are what indexing the stored entry builds."""
    memorial_text = (FIXTURES / "memorial_utf8.txt").read_text(encoding="utf-8")
    path = tmp_path / "three.txt"
    path.write_text(
        "\n=====\n".join(
            [
                SEED.read_text(encoding="utf-8"),
                memorial_text,
                memorial_text.replace("Ежемесячный", "Еженедельный"),
            ]
        ),
        encoding="utf-8",
    )
    out, err, code = run("import", str(path))
    assert code == 0, err
    assert "2 published, 1 to review" in out, out
    amnesty = Organisation.objects.get(name_en="Amnesty International - Russia")
    memorial = Organisation.objects.get(name_ru="Мемориал")
    # The changed edition is proposed, not written: the entry keeps its text until staff accept.
    assert memorial.publications.get().description.startswith("Ежемесячный")
    (proposal,) = memorial.import_proposals.all()
    assert proposal.diff["publications[0].description"][1].startswith("Еженедельный")
    [revision] = amnesty.revisions.all()
    assert revision.snapshot == snapshot(amnesty)
    assert [r.summary for r in memorial.revisions.order_by("pk")] == ["import"]
    for organisation in (amnesty, memorial):
        written = index_rows(organisation.pk)
        search.index_organisations([organisation.pk])
        assert index_rows(organisation.pk) == written
    # The card holds what a result may show: names, city, published people, no withheld mail.
    card = index_rows(amnesty.pk)[1]
    assert card["slug"] == amnesty.slug and card["city"] == "Moscow"
    assert ["Boris Suvorov", "Contact"] in card["contacts"]
    assert "protected" not in json.dumps(card)
