"""The shared wrk tooling (bench/wrk.py, bench/wrk/*.lua) against a small HTTP server that
records what it is sent: the signing POST must look like a browser's, every signer must come
from a new /24 behind the configured proxies, and the figures must be read back."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import wrk

PAGE = "/petitions/test/"
TOKEN = "tok3n+/=é"  # characters a form encoder must escape


class Recorder(BaseHTTPRequestHandler):
    posts: list[dict[str, Any]] = []
    lock = threading.Lock()

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = (
            f'<form><input name="csrfmiddlewaretoken" value="{TOKEN}">'
            '<input type="hidden" name="consent_version" value="3"></form>'
        ).encode()
        self.send_response(200)
        self.send_header("Set-Cookie", "csrftoken=c00kie; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        raw = self.rfile.read(length).decode("ascii")
        with self.lock:
            n = len(self.posts)
            self.posts.append(
                {
                    "path": self.path,
                    "type": self.headers["Content-Type"],
                    "cookie": self.headers["Cookie"],
                    "forwarded": self.headers["X-Forwarded-For"],
                    "form": {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()},
                }
            )
        # Every fifth signer is told to wait, as the rate limit would.
        self.send_response(429 if n % 5 == 4 else 302)
        if n % 5 != 4:
            self.send_header("Location", PAGE)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()


@pytest.fixture
def server() -> Iterator[str]:
    Recorder.posts = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_signing_posts_like_a_browser_from_a_new_network_each_time(
    server: str, tmp_path: Path
) -> None:
    record = tmp_path / "run"
    result = wrk.sign(server, PAGE, proxies=2, threads=2, duration=1, record=record)
    posts = Recorder.posts
    assert len(posts) > 20
    assert result["requests"] == sum(result["statuses"].values())
    assert result["statuses"]["429"] >= 1 and result["ok"] == result["statuses"]["302"]
    assert result["rps"] == pytest.approx(result["ok"] / result["seconds"])
    assert result["p50_ms"] > 0 and result["wrk_cpu_s"] > 0
    emails = set()
    networks = set()
    for post in posts:
        assert post["path"] == PAGE + "sign/"
        assert post["type"] == "application/x-www-form-urlencoded"
        assert SimpleCookie(post["cookie"])["csrftoken"].value == "c00kie"
        form = post["form"]
        assert form["csrfmiddlewaretoken"] == TOKEN
        assert form["country"] == "Россия" and form["consent"] == "on"
        assert form["consent_version"] == "3" and form["website"] == ""
        emails.add(form["email"])
        visitor, proxy = (part.strip() for part in post["forwarded"].split(","))
        assert proxy.startswith("192.0.2.")  # the second proxy's own hop
        networks.add(visitor.rsplit(".", 1)[0])
    assert len(emails) == len(posts) == len(networks)
    issued, answers = wrk.recorded(record)
    # Every POST the server saw was written down, with the answer it got.
    assert set(issued) >= emails
    assert set(answers) <= emails
    refused = {p["form"]["email"] for n, p in enumerate(posts) if n % 5 == 4}
    assert {e for e, status in answers.items() if status == 429} == refused & set(answers)
    assert sum(1 for status in answers.values() if status == 200) == result["ok"]


def test_plain_gets_are_counted_by_status(server: str) -> None:
    result = wrk.run_wrk(server + "/", threads=1, connections=2, duration=1)
    assert result["ok"] == result["requests"] == result["statuses"]["200"] > 10
    assert result["errors"]["status"] == 0
