"""Directory pages, in Russian and English: regions, an organisation, JSON-LD, exports."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.utils import timezone

from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.directory.models import Contact, Organisation

from .factories import UNPARSED, region_tree, seed_000

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _region_tree(db: Any) -> None:
    region_tree()


PAGE = "/directory/amnesty-international-russia/"
EN_PAGE = "/en" + PAGE


@pytest.fixture
def entry() -> Organisation:
    return seed_000()


def text_of(response: Any) -> str:
    """The page's visible text, tags removed, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def breadcrumb_names(response: Any) -> list[str]:
    html = response.content.decode()
    nav = re.search(r'<nav aria-label="breadcrumb"[^>]*>\s*<ol>(.*?)</ol>', html, re.S)
    assert nav, "no breadcrumb"
    return [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", item))).strip()
        for item in re.findall(r"<li>(.*?)</li>", nav.group(1), re.S)
    ]


def json_ld(response: Any) -> dict[str, Any]:
    html = response.content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data: dict[str, Any] = json.loads(blocks[0])
    return data


# --- regions -------------------------------------------------------------------------------
def test_directory_index_lists_the_top_of_the_tree(client: Any) -> None:
    ru = client.get("/directory/")
    assert ru.status_code == 200 and ru["Content-Language"] == "ru"
    assert "Новые независимые государства" in text_of(ru)
    en = client.get("/en/directory/")
    assert en.status_code == 200 and "Newly Independent States (NIS)" in text_of(en)


def test_region_page_breadcrumbs_children_and_organisations(client: Any, entry: Any) -> None:
    en = client.get("/en/directory/region/moscow/")
    assert en.status_code == 200
    assert breadcrumb_names(en) == [
        "Directory",
        "Newly Independent States (NIS)",
        "Russia",
        "Russia west of the Urals",
        "Moscow",
    ]
    assert '<span aria-current="page">Moscow</span>' in en.content.decode()
    assert "Amnesty International - Russia" in text_of(en)

    ru = client.get("/directory/region/moscow/")
    assert breadcrumb_names(ru)[1:] == [
        "Новые независимые государства",
        "Россия",
        "Россия к западу от Урала",
        "Москва",
    ]
    assert "Амнистия Интернэшнл — Россия" in text_of(ru)
    assert "март 1996" in text_of(ru)


def test_region_lists_descendants_entries_and_children(client: Any, entry: Any) -> None:
    entry.regions.set(entry.regions.filter(slug="moscow"))
    russia = client.get("/en/directory/region/russia/")
    assert "Amnesty International - Russia" in text_of(russia)
    assert 'href="/en/directory/region/russia-west/"' in russia.content.decode()
    assert "Amnesty" not in text_of(client.get("/en/directory/region/ukraine/"))
    assert client.get("/en/directory/region/atlantis/").status_code == 404


def test_region_paginates_by_fifty(client: Any) -> None:
    from vigil.directory.models import Region

    moscow = Region.objects.get(slug="moscow")
    for number in range(55):
        org = Organisation.objects.create(slug=f"org-{number:02d}", name_en=f"Org {number:02d}")
        org.regions.add(moscow)
    first = client.get("/en/directory/region/moscow/")
    assert text_of(first).count("Org ") == 50
    assert "Page 1 of 2" in text_of(first)
    second = client.get("/en/directory/region/moscow/?page=2")
    assert text_of(second).count("Org ") == 5


