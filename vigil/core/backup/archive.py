"""The backup archive: a tar stream, encrypted to age recipients, with a manifest first.

    vigil-backup-20261203T020000Z.tar.age
      = age(recipients)[ tar[ manifest.json, database/<snapshot>, files/media/…, files/private/… ] ]

The server holds only the recipients' *public* keys (``VIGIL_BACKUP_RECIPIENTS``): it writes
archives it cannot read.  Opening one takes an identity (``AGE-SECRET-KEY-1…``) that the
backup holders keep offline; the ``age`` command opens it too (``age -d -i key.txt``).

The manifest lists every other member with its size and SHA-256, so a restore checks each
file before it uses it.  Tar and age are both streamed: nothing is held whole in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tarfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyrage
from pyrage import ssh, x25519

FORMAT = 1
MANIFEST = "manifest.json"
PREFIX = "vigil-backup-"
SUFFIX = ".tar.age"
CHUNK = 1 << 20


class ArchiveError(Exception):
    """The archive cannot be used; the message says why, in one line."""


def archive_name(when: time.struct_time) -> str:
    return f"{PREFIX}{time.strftime('%Y%m%dT%H%M%SZ', when)}{SUFFIX}"


def parse_recipients(spec: str) -> list[Any]:
    """age (``age1…``) or SSH (``ssh-ed25519 …``) public keys, separated by commas."""
    recipients: list[Any] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        try:
            if item.startswith("age1"):
                recipients.append(x25519.Recipient.from_str(item))
            else:
                recipients.append(ssh.Recipient.from_str(item))
        except pyrage.RecipientError:
            raise ArchiveError(f"{item[:24]}… is not an age or SSH public key") from None
    if not recipients:
        raise ArchiveError("no backup recipient: set VIGIL_BACKUP_RECIPIENTS to age public keys")
    return recipients


def read_identities(path: Path) -> list[Any]:
    """The ``AGE-SECRET-KEY-1…`` lines of an identity file (``age-keygen`` writes one)."""
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise ArchiveError(f"cannot read the identity file {path}: {exc.strerror}") from None
    identities = []
    for line in lines:
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                identities.append(x25519.Identity.from_str(line))
            except pyrage.IdentityError:
                raise ArchiveError(f"{path} holds a malformed AGE-SECRET-KEY line") from None
    if not identities:
        raise ArchiveError(f"{path} holds no AGE-SECRET-KEY line")
    return identities


def new_identity() -> tuple[str, str]:
    """A fresh key pair: (identity to keep offline, recipient for the server)."""
    identity = x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


class Progress:
    """One line on standard error, rewritten in place, when it is a terminal; else silent."""

    def __init__(self, *, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.last = 0.0

    def say(self, text: str, *, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if final or now - self.last > 0.2:
            end = "\n" if final else ""
            sys.stderr.write(f"\r\033[K{text}{end}")
            sys.stderr.flush()
            self.last = now


class _Counting:
    """A write-only stream that counts and reports what passes through it."""

    def __init__(self, raw: IO[bytes], progress: Progress) -> None:
        self.raw, self.progress, self.written = raw, progress, 0

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.written += len(data)
        self.progress.say(f"backup: {self.written / 1e6:,.1f} MB written")
        return len(data)

    def flush(self) -> None:
        self.raw.flush()


@dataclass(frozen=True)
class Member:
    name: str  # its path inside the archive
    path: Path  # where it is now


def members_of(folder: Path, under: str) -> list[Member]:
    """Every file below ``folder``, named ``under/<relative path>``."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found.append(Member(f"{under}/{path.relative_to(folder).as_posix()}", path))
    return found


