"""How the search reads words: normalisation, transliteration keys, stems, phones, typos."""

from __future__ import annotations

import pytest

from vigil.directory import translit
from vigil.directory.search import forms, phones
from vigil.directory.search.text import inner_names, normalise, words
from vigil.directory.search.vocabulary import Vocabulary


def key(word: str) -> str:
    return translit.key(words(word)[0])


def sound(word: str) -> str:
    return translit.sound(words(word)[0])


# --- normalisation -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mемориал", ["мемориал"]),  # Latin M
        ("Memоrial", ["memorial"]),  # Cyrillic о
        ("Kaзань Xарків", ["казань", "харків"]),
        ("Ёлка, ЁЖ", ["елка", "еж"]),
        ("Київ Ґанок Єва Барысаў", ["київ", "ґанок", "єва", "барысаў"]),
        ("Women's Rights, Sol'zhenitsyn, м'ясо", ["womens", "rights", "solzhenitsyn", "мясо"]),
        ("Čajkovskij Žukov Šostakovič Zürich", ["chajkovskij", "zhukov", "shostakovich", "zurich"]),
        ("Group No.12: G19", ["group", "no", "12", "g", "19"]),
        ("Straße Łódź", ["strasse", "lodzh"]),
    ],
)
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_normalise_is_the_one_for_every_part() -> None:
    """The index, the query and the highlighting read the same word the same way."""
    assert normalise("Mемориал") == normalise("Мемориал") == "мемориал"
    assert forms.forms(words("Mемориал")[0]) == forms.forms(words("Мемориал")[0])


def test_inner_names_are_the_capitalised_words_inside_sentences() -> None:
    text = "Founded by Nikolai Pustintsev. The archive is in Perm; Tel: 928-2506."
    assert inner_names(text).split() == ["Nikolai", "Pustintsev", "Perm"]


# --- transliteration -------------------------------------------------------------------------
SPELLINGS = [
    # BGN/PCGN, GOST 7.79 (B and A = ISO 9), ICAO, loose ones: one key each.
    ["Мария", "Mariya", "Marija", "Mariia", "Maria"],
    ["Юрий", "Yuriy", "Yurij", "Iurii", "Yuri", "Jurij", "Yury", "Ûrij"],
    ["Алексей", "Aleksey", "Alexei", "Aleksei", "Aleksej", "Alexey"],
    ["Чайковский", "Chaykovskiy", "Chaikovsky", "Tchaikovsky", "Čajkovskij", "Chaikovskii"],
    ["Щукин", "Shchukin", "Schukin", "Shhukin", "Ŝukin"],
    ["Хабаровск", "Khabarovsk", "Habarovsk"],
    ["Царёв", "Tsaryov", "Tsarev", "Czarev", "Tzarev"],
    ["Жуков", "Zhukov", "Žukov"],
    ["Пустынцев", "Pustyntsev", "Pustintsev"],
    ["Соловьёв", "Solovyov", "Solovyev", "Solov'ev", "Solovjov", "Solovev", "Soloviev"],
    ["Екатеринбург", "Yekaterinburg", "Ekaterinburg", "Jekaterinburg"],
    ["Нижний", "Nizhniy", "Nizhny", "Nizhnii", "Nizhnij", "Nižnij"],
    ["Клазерштейн", "Klazershteyn", "Klazerstein"],
    ["Мемориал", "Memorial"],
    ["Москва", "Moskva", "Moskwa"],
    ["Санкт", "St", "Saint", "Sankt"],
    ["Петербург", "Petersburg", "Peterburg"],
    ["Одесса", "Odessa", "Odesa", "Одеса"],
    ["Ходорковский", "Khodorkovsky", "Hodorkovskij", "Khodorkovskiy"],
    # Ukrainian and Belarusian by their own schemes.
    ["Київ", "Kyiv"],
    ["Харків", "Kharkiv"],
    ["Григорій", "Hryhoriy", "Hryhorii"],
    ["Вясна", "Viasna", "Vyasna"],
    ["Навумаў", "Navumau"],
]