# --- an organisation -----------------------------------------------------------------------
def test_organisation_page_in_english_shows_every_part(client: Any, entry: Any) -> None:
    response = client.get(EN_PAGE)
    assert response.status_code == 200
    text = text_of(response)
    for expected in [
        "Amnesty International - Russia",
        "Амнистия Интернэшнл — Россия",
        "AI Russia",
        "What it works for",
        "release of prisoners of conscience",
        "History",
        "In 1992, AI opened an information office in Moscow",
        "How it works",
        "letter-writing campaigns",
        "Membership and structure",
        "121019 Moscow",
        "G-19",
        "PO Box 212",
        "095-291-29-04",
        "address withheld in the source",
        "In St. Petersburg",
        "812-247-40-46",
        "Moscow Information Office",
        "Contact: Boris Suvorov",
        "Contact: Asya Lashizeva",
        "Contact: Anatoly Chezlov",
        "Coordinator: Eric Klazerstein",
        "Amnesty International Bulletin",
        "monthly",
        "International Secretariat in London",
        "Colleen F. Halley",
        "The Post-Soviet Handbook",
        "Center for Civil Society International",
        "Last updated: March 1996",
        "Kept as written in the source",
        *UNPARSED,
    ]:
        assert expected in text, expected
    assert breadcrumb_names(response) == [
        "Directory",
        "Newly Independent States (NIS)",
        "Russia",
        "Russia west of the Urals",
        "Moscow",
        "Amnesty International - Russia",
    ]
    html = response.content.decode()
    assert 'rel="nofollow noopener"' in html
    assert "[email" not in html and "protected]" not in html
    assert " style=" not in html and "<script>" not in html


def test_organisation_page_in_russian(client: Any, entry: Any) -> None:
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    text = text_of(response)
    assert "Амнистия Интернэшнл — Россия" in text
    assert "март 1996" in text
    assert breadcrumb_names(response)[-1] == "Амнистия Интернэшнл — Россия"


def test_source_url_without_scheme_is_plain_text(client: Any, entry: Any) -> None:
    entry.source_url = "friends-partners.org/~ccsi"
    entry.save()
    html = client.get(EN_PAGE).content.decode()
    assert "friends-partners.org/~ccsi" in html
    assert 'href="friends-partners.org' not in html


def test_unpublished_entry_is_404_for_the_public_and_shown_to_editors(
    client: Any, entry: Any, make_user: Callable[..., User]
) -> None:
    entry.is_published = False
    entry.save()
    assert client.get(EN_PAGE).status_code == 404
    assert "Amnesty" not in text_of(client.get("/en/directory/region/moscow/"))
    assert (
        "Amnesty" not in client.get("/en/directory/region/moscow/export.json").getvalue().decode()
    )
    office = entry.offices.first()
    assert client.get(f"{EN_PAGE}office/{office.pk}/contacts.vcf").status_code == 404

    client.force_login(make_user("member@example.org", Role.MEMBER))
    assert client.get(EN_PAGE).status_code == 404

    client.force_login(make_user("editor@example.org", Role.DIRECTORY_EDITOR))
    response = client.get(EN_PAGE)
    assert response.status_code == 200
    assert "Unpublished: only directory editors see this entry." in text_of(response)
    region = client.get("/en/directory/region/moscow/")
    assert "Amnesty" in text_of(region) and "unpublished" in text_of(region)


def test_unpublished_contact_is_hidden_from_the_public(
    client: Any, entry: Any, make_user: Callable[..., User]
) -> None:
    Contact.objects.filter(name="Asya Lashizeva").update(is_published=False)
    response = client.get(EN_PAGE)
    assert "Lashizeva" not in response.content.decode()
    assert "Suvorov" in text_of(response)
    office = entry.offices.get(position=0)
    card = client.get(f"{EN_PAGE}office/{office.pk}/contacts.vcf").content.decode()
    assert "Suvorov" in card and "Lashizeva" not in card
    exported = client.get("/en/directory/region/moscow/export.json").getvalue().decode()
    assert "Lashizeva" not in exported
    csv_text = client.get("/en/directory/region/moscow/export.csv").getvalue().decode()
    assert "Lashizeva" not in csv_text

    client.force_login(make_user("editor@example.org", Role.DIRECTORY_EDITOR))
    shown = client.get(EN_PAGE)
    assert "Lashizeva" in text_of(shown)
    assert "unpublished: editors only" in text_of(shown)
    # Even an editor's page never puts an unpublished person into the public JSON-LD.
    assert "Lashizeva" not in json.dumps(json_ld(shown))


