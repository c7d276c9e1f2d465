"""The vocabulary of names, for typos: the keys of every word of a name the index holds.

A query word whose keys are none of these may be a misspelt name ("Pustinsev", "Memorual",
"Novosibirks"): the names within one edit of it (two for a long word), by the optimal string
alignment distance (a swap of two letters is one edit), are looked up as well, below every
other kind of match.  Candidates come from a trigram index kept in memory.

Each process keeps its copy: :data:`vocabulary` is the one per-process memo of the search.
It is filled from ``directory_search_term`` on first use, learns the terms this process
writes, and reloads when the generation number in the shared cache says another process
wrote some (checked every :attr:`Vocabulary.CHECK_EVERY` seconds).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import connection
from rapidfuzz.distance import OSA

TERMS = "directory_search_term"


def trigrams(term: str) -> set[str]:
    """pg_trgm-style trigrams: the word padded with two spaces before and one after."""
    padded = f"  {term} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def edits_allowed(term: str) -> int:
    """One edit in a word of up to eight letters, two in a longer one; none under four."""
    if len(term) < 4:
        return 0
    return 1 if len(term) <= 8 else 2


class Vocabulary:
    """The names' terms of this process, with a trigram index."""

    CHECK_EVERY = 5.0
    GENERATION_KEY = "directory:search:vocabulary"

    def __init__(self) -> None:
        self.terms: set[str] = set()
        self.by_trigram: dict[str, list[str]] = {}
        self.generation: Any = None
        self.checked = 0.0
        self.loaded = False
        self.lock = threading.Lock()

    def _shared_generation(self) -> Any:
        try:
            return cache.get(self.GENERATION_KEY)
        except Exception:  # a cache outage costs typo tolerance, never the search
            return self.generation

    def invalidate(self) -> None:
        with contextlib.suppress(Exception):
            cache.set(self.GENERATION_KEY, time.time_ns(), None)
        self.loaded = False

    def _add(self, term: str) -> None:
        self.terms.add(term)
        for gram in trigrams(term):
            self.by_trigram.setdefault(gram, []).append(term)

    def learn(self, terms: Iterable[str]) -> None:
        new = [t for t in terms if t not in self.terms]
        if not new or not self.loaded:
            return
        with self.lock:
            for term in new:
                self._add(term)
        with contextlib.suppress(Exception):
            cache.set(self.GENERATION_KEY, time.time_ns(), None)
            self.generation = cache.get(self.GENERATION_KEY)

    def ensure(self) -> None:
        now = time.monotonic()
        if self.loaded and now - self.checked < self.CHECK_EVERY:
            return
        generation = self._shared_generation()
        self.checked = now
        if self.loaded and generation == self.generation:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT term FROM {TERMS}")  # noqa: S608
            rows = cursor.fetchall()
        fresh = Vocabulary()
        for (term,) in rows:
            fresh._add(term)
        with self.lock:  # swapped whole: readers never see half a vocabulary
            self.terms, self.by_trigram = fresh.terms, fresh.by_trigram
            self.generation = generation
            self.loaded = True

    def near(self, term: str, limit: int = 5) -> list[str]:
        """Terms within a typo of ``term`` (see :func:`edits_allowed`), nearest first."""
        allowed = edits_allowed(term)
        if not allowed:
            return []
        grams = trigrams(term)
        counts: Counter[str] = Counter()
        for gram in grams:
            for candidate in self.by_trigram.get(gram, ()):
                if abs(len(candidate) - len(term)) <= allowed:
                    counts[candidate] += 1
        # Two words within k edits share at least |trigrams| - 3k trigrams.
        least = max(1, len(grams) - 3 * allowed)
        found: list[tuple[int, int, str]] = []
        for candidate, shared in counts.items():
            if shared < least or candidate == term:
                continue
            distance = OSA.distance(term, candidate, score_cutoff=allowed)
            if distance <= allowed:
                found.append((distance, -shared, candidate))
        found.sort()
        return [candidate for _distance, _shared, candidate in found[:limit]]


#: This process's vocabulary (see the module's docstring).
vocabulary = Vocabulary()
