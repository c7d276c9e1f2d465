"""Search over the directory: one index row per published organisation.

The document of an organisation is built here, in Python, as a string of normalised tokens, so
SQLite (FTS5, bm25) and PostgreSQL (tsvector, GIN, ts_rank) index exactly the same tokens and a
query set gives the same organisations on both.

Each word of the entry is indexed in up to three forms (:func:`word_forms`): its
transliteration key (``translit.key``), the key of its Russian Snowball stem and its English
stem, so "правозащитных организаций" finds "правозащитная организация", "Memorial" finds
"Мемориал" and "Moskva" finds "Москва".  Phones are indexed as digit strings, every suffix of
7 digits or more of the international form, so "+7 095 2912904", "095-291-29-04" and
"291-29-04" all match.
A query word is looked up in the same forms, ORed; query words are ANDed.  A query word found in
none of its forms in the vocabulary of names also brings in the names within a small typo
(trigram similarity ≥ 0.5 or one edit), from a per-process vocabulary with a trigram index.

Tables (migration 0003_search): ``directory_search`` (FTS5 on SQLite; a table with a tsvector
column on PostgreSQL) and ``directory_search_term`` (the vocabulary of names).  The index row of
an organisation is rebuilt by signals (``signals.py``) whenever the entry or anything it shows
changes; :func:`deferred` batches that during imports, and ``vigil directory_reindex`` rebuilds
everything.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import html
import itertools
import json
import math
import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import Stemmer
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import translit

TABLE = "directory_search"
TERMS = "directory_search_term"
CARDS = "directory_search_card"
#: Longest query read, in characters, and most words used from it.
MAX_QUERY_CHARS = 300
MAX_QUERY_WORDS = 12
MAX_TOKEN_CHARS = 60
#: bm25 column weights on SQLite (names, body); the same split is weight A/B on PostgreSQL.
NAME_WEIGHT = 10.0
BODY_WEIGHT = 1.0
#: Most entries read and ranked per query (per tier: names, anywhere); see matching_ids().
CANDIDATES = 1000
#: Up to this many matches, they are ranked (bm25 / ts_rank, then name); beyond, names first.
RANKED = 200

_ru = Stemmer.Stemmer("russian")
_en = Stemmer.Stemmer("english")
_stem_lock = threading.Lock()

_FOLD = str.maketrans({"ß": "ss", "ё": "е", "і": "и", "ї": "и", "є": "е", "ґ": "г", "ў": "у"})
_WORD = re.compile(r"[a-z]+|[а-я]+|[0-9]+")
_TEXT_WORD = re.compile(r"\w+")
_PLAIN = re.compile(r"[\x00-\x7fа-я]*")
_UNPLAIN = re.compile(r"[^\x00-\x7fа-я]+")
_FOLD_PAIRS = (("ß", "ss"), ("ё", "е"), ("і", "и"), ("ї", "и"), ("є", "е"), ("ґ", "г"), ("ў", "у"))
_PHONE = re.compile(r"\+?\(?\d[\d\s().\-–/]{3,}\d")
_STOPWORDS = frozenset(
    {
        *("a", "an", "and", "the", "of", "in", "for", "on", "at", "to", "by", "with"),
        *("и", "в", "во", "на", "с", "со", "к", "по", "для", "о", "об", "от", "из", "за", "у"),
    }
)


# --- words and their forms -----------------------------------------------------------------
def normalise(text: str) -> str:
    """Lower case, ё → е, accents dropped from Latin letters (й stays й)."""
    text = text.lower()
    if text.isascii():
        return text
    # str.replace per letter, not str.translate: translate maps a non-ASCII text a character
    # at a time in Python-level lookups, ten times slower on a whole entry.
    for letter, folded in _FOLD_PAIRS:
        if letter in text:
            text = text.replace(letter, folded)
    if _PLAIN.fullmatch(text):
        return text
    return _UNPLAIN.sub(_fold_run, text)


def _fold_run(match: re.Match[str]) -> str:
    return "".join(_fold_char(ch) for ch in match.group())


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if "а" <= ch <= "я":
        return ch
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().translate(_FOLD)


def words(text: str) -> list[str]:
    """Runs of one script (Latin, Cyrillic) or of digits; the same on both databases' parsers."""
    return [w for w in _WORD.findall(normalise(text)) if len(w) <= MAX_TOKEN_CHARS]


def _stem(stemmer: Any, word: str) -> str:
    with _stem_lock:  # PyStemmer objects are not thread-safe
        return str(stemmer.stemWord(word))


#: Words whose forms are kept in memory (each of the three caches below).  Digit runs (postal
#: codes, house numbers) are their own only form and never cached: they are most of the distinct
#: words of a large import and would fill the caches.
WORD_CACHE = 20_000


@functools.lru_cache(maxsize=WORD_CACHE)
def word_forms(word: str) -> frozenset[str]:
    """Every form a word is indexed and looked up under (``word`` is one item of :func:`words`).

    Two words match when they share a form.  The word as written and its Russian stem are not
    forms of their own (they were until December 2026): two words equal as written, or in
    their Russian stems, have equal keys of them too, so those forms found next to nothing
    more (a word typed as another's stem or key still matches it through the keys).  Each
    form of a query word is one more posting list the index reads; without them the GIN
    index at 100,000 entries fell from 127 to 101 MB after an import (104 to 95 MB rebuilt)."""
    if word.isdigit():
        return frozenset({word})
    cyrillic = translit.has_cyrillic(word)
    latin = translit.to_latin(word) if cyrillic else word
    as_russian = word if cyrillic else translit.to_cyrillic(word)
    forms = {translit.key(word), _stem(_en, latin), translit.key(_stem(_ru, as_russian))}
    return frozenset(form for form in forms if form and _WORD.fullmatch(form))


