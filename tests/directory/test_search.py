"""Directory search: one query set, asserted the same on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from vigil.core.crypto import normalise_phone
from vigil.directory import search, translit
from vigil.directory.models import (
    Channel,
    Contact,
    Office,
    Organisation,
    Publication,
    Region,
    Topic,
)
from vigil.directory.search import documents, ranking, vocabulary

pytestmark = pytest.mark.django_db


def make_org(
    slug: str, *, regions: tuple[str, ...] = (), topics: tuple[Topic, ...] = (), **fields: Any
) -> Organisation:
    org = Organisation.objects.create(slug=slug, **fields)
    if regions:
        org.regions.set(Region.objects.filter(slug__in=regions))
    if topics:
        org.topics.set(topics)
    return org


def add_office(org: Organisation, city: str, *phones: str, label: str = "") -> Office:
    office = Office.objects.create(organisation=org, city=city, label=label)
    for phone in phones:
        Channel.objects.create(
            office=office, kind=Channel.Kind.PHONE, value=phone, normalised=normalise_phone(phone)
        )
    return office


@pytest.fixture
def directory(region_tree: None) -> dict[str, Organisation]:
    rights = Topic.objects.create(
        slug="human-rights", name_en="Human rights", name_ru="Права человека"
    )
    ecology = Topic.objects.create(slug="ecology", name_en="Ecology", name_ru="Экология")
    amnesty = make_org(
        "amnesty-russia",
        name_en="Amnesty International - Russia",
        name_ru="Международная амнистия - Россия",
        mission="Campaigns for prisoners of conscience and against the death penalty.",
        regions=("moscow",),
        topics=(rights,),
    )
    moscow_office = add_office(amnesty, "Moscow", "+7 (095) 291-29-04")
    Contact.objects.create(
        organisation=amnesty, office=moscow_office, name="Boris Suvorov", role="Contact"
    )
    Contact.objects.create(
        organisation=amnesty, name="Hidden Person", role="Contact", is_published=False
    )
    Publication.objects.create(organisation=amnesty, title="Monthly bulletin", frequency="monthly")

    memorial = make_org(
        "memorial",
        name_ru="Мемориал",
        name_en="",
        aliases=["Общество «Мемориал»"],
        mission="Правозащитная организация, история политических репрессий.",
        regions=("moscow",),
        topics=(rights,),
    )
    add_office(memorial, "Москва", "+7 495 225-31-17")
    Contact.objects.create(organisation=memorial, name="Арсений Рогинский", role="Председатель")

    petersburg = make_org(
        "spb-ecology",
        name_ru="Зелёный мир",
        name_en="Green World",
        mission="Ecological group of the Baltic coast; ecology education.",
        regions=("russia-west",),
        topics=(ecology,),
    )
    add_office(petersburg, "St. Petersburg", "+7 812 123-45-67")

    kazan = make_org(
        "kazan-rights",
        name_ru="Казанская правозащитная организация",
        name_en="Kazan Human Rights Organisation",
        mission="Помогает заключённым.",
        regions=("kazan",),
        topics=(rights,),
    )
    add_office(kazan, "Казань")

    hidden = make_org(
        "hidden",
        name_ru="Скрытая организация",
        name_en="Hidden Memorial Society",
        is_published=False,
        regions=("moscow",),
    )
    add_office(hidden, "Moscow", "+7 095 291-29-04")
    Contact.objects.create(organisation=hidden, name="Boris Suvorov")
    return {"amnesty": amnesty, "memorial": memorial, "spb": petersburg, "kazan": kazan}


def slugs(text: str, **filters: Any) -> set[str]:
    return {hit.slug for hit in search.search(text, per_page=100, **filters).hits}


# The one query set: (query, filters, expected slugs).  Run as is on SQLite and PostgreSQL.
QUERIES: list[tuple[str, dict[str, str], set[str]]] = [
    ("правозащитных организаций", {}, {"memorial", "kazan-rights"}),
    ("правозащитная организация", {}, {"memorial", "kazan-rights"}),
    ("правозащитный", {}, {"memorial", "kazan-rights"}),
    # A word typed as another's stem; in Latin letters, a word of a name (Kazan's) but not one
    # of the prose (Memorial's mission): keys are for names, not for ordinary words.
    ("правозащитн", {}, {"memorial", "kazan-rights"}),
    ("pravozashchitnaya", {}, {"kazan-rights"}),
    ("obshchestvo", {}, {"memorial"}),
    ("Ёлка Zelёnyj", {}, set()),
    ("Memorial", {}, {"memorial"}),
    ("Мемориал", {}, {"memorial"}),
    ("Мемориала", {}, {"memorial"}),
    ("Memoriala", {}, {"memorial"}),
    ("Moskva", {}, {"amnesty-russia", "memorial"}),
    ("Moskwa", {}, {"amnesty-russia", "memorial"}),
    ("Москва", {}, {"amnesty-russia", "memorial"}),
    ("Moscow", {}, {"amnesty-russia", "memorial"}),
    ("в Москве", {}, {"amnesty-russia", "memorial"}),
    ("Suvorov", {}, {"amnesty-russia"}),
    ("Суворов", {}, {"amnesty-russia"}),
    ("Суворова", {}, {"amnesty-russia"}),
    ("Hidden Person", {}, set()),
    ("095-291-29-04", {}, {"amnesty-russia"}),
    ("+7 095 2912904", {}, {"amnesty-russia"}),
    ("291-29-04", {}, {"amnesty-russia"}),
    ("8 (095) 291 29 04", {}, {"amnesty-russia"}),
    ("70952912904", {}, {"amnesty-russia"}),
    ("Amnesti", {}, {"amnesty-russia"}),
    ("Amnisty", {}, {"amnesty-russia"}),
    ("Мемориан", {}, {"memorial"}),
    ("Internationl", {}, {"amnesty-russia"}),
    ("Амнистия", {}, {"amnesty-russia"}),
    ("amnesty international", {}, {"amnesty-russia"}),
    ("prisoners conscience", {}, {"amnesty-russia"}),
    ("bulletin", {}, {"amnesty-russia"}),
    ("Зеленый мир", {}, {"spb-ecology"}),
    ("Zelenyy mir", {}, {"spb-ecology"}),
    ("Sankt-Peterburg", {}, {"spb-ecology"}),
    ("Санкт-Петербург", {}, {"spb-ecology"}),
    ("ecological", {}, {"spb-ecology"}),
    ("Roginsky", {}, {"memorial"}),
    ("Kazan", {}, {"kazan-rights"}),
    ("Казани", {}, {"kazan-rights"}),
    ("human rights", {}, {"amnesty-russia", "memorial", "kazan-rights"}),
    ("организация", {"region": "russia"}, {"memorial", "kazan-rights"}),
    ("организация", {"region": "moscow"}, {"memorial"}),
    ("организация", {"region": "russia-east"}, set()),
    ("организация", {"region": "no-such-region"}, set()),
    ("Green", {"region": "russia-west"}, {"spb-ecology"}),
    ("human rights", {"topic": "human-rights", "region": "kazan"}, {"kazan-rights"}),
    ("world", {"topic": "ecology"}, {"spb-ecology"}),
    ("world", {"topic": "human-rights"}, set()),
    ("Скрытая", {}, set()),
    ("Hidden Memorial Society", {}, set()),
    ("nothing like this anywhere", {}, set()),
]


@pytest.mark.parametrize(("text", "filters", "expected"), QUERIES, ids=[q[0] for q in QUERIES])
def test_query_set(
    directory: dict[str, Organisation], text: str, filters: dict[str, str], expected: set[str]
) -> None:
    assert slugs(text, **filters) == expected


def test_same_query_set_in_one_go(directory: dict[str, Organisation]) -> None:
    """The whole set in one test: a failure shows every difference at once."""
    got = [(text, filters, slugs(text, **filters)) for text, filters, _expected in QUERIES]
    assert got == QUERIES


WEIRD = [
    "",
    "   ",
    '"',
    '"unbalanced',
    "NEAR(amnesty russia)",
    "amnesty NEAR russia",
    "*",
    "amn*",
    "-russia",
    "amnesty OR",
    "OR AND NOT",
    "a:b c^d",
    "') ; DROP TABLE directory_search; --",
    "&|!():*<->",
    "\x00\x01",
    "🙂 emoji",
    "ß ǅ ﬁ",
    "Ω" * 500,
    "x" * 10_000,
    "amnesty " * 2000,
    "1" * 5000,
]


@pytest.mark.parametrize("text", WEIRD, ids=range(len(WEIRD)))
def test_weird_input_never_fails(directory: dict[str, Organisation], text: str) -> None:
    results = search.search(text)
    assert results.total >= 0


def test_operators_are_words(directory: dict[str, Organisation]) -> None:
    assert slugs("amnesty NEAR russia") == set()
    assert slugs("NEAR(amnesty russia)") == set()
    assert slugs("amnesty -russia") == {"amnesty-russia"}
    assert slugs('"amnesty"') == {"amnesty-russia"}
    assert slugs("amnesty*") == {"amnesty-russia"}


def test_highlighting(directory: dict[str, Organisation]) -> None:
    translation.activate("ru")  # names are shown in the viewer's language
    hit = search.search("Suvorov").hits[0]
    assert "<mark>Suvorov</mark>" in hit.snippet
    assert hit.city == "Moscow"
    hits = search.search("правозащитных").hits
    marked = {h.slug: (str(h.name), str(h.snippet)) for h in hits}
    assert "<mark>Правозащитная</mark>" in marked["memorial"][1]
    assert "<mark>правозащитная</mark>" in marked["kazan-rights"][0]
    hit = search.search("291-29-04").hits[0]
    assert "<mark>+7 (095) 291-29-04</mark>" in hit.snippet
    hit = search.search("Memorial").hits[0]
    assert "<mark>Мемориал</mark>" in hit.name


def test_highlighting_escapes_html(directory: dict[str, Organisation]) -> None:
    org = directory["amnesty"]
    org.mission = "<script>alert(1)</script> Campaigns & prisoners"
    org.save()
    hit = search.search("prisoners").hits[0]
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "&amp;" in hit.snippet
    assert "<mark>prisoners</mark>" in hit.snippet


def test_rename_changes_results_at_once(directory: dict[str, Organisation]) -> None:
    org = directory["spb"]
    assert slugs("Green World") == {"spb-ecology"}
    org.name_en = "Baltic Watch"
    org.name_ru = "Балтийский дозор"
    org.save()
    assert slugs("Green World") == set()
    assert slugs("Baltic Watch") == {"spb-ecology"}
    assert slugs("Baltiyskiy dozor") == {"spb-ecology"}


def test_parts_and_links_reindex(directory: dict[str, Organisation]) -> None:
    org = directory["kazan"]
    contact = Contact.objects.create(organisation=org, name="Ivan Petrov")
    assert slugs("Petrov") == {"kazan-rights"}
    contact.is_published = False
    contact.save()
    assert slugs("Petrov") == set()
    office = org.offices.get()
    phone = Channel.objects.create(
        office=office, kind="phone", value="843 111-22-33", normalised="+78431112233"
    )
    assert slugs("111-22-33") == {"kazan-rights"}
    phone.delete()
    assert slugs("111-22-33") == set()
    org.regions.add(Region.objects.get(slug="novosibirsk"))
    assert slugs("Новосибирск") == {"kazan-rights"}
    org.regions.remove(Region.objects.get(slug="novosibirsk"))
    assert slugs("Новосибирск") == set()
    Publication.objects.create(organisation=org, title="Вестник свободы")
    assert slugs("вестника") == {"kazan-rights"}


def test_filters_follow_links_and_the_region_tree(directory: dict[str, Organisation]) -> None:
    org = directory["kazan"]
    org.regions.add(Region.objects.get(slug="novosibirsk"))
    assert slugs("организация", region="russia-east") == {"kazan-rights"}
    org.regions.remove(Region.objects.get(slug="novosibirsk"))
    assert slugs("организация", region="russia-east") == set()
    org.topics.add(Topic.objects.get(slug="ecology"))
    assert slugs("организация", topic="ecology") == {"kazan-rights"}
    Topic.objects.get(slug="ecology").organisations.remove(org)
    assert slugs("организация", topic="ecology") == set()
    # A region moved in the tree: the entries of the regions under it move with it.
    volga = Region.objects.create(
        slug="volga", kind="region", name_en="Volga", name_ru="Поволжье",
        parent=Region.objects.get(slug="russia-east"),
    )  # fmt: skip
    assert slugs("организация", region="volga") == set()
    west = Region.objects.get(slug="russia-west")
    west.parent = volga
    west.save()
    assert slugs("организация", region="volga") == {"kazan-rights", "memorial"}
    assert slugs("организация", region="russia-east") == {"kazan-rights", "memorial"}
    assert slugs("организация", region="russia-west") == {"kazan-rights", "memorial"}
    assert slugs("Green", region="volga") == {"spb-ecology"}


def test_a_large_region_renamed_or_moved_is_reindexed_by_the_worker(
    directory: dict[str, Organisation], run_tasks: Callable[[], None], monkeypatch: Any
) -> None:
    """More entries than a request reindexes: the change commits at once, the worker
    reindexes them (at 100,000 entries the request ran for minutes and failed)."""
    from django_tasks_db.models import DBTaskResult

    from vigil.directory import signals, tasks

    monkeypatch.setattr(signals, "REINDEX_IN_REQUEST", 2)
    east = Region.objects.get(slug="russia-east")
    volga = Region.objects.create(
        slug="volga", kind="region", name_en="Volga", name_ru="Поволжье", parent=east
    )
    west = Region.objects.get(slug="russia-west")  # four entries under it
    west.parent = volga
    west.name_en = "Cisuralia"
    west.save()
    queued = DBTaskResult.objects.filter(task_path=tasks.reindex_label.module_path)
    assert queued.count() == 1
    assert slugs("организация", region="volga") == set()  # not yet: the worker's
    assert slugs("Cisuralia") == set()
    run_tasks()
    assert slugs("организация", region="volga") == {"kazan-rights", "memorial"}
    assert slugs("Green", region="russia-east") == {"spb-ecology"}
    assert slugs("Cisuralia") == {"spb-ecology"}  # the entries of the region itself
    if connection.vendor == "postgresql":  # the rows it rewrote are vacuumed away
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'directory_search'"
            )
            assert cursor.fetchone()[0] is not None
    # Few entries: reindexed in the request, nothing queued.
    kazan = Region.objects.get(slug="kazan")
    kazan.name_en = "Qazan"
    kazan.save()
    assert slugs("Qazan") == {"kazan-rights"}
    assert queued.count() == 1


def test_an_edit_reads_the_region_tree_afresh(
    directory: dict[str, Organisation], monkeypatch: Any
) -> None:
    """Another process moved Kazan under "east of the Urals" and back; this one still has the
    tree as it was in between.  Its edits must index the tree as it is."""
    kazan, east = Region.objects.get(slug="kazan"), Region.objects.get(slug="russia-east")
    stale = dict(Region.objects.values_list("pk", "parent_id"))
    stale[kazan.pk] = east.pk
    monkeypatch.setattr(documents, "_region_parents", stale)
    org = directory["kazan"]
    org.mission += " Ведёт приём по субботам."
    org.save()
    assert slugs("организация", region="russia-east") == set()
    assert slugs("организация", region="russia-west") == {"kazan-rights", "memorial"}


def test_filter_tokens_are_no_query_word(directory: dict[str, Organisation]) -> None:
    region = Region.objects.get(slug="moscow")
    topic = Topic.objects.get(slug="human-rights")
    for text in (f"r{region.pk}", f"t{topic.pk}", f"R{region.pk} T{topic.pk}"):
        tokens = set().union(*(group.levels[-1] for group in search.parse(text).groups))
        assert not tokens & {f"r{region.pk}", f"t{topic.pk}"}
        assert slugs(text) == set()


def test_unpublish_and_delete(directory: dict[str, Organisation]) -> None:
    org = directory["memorial"]
    org.is_published = False
    org.save()
    assert slugs("Мемориал") == set()
    org.is_published = True
    org.save()
    assert slugs("Мемориал") == {"memorial"}
    org.delete()
    assert slugs("Мемориал") == set()
    assert slugs("Москва") == {"amnesty-russia"}


def test_deferred_indexes_once_at_the_end(directory: dict[str, Organisation]) -> None:
    with search.deferred() as pending:
        org = make_org("batch", name_en="Batch Made")
        add_office(org, "Vladivostok", "+7 4232 11-22-33")
        assert slugs("Batch") == set()
        assert org.pk in pending
    assert slugs("Batch Vladivostok") == {"batch"}


def test_reindex_command_rebuilds_everything(directory: dict[str, Organisation]) -> None:
    with search.deferred() as pending:
        Organisation.objects.filter(slug="memorial").update(name_ru="Новое имя")
        pending.clear()
    call_command("directory_reindex", verbosity=0)
    assert slugs("Новое имя") == {"memorial"}
    assert slugs("Moskva") == {"amnesty-russia", "memorial"}


def test_pagination(directory: dict[str, Organisation]) -> None:
    for i in range(25):
        make_org(f"group-{i:02d}", name_en=f"Paging Group {i:02d}", name_ru="")
    first = search.search("paging group", per_page=10)
    assert first.total == 25 and first.pages == 3 and len(first.hits) == 10
    assert first.has_next and not first.has_previous
    third = search.search("paging group", per_page=10, page=3)
    assert len(third.hits) == 5 and not third.has_next
    seen = {
        h.slug for p in (1, 2, 3) for h in search.search("paging group", per_page=10, page=p).hits
    }
    assert len(seen) == 25
    assert search.search("paging group", page=99).hits == []


# --- the page ------------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_search_page(client: Any, directory: dict[str, Organisation], prefix: str) -> None:
    response = client.get(f"{prefix}/directory/search/", {"q": "Suvorov"})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="search-q">' in page
    assert 'href="' + prefix + '/directory/amnesty-russia/"' in page
    assert "<mark>Suvorov</mark>" in page
    assert "Moscow" in page
    assert "<script>alert" not in page


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_search_page_messages(client: Any, directory: dict[str, Organisation], prefix: str) -> None:
    empty = client.get(f"{prefix}/directory/search/")
    assert empty.status_code == 200
    assert 'class="search-empty"' not in empty.content.decode()
    none = client.get(f"{prefix}/directory/search/", {"q": "zzzzqqq"})
    assert none.status_code == 200
    assert 'class="search-empty"' in none.content.decode()


def test_search_page_nul_and_bad_page(client: Any, directory: dict[str, Organisation]) -> None:
    for query in (
        "q=%00",
        "q=amnesty&page=-5",
        "q=amnesty&page=abc",
        "q=%FF%FE",
        "q=amnesty&page=1e9",
    ):
        assert client.get(f"/en/directory/search/?{query}").status_code in (200, 400)
    assert client.get("/en/directory/search/?q=amnesty&page=abc").status_code == 200


def test_search_page_filters_and_pages(client: Any, directory: dict[str, Organisation]) -> None:
    response = client.get("/en/directory/search/", {"q": "организация", "region": "kazan"})
    page = response.content.decode()
    assert "/directory/kazan-rights/" in page and "/directory/memorial/" not in page
    for i in range(25):
        make_org(f"group-{i:02d}", name_en=f"Paging Group {i:02d}")
    response = client.get("/en/directory/search/", {"q": "paging", "page": "2"})
    assert response.status_code == 200
    assert 'rel="prev"' in response.content.decode()


def test_search_page_filter_lists(client: Any, directory: dict[str, Organisation]) -> None:
    """Every region and topic, by name in the page's language, the chosen one selected; read
    on each request, so a renamed topic shows at once in every worker."""
    page = client.get("/en/directory/search/", {"q": "amnesty", "topic": "ecology"}).content
    text = page.decode()
    assert '<option value="ecology" selected>Ecology</option>' in text
    assert text.index(">Ecology</option>") < text.index(">Human rights</option>")
    assert '<option value="moscow">Moscow</option>' in text
    assert text.index(">Kazan</option>") < text.index(">Moscow</option>")
    text = client.get("/directory/search/", {"region": "moscow"}).content.decode()
    assert '<option value="moscow" selected>Москва</option>' in text
    assert text.index(">Права человека</option>") < text.index(">Экология</option>")
    Topic.objects.filter(slug="ecology").update(name_en="Environment <&>")
    text = client.get("/en/directory/search/").content.decode()
    assert '<option value="ecology">Environment &lt;&amp;&gt;</option>' in text


def test_search_page_queries_do_not_grow_with_results(
    client: Any, directory: dict[str, Organisation], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full page of results costs no more queries than a page of one: links and cards are
    read in bulk, and a full first level of relevance leaves the others unread."""
    monkeypatch.setattr(vocabulary.Vocabulary, "CHECK_EVERY", 3600.0)  # no reload mid-test
    for i in range(25):
        make_org(f"many-{i:02d}", name_en=f"Manyfold Group {i:02d}", regions=("moscow",))
    make_org("many-kazan", name_en="Manyfold Group of Kazan", regions=("kazan",))
    client.get("/en/directory/search/", {"q": "manyfold"})
    counts = []
    for region in ("kazan", "moscow"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/en/directory/search/", {"q": "manyfold group", "region": region})
        counts.append(len(queries))
    text = page.content.decode()
    assert text.count('<a href="/en/directory/many-') == 20
    assert 'href="/en/directory/many-00/"' in text and 'rel="next"' in text
    assert counts[1] <= counts[0] < 20, counts  # not one a result


@pytest.mark.parametrize("text", [*WEIRD[:-3], "x" * 10_000], ids=range(len(WEIRD) - 2))
def test_search_page_weird_input(
    client: Any, directory: dict[str, Organisation], text: str
) -> None:
    response = client.get(
        "/en/directory/search/",
        {
            "q": text.replace("\x00", ""),
            "region": text[:200],
            "topic": text[:200],
            "page": text[:50],
        },
    )
    assert response.status_code == 200


def test_editor_service_with_bulk_written_channels(directory: dict[str, Organisation]) -> None:
    """update_entry() writes channels with bulk_create(); the revision it records reindexes."""
    from vigil.directory import services

    org = directory["kazan"]
    office = org.offices.get()
    services.update_entry(
        org,
        fields={"name_en": "Kazan Rights Centre"},
        offices=[
            {
                "id": office.pk,
                "city": "Kazan",
                "channels": [{"kind": "phone", "value": "8 843 555-66-77"}],
            }
        ],
    )
    assert slugs("555-66-77") == {"kazan-rights"}
    assert slugs("+7 843 5556677") == {"kazan-rights"}
    assert slugs("Centre") == {"kazan-rights"}


def test_common_words_are_capped(directory: dict[str, Organisation], monkeypatch: Any) -> None:
    monkeypatch.setattr(ranking, "COUNTED", 3)
    for i in range(6):
        make_org(f"common-{i}", name_en=f"Common Name {i}", mission="")
    results = search.search("common", per_page=10)
    assert results.more and results.total == 3
    assert len(results.hits) == 3
    # Entries matching in their names come before those matching elsewhere.
    make_org("mentions", name_en="Other", mission="common common common")
    monkeypatch.setattr(ranking, "COUNTED", 100)
    ranked = [h.slug for h in search.search("common", per_page=10).hits]
    assert ranked[-1] == "mentions" and len(ranked) == 7


def test_a_rolled_back_write_does_not_lose_a_name_from_the_typo_vocabulary() -> None:
    """The process saw "Zyxwvut" in a write that was rolled back: writing it again must still
    put it in the shared vocabulary, or a typo of it is found only until the next reload."""
    import contextlib

    from django.db import connection, transaction

    search.search("anything")  # this process's vocabulary is loaded and learns as it writes
    with contextlib.suppress(RuntimeError), transaction.atomic():
        make_org("first", name_en="Zyxwvut Society")
        raise RuntimeError("the import failed")
    make_org("second", name_en="Zyxwvut Union")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {vocabulary.TERMS} WHERE term = %s",  # noqa: S608
            [translit.key("zyxwvut")],
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize(
    "path", ["/", "/directory/", "/directory/region/moscow/", "/directory/amnesty-russia/"]
)
def test_the_search_is_in_the_menu_and_on_every_directory_page(
    client: Any, directory: dict[str, Organisation], path: str
) -> None:
    for prefix in ("", "/en"):
        page = client.get(prefix + path).content.decode()
        assert f'href="{prefix}/directory/search/"' in page  # the main menu
        if path.startswith("/directory/"):
            assert f'action="{prefix}/directory/search/"' in page  # the page's search box
