"""In-process measurements of Vigil's foundation, run by ``bench/run.py`` in a prepared data dir.

* AES-GCM sealing and opening of an e-mail, and its blind index: operations per second.
* Users created in bulk through the model (e-mail and name really encrypted, blind index really
  computed by the field), then lookups by e-mail through the blind index with
  ``User.objects.get_by_email``: p50/p95/p99 latency.

The environment (VIGIL_DATA_DIR, VIGIL_DATABASE_URL...) is set by the caller, and the database is
already migrated.  Results go to ``--out`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SEED = 20261123
FIRST = ["anna", "boris", "olga", "pavel", "irina", "sergei", "maria", "dmitri", "elena", "ivan"]
LAST = ["sokolova", "orlov", "ivanova", "petrov", "smirnova", "kuznetsov", "popova", "volkov"]
DOMAINS = ["example.org", "example.net", "mail.example", "list.example.org"]
NAMES = ["Ирина Соколова", "Павел Орлов", "Anna Petrova", "Борис Кузнецов", "Sam Supporter"]


def email_of(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]}.{LAST[i % len(LAST)]}.{i}@{DOMAINS[i % len(DOMAINS)]}"


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted sequence."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def ops_per_second(operation: Callable[[str], object], items: Sequence[str], rounds: int) -> float:
    """Median over ``rounds`` of the rate at which ``operation`` goes through ``items``."""
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        for item in items:
            operation(item)
        rates.append(len(items) / (time.perf_counter() - started))
    return statistics.median(rates)


def crypto(count: int, rounds: int) -> dict[str, Any]:
    from vigil.accounts.models import User
    from vigil.core.crypto import keyring

    emails = [email_of(i) for i in range(count)]
    sealed = [keyring().encrypt(e) for e in emails]
    assert all(keyring().decrypt(s) == e for s, e in zip(sealed, emails, strict=True))
    return {
        "operations_per_round": count,
        "rounds": rounds,
        # The same calls the model fields make on every save and every read.
        "encrypt_per_s": ops_per_second(lambda v: keyring().encrypt(v), emails, rounds),
        "decrypt_per_s": ops_per_second(lambda v: keyring().decrypt(v), sealed, rounds),
        "blind_index_per_s": ops_per_second(User.objects.email_index, emails, rounds),
    }


def users(count: int, lookups: int, warmup: int) -> dict[str, Any]:
    from django.db import connection

    from vigil.accounts.models import User

    assert not User.objects.exists(), "the benchmark needs an empty, freshly migrated database"
    emails = [email_of(i) for i in range(count)]
    chunk = 10_000
    started = time.perf_counter()
    for start in range(0, count, chunk):
        batch = []
        for i in range(start, min(count, start + chunk)):
            user = User(email=emails[i], name=NAMES[i % len(NAMES)], time_zone="Asia/Irkutsk")
            user.set_unusable_password()
            batch.append(user)
        # bulk_create goes through each field's pre_save and get_prep_value: the e-mail and
        # the name are sealed with AES-GCM and the blind index is computed, row by row.
        User.objects.bulk_create(batch, batch_size=1000)
    create_seconds = time.perf_counter() - started

    # Prove the rows hold ciphertext and an index, not the plain address.
    assert User.objects.count() == count
    assert not User.objects.filter(email_index__isnull=True).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, email_index FROM accounts_user ORDER BY id LIMIT 1")
        raw_email, raw_index = cursor.fetchone()
    assert raw_email.startswith("v1:") and "@" not in raw_email and len(raw_index) == 64

    rng = random.Random(SEED)

    def pick() -> str:
        # Half typed in another case: the blind index normalises, so they must be found too.
        e = rng.choice(emails)
        return e.upper() if rng.random() < 0.5 else e

    for _ in range(warmup):
        User.objects.get_by_email(pick())
    timings: list[float] = []
    for _ in range(lookups):
        address = pick()
        t0 = time.perf_counter()
        found = User.objects.get_by_email(address)
        timings.append(time.perf_counter() - t0)
        assert found is not None and found.email.lower() == address.lower()
    timings.sort()
    return {
        "users": count,
        "create_seconds": create_seconds,
        "create_per_s": count / create_seconds,
        "lookups": lookups,
        "lookup_p50_ms": percentile(timings, 50) * 1000,
        "lookup_p95_ms": percentile(timings, 95) * 1000,
        "lookup_p99_ms": percentile(timings, 99) * 1000,
        "lookup_mean_ms": statistics.fmean(timings) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--warmup", type=int, default=100, help="lookups first, not counted")
    parser.add_argument("--crypto", type=int, default=0, help="operations per round; 0 skips")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    from vigil.startup import boot

    boot(check_database=True)
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SHOW server_version")
        version = str(cursor.fetchone()[0]).split()[0]
    result: dict[str, Any] = {
        "database": f"{connection.vendor} {version}",
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    }
    if args.crypto:
        result["crypto"] = crypto(args.crypto, args.rounds)
    result["users"] = users(args.users, args.lookups, args.warmup)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
