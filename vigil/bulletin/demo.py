"""A demo bulletin issue: three articles, partly translated and approved, and a glossary.

The demo translator (translator@vigil.example) translated; demo staff approved.  An older
issue's approved sentences fill the translation memory, so the editor offers matches.
"""

from __future__ import annotations

from collections.abc import Iterator

from vigil.accounts.models import User

from . import services
from .models import GlossaryTerm, Issue

GLOSSARY = [
    ("prisoner of conscience", "узник совести", "Always this phrase, never «политзаключённый»."),
    ("urgent action", "срочная акция", ""),
    ("death penalty", "смертная казнь", ""),
    ("fair trial", "справедливый суд", ""),
    ("human rights defender", "правозащитник", ""),
]

PAST = (
    2026, 10, "",
    [("Letters for a prisoner of conscience",
      "Write to the prosecutor and ask for the release of the prisoner of conscience. "
      "Letters should be polite and brief.",
      ["Письма в защиту узника совести",
       "Напишите прокурору и попросите освободить узника совести.",
       "Письма должны быть вежливыми и краткими."])],
)  # fmt: skip

ARTICLES = [
    ("Urgent action: journalist detained in Rostov",
     "A journalist was detained in Rostov-on-Don on 2 November. We consider him a prisoner "
     "of conscience.\n\nWrite to the prosecutor and ask for the release of the journalist. "
     "Letters should be polite and brief.",
     ["Срочная акция: в Ростове задержан журналист",
      "Журналист задержан в Ростове-на-Дону 2 ноября.",
      "Мы считаем его политзаключённым."]),
    ("The death penalty around the world",
     "More countries abolished the death penalty this year. Executions still continue in "
     "several states.",
     ["Смертная казнь в мире"]),
    ("Group news",
     "The Kazan group held a public reading. The Moscow group wrote 40 letters in October.",
     []),
]  # fmt: skip


def _person(email: str) -> User | None:
    return User.objects.get_by_email(email)


def load() -> Iterator[str]:
    staff, translator = _person("staff@vigil.example"), _person("translator@vigil.example")
    if staff is None or translator is None:
        yield "Bulletin: demo accounts missing, skipped"
        return
    for source, target, note in GLOSSARY:
        if not GlossaryTerm.objects.filter(source=source).exists():
            services.add_glossary_term(staff, source=source, target=target, note=note)
    year, month, title, past_articles = PAST
    _issue(staff, translator, year, month, title, past_articles, approve_all=True)
    issue = _issue(staff, translator, 2026, 11, "", ARTICLES, approve_all=False)
    yield f"Bulletin: issue {issue} at /bulletin/{issue.pk}/ (translator@vigil.example translates)"


def _issue(
    staff: User,
    translator: User,
    year: int,
    month: int,
    title: str,
    articles: list[tuple[str, str, list[str]]],
    *,
    approve_all: bool,
) -> Issue:
    existing = Issue.objects.filter(year=year, month=month).first()
    if existing is not None:
        return existing
    issue = services.create_issue(staff, year=year, month=month, title=title)
    for heading, body, russian in articles:
        article = services.add_article(staff, issue, title=heading, body=body)
        segments = list(article.segments.order_by("position"))
        for index, (segment, text) in enumerate(zip(segments, russian, strict=False)):
            segment = services.save_translation(translator, segment, text)
            if approve_all or index == 0:
                services.approve_segment(staff, segment)
    return issue
