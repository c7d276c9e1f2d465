"""The translation memory: exact and fuzzy matches for an English sentence.

Scoring every stored sentence with difflib would take seconds at 200,000 entries, so a lookup
is two steps.  First an inverted index (``MemoryTerm`` → ``MemoryPosting``, plain tables that
work the same on SQLite and PostgreSQL) picks the entries sharing the most of the sentence's
*rarest* words, reading a bounded number of index rows.  Then only those candidates, within
the lengths that could still reach the threshold, are scored with difflib's
``SequenceMatcher.ratio`` over the normalised words, 0–100 %.  Common words ("the", "of") are
left out of the index: they would match everything and select nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Count, F, QuerySet

from .models import MemoryEntry, MemoryPosting, MemoryTerm

#: Matches scoring below this (in percent) are not offered.
THRESHOLD = 60
#: How many of the sentence's rarest words select candidates, and how many are scored.
RARE_TERMS = 8
CANDIDATES = 25
#: At most this many index rows are read per lookup (see ``_candidates``).
POSTINGS_BUDGET = 3000

_STOPWORDS = """a an and are as at be been but by for from had has have he her his i in is it
its of on or she that the their them they this to was we were which who will with you"""
STOPWORDS = frozenset(_STOPWORDS.split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+|[^\w\s]", re.UNICODE)


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def source_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def terms(text: str) -> set[str]:
    return {
        word[:64]
        for word in _WORD.findall(normalise(text))
        if len(word) > 1 and word not in STOPWORDS
    }


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalise(text))


def score(a: str, b: str) -> int:
    """Similarity of two sentences in percent: difflib's ratio over their words.

    Over words rather than characters, as CAT tools count fuzzy matches, and some thirty
    times faster on a sentence: a lookup scores dozens of candidates.
    """
    return round(100 * SequenceMatcher(None, tokens(a), tokens(b), autojunk=False).ratio())


@dataclass(frozen=True)
class Match:
    source: str
    target: str
    score: int
    entry_id: int

    @property
    def exact(self) -> bool:
        return self.score == 100


def remember(source: str, target: str, segment_id: int | None = None) -> MemoryEntry:
    """Store an approved pair once (the same sentence may have several translations)."""
    digest = source_hash(source)
    entry = MemoryEntry.objects.filter(source_hash=digest, target=target).first()
    if entry is not None:
        return entry
    entry = MemoryEntry.objects.create(
        source=source,
        target=target,
        source_hash=digest,
        length=len(normalise(source)),
        segment_id=segment_id,
    )
    index(entry)
    return entry


def index(entry: MemoryEntry) -> None:
    words = terms(entry.source)
    if not words:
        return
    existing = set(MemoryTerm.objects.filter(text__in=words).values_list("text", flat=True))
    MemoryTerm.objects.bulk_create(
        [MemoryTerm(text=word) for word in words - existing], ignore_conflicts=True
    )
    found = MemoryTerm.objects.filter(text__in=words)
    MemoryPosting.objects.bulk_create(
        [
            MemoryPosting(term_id=term_id, entry=entry)
            for term_id in found.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    found.update(entries=F("entries") + 1)


def lookup(
    source: str, *, limit: int = 3, threshold: int = THRESHOLD, exclude_segment: int | None = None
) -> list[Match]:
    """The best matches for ``source``, best first: exact ones (100 %) then fuzzy ones."""
    wanted = normalise(source)
    if not wanted:
        return []
    entries = MemoryEntry.objects.all()
    if exclude_segment is not None:
        entries = entries.exclude(segment_id=exclude_segment)
    matches: dict[int, Match] = {}
    for entry_id, src, tgt in entries.filter(source_hash=source_hash(source)).values_list(
        "pk", "source", "target"
    )[:limit]:
        matches[entry_id] = Match(src, tgt, 100, entry_id)
    if len(matches) < limit:
        # ratio = 2·M / (|a| + |b|) ≤ 2·min / (|a| + |b|): outside these lengths nothing can
        # reach the threshold.
        words = tokens(wanted)
        t = threshold / 100
        shortest, longest = len(words) * t / (2 - t), len(words) * (2 - t) / t
        for entry_id, src, tgt in _candidates(wanted, entries):
            theirs = tokens(src)
            if entry_id in matches or not shortest <= len(theirs) <= longest:
                continue
            # The k-th best so far: a candidate whose upper bound is below it cannot enter.
            # Scores are rounded, so the bound is compared with floor - 0.5: a ratio of 82.6 %
            # ties an 83 and must be scored, or the result would depend on the order the
            # candidates arrive in (which differs between databases and query plans).
            floor = max(threshold, _kth_best(matches, limit))
            matcher = SequenceMatcher(None, words, theirs, autojunk=False)
            cut = floor - 0.5
            if 100 * matcher.real_quick_ratio() < cut or 100 * matcher.quick_ratio() < cut:
                continue
            value = round(100 * matcher.ratio())
            if value >= floor:
                matches[entry_id] = Match(src, tgt, value, entry_id)
    return sorted(matches.values(), key=lambda m: (-m.score, m.entry_id))[:limit]


def _kth_best(matches: dict[int, Match], k: int) -> int:
    if len(matches) < k:
        return 0
    return sorted((m.score for m in matches.values()), reverse=True)[k - 1]


def _candidates(wanted: str, entries: QuerySet[MemoryEntry]) -> list[tuple[int, str, str]]:
    """Entries sharing the most of the sentence's rarest words.

    Words are taken rarest first until their postings would exceed ``POSTINGS_BUDGET``, so a
    lookup reads a bounded number of index rows however large the memory grows; a near
    duplicate shares all of them and comes first.
    """
    words = terms(wanted)
    if not words:
        return []
    chosen: list[int] = []
    postings = 0
    for term_id, count in (
        MemoryTerm.objects.filter(text__in=words, entries__gt=0)
        .order_by("entries")
        .values_list("pk", "entries")[:RARE_TERMS]
    ):
        if chosen and postings + count > POSTINGS_BUDGET:
            break
        chosen.append(term_id)
        postings += count
    if not chosen:
        return []
    postings_of = MemoryPosting.objects.filter(term_id__in=chosen)
    if len(chosen) == 1:
        # One word: every entry shares exactly one (a posting is unique per term and entry),
        # so the ranking is the entry id alone and the index (term, entry) gives the first
        # ones directly instead of counting thousands of postings.
        best = postings_of.order_by("entry_id").values_list("entry_id", flat=True)
    else:
        # COUNT(*), not COUNT(id): it needs only (term, entry), so PostgreSQL answers from the
        # covering unique index (an index-only scan) instead of visiting a heap page per row.
        best = (
            postings_of.values("entry_id")
            .annotate(shared=Count("*"))
            .order_by("-shared", "entry_id")
            .values_list("entry_id", flat=True)
        )
    best = best[:CANDIDATES]
    # One query (a subquery) rather than two: on PostgreSQL each round trip to the server
    # counts.  The rows come back unranked, in an order that depends on the plan;
    # ``lookup``'s result does not depend on it (ties are broken by entry id).
    return list(entries.filter(pk__in=best).values_list("pk", "source", "target"))