@functools.lru_cache(maxsize=WORD_CACHE)
def name_terms(word: str) -> frozenset[str]:
    """The vocabulary entries (for typo matching) of a word of a name."""
    if word.isdigit() or len(word) < 3:
        return frozenset()
    key = translit.key(word)
    return frozenset({key}) if _WORD.fullmatch(key) else frozenset()


@functools.lru_cache(maxsize=WORD_CACHE)
def _ordered_forms(word: str) -> tuple[str, ...]:
    return tuple(sorted(word_forms(word)))


def phone_tokens(normalised: str) -> list[str]:
    """'+70952912904' → '70952912904', '0952912904', ..., '2912904' (suffixes of 7+ digits)."""
    bare = normalised.removeprefix("+")  # most are normalise_phone's "+digits" already
    digits = bare if bare.isdigit() else "".join(ch for ch in normalised if ch.isdigit())
    if len(digits) < 5:
        return [digits] if digits else []
    if len(digits) <= 7:
        return [digits]
    return [digits[i:] for i in range(0, len(digits) - 6)]


# --- the document of an organisation --------------------------------------------------------
@dataclass
class Document:
    names: str
    body: str
    sort_name: str
    terms: set[str] = field(default_factory=set)
    #: What a search result shows of the entry (see :func:`card_of`), stored beside the index
    #: so that a page of results is one read, not the entry and six related tables.
    card: dict[str, Any] = field(default_factory=dict)


def _unique_words(texts: Iterable[str]) -> dict[str, None]:
    # One pass over all the texts: words never run across the line breaks joining them.
    return dict.fromkeys(words("\n".join([t for t in texts if t])))


def _learn_terms(unique: Iterable[str], terms: set[str]) -> None:
    terms.update(itertools.chain.from_iterable([name_terms(w) for w in unique if not w.isdigit()]))


def _forms(unique: Iterable[str]) -> list[str]:
    # Every form of every word, in order, each once.
    forms = [(w,) if w.isdigit() else _ordered_forms(w) for w in unique]
    return list(dict.fromkeys(itertools.chain.from_iterable(forms)))


def _tokens(texts: Iterable[str], terms: set[str] | None = None) -> list[str]:
    unique = _unique_words(texts)
    if terms is not None:
        _learn_terms(unique, terms)
    return _forms(unique)


_city_names: dict[str, list[str]] | None = None
#: Region id → its parent's id: the region filter's tokens include every region above.
_region_parents: dict[int, int | None] = {}


def forget_places() -> None:
    """Called when a region changes: office cities are matched against region names again."""
    global _city_names, _region_parents
    _city_names = None
    _region_parents = {}


def load_places(region_model: Any = None) -> dict[str, list[str]]:
    """Read the region names office cities are matched against, if not read yet (an import does
    it before it starts the worker processes that build documents without the database)."""
    global _city_names, _region_parents
    if _city_names is not None:
        return _city_names
    if region_model is None:
        from .models import Region as region_model
    table: dict[str, list[str]] = {}
    parents: dict[int, int | None] = {}
    for region in region_model.objects.all():
        parents[region.pk] = region.parent_id
        names = [region.name_ru, region.name_en]
        for name in [*names, *(region.source_names or [])]:
            if name:
                table.setdefault(" ".join(words(name)), []).extend(n for n in names if n)
    _city_names, _region_parents = table, parents
    return table


def _place_names(org: Any, cities: Iterable[str]) -> list[str]:
    """Both names of the regions an office city is the name of ("St. Petersburg" → "Санкт-...")."""
    table = _city_names
    if table is None:
        meta = getattr(org, "_meta", None)  # an import's new entries are plain namespaces
        table = load_places(meta.get_field("regions").related_model if meta else None)
    found: list[str] = []
    for city in cities:
        found += table.get(" ".join(words(city)), [])
    return found


def _read_region_parents(organisation_model: Any) -> None:
    """The region tree as it is now, read by whatever writes index rows from the database (an
    edit, a rebuild): another process may have moved a region since this one read it."""
    global _region_parents
    region_model = organisation_model._meta.get_field("regions").related_model
    _region_parents = dict(region_model.objects.values_list("pk", "parent_id"))


def _facets(regions: Iterable[Any], topics: Iterable[Any]) -> list[str]:
    """``r<id>`` for each region of the entry and each region above it, ``t<id>`` for each
    topic: a filter is then one more token the match must have, read from the same index
    (a join to the link tables took 40-300 ms a search at 100,000 entries).  Letters and
    digits together: no word of a text or a query is ever such a token (see :func:`words`).
    The tree is the one :func:`load_places` read (``document_of`` reads the places first)."""
    parents = _region_parents
    found: dict[str, None] = {}
    for region in regions:
        found[f"r{region.pk}"] = None
        parent = parents.get(region.pk, region.parent_id)
        for _hop in range(20):  # the tree is shallow; a loop in bad data must not hang
            if parent is None:
                break
            found[f"r{parent}"] = None
            parent = parents.get(parent)
    found.update((f"t{topic.pk}", None) for topic in topics)
    return list(found)


