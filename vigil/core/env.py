"""Reading settings from the environment, with one clear line when something is wrong.

Imported by ``vigil.settings`` before Django is set up: nothing here may touch models.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A setting is missing or wrong; the message says what to set."""


def require(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigError(f"{name} is not set: set it to {what}")
    return value


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be 1/0, true/false, yes/no or on/off, not {raw!r}")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, "").strip().upper() or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def check_keys(encryption_keys: str, blind_index_key: str) -> None:
    """Parse both keys now, so that a malformed one stops start-up with one line."""
    from .crypto import Keyring, parse_blind_key

    try:
        Keyring.parse(encryption_keys)
        parse_blind_key(blind_index_key)
    except ImproperlyConfigured as exc:
        raise ConfigError(str(exc)) from None


def check_time_zone(name: str, value: str) -> str:
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{name} must be a time zone name such as Europe/Moscow, not {value!r}"
        ) from None
    return value


def new_aes_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def print_new_keys() -> None:
    """A fresh set of secrets for a production environment file."""
    print(f"VIGIL_SECRET_KEY={secrets.token_urlsafe(64)}")
    print(f"VIGIL_ENCRYPTION_KEYS=k{secrets.randbelow(10**6)}:{new_aes_key()}")
    print(f"VIGIL_BLIND_INDEX_KEY={new_aes_key()}")


def load_development_secrets(data_dir: Path) -> dict[str, str]:
    """Keys for a development machine, made once and kept in the data folder (mode 0600).

    Production never comes here: there every key is required from the environment.
    """
    path = data_dir / "development-secrets.json"
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text())
        return data
    ensure_data_dir(data_dir)
    data = {
        "secret_key": secrets.token_urlsafe(64),
        "encryption_keys": f"k1:{new_aes_key()}",
        "blind_index_key": new_aes_key(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)
    return data


#: Everything Vigil creates is for its own user only: files 0600, folders 0700.
PRIVATE_UMASK = 0o077


def keep_files_private() -> None:
    """Set the process's umask, so the database and its WAL, mail files, uploads and keys are
    created 0600 (folders 0700) by whatever library writes them."""
    os.umask(PRIVATE_UMASK)


def ensure_data_dir(data_dir: Path) -> None:
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"VIGIL_DATA_DIR {str(data_dir)!r} cannot be used ({exc.strerror}): "
            "point it at a writable folder"
        ) from None


def database_settings(url: str, data_dir: Path) -> dict[str, Any]:
    """SQLite in the data folder by default; PostgreSQL (or another SQLite file) from a URL."""
    if not url:
        ensure_data_dir(data_dir)
        return sqlite_settings(data_dir / "vigil.sqlite3")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = parts.path[1:] if parts.path.startswith("//") else parts.path
        return sqlite_settings(Path(path))
    if scheme in {"postgres", "postgresql", "pgsql"}:
        import dj_database_url

        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault("connect_timeout", 5)
        config["TEST"] = {"NAME": os.environ.get("VIGIL_TEST_DATABASE_NAME") or None}
        return config
    raise ConfigError(
        f"VIGIL_DATABASE_URL must start with postgres:// or sqlite://, not {scheme or url}://"
    )


def sqlite_settings(path: Path) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # Kept open between requests, as for PostgreSQL: opening a connection runs the
        # PRAGMAs below, and closing the last one checkpoints the WAL, on every request.
        "CONN_MAX_AGE": 60,
        "OPTIONS": {
            # WAL lets readers and the single writer work side by side; IMMEDIATE transactions
            # avoid "database is locked" when two workers upgrade a read lock at once.
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "TEST": {"NAME": os.environ.get("VIGIL_TEST_SQLITE_NAME") or None},
    }


def describe_database(config: dict[str, Any]) -> str:
    """Where the database is, without its password, for error messages."""
    if config["ENGINE"].endswith("sqlite3"):
        return f"SQLite file {config['NAME']}"
    host = config.get("HOST") or "local socket"
    port = config.get("PORT") or 5432
    return f"PostgreSQL database {config.get('NAME')!r} at {host}:{port}"


def open_to_others(config: dict[str, Any], data_dir: Path) -> str | None:
    """The first of Vigil's private paths that users other than Vigil's can read or enter,
    as one line saying how to fix it; ``None`` when all are private.  Checked at start-up in
    production: the data folder, the SQLite database with its WAL and shared memory, the
    private files and the mail folder."""
    paths = [data_dir, data_dir / "private", data_dir / "mail"]
    if config["ENGINE"].endswith("sqlite3"):
        database = Path(config["NAME"])
        paths += [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if mode & 0o077:
            wanted = "700" if stat.S_ISDIR(mode) else "600"
            return (
                f"{path} is open to other users (mode {stat.S_IMODE(mode):04o}): "
                f"run chmod {wanted} {path}"
            )
    return None
