from typing import Any

import pytest

from vigil.bulletin import memory
from vigil.bulletin.models import MemoryEntry, MemoryPosting, MemoryTerm

pytestmark = pytest.mark.django_db


def test_exact_match_scores_100_and_ignores_case_and_spacing() -> None:
    memory.remember("Letters should be polite and brief.", "Письма должны быть краткими.")
    [match] = memory.lookup("letters  should be polite and BRIEF.")
    assert match.score == 100 and match.exact
    assert match.target == "Письма должны быть краткими."


def test_fuzzy_match_has_a_difflib_score_and_best_comes_first() -> None:
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


def test_remember_stores_a_pair_once_and_indexes_its_words() -> None:
    first = memory.remember("A prisoner of conscience.", "Узник совести.")
    again = memory.remember("A prisoner  of conscience.", "Узник совести.")
    other = memory.remember("A prisoner of conscience.", "Узница совести.")
    assert first.pk == again.pk != other.pk
    assert MemoryEntry.objects.count() == 2
    # "a" and "of" are stop words; the others are indexed with their document frequency.
    assert dict(MemoryTerm.objects.values_list("text", "entries")) == {
        "prisoner": 2,
        "conscience": 2,
    }
    assert MemoryPosting.objects.count() == 4
    # Both translations of the same sentence are offered.
    assert {m.target for m in memory.lookup("A prisoner of conscience.")} == {
        "Узник совести.",
        "Узница совести.",
    }


def test_candidates_come_from_rare_words_among_many_entries(
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(300):
        memory.remember(f"The group number {n} wrote letters to the court.", f"Группа {n}.")
    memory.remember("Anna Politkovskaya was murdered in Moscow.", "Анна Политковская убита.")
    with django_assert_max_num_queries(4):
        matches = memory.lookup("Anna Politkovskaya was killed in Moscow.")
    assert matches[0].target == "Анна Политковская убита."
    near = memory.lookup("The group number 17 wrote letters to the court today.")
    assert near[0].target == "Группа 17." and near[0].score >= 90


@pytest.mark.parametrize("reverse", [False, True])
def test_the_result_does_not_depend_on_the_order_candidates_are_scored_in(
    reverse: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two candidates both round to 83 %: the one with the lower id wins, whichever comes first.

    The databases return candidates in different orders; pruning with the unrounded bound
    (82.8 % < 83) used to drop the second one only when the other had been scored first.
    """
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike"
    query = words.split()
    near = " ".join([*query[:11], "xray", "yankee", "zulu"]) + "."  # 24 / 29 = 82.8 %
    short = " ".join(query[:9]) + "."  # 20 / 24 = 83.3 %
    first = memory.remember(near, "Первый.")
    second = memory.remember(short, "Второй.")
    sentence = words + "."
    assert memory.score(sentence, near) == memory.score(sentence, short) == 83
    candidates = memory._candidates

    def ordered(*args: Any) -> list[tuple[int, str, str]]:
        return sorted(candidates(*args), reverse=reverse)

    monkeypatch.setattr(memory, "_candidates", ordered)
    assert [(m.entry_id, m.score) for m in memory.lookup(sentence, limit=1)] == [(first.pk, 83)]
    assert [m.entry_id for m in memory.lookup(sentence, limit=2)] == [first.pk, second.pk]


def test_candidates_rank_by_shared_words_then_entry_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """One word (ranked by id alone, straight from the index) or several (counted)."""
    monkeypatch.setattr(memory, "CANDIDATES", 3)
    ids = [memory.remember(f"Rare word {n} here.", f"{n}.").pk for n in range(5)]
    both = memory.remember("Rare word sentence here.", "Оба.").pk
    memory.remember("Rarer still.", "Нет.")
    entries = MemoryEntry.objects.all()

    def found(text: str) -> set[int]:
        return {pk for pk, _, _ in memory._candidates(text, entries)}

    assert found("rare") == set(ids[:3])
    assert found("rare sentence") == {both, *ids[:2]}
    monkeypatch.setattr(memory, "POSTINGS_BUDGET", 1)  # only the rarest word, "sentence"
    assert found("rare sentence") == {both}
