"""The release corpus: one fixture per layout met in news releases of 1995-2005 as the news
service printed them and as relief and news sites mirrored them.  Every fixture is invented
text laid out like the real thing; the table says what each must parse to."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from vigil.publications.importer import ImportError_, ParsedDocument
from vigil.publications.imports import parse_source
from vigil.publications.sources import Source, read_sources

pytestmark = pytest.mark.usefixtures("english_reports")
RELEASES = Path(__file__).parent / "releases"
UTC = datetime.UTC


def moment(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


#: file -> expected fields ("review" lists the reasons; "error" a part of the message)
CASES: dict[str, dict[str, Any]] = {
    "01_classic_2003.txt": {
        "index_number": "EUR 62/011/2003",
        "index_as_printed": "EUR 62/011/2003",
        "news_service_number": "141",
        "date": datetime.date(2003, 6, 11),
        "embargo_at": moment(2003, 6, 11, 0, 1),
        "embargo_zone": "GMT",
        "title": "Uzbekistan: Families of detained farmers still wait for news",
        "doc_type": "news_release",
        "classification": "public",
        "language": "en",
        "issuer": "AMNESTY INTERNATIONAL",
        "distribution": "External Document",
        "review": [],
    },
    "02_news_service_and_index_one_line_1999.txt": {
        "index_number": "EUR 46/034/1999",
        "index_as_printed": "EUR 46/34/99",
        "news_service_number": "185/99",
        "date": datetime.date(1999, 3, 12),
        "title": "RUSSIAN FEDERATION: Conscientious objector Pavel Korneyev must be freed",
        "doc_type": "news_release",
        "closing_lines": "ENDS.../",
        "review": [],
    },
    "03_index_without_prefix_date_same_line.txt": {
        "index_number": "21/139/1999",
        "index_as_printed": "21/139/99",
        "news_service_number": "168/99",
        "date": datetime.date(1999, 9, 8),
        "title": "Human rights defenders threatened after radio interview",
        "doc_type": "news_release",
        "review": ["index_without_prefix"],
    },
    "04_date_first_no_label.txt": {
        "index_number": "ASA 11/012/2001",
        "date": datetime.date(2001, 10, 9),
        "title": "Afghanistan: Civilians must be protected as refugees gather at the border",
        "doc_type": "report",
        "review": [],
    },
    "05_capitals_two_digit_2000.txt": {
        "index_number": "EUR 70/009/2000",
        "index_as_printed": "EUR 70/09/00",
        "news_service_number": "57/00",
        "classification": "public",
        "issuer": "AMNESTY INTERNATIONAL PRESS RELEASE",
        "date": datetime.date(2000, 3, 17),
        "doc_type": "news_release",
        "review": [],
    },
    "06_ocr_al_index.txt": {
        "index_number": "AMR 51/077/1998",
        "news_service_number": "88/98",
        "date": datetime.date(1998, 5, 2),
        "doc_type": "news_release",
        "review": [],
    },
    "07_issued_by_banner_embargo_only.txt": {
        "index_number": "POL 10/012/1997",
        "news_service_number": "230/97",
        "issuer": "News Release Issued by the International Secretariat of Amnesty International",
        "embargo_at": moment(1997, 12, 10, 0, 1),
        "embargo_zone": "GMT",
        "title": "Human Rights Day: defenders across the world honoured",
        "date": datetime.date(1997, 12, 10),  # the embargo's day
        "doc_type": "news_release",
        "review": [],
    },
    "08_star_banners.txt": {
        "index_number": "AFR 44/021/2002",
        "issuer": "AMNESTY INTERNATIONAL",
        "banner": "PRESS RELEASE",
        "news_service_number": "099",
        "title": "Nigeria: Death sentence for adultery must be overturned",
        "doc_type": "news_release",
        "closing_lines": "****",
        "review": [],
    },
    "09_document_dash_news_release.txt": {
        "index_number": "EUR 46/012/2004",
        "news_service_number": "045",
        "title": "Russian Federation: Environmental campaigner held for ten days without charge",
        "date": datetime.date(2004, 2, 24),
        "doc_type": "news_release",
        "review": [],
        "body_starts": "An environmental campaigner from Tomsk",
        "unparsed": [(3, "RUSSIAN FEDERATION")],
    },
    "10_document_dash_report.txt": {
        "index_number": "ACT 30/011/2003",
        "title": "Good News Stories: May 2003 to September 2003",
        "date": datetime.date(2003, 10, 1),
        "doc_type": "report",
        "review": [],
        "body_starts": "Prisoners released, sentences commuted",
    },
    "11_public_statement.txt": {
        "index_number": "IOR 41/012/2005",
        "banner": "Public Statement",
        "doc_type": "news_release",
        "date": datetime.date(2005, 5, 12),
        "review": [],
    },
    "12_embargo_before_index.txt": {
        "index_number": "POL 10/001/1998",
        "embargo_at": moment(1998, 6, 12, 0, 1),
        "date": datetime.date(1998, 6, 12),
        "title": "Amnesty International Report 1998 launched",
        "doc_type": "annual_report",
        "review": [],
    },
    "13_embargo_bst_hrs.txt": {
        "index_number": "EUR 45/014/2002",
        "embargo_at": moment(2002, 7, 4, 9, 0),
        "embargo_zone": "Europe/London",
        "date": datetime.date(2002, 7, 4),
        "doc_type": "news_release",
        "review": [],
    },
    "14_embargo_no_space_gmt.txt": {
        "index_number": "EUR 46/041/2003",
        "embargo_at": moment(2003, 5, 28, 9, 0),
        "date": datetime.date(2003, 5, 28),
        "review": [],
    },
    "15_embargo_time_only.txt": {
        "index_number": "AMR 23/019/2000",
        "news_service_number": "41/00",
        "embargo_at": moment(2000, 3, 3, 11, 0),
        "date": datetime.date(2000, 3, 3),
        "review": [],
    },
    "16_month_first_date.txt": {
        "index_number": "ASA 17/021/1998",
        "news_service_number": "102/98",
        "date": datetime.date(1998, 6, 4),
        "review": [],
    },
    "17_index_and_date_tabs.txt": {
        "index_number": "EUR 46/034/1999",
        "index_as_printed": "EUR 46/34/99",
        "date": datetime.date(1999, 5, 28),
        "doc_type": "report",
        "review": [],
        "title": "RUSSIAN FEDERATION: Refugees from the south denied registration in the capital",
    },
    "18_russian_release.txt": {
        "index_number": "EUR 46/012/2002",
        "news_service_number": "77",
        "date": datetime.date(2002, 4, 15),
        "language": "ru",
        "issuer": "МЕЖДУНАРОДНАЯ АМНИСТИЯ",
        "title": "Российская Федерация: правозащитники Воронежа просят защиты",
        "doc_type": "news_release",
        "review": [],
    },
    "19_reliefweb_mirror_index_at_end.txt": {
        "index_number": "AFR 51/061/2001",
        "news_service_number": "104",
        "issuer": "Amnesty International",
        "date": datetime.date(2001, 6, 12),
        "title": "Sierra Leone: Children still held by armed groups",
        "doc_type": "news_release",
        "closing_lines": "ENDS",
        "review": [],
    },
    "20_mail_forward.txt": {
        "index_number": "EUR 57/004/2002",
        "date": datetime.date(2002, 4, 8),
        "unparsed": [
            (1, "From: hr-list@lists.example.org"),
            (2, "Subject: AI: Kazakhstan journalist"),
        ],
        "title": "Kazakstan: Journalist beaten after reporting on land sales",
        "review": [],
    },
    "21_urgent_action.txt": {
        "index_number": "EUR 46/040/1999",
        "title": "UA 177/99 Fear of torture",
        "doc_type": "urgent_action",
        "date": datetime.date(1999, 8, 10),
        "review": [],
    },
    "22_internal_document.txt": {
        "index_number": "ORG 30/002/1997",
        "classification": "internal",
        "distribution": "Internal Document",
        "doc_type": "report",
        "review": [],
    },
    "23_annual_report.txt": {
        "index_number": "POL 10/004/2004",
        "title": "Amnesty International Report 2004",
        "doc_type": "annual_report",
        "review": [],
    },
    "24_no_date.txt": {
        "index_number": "MDE 13/015/2003",
        "doc_type": "news_release",
        "review": ["no_date"],
    },
    "25_closing_variants.txt": {
        "index_number": "AFR 16/003/2004",
        "news_service_number": "126",
        "closing_lines": "\\ENDS",
        "classification": "public",
        "review": [],
        "contacts": "For further information, please contact the press office in London on "
        "+44 20 0000 0000",
    },
    "26_wrapped_shouted_title.txt": {
        "index_number": "EUR 55/001/1998",
        "news_service_number": "12/98",
        "date": datetime.date(1998, 1, 15),
        "title": "TURKMENISTAN: PRISONERS OF CONSCIENCE HELD IN DESERT CAMP MUST BE RELEASED",
        "body_starts": "Amnesty International today called",
        "review": [],
    },
    "27_day_abbreviated_month.txt": {
        "index_number": "EUR 49/021/2005",
        "date": datetime.date(2005, 6, 12),
        "issuer": "AMNESTY INTERNATIONAL NEWS RELEASE",
        "embargo_at": moment(2005, 6, 12, 11, 0),
        "doc_type": "news_release",
        "review": [],
    },
    "28_not_a_release.txt": {"error": "no index number"},
    "29_mirror_page_with_menus.html": {
        "index_number": "EUR 49/018/2003",
        "news_service_number": "270",
        "issuer": "Amnesty International",
        "date": datetime.date(2003, 11, 14),
        "title": "Belarus: Trade union leader fined for leaflets",
        "body_starts": "A trade union leader in Gomel was fined for distributing leaflets about "
        "a strike, Amnesty International said today.",
        "doc_type": "news_release",
        "review": [],
        "unparsed": [
            (0, "Home Updates Maps About us"),
            (0, "Home › Belarus"),
            (0, "Related"),
            (0, "Belarus: Students expelled"),
            (0, "Terms of use | Privacy | Contact the webmaster"),
        ],
    },
    "30_library_page.html": {
        "index_number": "EUR 60/002/2001",
        "news_service_number": "31",
        "date": datetime.date(2001, 2, 15),
        "title": "Tajikistan: Relatives of detainees denied visits",
        "body_starts": "Relatives of men detained in Dushanbe",
        "doc_type": "news_release",
        "review": [],
        "unparsed": [
            (3, "TAJIKISTAN"),
            (0, "Library News"),
            (0, "© Copyright. Printed from the web site."),
        ],
    },
}


def parse_fixture(name: str) -> ParsedDocument:
    [source] = list(read_sources([RELEASES / name]))
    assert isinstance(source, Source), source
    return parse_source(source)


def test_every_fixture_has_a_row() -> None:
    assert sorted(CASES) == sorted(p.name for p in RELEASES.iterdir() if p.suffix != ".md")
    assert len(CASES) >= 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_release_layout(name: str) -> None:
    expected = dict(CASES[name])
    if "error" in expected:
        with pytest.raises(ImportError_, match=expected["error"]):
            parse_fixture(name)
        return
    parsed = parse_fixture(name)
    fields = parsed.fields
    assert parsed.review_reasons == expected.pop("review")
    if body_starts := expected.pop("body_starts", None):
        assert fields["body"].startswith(body_starts)
    if unparsed := expected.pop("unparsed", None):
        assert parsed.unparsed == unparsed
    for key, value in expected.items():
        assert fields.get(key) == value, key
    # Nothing is lost: every non-blank line went to a field or is kept with its number.
    placed = set(parsed.trace) | {number for number, _text in parsed.unparsed}
    lines = parsed.original_text.split("\n")
    assert [n for n, line in enumerate(lines, 1) if line.strip() and n not in placed] == []
