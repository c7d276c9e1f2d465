"""The translation memory held in each worker, for lookups that miss no near match.

Every stored English sentence is kept as a short string of word codes (one character per
word or punctuation mark, from this process's vocabulary), so that rapidfuzz compares two
sentences word by word in C.  Beside them: each sentence's length in words, how many of
those are *plain* (stop words, one-letter words, punctuation), and an inverted index from
each other word (a *term*) to the sentences holding it, one posting per occurrence.

A lookup counts, for every stored sentence at once (numpy), the terms it shares with the
query.  The longest common subsequence of two sentences can hold no more words than their
shared terms plus the plain words of the shorter plain part, so that count bounds the score
from above.  Sentences are scored in the order of that bound, and scoring stops when no
remaining bound can reach the k-th best score: the result is exactly what scoring every
stored sentence would give, at the cost of scoring only the ones that could compete.

:data:`memory_index` is the one per-process memo of the translation memory.  It loads on
first use and stays in step with the database without a shared signal: each lookup asks for
the highest entry id and the number of entries among the last ids (one indexed query).  New
entries are read, including ids committed out of order within that window; fewer entries
than known, or an entry found deleted or changed when its text is read, rebuild the index.
Entry ids are never reused by a running site (PostgreSQL sequences, SQLite's AUTOINCREMENT);
a restored database comes with restarted processes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max
from rapidfuzz import process
from rapidfuzz.distance import Indel

from vigil.core.memo import Memo, register

from .models import MemoryEntry

_STOPWORDS = """a an and are as at be been but by for from had has have he her his i in is it
its of on or she that the their them they this to was we were which who will with you"""
STOPWORDS = frozenset(_STOPWORDS.split())
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)

#: Ids up to this far below the highest one are read again on refresh: on PostgreSQL a
#: transaction that took a lower id may commit after one that took a higher id.
LATE_COMMIT_WINDOW = 1000
#: Candidates scored per call into rapidfuzz before the bound is checked again.
CHUNK = 256
#: Code of a query word the memory has never seen: no stored sentence holds it.
_UNSEEN = "\x00"


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def tokens(text: str) -> list[str]:
    """Words and punctuation marks, lower-cased: what fuzzy scores compare."""
    return _TOKEN.findall(normalise(text))


def is_term(token: str) -> bool:
    """A word that selects sentences: not a stop word, a letter or a punctuation mark."""
    return len(token) > 1 and token not in STOPWORDS


def similarity(a: str, b: str) -> float:
    """2 × common words ÷ all words (the longest common subsequence), 0–100."""
    vocabulary: dict[str, str] = {}
    return _percent(encode_words(tokens(a), vocabulary), encode_words(tokens(b), vocabulary))


def _percent(a: str, b: str) -> float:
    return 100.0 * float(Indel.normalized_similarity(a, b))


def _code(n: int) -> str:
    # Code points past the surrogates, so that every code is a valid character.
    return chr(n + 1 if n < 0xD7FF else n + 0x801)


def encode_words(words: Sequence[str], vocabulary: dict[str, str]) -> str:
    out = []
    for word in words:
        code = vocabulary.get(word)
        if code is None:
            code = vocabulary[word] = _code(len(vocabulary))
        out.append(code)
    return "".join(out)


@dataclass(frozen=True)
class Scored:
    entry_id: int
    score: int


class MemoryIndex(Memo):
    """Every stored sentence of this process's memory, as word codes with a term index."""

    name = "bulletin.memory_index"
    keeps = "every sentence of the translation memory, as word codes, and its term index"
    bound = None  # the memory table's rows: 200,000 segments measured (bench/)

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._clear()
        register(self)

    def _clear(self) -> None:
        self.vocabulary: dict[str, str] = {}
        self.term_codes: set[str] = set()
        self.texts: list[str] = []
        self.ids = np.zeros(0, dtype=np.int64)
        self.lengths = np.zeros(0, dtype=np.int32)
        self.plain = np.zeros(0, dtype=np.int32)
        self.postings: dict[str, np.ndarray] = {}
        self.max_id = 0
        self.loaded = False

    # --- keeping in step with the database ----------------------------------------------
    def invalidate(self) -> None:
        with self.lock:
            self._clear()

    def clear(self) -> None:
        self.invalidate()

    def __len__(self) -> int:
        return len(self.texts)

    def sync(self) -> None:
        """Read what the database holds that this process has not seen."""
        with self.lock:
            since = max(0, self.max_id - LATE_COMMIT_WINDOW)
            # Only the window's rows are read (a range of the primary key): any entry this
            # process has not seen has an id in it, and so has the highest one.
            state = MemoryEntry.objects.filter(pk__gt=since).aggregate(
                newest=Max("pk"), recent=Count("pk")
            )
            newest, recent = state["newest"] or 0, state["recent"]
            known = self.ids[np.searchsorted(self.ids, since, side="right") :]
            if newest < self.max_id or recent < len(known):
                self.loaded = False  # entries deleted, or the database restored
            if not self.loaded:
                self._clear()
                self._add(MemoryEntry.objects.order_by("pk").values_list("pk", "source"))
                self.loaded = True
            elif newest > self.max_id or recent > len(known):
                seen = set(known.tolist())
                rows = MemoryEntry.objects.filter(pk__gt=since).order_by("pk")
                self._add(
                    (pk, source)
                    for pk, source in rows.values_list("pk", "source").iterator(2000)
                    if pk not in seen
                )

    def _add(self, rows: Iterable[tuple[int, str]]) -> None:
        ids: list[int] = []
        lengths: list[int] = []
        plain: list[int] = []
        grown: dict[str, list[int]] = {}
        start = len(self.texts)
        vocabulary, term_codes = self.vocabulary, self.term_codes
        for pk, source in rows:
            codes = []
            for word in tokens(source):
                code = vocabulary.get(word)
                if code is None:
                    code = vocabulary[word] = _code(len(vocabulary))
                    if is_term(word):
                        term_codes.add(code)
                codes.append(code)
            position = start + len(ids)
            self.texts.append("".join(codes))
            ids.append(pk)
            lengths.append(len(codes))
            count = 0
            for code in codes:
                if code in term_codes:
                    grown.setdefault(code, []).append(position)
                    count += 1
            plain.append(len(codes) - count)
        if not ids:
            return
        order_kept = not len(self.ids) or ids[0] > self.ids[-1]
        self.ids = np.concatenate([self.ids, np.asarray(ids, dtype=np.int64)])
        self.lengths = np.concatenate([self.lengths, np.asarray(lengths, dtype=np.int32)])
        self.plain = np.concatenate([self.plain, np.asarray(plain, dtype=np.int32)])
        for code, positions in grown.items():
            new = np.asarray(positions, dtype=np.int32)
            old = self.postings.get(code)
            self.postings[code] = new if old is None else np.concatenate([old, new])
        self.max_id = max(self.max_id, max(ids))
        if not order_kept:
            self._sort_by_id()

    def _sort_by_id(self) -> None:
        """Positions follow entry ids, which ``sync`` relies on to find the recent ones."""
        order = np.argsort(self.ids, kind="stable")
        where = np.empty_like(order)
        where[order] = np.arange(len(order))
        self.ids = self.ids[order]
        self.lengths = self.lengths[order]
        self.plain = self.plain[order]
        self.texts = [self.texts[i] for i in order.tolist()]
        self.postings = {code: where[p].astype(np.int32) for code, p in self.postings.items()}

    # --- looking up ------------------------------------------------------------------------
    def best(
        self, text: str, *, limit: int, threshold: float, exclude: Iterable[int] = ()
    ) -> list[Scored]:
        """The ``limit`` best entries scoring at least ``threshold`` %, best first (ties by
        id): exactly what scoring every stored sentence would give."""
        words = tokens(text)
        if not words or not len(self.ids):
            return []
        query = "".join(self.vocabulary.get(w, _UNSEEN) for w in words)
        size = len(words)
        selecting = [self.postings[c] for c in set(query) if c in self.postings]
        shared = (
            np.bincount(np.concatenate(selecting), minlength=len(self.ids))
            if selecting
            else np.zeros(len(self.ids), dtype=np.int64)
        )
        query_plain = sum(1 for w in words if not is_term(w))
        common = np.minimum(shared + np.minimum(self.plain, query_plain), self.lengths)
        np.minimum(common, size, out=common)
        bound = common * 200.0 / (self.lengths + size)
        excluded = np.asarray(sorted(set(exclude)), dtype=np.int64)
        found: list[Scored] = []
        floor = float(threshold)
        # The sentences with the highest bounds first (a partial sort of the whole memory);
        # their scores usually leave few others able to compete.
        first = np.argpartition(-bound, min(CHUNK, len(bound)) - 1)[:CHUNK]
        first = first[bound[first] >= floor - 0.5]
        floor = self._score(query, first, bound, excluded, found, limit, floor)
        # Scores are rounded: a bound of 82.6 ties an 83 and must be scored.
        still = bound >= floor - 0.5
        still[first] = False
        rest = np.flatnonzero(still)
        rest = rest[np.lexsort((self.ids[rest], -bound[rest]))]
        for begin in range(0, len(rest), CHUNK):
            chunk = rest[begin : begin + CHUNK]
            if bound[chunk[0]] < floor - 0.5:
                break
            floor = self._score(query, chunk, bound, excluded, found, limit, floor)
        return found

    def _score(
        self,
        query: str,
        chunk: np.ndarray,
        bound: np.ndarray,
        excluded: np.ndarray,
        found: list[Scored],
        limit: int,
        floor: float,
    ) -> float:
        """Score ``chunk`` into ``found`` (kept best first, ``limit`` long); the new floor."""
        if len(excluded):
            chunk = chunk[~np.isin(self.ids[chunk], excluded)]
        if not len(chunk):
            return floor
        scores = process.cdist(
            [query], [self.texts[i] for i in chunk.tolist()], scorer=Indel.normalized_similarity
        )[0]
        # Half to even, as Python's round(): the same score whichever way it is computed.
        rounded = np.rint(scores * 100)
        keep = np.flatnonzero(rounded >= floor)
        if len(keep) > limit:
            keep = keep[np.lexsort((self.ids[chunk[keep]], -rounded[keep]))[:limit]]
        found.extend(Scored(int(self.ids[chunk[k]]), int(rounded[k])) for k in keep.tolist())
        found.sort(key=lambda s: (-s.score, s.entry_id))
        del found[limit:]
        return max(floor, found[-1].score) if len(found) == limit else floor

    def holds(self, entry_id: int, source: str) -> bool:
        """Whether this process knows ``entry_id`` with this text (ids are reused when a
        database is restored, or a test's transaction rolled back)."""
        at = int(np.searchsorted(self.ids, entry_id))
        if at >= len(self.ids) or self.ids[at] != entry_id:
            return False
        return self.texts[at] == "".join(self.vocabulary.get(w, _UNSEEN) for w in tokens(source))

    def memory_bytes(self) -> int:
        """An estimate of what the index holds, for the benchmark."""
        import sys

        texts = sum(sys.getsizeof(t) for t in self.texts) + sys.getsizeof(self.texts)
        arrays = self.ids.nbytes + self.lengths.nbytes + self.plain.nbytes
        postings = sum(p.nbytes + 100 for p in self.postings.values())
        words = sum(sys.getsizeof(w) + 60 for w in self.vocabulary)
        return texts + arrays + postings + words


#: The one per-process memo of the translation memory (see the module's docstring).
memory_index = MemoryIndex()