def write_archive(
    out: IO[bytes],
    recipients: list[Any],
    manifest: dict[str, Any],
    members: Iterable[Member],
    progress: Progress,
) -> None:
    """Write the encrypted archive to ``out``: the manifest (with each member's checksum),
    then the members.  A tar writer feeds age through a pipe; age runs in a thread."""
    members = list(members)
    manifest = {
        **manifest,
        "format": FORMAT,
        "files": {m.name: {"size": m.path.stat().st_size, "sha256": sha256_of(m.path)}
                  for m in members},
    }  # fmt: skip
    read_end, write_end = os.pipe()
    failure: list[BaseException] = []

    def encrypt() -> None:
        with os.fdopen(read_end, "rb") as source:
            try:
                pyrage.encrypt_io(source, out, recipients)
            except BaseException as exc:
                failure.append(exc)
                while source.read(CHUNK):  # let the writer finish instead of blocking
                    pass

    worker = threading.Thread(target=encrypt, name="age-encrypt")
    worker.start()
    try:
        with os.fdopen(write_end, "wb") as pipe:
            counting: Any = _Counting(pipe, progress)
            with tarfile.open(fileobj=counting, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
                for member in members:
                    info = tar.gettarinfo(str(member.path), arcname=member.name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    with member.path.open("rb") as fh:
                        tar.addfile(info, fh)
    finally:
        worker.join()
    if failure:
        raise ArchiveError(f"encrypting the archive failed: {failure[0]}")
    progress.say(f"backup: {counting.written / 1e6:,.1f} MB written", final=True)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def read_archive(
    source: IO[bytes],
    identities: list[Any],
    staging: Path,
    progress: Progress,
    *,
    before_files: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Decrypt and unpack the archive into ``staging``; check every member against the
    manifest.  ``before_files`` sees the manifest before anything else is unpacked (a
    refusal then costs no unpacking).  Returns the manifest."""
    read_end, write_end = os.pipe()
    failure: list[BaseException] = []

    def decrypt() -> None:
        with os.fdopen(write_end, "wb") as sink:
            try:
                pyrage.decrypt_io(source, sink, identities)
            except BaseException as exc:
                failure.append(exc)

    worker = threading.Thread(target=decrypt, name="age-decrypt")
    worker.start()
    manifest: dict[str, Any] | None = None
    seen: dict[str, str] = {}
    try:
        with os.fdopen(read_end, "rb") as pipe:
            try:
                with tarfile.open(fileobj=pipe, mode="r|") as tar:
                    for info in tar:
                        if manifest is None:
                            manifest = _first_manifest(tar, info)
                            if before_files is not None:
                                before_files(manifest)
                            continue
                        seen[info.name] = _unpack(tar, info, staging, manifest)
                        progress.say(f"restore: {len(seen)} of {len(manifest['files'])} files")
            except tarfile.TarError:
                if not failure:
                    raise ArchiveError(
                        "the archive is damaged: its contents are not a tar"
                    ) from None
            finally:
                while pipe.read(CHUNK):  # drain, so the decrypting thread can end
                    pass
    finally:
        worker.join()
    if failure:
        if isinstance(failure[0], pyrage.DecryptError):
            raise ArchiveError(
                "the archive does not open with this identity (wrong key, or not an age file)"
            )
        raise ArchiveError(f"decrypting the archive failed: {failure[0]}")
    if manifest is None:
        raise ArchiveError("the archive is empty")
    missing = sorted(set(manifest["files"]) - set(seen))
    if missing:
        raise ArchiveError(
            f"the archive is incomplete: {len(missing)} files missing ({missing[0]})"
        )
    progress.say(f"restore: {len(seen)} files checked", final=True)
    return manifest


def _first_manifest(tar: tarfile.TarFile, info: tarfile.TarInfo) -> dict[str, Any]:
    if info.name != MANIFEST:
        raise ArchiveError("this is not a Vigil backup: it does not start with a manifest")
    fh = tar.extractfile(info)
    if fh is None:
        raise ArchiveError("the manifest cannot be read")
    manifest: dict[str, Any] = json.loads(fh.read())
    if manifest.get("format") != FORMAT:
        raise ArchiveError(f"backup format {manifest.get('format')!r} is not known to this code")
    return manifest


def _unpack(
    tar: tarfile.TarFile, info: tarfile.TarInfo, staging: Path, manifest: dict[str, Any]
) -> str:
    """One member into the staging folder, its checksum checked on the way."""
    expected = manifest["files"].get(info.name)
    if expected is None or not info.isfile():
        raise ArchiveError(f"the archive holds {info.name!r}, which its manifest does not list")
    target = (staging / info.name).resolve()
    if not target.is_relative_to(staging.resolve()):
        raise ArchiveError(f"the archive names a path outside its folder: {info.name!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    fh = tar.extractfile(info)
    if fh is None:
        raise ArchiveError(f"{info.name} cannot be read")
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while block := fh.read(CHUNK):
            digest.update(block)
            out.write(block)
    if digest.hexdigest() != expected["sha256"]:
        raise ArchiveError(f"{info.name} does not match its checksum: the archive is damaged")
    return digest.hexdigest()
