"""The cheap paths of reading a file: block decoding, the one-scan section classifier, phones,
the label marks a line needs before its patterns are tried.

Each must give exactly what the plain way gives (a line decoded alone, one ``findall`` per
keyword pattern, ``normalise_phone``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vigil.core.crypto import normalise_phone
from vigil.directory import importer
from vigil.directory.importer import SECTION_KEYWORDS, HandbookFile, lines, patterns, reading


def _lines_one_at_a_time(source: HandbookFile, encoding: str) -> list[tuple[int, str | None]]:
    found: list[tuple[int, str | None]] = []
    with source.path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                found.append((number, None))
                continue
            if number == 1 and source.encoding == "utf-8-sig":
                text = text.removeprefix("\ufeff")
            found.append((number, text.rstrip("\r\n")))
    return found


@pytest.mark.parametrize(
    "data",
    [
        "Общество\r\r\nТел.: 1\r\n\r\nLast updated: March 1996\r\n".encode(),
        "Имя\n".encode() + b"\xff\xfe not UTF-8\n" + "Тел.: 2\nlast line".encode(),
        "Общество «Мемориал»\nТел.: 095\n\f=====\n".encode("cp1251") * 40,
        "Общество\nТел.: 095\n".encode("koi8-r") * 40,
        b"\xef\xbb\xbfName\n\xef\xbb\xbfsecond\nthird\n",
        b"",
        b"no line end",
    ],
)
@pytest.mark.parametrize("block", [1, 16, 4096])
def test_block_decoding_gives_the_lines_decoded_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, block: int
) -> None:
    monkeypatch.setattr(reading, "READ_BLOCK", block)
    path = tmp_path / "entries.txt"
    path.write_bytes(data)
    source = HandbookFile(path)
    encoding = "latin-1" if source.binary else source.encoding
    assert list(source._decoded_lines(encoding)) == _lines_one_at_a_time(source, encoding)


def _classify_by_findall(paragraph: str) -> str:
    scores = {
        section: sum(len(p.findall(paragraph)) * weight for p, weight in patterns)
        for section, patterns in SECTION_KEYWORDS.items()
    }
    best = max(scores.values())
    return "" if best == 0 else next(s for s, score in scores.items() if score == best)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Membership: members of the board, staff and volunteers.",
        "The members meet monthly; membership is open to all.",
        "The Society works for the defence of human rights; a non-profit group whose aims are",
        "Организация работает для защиты прав; её цели и задачи: некоммерческая деятельность.",
        "Founded in 1989, established as a history society; since 1991 it has opened branches.",
        "Основана в 1990 году; создана группой юристов; история организации.",
        "Main activities: monitoring, seminars, conferences, letter-writing campaigns, projects.",
        "Основные направления: мониторинг, семинары, проекты; проводит кампании.",
        "WORKS TO PROTECT REFUGEES. MISSION: NON-GOVERNMENTAL.",
        "Inside words: сверхзадача, подработает для всех, antinon-governmental, нецелы.",
        "Nothing that names a section here.",
        "",
    ],
)
def test_one_scan_classifier_matches_one_findall_per_pattern(paragraph: str) -> None:
    assert importer._classify(paragraph) == _classify_by_findall(paragraph)


@pytest.mark.parametrize(
    ("alternative", "prefix"),
    [("non-?governmental", "non"), ("works?", "work"), ("цел[ьи]\\b", "цел"), ("\\bx", "")],
)
def test_required_prefix_of_a_keyword(alternative: str, prefix: str) -> None:
    """The in-word scan runs only on paragraphs holding one of these: each must be required."""
    assert lines._required_prefix(alternative) == prefix


def test_keyword_alternatives_split_at_the_top_level_only() -> None:
    assert lines._alternatives(r"\ba(?:b|c)|[|]d|e\|f") == [r"\ba(?:b|c)", "[|]d", r"e\|f"]


@pytest.mark.parametrize(
    "value", ["+7 (095) 291-29-04", " 095-291-29-04 ", "", "+", "no digits", "+7 ٣٤٥ 12", "1²3"]
)
def test_phone_digits_as_normalise_phone(value: str) -> None:
    assert importer._normalise_phone(value) == normalise_phone(value)


_LABELLED = [
    (patterns.PUBLICATIONS, "Publications: Bulletin"),
    (patterns.ROLE_LINE, "Director: Olga Vinogradov"),
    (patterns.ADDRESS_LABEL, "Postal address: 690434 Vladivostok"),
    (patterns.SPONSORED, "Sponsored by: CCSI"),
    (patterns.LAST_UPDATED, "Last updated: March 1996"),
    (patterns.BRANCH, "In Yekaterinburg:"),
]


@pytest.mark.parametrize(("labelled", "line"), _LABELLED)
def test_labelled_patterns_need_their_mark(labelled: patterns.Labelled, line: str) -> None:
    """A Labelled pattern is tried only on lines with its mark: without it the pattern fails."""
    assert labelled.match(line)
    for other in (" ", " - ", "：", ";", "."):
        without = line.replace(labelled.mark, other)
        assert not labelled.pattern.match(without)
        assert labelled.match(without) is None


@pytest.mark.parametrize("section", ["mission", "history", "activities", "membership"])
def test_section_labels_need_the_colon(section: str) -> None:
    line = f"{section}: text"
    assert patterns.SECTION_LABELS.match(line)[0] == section  # type: ignore[index]
    for other in (" ", " - ", "：", ";", "."):
        without = line.replace(":", other)
        assert not any(pattern.match(without) for _s, pattern in patterns.SECTION_LABELS)
        assert patterns.SECTION_LABELS.match(without) is None


@pytest.mark.parametrize(
    "line",
    ["Tel: 123-45-67", "Fax. 123", "E-mail: a@b.org", "a@b.org", "www.memo.ru", "http://x"],
)
def test_channels_need_a_channel_mark(line: str) -> None:
    """_channel_match leaves lines without a dot or a colon early: none of them is a channel."""
    assert lines._channel_match(line)
    bare = line
    for mark in patterns.CHANNEL_LABELS.marks:
        bare = bare.replace(mark, " ")
    assert not any(p.match(bare) for _kinds, p in patterns.CHANNEL_LABELS)
    assert not patterns.CHANNEL_LABELS.marked(bare)


@pytest.mark.parametrize(
    "line",
    [
        "Tel/Fax: 123-45-67",
        "Tel: 123",
        "Phones: 123",
        "Fax. 123",
        "E-mail: a@b.org",
        "Web site: memo.ru",
        "a@b.org",
        "www.memo.ru",
        "Director: Olga",
        "Tel 123. 45",
        "",
    ],
)
def test_a_group_finds_the_first_member_that_matches(line: str) -> None:
    """LabelledGroup.match (one alternation, then the member) = the members tried in turn."""
    in_turn = next(
        ((kinds, m.group(0)) for kinds, p in patterns.CHANNEL_LABELS if (m := p.match(line))),
        None,
    )
    found = patterns.CHANNEL_LABELS.match(line)
    assert (None if found is None else (found[0], found[1].group(0))) == in_turn


def test_either_matches_where_one_of_its_patterns_does() -> None:
    tail = patterns.TAIL_START
    assert tail.match("Last updated: May 1996") and tail.match("Return to the Moscow Page.")
    assert not tail.match("Last updated May 1996") and not tail.match("Tel: 123")
    with pytest.raises(ValueError, match="flags"):
        patterns.either(patterns.ROLE_LINE, patterns.PUBLICATIONS)