def build_document(org: Any) -> Document:
    """The tokens of a published entry.  Works on historical models too (migrations)."""
    offices = list(org.offices.all())
    contacts = [c for c in org.contacts.all() if c.is_published]
    channels = [ch for office in offices for ch in office.channels.all()]
    channels += [ch for contact in contacts for ch in contact.channels.all()]
    return document_of(
        org,
        offices=offices,
        contacts=contacts,
        regions=list(org.regions.all()),
        topics=list(org.topics.all()),
        publications=list(org.publications.all()),
        channels=channels,
    )


def document_of(
    org: Any,
    *,
    offices: list[Any],
    contacts: list[Any],
    regions: list[Any],
    topics: list[Any],
    publications: list[Any],
    channels: list[Any],
) -> Document:
    """The tokens of an entry from its parts in hand: an import that has just written the rows
    indexes them without reading them back.  ``contacts`` and ``channels``: the published ones."""
    terms: set[str] = set()
    name_texts = [org.name_ru, org.name_en, *(org.aliases or []), *(org.former_names or [])]
    names = _tokens([str(t) for t in name_texts], terms)

    people_places = [c.name for c in contacts]
    people_places += [o.city for o in offices] + [o.label for o in offices]
    people_places += _place_names(org, {o.city for o in offices if o.city})
    people_places += [r.name_ru for r in regions] + [r.name_en for r in regions]
    rest_texts = [
        *[c.role for c in contacts],
        *[t.name_ru for t in topics],
        *[t.name_en for t in topics],
        org.mission,
        org.activities,
        org.history,
        org.membership,
        *[o.postal_code for o in offices],
        *[line for o in offices for line in (o.street_lines or [])],
        *[
            f"{p.title} {p.frequency} {p.language} {p.description} {p.prepared_by}"
            for p in publications
        ],
        *[ch.value for ch in channels if ch.kind in ("email", "web") and not ch.withheld],
    ]
    # Names of people and places are in the typo vocabulary too (their words read once).
    body_words = _unique_words(people_places)
    _learn_terms(body_words, terms)
    body_words.update(_unique_words(rest_texts))
    body = _forms(body_words)
    names_set = set(names)
    body = [t for t in body if t not in names_set]
    seen_phones: set[str] = set()
    for ch in channels:
        if ch.kind in ("phone", "fax") and not ch.withheld:
            for token in phone_tokens(ch.normalised or ch.value):
                if token not in seen_phones and token not in names_set:
                    seen_phones.add(token)
                    body.append(token)
    body += _facets(regions, topics)
    sort_name = normalise(org.name_en or org.name_ru)[:200]
    card = card_of(
        org, offices=offices, contacts=contacts, regions=regions, topics=topics,
        publications=publications,
    )  # fmt: skip
    return Document(" ".join(names), " ".join(body), sort_name, terms, card)


def _phone_rows(label: str, channels: Iterable[Any]) -> list[list[str]]:
    return [
        [label, ch.value, ch.normalised]
        for ch in channels
        if ch.kind in ("phone", "fax") and not ch.withheld
    ]


def card_of(
    org: Any,
    *,
    offices: list[Any],
    contacts: list[Any],
    regions: list[Any],
    topics: list[Any],
    publications: list[Any],
) -> dict[str, Any]:
    """The public parts of an entry a result shows: names, city and where snippets come from.

    ``contacts``: the published ones only — a card never holds what the public may not see.
    """
    phones: list[list[str]] = []
    for office in offices:
        phones += _phone_rows(office.label or office.city, _channels_of(office))
    for contact in contacts:
        phones += _phone_rows(contact.name, _channels_of(contact))
    return {
        "slug": org.slug,
        "name_ru": org.name_ru,
        "name_en": org.name_en,
        "city": next((o.city for o in offices if o.city), ""),
        "contacts": [[c.name, c.role] for c in contacts],
        "phones": phones,
        "texts": [
            org.mission,
            org.activities,
            org.history,
            org.membership,
            *[f"{p.title}. {p.description}" for p in publications],
            ", ".join(o.city for o in offices if o.city),
            ", ".join(f"{r.name_ru} / {r.name_en}" for r in regions),
            ", ".join(f"{t.name_ru} / {t.name_en}" for t in topics),
        ],
        "other_names": [n for n in [*(org.aliases or []), *(org.former_names or [])] if n],
    }


def _channels_of(owner: Any) -> list[Any]:
    """The channels of an office or contact: in hand when an import has just made them."""
    loaded = getattr(owner, "loaded_channels", None)
    return loaded if loaded is not None else list(owner.channels.all())


# --- writing the index -----------------------------------------------------------------------
def _postgres() -> bool:
    return connection.vendor == "postgresql"


#: At most this many documents written together is an edit, not a bulk write (see _write).
FEW_DOCUMENTS = 20


