"""Lookups find what scoring every stored sentence finds, however many share their words."""

from __future__ import annotations

import random

import pytest

from vigil.bulletin import memory
from vigil.bulletin.models import MemoryEntry

pytestmark = pytest.mark.django_db

FIRST = ["Ivan", "Anna", "Oleg", "Maria", "Igor", "Елена", "Рустам"]
LAST = ["Orlov", "Belova", "Sokolov", "Smirnova", "Кузнецов"]
CITIES = ["Moscow", "Kazan", "Tver", "Perm", "Omsk", "Tula", "Грозный"]
VERBS = ["detained", "arrested", "threatened", "searched", "fined"]
ENDINGS = [
    "after a peaceful protest",
    "during a search",
    "for distributing leaflets",
    "at the railway station",
]


def sentence(rng: random.Random) -> str:
    return (
        f"The poet {rng.choice(FIRST)} {rng.choice(LAST)} was {rng.choice(VERBS)} in "
        f"{rng.choice(CITIES)} on {rng.randint(1, 28)} March {rng.randint(2000, 2026)} "
        f"{rng.choice(ENDINGS)}."
    )


def vary(text: str, rng: random.Random) -> str:
    """A word changed, added or dropped, or two words changed."""
    words = text.rstrip(".").split()
    kind = rng.randrange(4)
    for _ in range(2 if kind == 3 else 1):
        i = rng.randrange(len(words))
        if kind in (0, 3):
            words[i] = rng.choice(["urgently", "again", "reportedly", "17", "2019"])
        elif kind == 1:
            words.insert(i, rng.choice(["urgently", "again", "reportedly"]))
        else:
            del words[i]
    return " ".join(words) + "."


def scan(text: str, limit: int = 3) -> list[tuple[int, int]]:
    """The limit: score every stored sentence."""
    scored = [
        (pk, memory.score(text, source))
        for pk, source in MemoryEntry.objects.values_list("pk", "source")
    ]
    kept = sorted((s for s in scored if s[1] >= memory.THRESHOLD), key=lambda s: (-s[1], s[0]))
    return kept[:limit]


def test_lookups_find_the_best_matches_scoring_every_sentence_would() -> None:
    rng = random.Random(7)  # noqa: S311 - test data
    stored = [sentence(rng) for _ in range(4000)]
    MemoryEntry.objects.bulk_create(
        MemoryEntry(source=s, target=f"Перевод {n}", source_hash=memory.source_hash(s))
        for n, s in enumerate(stored)
    )
    queries = [vary(rng.choice(stored), rng) for _ in range(30)] + [
        "Write to the prosecutor of Tver.",
        "The poet was detained.",
    ]
    found = {q: [(m.entry_id, m.score) for m in memory.lookup(q)] for q in queries}
    assert {q: found[q] for q in queries if found[q] != scan(q)} == {}
    assert sum(bool(f) for f in found.values()) >= 30


BULLETIN = [
    (
        "On 14 November 2026 the Leninsky District Court of Orenburg sentenced the lawyer "
        "Viktor Zaslavsky to four years in a penal colony for “justifying terrorism”.",
        "14 ноября 2026 года Ленинский районный суд Оренбурга приговорил адвоката Виктора "
        "Заславского к четырём годам колонии за «оправдание терроризма».",
    ),
    (
        "Please send appeals to arrive as quickly as possible, and no later than 30 December "
        "2026, in Russian, English or your own language.",
        "Пожалуйста, отправьте обращения как можно скорее, но не позднее 30 декабря 2026 года, "
        "на русском, английском или вашем родном языке.",
    ),
    (
        "Group 12 (Samara) collected 1,240 signatures at the festival on 3 October.",
        "Группа 12 (Самара) собрала 1240 подписей на фестивале 3 октября.",
    ),
    (
        "Alexei Pechorin, a teacher from Izhevsk, has been held incommunicado since 2 March.",
        "Алексея Печорина, учителя из Ижевска, с 2 марта содержат без связи с внешним миром.",
    ),
]


@pytest.mark.parametrize(
    ("changed", "index", "marked"),
    [
        # Next month's deadline: only the date differs.
        (
            "Please send appeals to arrive as quickly as possible, and no later than 30 January "
            "2027, in Russian, English or your own language.",
            1,
            ["December", "2026"],
        ),
        # Another group, another count, another date.
        (
            "Group 7 (Samara) collected 1,250 signatures at the festival on 3 October.",
            2,
            ["12", "240"],
        ),
        # The sentence's punctuation changed, and the name is spelt "Aleksei".
        (
            "Aleksei Pechorin, a teacher from Izhevsk, has been held incommunicado since 2 March!",
            3,
            ["Alexei", "."],
        ),
        # Years in a colony and the date.
        (
            "On 21 November 2026 the Leninsky District Court of Orenburg sentenced the lawyer "
            "Viktor Zaslavsky to six years in a penal colony for “justifying terrorism”.",
            0,
            ["14", "four"],
        ),
    ],
)
def test_last_months_sentence_is_offered_with_what_changed_marked(
    changed: str, index: int, marked: list[str]
) -> None:
    for source, target in BULLETIN:
        memory.remember(source, target)
    best = memory.lookup(changed)[0]
    assert best.target == BULLETIN[index][1]
    assert 75 <= best.score < 100
    assert [part.split("</mark>")[0] for part in best.marked_source.split("<mark>")[1:]] == marked
