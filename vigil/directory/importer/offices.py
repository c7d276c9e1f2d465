"""The address part of an entry: offices, their addresses and channels, and named contacts.

Blocks of addresses, phones and contacts are read wherever they stand (before or after the
description), labelled ("Postal Address:", "Tel/Fax:") or not; a city alone on a line opens an
office in that city; "Name, role", "Role: Name" and a role line above a name are contacts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .addresses import Address, city_line, is_country, parse_address
from .lines import (
    _channel_match,
    _channels,
    _is_field_like,
    _is_prose,
    _is_tail,
    _nominative_city,
    _postal_match,
    _role_match,
)
from .names import FIELD_MARK, bare_role, is_person
from .patterns import (
    ADDRESS_LABEL,
    BRANCH,
    DIGIT,
    LINE_CACHE,
    OFFICE_WORDS,
    PO_BOX,
    PUBLICATIONS,
    RUSSIA_NAMES,
)
from .records import ParsedContact, ParsedEntry, ParsedOffice

STREETISH = re.compile(
    r"\b(?:ul|str|st|ave|av|prospekt|prosp|pr|vul|bul|blvd|per|pl|office|room|apt|kv|"
    r"ул|пр|пер|просп|бул|пл|д|кв|офис|комн)\b\.?",
    re.I,
)


@functools.lru_cache(maxsize=LINE_CACHE)
def contact_like(text: str) -> bool:
    """A line of an address or contact block (for blocks after the description)."""
    stripped = text.strip()
    if len(stripped) > 60 and not FIELD_MARK.search(stripped):
        return False  # a line of prose
    if stripped.endswith(".") and len(stripped.split()) >= 6 and not _channel_match(stripped):
        return False  # a sentence
    return bool(
        _is_field_like(text)
        or parse_address(text)
        or city_line(text)
        or is_person(text)
        or bare_role(text)
    )


class OfficeReader:
    """Mixin of the entry parser: ``entry``, ``map`` and ``keep`` come from it."""

    entry: ParsedEntry
    country_russia: bool
    # The parser's own methods: where a line went, and a line kept in the prose.
    map: Callable[[int, str], None]
    keep: Callable[[int, str], None]

    def new_office(self, label: str = "", city: str = "") -> int:
        self.entry.offices.append(ParsedOffice(label=label, city=city))
        return len(self.entry.offices) - 1

    def is_contact_block(self, block: list[tuple[int, str]]) -> bool:
        """No prose, tail or publications line, and at least half the lines contact-like:
        the lines are tested only until the count is decided (contact_like costs most)."""
        for _n, text in block:
            if _is_prose(text) or _is_tail(text) or PUBLICATIONS.match(text):
                return False
        wanted = (len(block) + 1) // 2
        spare = len(block) - wanted
        for _n, text in block:
            if contact_like(text):
                wanted -= 1
                if not wanted:
                    return True
            elif not spare:
                return False
            else:
                spare -= 1
        return wanted <= 0

    def head_block(self, block: list[tuple[int, str]]) -> None:
        entry = self.entry
        first_number, first = block[0]
        if (place := city_line(first)) and not _is_field_like(first):
            office = self.new_office(city=place[0])
            self.map(first_number, f"offices[{office}].city")
            self.office_lines(office, block[1:])
            return
        branch = BRANCH.match(first)
        heading = None
        if branch:
            heading = (first_number, branch.group("label").strip(), branch.group("city").strip())
        elif first.endswith(":") and not _is_field_like(first):
            heading = (first_number, first.rstrip(":").strip(), "")
        elif (
            not _is_field_like(first)
            and not is_person(first)
            and not bare_role(first)
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
            _role_match(t) or is_person(t) or bare_role(t) or (_channel_match(t) and i > 0)
            for i, (_n, t) in enumerate(block)
        )
        if only_people:
            office_index = len(entry.offices) - 1 if entry.offices else None
            self.office_lines(office_index, block)
            return
        if not entry.offices:
            self.office_lines(self.new_office(), block)
            return
        current = entry.offices[-1]
        has_address = any(
            _postal_match(t) or PO_BOX.match(t) or ADDRESS_LABEL.match(t) for _n, t in block
        )
        if has_address and (current.postal_code or current.po_box):
            self.office_lines(self.new_office(), block)
        else:
            self.office_lines(len(entry.offices) - 1, block)

    def apply_address(self, index: int, number: int, address: Address) -> None:
        office = self.entry.offices[index]
        if address.postal_code and not office.postal_code:
            office.postal_code = address.postal_code[:20]
        if address.city and not office.city:
            office.city = address.city[:120]
        if address.po_box and not office.po_box:
            office.po_box = address.po_box
        office.street_lines.extend(address.street)
        if address.country.casefold() in RUSSIA_NAMES:
            self.country_russia = True
        self.map(number, f"offices[{index}].address")

    def office_lines(self, office_index: int | None, block: list[tuple[int, str]]) -> None:
        entry = self.entry
        office = entry.offices[office_index] if office_index is not None else None
        contact: ParsedContact | None = None
        seen_channel = False
        pending_role = ""
        for position, (number, text) in enumerate(block):
            if channel := _channel_match(text):
                kinds, _label, value = channel
                parsed = _channels(kinds, value)
                if contact is not None:
                    contact.channels.extend(parsed)
                    self.map(number, f"contacts[{entry.contacts.index(contact)}].channels")
                else:
                    if office is None:
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
            following = block[position + 1][1] if position + 1 < len(block) else ""
            if bare_role(text) and is_person(following):
                pending_role = text.strip()
                self.map(number, f"contacts[{len(entry.contacts)}].role")
                continue
            if is_person(text):
                person = ParsedContact(name=text.strip()[:200], role=pending_role[:120])
                person.office = office_index
                entry.contacts.append(person)
                self.map(number, f"contacts[{len(entry.contacts) - 1}]")
                if pending_role:
                    contact = person
                pending_role = ""
                continue
            if office is None:
                office_index = self.new_office()
                office = entry.offices[office_index]
            if labelled := ADDRESS_LABEL.match(text):
                value = labelled.group("v").strip()
                address = parse_address(value)
                if address is not None:
                    self.apply_address(office_index, number, address)  # type: ignore[arg-type]
                elif (box := PO_BOX.match(value)) and not office.po_box:
                    office.po_box = box.group("v").strip()[:60]
                    self.map(number, f"offices[{office_index}].po_box")
                else:
                    office.street_lines.append(value)
                    self.map(number, f"offices[{office_index}].street_lines")
                continue
            if not office.postal_code and (address := parse_address(text)) is not None:
                self.apply_address(office_index, number, address)  # type: ignore[arg-type]
                continue
            if (box := PO_BOX.match(text)) and not office.po_box:
                office.po_box = box.group("v").strip()[:60]
                self.map(number, f"offices[{office_index}].po_box")
                continue
            if (place := city_line(text)) and not office.city:
                office.city = place[0]
                self.map(number, f"offices[{office_index}].city")
                continue
            if is_country(text):
                if text.strip().rstrip(".").casefold() in RUSSIA_NAMES:
                    self.country_russia = True
                    self.keep(number, text)  # the seed's "Russia" line stays as written
                else:
                    self.map(number, f"offices[{office_index}].country")
                continue
            streetish = bool(STREETISH.search(text)) and bool(DIGIT.search(text))
            if (
                ((not seen_channel and contact is None) or streetish)
                and len(text) <= 80
                and not _is_prose(text)
            ):
                office.street_lines.append(text)
                self.map(number, f"offices[{office_index}].street_lines")
                continue
            self.keep(number, text)
