"""One entry's lines read into a :class:`ParsedEntry`."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .lines import (
    _blocks,
    _channel_match,
    _channels,
    _classify,
    _frequency,
    _is_field_like,
    _is_prose,
    _is_tail,
    _language,
    _nominative_city,
    _normalise_phone,
    _postal_match,
    _prepared_by,
    _role_match,
    normalise_russian_phone,
    parse_date,
)
from .patterns import (
    ACCESSIBLE,
    ATTRIBUTION,
    BRANCH,
    CYRILLIC,
    LAST_UPDATED,
    OFFICE_WORDS,
    PHONE_PART,
    PO_BOX,
    PUBLICATIONS,
    REGION_BY_SOURCE_NAME,
    RETURN_TO,
    RUSSIA_NAMES,
    RUSSIAN_CITIES,
    RUSSIAN_REGION_SLUGS,
    SECTION_LABELS,
    SPONSORED,
)
from .records import MalformedEntry, ParsedContact, ParsedEntry, ParsedOffice, ParsedPublication


class _Parser:
    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.entry = ParsedEntry()
        self.lines = lines
        self.country_russia = False

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
        blocks = _blocks(self.lines)
        first_number, name = blocks[0][0]
        if _is_field_like(name) or _is_prose(name) or not re.search(r"\w", name):
            raise MalformedEntry(
                first_number,
                _("the entry has no name line: it starts with “%(line)s”") % {"line": name[:80]},
            )
        self.set_name(first_number, name)
        rest = blocks[0][1:]
        if rest and not _is_field_like(rest[0][1]) and not _is_prose(rest[0][1]):
            other_script = bool(CYRILLIC.search(rest[0][1])) != bool(CYRILLIC.search(name))
            if other_script and not any(ch.isdigit() for ch in rest[0][1]):
                self.set_name(rest[0][0], rest[0][1])
                rest = rest[1:]
        remaining = ([rest] if rest else []) + blocks[1:]
        self.walk(remaining)
        self.finish()
        return entry

    def set_name(self, number: int, text: str) -> None:
        if CYRILLIC.search(text) and len(CYRILLIC.findall(text)) * 2 >= len(
            re.findall(r"\w", text)
        ):
            if self.entry.name_ru:
                self.keep(number, text)
                return
            self.entry.name_ru = text
            self.map(number, "name_ru")
        else:
            if self.entry.name_en:
                self.keep(number, text)
                return
            self.entry.name_en = text
            self.map(number, "name_en")

    # the walk over blocks
    def walk(self, blocks: list[list[tuple[int, str]]]) -> None:
        phase = "head"
        pending_section = ""
        awaiting_sponsor = False
        for block in blocks:
            if phase == "head" and (
                any(_is_prose(t) for _n, t in block)
                or any(p.match(block[0][1]) for _s, p in SECTION_LABELS)
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
        for section, pattern in SECTION_LABELS:
            match = pattern.match(text)
            if match:
                return section, match.group("v").strip()
        return None

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
            if len(text.split()) < 6:
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
                self.keep(number, text)
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
        if match := ACCESSIBLE.search(text):
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

    # the address part
    def new_office(self, label: str = "", city: str = "") -> int:
        self.entry.offices.append(ParsedOffice(label=label, city=city))
        return len(self.entry.offices) - 1

    def head_block(self, block: list[tuple[int, str]]) -> None:
        entry = self.entry
        first_number, first = block[0]
        branch = BRANCH.match(first)
        heading = None
        if branch:
            heading = (first_number, branch.group("label").strip(), branch.group("city").strip())
        elif first.endswith(":") and not _is_field_like(first):
            heading = (first_number, first.rstrip(":").strip(), "")
        elif (
            not _is_field_like(first)
            and len(block) > 1
            and (OFFICE_WORDS.search(first) or (entry.offices and not re.search(r"\d", first)))
        ):
            heading = (first_number, first, "")
        if heading:
            number, label, city = heading
            city = _nominative_city(city)
            office = self.new_office(label, city)
            self.map(number, f"offices[{office}].label")
            self.office_lines(office, block[1:])
            return
        only_people = all(
            _role_match(t) or (_channel_match(t) and i > 0) for i, (_n, t) in enumerate(block)
        )
        if only_people:
            office_index = len(entry.offices) - 1 if entry.offices else None
            self.office_lines(office_index, block)
            return
        if not entry.offices:
            self.office_lines(self.new_office(), block)
            return
        current = entry.offices[-1]
        has_address = any(_postal_match(t) or PO_BOX.match(t) for _n, t in block)
        if has_address and (current.postal_code or current.po_box):
            self.office_lines(self.new_office(), block)
        else:
            self.office_lines(len(entry.offices) - 1, block)

    def office_lines(self, office_index: int | None, block: list[tuple[int, str]]) -> None:
        entry = self.entry
        office = entry.offices[office_index] if office_index is not None else None
        contact: ParsedContact | None = None
        seen_channel = False
        for number, text in block:
            if channel := _channel_match(text):
                kinds, _label, value = channel
                parsed = _channels(kinds, value)
                if contact is not None:
                    contact.channels.extend(parsed)
                    self.map(number, f"contacts[{entry.contacts.index(contact)}].channels")
                elif office is not None:
                    office.channels.extend(parsed)
                    self.map(number, f"offices[{office_index}].channels")
                else:
                    office_index = self.new_office()
                    office = entry.offices[office_index]
                    office.channels.extend(parsed)
                    self.map(number, f"offices[{office_index}].channels")
                seen_channel = True
                continue
            if role := _role_match(text):
                contact = ParsedContact(name=role[1][:200], role=role[0][:120], office=office_index)
                entry.contacts.append(contact)
                self.map(number, f"contacts[{len(entry.contacts) - 1}]")
                continue
            if office is None:
                self.keep(number, text)
                continue
            if (postal := _postal_match(text)) and not office.postal_code:
                office.postal_code, city = postal
                office.city = office.city or city
                self.map(number, f"offices[{office_index}].postal_code")
                if city.casefold() in RUSSIA_NAMES:
                    self.country_russia = True
                continue
            if (box := PO_BOX.match(text)) and not office.po_box:
                office.po_box = box.group("v").strip()[:60]
                self.map(number, f"offices[{office_index}].po_box")
                continue
            if text.strip().rstrip(".").casefold() in RUSSIA_NAMES:
                self.country_russia = True
                self.keep(number, text)
                continue
            if not seen_channel and contact is None and len(text) <= 80 and not _is_prose(text):
                office.street_lines.append(text)
                self.map(number, f"offices[{office_index}].street_lines")
                continue
            self.keep(number, text)

    def finish(self) -> None:
        entry = self.entry
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
