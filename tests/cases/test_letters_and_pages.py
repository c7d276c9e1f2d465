"""Case pages, the letter flow (PDF, e-mail, kept copies), assignment, counts and the API."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any, cast

import pypdf
import pytest
from django.db import connection
from django.urls import reverse

from tests.conftest import SmtpSink
from vigil.accounts.models import User
from vigil.cases import selectors
from vigil.cases.models import Case, CaseAssignment, Letter
from vigil.groups import services as group_services
from vigil.groups.models import Group, Membership

pytestmark = pytest.mark.django_db


def letter_data(case: Case, **changes: Any) -> dict[str, Any]:
    data = {
        "official": case.officials.get().pk, "language": "ru", "subject": "Призыв",
        "body": "Прошу немедленно освободить Ивана Петрова.", "signature": "Павел Орлов",
        "sender_address": "Казань, ул. Баумана, 1", "send": "pdf",
    }  # fmt: skip
    data.update(changes)
    return data


def test_list_filters_and_results(
    client: Any, abroad: Case, death_penalty_ru: Case, torture_ru: Case
) -> None:
    Case.objects.create(slug="hidden", title_ru="Скрытое", people="x", country="RU",
                        category="other", summary_ru="x")  # fmt: skip
    page = client.get("/cases/").content.decode()
    assert "Узник совести за рубежом" in page and "Скрытое" not in page
    page = client.get("/cases/?country=RU&category=death_penalty").content.decode()
    assert "Смертный приговор в России" in page and "Пытки в России" not in page
    page = client.get("/cases/?urgent=yes").content.decode()
    assert "Смертный приговор" in page and "Узник совести" not in page
    assert client.get("/en/cases/?country=ZZ&urgent=maybe").status_code == 200
    detail = client.get(torture_ru.get_absolute_url()).content.decode()
    assert "Results achieved" in detail or "Результаты" in detail
    assert "released" in detail or "освобожд" in detail
    assert client.get("/cases/hidden/").status_code == 302  # sign in first
    assert client.get("/cases/no-such-case/").status_code == 404


def test_my_actions_offers_and_explains(
    client: Any, russian_member: User, abroad: Case, death_penalty_ru: Case, torture_ru: Case
) -> None:
    client.force_login(russian_member)
    response = client.get("/en/cases/my-actions/")
    offered = [item.case for item in response.context["offered"]]
    refused = {item.case: item.decision.reason for item in response.context["not_offered"]}
    assert set(offered) == {abroad, death_penalty_ru}
    assert list(refused) == [torture_ru]
    page = response.content.decode()
    assert html.escape(refused[torture_ru]) in page
    assert reverse("cases:write", args=["torture-ru"]) not in page
    # The case page and the letter page say why too.
    assert "where you live" in client.get("/en/cases/torture-ru/").content.decode()
    refusal = client.get("/en/cases/torture-ru/write/")
    assert refusal.status_code == 403 and "where you live" in refusal.content.decode()
    posted = client.post("/en/cases/torture-ru/write/", letter_data(torture_ru))
    assert posted.status_code == 403 and not Letter.objects.exists()


def test_pdf_shows_cyrillic_and_counts_the_letter(
    client: Any, russian_member: User, death_penalty_ru: Case, kazan: Group
) -> None:
    client.force_login(russian_member)
    form = client.get("/cases/death-ru/write/")
    assert form.status_code == 200 and "Не касайтесь политики" in form.content.decode()
    response = client.post("/cases/death-ru/write/", letter_data(death_penalty_ru))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    for words in ("Уважаемый господин прокурор", "освободить Ивана Петрова", "Павел Орлов",
                  "Большая Дмитровка"):  # fmt: skip
        assert words in text
    # The fonts travel inside the file: every font has its glyphs embedded.
    fonts = cast(Any, reader.pages[0])["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        if "/DescendantFonts" in font:
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
    letter = Letter.objects.get()
    assert (letter.group, letter.writer, letter.channel, letter.text) == (
        kazan,
        russian_member,
        "post",
        "",
    )
    rows = selectors.letter_counts()
    assert [(r["case_id"], r["group_id"], r["letters"]) for r in rows] == [
        (death_penalty_ru.pk, kazan.pk, 1)
    ]


def test_pdf_page_renders(client: Any, russian_member: User, abroad: Case) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    client.force_login(russian_member)
    response = client.post("/cases/abroad/write/", letter_data(abroad))
    page = pdfium.PdfDocument(response.content)[0]
    image = page.render(scale=0.5).to_pil()
    assert image.size[0] > 200 and image.getextrema() != ((255, 255), (255, 255), (255, 255))


def test_kept_copy_is_encrypted_and_can_be_deleted(
    client: Any, russian_member: User, abroad: Case
) -> None:
    client.force_login(russian_member)
    client.post("/cases/abroad/write/", letter_data(abroad, keep_text="on"))
    letter = Letter.objects.get()
    assert "освободить Ивана Петрова" in letter.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM cases_letter WHERE id = %s", [letter.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:") and "Петров" not in stored
    assert "освободить Ивана Петрова" in client.get("/cases/my-actions/").content.decode()
    client.post(reverse("cases:forget_letter", args=[letter.pk]))
    letter.refresh_from_db()
    assert letter.text == "" and not letter.kept and Letter.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body": "я" * 10_001}, "body"),
        ({"body": ""}, "body"),
        ({"signature": ""}, "signature"),
        ({"signature": "П" * 151}, "signature"),
        ({"official": "999999"}, "official"),
        ({"language": "xx"}, "language"),
    ],
)
def test_bad_input_keeps_what_was_typed(
    client: Any, russian_member: User, abroad: Case, changes: dict[str, str], field: str
) -> None:
    client.force_login(russian_member)
    data = letter_data(abroad, **changes)
    response = client.post("/en/cases/abroad/write/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    page = response.content.decode()
    assert "correct the fields marked below" in page
    assert "Казань, ул. Баумана, 1" in page  # what was typed stays
    assert not Letter.objects.exists()


def test_email_only_where_allowed(
    client: Any, russian_member: User, abroad: Case, death_penalty_ru: Case
) -> None:
    client.force_login(russian_member)
    response = client.post("/en/cases/death-ru/write/", letter_data(death_penalty_ru, send="email"))
    assert response.status_code == 400
    assert "by post only" in response.content.decode()
    assert not Letter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_email_goes_to_the_official(
    client: Any,
    russian_member: User,
    abroad: Case,
    smtp_server: SmtpSink,
    run_tasks: Callable[[], None],
) -> None:
    client.force_login(russian_member)
    response = client.post("/cases/abroad/write/", letter_data(abroad, send="email"))
    assert response.status_code == 302
    run_tasks()
    message = smtp_server.messages[-1]
    assert message["To"] == "prosecutor@example.org"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Уважаемый господин прокурор!" in body and "Павел Орлов" in body
    assert Letter.objects.get().channel == Letter.Channel.EMAIL


def test_assignment_goes_through_the_policy(
    client: Any,
    make_user: Callable[..., User],
    kazan: Group,
    abroad: Case,
    torture_ru: Case,
    make_group: Callable[..., Group],
) -> None:
    coordinator = make_user(name="Рустам")
    group_services.add_member(kazan, coordinator, Membership.Role.COORDINATOR)
    other = make_group("RU", city="Москва")
    client.force_login(coordinator)
    page = client.get("/en/cases/abroad/")
    assert [g.pk for g in page.context["assign_form"].fields["group"].queryset] == [kazan.pk]
    refused = client.post("/en/cases/torture-ru/assign/", {"group": kazan.pk})
    assert refused.status_code == 400 and "own country" in refused.content.decode()
    assert client.post("/en/cases/abroad/assign/", {"group": other.pk}).status_code == 400
    assert client.post("/en/cases/abroad/assign/", {"group": kazan.pk}).status_code == 302
    again = client.post("/en/cases/abroad/assign/", {"group": kazan.pk})
    assert again.status_code == 400 and "already assigned" in again.content.decode()
    assert list(CaseAssignment.objects.values_list("case__slug", "group")) == [("abroad", kazan.pk)]
    # The group's page lists the case for its members.
    group_page = client.get(f"/en/groups/{kazan.slug}/").content.decode()
    assert "Cases the group works on" in group_page and "/en/cases/abroad/" in group_page
    member = make_user()
    client.force_login(member)
    assert client.post("/en/cases/abroad/assign/", {"group": kazan.pk}).status_code == 403


def test_letter_counts_page_is_for_national_coordinators(
    client: Any, signed_in_staff: Any, russian_member: User
) -> None:
    assert signed_in_staff.get("/en/cases/letters/").status_code == 200
    client.force_login(russian_member)
    assert client.get("/en/cases/letters/").status_code == 403


def test_api(
    client: Any, russian_member: User, abroad: Case, death_penalty_ru: Case, torture_ru: Case
) -> None:
    listed = client.get("/api/v1/cases/?country=ru").json()["_embedded"]["osdi:cases"]
    assert {c["slug"] for c in listed} == {"death-ru", "torture-ru"}
    assert [c["results"] for c in listed if c["slug"] == "torture-ru"] == [["released"]]
    assert client.get("/api/v1/cases/torture-ru/may-write").status_code == 401
    client.force_login(russian_member)
    answer = client.get("/api/v1/cases/torture-ru/may-write").json()
    assert answer["allowed"] is False and "Россия" in answer["reason"]  # the user's language
    assert client.get("/api/v1/cases/death-ru/may-write").json()["allowed"] is True
    assert client.get("/api/v1/cases/nothing/may-write").status_code == 404


def test_demo_loads_twice(make_user: Callable[..., User]) -> None:
    from vigil.cases import demo

    assert len(list(demo.load())) == 3
    assert list(demo.load()) == []
    assert Case.objects.filter(is_published=True).count() == 3
