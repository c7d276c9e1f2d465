"""The bulletin's translation memory against its limit: scoring every stored segment.

    .venv/bin/python bench/translation_memory.py          # 20,000 and 200,000, both databases
    .venv/bin/python bench/translation_memory.py --sizes 20000 --no-postgres

Fills N approved English → Russian pairs (built from word lists so that common words match
many sentences and names few, as in real bulletins) into a throwaway data folder or database,
then looks up near variants of stored sentences (a word changed, added, dropped, two words
changed) and unrelated sentences twice: through ``memory.lookup`` and by scoring every stored
segment with the same measure in C (rapidfuzz over the same word codes).  It prints both
latencies, per kind of variant how often the memory's best match is the scan's, the time the
first lookup takes to load a worker's index and the worker's resident memory before, after
loading and after the lookups; then the index alone (no database) at 200,000 and 1,000,000
segments.  Targets: recall ≥ 99 % and p95 ≤ 20 ms at 200,000 segments on both databases.
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


VARIANTS = ["a word changed", "a word added", "a word dropped", "two words changed"]
FILLERS = ["urgently", "again", "recently", "reportedly", "also"]


def vary(text: str, rng: random.Random, kind: str) -> str:
    words = text.rstrip(".").split()
    for _ in range(2 if kind == "two words changed" else 1):
        i = rng.randrange(len(words))
        if kind in ("a word changed", "two words changed"):
            words[i] = rng.choice(FILLERS)
        elif kind == "a word added":
            words.insert(i, rng.choice(FILLERS))
        else:
            del words[i]
    return " ".join(words) + "."


def fill(count: int) -> None:
    from django.db import connection, transaction

    from vigil.bulletin import memory
    from vigil.bulletin.models import MemoryEntry

    rng = random.Random(SEED)
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
                    )
                )
            MemoryEntry.objects.bulk_create(entries, batch_size=1000)
        print(f"  {start + len(entries):>7} segments", end="\r", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"filled {count} segments in {time.perf_counter() - started:.0f} s")


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def scan(query: str, limit: int = 3) -> list[tuple[int, int]]:
    """The limit to compare with: every stored sentence scored, in C, by the same measure."""
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    from vigil.bulletin import memory
    from vigil.bulletin.memory_index import _UNSEEN, memory_index, tokens

    index = memory_index
    code = "".join(index.vocabulary.get(w, _UNSEEN) for w in tokens(query))
    scores = process.cdist([code], index.texts, scorer=Indel.normalized_similarity)[0]
    found = [
        (int(index.ids[i]), round(100 * float(v)))
        for i, v in enumerate(scores.tolist())
        if round(100 * float(v)) >= memory.THRESHOLD
    ]
    return sorted(found, key=lambda f: (-f[1], f[0]))[:limit]


def quantiles(times: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def measure(lookups: int) -> dict[str, Any]:
    from vigil.bulletin import memory
    from vigil.bulletin.memory_index import memory_index
    from vigil.bulletin.models import MemoryEntry

    rng = random.Random(SEED + 1)
    total = MemoryEntry.objects.count()
    before = resident_mib()
    began = time.perf_counter()
    memory.lookup("warm the index")  # loads the index: what a worker's first lookup pays
    build_s = time.perf_counter() - began
    loaded = resident_mib()
    per_kind = max(10, lookups // 5)
    queries: list[tuple[str, str]] = []
    for kind in VARIANTS:
        for _ in range(per_kind):
            pk = int(memory_index.ids[rng.randrange(len(memory_index.ids))])
            stored = MemoryEntry.objects.get(pk=pk).source
            queries.append((kind, vary(stored, rng, kind)))
    queries += [("unrelated", sentence(random.Random(i)) + " Today.") for i in range(per_kind)]
    times: list[float] = []
    scan_times: list[float] = []
    rows: dict[str, dict[str, int]] = {}
    fifth = 0.0
    for n, (kind, text) in enumerate(queries):
        if n == len(queries) // 5:
            fifth = resident_mib()
        t0 = time.perf_counter()
        found = memory.lookup(text)
        times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        limit = scan(text)
        scan_times.append((time.perf_counter() - t0) * 1000)
        row = rows.setdefault(kind, {"lookups": 0, "scan_found": 0, "found": 0, "best": 0})
        row["lookups"] += 1
        row["scan_found"] += bool(limit)
        row["found"] += bool(found)
        row["best"] += bool(limit) and [(m.entry_id, m.score) for m in found] == limit
    after = resident_mib()
    p50, p95, p99 = quantiles(times)
    s50, s95, _ = quantiles(scan_times)
    print(f"{len(times)} lookups over {total} segments: p95 {p95:.1f} ms, scan p95 {s95:.1f} ms")
    return {
        "segments": total,
        "lookups": len(times),
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "scan_p50": s50,
        "scan_p95": s95,
        "kinds": rows,
        "build_s": build_s,
        "rss": [before, loaded, fifth, after],
        "index_mib": memory_index.memory_bytes() / 2**20,
    }


def index_only(segments: int) -> dict[str, Any]:
    """The index of ``segments`` sentences built in this process, without a database: what a
    worker holds, and whether lookups make it grow."""
    from vigil.bulletin.memory_index import MemoryIndex

    rng = random.Random(SEED)
    before = resident_mib()
    index = MemoryIndex()
    began = time.perf_counter()
    index._add((n + 1, sentence(rng)) for n in range(segments))
    build_s = time.perf_counter() - began
    loaded = resident_mib()
    times = []
    fifth = 0.0
    for i in range(500):
        if i == 100:
            fifth = resident_mib()
        text = vary(sentence(random.Random(i)), rng, "a word changed")
        t0 = time.perf_counter()
        index.best(text, limit=3, threshold=60)
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "segments": segments,
        "build_s": build_s,
        "rss": [before, loaded, fifth, resident_mib()],
        "index_mib": index.memory_bytes() / 2**20,
        "p95": quantiles(times)[1],
    }


def child(opts: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    django.setup()
    if opts.index_only:
        result = index_only(opts.index_only)
    else:
        fill(opts.segments)
        result = measure(opts.lookups)
    Path(opts.out).write_text(json.dumps(result))


def one_database(
    env: dict[str, str], opts: argparse.Namespace, segments: int, out: Path
) -> dict[str, Any]:
    load_before = load_average()
    run([sys.executable, "-m", "vigil", "migrate", "-v", "0"], env, timeout=600)
    args = [sys.executable, __file__, "--child", "--segments", str(segments)]
    args += ["--lookups", str(opts.lookups), "--out", str(out)]
    subprocess.run(args, env=env, cwd=ROOT, check=True, timeout=7200)
    result: dict[str, Any] = json.loads(out.read_text())
    result["load"] = [load_before, load_average()]
    return result


def index_alone(work: Path, segments: int) -> dict[str, Any]:
    out = work / f"index-{segments}.json"
    env = child_env(work / f"index-{segments}", {})
    args = [sys.executable, __file__, "--child", "--index-only", str(segments), "--out", str(out)]
    subprocess.run(args, env=env, cwd=ROOT, check=True, timeout=7200)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,200000", help="memory sizes, comma-separated")
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--index-sizes", default="200000,1000000", help="index-only sizes")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--segments", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--index-only", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        child(opts)
        return 0
    sizes = [int(x) for x in opts.sizes.split(",") if x]
    index_sizes = [int(x) for x in opts.index_sizes.split(",") if x]
    if not all(100 <= n <= 1_000_000 for n in sizes + index_sizes) or not (
        50 <= opts.lookups <= 10_000
    ):
        parser.error("sizes must be 100..1000000 and --lookups 50..10000")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[tuple[str, int], dict[str, Any] | None] = {}
    alone: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="vigil-tm-bench-") as tmp:
        work = Path(tmp)
        for size in sizes:
            say(f"SQLite (WAL), {size:,} segments")
            results["SQLite", size] = one_database(
                child_env(work / f"sqlite-{size}", {}), opts, size, work / f"s{size}.json"
            )
            if opts.no_postgres:
                loud("--no-postgres: the PostgreSQL column WAS NOT MEASURED")
                results["PostgreSQL", size] = None
                continue
            say(f"PostgreSQL, {size:,} segments")
            with postgres_environment() as extra:
                results["PostgreSQL", size] = (
                    None
                    if extra is None
                    else one_database(
                        child_env(work / f"pg-{size}", extra), opts, size, work / f"p{size}.json"
                    )
                )
        for size in index_sizes:
            say(f"The index alone, {size:,} segments")
            alone[size] = index_alone(work, size)
    info = machine()
    print()
    print(f"Vigil translation memory benchmark, {now}")
    print(
        f"Machine: {info.get('cpu', '?')}, {info['nproc']} cores, {info.get('memory', '?')}, "
        f"Python {info['python']}, Django {info['django']}."
    )
    print()
    columns = list(results)
    rows: list[list[str]] = []

    def row(label: str, target: str, cell: Any) -> None:
        cells = [cell(results[c]) if results[c] is not None else "not measured" for c in columns]
        rows.append([label, target, *cells])

    row(
        "Load average (1 min): start / end", "", lambda r: " / ".join(f"{x:.2f}" for x in r["load"])
    )
    row("Lookups", "", lambda r: str(r["lookups"]))
    row(
        "Memory lookup p50 / p95 / p99, ms",
        "p95 ≤ 20 ms",
        lambda r: " / ".join(fmt(r[q]) for q in ("p50", "p95", "p99")),
    )
    row(
        "Scan of every segment p50 / p95, ms",
        "",
        lambda r: f"{fmt(r['scan_p50'])} / {fmt(r['scan_p95'])}",
    )
    for kind in [*VARIANTS, "unrelated"]:
        row(
            f"{kind}: best match as the scan's / scan found one",
            "≥ 99 %" if kind != "unrelated" else "",
            lambda r, k=kind: (
                f"{r['kinds'][k]['best']} / {r['kinds'][k]['scan_found']}"
                f" of {r['kinds'][k]['lookups']}"
            ),
        )
    row(
        "Recall (best match as the scan's), all lookups",
        "≥ 99 %",
        lambda r: "{:.1%}".format(
            sum(k["best"] for k in r["kinds"].values())
            / max(1, sum(k["scan_found"] for k in r["kinds"].values()))
        ),
    )
    row("Index loaded by the first lookup, s", "", lambda r: fmt(r["build_s"]))
    row(
        "Worker resident MiB: before / index loaded / at 1/5 of the lookups / at the end",
        "flat",
        lambda r: " / ".join(f"{x:.0f}" for x in r["rss"]),
    )
    header = ["Measurement", "Target", *[f"{db}, {size:,}" for db, size in columns]]
    for line in [header, ["---"] * len(header), *rows]:
        print(markdown_row(line))
    print()
    header = ["The index alone (no database)", *[f"{n:,} segments" for n in alone]]
    lines = [
        ["Built in, s", *[fmt(a["build_s"]) for a in alone.values()]],
        ["Index size estimate, MiB", *[fmt(a["index_mib"]) for a in alone.values()]],
        [
            "Resident MiB: before / built / after 100 / after 500 lookups",
            *[" / ".join(f"{x:.0f}" for x in a["rss"]) for a in alone.values()],
        ],
        ["Lookup p95 in the index, ms", *[fmt(a["p95"]) for a in alone.values()]],
    ]
    for line in [header, ["---"] * len(header), *lines]:
        print(markdown_row(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