def _write(rows: Sequence[tuple[int, Document]], *, new: bool = False) -> None:
    """Store index rows and cards; ``new``: the organisations have none yet (nothing to replace)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if _postgres() and new:
            # One INSERT ... SELECT from a COPY of the documents: the server builds the tsvectors.
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS directory_search_load "
                "(organisation_id bigint, names text, body text, sort_name text, card text) "
                "ON COMMIT DELETE ROWS"
            )
            with cursor.cursor.copy("COPY directory_search_load FROM STDIN") as copy:
                for pk, d in rows:
                    copy.write_row(
                        (pk, d.names, d.body, d.sort_name, json.dumps(d.card, ensure_ascii=False))
                    )
            cursor.execute(
                f"INSERT INTO {TABLE} (organisation_id, names, body, sort_name, document) "  # noqa: S608
                "SELECT organisation_id, names, body, sort_name, "
                "setweight(to_tsvector('simple', names), 'A') || "
                "setweight(to_tsvector('simple', body), 'B') FROM directory_search_load"
            )
            cursor.execute(
                f"INSERT INTO {CARDS} (organisation_id, card) "  # noqa: S608
                "SELECT organisation_id, card FROM directory_search_load"
            )
            cursor.execute("DELETE FROM directory_search_load")
        elif _postgres():
            # New documents wait in the GIN index's pending list, which every search reads
            # through in full until it is merged: past 4 MB by default, about 470 documents,
            # which doubled the search time at 100,000 entries.  Entries edited one at a time
            # merge it past 64 kB instead (a few documents); an import or a rebuild leaves it
            # long while it writes (merging often made an import 20 % slower) and merges it at
            # its end (settle()).
            if len(rows) <= FEW_DOCUMENTS:
                cursor.execute("SELECT set_config('gin_pending_list_limit', '64', true)")
            cursor.executemany(
                f"INSERT INTO {TABLE} (organisation_id, names, body, sort_name, document) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, setweight(to_tsvector('simple', %s), 'A') || "
                "setweight(to_tsvector('simple', %s), 'B')) "
                "ON CONFLICT (organisation_id) DO UPDATE SET names = EXCLUDED.names, "
                "body = EXCLUDED.body, sort_name = EXCLUDED.sort_name, "
                "document = EXCLUDED.document",
                [(pk, d.names, d.body, d.sort_name, d.names, d.body) for pk, d in rows],
            )
        else:
            if not new:
                cursor.executemany(
                    f"DELETE FROM {TABLE} WHERE rowid = %s",  # noqa: S608
                    [(pk,) for pk, _d in rows],
                )
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, names, body, sort_name) VALUES (%s, %s, %s, %s)",  # noqa: S608
                [(pk, d.names, d.body, d.sort_name) for pk, d in rows],
            )
        if not (_postgres() and new):
            if not new:
                cursor.executemany(
                    f"DELETE FROM {CARDS} WHERE organisation_id = %s",  # noqa: S608
                    [(pk,) for pk, _d in rows],
                )
            cursor.executemany(
                f"INSERT INTO {CARDS} (organisation_id, card) VALUES (%s, %s)",  # noqa: S608
                [(pk, json.dumps(d.card, ensure_ascii=False)) for pk, d in rows],
            )
        # Every term is written, even one this process knows: a rolled-back write leaves a
        # term in this process's memory that never reached the table (and so other processes,
        # and this one after a reload).
        terms = sorted({t for _pk, d in rows for t in d.terms})
        if terms:
            cursor.executemany(
                f"INSERT INTO {TERMS} (term) VALUES (%s) ON CONFLICT DO NOTHING",  # noqa: S608
                [(t,) for t in terms],
            )
    _vocabulary.learn(terms)


def remove(pks: Iterable[int]) -> None:
    """Drop organisations from the index."""
    column = "organisation_id" if _postgres() else "rowid"
    rows = [(pk,) for pk in pks]
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {TABLE} WHERE {column} = %s", rows)  # noqa: S608
        cursor.executemany(f"DELETE FROM {CARDS} WHERE organisation_id = %s", rows)  # noqa: S608


def _prefetched(queryset: Any) -> Any:
    return queryset.prefetch_related(
        "offices__channels", "contacts__channels", "regions", "topics", "publications"
    )


def write_documents(rows: Sequence[tuple[int, Document]], *, new: bool = False) -> None:
    """Store the documents of published entries (see :func:`document_of`); ``new``: entries
    just created, with no index rows yet."""
    _write(rows, new=new)


def index_organisations(pks: Iterable[int], organisation_model: Any = None) -> None:
    """Rebuild the rows of these organisations now (published ones in, the others out)."""
    if organisation_model is None:
        from .models import Organisation as organisation_model
    pks = sorted(set(pks))
    _read_region_parents(organisation_model)
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        # A transaction per chunk: the worker reindexing a large region runs outside any, and
        # an entry's old row must never be gone without its new one.
        with transaction.atomic():
            orgs = list(_prefetched(organisation_model.objects.filter(pk__in=chunk)))
            published = [o for o in orgs if o.is_published]
            live = {o.pk for o in published}
            remove(pk for pk in chunk if pk not in live)
            _write([(o.pk, build_document(o)) for o in published])


def rebuild_all(organisation_model: Any = None, *, batch_size: int = 500) -> int:
    """Empty the index and rebuild it from every published organisation; returns their number.

    One transaction.  On PostgreSQL the table is truncated and its GIN index dropped and built
    again once the rows are in: deleting the old rows and inserting into the index row by row
    left it half as large again (188 MB against 126 MB at 100,000 entries) and searches
    slower.  Searches wait for the rebuild (the table is locked), rather than see it half done.
    """
    if organisation_model is None:
        from .models import Organisation as organisation_model
    with transaction.atomic(), connection.cursor() as cursor:
        index_definition = None
        if _postgres():
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
                [TABLE, "directory_search_blocked"],
            )
            row = cursor.fetchone()
            index_definition = row[0] if row else None  # not yet there in early migrations
            cursor.execute(f"TRUNCATE {TABLE}, {CARDS}")
            if index_definition:
                cursor.execute("DROP INDEX directory_search_blocked")
        else:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
            cursor.execute(f"DELETE FROM {CARDS}")  # noqa: S608
        pks = list(
            organisation_model.objects.filter(is_published=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        _read_region_parents(organisation_model)
        for start in range(0, len(pks), batch_size):
            chunk = pks[start : start + batch_size]
            orgs = _prefetched(organisation_model.objects.filter(pk__in=chunk))
            _write([(o.pk, build_document(o)) for o in orgs], new=True)
        if index_definition:
            cursor.execute(index_definition)
        settle()
    _vocabulary.invalidate()
    return len(pks)


def settle(*, vacuum: bool = False) -> None:
    """After a bulk write (an import): put the index in the shape searches read fastest.

    PostgreSQL keeps new GIN entries in an unsorted pending list (up to 4 MB) that every
    search reads through in full until a vacuum merges it: right after an import of 100,000
    entries that is 468 pages, half a search's time.  The list is merged here, and the
    planner's statistics refreshed.  Nothing on SQLite: FTS5 merges its segments as it
    writes, and its ``optimize`` rewrites the whole index (17.5 s at 100,000 entries after
    a one-entry import).

    ``vacuum`` (outside a transaction): after rows were rewritten rather than added (a large
    region reindexed), VACUUM too, which also merges the list.  Every rewritten row leaves a
    dead one that searches visit until a vacuum clears it: after the NIS was reindexed at
    100,000 entries on a server without autovacuum, the search mix's p95 went from 17 to 26-28 ms.
    """
    if not _postgres():
        return
    with connection.cursor() as cursor:
        if vacuum and not connection.in_atomic_block:
            cursor.execute(f"VACUUM (ANALYZE) {TABLE}, {CARDS}")
            return
        # (The index does not exist yet while the earlier migrations rebuild the table.)
        cursor.execute(
            "SELECT gin_clean_pending_list(i) "
            "FROM to_regclass('directory_search_blocked') i WHERE i IS NOT NULL"
        )
        cursor.execute(f"ANALYZE {TABLE}, {CARDS}")


# Signals call reindex(); inside ``deferred()`` the ids are collected and indexed once at the end.
_pending: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "directory_search_pending", default=None
)


def reindex(organisation: Any) -> None:
    """Rebuild the index row of one organisation (an instance or a primary key)."""
    pk = getattr(organisation, "pk", organisation)
    if pk is None:
        return
    pending = _pending.get()
    if pending is not None:
        pending.add(int(pk))
    else:
        index_organisations([int(pk)])


@contextlib.contextmanager
def deferred() -> Iterator[set[int]]:
    """Collect reindexing during a bulk write (an import) and do it once, at the end."""
    outer = _pending.get()
    if outer is not None:
        yield outer
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)
    index_organisations(pending)


# --- the typo vocabulary ----------------------------------------------------------------------
def trigrams(term: str) -> set[str]:
    """pg_trgm-style trigrams: the word padded with two spaces before and one after."""
    padded = f"  {term} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return (
            a[i + 1 :] == b[i + 1 :]
            or (  # substitution, or a swap of two letters
                i + 1 < len(a)
                and a[i] == b[i + 1]
                and a[i + 1] == b[i]
                and a[i + 2 :] == b[i + 2 :]
            )
        )
    return a[i:] == b[i + 1 :]


class Vocabulary:
    """The names' terms of this process, with a trigram index; reloaded when another changes it."""

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
        """Terms within a small typo of ``term`` (similarity ≥ 0.5 or one edit), best first."""
        if len(term) < 4:
            return []
        grams = trigrams(term)
        counts: Counter[str] = Counter()
        for gram in grams:
            for candidate in self.by_trigram.get(gram, ()):
                if abs(len(candidate) - len(term)) <= 2:
                    counts[candidate] += 1
        found: list[tuple[float, str]] = []
        for candidate, shared in counts.items():
            score = shared / (len(grams) + len(candidate) + 2 - shared)
            if score >= 0.5 or within_one_edit(term, candidate):
                found.append((score, candidate))
        found.sort(key=lambda item: (-item[0], item[1]))
        return [candidate for _score, candidate in found[:limit]]


