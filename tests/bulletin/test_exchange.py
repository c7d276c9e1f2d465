"""XLIFF 2.0 and PO round trips, and the refusals of files that do not match the issue."""

from __future__ import annotations

import contextlib

import pytest
from django.core.exceptions import ValidationError
from lxml import etree
from translate.storage import po

from vigil.accounts.models import User
from vigil.bulletin import exchange, services
from vigil.bulletin.models import Article, Issue, Segment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
NS = {"x": exchange.XLIFF_NS}
Status = Segment.Status
RUSSIAN = {
    0: "Задержан журналист",
    1: "Доктор Иванов арестован в Ростове 3 мая.",
    2: "Мы считаем его узником совести.",
    3: "Напишите прокурору и попросите его освободить.",
    4: "Письма должны быть вежливыми и краткими.",
}


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _segments(article: Article) -> list[Segment]:
    return list(article.segments.order_by("position"))


def test_xliff_export_has_the_xliff_2_0_structure(translator: User, article: Article) -> None:
    segments = _segments(article)
    services.save_translation(translator, segments[0], RUSSIAN[0])
    root = _tree(exchange.export_xliff(article.issue))
    assert root.tag == f"{{{exchange.XLIFF_NS}}}xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == ("2.0", "en", "ru")
    [file] = root.findall("x:file", NS)
    assert file.get("id") == f"vigil-bulletin-issue-{article.issue.pk}"
    units = file.findall("x:unit", NS)
    assert [u.get("id") for u in units] == [f"s{s.pk}" for s in segments]
    for unit, segment in zip(units, segments, strict=True):
        # XLIFF 2.0 core: unit > segment > source, target; the state on <segment>.
        [seg] = unit.findall("x:segment", NS)
        assert [child.tag.split("}")[1] for child in seg] in (["source"], ["source", "target"])
        assert seg.findtext("x:source", namespaces=NS) == segment.source
        assert seg.get("state") in {"initial", "translated", "reviewed", "final"}
    first = units[0].find("x:segment", NS)
    assert first is not None
    assert (first.get("state"), first.findtext("x:target", namespaces=NS)) == (
        "translated",
        RUSSIAN[0],
    )
    assert units[1].find("x:segment", NS).get("state") == "initial"


def _fill_xliff(data: bytes, targets: dict[int, str], state: str | None = None) -> bytes:
    """What a CAT tool does: add targets (and maybe a state) to the exported file."""
    root = _tree(data)
    for index, unit in enumerate(root.iter(f"{{{exchange.XLIFF_NS}}}unit")):
        seg = unit.find("x:segment", NS)
        assert seg is not None
        if index in targets:
            target = seg.find("x:target", NS)
            if target is None:
                target = etree.SubElement(seg, f"{{{exchange.XLIFF_NS}}}target")
            target.text = targets[index]
            seg.set("state", state or "translated")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def test_xliff_round_trip_from_english_to_approved_russian(
    staff: User, translator: User, article: Article
) -> None:
    issue = article.issue
    # The translator works in a CAT tool and brings the file back.
    translated = _fill_xliff(exchange.export_xliff(issue), RUSSIAN)
    result = services.import_translations(translator, issue, translated)
    assert (result.translated, result.approved) == (5, 0)
    assert [s.target for s in _segments(article)] == list(RUSSIAN.values())
    assert {s.status for s in _segments(article)} == {Status.TRANSLATED}
    # The translator cannot approve by marking the file final: not a reviewer.
    final = _fill_xliff(exchange.export_xliff(issue), RUSSIAN, state="final")
    result = services.import_translations(translator, issue, final)
    assert (result.translated, result.approved, result.unchanged) == (0, 0, 5)
    # The reviewer marks everything final in their tool: approved, and in the memory.
    result = services.import_translations(staff, issue, final)
    assert result.approved == 5
    assert {s.status for s in _segments(article)} == {Status.APPROVED}
    assert all(s.approved_by == staff for s in _segments(article))
    exported = _tree(exchange.export_xliff(issue))
    assert {s.get("state") for s in exported.iter(f"{{{exchange.XLIFF_NS}}}segment")} == {"final"}


