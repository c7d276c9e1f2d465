"""The key sheet: the data keys in a form to print or keep offline, and to type back.

``vigil keys export`` prints the encryption keys and the blind-index key in base32 (letters
and the digits 2-7: no 0/O or 1/I to confuse), four groups of four a line, each line with a
two-letter check and each key with a fingerprint.  ``vigil keys import`` reads a sheet typed
back, says which line holds a typo, and prints the environment lines once every check holds.
Pure functions, usable before settings load (a new server has no keys yet).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

TITLE = "VIGIL KEY SHEET, format 1"
GROUP, PER_LINE = 4, 4
ENCRYPTION = "ENCRYPTION KEY"
BLIND = "BLIND-INDEX KEY"
LINE = re.compile(r"^\s*(\d+)\s+([A-Za-z0-9 ]+?)\s+-\s+([A-Za-z0-9]{2})\s*$")
FINGERPRINT = re.compile(r"^\s*fingerprint\s+([0-9A-Fa-f ]+?)\s*$")
#: What people mistype when copying base32 by hand, read as what they meant.
LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})


class SheetError(ValueError):
    """The sheet cannot be read back; the message points at the line."""


@dataclass(frozen=True)
class Key:
    section: str  # "ENCRYPTION KEY k1" or "BLIND-INDEX KEY"
    raw: bytes


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def _check(section: str, number: int, chars: str) -> str:
    digest = hashlib.sha256(f"{section}\x00{number}\x00{chars}".encode()).digest()
    return _b32(digest)[:2]


def fingerprint(raw: bytes) -> str:
    text = hashlib.sha256(raw).hexdigest()[:8].upper()
    return f"{text[:4]} {text[4:]}"


def keys_of(encryption_keys: str, blind_index_key: str) -> list[Key]:
    keys = []
    for item in (p.strip() for p in encryption_keys.split(",")):
        if item:
            key_id, _, encoded = item.partition(":")
            keys.append(Key(f"{ENCRYPTION} {key_id}", base64.urlsafe_b64decode(encoded)))
    keys.append(Key(BLIND, base64.urlsafe_b64decode(blind_index_key)))
    return keys


def render(keys: list[Key], *, site: str, now: dt.datetime) -> str:
    out = [
        TITLE,
        f"{site}, printed {now:%Y-%m-%d %H:%M} UTC.",
        "Whoever holds this sheet can read people's data in the database and its backups.",
        "Keep it offline and apart from the backups. Type it back with: vigil keys import",
        "",
    ]
    for n, key in enumerate(keys):
        note = " (seals new data)" if n == 0 and key.section.startswith(ENCRYPTION) else ""
        out.append(key.section + note)
        text = _b32(key.raw)
        width = GROUP * PER_LINE
        for number, start in enumerate(range(0, len(text), width), start=1):
            chars = text[start : start + width]
            groups = " ".join(chars[i : i + GROUP] for i in range(0, len(chars), GROUP))
            out.append(f"  {number:>2}  {groups:<19}  -  {_check(key.section, number, chars)}")
        out.append(f"  fingerprint {fingerprint(key.raw)}")
        out.append("")
    return "\n".join(out)


def parse(text: str) -> list[Key]:
    """The keys of a sheet typed back; SheetError names the first line that is wrong."""
    keys: list[Key] = []
    section: str | None = None
    chunks: list[str] = []

    def finish(section: str, printed: str | None) -> None:
        data = "".join(chunks)
        try:
            raw = base64.b32decode(data + "=" * (-len(data) % 8))
        except (binascii.Error, ValueError):
            raise SheetError(
                f"{section}: the lines do not make a key; is a line missing?"
            ) from None
        if printed is not None and fingerprint(raw).replace(" ", "") != printed:
            raise SheetError(
                f"{section}: every line checks, but the fingerprint does not: is a line missing "
                f"or two lines swapped?"
            )
        keys.append(Key(section, raw))

    for line in text.splitlines():
        stripped = line.strip()
        heading = re.sub(r"\s*\(.*\)$", "", stripped).upper()
        if heading.startswith(ENCRYPTION) or heading == BLIND:
            if section is not None:
                raise SheetError(f"{section}: its fingerprint line is missing")
            section = f"{ENCRYPTION} {stripped.split()[2]}" if heading != BLIND else BLIND
            chunks = []
            continue
        if section is None:
            continue
        if match := FINGERPRINT.match(line):
            finish(section, match.group(1).replace(" ", "").upper())
            section = None
            continue
        if match := LINE.match(line):
            number = int(match.group(1))
            chars = match.group(2).replace(" ", "").upper().translate(LOOKALIKES)
            if number != len(chunks) + 1:
                raise SheetError(
                    f"{section}: line {number} comes where line {len(chunks) + 1} should"
                )
            if _check(section, number, chars) != match.group(3).upper().translate(LOOKALIKES):
                raise SheetError(
                    f"{section}, line {number}: the letters do not match the check "
                    f"{match.group(3).upper()}: look for a typo in {match.group(2).strip()}"
                )
            chunks.append(chars)
        elif stripped:
            raise SheetError(f"{section}: cannot read the line {stripped!r}")
    if section is not None:
        raise SheetError(f"{section}: its fingerprint line is missing")
    if not any(k.section == BLIND for k in keys) or not any(k.section != BLIND for k in keys):
        raise SheetError("the sheet needs at least one encryption key and the blind-index key")
    return keys


def environment_lines(keys: list[Key]) -> list[str]:
    """The settings the keys go back into, in the sheet's order."""
    encryption = ",".join(
        f"{k.section.split()[-1]}:{base64.urlsafe_b64encode(k.raw).decode()}"
        for k in keys
        if k.section != BLIND
    )
    blind = next(base64.urlsafe_b64encode(k.raw).decode() for k in keys if k.section == BLIND)
    return [f"VIGIL_ENCRYPTION_KEYS={encryption}", f"VIGIL_BLIND_INDEX_KEY={blind}"]