def test_stale_flag_for_a_1996_entry_not_for_a_freshly_verified_one(
    client: Any, entry: Any
) -> None:
    stale = client.get(EN_PAGE)
    assert "This entry may be out of date." in text_of(stale)
    assert 'class="stale-flag" role="note"' in stale.content.decode()

    entry.verified_at = timezone.now()
    entry.save()
    fresh = client.get(EN_PAGE)
    assert "This entry may be out of date." not in text_of(fresh)
    assert "verified by the directory's staff on" in text_of(fresh)


def test_recent_last_updated_is_not_stale(client: Any, entry: Any) -> None:
    entry.last_updated = timezone.now().date().replace(day=1) - datetime.timedelta(days=40)
    entry.save()
    assert "out of date" not in text_of(client.get(EN_PAGE))


def test_json_ld_is_an_ngo_without_withheld_email(client: Any, entry: Any) -> None:
    data = json_ld(client.get(EN_PAGE))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NGO"
    assert data["name"] == "Amnesty International - Russia"
    assert "Амнистия Интернэшнл — Россия" in data["alternateName"]
    assert "AI Russia" in data["alternateName"]
    assert "email" not in data
    assert "095-291-29-04" in data["telephone"]
    assert "095-291-29-04" in data["faxNumber"]
    moscow = data["address"][0]
    assert moscow["@type"] == "PostalAddress"
    assert moscow["postalCode"] == "121019" and moscow["postOfficeBoxNumber"] == "PO Box 212"
    assert {p["name"] for p in data["employee"]} == {
        "Boris Suvorov",
        "Asya Lashizeva",
        "Anatoly Chezlov",
        "Eric Klazerstein",
    }
    assert {a["name"] for a in data["areaServed"]} >= {"Moscow"}
    ru = json_ld(client.get(PAGE))
    assert ru["name"] == "Амнистия Интернэшнл — Россия"


def test_json_ld_cannot_close_its_script(client: Any, entry: Any) -> None:
    entry.name_en = "</script><script>alert(1)</script>"
    entry.save()
    html = client.get(EN_PAGE).content.decode()
    assert "<script>alert" not in html
    assert json_ld(client.get(EN_PAGE))["name"] == entry.name_en


def test_missing_entry_is_404(client: Any) -> None:
    assert client.get("/en/directory/no-such-entry/").status_code == 404


