"""The Russian catalog is complete: every string in the source is translated, nothing is stale.

The extraction is Django's own ``makemessages``, run on a copy of the source tree so the
committed catalog is never touched.  It needs GNU gettext (xgettext, msgmerge, msgfmt), which
``scripts/bootstrap`` installs.

When this fails after a change to a template or to Python code::

    cd vigil && ../.venv/bin/vigil makemessages -l ru --no-obsolete --no-location

then translate the new entries in vigil/locale/ru/LC_MESSAGES/django.po (remove any
``#, fuzzy`` flag after checking the entry) and run ``vigil compilemessages``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from .conftest import CATALOG, SOURCE

RU_PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
MAKEMESSAGES = ["makemessages", "-l", "ru", "--no-obsolete", "--no-location", "-v", "0"]

Key = tuple[str | None, str, str]  # (msgctxt, msgid, msgid_plural)


def key_of(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def describe(key: Key) -> str:
    context, msgid, plural = key
    text = repr(msgid)
    if plural:
        text += f" / plural {plural!r}"
    if context:
        text = f"[context {context!r}] {text}"
    return text


def require_gettext() -> None:
    tools = ("xgettext", "msgmerge", "msgattrib", "msgfmt")
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        pytest.fail(
            f"GNU gettext is needed to check the catalog ({', '.join(missing)} not found): "
            "run scripts/bootstrap, or apt-get install gettext"
        )


def vigil_command() -> list[str]:
    script = Path(sys.executable).with_name("vigil")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vigil"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extract(
    source: Path, catalog: Path, workdir: Path, extra: dict[str, str] | None = None
) -> Path:
    """Copy ``source`` (with ``catalog`` as its only locale file), run makemessages there.

    ``extra`` adds files to the copy (relative path: text); the self-test uses it.

    The copy is put first on PYTHONPATH, so the ``vigil`` package, its settings and its
    LOCALE_PATHS are the copy's: makemessages cannot write to the real tree.
    """
    require_gettext()
    copy = workdir / "vigil"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "locale"),
    )
    fresh = copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    fresh.parent.mkdir(parents=True)
    shutil.copyfile(catalog, fresh)
    for relative, text in (extra or {}).items():
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        (copy / relative).write_text(text, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(workdir), env.get("PYTHONPATH")]))
    env.setdefault("VIGIL_DATA_DIR", str(workdir / "var"))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    before = digest(catalog)
    result = subprocess.run(
        [*vigil_command(), *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    assert digest(catalog) == before, "makemessages wrote to the committed catalog"
    return fresh


@pytest.fixture(scope="module")
def committed() -> polib.POFile:
    assert CATALOG.is_file(), f"{CATALOG} is missing"
    return polib.pofile(str(CATALOG))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> polib.POFile:
    fresh = extract(SOURCE, CATALOG, tmp_path_factory.mktemp("extraction"))
    return polib.pofile(str(fresh))


# --- the same strings as the source ------------------------------------------------------
def compare(extracted: polib.POFile, committed: polib.POFile) -> list[str]:
    source = {key_of(e) for e in extracted if not e.obsolete}
    catalog = {key_of(e) for e in committed if not e.obsolete}
    problems = [f"not in the catalog (new in the source): {describe(k)}" for k in source - catalog]
    problems += [f"obsolete (gone from the source): {describe(k)}" for k in catalog - source]
    problems += [
        f"obsolete entry kept in the file: {describe(key_of(e))}" for e in committed if e.obsolete
    ]
    return sorted(problems)


def test_catalog_holds_exactly_the_strings_in_the_source(
    extracted: polib.POFile, committed: polib.POFile
) -> None:
    problems = compare(extracted, committed)
    assert not problems, (
        "vigil/locale/ru/LC_MESSAGES/django.po is out of date; run makemessages and translate "
        "(see this module's docstring):\n  " + "\n  ".join(problems)
    )


# --- every entry translated, none fuzzy ----------------------------------------------------
def untranslated(catalog: polib.POFile) -> list[str]:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    nplurals = int(match.group(1)) if match else 3
    problems = []
    for entry in catalog:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            empty = [i for i in range(nplurals) if not forms.get(i, "").strip()]
            if empty or len(forms) != nplurals:
                problems.append(f"{describe(key_of(entry))}: plural forms {empty or sorted(forms)}")
        elif not entry.msgstr.strip():
            problems.append(describe(key_of(entry)))
    return problems


def fuzzy(catalog: polib.POFile) -> list[str]:
    found = [describe(key_of(e)) for e in catalog if "fuzzy" in e.flags and not e.obsolete]
    if catalog.metadata_is_fuzzy:
        found.insert(0, "the header")
    return found


def test_no_entry_is_fuzzy(committed: polib.POFile) -> None:
    found = fuzzy(committed)
    assert not found, "fuzzy (check, fix, then remove the flag):\n  " + "\n  ".join(found)


def test_every_entry_is_translated(committed: polib.POFile) -> None:
    missing = untranslated(committed)
    assert not missing, "untranslated:\n  " + "\n  ".join(missing)


# --- placeholders kept --------------------------------------------------------------------
PERCENT = re.compile(r"%(?:\((\w+)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")

Placeholders = tuple[frozenset[str], tuple[str, ...]]  # (named, positional in order)


def placeholders(text: str, percent: bool) -> Placeholders:
    """Named ones (``%(name)s``, ``{name}``) may move; positional ones must stay in order."""
    named: set[str] = set()
    positional: list[str] = []
    if percent:
        for name, kind in PERCENT.findall(text):
            if kind == "%":
                continue
            if name:
                named.add(f"%({name}){kind}")
            else:
                positional.append(f"%{kind}")
    for name in BRACE.findall(text):
        if name:
            named.add(f"{{{name}}}")
        else:
            positional.append("{}")
    return frozenset(named), tuple(positional)


def show(found: Placeholders) -> str:
    return ", ".join([*sorted(found[0]), *found[1]]) or "none"


def uses_percent(entry: polib.POEntry) -> bool:
    if "no-python-format" in entry.flags:
        return False
    return "python-format" in entry.flags or bool(re.search(r"%\(\w+\)", entry.msgid))


def placeholder_mismatches(catalog: polib.POFile) -> list[str]:
    problems = []
    for entry in catalog:
        if entry.obsolete:
            continue
        percent = uses_percent(entry)
        if entry.msgid_plural:
            # Russian form 0 also serves 21, 31...: it keeps the plural's placeholders.
            singular, plural = (
                placeholders(entry.msgid, percent),
                placeholders(entry.msgid_plural, percent),
            )
            expected = (singular[0] | plural[0], plural[1])
            translations = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
        else:
            expected = placeholders(entry.msgid, percent)
            translations = [entry.msgstr]
        for text in translations:
            found = placeholders(text, percent)
            if text and found != expected:
                problems.append(
                    f"{describe(key_of(entry))}: expected {show(expected)}, "
                    f"found {show(found)} in {text!r}"
                )
    return problems


def test_placeholders_are_kept(committed: polib.POFile) -> None:
    problems = placeholder_mismatches(committed)
    assert not problems, "placeholders differ:\n  " + "\n  ".join(problems)


# --- header and compilation ---------------------------------------------------------------
def test_header_is_russian_with_three_plural_forms(committed: polib.POFile) -> None:
    meta = committed.metadata
    assert meta.get("Language") == "ru"
    assert meta.get("Project-Id-Version") == "Vigil"
    assert "charset=UTF-8" in meta.get("Content-Type", "")
    assert " ".join(meta.get("Plural-Forms", "").split()) == RU_PLURAL_FORMS


def test_catalog_compiles_with_msgfmt_checks() -> None:
    require_gettext()
    result = subprocess.run(
        ["msgfmt", "--check-format", "-c", "-o", os.devnull, str(CATALOG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- the checks above can fail --------------------------------------------------------------
def test_the_checks_catch_a_new_string_and_a_broken_translation(
    committed: polib.POFile, tmp_path: Path
) -> None:
    """A new string in a template, a blanked, a fuzzy and a mangled entry are all reported."""
    broken = polib.pofile(str(CATALOG))
    formatted = [e for e in broken if "%(" in e.msgid and not e.msgid_plural]
    plain = [e for e in broken if "%(" not in e.msgid and not e.msgid_plural]
    assert formatted and len(plain) >= 2, "the catalog is too small for this self-test"
    plain[0].msgstr = ""
    plain[1].flags.append("fuzzy")
    formatted[0].msgstr = formatted[0].msgstr.replace("%(", "%(x")
    bad_catalog = tmp_path / "django.po"
    broken.save(str(bad_catalog))
    probe = "A probe string that nobody has translated"
    fresh = extract(
        SOURCE,
        bad_catalog,
        tmp_path / "work",
        extra={
            "core/templates/core/i18n_probe.html": (
                f'{{% load i18n %}}{{% translate "{probe}" %}}'
                f"{{% blocktranslate count n=3 %}}{{{{ n }}}} probe{{% plural %}}"
                f"{{{{ n }}}} probes{{% endblocktranslate %}}"
            )
        },
    )
    reported = "\n".join(compare(polib.pofile(str(fresh)), broken))
    assert probe in reported and "%(n)s probes" in reported
    assert "obsolete" not in reported
    assert describe(key_of(plain[0])) in untranslated(broken)
    assert describe(key_of(plain[1])) in fuzzy(broken)
    assert any(describe(key_of(formatted[0])) in p for p in placeholder_mismatches(broken))
    assert not untranslated(committed) and not fuzzy(committed)