def test_a_reviewer_does_not_approve_their_own_imported_translation(
    staff: User, article: Article
) -> None:
    final = _fill_xliff(exchange.export_xliff(article.issue), {1: RUSSIAN[1]})
    services.import_translations(staff, article.issue, final)
    again = _fill_xliff(exchange.export_xliff(article.issue), {1: RUSSIAN[1]}, state="final")
    result = services.import_translations(staff, article.issue, again)
    segment = _segments(article)[1]
    assert result.own == [segment.exchange_id] and result.approved == 0
    assert segment.status == Status.TRANSLATED


def _refused(user: User, issue: Issue, data: bytes) -> str:
    before = list(Segment.objects.values_list("pk", "target", "status"))
    with pytest.raises(ValidationError) as caught:
        services.import_translations(user, issue, data)
    assert list(Segment.objects.values_list("pk", "target", "status")) == before
    return " ".join(caught.value.messages)


def test_imports_that_do_not_match_are_refused_with_the_reason_and_change_nothing(
    staff: User, translator: User, article: Article
) -> None:
    issue = article.issue
    good = _fill_xliff(exchange.export_xliff(issue), RUSSIAN)
    other = services.create_issue(staff, year=2026, month=12)
    assert "another issue" in _refused(translator, other, good)

    root = _tree(good)
    units = root.findall(".//x:unit", NS)
    units[2].set("id", "s999999")
    assert "s999999" in _refused(translator, issue, etree.tostring(root))

    root = _tree(good)
    source = root.findall(".//x:source", NS)[3]
    source.text = "Write to the president instead."
    message = _refused(translator, issue, etree.tostring(root))
    assert "has changed since the export" in message and "Nothing was changed" in message

    root = _tree(good)
    root.set("trgLang", "uk")
    assert "must be Russian" in _refused(translator, issue, etree.tostring(root))

    assert "not a valid XLIFF 2.0 or PO file" in _refused(translator, issue, b"<xliff><unclosed")
    xliff12 = (
        b'<?xml version="1.0"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        b'<file original="x" source-language="en" target-language="ru" datatype="plaintext">'
        b"<body/></file></xliff>"
    )
    assert "XLIFF" in _refused(translator, issue, xliff12)
    assert "not exported from this bulletin" in _refused(
        translator, issue, b'msgid ""\nmsgstr ""\n"Language: ru\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    )


def test_the_valid_part_of_a_refused_file_is_not_written(
    translator: User, article: Article
) -> None:
    root = _tree(_fill_xliff(exchange.export_xliff(article.issue), RUSSIAN))
    root.findall(".//x:source", NS)[4].text = "Changed."
    _refused(translator, article.issue, etree.tostring(root))
    assert all(s.target == "" for s in _segments(article))


def test_po_round_trip(staff: User, translator: User, article: Article) -> None:
    issue = article.issue
    store = po.pofile.parsestring(exchange.export_po(issue))
    assert store.parseheader()["X-Vigil-Issue"] == str(issue.pk)
    assert store.gettargetlanguage() == "ru"
    units = [u for u in store.units if not u.isheader()]
    assert [u.getcontext() for u in units] == [s.exchange_id for s in _segments(article)]
    for index, unit in enumerate(units):
        unit.target = RUSSIAN[index]
    result = services.import_translations(translator, issue, bytes(store))
    assert result.translated == 5
    assert [s.target for s in _segments(article)] == list(RUSSIAN.values())

    units[0].setcontext("s424242")
    assert "s424242" in _refused(translator, issue, bytes(store))
    store.updateheader(**{"Language": "de"})
    assert "must be Russian" in _refused(translator, issue, bytes(store))


def test_external_entities_are_not_read(translator: User, article: Article) -> None:
    segment = _segments(article)[0]
    data = (
        '<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<xliff xmlns="{exchange.XLIFF_NS}" version="2.0" srcLang="en" trgLang="ru">'
        f'<file id="{exchange.file_id(article.issue)}"><unit id="{segment.exchange_id}">'
        f"<segment><source>{segment.source}</source><target>&x;</target></segment>"
        "</unit></file></xliff>"
    ).encode()
    with contextlib.suppress(ValidationError):  # refused or read without the entity: both fine
        services.import_translations(translator, article.issue, data)
    segment.refresh_from_db()
    assert "root:" not in segment.target
