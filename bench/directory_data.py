"""Realistic handbook entries for the directory benchmark, written as one streamed text file.

Entries look like seed 000 and the Cyrillic fixtures: a third are in Russian, the rest in
English; each has one to three offices with phones, faxes and e-mails (some withheld as the
source withholds them), two to four contacts with roles, a branch in a second city for some,
mission, history and activity paragraphs, a publication for some, the attribution, the source
handbook, "Return to the ... Page" lines for its regions and "Last updated".  Names are
combined from word lists so that a word such as "правозащитный" or "Memorial" matches many
entries and a person's name or a phone number only a few, as in a real directory.

    python bench/directory_data.py --entries 100000 --out entries.txt
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

SEED = 20261123

CITIES = [
    # (English, Russian, postal prefix, old city code, "Return to" pages)
    ("Moscow", "Москва", "1", "095", ["Moscow", "Russian Organizations (West of the Urals)"]),
    ("St. Petersburg", "Санкт-Петербург", "19", "812",
     ["St. Petersburg", "Russian Organizations (West of the Urals)"]),
    ("Kazan", "Казань", "420", "8432", ["Kazan", "Russian Organizations (West of the Urals)"]),
    ("Nizhny Novgorod", "Нижний Новгород", "603", "8312",
     ["Nizhny Novgorod", "Russian Organizations (West of the Urals)"]),
    ("Yekaterinburg", "Екатеринбург", "620", "3432",
     ["Yekaterinburg", "Russian Organizations (East of the Urals)"]),
    ("Novosibirsk", "Новосибирск", "630", "3832",
     ["Novosibirsk", "Russian Organizations (East of the Urals)"]),
    ("Vladivostok", "Владивосток", "690", "4232",
     ["Vladivostok", "Russian Organizations (East of the Urals)"]),
]  # fmt: skip

EN_KIND = ["Society", "Centre", "Foundation", "Committee", "Union", "Association", "Group",
           "Institute", "League", "Movement", "Network", "Council"]  # fmt: skip
EN_TOPIC = ["Human Rights", "Civil Rights", "Ecology", "Women's Rights", "Refugees",
            "Prisoners' Rights", "Independent Media", "Democracy", "Children's Rights",
            "Legal Aid", "Veterans", "Disability Rights", "Minority Rights", "Free Elections",
            "Memory", "Soldiers' Mothers", "Tolerance", "Conscientious Objectors"]  # fmt: skip
EN_ADJ = ["Independent", "Regional", "Public", "Youth", "Citizens'", "Free", "Open",
          "Interregional", "Social", "Memorial", "Humanitarian", "Democratic"]  # fmt: skip
RU_KIND = ["Общество", "Центр", "Фонд", "Комитет", "Союз", "Ассоциация", "Группа",
           "Институт", "Лига", "Движение", "Сеть", "Совет"]  # fmt: skip
RU_TOPIC = ["защиты прав человека", "гражданских прав", "экологии", "прав женщин",
            "помощи беженцам", "защиты прав заключённых", "независимой прессы",
            "демократии", "прав детей", "правовой помощи", "ветеранов", "прав инвалидов",
            "прав меньшинств", "свободных выборов", "исторической памяти",
            "солдатских матерей", "толерантности", "альтернативной службы"]  # fmt: skip
RU_ADJ = ["Независимый", "Региональный", "Общественный", "Молодёжный", "Гражданский",
          "Свободный", "Открытый", "Межрегиональный", "Социальный", "Правозащитный",
          "Гуманитарный", "Демократический"]  # fmt: skip
FIRST = ["Anna", "Boris", "Olga", "Pavel", "Irina", "Sergei", "Maria", "Dmitri", "Elena",
         "Ivan", "Natalia", "Yuri", "Tatiana", "Alexei", "Svetlana", "Mikhail", "Lyudmila",
         "Viktor", "Galina", "Oleg"]  # fmt: skip
LAST = ["Sokolova", "Orlov", "Ivanova", "Petrov", "Smirnova", "Kuznetsov", "Popova", "Volkov",
        "Lebedeva", "Kozlov", "Novikova", "Morozov", "Pavlova", "Fedorov", "Zaitseva",
        "Belov", "Golubeva", "Vinogradov", "Bogdanova", "Suvorov", "Chezlov", "Lashizeva",
        "Roginsky", "Zhemkova", "Alexeyeva", "Ponomarev", "Kovalev", "Gannushkina",
        "Orlova", "Grigoryants"]  # fmt: skip
RU_FIRST = ["Анна", "Борис", "Ольга", "Павел", "Ирина", "Сергей", "Мария", "Дмитрий", "Елена",
            "Иван", "Наталья", "Юрий", "Татьяна", "Алексей", "Светлана", "Михаил"]  # fmt: skip
RU_LAST = ["Соколова", "Орлов", "Иванова", "Петров", "Смирнова", "Кузнецов", "Попова",
           "Волков", "Лебедева", "Козлов", "Новикова", "Морозов", "Павлова", "Фёдоров",
           "Суворов", "Рогинский", "Жемкова", "Алексеева", "Пономарёв", "Ковалёв",
           "Ганнушкина", "Григорьянц"]  # fmt: skip
EN_ROLES = ["Contact", "Coordinator", "Director", "Chair", "President", "Secretary"]
RU_ROLES = ["Контакт", "Координатор", "Директор", "Председатель", "Секретарь"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
STREETS = ["ul. Lenina", "Prospekt Mira", "ul. Gorkogo", "Nevsky prospekt", "ul. Pushkina",
           "Sadovaya ul.", "ul. Bauman", "Krasny prospekt"]  # fmt: skip
RU_STREETS = ["ул. Ленина", "проспект Мира", "ул. Горького", "Невский проспект",
              "ул. Пушкина", "Садовая ул.", "ул. Баумана", "Красный проспект"]  # fmt: skip

EN_MISSION = [
    "{name} is a non-profit, non-partisan organization that works for: the defence of {t1}"
    " and {t2}; free access to information; public education on {t1} in the region.",
    "The {name} works for the protection of {t1}, monitors violations of {t2} and gives free"
    " legal aid to victims of abuse by the police and the courts.",
]
EN_HISTORY = [
    "The organization was founded in {year} by a group of lawyers and journalists. Today it has"
    " {members} members and volunteers in {city} and the region.",
    "Set up in {year} after the first independent elections, the group now unites {members}"
    " activists; it co-operates with human rights organizations across Russia and the NIS.",
]
EN_ACTIVITIES = [
    "Main activities: monitoring of {t1}; seminars and trainings; a hot line for citizens;"
    " letter-writing campaigns and petition drives; round tables with partner NGOs.",
    "The group organises public lectures, film screenings and vigils, publishes reports on"
    " {t2} and campaigns for the release of prisoners of conscience.",
]
RU_MISSION = [
    "{name} работает для защиты {t1} и {t2}; содействует построению гражданского общества и"
    " правового государства.",
    "Цели организации: правозащитная деятельность, мониторинг нарушений {t1}, бесплатная"
    " правовая помощь пострадавшим от произвола.",
]
RU_HISTORY = [
    "Организация была создана в {year} году группой юристов и журналистов. Сегодня в неё"
    " входят {members} членов и добровольцев.",
    "Создана в {year} году; сотрудничает с правозащитными организациями России и стран СНГ.",
]
RU_ACTIVITIES = [
    "Основные направления: мониторинг нарушений {t1}; семинары и тренинги; горячая линия;"
    " кампании писем и сбор подписей; круглые столы с партнёрскими организациями.",
    "Группа проводит публичные лекции, показы фильмов и пикеты, издаёт доклады о нарушениях {t2}.",
]


def phone(rnd: random.Random, code: str) -> str:
    digits = f"{rnd.randrange(100, 999)}-{rnd.randrange(10, 99)}-{rnd.randrange(10, 99)}"
    style = rnd.randrange(3)
    if style == 0:
        return f"{code}-{digits}"
    if style == 1:
        return f"({code}) {digits}"
    return f"+7 {code} {digits.replace('-', ' ')}"


def entry(number: int, rnd: random.Random) -> str:
    russian = number % 3 == 0
    city_en, city_ru, postal, code, pages = CITIES[rnd.randrange(len(CITIES))]
    city = city_ru if russian else city_en
    t1, t2 = rnd.sample(range(len(EN_TOPIC)), 2)
    if russian:
        name = f"{rnd.choice(RU_ADJ)} {rnd.choice(RU_KIND).lower()} {RU_TOPIC[t1]} №{number}"
        people = [f"{rnd.choice(RU_FIRST)} {rnd.choice(RU_LAST)}" for _ in range(4)]
        roles, streets, topics = RU_ROLES, RU_STREETS, RU_TOPIC
        labels = ("Тел.", "Факс", "Эл. почта")
    else:
        name = f"{rnd.choice(EN_ADJ)} {EN_TOPIC[t1]} {rnd.choice(EN_KIND)} No. {number:,}"
        people = [f"{rnd.choice(FIRST)} {rnd.choice(LAST)}" for _ in range(4)]
        roles, streets, topics = EN_ROLES, STREETS, EN_TOPIC
        labels = ("Tel", "Fax", "E-mail")
    lines = [name, ""]
    lines.append(f"{postal}{rnd.randrange(10 ** (6 - len(postal))):0{6 - len(postal)}d} {city}")
    lines.append(f"{rnd.choice(streets)}, {rnd.randrange(1, 120)}")
    if rnd.random() < 0.4:
        lines.append(f"PO Box {rnd.randrange(1, 999)}")
    lines.append(f"{labels[0]}: {phone(rnd, code)}")
    if rnd.random() < 0.6:
        lines.append(f"{labels[1]}: {phone(rnd, code)}")
    if rnd.random() < 0.3:
        lines.append(f"{labels[2]}: [email protected]")
    elif rnd.random() < 0.7:
        lines.append(f"{labels[2]}: org{number}@glas.apc.org")
    lines.append("")
    contacts = rnd.randrange(2, 5)
    for person in people[: contacts - (1 if contacts > 2 else 0)]:
        lines.append(f"{rnd.choice(roles)}: {person}")
    lines.append("")
    if contacts > 2:  # a branch in a second city with its own contact
        other_en, other_ru, _p, other_code, _pages = CITIES[rnd.randrange(len(CITIES))]
        lines.append(f"В {other_ru}:" if russian else f"In {other_en}:")
        lines.append(f"{labels[0]}: {phone(rnd, other_code)}")
        lines.append(f"{roles[0]}: {people[-1]}")
        lines.append("")
    values = {
        "name": name,
        "t1": topics[t1],
        "t2": topics[t2],
        "year": 1986 + rnd.randrange(10),
        "members": rnd.randrange(5, 300),
        "city": city,
    }
    for texts in (
        (RU_MISSION, RU_HISTORY, RU_ACTIVITIES)
        if russian
        else (EN_MISSION, EN_HISTORY, EN_ACTIVITIES)
    ):
        lines += ["", rnd.choice(texts).format(**values)]
    if rnd.random() < 0.3:
        if russian:
            lines += ["", "Публикации:", "", f"Бюллетень «{RU_TOPIC[t2].capitalize()}»"]
            lines.append("Ежемесячный бюллетень на русском языке о деятельности организации.")
        else:
            lines += ["", "Publications:", "", f"{EN_TOPIC[t2]} Bulletin"]
            lines.append("Monthly bulletin in Russian and English on the group's work.")
    lines += ["", "", f"This organizational description was sent to CCSI from {people[0]}."]
    lines += [""]
    lines += [f"Return to the {page} Organizations Page." for page in pages[:1]]
    lines += [f"Return to the {page} Page." for page in pages[1:]]
    lines.append("Return to the NIS Organizations Home Page.")
    lines += ["", f"Last updated: {rnd.choice(MONTHS)} {1994 + rnd.randrange(4)}"]
    return "\n".join(lines)


def entries(count: int, seed: int = SEED) -> Iterator[str]:
    rnd = random.Random(seed)
    for number in range(1, count + 1):
        yield entry(number, rnd)


def write(path: Path, count: int) -> None:
    """Entries separated by "=====" lines, written one at a time (the file may be large)."""
    with path.open("w", encoding="utf-8") as handle:
        for index, text in enumerate(entries(count)):
            if index:
                handle.write("\n=====\n")
            handle.write(text)
        handle.write("\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write(args.out, args.entries)


if __name__ == "__main__":
    main()