# --- exports -------------------------------------------------------------------------------
def test_csv_export_has_bom_and_public_data(client: Any, entry: Any) -> None:
    Contact.objects.filter(name="Eric Klazerstein").update(is_published=False)
    entry.original_text = "Coordinator: Eric Klazerstein"
    entry.save()
    response = client.get("/directory/region/russia/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="vigil-directory-russia.csv"')
    body = response.getvalue()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["slug"] == "amnesty-international-russia"
    assert row["name_ru"] == "Амнистия Интернэшнл — Россия"
    assert row["name_en"] == "Amnesty International - Russia"
    assert row["last_updated"].startswith("1996-03")
    offices = json.loads(row["offices"])
    assert offices[0]["postal_code"] == "121019"
    assert "095-291-29-04" in [c["value"] for c in offices[0]["channels"]]
    assert [c["name"] for c in json.loads(row["contacts"])] == [
        "Boris Suvorov",
        "Asya Lashizeva",
        "Anatoly Chezlov",
    ]
    assert "Klazerstein" not in body.decode()
    for private in ("original_text", "import_key", "source_encoding"):
        assert private not in row


def test_json_export_parses_and_holds_public_data(client: Any, entry: Any) -> None:
    Contact.objects.filter(name="Eric Klazerstein").update(is_published=False)
    Organisation.objects.create(slug="hidden", name_en="Hidden", is_published=False).regions.set(
        entry.regions.all()
    )
    response = client.get("/en/directory/region/moscow/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert 'filename="vigil-directory-moscow.json"' in response["Content-Disposition"]
    data = json.loads(response.getvalue())
    [record] = data
    assert record["name_en"] == "Amnesty International - Russia"
    assert record["last_updated"].startswith("1996-03")
    assert [o["postal_code"] for o in record["offices"]] == ["121019", "", "121019"]
    emails = [c for o in record["offices"] for c in o["channels"] if c["kind"] == "email"]
    assert emails and all(c["withheld"] and c["value"] == "" for c in emails)
    assert {c["name"] for c in record["contacts"]} == {
        "Boris Suvorov",
        "Asya Lashizeva",
        "Anatoly Chezlov",
    }
    assert record["publications"][0]["title"] == "Amnesty International Bulletin"
    for private in ("original_text", "import_key", "source_encoding"):
        assert private not in record


def test_search_results_download_as_json_best_first_public_only(client: Any, entry: Any) -> None:
    Organisation.objects.create(slug="memorial", name_ru="Мемориал", mission="Amnesty partner")
    Organisation.objects.create(slug="hidden-amnesty", name_en="Amnesty hidden", is_published=False)
    page = client.get("/en/directory/search/", {"q": "amnesty"}).content.decode()
    link = re.search(r'href="(/en/directory/search/export\.json\?[^"]+)"', page)
    assert link, "the search page links its results' download"
    response = client.get(unescape(link.group(1)))
    assert response.status_code == 200
    assert 'filename="vigil-directory-search.json"' in response["Content-Disposition"]
    slugs = [record["slug"] for record in json.loads(response.getvalue())]
    # The name match ranks before the entry that only mentions the word; unpublished never.
    assert slugs == ["amnesty-international-russia", "memorial"]


def test_search_results_download_as_csv_honours_filters(client: Any, entry: Any) -> None:
    Organisation.objects.create(slug="memorial", name_ru="Мемориал", mission="Amnesty partner")
    response = client.get("/directory/search/export.csv", {"q": "amnesty", "region": "moscow"})
    body = response.getvalue().decode()
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [row["slug"] for row in rows] == ["amnesty-international-russia"]


def test_search_download_without_a_query_is_an_empty_list(client: Any, entry: Any) -> None:
    response = client.get("/en/directory/search/export.json", {"q": "  "})
    assert response.status_code == 200
    assert json.loads(response.getvalue()) == []


def test_vcard_per_office(client: Any, entry: Any) -> None:
    office = entry.offices.get(position=0)
    office.street_lines = ["Malaya Dmitrovka 5, room 2; floor 3"]
    office.save()
    response = client.get(f"{EN_PAGE}office/{office.pk}/contacts.vcf")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content.decode()
    assert "\n" not in body.replace("\r\n", "")
    assert body.endswith("\r\n")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    body = body.replace("\r\n ", "")  # unfold (RFC 6350 3.2)
    cards = body.split("BEGIN:VCARD\r\n")[1:]
    assert len(cards) == 2
    first = cards[0].split("\r\n")
    assert "VERSION:4.0" in first
    assert "FN:Boris Suvorov" in first
    assert "ORG:Amnesty International - Russia" in first
    assert "ROLE:Contact" in first and "TITLE:Contact" in first
    assert "TEL;TYPE=voice;VALUE=text:095-291-29-04" in first
    assert "TEL;TYPE=fax;VALUE=text:095-291-29-04" in first
    assert not any(line.startswith("EMAIL") for line in first)
    adr = next(line for line in first if line.startswith("ADR"))
    assert adr == (
        "ADR;TYPE=work:PO Box 212;;Malaya Dmitrovka 5\\, room 2\\; floor 3;Moscow;;121019;"
    )
    assert first[-2:] == ["END:VCARD", ""]
    other = entry.offices.get(position=1)
    spb = client.get(f"{EN_PAGE}office/{other.pk}/contacts.vcf").content.decode()
    assert (
        "FN:Anatoly Chezlov" in spb
        and "ORG:Amnesty International - Russia;In St. Petersburg" in spb
    )


def test_vcard_of_another_entrys_office_is_404(client: Any, entry: Any) -> None:
    other = Organisation.objects.create(slug="other", name_en="Other")
    office = entry.offices.first()
    assert client.get(f"/directory/{other.slug}/office/{office.pk}/contacts.vcf").status_code == 404