_vocabulary = Vocabulary()


# --- queries -----------------------------------------------------------------------------------
@dataclass
class Query:
    text: str
    #: One group per query word: the forms any of which must be in the document.
    groups: list[set[str]]
    #: Tokens every match must also have: the region and topic filters (:func:`facet_tokens`).
    facets: tuple[str, ...] = ()

    @property
    def tokens(self) -> set[str]:
        return set().union(*self.groups) if self.groups else set()

    def __bool__(self) -> bool:
        return bool(self.groups)

    def fts5(self, *, names_only: bool = False) -> str:
        """The FTS5 MATCH expression: the words (``names_only``: in the names), and the facets."""
        words = " AND ".join(
            "(" + " OR ".join(f'"{t}"' for t in sorted(group)) + ")" for group in self.groups
        )
        if names_only:
            words = f"names : ({words})"
        return " AND ".join([words, *(f'"{t}"' for t in self.facets)])

    def tsquery(self, *, facets: bool = True) -> str:
        """The tsquery: the words, and the facets unless only the words are ranked."""
        words = " & ".join("(" + " | ".join(sorted(group)) + ")" for group in self.groups)
        return " & ".join([words, *self.facets]) if facets else words


def parse(text: str, *, typos: bool = True) -> Query:
    """The token groups of a query; phone numbers in any format become one group."""
    text = (text or "")[:MAX_QUERY_CHARS]
    groups: list[set[str]] = []

    def phone(match: re.Match[str]) -> str:
        digits = "".join(ch for ch in match.group(0) if ch.isdigit())
        if len(digits) >= 5:
            group = {digits}
            if len(digits) == 11 and digits[0] == "8":
                group |= {"7" + digits[1:], digits[1:]}
            groups.append(group)
            return " "
        return match.group(0)

    rest = _PHONE.sub(phone, text)
    query_words = words(rest)
    if len(query_words) > 1:
        query_words = [w for w in query_words if w not in _STOPWORDS] or query_words
    seen: set[str] = set()
    if typos and query_words:
        _vocabulary.ensure()
    for word in query_words:
        if word in seen:
            continue
        seen.add(word)
        if len(groups) >= MAX_QUERY_WORDS:
            break
        forms = set(word_forms(word))
        if typos and not word.isdigit():
            key = translit.key(word)
            if not (forms & _vocabulary.terms):
                forms.update(_vocabulary.near(key))
        groups.append(forms)
    return Query(text, groups)


