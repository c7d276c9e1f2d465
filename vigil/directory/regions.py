"""The directory's own region tree, as the handbook organises it.

Each region lists the names the source's "Return to the ... Page." lines use for it, so an
imported entry lands in the right places.
"""

from __future__ import annotations

from typing import Any

# (slug, parent slug, kind, ISO code, Russian, English, names in sources)
REGION_TREE: list[tuple[str, str | None, str, str, str, str, list[str]]] = [
    ("nis", None, "area", "", "Новые независимые государства", "Newly Independent States (NIS)",
     ["NIS Organizations Home", "NIS Organizations", "NIS"]),
    ("russia", "nis", "country", "RU", "Россия", "Russia",
     ["Russian Organizations", "Russia"]),
    ("russia-west", "russia", "region", "", "Россия к западу от Урала",
     "Russia west of the Urals", ["Russian Organizations (West of the Urals)"]),
    ("russia-east", "russia", "region", "", "Россия к востоку от Урала",
     "Russia east of the Urals", ["Russian Organizations (East of the Urals)"]),
    ("moscow", "russia-west", "city", "RU-MOW", "Москва", "Moscow",
     ["Moscow Organizations", "Moscow"]),
    ("st-petersburg", "russia-west", "city", "RU-SPE", "Санкт-Петербург", "St. Petersburg",
     ["St. Petersburg Organizations", "St. Petersburg", "Saint Petersburg"]),
    ("kazan", "russia-west", "city", "", "Казань", "Kazan", ["Kazan Organizations", "Kazan"]),
    ("nizhny-novgorod", "russia-west", "city", "", "Нижний Новгород", "Nizhny Novgorod",
     ["Nizhny Novgorod Organizations", "Nizhny Novgorod"]),
    ("yekaterinburg", "russia-east", "city", "", "Екатеринбург", "Yekaterinburg",
     ["Yekaterinburg Organizations", "Ekaterinburg Organizations", "Yekaterinburg"]),
    ("novosibirsk", "russia-east", "city", "", "Новосибирск", "Novosibirsk",
     ["Novosibirsk Organizations", "Novosibirsk"]),
    ("vladivostok", "russia-east", "city", "", "Владивосток", "Vladivostok",
     ["Vladivostok Organizations", "Vladivostok"]),
    ("ukraine", "nis", "country", "UA", "Украина", "Ukraine", ["Ukrainian Organizations"]),
    ("belarus", "nis", "country", "BY", "Беларусь", "Belarus", ["Belarusian Organizations"]),
    ("moldova", "nis", "country", "MD", "Молдова", "Moldova", ["Moldovan Organizations"]),
    ("armenia", "nis", "country", "AM", "Армения", "Armenia", ["Armenian Organizations"]),
    ("azerbaijan", "nis", "country", "AZ", "Азербайджан", "Azerbaijan",
     ["Azerbaijani Organizations"]),
    ("georgia", "nis", "country", "GE", "Грузия", "Georgia", ["Georgian Organizations"]),
    ("kazakhstan", "nis", "country", "KZ", "Казахстан", "Kazakhstan",
     ["Kazakhstani Organizations"]),
    ("kyrgyzstan", "nis", "country", "KG", "Кыргызстан", "Kyrgyzstan",
     ["Kyrgyz Organizations"]),
    ("tajikistan", "nis", "country", "TJ", "Таджикистан", "Tajikistan",
     ["Tajik Organizations"]),
    ("turkmenistan", "nis", "country", "TM", "Туркменистан", "Turkmenistan",
     ["Turkmen Organizations"]),
    ("uzbekistan", "nis", "country", "UZ", "Узбекистан", "Uzbekistan",
     ["Uzbek Organizations"]),
]  # fmt: skip


def ensure_region_tree(region_model: Any) -> None:
    """Create or refresh the tree; takes the model so migrations can pass their historic one."""
    by_slug: dict[str, Any] = {}
    for slug, parent, kind, iso, ru, en, source_names in REGION_TREE:
        region, _created = region_model.objects.update_or_create(
            slug=slug,
            defaults={
                "parent": by_slug.get(parent) if parent else None,
                "kind": kind,
                "iso_code": iso,
                "name_ru": ru,
                "name_en": en,
                "source_names": source_names,
            },
        )
        by_slug[slug] = region
