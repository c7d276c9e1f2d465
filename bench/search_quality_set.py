"""The directory search's quality set: a fixture directory and the queries people type into it.

The fixture is a few dozen entries written for this set (invented organisations, people and
numbers shaped like the handbook's: Russian, Ukrainian and Belarusian names, the Caucasus and
Central Asia, the numbering plans of the region) among :data:`DISTRACTORS` generated entries
(``directory_data``'s word lists: thousands of "Memorial … Committee No. N" and "Soldiers'
Mothers" entries in seven Russian cities).  Each query names the entries it should find in
the first ten results, or a city whose entries it should find; its category says what it tests.

Used by ``bench/search_quality.py`` (Vigil on both databases beside plain PostgreSQL full-text
search and FTS5) and by ``tests/directory/test_search_quality.py`` (the target, in CI).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from directory_data import (
    CITIES,
    EN_ADJ,
    EN_KIND,
    EN_TOPIC,
    FIRST,
    LAST,
    RU_ADJ,
    RU_FIRST,
    RU_KIND,
    RU_LAST,
    RU_TOPIC,
)

DISTRACTORS = 5000
SEED = 20261203
CATEGORIES = [
    "russian inflection",
    "transliteration",
    "cross-language",
    "cities",
    "people",
    "phones",
    "typos",
    "mixed scripts",
    "ukrainian",
]
TARGETS = {"overall": 0.95, "category": 0.9}


@dataclass
class Entry:
    slug: str
    name_ru: str
    name_en: str
    city: str
    contacts: list[tuple[str, str]] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    mission: str = ""
    history: str = ""
    aliases: list[str] = field(default_factory=list)
    updated: str = "1996-03-01"
    #: A second office: (label, city, phone).
    branch: tuple[str, str, str] | None = None


def E(slug: str, name_ru: str, name_en: str, city: str, **kw: Any) -> Entry:
    return Entry(slug, name_ru, name_en, city, **kw)


ENTRIES = [
    E("perm-memorial", "Пермское общество «Мемориал»", "Perm Memorial Society", "Пермь",
      contacts=[("Роман Чайковский", "Председатель"), ("Ирина Жукова", "Секретарь")],
      phones=["+7 (342) 212-48-50"],
      mission="Собирает воспоминания узников лагерей Пермской области, ведёт экспедиции к "
              "местам бывших лагерей и помогает семьям репрессированных.",
      history="Общество возникло в 1988 году из клуба любителей истории края."),
    E("memorial-international", "Международное общество «Мемориал»",
      "International Memorial Society", "Москва",
      contacts=[("Николай Пустынцев", "Исполнительный директор")],
      phones=["095-200-65-06"],
      mission="Историческое просвещение и защита прав человека; архив и библиотека о "
              "политических репрессиях.",
      history="The society was founded in 1989 by Nikolai Pustintsev and a circle of historians. "
              "Its archive takes visitors on weekdays; Tel: 928-2506."),
    E("spb-memorial", "Научно-информационный центр «Мемориал»",
      "Memorial Research and Information Centre", "Санкт-Петербург",
      contacts=[("Татьяна Косинова", "Директор")], phones=["(812) 310-24-77"],
      mission="Документирует судьбы жертв террора в Ленинграде и области."),
    E("ekb-memorial", "Екатеринбургское общество «Мемориал»", "Yekaterinburg Memorial",
      "Екатеринбург", contacts=[("Анна Пирогова", "Координатор")], phones=["(3432) 51-77-06"],
      mission="Книга памяти Урала, помощь реабилитированным."),
    E("soldiers-mothers-russia", "Комитет солдатских матерей России",
      "Committee of Soldiers' Mothers of Russia", "Москва",
      contacts=[("Валентина Мельникова-Жук", "Ответственный секретарь")],
      phones=["+7 095 206-06-70"],
      mission="Защищает права призывников и военнослужащих, консультирует их родителей.",
      aliases=["КСМР"]),
    E("soldiers-mothers-spb", "Солдатские матери Санкт-Петербурга",
      "Soldiers' Mothers of St. Petersburg", "Санкт-Петербург",
      contacts=[("Элла Полякова", "Председатель")], phones=["(812) 112-41-99"],
      mission="Приём солдат, покинувших части из-за насилия; юридическая помощь."),
    E("amnesty-russia", "Международная Амнистия — Россия", "Amnesty International - Russia",
      "Moscow", contacts=[("Boris Suvorov", "Contact"), ("Eric Klazerstein", "Coordinator")],
      phones=["095-291-29-04"],
      mission="Letter-writing for prisoners of conscience and against the death penalty.",
      branch=("In St. Petersburg", "St. Petersburg", "812-247-40-46")),
    E("hrw-moscow", "", "Human Rights Watch Moscow Office", "Moscow",
      contacts=[("Diederik Lohman", "Director")], phones=["+7 095 250-68-52"],
      mission="Research and reporting on abuses in Russia and Central Asia."),
    E("freedom-house-kyiv", "", "Freedom House Ukraine", "Kyiv",
      contacts=[("Olena Hrytsenko", "Program officer")], phones=["+380 44 235-18-09"],
      mission="Grants and training for independent media and election monitors."),
    E("greenpeace-russia", "", "Greenpeace Russia", "Moscow",
      contacts=[("Ivan Blokov", "Campaign director")], phones=["+7 095 257-41-16"],
      mission="Campaigns for the forests of the Russian north and against nuclear waste imports."),
    E("moscow-helsinki", "Московская Хельсинкская группа", "Moscow Helsinki Group", "Москва",
      contacts=[("Людмила Андреева", "Председатель")], phones=["(095) 207-60-69"],
      mission="Наблюдает за соблюдением прав человека в регионах России, издаёт доклады."),
    E("kharkiv-group", "Харківська правозахисна група", "Kharkiv Human Rights Group", "Харків",
      contacts=[("Євген Захарченко", "Голова"), ("Ірина Гнатюк", "Юрист")],
      phones=["+380 57 700-67-71"],
      mission="Правова допомога, моніторинг місць несвободи, видання книжок про дисидентів."),
    E("lviv-civic-control", "Львівська спілка «Громадянський контроль»",
      "Lviv Civic Control Union", "Львів", contacts=[("Олесь Ґонтар", "Координатор")],
      phones=["(0322) 72-14-80"],
      mission="Спостерігає за виборами та роботою міліції у Львові та області."),
    E("kyiv-rights-centre", "Київський центр прав людини", "Kyiv Human Rights Centre", "Київ",
      contacts=[("Марія Ковальчук", "Директорка")], phones=["(044) 417-41-18"],
      mission="Стратегічні справи в судах, навчання адвокатів."),
    E("odesa-lawyers", "Одеська асоціація правозахисників", "Odesa Rights Advocates",
      "Одеса", contacts=[("Юрій Шевчук", "Голова правління")], phones=["(048) 722-15-30"],
      mission="Безкоштовні консультації для біженців та моряків."),
    E("svitanak-minsk", "Праваабарончы цэнтр «Світанак»", "Svitanak Human Rights Centre",
      "Мінск", contacts=[("Алесь Бялоў", "Старшыня")], phones=["+375 17 222-33-44"],
      mission="Дапамога палітвязням і іх сем'ям, маніторынг судоў."),
    E("mogilev-pamyat", "Магілёўскае таварыства «Памяць»", "Mahiliou Memory Society",
      "Магілёў", contacts=[("Уладзімір Навумаў", "Сакратар")], phones=["8 0222 25-61-03"],
      mission="Вывучае гісторыю рэпрэсій на Магілёўшчыне."),
    E("tbilisi-legal-aid", "Тбилисское бюро правовой помощи", "Tbilisi Legal Aid Bureau",
      "Tbilisi", contacts=[("Nino Beridze", "Director")], phones=["+995 32 293-61-01"],
      mission="Free lawyers for detainees and internally displaced families."),
    E("yerevan-forum", "Ереванский форум гражданских прав", "Yerevan Civil Rights Forum",
      "Yerevan", contacts=[("Armen Harutyunyan", "Chair")], phones=["+374 10 53-35-41"],
      mission="Public hearings on police conduct and the freedom of assembly."),
    E("baku-committee", "Бакинский комитет защиты политзаключённых",
      "Baku Committee for Political Prisoners", "Baku",
      contacts=[("Leyla Aliyeva", "Coordinator")], phones=["+994 12 498-17-51"],
      mission="Lists of political prisoners, visits and parcels, appeals to the Council of "
              "Europe."),
    E("almaty-bureau", "Алматинское бюро по правам человека", "Almaty Human Rights Bureau",
      "Алматы", contacts=[("Ержан Сапаров", "Директор")], phones=["+7 727 250-12-34"],
      mission="Мониторинг свободы слова и помощь журналистам."),
    E("bishkek-defence", "Бишкекский центр «Правовая защита»", "Bishkek Legal Defence Centre",
      "Бишкек", contacts=[("Азамат Токтогулов", "Юрист")], phones=["+996 312 66-04-12"],
      mission="Защита в судах по делам о пытках."),
    E("chisinau-centre", "Кишинёвский центр прав человека", "Chisinau Human Rights Centre",
      "Кишинёв", contacts=[("Vasile Rotaru", "President")], phones=["+373 22 23-45-17"],
      mission="Legal clinic for the Transnistria conflict's displaced families."),
    E("nizhny-society", "Нижегородское общество прав человека",
      "Nizhny Novgorod Human Rights Society", "Нижний Новгород",
      contacts=[("Станислав Дмитриевский", "Пресс-секретарь")], phones=["(8312) 33-41-52"],
      mission="Газета о правах человека, горячая линия для жертв милиции."),
    E("perm-civic-chamber", "Пермская гражданская палата", "Perm Civic Chamber", "Пермь",
      contacts=[("Игорь Щукин", "Председатель совета")], phones=["(3422) 12-90-31"],
      mission="Объединяет некоммерческие организации Прикамья, школа гражданской активности."),
    E("kazan-rights-centre", "Казанский правозащитный центр", "Kazan Human Rights Centre",
      "Казань", contacts=[("Юрий Соловьёв", "Руководитель")], phones=["(8432) 92-17-45"],
      mission="Помощь заключённым и их родственникам, жалобы на пытки."),
    E("primorye-watch", "Экологическая вахта Приморья", "Primorye Ecological Watch",
      "Владивосток", contacts=[("Дмитрий Лисицын", "Координатор")], phones=["(4232) 26-11-80"],
      mission="Защита тайги и рек Приморья от незаконных рубок."),
    E("civic-bridge", "Комитет помощи беженцам «Гражданский мост»",
      "Civic Bridge Refugee Committee", "Москва",
      contacts=[("Светлана Ганиева", "Председатель")], phones=["+7 095 251-53-19"],
      mission="Помощь беженцам и вынужденным переселенцам с Северного Кавказа."),
    E("historical-memory", "Общество исторической памяти", "Society of Historical Memory",
      "Новосибирск", contacts=[("Павел Синицын", "Председатель")], phones=["(3832) 22-13-07"],
      mission="Краеведение и устная история Сибири."),
    E("civil-society-centre", "Центр гражданского общества", "Centre for Civil Society",
      "Нижний Новгород", contacts=[("Ольга Куликова", "Директор")], phones=["(8312) 30-11-02"],
      mission="Civil society training for regional NGOs."),
    E("chaikovsky-fund", "Фонд имени Петра Чайковского", "Pyotr Tchaikovsky Foundation",
      "Клин", contacts=[("Алексей Ходыревский", "Директор")], phones=["(09624) 2-10-50"],
      mission="Music lessons for children of families who were deported."),
    E("yabloko-youth", "Молодёжная правозащитная сеть", "Youth Human Rights Network",
      "Воронеж", contacts=[("Мария Варфоломеева", "Координатор")], phones=["(0732) 55-17-20"],
      mission="Летние школы по правам человека для студентов."),
    E("ingush-mothers", "Ингушское общество «Матери за мир»", "Ingush Mothers for Peace",
      "Назрань", contacts=[("Зарема Евлоева", "Председатель")], phones=["(87322) 2-44-61"],
      mission="Поиск пропавших без вести и помощь их семьям."),
    E("vinnytsia-helsinki", "Вінницька Гельсінська ініціатива", "Vinnytsia Helsinki Initiative",
      "Вінниця", contacts=[("Тарас Кравець", "Голова")], phones=["+380 432 35-27-14"],
      mission="Моніторинг прав людини у Вінницькій області."),
    E("brest-vyasna", "Брэсцкая ініцыятыва «Вясна-Брэст»", "Viasna Brest Initiative",
      "Брэст", contacts=[("Раман Кісляк", "Юрыст")], phones=["+375 162 21-40-77"],
      mission="Назіранне за выбарамі і судамі ў Брэсце."),
]  # fmt: skip

#: City of an entry → the names a query may use for it (for the "cities" relevance).
PLACES = {
    "Пермь": "perm", "Москва": "moscow", "Moscow": "moscow", "Санкт-Петербург": "spb",
    "St. Petersburg": "spb", "Екатеринбург": "ekb", "Yekaterinburg": "ekb", "Kyiv": "kyiv",
    "Київ": "kyiv", "Харків": "kharkiv", "Львів": "lviv", "Одеса": "odesa", "Мінск": "minsk",
    "Магілёў": "mogilev", "Tbilisi": "tbilisi", "Yerevan": "yerevan", "Baku": "baku",
    "Алматы": "almaty", "Бишкек": "bishkek", "Кишинёв": "chisinau",
    "Нижний Новгород": "nn", "Nizhny Novgorod": "nn", "Казань": "kazan", "Kazan": "kazan",
    "Владивосток": "vladivostok", "Vladivostok": "vladivostok", "Новосибирск": "novosibirsk",
    "Novosibirsk": "novosibirsk", "Клин": "klin", "Воронеж": "voronezh", "Назрань": "nazran",
    "Вінниця": "vinnytsia", "Брэст": "brest",
}  # fmt: skip


@dataclass
class Q:
    text: str
    category: str
    #: The entries it should find (slugs), or "city:<place>": the entries in that city.
    expected: tuple[str, ...]


def _q(category: str, rows: list[tuple[str, str]]) -> list[Q]:
    return [Q(text, category, tuple(expected.split())) for text, expected in rows]


QUERIES: list[Q] = [
    *_q("russian inflection", [
        ("Мемориала", "perm-memorial memorial-international spb-memorial ekb-memorial"),
        ("пермского Мемориала", "perm-memorial"),
        ("общества Мемориал в Перми", "perm-memorial"),
        ("солдатских матерей", "soldiers-mothers-russia"),
        ("солдатские матери", "soldiers-mothers-spb soldiers-mothers-russia"),
        ("комитета солдатских матерей", "soldiers-mothers-russia"),
        ("Хельсинкской группы", "moscow-helsinki"),
        ("московской хельсинкской группе", "moscow-helsinki"),
        ("правозащитного центра Казани", "kazan-rights-centre"),
        ("гражданской палаты", "perm-civic-chamber"),
        ("нижегородского общества прав человека", "nizhny-society"),
        ("экологической вахты", "primorye-watch"),
        ("помощь беженцам гражданский мост", "civic-bridge"),
        ("бюро правовой помощи", "tbilisi-legal-aid"),
        ("бакинского комитета", "baku-committee"),
        ("центром гражданского общества", "civil-society-centre"),
        ("матерей за мир", "ingush-mothers"),
        ("исторической памяти", "historical-memory"),
        ("алматинском бюро", "almaty-bureau"),
    ]),
    *_q("transliteration", [
        ("Memorial Perm", "perm-memorial"),
        ("Permskoe obshchestvo Memorial", "perm-memorial"),
        ("Soldatskie materi", "soldiers-mothers-spb"),
        ("Komitet soldatskikh materei", "soldiers-mothers-russia"),
        ("Moskovskaya Khelsinkskaya gruppa", "moscow-helsinki"),
        ("Chaikovsky", "perm-memorial chaikovsky-fund"),
        ("Chaykovskiy", "perm-memorial chaikovsky-fund"),
        ("Čajkovskij", "perm-memorial chaikovsky-fund"),
        ("Pustyntsev", "memorial-international"),
        ("Klazershteyn", "amnesty-russia"),
        ("Shchukin", "perm-civic-chamber"),
        ("Schukin", "perm-civic-chamber"),
        ("Iurii Solovev", "kazan-rights-centre"),
        ("Yuriy Solovyov", "kazan-rights-centre"),
        ("Yevgen Zakharchenko", "kharkiv-group"),
        ("Kazanskii pravozashchitnyi tsentr", "kazan-rights-centre"),
        ("Ekaterinburgskoe obshchestvo Memorial", "ekb-memorial"),
        ("Zhukova", "perm-memorial"),
        ("Melnikova-Zhuk", "soldiers-mothers-russia"),
    ]),
    *_q("cross-language", [
        ("Амнести Интернешнл", "amnesty-russia"),
        ("Амнести", "amnesty-russia"),
        ("Хьюман Райтс Вотч", "hrw-moscow"),
        ("Фридом Хаус", "freedom-house-kyiv"),
        ("Гринпис", "greenpeace-russia"),
        ("Гринпис Россия", "greenpeace-russia"),
        ("Human Rights Watch", "hrw-moscow"),
        ("Memorial", "perm-memorial memorial-international spb-memorial ekb-memorial"),
        ("Мемориал", "perm-memorial memorial-international spb-memorial ekb-memorial"),
        ("Committee of Soldiers' Mothers", "soldiers-mothers-russia"),
        ("Soldiers' Mothers St. Petersburg", "soldiers-mothers-spb"),
        ("Moscow Helsinki Group", "moscow-helsinki"),
        ("Helsinki Group", "moscow-helsinki"),
        ("Амнистия", "amnesty-russia"),
        ("Дидерик Ломан", "hrw-moscow"),
        ("Олена Гриценко", "freedom-house-kyiv"),
        ("Иван Блоков", "greenpeace-russia"),
        ("Нино Беридзе", "tbilisi-legal-aid"),
    ]),
    *_q("cities", [
        ("Пермь", "city:perm"),
        ("Perm", "city:perm"),
        ("Перми", "city:perm"),
        ("Saint Petersburg Memorial", "spb-memorial"),
        ("Sankt-Peterburg soldatskie materi", "soldiers-mothers-spb"),
        ("Санкт-Петербурге", "city:spb"),
        ("Saint Petersburg", "city:spb"),
        ("Tbilisi", "city:tbilisi"),
        ("Тбилиси", "city:tbilisi"),
        ("Ереван", "city:yerevan"),
        ("Erevan", "city:yerevan"),
        ("Баку", "city:baku"),
        ("Almaty", "city:almaty"),
        ("Minsk", "city:minsk"),
        ("Минск", "city:minsk"),
        ("Nizhnii Novgorod", "city:nn"),
        ("Нижнем Новгороде", "city:nn"),
        ("Kishinev", "city:chisinau"),
        ("Bishkek", "city:bishkek"),
        ("Klin", "city:klin"),
    ]),
    *_q("people", [
        ("Клазерштейн", "amnesty-russia"),
        ("Klazerstein", "amnesty-russia"),
        ("Пустынцев", "memorial-international"),
        ("Pustintsev", "memorial-international"),
        ("Nikolai Pustintsev", "memorial-international"),
        ("Чайковский", "perm-memorial chaikovsky-fund"),
        ("Роман Чайковский", "perm-memorial"),
        ("Соловьёв", "kazan-rights-centre"),
        ("Щукин", "perm-civic-chamber"),
        ("Захарченко", "kharkiv-group"),
        ("Zakharchenko", "kharkiv-group"),
        ("Tatiana Kosinova", "spb-memorial"),
        ("Лисицын", "primorye-watch"),
        ("Lyudmila Andreeva", "moscow-helsinki"),
        ("Ludmila Andreyeva", "moscow-helsinki"),
        ("Harutyunyan", "yerevan-forum"),
        ("Navumau", "mogilev-pamyat"),
    ]),
    *_q("phones", [
        ("+380 57 700 67 71", "kharkiv-group"),
        ("057 700-67-71", "kharkiv-group"),
        ("8 057 700 67 71", "kharkiv-group"),
        ("00380577006771", "kharkiv-group"),
        ("+375 17 222 33 44", "svitanak-minsk"),
        ("8 017 222-33-44", "svitanak-minsk"),
        ("8-10-375-17-2223344", "svitanak-minsk"),
        ("+995 32 293 61 01", "tbilisi-legal-aid"),
        ("+374 10 533541", "yerevan-forum"),
        ("+994 12 498 17 51", "baku-committee"),
        ("+7 727 250 12 34", "almaty-bureau"),
        ("8 727 250-12-34", "almaty-bureau"),
        ("928-2506", "memorial-international"),
        ("+7 342 212 48 50", "perm-memorial"),
        ("212-48-50", "perm-memorial"),
        ("+380 44 417 41 18", "kyiv-rights-centre"),
        ("+7 (095) 291-29-04", "amnesty-russia"),
        ("+996 312 660412", "bishkek-defence"),
        ("+373 22 234517", "chisinau-centre"),
    ]),
    *_q("typos", [
        ("Pustinsev", "memorial-international"),
        ("Memorual Perm", "perm-memorial"),
        ("Klazerstain", "amnesty-russia"),
        ("Zaharchenko", "kharkiv-group"),
        ("Helsinky Group", "moscow-helsinki"),
        ("Greenpeas", "greenpeace-russia"),
        ("Tbilissi", "city:tbilisi"),
        ("Yekaterinbrug Memorial", "ekb-memorial"),
        ("Nizhny Novgorot", "city:nn"),
        ("Chaikovskiy fundation", "chaikovsky-fund"),
        ("Пустынцеф", "memorial-international"),
        ("Клазерштеин", "amnesty-russia"),
        ("Гринпис Росия", "greenpeace-russia"),
        ("Харчівська правозахисна", "kharkiv-group"),
        ("Soldier Mothers", "soldiers-mothers-russia soldiers-mothers-spb"),
        ("Lisitsin", "primorye-watch"),
        ("Beridse", "tbilisi-legal-aid"),
    ]),
    *_q("mixed scripts", [
        ("Mемориал", "perm-memorial memorial-international spb-memorial ekb-memorial"),
        ("Мemorial Perm", "perm-memorial"),
        ("Пepмь", "city:perm"),
        ("Kaзань", "city:kazan"),
        ("Xарків", "city:kharkiv"),
        ("Аmnesty", "amnesty-russia"),
        ("Гpинпиc", "greenpeace-russia"),
        ("Soldiers' Мothers", "soldiers-mothers-russia soldiers-mothers-spb"),
        ("Tбилиси", "city:tbilisi"),
        ("Пустынцeв", "memorial-international"),
        ("Klаzerstein", "amnesty-russia"),
        ("Хельсинкская гpуппа", "moscow-helsinki"),
        ("Бaку", "city:baku"),
        ("Caнкт-Пeтepбуpг", "city:spb"),
        ("Щукин Пeрмь", "perm-civic-chamber"),
        ("Хaрківська група", "kharkiv-group"),
    ]),
    *_q("ukrainian", [
        ("Київ", "city:kyiv"),
        ("Kyiv", "city:kyiv"),
        ("Kiev", "city:kyiv"),
        ("Киев", "city:kyiv"),
        ("Харків", "city:kharkiv"),
        ("Kharkov", "city:kharkiv"),
        ("Харьков", "city:kharkiv"),
        ("Львів", "city:lviv"),
        ("Lvov", "city:lviv"),
        ("правозахисна група", "kharkiv-group"),
        ("правозахисників", "odesa-lawyers"),
        ("Ґонтар", "lviv-civic-control"),
        ("Gontar", "lviv-civic-control"),
        ("Громадянський контроль", "lviv-civic-control"),
        ("Вінницька Гельсінська ініціатива", "vinnytsia-helsinki"),
        ("Магілёў", "city:mogilev"),
        ("Навумаў", "mogilev-pamyat"),
        ("Бялоў", "svitanak-minsk"),
        ("праваабарончы цэнтр", "svitanak-minsk"),
        ("Вясна Брэст", "brest-vyasna"),
        ("Одеса", "city:odesa"),
        ("Одесса", "city:odesa"),
    ]),
]  # fmt: skip


# --- the generated distractors ---------------------------------------------------------------
def distractors(count: int = DISTRACTORS, seed: int = SEED) -> Iterator[Entry]:
    """Entries shaped like the benchmark's generated ones: combined names ("Memorial Soldiers'
    Mothers Committee No. 12"), common surnames, the seven Russian cities."""
    rnd = random.Random(seed)
    for number in range(1, count + 1):
        city_en, city_ru, _postal, code, _pages = CITIES[rnd.randrange(len(CITIES))]
        t1, t2 = rnd.sample(range(len(EN_TOPIC)), 2)
        digits = f"{rnd.randrange(100, 999)}-{rnd.randrange(10, 99)}-{rnd.randrange(10, 99)}"
        if number % 3 == 0:
            name_ru = f"{rnd.choice(RU_ADJ)} {rnd.choice(RU_KIND).lower()} {RU_TOPIC[t1]} №{number}"
            people = [f"{rnd.choice(RU_FIRST)} {rnd.choice(RU_LAST)}" for _ in range(3)]
            yield Entry(
                f"generated-{number}", name_ru, "", city_ru,
                contacts=[(p, "Контакт") for p in people], phones=[f"({code}) {digits}"],
                mission=f"Работает для защиты {RU_TOPIC[t1]} и {RU_TOPIC[t2]}; правозащитная "
                        "деятельность, мониторинг нарушений, бесплатная правовая помощь.",
                updated=f"{1994 + rnd.randrange(4)}-{1 + rnd.randrange(12):02d}-01",
            )  # fmt: skip
        else:
            name_en = f"{rnd.choice(EN_ADJ)} {EN_TOPIC[t1]} {rnd.choice(EN_KIND)} No. {number:,}"
            people = [f"{rnd.choice(FIRST)} {rnd.choice(LAST)}" for _ in range(3)]
            yield Entry(
                f"generated-{number}", "", name_en, city_en,
                contacts=[(p, "Contact") for p in people], phones=[f"+7 {code} {digits}"],
                mission=f"The {name_en} works for the protection of {EN_TOPIC[t1]} and "
                        f"{EN_TOPIC[t2]}, monitors violations and gives free legal aid.",
                updated=f"{1994 + rnd.randrange(4)}-{1 + rnd.randrange(12):02d}-01",
            )  # fmt: skip


