"""Benchmark the directory at scale on SQLite and on PostgreSQL, and print one table.

    .venv/bin/python bench/directory.py            # 100,000 organisations (the issue's figure)
    .venv/bin/python bench/directory.py --entries 5000 --no-postgres   # a quick try

1. ``bench/directory_data.py`` writes the entries to one handbook-style text file (a third in
   Russian; one to three offices and two to four contacts each), once for both databases.
2. For each database, in a fresh data folder (and a throwaway PostgreSQL database):
   ``vigil migrate``, then ``vigil directory import FILE`` exactly as staff would run it, its
   report going to a log file.  The rate is entries divided by the command's wall time, start-up
   included; its resident memory is sampled every 0.25 s from /proc: the peak, and the growth
   between a fifth of the way and the end (flat memory means no growth with the file's size).
   Its CPU time per entry is printed beside the rate, for all its processes (the command and
   the worker processes that parse, from ``wait4``) and for the command alone (from /proc,
   sampled with the memory): on a busy machine the rate drops, the CPU time much less.
3. ``bench/directory_search.py``: the query mix in-process, p50/p95/p99 over 2,000 searches.
4. ``vigil serve --workers 2 --no-worker`` driven by wrk (``bench/wrk.py``, installed with
   apt-get when missing) on the search page with the same mix: p50/p95/p99 seen by the client
   with 2 connections (the two workers keep up: latency, not queueing), then requests/s with
   8 (saturated).

Every step is bounded in count and time.  PostgreSQL or Redis not answering is said loudly and
their column left "not measured".

``--keep DIR`` leaves the entries, both data folders and the PostgreSQL database (named in
``DIR/kept.json``) in place; ``--reuse DIR`` then measures the searches again on them, without
importing (the import rows say "reused").  A 100,000-entry import takes minutes, the searches
about two; reuse them to measure the search when the machine is quiet.  Drop the kept database
with ``dropdb -h 127.0.0.1 -U postgres NAME`` when done.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from directory_data import write as write_entries
from run import (
    BENCH,
    HOST,
    PG_PORT,
    PG_USER,
    PYTHON,
    REDIS_URL,
    ROOT,
    VIGIL,
    child_env,
    fmt,
    load_average,
    loud,
    machine,
    markdown_row,
    postgres_environment,
    postgres_problem,
    run,
    say,
    serving,
)
from wrk import run_wrk

TARGETS = {"search_ms": 10.0, "postgres_search_ms": 15.0, "http_ms": 30.0, "import_per_s": 2000.0}
WARMUP_SECONDS = 5.0


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a running process has used so far (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def timed_import(env: dict[str, str], data: Path, log: Path, limit: float) -> dict[str, Any]:
    """``vigil directory import`` as a user runs it, with its memory sampled from outside."""
    say(f"$ vigil directory import {data.name} > {log.name}")
    samples: list[tuple[float, int]] = []
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [VIGIL, "directory", "import", str(data)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        main_cpu = 0.0
        while True:
            # wait4: the exit status with the CPU time of the command and of the worker
            # processes it started and waited for (all its processes, together).
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.perf_counter() - started > limit:
                process.kill()
                raise RuntimeError(f"the import took more than {limit:.0f} s")
            rss = rss_kib(process.pid)
            if rss:
                samples.append((time.perf_counter() - started, rss))
            main_cpu = cpu_seconds(process.pid) or main_cpu
            time.sleep(0.25)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
        sys.stderr.write("\n".join(tail) + "\n")
        raise RuntimeError(f"the import exited with {process.returncode}")
    summary = log.read_text(encoding="utf-8").strip().splitlines()[-1]
    fifth = [rss for t, rss in samples if t >= seconds / 5] or [samples[-1][1]]
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "main_cpu_seconds": main_cpu,
        "report": summary,
        "peak_rss_mib": max(rss for _t, rss in samples) / 1024,
        "rss_at_fifth_mib": fifth[0] / 1024,
        "rss_at_end_mib": samples[-1][1] / 1024,
    }


def measure(
    mode: str, env: dict[str, str], work: Path, data: Path, opts: argparse.Namespace
) -> dict[str, Any]:
    load_before = load_average()
    result: dict[str, Any] = {"load_average": [load_before]}
    if opts.reuse:
        result["import"] = None
    else:
        run([VIGIL, "migrate", "--no-input", "-v", "0"], env, timeout=300)
        run([VIGIL, "createcachetable"], env, timeout=60)
        result["import"] = timed_import(env, data, work / f"import-{mode}.log", opts.import_limit)
        result["import"]["per_s"] = opts.entries / result["import"]["seconds"]
    out, paths = work / f"search-{mode}.json", work / "paths.txt"
    command = [PYTHON, str(BENCH / "directory_search.py"), "--out", str(out)]
    command += ["--queries", str(opts.queries), "--paths", str(paths)]
    run(command, env, timeout=600)
    result["search"] = json.loads(out.read_text())
    with serving(env, work / f"serve-{mode}.log", opts.workers) as port:
        # Latency at a concurrency the workers keep up with, then throughput at saturation
        # (there p50 is mostly queueing: connections ÷ requests/s).  wrk, a C client, so the
        # load takes little of the two cores it measures; the first seconds warm the workers.
        base = f"http://127.0.0.1:{port}"
        say(f"wrk: warm-up, {WARMUP_SECONDS:g} s")
        run_wrk(base + "/", scenario="paths", args=[str(paths)], duration=WARMUP_SECONDS)
        for key, clients in (("http", opts.concurrency), ("http_saturated", opts.saturate)):
            say(f"wrk: {clients} connections, {opts.duration:g} s")
            found = run_wrk(
                base + "/", scenario="paths", args=[str(paths)], threads=min(2, clients),
                connections=clients, duration=opts.duration,
            )  # fmt: skip
            found.pop("output", None)
            result[key] = found
    result["load_average"].append(load_average())
    return result


def postgres_mode(work: Path, data: Path, opts: argparse.Namespace) -> dict[str, Any] | None:
    database = kept_database(work, opts) if opts.keep or opts.reuse else postgres_environment()
    with database as extra:
        if extra is None:
            return None
        return measure("postgresql", child_env(work / "pg-data", extra), work, data, opts)


@contextlib.contextmanager
def kept_database(work: Path, opts: argparse.Namespace) -> Iterator[dict[str, str] | None]:
    """A PostgreSQL database that outlives the run (``--keep``), or the one kept (``--reuse``)."""
    import psycopg
    from psycopg import sql

    problem = postgres_problem()
    if problem:
        loud(f"{problem} -- DID NOT ANSWER: the PostgreSQL column WAS NOT MEASURED")
        yield None
        return
    state = work / "kept.json"
    if opts.reuse:
        name = json.loads(state.read_text())["postgres"]
    else:
        name = f"vigil_bench_kept_{os.getpid()}"
        admin = f"host={HOST} port={PG_PORT} user={PG_USER} dbname=postgres connect_timeout=5"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        state.write_text(json.dumps({**json.loads(state.read_text()), "postgres": name}))
        say(f"created PostgreSQL database {name}, kept after the run")
    yield {
        "VIGIL_DATABASE_URL": f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{name}",
        "VIGIL_REDIS_URL": REDIS_URL,
        "VIGIL_CACHE_PREFIX": f"{name}-cache",
    }


@contextlib.contextmanager
def work_folder(opts: argparse.Namespace) -> Iterator[Path]:
    """A temporary folder, or the one ``--keep`` names (left in place), or ``--reuse``'s."""
    kept = opts.keep or opts.reuse
    if kept:
        kept.mkdir(parents=True, exist_ok=True)
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="vigil-bench-directory-") as tmp:
        yield Path(tmp)