def facet_tokens(region: str | None, topic: str | None) -> tuple[str, ...] | None:
    """The tokens of the region and topic filters (see :func:`_facets`); None when a filter
    names no region or topic, so nothing matches."""
    from .models import Region, Topic

    tokens: list[str] = []
    for model, slug, prefix in ((Region, region, "r"), (Topic, topic, "t")):
        if not slug:
            continue
        pk = model.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if pk is None:
            return None
        tokens.append(f"{prefix}{pk}")
    return tuple(tokens)


#: PostgreSQL: organisations are read in blocks of this many ids (the ``b<n>`` token the
#: index expression of migration 0005 adds to each document; see :func:`_postgres_ids`).
ID_BLOCK = 4096
#: The indexed expression (migration 0005): the document plus its id block's token.
_BLOCKED = f"(document || array_to_tsvector(ARRAY['b' || (organisation_id / {ID_BLOCK})::text]))"


def _first_ids(cursor: Any, query: Query, count: int) -> list[int]:
    """The first ``count`` matching ids in id order: the one read a common word costs."""
    if not _postgres():
        # One row, not a thousand: reading rows into Python costs more than FTS5's work here.
        cursor.execute(
            f"SELECT group_concat(id, ' ') FROM (SELECT rowid AS id FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} MATCH %s ORDER BY rowid LIMIT %s)",
            [query.fts5(), count],
        )
        return [int(pk) for pk in (cursor.fetchone()[0] or "").split()]
    return _postgres_ids(
        cursor,
        query.tsquery(),
        count,
        specific=_specific(query.groups),
    )


#: PostgreSQL: after the first block of ids, read more blocks only if this many more are
#: expected to give the matches still wanted; sparser matches are read in one plain query.
MORE_BLOCKS = 3
#: A query word given as at least this many digits is a phone number: a handful of matches.
PHONE_DIGITS = 7


def _specific(match_groups: Sequence[set[str]]) -> bool:
    """Whether every query word is a phone number (short postings: the plain read is cheapest)."""
    return all(any(t.isdigit() and len(t) >= PHONE_DIGITS for t in group) for group in match_groups)


def _postgres_ids(
    cursor: Any,
    match: str,
    count: int,
    *,
    specific: bool = False,
) -> list[int]:
    """First ``count`` matches by id on PostgreSQL: the first block of ids, then the rest.

    A GIN scan cannot stop early: ``document @@ q`` decodes every posting of every form of a
    common word (tens of thousands) and reads each match's heap row, however small the LIMIT.
    ANDed with the token of one block of ids, it reads only that block's part of them, but
    each block costs a GIN scan of every form again.  So the first block is read alone; when
    its matches are dense enough that a few more blocks give ``count``, those are read too;
    otherwise (a rare word, an unlikely combination of common ones, a phone) the rest is read
    in one plain query, whose cost is the number of its matches.  A phone number skips the
    blocks: its postings are short.
    """
    # The planner may pick a sequential scan that unpacks every row's tsvector for a common
    # word; the GIN index is an order of magnitude faster here.  Parallel workers cost more to
    # start (several ms) than these reads take.  (One round trip for all three.)
    cursor.execute(
        "SELECT set_config('enable_seqscan', 'off', true), "  # noqa: S608
        "set_config('max_parallel_workers_per_gather', '0', true), "
        f"min(organisation_id), max(organisation_id) FROM {TABLE}"
    )
    _off, _serial, low, high = cursor.fetchone()
    if low is None:
        return []
    block, last = low // ID_BLOCK, high // ID_BLOCK
    found: list[int] = []
    if not specific:
        found = _read_blocks(cursor, match, range(block, block + 1), count)
        block += 1
        wanted = count - len(found)
        if found and wanted > 0 and block <= last:
            width = math.ceil(1.2 * wanted / len(found))
            if width <= MORE_BLOCKS:
                blocks = range(block, min(last, block + width - 1) + 1)
                found += _read_blocks(cursor, match, blocks, wanted)
                block = blocks.stop
        if len(found) >= count or block > last:
            return found
    # The rest in one query.  The ``+ 0`` keeps the planner off the primary key (an ordered
    # scan that would unpack every row's tsvector), OFFSET 0 off a LIMIT-driven plan.
    cursor.execute(
        f"SELECT id FROM (SELECT organisation_id AS id FROM {TABLE} "  # noqa: S608
        f"WHERE {_BLOCKED} @@ to_tsquery('simple', %s) "
        "AND organisation_id + 0 >= %s OFFSET 0) m ORDER BY 1 LIMIT %s",
        [match, block * ID_BLOCK, count - len(found)],
    )
    return found + [int(row[0]) for row in cursor.fetchall()]