def all_entries() -> list[Entry]:
    return [*ENTRIES, *distractors()]


# --- loading and measuring ---------------------------------------------------------------------
def _channel(value: str) -> SimpleNamespace:
    return SimpleNamespace(kind="phone", value=value, normalised="", withheld=False)


def parts(entry: Entry) -> dict[str, Any]:
    """The entry as the parts ``search.document_of`` reads (plain objects, as an import has)."""
    offices = [
        SimpleNamespace(
            label="", city=entry.city, postal_code="", street_lines=[], po_box="",
            loaded_channels=[_channel(p) for p in entry.phones],
        )
    ]  # fmt: skip
    if entry.branch:
        label, city, phone = entry.branch
        offices.append(
            SimpleNamespace(
                label=label, city=city, postal_code="", street_lines=[], po_box="",
                loaded_channels=[_channel(phone)],
            )
        )  # fmt: skip
    contacts = [
        SimpleNamespace(name=name, role=role, loaded_channels=[]) for name, role in entry.contacts
    ]
    org = SimpleNamespace(
        slug=entry.slug, name_ru=entry.name_ru, name_en=entry.name_en, aliases=entry.aliases,
        former_names=[], mission=entry.mission, history=entry.history, activities="",
        membership="", attribution="", last_updated=entry.updated,
    )  # fmt: skip
    return {
        "org": org,
        "offices": offices,
        "contacts": contacts,
        "regions": [],
        "topics": [],
        "publications": [],
        "channels": [ch for office in offices for ch in office.loaded_channels],
    }


