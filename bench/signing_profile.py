"""Profile petition signing through the whole WSGI handler, in-process: where a POST's CPU goes.

    .venv/bin/python bench/signing_profile.py --requests 2000            # SQLite, fresh data
    .venv/bin/python bench/signing_profile.py --postgres --requests 2000  # PostgreSQL + Redis

Each signature is what gunicorn hands Django: a real WSGI environ (``wsgi.input`` holding the
urlencoded body a browser sends, the CSRF cookie and token from a GET of the petition page,
``X-Forwarded-For`` with a new address in a new /24, as behind ``VIGIL_PROXY_COUNT=1``), through
``django.core.handlers.wsgi.WSGIHandler`` with every middleware, the answer read and closed.
The rate limits stay on.  cProfile runs over all the requests; the queries of one request are
listed.  ``bench/signing.py`` runs :func:`profile` in its child process for each database;
run alone, this script makes its own data folder (and, with ``--postgres``, a throwaway
database) first.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import re
import secrets
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONSENT = re.compile(r'name="consent_version" value="(\d+)"')
#: The modules whose cumulative time is listed next to the top own times.
WANTED = (
    "vigil/",
    "django/core/handlers",
    "django/template/",
    "django/db/backends",
    "django/middleware/",
    "django/contrib/sessions",
    "django/contrib/messages",
    "django/http/",
    "cache/backends",
    "redis/",
    "psycopg/",
)


def environ(method: str, path: str, *, body: bytes = b"", **headers: str) -> dict[str, Any]:
    """What a WSGI server hands the application for one request."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "vigil-bench-profile",
        "HTTP_ACCEPT": "text/html,application/xhtml+xml",
        "HTTP_ACCEPT_LANGUAGE": "ru-RU,ru;q=0.9,en;q=0.8",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body:
        env["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        env[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return env


def call(handler: Any, env: dict[str, Any]) -> tuple[int, dict[str, list[str]], bytes]:
    """One request through the handler: status, headers, body (read and closed as gunicorn)."""
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, headers
        return lambda data: None

    result = handler(env, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()
    grouped: dict[str, list[str]] = {}
    for name, value in seen["headers"]:
        grouped.setdefault(name.lower(), []).append(value)
    return int(seen["status"].split()[0]), grouped, body


def profile(slug: str, count: int, top: int = 25, dump: str = "") -> dict[str, Any]:
    """Sign the petition ``slug`` ``count`` times through the WSGI handler under cProfile."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    handler = WSGIHandler()
    page = f"/petitions/{slug}/"
    status, headers, body = call(handler, environ("GET", page))
    cookies: SimpleCookie = SimpleCookie()
    for header in headers.get("set-cookie", []):
        cookies.load(header)
    token, consent = TOKEN.search(body.decode()), CONSENT.search(body.decode())
    if status != 200 or "csrftoken" not in cookies or not token or not consent:
        raise RuntimeError(f"GET {page}: {status}, no signing form or no CSRF cookie")
    cookie = f"csrftoken={cookies['csrftoken'].value}"
    tag = secrets.token_hex(4)

    def sign(n: int) -> int:
        data = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "name": f"Signer {n}",
                "email": f"profile-{tag}-{n}@example.org",
                "country": "Россия",
                "city": "Екатеринбург",
                "phone": "",
                "consent": "on",
                "consent_version": consent.group(1),
                "website": "",
            }
        ).encode()
        env = environ(
            "POST",
            f"{page}sign/",
            body=data,
            CONTENT_TYPE="application/x-www-form-urlencoded",
            Cookie=cookie,
            X_Forwarded_For=f"10.{(n >> 8) & 255}.{n & 255}.{1 + (n >> 16) % 254}",
        )
        status, headers, _ = call(handler, env)
        if status != 302 or not headers.get("location", [""])[0].endswith(page):
            raise RuntimeError(f"signature {n}: {status} {headers}")
        return status

    for n in range(50):  # warm-up: templates, URL resolver, connections
        sign(n)
    statements: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        sign(50)
    # Signing and /health/ in alternate rounds, so that both meet the same machine (other
    # work on it slows both alike).
    plain = plain_cpu = health = health_cpu = 0.0
    for start in range(51, 51 + count, 50):
        started, cpu = time.perf_counter(), time.process_time()
        for n in range(start, min(start + 50, 51 + count)):
            sign(n)
        plain += time.perf_counter() - started
        plain_cpu += time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(start, min(start + 50, 51 + count)):
            if call(handler, environ("GET", "/health/"))[0] != 200:
                raise RuntimeError("GET /health/ failed")
        health += time.perf_counter() - started
        health_cpu += time.process_time() - cpu
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for n in range(51 + count, 51 + 2 * count):
        sign(n)
    profiler.disable()
    profiled = (time.perf_counter() - started) / count
    if dump:
        profiler.dump_stats(dump)
    stats = pstats.Stats(profiler, stream=io.StringIO())
    raw: Any = stats.stats  # type: ignore[attr-defined]
    grand = sum(row[2] for row in raw.values()) or 1.0
    rows = []
    for (path, line, name), (_calls, ncalls, tottime, cumtime, _callers) in raw.items():
        short = path.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        rows.append(
            {
                "function": f"{short}:{line}({name})",
                "calls_per_request": ncalls / count,
                "own_ms_per_request": tottime / count * 1000,
                "cumulative_ms_per_request": cumtime / count * 1000,
                "own_share": tottime / grand,
            }
        )
    by_own = sorted(rows, key=lambda r: r["own_ms_per_request"], reverse=True)[:top]
    by_cumulative = sorted(
        (r for r in rows if any(w in r["function"] for w in WANTED)),
        key=lambda r: r["cumulative_ms_per_request"],
        reverse=True,
    )[:top]
    return {
        "requests": count,
        "ms_per_request": plain / count * 1000,
        "cpu_ms_per_request": plain_cpu / count * 1000,
        "ms_per_request_profiled": profiled * 1000,
        "health_ms_per_request": health / count * 1000,
        "health_cpu_ms_per_request": health_cpu / count * 1000,
        "queries_per_request": len(statements),
        "queries": [sql[:200] for sql in statements],
        "top_own": by_own,
        "top_cumulative": by_cumulative,
    }


def printed(result: dict[str, Any]) -> str:
    lines = [
        f"{result['requests']} signatures through WSGIHandler: "
        f"{result['ms_per_request']:.3f} ms each, {result['cpu_ms_per_request']:.3f} ms of CPU "
        f"({result['ms_per_request_profiled']:.3f} ms under cProfile); GET /health/ "
        f"{result['health_ms_per_request']:.3f} ms, {result['health_cpu_ms_per_request']:.3f} "
        f"ms of CPU.  {result['queries_per_request']} queries per signature:",
        *(f"  {sql}" for sql in result["queries"]),
    ]
    for title, key in (("own time (tottime)", "top_own"), ("cumulative", "top_cumulative")):
        lines += ["", f"By {title}, per request:", "   calls    own ms    cum ms  function"]
        lines += [
            f"{r['calls_per_request']:8.1f} {r['own_ms_per_request']:9.4f} "
            f"{r['cumulative_ms_per_request']:9.4f}  {r['function']}"
            for r in result[key]
        ]
    return "\n".join(lines)


def standalone(opts: argparse.Namespace) -> None:
    """A fresh data folder (and database), migrated, with one petition; then the profile."""
    sys.path.insert(0, str(ROOT / "bench"))
    from run import child_env, postgres_environment

    database: contextlib.AbstractContextManager[dict[str, str] | None] = (
        postgres_environment() if opts.postgres else contextlib.nullcontext({})
    )
    with tempfile.TemporaryDirectory(prefix="vigil-profile-") as tmp, database as extra:
        if extra is None:
            raise SystemExit("PostgreSQL or Redis did not answer")
        env = child_env(Path(tmp), {"VIGIL_PROXY_COUNT": "1", **extra})
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        from signing import SLUG, setup_petitions

        setup_petitions()
        result = profile(SLUG, opts.requests, opts.top, str(opts.dump or ""))
        from django.db import connections

        connections.close_all()
    print(printed(result))
    if opts.json:
        opts.json.write_text(json.dumps(result, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--dump", type=Path, help="write cProfile's statistics here")
    standalone(parser.parse_args())


if __name__ == "__main__":
    main()
