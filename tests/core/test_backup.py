"""Backups: the restore drill on the suite's database (SQLite or PostgreSQL), the refusals,
retention, the stale-backup warning and the key sheet."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from vigil.core import keysheet
from vigil.core.backup import create, restore
from vigil.core.backup.archive import new_identity
from vigil.core.env import new_aes_key
from vigil.core.models import BackupRecord

VIGIL = str(Path(sys.executable).parent / "vigil")
DRILL = str(Path(__file__).with_name("backup_drill.py"))


# --- a site of its own, in subprocesses ---------------------------------------------------------
@contextlib.contextmanager
def databases(count: int) -> Iterator[list[str]]:
    """``count`` empty databases of the suite's kind: SQLite files, or throwaway PostgreSQL
    databases beside the test database (dropped afterwards)."""
    url = os.environ.get("VIGIL_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield [""] * count
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = {"host": parts.hostname, "port": parts.port or 5432,
             "user": parts.username or "postgres", "dbname": "postgres"}  # fmt: skip
    names = [f"vigil_drill_{os.getpid()}_{secrets.token_hex(3)}_{n}" for n in range(count)]
    with psycopg.connect(**admin, autocommit=True) as conn:  # type: ignore[arg-type]
        for name in names:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield [url.rsplit("/", 1)[0] + "/" + name for name in names]
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:  # type: ignore[arg-type]
            for name in names:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@pytest.fixture(scope="module")
def keys() -> dict[str, str]:
    secret, public = new_identity()
    return {
        "VIGIL_ENCRYPTION_KEYS": f"k7:{new_aes_key()}",
        "VIGIL_BLIND_INDEX_KEY": new_aes_key(),
        "VIGIL_SECRET_KEY": secrets.token_urlsafe(50),
        "VIGIL_BACKUP_RECIPIENTS": public,
        "identity": secret,
    }


def site_env(data_dir: Path, database_url: str, keys: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({k: v for k, v in keys.items() if k.startswith("VIGIL_")})
    env.update(VIGIL_ENV="development", VIGIL_DEBUG="0", VIGIL_LOG_LEVEL="ERROR",
               VIGIL_DATA_DIR=str(data_dir), VIGIL_DATABASE_URL=database_url,
               VIGIL_CONFIRMATION_DELAY_SECONDS="0")  # fmt: skip
    if database_url:
        env["VIGIL_REDIS_URL"] = os.environ.get("VIGIL_REDIS_URL", "redis://127.0.0.1:6379/15")
        env["VIGIL_CACHE_PREFIX"] = f"drill-{secrets.token_hex(4)}"
    return env


def vigil(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [VIGIL, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if check and result.returncode:
        raise AssertionError(f"vigil {' '.join(args)}: {result.returncode}\n{result.stderr}")
    return result


def drill(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, DRILL, *args], env=env, check=True, timeout=300,
                   capture_output=True)  # fmt: skip


# --- the drill ------------------------------------------------------------------------------------
def test_restore_drill_gives_back_every_table_value_and_page(
    tmp_path: Path, keys: dict[str, str]
) -> None:
    identity = tmp_path / "backup-key.txt"
    identity.write_text(keys["identity"] + "\n")
    with databases(2) as (original_url, restored_url):
        original = site_env(tmp_path / "original", original_url, keys)
        vigil(original, "migrate", "-v", "0")
        vigil(original, "createcachetable")
        vigil(original, "load_demo")
        drill(original, "fill")  # one of everything the public can leave
        made = vigil(original, "backup", "--to", str(tmp_path / "backups"))
        archive = next((tmp_path / "backups").glob("vigil-backup-*.tar.age"))
        assert archive.name in made.stdout and archive.stat().st_size > 10_000
        drill(original, "describe", str(tmp_path / "before.json"))

        # A site with other keys cannot take it, and says so in one line.
        stranger = site_env(tmp_path / "stranger", restored_url, {**keys, "VIGIL_ENCRYPTION_KEYS":
                            f"k7:{new_aes_key()}"})  # fmt: skip
        refused = vigil(stranger, "restore", str(archive), "-i", str(identity), check=False)
        assert refused.returncode == 2
        assert refused.stderr.startswith("vigil: restore refused: the keys in the environment")
        assert refused.stderr.count("\n") == 1

        restored = site_env(tmp_path / "restored", restored_url, keys)
        done = vigil(restored, "restore", str(archive), "-i", str(identity))
        assert "migrated" in done.stdout
        drill(restored, "describe", str(tmp_path / "after.json"))
        again = vigil(restored, "restore", str(archive), "-i", str(identity), check=False)
        assert again.returncode == 2 and "is not empty" in again.stderr

    before = json.loads((tmp_path / "before.json").read_text())
    after = json.loads((tmp_path / "after.json").read_text())
    # The original recorded the backup after taking it: the one row the archive cannot hold.
    record_table = BackupRecord._meta.db_table
    assert before["tables"].pop(record_table) == after["tables"].pop(record_table) + 1
    assert before["tables"] == after["tables"]
    empty = [table for table, rows in before["tables"].items() if rows == 0]
    assert len(empty) < len(before["tables"]) / 3, empty
    assert before["samples"] == after["samples"]
    assert sum(s["non_empty"] for s in before["samples"].values()) > 20
    assert before["pages"] == after["pages"]
    assert sum(1 for status, _ in before["pages"].values() if status == 200) > 40


def test_a_backup_during_signing_holds_every_signature_with_its_mail_owed_or_sent(
    tmp_path: Path, keys: dict[str, str], smtp_server: Any
) -> None:
    """Signing through a running server (its worker mailing confirmations as it goes) while
    the backup is taken: every signature in the archive has its mail still owed, or already
    received by the SMTP server."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import wrk

    identity = tmp_path / "backup-key.txt"
    identity.write_text(keys["identity"] + "\n")
    with databases(2) as (live_url, restored_url):
        live = site_env(tmp_path / "live", live_url, keys)
        live.update(VIGIL_PROXY_COUNT="1", VIGIL_SMTP_HOST=smtp_server.host,
                    VIGIL_SMTP_PORT=str(smtp_server.port))  # fmt: skip
        vigil(live, "migrate", "-v", "0")
        vigil(live, "createcachetable")
        drill(live, "petition", "load")
        port = free_port()
        server = subprocess.Popen(
            [VIGIL, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env=live,
            stdout=(tmp_path / "serve.log").open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_for_health(port)
            backed_up = threading.Event()
            answers: list[int] = []

            def sign_until_backed_up() -> None:
                # Short runs until the backup is done, then one more: the archive is taken
                # mid-load however slowly the machine starts the backup.
                while True:
                    done = backed_up.is_set()
                    run = wrk.sign(f"http://127.0.0.1:{port}", "/petitions/load/", proxies=1,
                                   threads=2, connections=4, duration=2)  # fmt: skip
                    answers.append(run["ok"])
                    if done:
                        return

            signing = threading.Thread(target=sign_until_backed_up)
            signing.start()
            # The archive must hold some confirmations already sent: on a busy machine the
            # worker can take seconds to send and clear its first batch, so wait for one.
            wait_for_a_sent_confirmation(live, tmp_path / "progress.json", deadline=120)
            vigil(live, "backup", "--to", str(tmp_path / "backups"))
            backed_up.set()
            signing.join()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        drill(live, "signatures", str(tmp_path / "live.json"))
        assert sum(answers) > 20 and answers[-1] > 0, answers
        archive = next((tmp_path / "backups").glob("*.tar.age"))
        restored = site_env(tmp_path / "restored", restored_url, keys)
        vigil(restored, "restore", str(archive), "-i", str(identity))
        drill(restored, "signatures", str(tmp_path / "signatures.json"))
    rows = json.loads((tmp_path / "signatures.json").read_text())["rows"]
    mailed = {rcpt for _sender, rcpts in smtp_server.envelopes for rcpt in rcpts}
    sent = [r for r in rows if not r["owed"]]
    signed = json.loads((tmp_path / "live.json").read_text())["rows"]
    assert 0 < len(rows) < len(signed)  # the backup was taken mid-load
    assert sent, "no confirmation had been sent when the backup was taken: nothing was checked"
    assert [r["email"] for r in sent if r["email"] not in mailed] == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_a_sent_confirmation(env: dict[str, str], report: Path, deadline: float) -> None:
    give_up = time.monotonic() + deadline
    while time.monotonic() < give_up:
        drill(env, "signatures", str(report))
        if any(not row["owed"] for row in json.loads(report.read_text())["rows"]):
            return
        time.sleep(0.2)
    raise AssertionError(f"the worker sent no confirmation in {deadline:.0f} s")


def wait_for_health(port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("vigil serve did not answer /health/ in 90 s")


def test_a_damaged_archive_is_refused_and_leaves_the_target_empty(
    tmp_path: Path, keys: dict[str, str]
) -> None:
    """An archive whose manifest does not match its database (a row count changed, the
    archive re-encrypted) is refused after the database was put in place, and SQLite's file
    is taken back: the data folder is empty again."""
    import io
    import tarfile

    import pyrage
    from pyrage import x25519

    from vigil.core.backup.archive import MANIFEST

    with databases(2) as (original_url, target_url):
        original = site_env(tmp_path / "original", original_url, keys)
        vigil(original, "migrate", "-v", "0")
        vigil(original, "backup", "--to", str(tmp_path / "backups"))
        archive = next((tmp_path / "backups").glob("*.tar.age"))
        identity = x25519.Identity.from_str(keys["identity"])
        opened = io.BytesIO(pyrage.decrypt(archive.read_bytes(), [identity]))
        damaged = io.BytesIO()
        with tarfile.open(fileobj=opened) as plain, tarfile.open(fileobj=damaged, mode="w") as out:
            for member in plain.getmembers():
                data = plain.extractfile(member).read()  # type: ignore[union-attr]
                if member.name == MANIFEST:
                    manifest = json.loads(data)
                    manifest["tables"]["accounts.User"]["rows"] = 7
                    data = json.dumps(manifest).encode()
                    member.size = len(data)
                out.addfile(member, io.BytesIO(data))
        bad = tmp_path / "damaged.tar.age"
        bad.write_bytes(pyrage.encrypt(damaged.getvalue(), [identity.to_public()]))
        (tmp_path / "key.txt").write_text(keys["identity"] + "\n")
        target = site_env(tmp_path / "target", target_url, keys)
        refused = vigil(target, "restore", str(bad), "-i", str(tmp_path / "key.txt"), check=False)
    assert refused.returncode == 2
    assert "accounts.User holds 0 rows after the restore, the manifest says 7" in refused.stderr
    if not original_url:
        assert not (tmp_path / "target" / "vigil.sqlite3").exists()


# --- the refusals, one by one --------------------------------------------------------------------
def manifest(**changes: Any) -> dict[str, Any]:
    from django.db import connection

    base: dict[str, Any] = {
        "database": connection.vendor,
        "vigil_version": create.vigil_version(),
        "migrations": {"core": ["0001_backup_record"]},
        "key_probes": [],
    }
    return {**base, **changes}


def test_an_archive_newer_than_the_code_is_refused() -> None:
    restore.check_manifest(manifest())
    with pytest.raises(restore.RestoreRefused, match=r"newer than this code.*core\.0099_future"):
        restore.check_manifest(manifest(migrations={"core": ["0001_backup_record",
                                                              "0099_future"]}))  # fmt: skip
    with pytest.raises(restore.RestoreRefused, match=r"made by Vigil 99\.0"):
        restore.check_manifest(manifest(vigil_version="99.0"))
    # An app this code does not have (renamed since) is left to migrate, not refused.
    restore.check_manifest(manifest(migrations={"gone": ["0001_initial"]}))
    with pytest.raises(restore.RestoreRefused, match="restore it into the same kind"):
        restore.check_manifest(manifest(database="oracle"))


def test_keys_that_cannot_open_the_data_are_refused(settings: Any) -> None:
    from vigil.core.crypto import blind_index, keyring, normalise_email

    sealed = keyring().encrypt("someone@example.org")
    probes = [
        {"kind": "sealed", "field": "accounts.User.name", "value": keyring().encrypt("Имя")},
        {"kind": "blind_index", "field": "accounts.User.email_index", "value": sealed,
         "index": blind_index("someone@example.org", purpose="accounts.user.email"),
         "purpose": "accounts.user.email", "normaliser": "vigil.core.crypto.normalise_email"},
    ]  # fmt: skip
    assert restore.unreadable(probes) == []
    assert normalise_email(" Someone@Example.org") == "someone@example.org"
    settings.VIGIL_BLIND_INDEX_KEY = new_aes_key()
    assert restore.unreadable(probes) == [
        "accounts.User.email_index: VIGIL_BLIND_INDEX_KEY is not the one used"
    ]
    settings.VIGIL_ENCRYPTION_KEYS = f"k9:{new_aes_key()}"
    problems = restore.unreadable(probes)
    assert len(problems) == 2 and "no key with id" in problems[0]


# --- retention and the start-up warning ----------------------------------------------------------
def test_retention_keeps_the_newest_of_each_recent_day_and_month(tmp_path: Path) -> None:
    start = dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.UTC)
    made = []
    for hours in range(0, 24 * 120, 12):  # twice a day for 120 days
        when = start + dt.timedelta(hours=hours)
        path = tmp_path / create.archive_name(when.timetuple())
        path.write_bytes(b"x")
        made.append(path)
    (tmp_path / "notes.txt").write_text("not a backup")
    pruned = set(create.to_prune(tmp_path, daily=7, monthly=3))
    kept = sorted(set(made) - pruned)
    names = [p.name for p in kept]
    # The last 7 days' newest (14:00), plus the newest of April, March and February.
    assert len(kept) == 7 + 2 == len(names)
    assert names[-1] == made[-1].name and all("T14" in n for n in names)
    assert {n[13:19] for n in names} == {"202604", "202603", "202602"}
    assert (tmp_path / "notes.txt") not in pruned


@pytest.mark.django_db
def test_start_up_warns_when_the_last_backup_is_old(settings: Any) -> None:
    settings.VIGIL_BACKUP_WARN_DAYS = 2
    assert "no backup has been made" in (create.stale_backup_warning() or "")
    now = timezone.now()
    BackupRecord.objects.create(finished_at=now - dt.timedelta(days=3), archive="a", size=1,
                                sha256="0" * 64, database="sqlite", rows=1)  # fmt: skip
    assert "3 days ago" in (create.stale_backup_warning(now) or "")
    BackupRecord.objects.create(finished_at=now - dt.timedelta(hours=30), archive="b", size=1,
                                sha256="0" * 64, database="sqlite", rows=1)  # fmt: skip
    assert create.stale_backup_warning(now) is None
    settings.VIGIL_BACKUP_WARN_DAYS = 0
    BackupRecord.objects.all().delete()
    assert create.stale_backup_warning(now) is None


# --- the key sheet -------------------------------------------------------------------------------
def test_the_key_sheet_types_back_and_finds_typos() -> None:
    keys = keysheet.keys_of(f"k2:{new_aes_key()},k1:{new_aes_key()}", new_aes_key())
    sheet = keysheet.render(keys, site="https://vigil.example.org", now=timezone.now())
    assert keysheet.parse(sheet) == keys
    # Typed back in lower case, with 0 for O and 1 for I: still the keys.
    sloppy = "\n".join(
        line.lower().replace("o", "0").replace("i", "1") if keysheet.LINE.match(line) else line
        for line in sheet.splitlines()
    )
    assert [k.raw for k in keysheet.parse(sloppy)] == [k.raw for k in keys]
    lines = sheet.splitlines()
    row = next(n for n, line in enumerate(lines) if line.strip().startswith("2 "))
    typo = lines[row].replace(lines[row].split()[1], lines[row].split()[1][::-1], 1)
    with pytest.raises(keysheet.SheetError, match="line 2: the letters do not match"):
        keysheet.parse("\n".join([*lines[:row], typo, *lines[row + 1 :]]))
    with pytest.raises(keysheet.SheetError, match="line 3 comes where line 2 should"):
        keysheet.parse("\n".join([*lines[:row], *lines[row + 1 :]]))
    env = keysheet.environment_lines(keysheet.parse(sheet))
    assert env[0].startswith("VIGIL_ENCRYPTION_KEYS=k2:") and ",k1:" in env[0]
