"""Shared paths and a compiled copy of the committed Russian catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "vigil"
CATALOG = SOURCE / "locale" / "ru" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def committed_catalog(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Serve pages from the committed django.po, not from whatever django.mo lies around.

    The .mo files are build output (git-ignored, made by scripts/bootstrap), so a stale or
    missing one must not decide these tests.  Changing LOCALE_PATHS makes Django drop its
    cached catalogs (the setting_changed receiver), before the test and after it.
    """
    locale = tmp_path_factory.mktemp("locale")
    target = locale / "ru" / "LC_MESSAGES"
    target.mkdir(parents=True)
    polib.pofile(str(CATALOG)).save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [str(locale)]
    return locale
