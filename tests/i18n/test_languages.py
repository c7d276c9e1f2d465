"""Russian at /, English at /en/, a switcher between them, form errors in both languages."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("committed_catalog")]

RU_HEADLINE = "Действуйте в защиту людей, чьи права под угрозой"
EN_HEADLINE = "Act for people whose rights are at risk"


class LanguageLinks(HTMLParser):
    """The <html lang>, and the links and current item of <nav class="language-switcher">."""

    def __init__(self) -> None:
        super().__init__()
        self.html_lang: str | None = None
        self.links: dict[str, str] = {}
        self.current: list[str] = []
        self._depth = 0  # > 0 while inside the switcher

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "html":
            self.html_lang = attr.get("lang")
        if tag == "nav" and "language-switcher" in (attr.get("class") or "").split():
            self._depth = 1
        elif self._depth and tag == "nav":
            self._depth += 1
        if self._depth and tag == "a" and attr.get("hreflang"):
            self.links[attr["hreflang"] or ""] = attr.get("href") or ""
        if self._depth and attr.get("aria-current") and attr.get("lang"):
            self.current.append(attr["lang"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "nav":
            self._depth -= 1


def parse(response: Any) -> LanguageLinks:
    parser = LanguageLinks()
    parser.feed(response.content.decode())
    return parser


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


# --- which language, where ----------------------------------------------------------------
def test_russian_is_served_at_the_root(client: Any) -> None:
    response = client.get("/")
    html = page(response)
    assert response["Content-Language"] == "ru"
    assert parse(response).html_lang == "ru"
    assert RU_HEADLINE in html
    assert "Войти" in html and "Главная" in html
    assert EN_HEADLINE not in html


def test_english_is_served_under_en(client: Any) -> None:
    response = client.get("/en/")
    html = page(response)
    assert response["Content-Language"] == "en"
    assert parse(response).html_lang == "en"
    assert EN_HEADLINE in html and "Sign in" in html
    assert RU_HEADLINE not in html


def test_the_address_decides_not_the_browser(client: Any) -> None:
    """An English browser still gets Russian at /: every page has one address per language."""
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
    assert response["Content-Language"] == "ru"
    assert RU_HEADLINE in page(response)
    response = client.get("/en/", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert response["Content-Language"] == "en"
    assert EN_HEADLINE in page(response)


def test_other_pages_are_translated_too(client: Any) -> None:
    html = page(client.get("/account/login/"))
    assert "Адрес электронной почты" in html and "Забыли пароль?" in html
    html = page(client.get("/en/account/login/"))
    assert "E-mail address" in html and "Forgotten your password?" in html


def test_error_pages_speak_the_language_of_the_address(client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# --- the switcher -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("russian", "english"),
    [
        ("/", "/en/"),
        ("/account/login/", "/en/account/login/"),
        ("/account/password/reset/", "/en/account/password/reset/"),
        ("/account/login/?next=/account/", "/en/account/login/?next=/account/"),
    ],
)
def test_the_switcher_links_to_the_same_page_in_the_other_language(
    client: Any, russian: str, english: str
) -> None:
    on_russian = parse(client.get(russian))
    assert on_russian.current == ["ru"]
    assert on_russian.links == {"en": english}
    on_english = parse(client.get(english))
    assert on_english.current == ["en"]
    assert on_english.links == {"ru": russian}


def test_following_the_switcher_changes_the_language(client: Any) -> None:
    english = client.get(parse(client.get("/account/login/")).links["en"])
    assert english["Content-Language"] == "en" and "Sign in" in page(english)
    russian = client.get(parse(english).links["ru"])
    assert russian["Content-Language"] == "ru" and "Войти" in page(russian)


# --- form errors --------------------------------------------------------------------------
def field_error(html: str, field: str) -> str:
    """The text of the error list Django renders for ``field`` (its id is id_<field>_error)."""
    start = html.find(f'id="id_{field}_error"')
    assert start != -1, f"no error list for {field!r}"
    end = html.find("</ul>", start)
    return html[start:end]


def test_an_empty_e_mail_gives_field_errors_in_english(client: Any) -> None:
    response = client.post("/en/account/login/", {"username": "", "password": ""})
    html = page(response)
    assert "This field is required." in field_error(html, "username")
    assert "This field is required." in field_error(html, "password")
    assert 'aria-invalid="true"' in html


def test_an_empty_e_mail_gives_field_errors_in_russian(client: Any) -> None:
    response = client.post("/account/login/", {"username": "", "password": "x"})
    html = page(response)
    assert response["Content-Language"] == "ru"
    assert "Обязательное поле." in field_error(html, "username")
    assert 'id="id_password_error"' not in html
    assert "This field is required." not in html


def test_a_malformed_e_mail_is_explained_in_each_language(client: Any) -> None:
    russian = page(client.post("/account/login/", {"username": "not-an-address", "password": "x"}))
    assert "Введите правильный адрес электронной почты." in field_error(russian, "username")
    english = page(client.post("/en/account/login/", {"username": "nope", "password": "x"}))
    assert "Enter a valid email address." in field_error(english, "username")


def test_a_wrong_password_is_explained_in_russian(client: Any) -> None:
    response = client.post(
        "/account/login/", {"username": "nobody@example.org", "password": "wrong password"}
    )
    assert "Неверный адрес электронной почты или пароль." in page(response)
