from typing import Any

import pytest

from vigil.bulletin import memory
from vigil.bulletin.models import MemoryEntry

pytestmark = pytest.mark.django_db


def test_exact_match_scores_100_and_ignores_case_and_spacing() -> None:
    memory.remember("Letters should be polite and brief.", "Письма должны быть краткими.")
    [match] = memory.lookup("letters  should be polite and BRIEF.")
    assert match.score == 100 and match.exact
    assert match.target == "Письма должны быть краткими."


def test_fuzzy_match_scores_common_words_and_best_comes_first() -> None:
    memory.remember(
        "Write to the prosecutor and ask for the release of the prisoner.",
        "Напишите прокурору и попросите освободить узника.",
    )
    memory.remember("Write to the governor.", "Напишите губернатору.")
    memory.remember("The weather in Moscow was cold.", "В Москве было холодно.")
    matches = memory.lookup("Write to the prosecutor and ask for the release of the journalist.")
    assert [m.target for m in matches] == ["Напишите прокурору и попросите освободить узника."]
    expected = memory.score(
        "Write to the prosecutor and ask for the release of the journalist.",
        "Write to the prosecutor and ask for the release of the prisoner.",
    )
    assert 60 <= matches[0].score == expected < 100
    assert memory.lookup("Nothing in common here at all.") == []


def test_remember_stores_a_pair_once() -> None:
    first = memory.remember("A prisoner of conscience.", "Узник совести.")
    again = memory.remember("A prisoner  of conscience.", "Узник совести.")
    other = memory.remember("A prisoner of conscience.", "Узница совести.")
    assert first.pk == again.pk != other.pk
    assert MemoryEntry.objects.count() == 2
    # Both translations of the same sentence are offered.
    assert {m.target for m in memory.lookup("A prisoner of conscience.")} == {
        "Узник совести.",
        "Узница совести.",
    }


def test_the_score_is_twice_the_common_words_over_all_words() -> None:
    # 8 words and marks each, 7 in common in order: 2 × 7 / 16 = 87.5 %.
    assert (
        memory.score("Free the poet Igor now , please !", "Free the poet Oleg now , please !") == 88
    )
    # A word moved counts once: the common words must keep their order.
    assert memory.score("a b c d", "b a c d") == 75
    assert memory.score("Same words.", "same   WORDS.") == 100


def test_a_lookup_reads_few_rows_among_many_entries(
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(300):
        memory.remember(f"The group number {n} wrote letters to the court.", f"Группа {n}.")
    memory.remember("Anna Politkovskaya was murdered in Moscow.", "Анна Политковская убита.")
    memory.lookup("warm the index")
    with django_assert_max_num_queries(2):
        matches = memory.lookup("Anna Politkovskaya was killed in Moscow.")
    assert matches[0].target == "Анна Политковская убита."
    near = memory.lookup("The group number 17 wrote letters to the court today.")
    assert near[0].target == "Группа 17." and near[0].score >= 90


@pytest.mark.parametrize("reverse", [False, True])
def test_ties_go_to_the_lower_id_whatever_order_entries_arrive_in(reverse: bool) -> None:
    """Two entries both round to 83 %: the one with the lower id wins."""
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike"
    query = words.split()
    near = " ".join([*query[:11], "xray", "yankee", "zulu"]) + "."  # 24 / 29 = 82.8 %
    short = " ".join(query[:9]) + "."  # 20 / 24 = 83.3 %
    sentence = words + "."
    assert memory.score(sentence, near) == memory.score(sentence, short) == 83
    pairs = [(near, "Первый."), (short, "Второй.")]
    first, second = (memory.remember(*pair) for pair in (pairs[::-1] if reverse else pairs))
    assert [(m.entry_id, m.score) for m in memory.lookup(sentence, limit=1)] == [(first.pk, 83)]
    assert [m.entry_id for m in memory.lookup(sentence, limit=2)] == [first.pk, second.pk]


def test_the_index_follows_entries_added_and_deleted() -> None:
    kept = memory.remember("The court refused bail to the journalist.", "Суд отказал в залоге.")
    assert memory.lookup("The court refused bail to the blogger.")[0].entry_id == kept.pk
    better = memory.remember("The court refused bail to the blogger again.", "Снова отказал.")
    assert memory.lookup("The court refused bail to the blogger.")[0].entry_id == better.pk
    MemoryEntry.objects.filter(pk=better.pk).delete()
    assert [m.entry_id for m in memory.lookup("The court refused bail to the blogger.")] == [
        kept.pk
    ]


def test_an_entry_committed_late_with_a_lower_id_is_found() -> None:
    """On PostgreSQL a transaction holding a lower id may commit after a higher one."""
    first = memory.remember("Something else entirely.", "Другое.")
    high = MemoryEntry.objects.create(
        pk=first.pk + 10, source="Write to the governor of Tver.", target="Губернатору."
    )
    assert memory.lookup("Write to the governor of Tver!")[0].entry_id == high.pk
    late = MemoryEntry.objects.create(
        pk=first.pk + 5, source="Write to the governor of Tver today.", target="Сегодня."
    )
    found = [m.entry_id for m in memory.lookup("Write to the governor of Tver today!")]
    assert found[0] == late.pk


def test_a_changed_date_offers_the_old_translation_with_the_difference_marked() -> None:
    memory.remember(
        "On 17 March 2017 the journalist Irina Sokolova was detained in Tver for a post.",
        "17 марта 2017 года журналистка Ирина Соколова была задержана в Твери за пост.",
    )
    [match] = memory.lookup(
        "On 19 March 2017 the journalist Irina Sokolova was detained in Tver for a post."
    )
    assert match.score == 94
    assert match.target.startswith("17 марта 2017 года")
    assert str(match.marked_source) == (
        "On <mark>17</mark> March 2017 the journalist Irina Sokolova was detained in Tver for a "
        "post."
    )


def test_the_marked_source_is_escaped() -> None:
    memory.remember("Free <b>Ivan</b> & Anna now.", "Свободу.")
    [match] = memory.lookup("Free <b>Oleg</b> & Anna now.")
    assert "<b>" not in match.marked_source and "&amp;" in match.marked_source
    assert "<mark>ivan</mark>" in match.marked_source.lower()
