"""Start-up: clear one-line errors for wrong settings, a clean deploy check in production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from vigil.core.env import new_aes_key

VIGIL = str(Path(sys.executable).parent / "vigil")


def run_vigil(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("VIGIL_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.update({"VIGIL_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [VIGIL, *args], env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def production_env() -> dict[str, str]:
    return {
        "VIGIL_ENV": "production",
        "VIGIL_SECRET_KEY": "s" * 20 + new_aes_key(),
        "VIGIL_ENCRYPTION_KEYS": f"k1:{new_aes_key()}",
        "VIGIL_BLIND_INDEX_KEY": new_aes_key(),
        "VIGIL_ALLOWED_HOSTS": "vigil.example.org",
        "VIGIL_SMTP_HOST": "127.0.0.1",
        "VIGIL_BASE_URL": "https://vigil.example.org",
    }


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_production_passes_the_deploy_check_with_no_warning(tmp_path: Path) -> None:
    result = run_vigil("check", "--deploy", "--fail-level", "WARNING", env=production_env(),
                       tmp_path=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "expected"),
    [
        ("VIGIL_SECRET_KEY", "vigil: VIGIL_SECRET_KEY is not set"),
        ("VIGIL_ENCRYPTION_KEYS", "vigil: VIGIL_ENCRYPTION_KEYS is not set"),
        ("VIGIL_BLIND_INDEX_KEY", "vigil: VIGIL_BLIND_INDEX_KEY is not set"),
        ("VIGIL_ALLOWED_HOSTS", "vigil: VIGIL_ALLOWED_HOSTS is not set"),
        ("VIGIL_SMTP_HOST", "vigil: VIGIL_SMTP_HOST is not set"),
    ],
)
def test_production_refuses_to_start_without_a_secret(
    tmp_path: Path, missing: str, expected: str
) -> None:
    env = production_env()
    del env[missing]
    result = run_vigil("check", env=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert one_line(result.stderr).startswith(expected)


def test_keys_generate_works_where_production_has_no_keys_yet(tmp_path: Path) -> None:
    env = production_env()
    for name in ("VIGIL_SECRET_KEY", "VIGIL_ENCRYPTION_KEYS", "VIGIL_BLIND_INDEX_KEY"):
        del env[name]
    result = run_vigil("keys", "generate", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    generated = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert sorted(generated) == [
        "VIGIL_BLIND_INDEX_KEY",
        "VIGIL_ENCRYPTION_KEYS",
        "VIGIL_SECRET_KEY",
    ]
    check = run_vigil("check", "--deploy", env={**env, **generated}, tmp_path=tmp_path)
    assert check.returncode == 0, check.stderr


def test_debug_is_refused_in_production(tmp_path: Path) -> None:
    result = run_vigil("check", env={**production_env(), "VIGIL_DEBUG": "1"}, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "VIGIL_DEBUG must be off in production" in one_line(result.stderr)


def test_unreachable_database_stops_start_up_with_one_line(tmp_path: Path) -> None:
    env = {"VIGIL_DATABASE_URL": "postgres://nobody@127.0.0.1:9/vigil"}
    result = run_vigil("migrate", env=env, tmp_path=tmp_path)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert line.startswith("vigil: cannot reach the PostgreSQL database 'vigil' at 127.0.0.1:9")
    assert "VIGIL_DATABASE_URL" in line


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"VIGIL_DATABASE_URL": "mysql://x@localhost/db"}, "VIGIL_DATABASE_URL must start with"),
        ({"VIGIL_ENV": "staging"}, "VIGIL_ENV must be 'development' or 'production'"),
        ({"VIGIL_DEBUG": "perhaps"}, "VIGIL_DEBUG must be 1/0"),
        ({"VIGIL_TASKS_BACKEND": "celery"}, "VIGIL_TASKS_BACKEND must be one of"),
        ({"VIGIL_ENCRYPTION_KEYS": "k1:short"}, "VIGIL_ENCRYPTION_KEYS: key 'k1'"),
        ({"VIGIL_BLIND_INDEX_KEY": "c2hvcnQ="}, "VIGIL_BLIND_INDEX_KEY must hold at least 32"),
        ({"VIGIL_DEFAULT_TIME_ZONE": "Moscow"}, "VIGIL_DEFAULT_TIME_ZONE must be a time zone"),
        ({"VIGIL_LOG_LEVEL": "chatty"}, "VIGIL_LOG_LEVEL must be one of"),
        ({"VIGIL_DATA_DIR": "/proc/vigil"}, "VIGIL_DATA_DIR '/proc/vigil' cannot be used"),
    ],
)
def test_wrong_settings_say_what_to_set(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    result = run_vigil("check", env=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert expected in one_line(result.stderr)


def test_development_keys_are_made_once_and_kept_private(tmp_path: Path) -> None:
    first = run_vigil("check", env={}, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    secrets_file = tmp_path / "data" / "development-secrets.json"
    assert secrets_file.stat().st_mode & 0o777 == 0o600
    content = secrets_file.read_text()
    assert run_vigil("check", env={}, tmp_path=tmp_path).returncode == 0
    assert secrets_file.read_text() == content


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # The test database may live in memory, where SQLite reports "memory" instead of WAL.
    assert mode in {"wal", "memory"}


def test_embedded_database_file_uses_wal(tmp_path: Path) -> None:
    result = run_vigil(
        "shell", "-c",
        "from django.db import connection\n"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        env={}, tmp_path=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "wal"
    assert (tmp_path / "data" / "vigil.sqlite3").exists()


def test_cache_follows_the_database_mode() -> None:
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.USES_POSTGRES:
        assert backend == "django.core.cache.backends.redis.RedisCache"
    else:
        assert backend == "django.core.cache.backends.db.DatabaseCache"
