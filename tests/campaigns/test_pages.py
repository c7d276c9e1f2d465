"""The public campaign pages, the home page's block and the back office, in both languages.

Each "take action" block shows only what that object's own public page would: an unpublished
case or petition, a members-only event, a hidden organisation and a document under embargo
never show; the embargoed document appears at its moment, with nobody acting."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.campaigns.conftest import DOCUMENT_TITLE, embargo, picture_bytes, upload
from tests.conftest import PASSWORD
from tests.publications.conftest import Clock
from vigil.accounts.models import User
from vigil.accounts.roles import Role
from vigil.campaigns import selectors, services
from vigil.campaigns.models import Campaign
from vigil.groups.models import Membership

pytestmark = pytest.mark.django_db
URL = "/campaigns/free-the-journalists/"
NEVER = ("Черновик дела", "Draft case", "Unpublished petition", "Неопубликованная петиция",
         "Members-only meeting", "Hidden organisation", "Скрытая")  # fmt: skip


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_campaign_page_in_both_languages(client: Client, campaign: Campaign) -> None:
    russian = page(client, URL)
    assert "Свободу журналистам" in russian
    assert "Подробный текст кампании." in russian
    assert "Освободите журналиста" in russian  # the petition, in the page's language
    assert "Рашид Алиев, журналист" in russian
    assert "Candlelight vigil" in russian
    assert "Мемориал" in russian
    assert DOCUMENT_TITLE in russian  # only an English version exists
    assert 'href="/petitions/free-the-journalist/"' in russian
    english = page(client, "/en" + URL)
    assert "Free the journalists" in english
    assert "The campaign&#x27;s full text." in english
    assert "Free the journalist" in english
    assert "Rashid Aliyev, journalist" in english
    assert "Memorial" in english
    assert 'href="/en/petitions/free-the-journalist/"' in english
    for text in (russian, english):
        assert not [hidden for hidden in NEVER if hidden in text]


def test_times_are_shown_in_the_viewers_zone(client: Client, campaign: Campaign) -> None:
    campaign.starts_at = datetime.datetime(2026, 3, 1, 22, 30, tzinfo=datetime.UTC)
    campaign.ends_at = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)
    services.save_campaign(campaign)
    client.cookies["vigil_tz"] = "Asia/Vladivostok"  # UTC+10: already the 2nd there
    assert "2 марта 2026" in page(client, URL)
    client.cookies["vigil_tz"] = "America/New_York"
    assert "1 марта 2026" in page(client, URL)


def test_members_only_event_shows_to_its_group_members_only(
    client: Client, campaign: Campaign, linked: dict[str, Any], make_user: Callable[..., User]
) -> None:
    member = make_user("member-of-group@example.org", Role.MEMBER)
    Membership.objects.create(group=linked["event"].organisers.get(), user=member)
    outsider = make_user("outsider@example.org", Role.MEMBER)
    client.force_login(outsider)
    assert "Members-only meeting" not in page(client, URL)
    client.force_login(member)
    assert "Members-only meeting" in page(client, URL)


def test_embargoed_document_shows_on_the_campaign_page_only_at_its_moment(
    client: Client, campaign: Campaign, linked: dict[str, Any], clock: Clock
) -> None:
    moment = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    embargo(linked["document"], moment)
    clock.set(moment - datetime.timedelta(seconds=1))
    for url in (URL, "/en" + URL):
        text = page(client, url)
        assert DOCUMENT_TITLE not in text
        assert "EUR 46/039/2003" not in text
        assert "eur-46-039-2003" not in text
    clock.set(moment)
    for url in (URL, "/en" + URL):
        assert DOCUMENT_TITLE in page(client, url)


def test_staff_see_why_some_links_are_missing(
    signed_in_staff: Client, staff: User, campaign: Campaign, linked: dict[str, Any]
) -> None:
    embargo(linked["document"], timezone.now() + datetime.timedelta(hours=1))
    actions = selectors.take_action(campaign, staff)
    # Unpublished case and petition, members-only event (staff see it), hidden partner (staff
    # see it too), embargoed document: the public rules apply to staff on this page as well.
    assert DOCUMENT_TITLE not in signed_in_staff.get("/en" + URL).content.decode()
    assert actions.hidden == 3
    assert "3 linked items are not shown" in signed_in_staff.get("/en" + URL).content.decode()


def test_drafts_are_a_plain_404_for_the_public(
    client: Client, make_campaign: Callable[..., Campaign], member: User
) -> None:
    draft = make_campaign(Campaign.Status.DRAFT, slug="secret-plan", title_en="Secret plan")
    for url in ("/campaigns/secret-plan/", "/en/campaigns/secret-plan/"):
        assert client.get(url).status_code == 404
    assert "Secret plan" not in page(client, "/en/campaigns/")
    assert "Secret plan" not in page(client, "/en/")
    client.force_login(member)
    assert client.get("/en/campaigns/secret-plan/").status_code == 404
    assert draft.pk


def test_staff_preview_a_draft(
    signed_in_staff: Client, make_campaign: Callable[..., Campaign]
) -> None:
    draft = make_campaign(Campaign.Status.DRAFT, slug="secret-plan", title_en="Secret plan")
    text = page(signed_in_staff, "/en/campaigns/secret-plan/")
    assert "Preview: this campaign is not public yet" in text
    assert f"/back-office/campaigns/campaign/{draft.pk}/change/" in text
    assert "Secret plan" not in page(signed_in_staff, "/en/campaigns/")  # lists stay public


def test_list_running_first_then_ended_with_filter(
    client: Client, make_campaign: Callable[..., Campaign]
) -> None:
    now = timezone.now()
    old_running = make_campaign(
        title_en="Old running", starts_at=now - datetime.timedelta(days=300)
    )
    new_running = make_campaign(title_en="New running", starts_at=now - datetime.timedelta(days=1))
    ended = make_campaign(Campaign.Status.ENDED, title_en="Ended by staff",
                          starts_at=now - datetime.timedelta(days=2))  # fmt: skip
    lapsed = make_campaign(title_en="Lapsed", starts_at=now - datetime.timedelta(days=20),
                           ends_at=now - datetime.timedelta(days=3))  # fmt: skip
    assert list(selectors.public_campaigns()) == [new_running, old_running, ended, lapsed]
    text = page(client, "/en/campaigns/")
    positions = [text.index(t) for t in ("New running", "Old running", "Ended by staff", "Lapsed")]
    assert positions == sorted(positions)
    running = page(client, "/en/campaigns/?status=active")
    assert "New running" in running and "Lapsed" not in running and "Ended by staff" not in running
    finished = page(client, "/en/campaigns/?status=ended")
    assert "Lapsed" in finished and "Ended by staff" in finished and "New running" not in finished
    assert finished.count('<span class="badge campaign-phase">ended</span>') == 2
    assert "Кампания" in page(client, "/campaigns/?status=ended")
    bad = client.get("/en/campaigns/?status=nonsense&page=zz")
    assert bad.status_code == 200
    assert "Select a valid choice." in bad.content.decode()


def test_home_shows_three_running_campaigns_newest_first(
    client: Client, make_campaign: Callable[..., Campaign]
) -> None:
    now = timezone.now()
    for days, name in ((5, "Fifth"), (4, "Fourth"), (3, "Third"), (2, "Second"), (1, "First")):
        make_campaign(title_en=name, title_ru=f"Кампания {name}",
                      starts_at=now - datetime.timedelta(days=days))  # fmt: skip
    make_campaign(Campaign.Status.DRAFT, title_en="Draft one", starts_at=now)
    make_campaign(Campaign.Status.ENDED, title_en="Ended one", starts_at=now)
    english = page(client, "/en/")
    shown = [name for name in ("First", "Second", "Third", "Fourth", "Fifth") if name in english]
    assert shown == ["First", "Second", "Third"]
    assert english.index("First") < english.index("Second") < english.index("Third")
    assert "Draft one" not in english and "Ended one" not in english
    assert 'href="/en/campaigns/campaign-5/"' in english
    russian = page(client, "/")
    assert "Кампания First" in russian and 'href="/campaigns/campaign-5/"' in russian
    assert 'href="/campaigns/"' in russian  # the nav link and "all campaigns"


def test_home_leaks_no_embargoed_release(
    client: Client, campaign: Campaign, linked: dict[str, Any], clock: Clock
) -> None:
    moment = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    embargo(linked["document"], moment)
    clock.set(moment - datetime.timedelta(minutes=1))
    for url in ("/", "/en/"):
        text = page(client, url)
        assert DOCUMENT_TITLE not in text and "EUR 46/039/2003" not in text
        assert "Free the journalists" in text or "Свободу журналистам" in text
    clock.set(moment)
    assert DOCUMENT_TITLE in page(client, "/en/")


def test_picture_is_served_locally_after_the_same_check(
    client: Client, make_campaign: Callable[..., Campaign], pictures: Path
) -> None:
    picture = services.clean_hero_image(upload(picture_bytes()))
    shown = make_campaign(slug="shown", hero_image=picture, hero_alt_en="A red square")
    text = page(client, "/en/campaigns/shown/")
    assert '<img src="/en/campaigns/shown/picture/" alt="A red square"' in text
    response = client.get("/campaigns/shown/picture/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response).startswith(b"\xff\xd8")
    assert shown.hero_url
    draft = make_campaign(
        Campaign.Status.DRAFT,
        slug="hidden",
        hero_image=services.clean_hero_image(upload(picture_bytes())),
    )
    assert draft.hero_image
    assert client.get("/campaigns/hidden/picture/").status_code == 404
    make_campaign(slug="no-picture")
    assert client.get("/campaigns/no-picture/picture/").status_code == 404


def test_back_office_is_for_staff(
    signed_in_staff: Client, member: User, linked: dict[str, Any], pictures: Path
) -> None:
    add = "/en/back-office/campaigns/campaign/add/"
    assert signed_in_staff.get(add).status_code == 200
    response = signed_in_staff.post(
        add,
        {
            "title_ru": "Новая кампания",
            "title_en": "New campaign",
            "slug": "new-campaign",
            "status": "active",
            "starts_at_0": "2026-01-10",
            "starts_at_1": "10:00",
            "summary_ru": "Коротко.",
            "hero_image": upload(picture_bytes(), "photo.jpg"),
            "hero_alt_ru": "Красный квадрат",
            "cases": [linked["case"].pk],
            "petitions": [linked["petition"].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Campaign.objects.get(slug="new-campaign")
    assert created.created_by is not None and created.created_by.email == "staff@example.org"
    assert list(created.petitions.all()) == [linked["petition"]]
    assert str(created.hero_image.name).startswith("new-campaign/hero")
    # The end before the start, and a picture without a description, are explained.
    response = signed_in_staff.post(
        add,
        {"title_ru": "Х", "slug": "x", "status": "draft", "starts_at_0": "2026-01-10",
         "starts_at_1": "10:00", "ends_at_0": "2026-01-01", "ends_at_1": "10:00",
         "summary_ru": "Х", "hero_image": upload(picture_bytes(), "p.jpg")},
    )  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode()
    assert "The end must come after the start." in text
    assert "Describe the picture" in text
    client = Client()  # signed_in_staff is the default client
    client.post("/en/account/login/", {"username": member.email, "password": PASSWORD})
    assert client.get(add).status_code in {302, 403}
    assert client.get("/en/back-office/campaigns/campaign/").status_code in {302, 403}
