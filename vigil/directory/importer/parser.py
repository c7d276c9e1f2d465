"""One entry's lines read into a :class:`ParsedEntry`."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .addresses import city_line, parse_address
from .boilerplate import is_boilerplate
from .lines import (
    _blocks,
    _classify,
    _frequency,
    _is_field_like,
    _is_prose,
    _is_tail,
    _language,
    _normalise_phone,
    _postal_match,
    _prepared_by,
    normalise_russian_phone,
    parse_date,
)
from .names import bare_role, is_covering, is_person, name_in_text, trailing_city, wraps
from .offices import OfficeReader
from .patterns import (
    ATTRIBUTION,
    CYRILLIC,
    LAST_UPDATED,
    PHONE_PART,
    PUBLICATIONS,
    REGION_BY_SOURCE_NAME,
    RETURN_TO,
    RUSSIAN_CITIES,
    RUSSIAN_REGION_SLUGS,
    SECTION_LABELS,
    SPONSORED,
    mentions_accessible,
    mentions_source,
)
from .records import MalformedEntry, ParsedEntry, ParsedPublication

#: Why an entry goes to review, as codes: the entry stores them and the review queue shows
#: their labels (vigil.directory.import_reasons.REVIEW_REASONS).
REASON_FIRST_LINE = "first_line"
REASON_COVERING = "covering"
REASON_NAME_IN_TEXT = "name_in_text"
REASON_NO_NAME = "no_name"
REASON_UNPARSED = "unparsed"
UNNAMED = "Unnamed entry (line %(line)d)"


class _Parser(OfficeReader):
    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.entry = ParsedEntry()
        self.lines = lines
        self.country_russia = False
        #: A city that ended the name ("..., Novorossiysk"): the first office's.
        self.name_city = ""

    # bookkeeping
    def map(self, number: int, where: str) -> None:
        self.entry.trace[number] = where

    def keep(self, number: int, text: str) -> None:
        self.entry.unparsed.append((number, text))
        self.entry.trace[number] = "unparsed"

    def append_text(self, section: str, number_lines: list[tuple[int, str]]) -> None:
        paragraph = "\n".join(text for _n, text in number_lines)
        old = getattr(self.entry, section)
        setattr(self.entry, section, f"{old}\n\n{paragraph}" if old else paragraph)
        for number, _text in number_lines:
            self.map(number, section)

    def parse(self) -> ParsedEntry:
        entry = self.entry
        if not self.lines:
            raise MalformedEntry(1, _("the entry is empty"))
        entry.first_line = self.lines[0][0]
        entry.original_text = "\n".join(text for _n, text in self.lines)
        blocks = self.without_covering(_blocks(self.without_furniture(self.lines)))
        if not blocks:
            raise MalformedEntry(
                entry.first_line, _("the entry holds only navigation or a covering note")
            )
        first_number, first = blocks[0][0]
        if self.is_name_line(first):
            rest = self.take_name(blocks[0])
            remaining = ([rest] if rest else []) + blocks[1:]
        else:
            remaining = blocks
            if is_person(first) or _postal_match(first) or first[:1].isdigit():
                self.doubt(REASON_FIRST_LINE)
        self.walk(remaining)
        if not entry.name:
            self.find_name(blocks, first_number, first)
        self.finish()
        return entry

    def doubt(self, reason: str) -> None:
        if reason not in self.entry.review_reasons:
            self.entry.review_reasons.append(reason)

    def without_furniture(self, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Navigation and site furniture mapped as such, left out of the blocks (as blank
        lines, so they still separate blocks); region links and source notes stay for the
        tail, which reads them."""
        kept: list[tuple[int, str]] = []
        for number, text in lines:
            stripped = text.strip()
            if (
                stripped
                and is_boilerplate(stripped)
                and not RETURN_TO.match(stripped)
                and not mentions_accessible(stripped)
                and not mentions_source(stripped)
            ):
                self.map(number, "boilerplate")
                kept.append((number, ""))
            else:
                kept.append((number, text))
        return kept

    def without_covering(self, blocks: list[list[tuple[int, str]]]) -> list[list[tuple[int, str]]]:
        """Lines of a covering letter or mail header ("CCSI received ...", "Dear ...",
        "From:", "Sincerely,") are mapped and left out; the entry becomes a draft."""
        result = []
        for block in blocks:
            kept = []
            for number, text in block:
                if is_covering(text):
                    self.map(number, "covering")
                    self.doubt(REASON_COVERING)
                else:
                    kept.append((number, text))
            if kept:
                result.append(kept)
        return result

    def is_name_line(self, text: str) -> bool:
        return bool(
            re.search(r"\w", text)
            and not _is_field_like(text)
            and not _is_prose(text)
            and not is_person(text)
            and not bare_role(text)
            and not city_line(text)
            and not parse_address(text)
            and not text[:1].isdigit()
            and not text.rstrip().endswith(":")
        )

    def take_name(self, block: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Set the name from the block's first line(s); the rest of the block."""
        number, name = block[0]
        rest = block[1:]
        while (
            rest
            and len(name) < 250
            and wraps(name, rest[0][1])
            and (bool(CYRILLIC.search(rest[0][1])) == bool(CYRILLIC.search(name)))
        ):
            self.map(rest[0][0], "name")
            name = f"{name} {rest[0][1].strip()}"
            rest = rest[1:]
        name, self.name_city = trailing_city(name)
        self.set_name(number, name)
        if rest and not _is_field_like(rest[0][1]) and not _is_prose(rest[0][1]):
            other_script = bool(CYRILLIC.search(rest[0][1])) != bool(CYRILLIC.search(name))
            if other_script and not any(ch.isdigit() for ch in rest[0][1]):
                self.set_name(rest[0][0], rest[0][1])
                rest = rest[1:]
        return rest

    def find_name(self, blocks: list[list[tuple[int, str]]], first_number: int, first: str) -> None:
        """No name on the first line: the organisation named in the text, or a placeholder
        when the entry holds something worth reviewing (else the entry is an error)."""
        entry = self.entry
        for block in blocks[:8]:
            found = name_in_text(" ".join(text for _n, text in block))
            if found:
                self.set_name(block[0][0], found, map_line=False)
                self.doubt(REASON_NAME_IN_TEXT)
                return
        if not (entry.offices or entry.contacts):
            raise MalformedEntry(
                first_number,
                _("the entry has no name line: it starts with “%(line)s”") % {"line": first[:80]},
            )
        entry.name_en = UNNAMED % {"line": first_number}
        self.doubt(REASON_NO_NAME)

    def set_name(self, number: int, text: str, *, map_line: bool = True) -> None:
        if CYRILLIC.search(text) and len(CYRILLIC.findall(text)) * 2 >= len(
            re.findall(r"\w", text)
        ):
            if self.entry.name_ru:
                self.keep(number, text)
                return
            self.entry.name_ru = text
            if map_line:
                self.map(number, "name_ru")
        else:
            if self.entry.name_en:
                self.keep(number, text)
                return
            self.entry.name_en = text
            if map_line:
                self.map(number, "name_en")

    # the walk over blocks
    def walk(self, blocks: list[list[tuple[int, str]]]) -> None:
        phase = "head"
        pending_section = ""
        awaiting_sponsor = False
        for block in blocks:
            first = block[0][1]
            if phase == "head" and (
                any(_is_prose(t) for _n, t in block)
                or SECTION_LABELS.match(first)
                or (
                    not self.is_contact_block([x for x in block if not _is_tail(x[1])] or block)
                    and not PUBLICATIONS.match(first)
                )
            ):
                phase = "body"
            if phase == "head":
                cut = next(
                    (i for i, (_n, t) in enumerate(block) if PUBLICATIONS.match(t) or _is_tail(t)),
                    None,
                )
                if cut is None:
                    self.head_block(block)
                    continue
                if cut:
                    self.head_block(block[:cut])
                block = block[cut:]
                phase = "body"
            if phase == "body" and self.is_contact_block(block):
                self.head_block(block)
                continue
            # body, publications and tail are read line by line for their labels.
            paragraph: list[tuple[int, str]] = []
            for number, text in block:
                if awaiting_sponsor and not _is_tail(text):
                    self.entry.sponsor = (
                        f"{self.entry.sponsor}; {text}" if self.entry.sponsor else text
                    )
                    self.map(number, "sponsor")
                    continue
                awaiting_sponsor = False
                if _is_tail(text):
                    self.flush(paragraph, phase, pending_section)
                    paragraph = []
                    pending_section = ""
                    phase = "tail"
                    awaiting_sponsor = self.tail_line(number, text)
                    continue
                publications = PUBLICATIONS.match(text)
                if publications:
                    self.flush(paragraph, phase, pending_section)
                    paragraph = []
                    phase = "publications"
                    self.map(number, "publications")
                    if publications.group("v").strip():
                        self.entry.publications.append(
                            ParsedPublication(title=publications.group("v").strip())
                        )
                        self.map(number, f"publications[{len(self.entry.publications) - 1}]")
                    continue
                labelled = self.section_label(text)
                if labelled and phase != "tail":
                    self.flush(paragraph, phase, pending_section)
                    paragraph = []
                    phase = "body"
                    section, value = labelled
                    if value:
                        self.append_text(section, [(number, text)])
                        pending_section = ""
                    else:
                        self.map(number, section)
                        pending_section = section
                    continue
                paragraph.append((number, text))
            self.flush(paragraph, phase, pending_section)
            if paragraph:
                pending_section = ""

    def section_label(self, text: str) -> tuple[str, str] | None:
        found = SECTION_LABELS.match(text)
        if found is None:
            return None
        section, match = found
        return section, match.group("v").strip()

    def flush(self, paragraph: list[tuple[int, str]], phase: str, pending: str) -> None:
        if not paragraph:
            return
        if phase == "tail":
            for number, text in paragraph:
                self.keep(number, text)
            return
        if phase == "publications":
            self.publication_block(paragraph)
            return
        text = "\n".join(t for _n, t in paragraph)
        section = pending or _classify(text)
        if not section:
            if len(text.split()) < 6 and not (text.endswith(".") and len(text.split()) >= 4):
                for number, line in paragraph:
                    self.keep(number, line)
                return
            section = "mission" if not self.entry.mission else "activities"
        self.append_text(section, paragraph)

    def publication_block(self, block: list[tuple[int, str]]) -> None:
        publications = self.entry.publications
        first_number, first = block[0]
        if _is_prose(first) and publications:
            target = publications[-1]
            rest = block
        elif _is_prose(first):
            for number, text in block:
                self.keep(number, text)
            return
        else:
            target = ParsedPublication(title=first[:300])
            publications.append(target)
            rest = block[1:]
            self.map(first_number, f"publications[{len(publications) - 1}].title")
        index = publications.index(target)
        if rest:
            text = "\n".join(t for _n, t in rest)
            target.description = f"{target.description}\n\n{text}" if target.description else text
            for number, _t in rest:
                self.map(number, f"publications[{index}].description")
        whole = f"{target.title}\n{target.description}"
        target.frequency = target.frequency or _frequency(whole)
        target.language = target.language or _language(whole)
        target.prepared_by = target.prepared_by or _prepared_by(whole)

    def tail_line(self, number: int, text: str) -> bool:
        """Map one tail line; True when the next line is the sponsor's name."""
        entry = self.entry
        if match := SPONSORED.match(text):
            if match.group("v").strip():
                entry.sponsor = match.group("v").strip()
                self.map(number, "sponsor")
                return False
            self.map(number, "sponsor")
            return True
        if match := RETURN_TO.match(text):
            slug = REGION_BY_SOURCE_NAME.get(match.group("name").strip().casefold())
            if slug is None:
                self.map(number, "boilerplate")
            else:
                if slug not in entry.regions:
                    entry.regions.append(slug)
                self.map(number, "regions")
            return False
        if match := LAST_UPDATED.match(text):
            date = parse_date(match.group("v"))
            if date is None:
                self.keep(number, text)
            else:
                entry.last_updated = date
                self.map(number, "last_updated")
            return False
        if match := mentions_accessible(text):
            entry.source_url = match.group("url").rstrip(".,;")
            self.map(number, "source_url")
            return False
        if ATTRIBUTION.match(text):
            entry.attribution = f"{entry.attribution}\n{text}" if entry.attribution else text
            self.map(number, "attribution")
            return False
        entry.source = f"{entry.source}\n{text}" if entry.source else text
        self.map(number, "source")
        return False

    def finish(self) -> None:
        entry = self.entry
        if self.name_city:
            if not entry.offices:
                self.new_office(city=self.name_city)
            elif not entry.offices[0].city:
                entry.offices[0].city = self.name_city
        lines = sum(1 for _n, text in self.lines if text.strip())
        extra = max(0, len(entry.unparsed) - 2)
        if extra and len(entry.unparsed) * 4 > lines:
            self.doubt(REASON_UNPARSED)
        entry.confidence = max(0, 100 - 40 * len(entry.review_reasons) - 5 * extra)
        russian = (
            self.country_russia
            or any(slug in RUSSIAN_REGION_SLUGS for slug in entry.regions)
            or any(
                office.city.casefold() in RUSSIAN_CITIES
                or office.label.casefold().removeprefix("in ").strip() in RUSSIAN_CITIES
                for office in entry.offices
            )
        )
        channels = [c for o in entry.offices for c in o.channels]
        channels += [c for p in entry.contacts for c in p.channels]
        for channel in channels:
            if channel.kind in ("phone", "fax"):
                channel.normalised = (
                    normalise_russian_phone(channel.value)
                    if russian
                    else _normalise_phone(
                        m.group(0) if (m := PHONE_PART.search(channel.value)) else channel.value
                    )
                )
        entry.unparsed.sort()


def parse_lines(lines: list[tuple[int, str]]) -> ParsedEntry:
    """Parse one entry from (line number, text) pairs; raises :class:`MalformedEntry`."""
    return _Parser(lines).parse()
