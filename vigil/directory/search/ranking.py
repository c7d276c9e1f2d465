"""The order of results: one scoring function, the same on both databases.

An entry's score is the pair (level, rank id):

* **level** (:mod:`.query`): the first of the query's levels at which the entry matches every
  word of the query — in a name, a person or a place before the prose; as written before by
  stem, before by key (another alphabet or spelling), before by a typo;
* **rank id** (:mod:`.documents`): the static order among entries of the same level — a short
  name before a long one, a complete entry before a sparse one, a recent one before an old one.

Both databases hold the same tokens under the same rank ids and return each level's matches in
rank id order, so they give the same results in the same order.  Every match is ranked at a
bounded cost: the levels are read best first, each only as far as the page asked for needs
(the entries matching at a level include those of the levels above, so at most the page's end
plus the entries already found are read), and the total is counted up to :data:`COUNTED`.
"""

from __future__ import annotations

import dataclasses

from django.db import connection

from . import backends
from .backends import Match
from .documents import organisation_of
from .query import Query

#: Matches counted (and reachable by paging); beyond, the page says "more than" and filters
#: or more words narrow the search.
COUNTED = 1000


def ranked(query: Query, *, offset: int = 0, limit: int = 20) -> tuple[list[int], int]:
    """Rank ids of the matches from ``offset`` (at most ``limit``), best first, and how many
    match (up to COUNTED + 1: more than COUNTED)."""
    if not query:
        return [], 0
    backend = backends.current()
    want = min(offset + limit, COUNTED)
    found: list[int] = []
    seen: set[int] = set()
    levels = query.levels()
    total: int | None = None
    # Sub-matches of the query already shown to have COUNTED matches or fewer.
    short: set[Match] = set()

    def more_than_counted(match: Match) -> bool:
        """Whether a cheap part of ``match`` (see each backend's floor()) already has more
        than COUNTED matches: then ``match`` has, and so the whole query."""
        floor = backend.floor(match)
        if floor is None or floor in short:
            return False
        if backend.count(cursor, floor, COUNTED + 1) > COUNTED:
            return True
        short.add(floor)
        return False

    with backend.reading(), connection.cursor() as cursor:
        for index, (_level, sets) in enumerate(levels):
            if len(found) >= want:
                break
            # The first ``want`` of this level not found above are among its first
            # ``want + len(found)``: every entry found above matches here too.
            asked = want + len(found)
            match = (sets, query.facets)
            if total is None and more_than_counted(match):
                total = COUNTED + 1
            # A read may count its level's matches too (see each backend's first()): a level
            # with more than COUNTED says the whole query has, its matches being among those.
            # Once that is known, so is it of every level below, which is read without a count.
            ids, matches = backend.first(
                cursor, match, asked, cap=COUNTED + 1, many=total is not None
            )
            for rank in ids:
                if rank not in seen and len(found) < want:
                    seen.add(rank)
                    found.append(rank)
            if total is None and index == len(levels) - 1:
                total = matches  # known when every match of the whole query was read
            elif total is None and matches is not None and matches > COUNTED:
                total = COUNTED + 1
        if total is None:
            last = (levels[-1][1], query.facets)
            if more_than_counted(last):
                total = COUNTED + 1
            else:
                total = backend.count(cursor, last, COUNTED + 1)
    return found[offset : offset + limit], min(total, COUNTED + 1)


def matching_ids(query: Query, *, offset: int = 0, limit: int | None = 20) -> tuple[list[int], int]:
    """Organisation ids of the matches, best first (all counted ones when ``limit`` is None)."""
    ranks, total = ranked(query, offset=offset, limit=COUNTED if limit is None else limit)
    return [organisation_of(rank) for rank in ranks], total


def with_facets(query: Query, facets: tuple[str, ...]) -> Query:
    return dataclasses.replace(query, facets=facets)
