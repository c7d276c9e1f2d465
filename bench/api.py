"""Benchmark the API: read 10,000 signatures page by page, and sign over the API beside the web
form, in the same run, on SQLite and PostgreSQL.

    .venv/bin/python bench/api.py                     # both databases
    .venv/bin/python bench/api.py --no-postgres --signatures 2000 --duration 5   # a quick try

For each database, in a fresh temporary data folder (and, for PostgreSQL, a throwaway database
that is dropped afterwards):

1. ``vigil migrate``; one consent text, two open petitions, N signatures (10,000) in one of
   them, written through the model so that personal fields are sealed as in real use; a staff
   account with two tokens (``read_people``; ``write_actions``, limit raised for the load);
2. ``vigil serve --workers N --no-worker`` with ``VIGIL_PROXY_COUNT=1``;
3. the sync: one client (as an integration runs it) follows ``_links.next`` with
   ``per_page=100`` until the end, timed: signatures/s and pages/s, after one warm-up page;
4. signing over the API with wrk (``bench/wrk/api_sign.lua``: JSON, the bearer token, a new
   signer from a new /24 each time) and with the web form (``bench/wrk.py``'s ``sign``), for
   the same duration each: successes/s, latencies, and the API's rate over the form's.

Every step is bounded in count and time, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from run import (
    HOST,
    PYTHON,
    VIGIL,
    child_env,
    fmt,
    load_average,
    machine,
    markdown_row,
    postgres_environment,
    run,
    say,
    serving,
)
from wrk import run_wrk, sign

READ_SLUG = "bench-api-read"
SIGN_SLUG = "bench-api-sign"
FORM_SLUG = "bench-api-form"


# --- inside Django (a child process with the benchmark's environment) -------------------------
def setup(signatures: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.utils import timezone

    from vigil.accounts.roles import Role
    from vigil.accounts.services import assign_role, create_user
    from vigil.api import tokens
    from vigil.petitions.models import ConsentText, Petition, Signature

    consent = ConsentText.objects.create(version=1, text_ru="Я согласен(на).", text_en="I agree.")
    petitions = {}
    for slug in (READ_SLUG, SIGN_SLUG, FORM_SLUG):
        petitions[slug] = Petition.objects.create(
            slug=slug, title_ru="Освободите журналиста", target="Генеральному прокурору",
            text_ru="Мы призываем освободить журналиста.", goal=1_000_000,
            closes_at=timezone.now() + dt.timedelta(days=30),
        )  # fmt: skip
    now = timezone.now()
    rows = [
        Signature(
            petition=petitions[READ_SLUG],
            name=f"Подписант {n}",
            email=f"read-{n}@example.org",
            country="Россия",
            city="Казань",
            consent=consent,
            language="ru",
            created_at=now,
            confirmed_at=now if n % 2 else None,
        )
        for n in range(signatures)
    ]
    Signature.objects.bulk_create(rows, batch_size=1000)
    staff = create_user(email="bench-staff@example.org", password=None, name="Bench Staff")
    assign_role(staff, Role.STAFF)
    _read, read_token = tokens.issue(
        staff, name="bench read", scopes=["read_people"], per_minute=1_000_000
    )
    _write, write_token = tokens.issue(
        staff, name="bench write", scopes=["write_actions"], per_minute=1_000_000
    )
    return {"read": read_token, "write": write_token, "consent": consent.version}


# --- over HTTP -----------------------------------------------------------------------------
def get_json(conn: http.client.HTTPConnection, path: str, token: str) -> dict[str, Any]:
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
    result: dict[str, Any] = json.loads(body)
    return result


def sync(port: int, token: str, limit: float) -> dict[str, Any]:
    """Follow the next links from the first page to the last, on one kept-alive connection."""
    first = f"/api/v1/petitions/{READ_SLUG}/signatures?per_page=100"
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        get_json(conn, first, token)  # warm-up
        started = time.monotonic()
        path: str | None = first
        pages = records = 0
        while path and time.monotonic() - started < limit:
            body = get_json(conn, path, token)
            pages += 1
            records += len(body["_embedded"]["osdi:signatures"])
            following = body["_links"].get("next")
            path = (
                None
                if not following
                else urlsplit(following["href"])._replace(scheme="", netloc="").geturl()
            )
        seconds = time.monotonic() - started
    finally:
        conn.close()
    return {
        "signatures": records,
        "pages": pages,
        "seconds": seconds,
        "complete": path is None,
        "signatures_per_s": records / seconds,
        "pages_per_s": pages / seconds,
    }


def api_sign(port: int, token: str, consent: int, opts: argparse.Namespace) -> dict[str, Any]:
    path = f"/api/v1/petitions/{SIGN_SLUG}/signatures"
    args = [path, token, str(consent), secrets.token_hex(4), "1", str(opts.threads)]
    result = run_wrk(
        f"http://{HOST}:{port}{path}",
        scenario="api_sign",
        args=args,
        threads=opts.threads,
        connections=opts.connections,
        duration=opts.duration,
    )
    result.pop("output", None)
    return result


def measure(mode: str, env: dict[str, str], work: Path, opts: argparse.Namespace) -> Any:
    load_before = load_average()
    run([VIGIL, "migrate", "--no-input", "-v", "0"], env, timeout=300)
    run([VIGIL, "createcachetable"], env, timeout=60)
    out = work / f"setup-{mode}.json"
    run([PYTHON, __file__, "--inside", str(out), "--signatures", str(opts.signatures)], env,
        timeout=900)  # fmt: skip
    made = json.loads(out.read_text())
    result: dict[str, Any] = {}
    with serving(env, work / f"serve-{mode}.log", opts.workers) as port:
        say(f"sync: {opts.signatures} signatures, 100 a page")
        result["sync"] = sync(port, made["read"], opts.time_limit)
        say(f"signing over the API for {opts.duration:g} s (wrk)")
        result["api_sign"] = api_sign(port, made["write"], made["consent"], opts)
        say(f"signing with the web form for {opts.duration:g} s (wrk)")
        form = sign(
            f"http://{HOST}:{port}", f"/petitions/{FORM_SLUG}/", proxies=1,
            threads=opts.threads, connections=opts.connections, duration=opts.duration,
        )  # fmt: skip
        form.pop("output", None)
        result["form_sign"] = form
    result["load_average"] = [load_before, load_average()]
    return result


def sqlite_mode(work: Path, opts: argparse.Namespace) -> Any:
    say("SQLite (embedded mode)")
    env = child_env(work / "sqlite-data", {"VIGIL_PROXY_COUNT": "1"})
    return {"database": "SQLite (WAL) / DatabaseCache", **measure("sqlite", env, work, opts)}


def postgres_mode(work: Path, opts: argparse.Namespace) -> Any:
    with postgres_environment() as extra:
        if extra is None:
            return None
        env = child_env(work / "pg-data", {**extra, "VIGIL_PROXY_COUNT": "1"})
        return {"database": "PostgreSQL / RedisCache", **measure("postgresql", env, work, opts)}


# --- the table ---------------------------------------------------------------------------------
def table(results: dict[str, Any]) -> str:
    modes = [m for m, r in results.items() if r is not None]
    lines = [markdown_row(["Measurement", *modes]), markdown_row(["---"] * (len(modes) + 1))]

    def row(label: str, cell: Any) -> None:
        lines.append(markdown_row([label, *(cell(results[m]) for m in modes)]))

    row("Database", lambda r: r["database"])
    row("Sync: signatures read", lambda r: f"{r['sync']['signatures']:,}"
        + ("" if r["sync"]["complete"] else " (stopped at the time limit)"))  # fmt: skip
    row("Sync: signatures/s (100 a page)", lambda r: fmt(r["sync"]["signatures_per_s"], 0))
    row("Sync: pages/s", lambda r: fmt(r["sync"]["pages_per_s"]))
    for key, label in (("api_sign", "Sign over the API"), ("form_sign", "Sign with the web form")):
        row(f"{label}: successes/s", lambda r, k=key: fmt(r[k]["rps"]))
        row(f"{label}: p50 / p99 ms",
            lambda r, k=key: f"{fmt(r[k]['p50_ms'])} / {fmt(r[k]['p99_ms'])}")  # fmt: skip
        row(f"{label}: answers", lambda r, k=key: json.dumps(r[k]["statuses"]))
    row(
        "API signing rate / web form rate",
        lambda r: fmt(r["api_sign"]["rps"] / (r["form_sign"]["rps"] or float("nan")), 2),
    )
    row("Load average before / after", lambda r: " / ".join(fmt(x, 2) for x in r["load_average"]))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inside", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--signatures", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of each signing")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds for the sync")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--json", type=Path, help="write every figure here as JSON")
    opts = parser.parse_args()
    if opts.inside:
        opts.inside.write_text(json.dumps(setup(opts.signatures)))
        return 0
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="vigil-bench-api-") as tmp:
        work = Path(tmp)
        results["SQLite"] = sqlite_mode(work, opts)
        if not opts.no_postgres:
            results["PostgreSQL"] = postgres_mode(work, opts)
    info = machine()
    print(
        f"API benchmark, {dt.date.today().isoformat()}, {info.get('cpu', '')}; "
        f"server: vigil serve --workers {opts.workers} --no-worker, VIGIL_PROXY_COUNT=1; "
        f"signing: wrk -t{opts.threads} -c{opts.connections} for {opts.duration:g} s each.\n"
    )
    print(table(results))
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