def _read_blocks(cursor: Any, match: str, blocks: range, count: int) -> list[int]:
    """The first ``count`` matches in these blocks of ids, in id order."""
    cursor.execute(_blocks_sql(blocks), [*(f"({match}) & b{b}" for b in blocks), count])
    return [int(row[0]) for row in cursor.fetchall()]


def _blocks_sql(blocks: range) -> str:
    """One query, a member per block: with the block's tsquery a constant, the GIN scan skips
    through the long postings (a tsquery from a parameter is five times slower).

    ``+ 0``: ordered by an expression no index gives, the planner cannot take the primary key's
    ordered scan for a small LIMIT.  It did for the second block of a word in one form, at
    100,000 entries: that scan unpacks every row's tsvector until enough match (60 ms against
    1 ms for the GIN read)."""
    members = " UNION ALL ".join(
        f"(SELECT organisation_id + 0 FROM {TABLE} "  # noqa: S608
        f"WHERE {_BLOCKED} @@ to_tsquery('simple', %s))"
        for _b in blocks
    )
    return f"{members} ORDER BY 1 LIMIT %s"


def _in_names(query: Query, names: str) -> bool:
    """Whether every word of the query is in these names (the ``names`` column's tokens)."""
    tokens = set(names.split())
    return all(not group.isdisjoint(tokens) for group in query.groups)


def _names_tier(cursor: Any, query: Query, ids: list[int]) -> set[int]:
    """Which of ``ids`` (at most CANDIDATES) match the whole query in their names."""
    if not _postgres():
        cursor.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s",  # noqa: S608
            [query.fts5(names_only=True)],
        )
        return {int(row[0]) for row in cursor.fetchall()}
    # The names column is short and read by primary key; ``document @@ q:A`` would unpack
    # every candidate's whole tsvector to check the weights.
    cursor.execute(
        f"SELECT organisation_id, names FROM {TABLE} WHERE organisation_id = ANY(%s)",  # noqa: S608
        [ids],
    )
    return {int(pk) for pk, names in cursor.fetchall() if _in_names(query, names)}


def _ranked(cursor: Any, query: Query, ids: list[int]) -> list[int]:
    """At most RANKED candidates (``ids``: every match of the query and the filters): names
    matches first, then by bm25 / ts_rank, name and id."""
    if _postgres():
        cursor.execute(
            "SELECT organisation_id, -ts_rank(document, to_tsquery('simple', %s)), sort_name, "  # noqa: S608
            f"names FROM {TABLE} WHERE organisation_id = ANY(%s)",
            [query.tsquery(facets=False), ids],
        )
    else:
        # The same MATCH again rather than ``rowid IN (ids)``: FTS5 does not use an
        # IN list of rowids and evaluates the query once per listed id (186 ids: 236 ms
        # against 4 ms at 5,000 entries).
        cursor.execute(
            f"SELECT rowid, bm25({TABLE}, {NAME_WEIGHT}, {BODY_WEIGHT}), sort_name, names "  # noqa: S608
            f"FROM {TABLE} WHERE {TABLE} MATCH %s",
            [query.fts5()],
        )
    wanted = set(ids)
    rows = [
        (not _in_names(query, names), float(score), sort_name, int(pk))
        for pk, score, sort_name, names in cursor.fetchall()
        if int(pk) in wanted
    ]
    return [row[-1] for row in sorted(rows)]


def matching_ids(
    query: Query,
    *,
    region: str | None = None,
    topic: str | None = None,
    offset: int = 0,
    limit: int | None = 20,
) -> tuple[list[int], int]:
    """Ids of matching organisations, best first, and how many match (at most CANDIDATES + 1).

    So that a common word costs about the same as a rare one, the first CANDIDATES + 1
    matches by id are read, ids only.  Beyond CANDIDATES matches, the first CANDIDATES by id,
    in id order (the page then asks for more words).  Up to CANDIDATES, entries matching in
    their names come first, then (up to RANKED matches) by bm25 (SQLite) or ts_rank
    (PostgreSQL) and by name, else by id.  Both databases return the same set, and beyond
    RANKED the same order.
    """
    if not query:
        return [], 0
    facets = facet_tokens(region, topic)
    if facets is None:
        return [], 0
    query = dataclasses.replace(query, facets=facets)
    cap = CANDIDATES
    # PostgreSQL needs the transaction for the SET LOCAL of the index reads.  On SQLite it would
    # open with BEGIN IMMEDIATE (the project's mode for writers) and make concurrent searches
    # queue for the write lock: the reads run in autocommit there.
    in_transaction = transaction.atomic() if _postgres() else contextlib.nullcontext()
    with in_transaction, connection.cursor() as cursor:
        ids = _first_ids(cursor, query, cap + 1)
        total = len(ids)
        if total > cap:
            found = ids[:cap]
        elif total <= RANKED:
            found = _ranked(cursor, query, ids) if ids else []
        else:
            names = _names_tier(cursor, query, ids)
            found = sorted(ids, key=lambda pk: (pk not in names, pk))
        if _postgres():
            # Back to the server's settings, should an outer transaction go on after the search.
            cursor.execute("RESET enable_seqscan; RESET max_parallel_workers_per_gather")
    if limit is not None:
        found = found[offset : offset + limit]
    return found, total


# --- highlighting --------------------------------------------------------------------------------
@functools.lru_cache(maxsize=200_000)
def _text_word_forms(word: str) -> frozenset[str]:
    """The forms of a word as it appears in a text (one ``\\w+`` run, maybe "G19" or "ООО")."""
    return frozenset().union(*(word_forms(w) for w in words(word)))


