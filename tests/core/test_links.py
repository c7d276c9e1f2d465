"""The one absolute link: a request's address when there is one, else ``VIGIL_BASE_URL``."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from django.test import RequestFactory

from vigil.core.links import absolute_url, request_root, site_root

VIGIL = Path(__file__).resolve().parents[2] / "vigil"
ALLOWED = {"core/links.py", "settings.py", "core/management/commands/keys.py"}


def test_without_a_request_the_site_address_is_used(settings: Any) -> None:
    settings.VIGIL_BASE_URL = "https://vigil.example.org/"
    assert site_root() == "https://vigil.example.org"
    assert absolute_url("/groups/1/") == "https://vigil.example.org/groups/1/"


def test_a_request_root_wins_with_or_without_its_slash(settings: Any) -> None:
    settings.VIGIL_BASE_URL = "https://vigil.example.org"
    assert absolute_url("/a/", "http://testserver/") == "http://testserver/a/"
    assert absolute_url("/a/", "http://testserver") == "http://testserver/a/"
    assert site_root("") == "https://vigil.example.org"  # an empty root is no root


def test_request_root_is_the_scheme_and_host_the_reader_used(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["vigil.example.net"]
    request = RequestFactory().get("/en/events/", HTTP_HOST="vigil.example.net", secure=True)
    assert request_root(request) == "https://vigil.example.net"
    assert absolute_url("/x/", request_root(request)) == request.build_absolute_uri("/x/")


def test_no_app_reads_the_base_url_for_a_link_itself() -> None:
    """The rule lives in ``core.links``: elsewhere ``VIGIL_BASE_URL`` is not read to make a
    link, and no view spells the request's root itself."""
    offenders = []
    for path in VIGIL.rglob("*.py"):
        relative = path.relative_to(VIGIL).as_posix()
        # The key sheet prints the site's name.
        if relative in ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "VIGIL_BASE_URL":
                offenders.append(f"{relative}:{node.lineno}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "build_absolute_uri"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == "/"
            ):
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []
