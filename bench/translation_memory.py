"""Fuzzy lookup latency of the bulletin's translation memory with a large memory.

    python bench/translation_memory.py                 # 200,000 segments, SQLite and PostgreSQL
    python bench/translation_memory.py --segments 20000 --lookups 300 --no-postgres

Fills N approved English → Russian pairs (built from word lists so that common words match
many sentences and names few, as in real bulletins) into a throwaway data directory, indexes
them exactly as ``memory.remember`` does, then times ``memory.lookup`` for sentences that are
near variants of stored ones (a word changed, added or dropped) and for unrelated sentences,
and prints p50/p95/p99 in milliseconds.  The target is p95 ≤ 20 ms at 200,000 segments.
SQLite runs in a fresh data folder, PostgreSQL in a throwaway database at 127.0.0.1:5432 that
is dropped afterwards (``--no-postgres`` skips it); one table shows both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from run import (
    ROOT,
    child_env,
    fmt,
    load_average,
    loud,
    machine,
    markdown_row,
    postgres_environment,
    run,
    say,
)

SEED = 20261123
SUBJECTS = [
    "journalist",
    "lawyer",
    "student",
    "teacher",
    "activist",
    "doctor",
    "pensioner",
    "poet",
    "priest",
    "scientist",
    "blogger",
    "farmer",
    "engineer",
    "musician",
    "historian",
]
NAMES = [
    f"{first} {last}"
    for first in [
        "Ivan",
        "Anna",
        "Oleg",
        "Maria",
        "Sergei",
        "Elena",
        "Pavel",
        "Olga",
        "Igor",
        "Natalia",
        "Rustam",
        "Gulnara",
    ]
    for last in [
        "Ivanov",
        "Petrova",
        "Sidorov",
        "Smirnova",
        "Kuznetsov",
        "Popova",
        "Volkov",
        "Orlova",
        "Sokolov",
        "Belova",
    ]
]
CITIES = [
    "Moscow",
    "Kazan",
    "Rostov",
    "Perm",
    "Tomsk",
    "Omsk",
    "Samara",
    "Ufa",
    "Kirov",
    "Tula",
    "Vladimir",
    "Krasnodar",
    "Irkutsk",
    "Murmansk",
    "Vologda",
    "Kursk",
    "Orel",
    "Tver",
    "Chita",
    "Yakutsk",
    "Grozny",
    "Nalchik",
]
VERBS = [
    "detained", "arrested", "sentenced", "released", "beaten", "threatened", "charged",
    "fined", "searched", "interrogated",
]  # fmt: skip
ENDINGS = [
    "after a peaceful protest", "for publishing an article", "on charges of extremism",
    "without access to a lawyer", "for criticising the authorities", "during a search",
    "after speaking to foreign journalists", "for distributing leaflets", "at the railway station",
    "for refusing military service", "despite a court order", "while visiting relatives",
]  # fmt: skip
CALLS = [
    "Write to the prosecutor and ask for", "Send appeals urging", "Please call for",
    "Ask the authorities to guarantee", "Urge the governor to ensure",
]  # fmt: skip
ASKS = [
    "the immediate release of the prisoner", "a fair trial", "access to a lawyer of his choice",
    "an independent investigation", "medical care", "the safety of the family",
]  # fmt: skip


def sentence(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return (
            f"The {rng.choice(SUBJECTS)} {rng.choice(NAMES)} was {rng.choice(VERBS)} in "
            f"{rng.choice(CITIES)} on {rng.randint(1, 28)} {rng.choice(['May', 'June', 'March'])} "
            f"{rng.randint(1990, 2026)} {rng.choice(ENDINGS)}."
        )
    return f"{rng.choice(CALLS)} {rng.choice(ASKS)} of {rng.choice(NAMES)} in {rng.choice(CITIES)}."


def vary(text: str, rng: random.Random) -> str:
    words = text.rstrip(".").split()
    i = rng.randrange(len(words))
    choice = rng.random()
    if choice < 0.4:
        words[i] = rng.choice(["urgently", "again", "recently", "reportedly", "also"])
    elif choice < 0.7:
        words.insert(i, rng.choice(["urgently", "again", "recently", "reportedly", "also"]))
    elif len(words) > 4:
        del words[i]
    return " ".join(words) + "."


def fill(count: int) -> None:
    from django.db import connection, transaction

    from vigil.bulletin import memory
    from vigil.bulletin.models import MemoryEntry, MemoryTerm

    rng = random.Random(SEED)
    term_ids: dict[str, int] = {}
    df: dict[int, int] = {}
    batch = 5000
    started = time.perf_counter()
    for start in range(0, count, batch):
        with transaction.atomic():
            entries = []
            for _ in range(min(batch, count - start)):
                text = sentence(rng)
                entries.append(
                    MemoryEntry(
                        source=text,
                        target="Перевод: " + text,
                        source_hash=memory.source_hash(text),
                        length=len(memory.normalise(text)),
                    )
                )
            MemoryEntry.objects.bulk_create(entries, batch_size=1000)
            postings = []
            for entry in entries:
                for word in memory.terms(entry.source):
                    if word not in term_ids:
                        term_ids[word] = MemoryTerm.objects.create(text=word).pk
                    term_id = term_ids[word]
                    df[term_id] = df.get(term_id, 0) + 1
                    postings.append((term_id, entry.pk))
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO bulletin_memoryposting (term_id, entry_id) VALUES (%s, %s)",
                    postings,
                )
        print(f"  {start + len(entries):>7} segments", end="\r", flush=True)
    with transaction.atomic():
        for term_id, n in df.items():
            MemoryTerm.objects.filter(pk=term_id).update(entries=n)
    # The planner's statistics (and on PostgreSQL the visibility map), as autovacuum would
    # leave them after a bulk load.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"filled {count} segments in {time.perf_counter() - started:.0f} s")


def measure(lookups: int) -> dict[str, Any]:
    from django.db import connection

    from vigil.bulletin import memory
    from vigil.bulletin.models import MemoryEntry

    rng = random.Random(SEED + 1)
    total = MemoryEntry.objects.count()
    stored = [
        MemoryEntry.objects.filter(pk=rng.randint(1, total))
        .values_list("source", flat=True)
        .first()
        for _ in range(lookups)
    ]
    queries = [vary(s, rng) for s in stored if s] + [
        sentence(random.Random(i)) + " Today." for i in range(lookups // 4)
    ]
    memory.lookup(queries[0])  # warm the connection and caches
    times, in_database, hits = [], [], 0
    spent = [0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - began

    cpu = time.process_time()
    with connection.execute_wrapper(timed):
        for text in queries:
            spent[0] = 0.0
            began = time.perf_counter()
            found = memory.lookup(text)
            times.append((time.perf_counter() - began) * 1000)
            in_database.append(spent[0] * 1000)
            hits += bool(found)
    cpu = time.process_time() - cpu
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    print(f"{len(times)} lookups over {total} segments ({hits} with a match)")
    p50, p95, p99 = cuts[49], cuts[94], cuts[98]
    print(f"p50 {p50:.1f} ms   p95 {p95:.1f} ms   p99 {p99:.1f} ms   max {max(times):.1f} ms")
    return {
        "segments": total,
        "lookups": len(times),
        "hits": hits,
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "max": max(times),
        "cpu_ms": cpu * 1000 / len(times),
        "db_p50": statistics.median(in_database),
        "db_p95": statistics.quantiles(in_database, n=100, method="inclusive")[94],
    }


def child(opts: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    django.setup()
    fill(opts.segments)
    result = measure(opts.lookups)
    Path(opts.out).write_text(json.dumps(result))


def one_database(env: dict[str, str], opts: argparse.Namespace, out: Path) -> dict[str, Any]:
    load_before = load_average()
    run([sys.executable, "-m", "vigil", "migrate", "-v", "0"], env, timeout=600)
    args = [sys.executable, __file__, "--child", "--segments", str(opts.segments)]
    args += ["--lookups", str(opts.lookups), "--out", str(out)]
    subprocess.run(args, env=env, cwd=ROOT, check=True, timeout=7200)
    result: dict[str, Any] = json.loads(out.read_text())
    result["load"] = [load_before, load_average()]
    return result


def postgres(work: Path, opts: argparse.Namespace) -> dict[str, Any] | None:
    with postgres_environment() as extra:
        if extra is None:
            return None
        return one_database(child_env(work / "pg", extra), opts, work / "pg.json")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=400)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        child(opts)
        return 0
    if not (100 <= opts.segments <= 1_000_000 and 10 <= opts.lookups <= 10_000):
        parser.error("--segments must be 100..1000000 and --lookups 10..10000")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[str, dict[str, Any] | None] = {}
    with tempfile.TemporaryDirectory(prefix="vigil-tm-bench-") as tmp:
        work = Path(tmp)
        say("SQLite (WAL) in a fresh data folder")
        results["SQLite"] = one_database(child_env(work / "sqlite", {}), opts, work / "s.json")
        if opts.no_postgres:
            loud("--no-postgres: the PostgreSQL column WAS NOT MEASURED")
            results["PostgreSQL"] = None
        else:
            results["PostgreSQL"] = postgres(work, opts)
    info = machine()
    print()
    print(f"Vigil translation memory benchmark, {now}")
    print(
        f"Machine: {info.get('cpu', '?')}, {info['nproc']} cores, {info.get('memory', '?')}, "
        f"Python {info['python']}, Django {info['django']}."
    )
    print()
    rows: list[list[str]] = []

    def row(label: str, target: str, cell: Any) -> None:
        cells = [cell(r) if r is not None else "not measured" for r in results.values()]
        rows.append([label, target, *cells])

    row(
        "Load average (1 min): start / end", "", lambda r: " / ".join(f"{x:.2f}" for x in r["load"])
    )
    row("Stored segments", "200,000", lambda r: f"{r['segments']:,}")
    row(
        "Fuzzy lookup p50 / p95 / p99 ms",
        "p95 ≤ 20 ms",
        lambda r: " / ".join(fmt(r[q]) for q in ("p50", "p95", "p99")),
    )
    row("Slowest lookup, ms", "", lambda r: fmt(r["max"]))
    row(
        "Of a lookup, waiting on the database: p50 / p95 ms",
        "",
        lambda r: f"{fmt(r['db_p50'])} / {fmt(r['db_p95'])}",
    )
    row("CPU of the benchmark process per lookup, ms", "", lambda r: fmt(r["cpu_ms"]))
    row("Lookups that found a match", "", lambda r: f"{r['hits']} of {r['lookups']}")
    header = ["Measurement", "Target", *results]
    for line in [header, ["---"] * len(header), *rows]:
        print(markdown_row(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