class Marker:
    """Which words of a text match a query, remembered over one page of results: the same
    words come back in entry after entry, and a text without a match is skipped whole."""

    def __init__(self, tokens: set[str]) -> None:
        self.tokens = tokens
        #: Whether the query has a phone number (or another number) to look for.
        self.digits = any(token.isdigit() for token in tokens)
        self.yes: set[str] = set()
        self.no: set[str] = set()

    def matching(self, text: str) -> set[str]:
        """The words (``\\w+`` runs, as written) of ``text`` that match."""
        found = set(_TEXT_WORD.findall(text))
        for word in found.difference(self.yes, self.no):
            if _text_word_forms(word).isdisjoint(self.tokens):
                self.no.add(word)
            else:
                self.yes.add(word)
        return found & self.yes


def highlight(text: str, marker: Marker) -> tuple[str, int]:
    """``text`` HTML-escaped with <mark> around matching words; and the first match."""
    marked = marker.matching(text)
    if not marked:
        return html.escape(text), -1
    out: list[str] = []
    first = -1
    last = 0
    for match in _TEXT_WORD.finditer(text):
        word = match.group(0)
        if word in marked:
            out.append(html.escape(text[last : match.start()]))
            if first < 0:
                first = len(out)
            out.append(f"<mark>{html.escape(word)}</mark>")
            last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out), first


def snippet(text: str, marker: Marker, *, width: int = 30) -> SafeString | None:
    """About ``width`` words around the first match in ``text``, marked; None without a match."""
    marked = marker.matching(text)
    if not marked:
        return None
    spans = [m.span() for m in _TEXT_WORD.finditer(text)]
    first = next(i for i, (a, b) in enumerate(spans) if text[a:b] in marked)
    start_word = max(0, first - width // 3)
    end_word = min(len(spans), start_word + width)
    start = spans[start_word][0] if start_word else 0
    end = spans[end_word - 1][1] if end_word < len(spans) else len(text)
    marked_text, _first = highlight(text[start:end], marker)
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + marked_text + suffix)  # noqa: S308 - every piece is escaped above


def make_snippet(card: dict[str, Any], query: Query, marker: Marker | None = None) -> SafeString:
    """Where the entry matches, with the matched words in <mark>; the start of the entry else."""
    tokens = query.tokens
    marker = marker or Marker(tokens)
    for name, role in card["contacts"]:
        found = snippet(f"{name} ({role})" if role else name, marker)
        if found:
            return found
    if marker.digits:
        for label, value, normalised in card["phones"]:
            if not tokens.isdisjoint(phone_tokens(normalised or value)):
                text = html.escape(f"{label}: " if label else "")
                return mark_safe(f"{text}<mark>{html.escape(value)}</mark>")  # noqa: S308
    for text in card["texts"]:
        if text:
            found = snippet(text, marker)
            if found:
                return found
    names = " · ".join(card["other_names"])
    if names:
        found = snippet(names, marker)
        if found:
            return found
    lead = next((t for t in card["texts"][:3] if t), "").split()
    return mark_safe(html.escape(" ".join(lead[:30]) + (" …" if len(lead) > 30 else "")))  # noqa: S308


def highlight_name(text: str, query: Query, marker: Marker | None = None) -> SafeString:
    marked, _first = highlight(text, marker or Marker(query.tokens))
    return mark_safe(marked)  # noqa: S308 - escaped in highlight()


# --- the public entry point ----------------------------------------------------------------------
@dataclass
class Hit:
    slug: str
    name: SafeString
    city: str
    snippet: SafeString


@dataclass
class Results:
    query: Query
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    #: More entries match than ``total`` (which is then CANDIDATES): ask for more words.
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def previous_page_number(self) -> int:
        return self.page - 1

    @property
    def next_page_number(self) -> int:
        return self.page + 1


def matching_organisations(
    text: str, *, region: str | None = None, topic: str | None = None
) -> Any:
    """Every published organisation the search finds (at most CANDIDATES), best first: the
    queryset the CSV and JSON downloads of a search stream."""
    from django.db.models import Case, IntegerField, Value, When

    from .models import Organisation

    ids, _total = matching_ids(parse(text), region=region, topic=topic, limit=None)
    if not ids:
        return Organisation.objects.none()
    order = Case(
        *[When(pk=pk, then=Value(position)) for position, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return Organisation.objects.filter(pk__in=ids, is_published=True).order_by(order)


def _cards(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organisation_id, card FROM {CARDS} WHERE organisation_id IN ({marks})",  # noqa: S608
            ids,
        )
        return {int(pk): json.loads(card) for pk, card in cursor.fetchall()}


def search(
    text: str,
    *,
    region: str | None = None,
    topic: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Results:
    """Published organisations matching ``text``, best first, one page of them, highlighted."""
    query = parse(text)
    page = max(1, min(int(page), 10_000))
    per_page = max(1, min(int(per_page), 100))
    ids, total = matching_ids(
        query, region=region, topic=topic, offset=(page - 1) * per_page, limit=per_page
    )
    cards = _cards(ids)
    english = (get_language() or "ru").startswith("en")
    hits = []
    marker = Marker(query.tokens)
    for pk in ids:
        card = cards.get(pk)
        if card is None:
            continue
        name = (
            (card["name_en"] or card["name_ru"])
            if english
            else (card["name_ru"] or card["name_en"])
        )
        hits.append(
            Hit(
                card["slug"],
                highlight_name(name, query, marker),
                card["city"],
                make_snippet(card, query, marker),
            )
        )
    return Results(query, hits, min(total, CANDIDATES), page, per_page, more=total > CANDIDATES)
