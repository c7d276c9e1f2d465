"""Signing load client: sign one petition over HTTP from several threads, bounded in count and time.

Run by ``bench/signing.py`` as a second process next to the server.  Each thread first GETs the
petition page, as a browser would, for the CSRF cookie, the form's CSRF token and the consent
version; then it POSTs signatures, each with an e-mail address never used before, a new
connection per request (gunicorn's sync workers close it after every response).  The redirect is
not followed: a ``302`` back to the petition page is the answer "stored, check your mail".

Every signature carries ``X-Forwarded-For`` with an address of its own in 10.0.0.0/8, a
different /24 each time: many visitors behind one proxy.  The server runs with
``VIGIL_PROXY_COUNT=1``, so the product's own rate limits count each visitor separately and
nothing in them is switched off.

The e-mails that got the success answer are written one per line to ``--ok-emails``: the crash
test looks each of them up in the database.

    python bench/signing_load.py --port 8123 --slug bench --requests 20000 --concurrency 8 \
        --time-limit 30 --out result.json --ok-emails ok.txt
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import secrets
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from http_load import HOST, percentile
from wrk import Form, signing_form


def visitor_address(n: int) -> str:
    """The n-th visitor's address: a new /24 for each of 65,536 signatures in a row."""
    return f"10.{(n >> 8) & 255}.{n & 255}.{1 + (n >> 16) % 254}"


def post(
    port: int, action: str, page: str, form: Form, email: str, n: int, timeout: float
) -> tuple[int, float]:
    """One signature; (status, seconds).  200 stands for the success redirect, status 0 for
    no answer at all (refused, reset, timed out)."""
    body = urlencode(
        {
            "csrfmiddlewaretoken": form.token,
            "name": f"Signer {n}",
            "email": email,
            "country": "Россия",
            "city": "Екатеринбург",
            "phone": "",
            "consent": "on",
            "consent_version": form.consent_version,
            "website": "",
        }
    )
    headers = {
        "User-Agent": "vigil-bench",
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": form.cookie,
        "X-Forwarded-For": visitor_address(n),
    }
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            conn.request("POST", action, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if status == 302 and (response.getheader("Location") or "").endswith(page):
                status = 200
        finally:
            conn.close()
    except (OSError, http.client.HTTPException):
        status = 0
    return status, time.perf_counter() - started


def load(
    *,
    port: int,
    slug: str,
    requests: int,
    concurrency: int,
    time_limit: float,
    timeout: float,
    stop_on_error: bool,
) -> tuple[dict[str, Any], list[str], list[str]]:
    page = f"/petitions/{slug}/"
    action = f"{page}sign/"
    run_id = secrets.token_hex(4)
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    ok_emails: list[str] = []
    unanswered: list[str] = []
    forms = [signing_form(f"http://{HOST}:{port}", page, timeout) for _ in range(concurrency)]
    started = time.perf_counter()
    deadline = started + time_limit

    def worker(form: Form) -> None:
        nonlocal issued
        mine: list[tuple[str, int, float]] = []
        while True:
            with lock:
                if issued >= requests or time.perf_counter() >= deadline:
                    break
                n = issued
                issued += 1
            email = f"bench-{run_id}-{n}@example.org"
            status, seconds = post(port, action, page, form, email, n, timeout)
            mine.append((email, status, seconds))
            if status == 0 and stop_on_error:
                break
        with lock:
            for email, status, seconds in mine:
                statuses[status] += 1
                if status == 200:
                    latencies.append(seconds)
                    ok_emails.append(email)
                elif status == 0:
                    unanswered.append(email)

    threads = [threading.Thread(target=worker, args=(f,), daemon=True) for f in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + timeout + 5)
    elapsed = time.perf_counter() - started
    latencies.sort()
    completed = sum(statuses.values())
    result = {
        "path": action,
        "concurrency": concurrency,
        "requests": completed,
        "ok": len(latencies),
        "errors": completed - len(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": elapsed,
        "hit_time_limit": completed < requests,
        "rps": len(latencies) / elapsed if elapsed > 0 else math.nan,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
    }
    return result, ok_emails, unanswered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--slug", required=True, help="the petition's address name")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument(
        "--stop-on-error", action="store_true", help="a thread stops at its first unanswered POST"
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--ok-emails", type=Path, help="write the e-mails answered with success")
    args = parser.parse_args()
    if not 0 < args.requests <= 1_000_000 or not 0 < args.concurrency <= 64:
        parser.error("--requests must be 1..1000000 and --concurrency 1..64")
    result, ok_emails, unanswered = load(
        port=args.port,
        slug=args.slug,
        requests=args.requests,
        concurrency=args.concurrency,
        time_limit=args.time_limit,
        timeout=args.timeout,
        stop_on_error=args.stop_on_error,
    )
    result["unanswered_emails"] = unanswered
    args.out.write_text(json.dumps(result, indent=2))
    if args.ok_emails:
        args.ok_emails.write_text("".join(f"{e}\n" for e in ok_emails))


if __name__ == "__main__":
    main()
