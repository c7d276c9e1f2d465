"""The translation memory: exact and fuzzy matches for an English sentence.

Sentences are compared word by word: the score is 2 × the words two sentences have in common
(their longest common subsequence, in order) ÷ the words of both, 0–100 %, as CAT tools count
fuzzy matches; offered from 60 %.  Exact (100 %) matches come first.  Which stored sentences
to score is the business of :mod:`.memory_index`, which finds the best ones exactly as
scoring every stored sentence would, without scoring them all.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from rapidfuzz.distance import Indel

from .memory_index import encode_words, memory_index, normalise, similarity, tokens
from .models import MemoryEntry

#: Matches scoring below this (in percent) are not offered.
THRESHOLD = 60

__all__ = ["THRESHOLD", "Match", "lookup", "normalise", "remember", "score", "tokens"]


def source_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def score(a: str, b: str) -> int:
    """Similarity of two sentences in percent, rounded."""
    return round(similarity(a, b))


@dataclass(frozen=True)
class Match:
    source: str
    target: str
    score: int
    entry_id: int
    #: The stored sentence with the words the looked-up one lacks marked, for the editor.
    marked_source: SafeString

    @property
    def exact(self) -> bool:
        return self.score == 100


def remember(source: str, target: str, segment_id: int | None = None) -> MemoryEntry:
    """Store an approved pair once (the same sentence may have several translations)."""
    digest = source_hash(source)
    entry = MemoryEntry.objects.filter(source_hash=digest, target=target).first()
    if entry is not None:
        return entry
    return MemoryEntry.objects.create(
        source=source,
        target=target,
        source_hash=digest,
        segment_id=segment_id,
    )


def lookup(
    source: str, *, limit: int = 3, threshold: int = THRESHOLD, exclude_segment: int | None = None
) -> list[Match]:
    """The best matches for ``source``, best first, ties by entry id."""
    if not normalise(source):
        return []
    excluded: list[int] = []
    if exclude_segment is not None:
        excluded = list(
            MemoryEntry.objects.filter(segment_id=exclude_segment).values_list("pk", flat=True)
        )
    for _attempt in range(2):
        memory_index.sync()
        best = memory_index.best(source, limit=limit, threshold=threshold, exclude=excluded)
        rows = MemoryEntry.objects.in_bulk([b.entry_id for b in best])
        if all(
            b.entry_id in rows and memory_index.holds(b.entry_id, rows[b.entry_id].source)
            for b in best
        ):
            return [
                Match(
                    rows[b.entry_id].source,
                    rows[b.entry_id].target,
                    b.score,
                    b.entry_id,
                    mark_differences(source, rows[b.entry_id].source),
                )
                for b in best
            ]
        memory_index.invalidate()  # deleted or replaced since this process read it
    return []


def mark_differences(wanted: str, stored: str) -> SafeString:
    """``stored`` with its words that differ from ``wanted`` in ``<mark>``: a changed number,
    date or name is what the translator must change in the offered translation."""
    ours = tokens(wanted)
    theirs_words = _words_with_spacing(stored)
    theirs = [w.lower() for w, _ in theirs_words]
    codes: dict[str, str] = {}
    a, b = encode_words(ours, codes), encode_words(theirs, codes)
    kept = [False] * len(theirs)
    for op in Indel.opcodes(a, b):
        if op.tag == "equal":
            for j in range(op.dest_start, op.dest_end):
                kept[j] = True
    out = []
    for (word, space), same in zip(theirs_words, kept, strict=True):
        escaped = html.escape(word)
        out.append((escaped if same else f"<mark>{escaped}</mark>") + html.escape(space))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def _words_with_spacing(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in re.finditer(r"([^\W_]+|[^\w\s])(\s*)", text.strip())]
