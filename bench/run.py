"""Benchmark Vigil's foundation on SQLite and on PostgreSQL, and print one table.

    .venv/bin/python bench/run.py

For each database, in a fresh temporary data folder (and, for PostgreSQL, a throwaway database
at 127.0.0.1:5432 that is dropped afterwards):

1. ``vigil migrate`` and ``vigil createcachetable``;
2. ``bench/foundation.py``: AES-GCM and blind-index rates (once), 100,000 users created in bulk
   through the model, then 2,000 lookups by e-mail through the blind index;
3. ``vigil serve --workers 2 --no-worker`` on a free port of 127.0.0.1, driven over HTTP by
   wrk (``bench/wrk.py``) on ``/health/`` and on the home page, with the CPU the server and
   wrk each took during the load.

Every step is bounded in count and in time and the run stops by itself.  PostgreSQL (or the
Redis its cache needs) not answering is said loudly and its column is left unmeasured.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wrk import run_wrk

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
VIGIL = str(Path(sys.executable).parent / "vigil")
HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
PATHS = ["/health/", "/"]
WARMUP_SECONDS = 2.0


def say(text: str) -> None:
    print(f"==> {text}", file=sys.stderr, flush=True)


def loud(text: str) -> None:
    bar = "!" * min(100, len(text) + 8)
    print(f"\n{bar}\n!!! {text} !!!\n{bar}\n", file=sys.stderr, flush=True)


# --- the machine -----------------------------------------------------------------------------
def machine() -> dict[str, str]:
    info = {
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    import django

    info["django"] = django.get_version()
    return info


def load_average() -> float:
    """The 1-minute load average: other work on the machine skews every figure."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


# --- child processes -------------------------------------------------------------------------
def child_env(data_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    """This environment without any VIGIL_* setting, plus a development set-up of our own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIL_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "VIGIL_ENV": "development",
            "VIGIL_DEBUG": "0",
            "VIGIL_LOG_LEVEL": "WARNING",
            "VIGIL_DATA_DIR": str(data_dir),
            **extra,
        }
    )
    return env


def run(args: list[str], env: dict[str, str], timeout: float) -> None:
    say("$ " + shlex.join(a.replace(str(ROOT) + "/", "") for a in args))
    result = subprocess.run(
        args, env=env, cwd=ROOT, timeout=timeout, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError(f"{shlex.join(args)} exited with {result.returncode}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def answers(port: int, path: str) -> bool:
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            return response.status == 200
        finally:
            conn.close()
    except (OSError, http.client.HTTPException):
        return False


@contextlib.contextmanager
def serving(env: dict[str, str], log_path: Path, workers: int) -> Iterator[int]:
    """``vigil serve`` on a free local port, stopped as Ctrl+C would stop it."""
    with serving_group(env, log_path, workers) as (port, _group):
        yield port


def group_cpu_seconds(group: int) -> float:
    """The CPU seconds (user + system) of the live processes of one process group, from
    ``/proc``: a server's, for its cost per request beside the load generator's."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # pgrp; utime and stime are fields 14 and 15
                total += int(fields[11]) + int(fields[12])
    return total / ticks


@contextlib.contextmanager
def serving_group(env: dict[str, str], log_path: Path, workers: int) -> Iterator[tuple[int, int]]:
    """``vigil serve`` on a free local port: its port and its process group (the server and
    its gunicorn workers, for :func:`group_cpu_seconds`), stopped as Ctrl+C would stop it."""
    port = free_port()
    command = [VIGIL, "serve", "--bind", f"{HOST}:{port}", "--workers", str(workers)]
    command.append("--no-worker")
    say("$ " + shlex.join(["vigil", *command[1:]]))
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while not answers(port, "/health/"):
                if server.poll() is not None:
                    raise RuntimeError(f"vigil serve exited with {server.returncode}: {log_path}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"vigil serve did not answer in 60 s: {log_path}")
                time.sleep(0.2)
            yield port, server.pid  # start_new_session: its pid is its group's id
        finally:
            stop(server)


def stop(server: subprocess.Popen[bytes]) -> None:
    """SIGINT to the server's own process group (``vigil serve`` and its gunicorn), like Ctrl+C."""
    group = server.pid  # start_new_session: the group is ours alone
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGINT)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        say("vigil serve did not stop in 30 s: killing its process group")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, 0)  # anything of ours left (a gunicorn worker)?
        time.sleep(1)
        os.killpg(group, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=5)


