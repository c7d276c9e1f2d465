"""Browser tests: Playwright (sync API) drives Debian chromium against the live test server.

Playwright cannot download its own browsers here, so ``/usr/bin/chromium`` is launched instead.
When a browser test fails, every page it had open is saved as ``test-results/<test name>.png``
(``test-results/`` is git-ignored, and pytest-playwright empties it at the start of a run).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import BrowserContext, Page, Request
from playwright.sync_api import Error as PlaywrightError
from pytest_playwright.pytest_playwright import CreateContextCallback

from tests.browser.chromium import launch_args

RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
TIMEOUT_MS = 5_000
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
_CALL_REPORT = pytest.StashKey[pytest.TestReport]()


def _one_request_at_a_time(application: Any) -> Any:
    """The WSGI application, entered by one request at a time, its body read in the lock."""
    lock = threading.Lock()

    def serialised(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with lock:
            result = application(environ, start_response)
            try:
                return list(result)  # a streamed body reads the database too
            finally:
                if hasattr(result, "close"):
                    result.close()

    return serialised


class _SerialisedServer(ThreadedWSGIServer):
    """Django's live server hands the tests' in-memory SQLite connection to every request
    thread.  Two requests at once (a page, and the /favicon.ico the browser asks for beside
    an admin page) then use one sqlite3 connection from two threads ("bad parameter or other
    API misuse", a 500 and a lost session).  Connections stay concurrent, requests take turns.
    """

    def set_app(self, application: Any) -> None:
        super().set_app(_one_request_at_a_time(application))


LiveServerThread.server_class = _SerialisedServer


@pytest.fixture(scope="session", autouse=True)
def _database_before_browser(django_db_setup: None) -> None:
    """Create the test database before Playwright's session-wide browser starts its event loop,
    so that it is also destroyed after the loop has stopped: otherwise a browser test run on
    its own set the database up, and tore it down, inside the loop (SynchronousOnlyOperation)."""


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in this thread; without this, every ORM call
    the test itself makes (creating users, reading TOTP devices) raises
    SynchronousOnlyOperation.  Module-scoped so that it is in place before any function
    fixture, and undone after the browser tests: the rest of the suite keeps Django's check."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return launch_args()


# --- a screenshot of every open page when a browser test fails -----------------------------
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep the test's own (call phase) report where the fixture below can read it."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    return report


def _screenshot_name(nodename: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodename).strip("_")


@pytest.fixture
def new_context(
    new_context: CreateContextCallback, request: pytest.FixtureRequest
) -> Iterator[CreateContextCallback]:
    """pytest-playwright's ``new_context``, plus: after a failed test, save every open page.

    ``page`` and ``context`` come from this fixture, so every page a test opens (the default
    one and those of extra contexts, such as one with JavaScript off) is captured.  This code
    runs at teardown, before pytest-playwright closes the contexts.
    """
    contexts: list[BrowserContext] = []

    def create(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        # Everything here answers in milliseconds: fail in seconds, not after 30.
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield cast(CreateContextCallback, create)
    report = request.node.stash.get(_CALL_REPORT, None)
    if report is None or not report.failed:
        return
    pages = [p for context in contexts for p in context.pages if not p.is_closed()]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    base = _screenshot_name(request.node.name)
    for index, open_page in enumerate(pages, start=1):
        name = f"{base}.png" if index == 1 else f"{base}-{index}.png"
        try:
            open_page.screenshot(path=RESULTS_DIR / name, full_page=True, timeout=5000)
        except PlaywrightError as exc:  # a crashed page: say so, keep the test's own error
            report.sections.append(("screenshot", f"could not save {name}: {exc}"))


# --- helpers for the tests -----------------------------------------------------------------
class RequestLog:
    """Every URL the browser asks for, to prove nothing is fetched from another host."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def __call__(self, req: Request) -> None:
        self.urls.append(req.url)

    def foreign(self) -> list[str]:
        return [
            url
            for url in self.urls
            if not url.startswith("data:") and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture
def request_log(page: Page) -> RequestLog:
    log = RequestLog()
    page.on("request", log)
    return log


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base URL: tests build theirs from ``live_server.url``.

    Overriding it also keeps pytest-playwright's fallback ``base_url`` fixture (a method on a
    class, which pytest 9 warns about) from running.
    """
    return None
