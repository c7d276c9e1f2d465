"""How well the directory search finds what people look for, beside plain full-text search.

    .venv/bin/python bench/search_quality.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/search_quality.py --no-postgres   # SQLite only
    .venv/bin/python bench/search_quality.py --misses        # also list what each missed

The quality set (``bench/search_quality_set.py``: a fixture directory written for it, among
5,000 generated entries, and 150+ queries in nine categories) is loaded, for each database, in
a fresh data folder (a throwaway PostgreSQL database), and run through:

* **Vigil**: ``search.matching_ids``, the ranked search the search page shows;
* **FTS5 unicode61** (on SQLite): every text of the entry in one FTS5 column
  (``unicode61 remove_diacritics 2``), the query's words ANDed, ordered by bm25;
* **PostgreSQL full-text** (on PostgreSQL): ``to_tsvector('russian', text) ||
  to_tsvector('english', text)`` under a GIN index, matched by ``plainto_tsquery('russian', q)
  || plainto_tsquery('english', q)``, ordered by ``ts_rank``.

It prints one table: recall@10 and MRR per category and overall, for each.  The targets:
Vigil's recall@10 at least 0.95 overall and 0.9 in every category, above every baseline in
every category.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import search_quality_set as quality
from run import (
    PYTHON,
    VIGIL,
    child_env,
    load_average,
    loud,
    machine,
    markdown_row,
    postgres_environment,
    run,
    say,
)

_BASELINE_WORD = re.compile(r"\w+")


def fts5_top(cursor: Any, slugs: dict[int, str]) -> Any:
    def top(text: str) -> list[str]:
        words = _BASELINE_WORD.findall(text)
        if not words:
            return []
        match = " AND ".join('"' + w.replace('"', "") + '"' for w in words)
        cursor.execute(
            "SELECT rowid FROM quality_fts5 WHERE quality_fts5 MATCH %s "
            "ORDER BY bm25(quality_fts5), rowid LIMIT 10",
            [match],
        )
        return [slugs[int(row[0])] for row in cursor.fetchall()]

    return top


def postgres_top(cursor: Any, slugs: dict[int, str]) -> Any:
    def top(text: str) -> list[str]:
        cursor.execute(
            "WITH q AS (SELECT plainto_tsquery('russian', %s) || plainto_tsquery('english', %s) "
            "AS q) SELECT id FROM quality_pg, q WHERE doc @@ q.q "
            "ORDER BY ts_rank(doc, q.q) DESC, id LIMIT 10",
            [text, text],
        )
        return [slugs[int(row[0])] for row in cursor.fetchall()]

    return top


def evaluate(out: Path) -> None:
    """In the child process: load the set into this database and measure every search."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    from vigil.startup import boot

    boot(check_database=True)
    from django.db import connection

    from vigil.directory.models import Region
    from vigil.directory.regions import ensure_region_tree

    ensure_region_tree(Region)
    entries = quality.all_entries()
    started = time.perf_counter()
    slugs = quality.load(entries)
    loaded = time.perf_counter() - started
    results: dict[str, Any] = {"entries": len(entries), "load_seconds": loaded}
    started = time.perf_counter()
    results["Vigil"] = quality.measure(quality.vigil_top(slugs), entries)
    results["vigil_ms_per_query"] = (time.perf_counter() - started) * 1000 / len(quality.QUERIES)
    rows = [(pk, quality.text_of(entries[pk - 1])) for pk in slugs]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE VIRTUAL TABLE quality_fts5 USING fts5(text, "
                "tokenize = 'unicode61 remove_diacritics 2')"
            )
            cursor.executemany("INSERT INTO quality_fts5 (rowid, text) VALUES (%s, %s)", rows)
            results["FTS5 unicode61"] = quality.measure(fts5_top(cursor, slugs), entries)
        else:
            cursor.execute("CREATE TABLE quality_pg (id bigint PRIMARY KEY, doc tsvector)")
            cursor.executemany(
                "INSERT INTO quality_pg VALUES (%s, to_tsvector('russian', %s) || "
                "to_tsvector('english', %s))",
                [(pk, text, text) for pk, text in rows],
            )
            cursor.execute("CREATE INDEX quality_pg_doc ON quality_pg USING gin (doc)")
            results["PostgreSQL full-text"] = quality.measure(postgres_top(cursor, slugs), entries)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))