@pytest.mark.parametrize("spellings", SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_spellings_of_a_name_share_a_key(spellings: list[str]) -> None:
    assert len({key(s) for s in spellings}) == 1, {s: key(s) for s in spellings}


@pytest.mark.parametrize(
    "spellings",
    [
        ["Интернешнл", "International"],
        ["Амнести", "Amnesty"],
        ["Хьюман", "Human"],
        ["Райтс", "Rights"],
        ["Вотч", "Watch"],
        ["Фридом", "Freedom"],
        ["Гринпис", "Greenpeace"],
        ["Джон", "John"],
        ["Київ", "Kiev", "Kyiv", "Киев"],
        ["Харків", "Kharkov", "Харьков", "Kharkiv"],
        ["Львів", "Lvov", "Lviv", "Львов"],
    ],
)
def test_renderings_of_a_name_sound_alike(spellings: list[str]) -> None:
    """Russian renderings of English names, and the Ukrainian and Russian names of a city."""
    assert len({sound(s) for s in spellings}) == 1, {s: sound(s) for s in spellings}


def test_ambiguous_latin_letters_are_read_every_way() -> None:
    assert key("Пустынцев") in translit.latin_readings("pustyncev")  # ISO 9: c = ц
    assert key("Харьков") in translit.latin_readings("xarkov")  # GOST system B: x = х
    assert key("Евген") in translit.latin_readings("yevhen")  # Ukrainian г = h
    assert key("Гриценко") in translit.latin_readings("gritsenko")
    assert set(translit.cyrillic_readings("гриценко")) & set(translit.latin_readings("hrytsenko"))
    assert translit.to_latin("Щука") == "shchuka"  # slugs


# --- no collisions across languages ------------------------------------------------------------
@pytest.mark.parametrize(
    ("one", "other"),
    [("Київ", "civil"), ("Memorial", "Memory"), ("Мемориал", "Memory"), ("Orlov", "Moral")],
)
def test_different_words_share_no_form(one: str, other: str) -> None:
    a, b = forms.forms(words(one)[0]), forms.forms(words(other)[0])
    assert {a.exact, a.stem, *a.keys}.isdisjoint({b.exact, b.stem, *b.keys})


def test_ordinary_words_have_no_keys_names_do() -> None:
    """An English word of the prose is matched as English only; a word of a name also by key."""
    prose = forms.tokens("civil", forms.PROSE, name=False)
    assert prose == ("civil",)
    assert any(t.startswith("5") for t in forms.tokens("civil", forms.PROSE, name=True))
    assert any(t.startswith("4") for t in forms.tokens("civil", forms.STRONG, name=False))


def test_stems_stay_in_their_language() -> None:
    assert forms.forms("organisations").stem == forms.forms("organization").stem
    assert forms.forms("womens").stem == "woman"
    assert forms.forms("memorial").stem != forms.forms("memory").stem
    assert forms.forms("мемориалом").stem == "мемориал"
    assert forms.forms("правозахисників").stem == forms.forms("правозахисники").stem


# --- phones ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("entry", "queries"),
    [
        (
            "+380 44 417-41-18",
            ["+380 44 417 41 18", "0444174118", "8 044 417-41-18", "417-41-18", "00380444174118"],
        ),
        ("(044) 417-41-18", ["+380 44 417 41 18", "044 417 41 18"]),
        ("095-291-29-04", ["+7 095 2912904", "8 (095) 291 29 04", "291-29-04", "70952912904"]),
        ("(017) 222-33-44", ["+375 17 222 33 44", "8 017 222-33-44", "8-10-375-17-222-33-44"]),
        ("+995 32 293-61-01", ["+995 32 2936101", "293-61-01"]),
        ("+374 10 53-35-41", ["+374 10 533541", "(010) 53-35-41"]),
        ("+994 12 498-17-51", ["+994 12 498 17 51", "012 498 17 51"]),
        ("+7 727 250-12-34", ["+7 727 250 12 34", "8 727 250-12-34"]),
    ],
)
def test_a_number_is_found_however_it_is_written(entry: str, queries: list[str]) -> None:
    indexed = set(phones.entry_tokens(entry))
    for query in queries:
        assert indexed & set(phones.query_tokens(query)), query


def test_other_numbers_are_not_found() -> None:
    indexed = set(phones.entry_tokens("+380 44 417-41-18"))
    for query in ("+380 44 417 41 19", "+7 044 417 41 18 9", "417-41-19"):
        assert not indexed & set(phones.query_tokens(query)), query


def test_numbers_in_prose_are_phones_years_and_dates_are_not() -> None:
    text = "Founded 1988-1992, registered 12.05.1996; Tel: 928-2506, or +7 (727) 250-12-34."
    assert phones.in_text(text) == ["928-2506", "+7 (727) 250-12-34"]


# --- typos -----------------------------------------------------------------------------------
def test_typos_within_one_edit_or_two_in_a_long_word() -> None:
    vocabulary = Vocabulary()
    for name in ("Pustintsev", "Memorial", "Novosibirsk", "Memory", "Harkiv", "Zakharchenko"):
        vocabulary._add(key(name))
    assert vocabulary.near(key("Pustinsev")) == [key("Pustintsev")]
    assert vocabulary.near(key("Memorual")) == [key("Memorial")]
    assert vocabulary.near(key("Novosibirks")) == [key("Novosibirsk")]  # a swap is one edit
    assert vocabulary.near(key("Zakharchenk")) == [key("Zakharchenko")]
    assert key("Memory") not in vocabulary.near(key("Memorial"))
    assert vocabulary.near("kiv") == []  # too short to guess
