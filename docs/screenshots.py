"""Make the screenshots of docs/user-guide.md again: docs/img/*.png.

    .venv/bin/python docs/screenshots.py

It prepares the demo database (migrate, createcachetable, load_demo: the same data as
``scripts/demo``, in the demo data folder ``var/`` or ``$VIGIL_DATA_DIR``), serves it on
127.0.0.1:8010, signs in as the demo staff member (the two-factor code comes from
``vigil demo_totp``), captures each page with Playwright driving Debian's /usr/bin/chromium, and
stops the server.  ``--url http://127.0.0.1:8000`` uses a demo that is already running instead.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

IMG = ROOT / "docs" / "img"
VIGIL = str(Path(sys.executable).parent / "vigil")
STAFF_EMAIL = "staff@vigil.example"
KAZAN_COORDINATOR = "kazan@vigil.example"  # vigil/groups/demo.py: no second factor needed
DEMO_PASSWORD = "vigil-demo-password"  # noqa: S105  (the demo's published password)
VIEWPORT = {"width": 1200, "height": 800}
PHONE = {"width": 390, "height": 844}
#: The main public pages on a phone, in Russian: docs/img/phone-<name>.png.
PHONE_PAGES = (
    ("home", "/"),
    ("petition", "/petitions/free-the-journalist/"),
    ("cases", "/cases/"),
    ("events", "/events/"),
    ("directory", "/directory/search/?q=%D0%BF%D1%80%D0%B0%D0%B2%D0%B0"),
    ("library", "/documents/"),
    ("join", "/groups/join/"),
)


def vigil(*args: str) -> str:
    result = subprocess.run(  # noqa: S603
        [VIGIL, *args], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return result.stdout


@contextmanager
def demo_server(bind: str) -> Iterator[str]:
    """The demo on ``bind``, stopped afterwards the way ``vigil serve`` expects: Ctrl+C.

    ``vigil serve`` stops its gunicorn child on SIGINT only.  A script running in the background
    starts its children with SIGINT ignored, so the server gets SIGINT back (and a session of
    its own, so that nothing it starts can outlive a forced stop).
    """
    vigil("migrate", "--no-input", "-v", "0")
    vigil("createcachetable")
    vigil("load_demo")
    server = subprocess.Popen(  # noqa: S603
        [VIGIL, "serve", "--bind", bind, "--workers", "1", "--no-worker"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_own_session_with_ctrl_c,
    )
    url = f"http://{bind}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{url}/health/", timeout=1):  # noqa: S310
                    break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"vigil serve stopped (exit {server.returncode})") from None
                time.sleep(0.2)
        else:
            raise SystemExit(f"the demo did not answer at {url}/health/")
        yield url
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _own_session_with_ctrl_c() -> None:
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def shot(page: Page, name: str) -> None:
    path = IMG / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    print(f"  {path.relative_to(ROOT)}")


def new_page(browser: Browser, locale: str, viewport: dict[str, int] = VIEWPORT) -> Page:
    context = browser.new_context(
        viewport=viewport,  # type: ignore[arg-type]
        locale=locale,
        timezone_id="Europe/Moscow",
        color_scheme="light",
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def capture(browser: Browser, url: str) -> None:
    ru = new_page(browser, "ru-RU")
    ru.goto(f"{url}/")
    shot(ru, "home-ru")
    ru.context.close()

    page = new_page(browser, "en-GB")
    page.goto(f"{url}/en/")
    shot(page, "home-en")

    page.goto(f"{url}/en/account/login/")
    page.get_by_label("E-mail address").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    shot(page, "sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/en/account/two-factor/\?next="))
    shot(page, "two-factor")

    # A code is accepted once: if this ran a moment ago, wait for the next one.
    for _attempt in range(3):
        code = vigil("demo_totp", STAFF_EMAIL).strip()
        page.get_by_label("Six-digit code from your authenticator app").fill(code)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()
        if "/two-factor/" not in page.url:
            break
        time.sleep(31 - time.time() % 30)
    expect(page).to_have_url(f"{url}/en/account/")
    shot(page, "profile")

    page.goto(f"{url}/en/back-office/")
    expect(page.locator("#site-name")).to_be_visible()
    shot(page, "back-office")
    page.context.close()

    capture_groups_and_events(browser, url)
    capture_phone(browser, url)


def capture_groups_and_events(browser: Browser, url: str) -> None:
    """The groups-* and events-* pictures: a visitor, then the Kazan group's coordinator."""
    page = new_page(browser, "en-GB")
    page.goto(f"{url}/en/events/")
    shot(page, "events-list")
    page.get_by_role("link", name=re.compile("Круглый стол")).first.click()
    expect(page.locator("form input[name=email]")).to_be_visible()  # the visitor's reply form
    shot(page, "events-detail")

    page.goto(f"{url}/en/groups/join/")
    page.get_by_label("Your name").fill("Dina Garipova")
    page.get_by_label("E-mail address").fill("dina@example.org")
    page.get_by_label("City or town").fill("Казань")
    page.get_by_label("Region").select_option(label="Kazan")
    page.get_by_label("Languages you read and write").fill("Russian, Tatar, English")
    page.locator("input[name=consent]").check()
    shot(page, "groups-join")
    # Sent once; on a second run the application is still waiting, which is refused politely.
    page.get_by_role("button", name="Send my application").click()
    page.wait_for_load_state()

    page.goto(f"{url}/en/account/login/")
    page.get_by_label("E-mail address").fill(KAZAN_COORDINATOR)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/account/login/"))
    page.goto(f"{url}/en/groups/applications/")
    page.locator("main a[href*='/en/groups/applications/']").first.click()
    expect(page.get_by_role("button", name="Accept")).to_be_visible()
    shot(page, "groups-application")

    page.goto(f"{url}/en/groups/kazan-1/")
    shot(page, "groups-member-page")
    page.goto(f"{url}/en/groups/kazan-1/meetings/new/")
    page.get_by_label("People present").fill("8")
    shot(page, "groups-log-meeting")
    page.goto(f"{url}/en/events/group/kazan-1/")
    expect(page.locator(".ical-link")).to_be_visible()
    shot(page, "events-calendar")
    page.context.close()


def capture_phone(browser: Browser, url: str) -> None:
    """The main public pages at 390 px in Russian, and the menu opened."""
    page = new_page(browser, "ru-RU", PHONE)
    for name, path in PHONE_PAGES:
        page.goto(url + path)
        shot(page, f"phone-{name}")
    page.goto(f"{url}/")
    page.locator(".site-menu > summary").click()
    menu = IMG / "phone-menu.png"
    page.screenshot(path=menu)  # the screen as it is, the menu over the page
    print(f"  {menu.relative_to(ROOT)}")
    page.context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a demo already running (default: start one)")
    parser.add_argument("--bind", default="127.0.0.1:8010", help="where to start the demo")
    options = parser.parse_args()
    os.chdir(ROOT)
    IMG.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            if options.url:
                capture(browser, options.url.rstrip("/"))
            else:
                with demo_server(options.bind) as url:
                    capture(browser, url)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
