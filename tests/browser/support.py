"""What the browser tests share: where screenshots go, the Russian text of a message, signing
in through the form, running queued tasks.  Kept here rather than in conftest.py because the
tests import these names."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, current_totp, run_queued_tasks

_ROOT = Path(__file__).resolve().parents[2]
#: The user guide's pictures are refreshed only on request (VIGIL_UPDATE_SCREENSHOTS=1), so
#: that an ordinary test run changes no tracked file.
UPDATE_SCREENSHOTS = bool(os.environ.get("VIGIL_UPDATE_SCREENSHOTS"))
IMG = _ROOT / "docs" / "img" if UPDATE_SCREENSHOTS else _ROOT / "test-results"


def ru(text: str) -> str:
    """A message as the Russian pages show it."""
    with translation.override("ru"):
        return gettext(text)


def run_tasks() -> None:
    """Run every queued task once, as the worker would (mail, publication, ...)."""
    run_queued_tasks()


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the Russian login form, starting from no session."""
    page.context.clear_cookies()
    page.goto(f"{base}/account/login/")
    page.get_by_label(ru("E-mail address")).fill(email)
    page.get_by_label(ru("Password")).fill(password)
    page.get_by_role("button", name=ru("Sign in")).click()
    expect(page).not_to_have_url(re.compile(r"/account/login/"))


def upload_for_import(page: Page, base: str, staff: Any, upload: Path, kind: str) -> None:
    """Staff sign in with their code, upload ``upload`` as ``kind`` (the import page's label)
    and wait until the worker has imported it."""
    sign_in(page, base, staff.email)
    page.get_by_label(ru("Six-digit code from your authenticator app")).fill(current_totp(staff))
    page.get_by_role("button", name=ru("Confirm")).click()
    expect(page).not_to_have_url(re.compile(r"/account/two-factor/"))

    page.goto(f"{base}/documents/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ru("Import files"))
    page.get_by_label(ru(kind)).check()
    page.get_by_label(ru("Files")).set_input_files(upload)
    page.get_by_role("button", name=ru("Upload and import")).click()
    expect(page.get_by_role("status")).to_contain_text(ru("Waiting for the worker"))

    run_tasks()
    page.reload()
    expect(page.get_by_role("status")).to_contain_text(ru("Finished"))