def import_rows(row: Any, entries: int) -> None:
    row(
        f"Import {entries:,} entries (`vigil directory import`), entries/s",
        lambda r: f"{fmt(r['import']['per_s'], 0)} ({fmt(r['import']['seconds'], 0)} s)",
    )
    row(
        "Import: CPU ms per entry, all processes / the command's own (start-up included)",
        lambda r: (
            f"{fmt(r['import']['cpu_seconds'] * 1000 / entries, 2)} / "
            f"{fmt(r['import']['main_cpu_seconds'] * 1000 / entries, 2)}"
        ),
    )
    row(
        "Import: resident memory at 1/5 of the run / at the end / peak, MiB",
        lambda r: " / ".join(
            fmt(r["import"][k], 0) for k in ("rss_at_fifth_mib", "rss_at_end_mib", "peak_rss_mib")
        ),
    )


def table(results: dict[str, dict[str, Any] | None], opts: argparse.Namespace) -> str:
    modes = list(results)
    rows: list[list[str]] = []

    def row(label: str, cell: Any) -> None:
        rows.append([label, *("not measured" if r is None else cell(r) for r in results.values())])

    def quantiles(part: dict[str, Any]) -> str:
        return " / ".join(fmt(part[f"{q}_ms"], 1) for q in ("p50", "p95", "p99"))

    row(
        "Load average (1 min), before / after",
        lambda r: " / ".join(f"{x:.2f}" for x in r["load_average"]),
    )
    if opts.reuse:
        rows.append(["Import", *("reused (--reuse), not measured" for _ in modes)])
    else:
        import_rows(row, opts.entries)
    row(
        f"Search in-process, p50 / p95 / p99 ms ({opts.queries:,} queries)",
        lambda r: quantiles(r["search"]),
    )
    row(
        "Search in-process: CPU ms of the searching process, p50 / p95",
        lambda r: " / ".join(fmt(r["search"][f"cpu_{q}_ms"], 1) for q in ("p50", "p95")),
    )
    for kind in ("russian", "english", "transliterated", "typo", "person", "phone", "filtered"):
        row(
            f"… {kind} queries, p50 / p95 ms",
            lambda r, k=kind: " / ".join(
                fmt(r["search"]["by_kind"][k][f"{q}_ms"], 1) for q in ("p50", "p95")
            ),
        )
    row("Queries that found nothing", lambda r: ", ".join(r["search"]["empty"]) or "none")
    for key, clients in (("http", opts.concurrency), ("http_saturated", opts.saturate)):
        row(
            f"Search page over HTTP, {clients} clients: p50 / p95 / p99 ms",
            lambda r, k=key: quantiles(r[k]),
        )
        row(
            f"Search page over HTTP, {clients} clients: requests/s; requests (errors)",
            lambda r, k=key: (
                f"{fmt(r[k]['rps'], 0)}; {r[k]['requests']:,} ({r[k]['requests'] - r[k]['ok']})"
            ),
        )
    header = ["Measurement", *modes]
    lines = [markdown_row(header), markdown_row(["---"] * len(header)), *map(markdown_row, rows)]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000, help="in-process searches")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="wrk connections for the latency figures"
    )
    parser.add_argument(
        "--saturate", type=int, default=8, help="wrk connections for the throughput figures"
    )
    parser.add_argument("--duration", type=float, default=30.0, help="each HTTP run, seconds")
    parser.add_argument("--import-limit", type=float, default=3600.0, help="seconds per import")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", type=Path, help="keep the data in this folder (see above)")
    kept.add_argument("--reuse", type=Path, help="measure the searches on data kept there")
    opts = parser.parse_args()
    if opts.reuse:
        opts.entries = json.loads((opts.reuse / "kept.json").read_text())["entries"]
    if not 100 <= opts.entries <= 1_000_000:
        parser.error("--entries must be 100..1000000")

    started = time.monotonic()
    info = machine()
    busy = load_average()
    if busy > (os.cpu_count() or 1) / 2:
        loud(f"load average {busy:.2f} on {os.cpu_count()} CPUs: other work WILL SKEW the figures")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[str, dict[str, Any] | None] = {}
    with work_folder(opts) as work:
        data = work / "entries.txt"
        if opts.keep:
            (work / "kept.json").write_text(json.dumps({"entries": opts.entries}))
        if not opts.reuse:
            say(f"writing {opts.entries:,} entries to {data.name}")
            write_entries(data, opts.entries)
            say(f"{data.stat().st_size / 1024 / 1024:.0f} MiB")
        if opts.no_sqlite:
            loud("--no-sqlite: the SQLite column WAS NOT MEASURED")
            results["SQLite"] = None
        else:
            say("SQLite (embedded mode: a fresh VIGIL_DATA_DIR, database cache)")
            sqlite_env = child_env(work / "sqlite-data", {})
            results["SQLite"] = measure("sqlite", sqlite_env, work, data, opts)
        if opts.no_postgres:
            loud("--no-postgres: the PostgreSQL column WAS NOT MEASURED")
            results["PostgreSQL"] = None
        else:
            results["PostgreSQL"] = postgres_mode(work, data, opts)

    print(f"Vigil directory benchmark, {now}")
    print(
        f"Machine: {info.get('cpu', '?')}, {info['nproc']} CPUs, {info.get('memory', '?')}; "
        f"Python {info['python']}, Django {info['django']}; {info['platform']}"
    )
    print(
        f"{opts.entries:,} generated organisations; HTTP: vigil serve --workers {opts.workers} "
        f"--no-worker, driven by wrk with {opts.concurrency} connections (latency) and "
        f"{opts.saturate} (throughput), {opts.duration:g} s each after {WARMUP_SECONDS:g} s of "
        f"warm-up.  Targets: import ≥ {TARGETS['import_per_s']:,.0f}/s; search p95 in-process "
        f"≤ {TARGETS['search_ms']:g} ms (SQLite), ≤ {TARGETS['postgres_search_ms']:g} ms "
        f"(PostgreSQL), ≤ {TARGETS['http_ms']:g} ms over HTTP."
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
