"""Search over the directory: one index document per published organisation.

The package, by responsibility:

* :mod:`.text` — :func:`normalise`, the one way every part reads text, and :func:`words`;
* :mod:`..translit` — transliteration schemes and the keys that compare names across them;
* :mod:`.forms` — a word's forms (exact, stem, keys) and the tagged tokens the index holds;
* :mod:`.phones` — phone numbers written every way, in entries and queries;
* :mod:`.documents` — the document of an entry: tokens, rank id (the static order), card;
* :mod:`.vocabulary` — the names' keys, for typos;
* :mod:`.query` — a query's words and the tokens each matches at each level of relevance;
* :mod:`.ranking` — the one scoring function: levels read best first, in rank id order;
* :mod:`.backends` — the same index on SQLite (FTS5) and PostgreSQL (GIN);
* :mod:`.indexing` — keeping the index in step with the entries;
* :mod:`.highlight` and :mod:`.results` — what the pages show.

The tables (migration ``0008_search_relevance_levels``): ``directory_search`` (the index),
``directory_search_card`` (what a result shows, with the rank id of the entry's document) and
``directory_search_term`` (the vocabulary of names).
"""

from __future__ import annotations

from . import phones
from .backends import CARDS, TABLE
from .documents import (
    Document,
    build_document,
    card_of,
    document_of,
    forget_places,
    load_places,
)
from .indexing import (
    deferred,
    index_organisations,
    pending,
    rebuild_all,
    reindex,
    remove,
    settle,
    write_documents,
)
from .query import MAX_QUERY_CHARS, Query, parse
from .ranking import COUNTED
from .results import Hit, Results, matching_ids, matching_organisations, search
from .text import normalise, words

__all__ = [
    "CARDS",
    "COUNTED",
    "MAX_QUERY_CHARS",
    "TABLE",
    "Document",
    "Hit",
    "Query",
    "Results",
    "build_document",
    "card_of",
    "deferred",
    "document_of",
    "forget_places",
    "index_organisations",
    "load_places",
    "matching_ids",
    "matching_organisations",
    "normalise",
    "parse",
    "pending",
    "phones",
    "rebuild_all",
    "reindex",
    "remove",
    "search",
    "settle",
    "words",
    "write_documents",
]
