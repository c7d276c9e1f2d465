"""What Vigil writes to disk is for its own user only, and production refuses to run otherwise.

Issue 14, point 12: the SQLite database and its WAL, private files (scans), the mail folder
and the development secrets were created readable by every user of the machine.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vigil.core.env import new_aes_key

WRITE_EVERYTHING = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.files.base import ContentFile
    from django.core.mail import send_mail
    from django.db import connection
    from vigil.petitions.models import private_storage

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE canary (x text)")
        cursor.execute("INSERT INTO canary VALUES ('x')")
    send_mail("s", "b", "a@example.org", ["b@example.org"])
    private_storage().save("scan.pdf", ContentFile(b"%PDF"))
    # The WAL goes when the last connection closes: its mode is read while it is open.
    wal = str(connection.settings_dict["NAME"]) + "-wal"
    import os, stat
    print(oct(stat.S_IMODE(os.stat(wal).st_mode)))
    """
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_")}
    base.update(env, DJANGO_SETTINGS_MODULE="vigil.settings")
    return subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, timeout=120
    )


def test_development_creates_everything_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = run({"VIGIL_DATA_DIR": str(data), "VIGIL_ENV": "development"}, WRITE_EVERYTHING)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0o600"  # the WAL
    assert mode(data) == 0o700
    for name in ("development-secrets.json", "vigil.sqlite3"):
        assert mode(data / name) == 0o600, name
    for folder in (data / "mail", data / "private", data / "private" / "petitions"):
        assert mode(folder) == 0o700, folder
        for file in folder.iterdir():
            if file.is_file():
                assert mode(file) == 0o600, file


def production(data: Path) -> dict[str, str]:
    return {
        "VIGIL_ENV": "production",
        "VIGIL_DATA_DIR": str(data),
        "VIGIL_SECRET_KEY": "s" * 60,
        "VIGIL_ENCRYPTION_KEYS": f"k1:{new_aes_key()}",
        "VIGIL_BLIND_INDEX_KEY": new_aes_key(),
        "VIGIL_ALLOWED_HOSTS": "vigil.example.org",
        "VIGIL_SMTP_HOST": "127.0.0.1",
        "VIGIL_BASE_URL": "https://vigil.example.org",
    }


BOOT = "from vigil.startup import boot; boot(check_database=False); print('started')"


@pytest.mark.parametrize(
    ("make", "culprit"),
    [
        (lambda d: d.chmod(0o755), ""),
        (lambda d: (d / "vigil.sqlite3").write_bytes(b"") or (d / "vigil.sqlite3").chmod(0o644),
         "vigil.sqlite3"),
        (lambda d: (d / "private").mkdir(mode=0o755) or (d / "private").chmod(0o755), "private"),
        (lambda d: (d / "mail").mkdir() or (d / "mail").chmod(0o750), "mail"),
    ],
)  # fmt: skip
def test_production_refuses_files_others_can_read(
    tmp_path: Path, make: object, culprit: str
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    data.chmod(0o700)
    assert run(production(data), BOOT).stdout.strip() == "started"
    make(data)  # type: ignore[operator]
    refused = run(production(data), BOOT)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert str(data / culprit).rstrip("/") in lines[0] and "chmod" in lines[0]