def text_of(entry: Entry) -> str:
    """Everything an entry says, as one text: what a plain full-text search indexes."""
    lines = [entry.name_ru, entry.name_en, *entry.aliases, entry.city, *entry.phones]
    lines += [f"{name} ({role})" for name, role in entry.contacts]
    if entry.branch:
        lines += list(entry.branch)
    lines += [entry.mission, entry.history]
    return "\n".join(line for line in lines if line)


def relevant(query: Q, entries: list[Entry]) -> set[str]:
    found: set[str] = set()
    for expected in query.expected:
        if expected.startswith("city:"):
            place = expected.removeprefix("city:")
            found |= {
                e.slug
                for e in entries
                if PLACES.get(e.city) == place or (e.branch and PLACES.get(e.branch[1]) == place)
            }
        else:
            found.add(expected)
    return found


def measure(
    search_top: Any, entries: list[Entry], queries: list[Q] = QUERIES
) -> dict[str, dict[str, float]]:
    """recall@10 and MRR per category and overall, for a function query text → top slugs.

    recall@10: of the relevant entries, the share in the first ten results (of at most ten of
    them, when more are relevant); MRR: the mean of 1 / the rank of the first relevant one."""
    scores: dict[str, list[tuple[float, float]]] = {c: [] for c in CATEGORIES}
    misses: list[str] = []
    for query in queries:
        wanted = relevant(query, entries)
        top = list(search_top(query.text))[:10]
        hit = len(wanted.intersection(top)) / min(10, len(wanted))
        first = next((i for i, slug in enumerate(top, 1) if slug in wanted), None)
        scores[query.category].append((hit, 1 / first if first else 0.0))
        if hit < 1:
            misses.append(f"{query.category}: {query.text!r} -> {top[:5]}")
    table = {
        category: {
            "recall": sum(r for r, _m in rows) / len(rows),
            "mrr": sum(m for _r, m in rows) / len(rows),
            "queries": float(len(rows)),
        }
        for category, rows in scores.items()
    }
    every = [row for rows in scores.values() for row in rows]
    table["overall"] = {
        "recall": sum(r for r, _m in every) / len(every),
        "mrr": sum(m for _r, m in every) / len(every),
        "queries": float(len(every)),
    }
    table["misses"] = misses  # type: ignore[assignment]
    return table


def load(entries: list[Entry]) -> dict[int, str]:
    """Index the entries as an import does (documents from their parts, written in bulk) under
    organisation ids 1, 2, ...; returns id → slug."""
    from vigil.directory import search

    slugs: dict[int, str] = {}
    batch: list[tuple[int, Any]] = []
    for pk, entry in enumerate(entries, 1):
        found = parts(entry)
        batch.append((pk, search.document_of(found.pop("org"), **found)))
        slugs[pk] = entry.slug
        if len(batch) == 500:
            search.write_documents(batch, new=True)
            batch = []
    search.write_documents(batch, new=True)
    search.settle()
    return slugs


def vigil_top(slugs: dict[int, str]) -> Any:
    """Vigil's search as the page runs it: query text → the first ten slugs."""
    from vigil.directory import search

    def top(text: str) -> list[str]:
        ids, _total = search.matching_ids(search.parse(text), limit=10)
        return [slugs[pk] for pk in ids]

    return top
