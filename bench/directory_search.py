"""In-process directory search latency, run by ``bench/directory.py`` after the import.

The query mix is Russian (inflected forms), English, transliterated (Latin for Cyrillic names and
back), people's names, phone numbers written in other formats than the source, typos, and
queries filtered by a region (a city, a part of Russia, the whole NIS) or narrowed to few
matches (which are ranked).  The
names and phones are taken from entries the generator made, so they exist in the database.
Each query goes through ``vigil.directory.search.search``: the whole first page the search page
shows (matching ids, the entries, highlighted names and snippets).

    python bench/directory_search.py --out result.json [--queries 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import time
from pathlib import Path
from typing import Any

from directory_data import entries
from foundation import percentile

SEED = 20261124

FIXED: dict[str, list[str]] = {
    "russian": [
        "правозащитных организаций",
        "солдатских матерей",
        "правовая помощь беженцам",
        "защита прав заключённых",
        "Москва",
        "историческая память",
        "общество правозащитное Казань",
    ],
    "english": [
        "human rights",
        "refugees legal aid",
        "soldiers mothers",
        "independent media bulletin",
        "free elections Novosibirsk",
        "prisoners of conscience",
    ],
    "transliterated": [
        "Memorial",
        "Moskva",
        "Pravozashchitny",
        "Sankt-Peterburg",
        "Kazan",
        "Saint Petersburg",
    ],
    "typo": ["Memorual", "Vladivostock", "Novosibirks", "Ekaterinburg"],
}

#: The same kinds of words under a region filter (the search page's region list).
FILTERED: list[tuple[str, dict[str, str]]] = [
    ("human rights", {"region": "moscow"}),
    ("правозащитных организаций", {"region": "russia-east"}),
    ("Memorial", {"region": "nis"}),
    ("общество правозащитное Казань", {"region": "russia-west"}),
    ("солдатских матерей", {"region": "vladivostok"}),
    ("prisoners of conscience", {"region": "russia"}),
]

#: A query as the search page gets it: the text and the filters.
Query = tuple[str, dict[str, str]]


def sample_queries() -> dict[str, list[Query]]:
    """The fixed queries plus people and phones of the first generated entries, and the
    filtered ones (among them two with one match each, which are ranked)."""
    people: list[str] = []
    phones: list[str] = []
    for text in entries(400):
        for line in text.splitlines():
            role, _sep, value = line.partition(": ")
            if not value:
                continue
            if role in ("Tel", "Тел."):
                digits = re.sub(r"\D", "", value)
                local = digits[1:] if value.startswith("+7") else digits
                # Other ways of writing the same number: international, or the local part.
                other = f"{local[-7:-4]}-{local[-4:-2]}-{local[-2:]}"
                phones.append(f"+7{local}" if len(phones) % 2 else other)
            elif role in ("Contact", "Director", "Контакт", "Директор"):
                people.append(value.split()[-1])
    rnd = random.Random(SEED)
    plain = {
        **FIXED,
        "person": rnd.sample(sorted(set(people)), 8),
        "phone": rnd.sample(phones, 8),
    }
    mix: dict[str, list[Query]] = {k: [(q, {}) for q in v] for k, v in plain.items()}
    mix["filtered"] = FILTERED + FEW
    return mix


#: The number in an entry's name ("Социальный союз толерантности №12345") with a word of it:
#: one match, ranked.
FEW: list[Query] = [("союз №12345", {"region": "nis"}), ("лига 43218", {"region": "russia"})]


def measure(queries: dict[str, list[Query]], count: int, warmup: int) -> dict[str, Any]:
    from vigil.directory import search

    mix = [(kind, q) for kind, items in queries.items() for q in items]
    rnd = random.Random(SEED)
    for _ in range(warmup):
        text, filters = rnd.choice(mix)[1]
        search.search(text, region=filters.get("region"))
    timings: dict[str, list[float]] = {kind: [] for kind in queries}
    cpu: list[float] = []
    found: dict[str, int] = {}
    for _ in range(count):
        kind, (text, filters) = rnd.choice(mix)
        started, started_cpu = time.perf_counter(), time.process_time()
        results = search.search(text, region=filters.get("region"))
        timings[kind].append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        found[label(text, filters)] = results.total
    every = sorted(t for values in timings.values() for t in values)
    summary = {
        "queries": count,
        "distinct": len(mix),
        "p50_ms": percentile(every, 50) * 1000,
        "p95_ms": percentile(every, 95) * 1000,
        "p99_ms": percentile(every, 99) * 1000,
        "mean_ms": statistics.fmean(every) * 1000,
        # This process's CPU time a search (its own, not the database server's): what a busy
        # machine slows down least.
        "cpu_p50_ms": percentile(sorted(cpu), 50) * 1000,
        "cpu_p95_ms": percentile(sorted(cpu), 95) * 1000,
        "by_kind": {
            kind: {
                "count": len(values),
                "p50_ms": percentile(sorted(values), 50) * 1000,
                "p95_ms": percentile(sorted(values), 95) * 1000,
            }
            for kind, values in timings.items()
            if values
        },
        "found": found,
        "empty": sorted(q for q, total in found.items() if not total),
    }
    return summary


def label(text: str, filters: dict[str, str]) -> str:
    return " ".join([text, *(f"[{k}={v}]" for k, v in filters.items())])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--paths", type=Path, help="also write the mix as search page paths")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    from vigil.startup import boot

    boot(check_database=True)
    queries = sample_queries()
    if args.paths:
        from urllib.parse import urlencode

        args.paths.write_text(
            "".join(
                f"/en/directory/search/?{urlencode({'q': q, **filters})}\n"
                for items in queries.values()
                for q, filters in items
            )
        )
    args.out.write_text(json.dumps(measure(queries, args.queries, args.warmup), indent=2))


if __name__ == "__main__":
    main()
