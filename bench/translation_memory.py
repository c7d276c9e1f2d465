"""Fuzzy lookup latency of the bulletin's translation memory with a large memory.

    python bench/translation_memory.py                 # 200,000 segments, fresh SQLite dir
    python bench/translation_memory.py --segments 20000 --lookups 300

Fills N approved English → Russian pairs (built from word lists so that common words match
many sentences and names few, as in real bulletins) into a throwaway data directory, indexes
them exactly as ``memory.remember`` does, then times ``memory.lookup`` for sentences that are
near variants of stored ones (a word changed, added or dropped) and for unrelated sentences,
and prints p50/p95/p99 in milliseconds.  The target is p95 ≤ 20 ms at 200,000 segments.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import child_env, run

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
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"filled {count} segments in {time.perf_counter() - started:.0f} s")


def measure(lookups: int) -> None:
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
    times, hits = [], 0
    for text in queries:
        began = time.perf_counter()
        found = memory.lookup(text)
        times.append((time.perf_counter() - began) * 1000)
        hits += bool(found)
    cuts = statistics.quantiles(times, n=100)
    print(f"{len(times)} lookups over {total} segments ({hits} with a match)")
    p50, p95, p99 = cuts[49], cuts[94], cuts[98]
    print(f"p50 {p50:.1f} ms   p95 {p95:.1f} ms   p99 {p99:.1f} ms   max {max(times):.1f} ms")


def child(opts: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    django.setup()
    fill(opts.segments)
    measure(opts.lookups)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=400)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        child(opts)
        return 0
    with tempfile.TemporaryDirectory(prefix="vigil-tm-bench-") as work:
        env = child_env(Path(work), {})
        run([sys.executable, "-m", "vigil", "migrate", "-v", "0"], env, timeout=600)
        args = [sys.executable, __file__, "--child", "--segments", str(opts.segments)]
        return subprocess.run(
            [*args, "--lookups", str(opts.lookups)], env=env, check=False
        ).returncode


if __name__ == "__main__":
    raise SystemExit(main())