# --- PostgreSQL and Redis --------------------------------------------------------------------
def postgres_problem() -> str | None:
    try:
        import psycopg

        psycopg.connect(
            host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres", connect_timeout=3
        ).close()
    except Exception as exc:
        return f"PostgreSQL at {HOST}:{PG_PORT}: {str(exc).strip() or type(exc).__name__}"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        return f"Redis at {REDIS_URL} (the PostgreSQL mode's cache): {exc}"
    return None


@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"vigil_bench_{os.getpid()}_{secrets.token_hex(4)}"
    admin = f"host={HOST} port={PG_PORT} user={PG_USER} dbname=postgres connect_timeout=5"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    say(f"created PostgreSQL database {name}")
    try:
        yield name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        say(f"dropped PostgreSQL database {name}")


def forget_cache_keys(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


@contextlib.contextmanager
def postgres_environment() -> Iterator[dict[str, str] | None]:
    """The variables that point a child process at a throwaway PostgreSQL database and a
    Redis key prefix of its own, both removed afterwards; None, said loudly, when PostgreSQL
    or Redis does not answer (the PostgreSQL column is then "not measured")."""
    problem = postgres_problem()
    if problem:
        loud(f"{problem} -- DID NOT ANSWER: the PostgreSQL column WAS NOT MEASURED")
        yield None
        return
    say(f"PostgreSQL at {HOST}:{PG_PORT} with the Redis cache at {REDIS_URL}")
    prefix = f"vigil-bench-{os.getpid()}-{secrets.token_hex(4)}"
    with throwaway_database() as name:
        try:
            yield {
                "VIGIL_DATABASE_URL": f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{name}",
                "VIGIL_REDIS_URL": REDIS_URL,
                "VIGIL_CACHE_PREFIX": prefix,
            }
        finally:
            forget_cache_keys(prefix)


# --- one database mode -----------------------------------------------------------------------
def measure(
    mode: str, env: dict[str, str], work: Path, opts: argparse.Namespace, *, crypto: bool
) -> dict[str, Any]:
    load_before = load_average()
    run([VIGIL, "migrate", "--no-input", "-v", "0"], env, timeout=300)
    run([VIGIL, "createcachetable"], env, timeout=60)
    out = work / f"foundation-{mode}.json"
    foundation = [PYTHON, str(BENCH / "foundation.py"), "--out", str(out)]
    foundation += ["--users", str(opts.users), "--lookups", str(opts.lookups)]
    if crypto:
        foundation += ["--crypto", str(opts.crypto)]
    run(foundation, env, timeout=600)
    result: dict[str, Any] = json.loads(out.read_text())
    result["http"] = {}
    with serving_group(env, work / f"serve-{mode}.log", opts.workers) as (port, group):
        for path in PATHS:
            url = f"http://{HOST}:{port}{path}"
            say(f"wrk {url}: {WARMUP_SECONDS:g} s of warm-up, then {opts.duration:g} s")
            load = {"threads": min(2, opts.connections), "connections": opts.connections}
            run_wrk(url, duration=WARMUP_SECONDS, **load)
            server_before = group_cpu_seconds(group)
            found = run_wrk(url, duration=opts.duration, **load)
            found["server_cpu_s"] = group_cpu_seconds(group) - server_before
            found.pop("output", None)
            result["http"][path] = found
    result["load_average"] = [load_before, load_average()]
    return result


def sqlite_mode(work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    say("SQLite (embedded mode: database file in a fresh VIGIL_DATA_DIR, database cache)")
    data = work / "sqlite-data"
    return measure("sqlite", child_env(data, {}), work, opts, crypto=True)


def postgres_mode(work: Path, opts: argparse.Namespace) -> dict[str, Any] | None:
    with postgres_environment() as extra:
        if extra is None:
            return None
        env = child_env(work / "pg-data", extra)
        # The crypto rates touch no database: measured once, in the SQLite run.
        return measure("postgresql", env, work, opts, crypto=False)


# --- the table -------------------------------------------------------------------------------
def fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def table(results: dict[str, dict[str, Any] | None], opts: argparse.Namespace) -> str:
    modes = list(results)
    header = ["Measurement", *(m for m in modes)]
    rows: list[list[str]] = []

    def row(label: str, cell: Any) -> None:
        cells = []
        for mode in modes:
            result = results[mode]
            cells.append("not measured" if result is None else cell(result))
        rows.append([label, *cells])

    row("Database / cache", lambda r: f"{r['database']} / {r['cache']}")
    row(
        "Load average (1 min), before / after",
        lambda r: " / ".join(f"{x:.2f}" for x in r["load_average"]),
    )
    row(
        f"Create {opts.users:,} users (bulk, encrypted), users/s",
        lambda r: f"{fmt(r['users']['create_per_s'], 0)} ({fmt(r['users']['create_seconds'])} s)",
    )
    row(
        f"get_by_email at {opts.users:,} users, p50 / p95 / p99 ms ({opts.lookups:,} lookups)",
        lambda r: " / ".join(fmt(r["users"][f"lookup_{p}_ms"], 2) for p in ("p50", "p95", "p99")),
    )
    for path in PATHS:
        label = "home page /" if path == "/" else path
        row(f"HTTP {label}: requests/s", lambda r, p=path: fmt(r["http"][p]["rps"], 0))
        row(
            f"HTTP {label}: p50 / p95 / p99 ms",
            lambda r, p=path: " / ".join(
                fmt(r["http"][p][f"{q}_ms"], 1) for q in ("p50", "p95", "p99")
            ),
        )
        row(
            f"HTTP {label}: requests (errors)",
            lambda r, p=path: f"{r['http'][p]['requests']:,} ({http_errors(r['http'][p])})",
        )
        row(
            f"HTTP {label}: CPU ms per request, server / wrk",
            lambda r, p=path: " / ".join(
                fmt(r["http"][p][key] * 1000 / max(1, r["http"][p]["requests"]), 2)
                for key in ("server_cpu_s", "wrk_cpu_s")
            ),
        )
    lines = [markdown_row(header), markdown_row(["---"] * len(header)), *map(markdown_row, rows)]
    crypto = next((r["crypto"] for r in results.values() if r and "crypto" in r), None)
    if crypto:
        lines += [
            "",
            markdown_row(["In-process, one core", "operations/s"]),
            markdown_row(["---", "---"]),
            markdown_row(["AES-256-GCM encrypt an e-mail", fmt(crypto["encrypt_per_s"], 0)]),
            markdown_row(["AES-256-GCM decrypt an e-mail", fmt(crypto["decrypt_per_s"], 0)]),
            markdown_row(
                [
                    "Blind index of an e-mail (normalise + HMAC-SHA256)",
                    fmt(crypto["blind_index_per_s"], 0),
                ]
            ),
        ]
    return "\n".join(lines)


def http_errors(found: dict[str, Any]) -> int:
    """wrk's socket errors and answers that are not 2xx or 3xx, in one count."""
    return sum(found["errors"].values())


def markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--crypto", type=int, default=50_000, help="operations per round")
    parser.add_argument("--connections", type=int, default=8, help="wrk's connections")
    parser.add_argument("--duration", type=float, default=10.0, help="per endpoint, seconds")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    opts = parser.parse_args()
    if not (1 <= opts.users <= 1_000_000 and 1 <= opts.lookups <= opts.users * 10):
        parser.error("--users must be 1..1000000 and --lookups at least 1")
    if not 1 <= opts.connections <= 64:
        parser.error("--connections must be 1..64")
    if not 1 <= opts.duration <= 300:
        parser.error("--duration must be 1..300 seconds")

    started = time.monotonic()
    info = machine()
    busy = load_average()
    if busy > (os.cpu_count() or 1) / 2:
        loud(f"load average {busy:.2f} on {os.cpu_count()} CPUs: other work WILL SKEW the figures")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[str, dict[str, Any] | None] = {}
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as tmp:
        work = Path(tmp)
        results["SQLite"] = sqlite_mode(work, opts)
        if opts.no_postgres:
            loud("--no-postgres: the PostgreSQL column WAS NOT MEASURED")
            results["PostgreSQL"] = None
        else:
            results["PostgreSQL"] = postgres_mode(work, opts)

    print(f"Vigil foundation benchmark, {now}")
    print(
        f"Machine: {info.get('cpu', '?')}, {info['nproc']} CPUs, {info.get('memory', '?')}; "
        f"Python {info['python']}, Django {info['django']}; {info['platform']}"
    )
    print(
        f"HTTP: vigil serve --workers {opts.workers} --no-worker; client: wrk "
        f"(bench/wrk.py), {min(2, opts.connections)} threads, {opts.connections} connections, "
        f"{opts.duration:g} s per endpoint after {WARMUP_SECONDS:g} s of warm-up"
    )
    print()
    print(table(results, opts))
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")
    if opts.json:
        opts.json.write_text(
            json.dumps({"when": now, "machine": info, "results": results}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