def measure_database(mode: str, env: dict[str, str], work: Path) -> dict[str, Any]:
    run([VIGIL, "migrate", "--no-input", "-v", "0"], env, timeout=600)
    run([VIGIL, "createcachetable"], env, timeout=60)
    out = work / f"quality-{mode}.json"
    run([PYTHON, str(Path(__file__)), "--evaluate", str(out)], env, timeout=1200)
    return json.loads(out.read_text())


def table(results: dict[str, dict[str, Any]]) -> str:
    """Categories down, searches across: recall@10 / MRR."""
    columns: list[tuple[str, dict[str, Any]]] = []
    for mode, result in results.items():
        columns.append((f"Vigil, {mode}", result["Vigil"]))
        for name in ("FTS5 unicode61", "PostgreSQL full-text"):
            if name in result:
                columns.append((name, result[name]))
    header = ["Category (queries)", *(name for name, _r in columns)]
    lines = [markdown_row(header), markdown_row(["---"] * len(header))]
    for category in [*quality.CATEGORIES, "overall"]:
        count = int(columns[0][1][category]["queries"])
        cells = [f"{r[category]['recall']:.2f} / {r[category]['mrr']:.2f}" for _name, r in columns]
        label = f"**{category}** ({count})" if category == "overall" else f"{category} ({count})"
        lines.append(markdown_row([label, *cells]))
    return "\n".join(lines)


def verdict(results: dict[str, dict[str, Any]]) -> list[str]:
    """What misses the targets (empty: all met)."""
    problems = []
    for mode, result in results.items():
        vigil = result["Vigil"]
        if vigil["overall"]["recall"] < quality.TARGETS["overall"]:
            problems.append(f"{mode}: overall recall@10 {vigil['overall']['recall']:.2f}")
        for category in quality.CATEGORIES:
            mine = vigil[category]["recall"]
            if mine < quality.TARGETS["category"]:
                problems.append(f"{mode}: {category} recall@10 {mine:.2f}")
            for name in ("FTS5 unicode61", "PostgreSQL full-text"):
                if name in result and result[name][category]["recall"] >= mine:
                    problems.append(f"{mode}: {category} not above {name}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--misses", action="store_true", help="list the queries Vigil missed")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--evaluate", type=Path, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.evaluate:
        evaluate(opts.evaluate)
        return 0

    started = time.monotonic()
    info = machine()
    before = load_average()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="vigil-bench-quality-") as tmp:
        work = Path(tmp)
        if not opts.no_sqlite:
            say("SQLite")
            results["SQLite"] = measure_database("sqlite", child_env(work / "sqlite", {}), work)
        if not opts.no_postgres:
            with postgres_environment() as extra:
                if extra is None:
                    loud("PostgreSQL did not answer: its columns WERE NOT MEASURED")
                else:
                    say("PostgreSQL")
                    env = child_env(work / "pg", extra)
                    results["PostgreSQL"] = measure_database("postgresql", env, work)
    first = next(iter(results.values()))
    print(f"Vigil directory search quality, {now}")
    print(
        f"Machine: {info.get('cpu', '?')}, {info['nproc']} CPUs; load average (1 min) "
        f"{before:.2f} before, {load_average():.2f} after"
    )
    print(
        f"{len(quality.ENTRIES)} fixture entries among {first['entries'] - len(quality.ENTRIES):,}"
        f" generated ones; {len(quality.QUERIES)} queries.  Cells: recall@10 / MRR."
    )
    print()
    print(table(results))
    for mode, result in results.items():
        print(f"\nVigil on {mode}: {result['vigil_ms_per_query']:.1f} ms a query on average.")
    problems = verdict(results)
    print("\nTargets: " + ("all met." if not problems else "NOT MET: " + "; ".join(problems)))
    if opts.misses:
        for mode, result in results.items():
            for name in ("Vigil",):
                print(f"\n{name} on {mode} missed:")
                print("\n".join(f"  {m}" for m in result[name]["misses"]) or "  nothing")
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")
    if opts.json:
        opts.json.write_text(json.dumps({"when": now, "machine": info, "results": results}))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
