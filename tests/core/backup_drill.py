"""The restore drill's eyes: run inside one site's environment (a subprocess), it fills the
site through its own public forms, or describes it (every table's count, a sample of
decrypted values, every page's answer) so that two sites can be compared.

    python tests/core/backup_drill.py fill
    python tests/core/backup_drill.py describe OUT.json
    python tests/core/backup_drill.py signatures OUT.json   # each signature's mail state
    python tests/core/backup_drill.py petition SLUG         # an open petition to sign

Pages and forms are reached by their URLs, crawled from the home pages, not by importing
the apps: the drill stays true when an app is renamed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

START = ["/", "/en/"]
MAX_PAGES = 250
#: Forms the drill does not post: they sign in or out, or change the language.
SKIP_ACTIONS = re.compile(r"/account/log(in|out)/|/(i18n|back-office)/|/withdraw/|/erase|/cancel")
#: What differs between two answers of the same page: the CSRF token, a calendar's time stamps.
VOLATILE = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|DTSTAMP:[0-9TZ]+')
#: A calendar's own UID (before its first event) is new on every answer; the events' are kept.
CALENDAR_UID = re.compile(rb"UID:[^\r\n]*")


def normalised(body: bytes) -> bytes:
    head, event, rest = VOLATILE.sub(b"", body).partition(b"BEGIN:VEVENT")
    if body.startswith(b"BEGIN:VCALENDAR"):
        head = CALENDAR_UID.sub(b"", head)
    return head + event + rest


class Page(HTMLParser):
    """The links and the POST forms of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self.form: dict[str, Any] | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "").lower() == "post":
            self.form = {"action": a.get("action", ""), "fields": {}, "choices": {}}
        elif self.form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                self.form["choices"].setdefault(a["name"], a.get("value", "on"))
            elif kind not in {"submit", "file"}:
                self.form["fields"][a["name"]] = (kind, a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self.form["fields"][a["name"]] = ("textarea", "")
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
        elif tag == "option" and self.select and a.get("value"):
            self.form["choices"].setdefault(self.select, a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None
        elif tag == "select":
            self.select = None


def setup() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django.test import Client

    return Client(HTTP_X_FORWARDED_FOR="10.9.8.7")


def crawl(client: Any) -> dict[str, tuple[int, bytes, Page]]:
    """Every page reachable from the home pages (up to MAX_PAGES), in a fixed order."""
    seen: dict[str, tuple[int, bytes, Page]] = {}
    queue = deque(START)
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        if response.status_code != 200:
            body = b""
        elif getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        page = Page()
        if response.get("Content-Type", "").startswith("text/html"):
            page.feed(body.decode(errors="replace"))
        seen[path] = (response.status_code, body, page)
        for href in page.links:
            link = urldefrag(href)[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/"):
                continue
            if link.startswith(("/static/", "/back-office/", "/accounts/logout", "/i18n/")):
                continue
            if link not in seen:
                queue.append(link)
    return seen


def fill(client: Any) -> list[str]:
    """Post every public form once, filled as a visitor would: what the site stores from the
    public (signatures, applications, replies, suggestions, requests) then exists too."""
    posted = []
    for n, (path, (_status, _body, page)) in enumerate(crawl(client).items()):
        for form in page.forms:
            action = (form["action"] or path).split("?")[0]
            if SKIP_ACTIONS.search(action) or action in posted:
                continue
            data: dict[str, str] = {}
            for name, (kind, value) in form["fields"].items():
                data[name] = value or sample(name, kind, n)
            data.update(form["choices"])
            data.pop("website", None)  # the honeypot stays empty, as a person leaves it
            response = client.post(action, data, HTTP_X_FORWARDED_FOR=f"10.77.{n % 250}.9")
            posted.append(action)
            print(f"{response.status_code} POST {action}")
    return posted


def sample(name: str, kind: str, n: int) -> str:
    if kind == "email" or "email" in name:
        return f"drill-{n}@example.org"
    if kind == "date":
        return "2026-01-15"
    if kind == "number":
        return "3"
    if "phone" in name:
        return "+7 495 123-45-67"
    return "Проверка восстановления"


def describe(client: Any) -> dict[str, Any]:
    from django.db import connection

    from vigil.core.services import encrypted_models

    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            tables[table] = cursor.fetchone()[0]
    samples = {}
    for model, encrypted, _blind in encrypted_models():
        rows = model._default_manager.order_by("pk")[:5]
        values = [[str(getattr(row, f.attname)) for f in encrypted] for row in rows]
        samples[model._meta.label] = {
            "rows": len(values),
            "sealed_fields": [f.name for f in encrypted],
            "sha256": hashlib.sha256(json.dumps(values).encode()).hexdigest(),
            "non_empty": sum(1 for row in values for v in row if v),
        }
    pages = {
        path: [status, hashlib.sha256(normalised(body)).hexdigest()]
        for path, (status, body, _page) in crawl(client).items()
    }
    return {"tables": tables, "samples": samples, "pages": pages}


def signatures() -> dict[str, Any]:
    """Each signature's address and whether its confirmation mail is still owed."""
    from django.apps import apps

    model: Any = next(m for m in apps.get_models() if m.__name__ == "Signature")
    return {
        "rows": [
            {"email": str(s.email), "owed": s.mail_due_at is not None}
            for s in model._default_manager.order_by("pk")
        ]
    }


def petition(slug: str) -> None:
    """One open petition and its consent text, for a signing load."""
    import datetime as dt

    from django.apps import apps
    from django.utils import timezone

    models: dict[str, Any] = {m.__name__: m for m in apps.get_models()}
    models["ConsentText"].objects.create(version=1, text_ru="Согласен.", text_en="I agree.")
    models["Petition"].objects.create(
        slug=slug, title_ru="Освободите", title_en="Free them", target="Прокурору",
        text_ru="Призываем.", text_en="We call.", goal=10**6,
        closes_at=timezone.now() + dt.timedelta(days=3),
    )  # fmt: skip


def main() -> None:
    command = sys.argv[1]
    client = setup()
    if command == "fill":
        fill(client)
        return
    if command == "petition":
        petition(sys.argv[2])
        return
    result = describe(client) if command == "describe" else signatures()
    Path(sys.argv[2]).write_text(json.dumps(result, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
