"""HTTP load with wrk: install it if needed, run a scenario, read every figure back as JSON.

    .venv/bin/python bench/wrk.py http://127.0.0.1:8120/health/ --duration 10
    .venv/bin/python bench/wrk.py http://127.0.0.1:8120 --sign /petitions/free-them/ --proxies 1

wrk (a Debian package, written in C) drives the load from its own process, so the client's
CPU is a small part of what the server's cores do, unlike a Python client's.  Every scenario
script under ``bench/wrk/`` gets ``report.lua`` appended: it counts the answers of each
thread by status and prints one ``VIGIL-WRK {json}`` line when the run ends, which
:func:`run_wrk` parses.  ``sign.lua`` posts the petition form as a browser does (see
:func:`sign`).

Other benchmarks import :func:`run_wrk` and :func:`sign`; the result is a dict with
``requests``, ``ok`` (answers that are the scenario's success), ``rps`` (successes per
second), ``statuses`` (answers by status), ``errors`` (wrk's socket errors and its count of
non-2xx/3xx answers), ``p50_ms`` … ``p99_ms``, ``mean_ms``, ``max_ms`` and ``wrk_cpu_s``
(wrk's own CPU time: what the load took from the machine's cores).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SCRIPTS = Path(__file__).resolve().parent / "wrk"
MARKER = "VIGIL-WRK "
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONSENT = re.compile(r'name="consent_version" value="(\d+)"')


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian's packages first if it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("==> installing wrk (apt-get install wrk)", file=sys.stderr, flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"]
        if subprocess.run(install, env=env, capture_output=True, check=False).returncode:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
            subprocess.run(install, env=env, capture_output=True, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    raise RuntimeError("wrk is not installed and could not be: run `apt-get install wrk` as root")


def run_wrk(
    url: str,
    *,
    scenario: str | None = None,
    args: list[str] | None = None,
    threads: int = 2,
    connections: int = 8,
    duration: float = 10.0,
    timeout: float = 10.0,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run wrk against ``url`` with ``bench/wrk/<scenario>.lua`` (plain GETs without one)."""
    wrk = ensure_wrk()
    source = (SCRIPTS / f"{scenario}.lua").read_text() if scenario else ""
    source += "\n" + (SCRIPTS / "report.lua").read_text()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="vigil-wrk-") as script:
        script.write(source)
        script.flush()
        command = [wrk, "--threads", str(threads), "--connections", str(connections)]
        command += ["--duration", f"{max(1, round(duration))}s", "--timeout", f"{timeout:g}s"]
        command += ["--script", script.name]
        for name, value in (headers or {}).items():
            command += ["--header", f"{name}: {value}"]
        command += [url, "--", *(args or [])]
        returncode, out, err, usage = run_measured(command, limit=duration + timeout + 60)
    lines = [line for line in out.splitlines() if line.startswith(MARKER)]
    if returncode or not lines:
        raise RuntimeError(f"wrk failed ({returncode}): {err.strip() or out.strip()}")
    result: dict[str, Any] = json.loads(lines[-1][len(MARKER) :])
    seconds = result["seconds"] or 1e-9
    result.update(
        url=url,
        scenario=scenario or "GET",
        threads=threads,
        connections=connections,
        rps=result["ok"] / seconds,
        requests_per_s=result["requests"] / seconds,
        wrk_cpu_s=usage,
        output=out,
    )
    return result


def run_measured(command: list[str], *, limit: float) -> tuple[int, str, str, float]:
    """Run a command; its exit status, output, errors and own CPU seconds (from ``wait4``)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        timer = threading.Timer(limit, child.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return child.returncode, out.read(), err.read(), usage.ru_utime + usage.ru_stime


# --- the signing scenario ----------------------------------------------------------------------
@dataclass(frozen=True)
class Form:
    """What a browser has after opening the petition page: the CSRF cookie, the form's token
    and the consent version the form carries."""

    cookie: str
    token: str
    consent_version: str


def signing_form(base_url: str, page: str, timeout: float = 10.0) -> Form:
    """GET the petition page once, as a browser does before it posts the form."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request("GET", page, headers={"User-Agent": "vigil-bench"})
        response = conn.getresponse()
        body = response.read().decode()
        cookies: SimpleCookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    finally:
        conn.close()
    token, consent = TOKEN.search(body), CONSENT.search(body)
    if response.status != 200 or "csrftoken" not in cookies or not token or not consent:
        raise RuntimeError(f"GET {page}: {response.status}, no signing form or no CSRF cookie")
    return Form(f"csrftoken={cookies['csrftoken'].value}", token.group(1), consent.group(1))


def sign(
    base_url: str,
    page: str,
    *,
    proxies: int = 1,
    threads: int = 2,
    connections: int = 8,
    duration: float = 10.0,
    timeout: float = 10.0,
    record: Path | None = None,
) -> dict[str, Any]:
    """Sign the petition at ``page`` for ``duration`` seconds: every POST a new signer from a
    new /24, behind ``proxies`` proxies (the server's ``VIGIL_PROXY_COUNT``).

    With ``record`` (a path prefix) the e-mails sent and the answers are written down (see
    :func:`recorded`); wrk then runs one connection per thread, so that each answer belongs
    to the last POST of its thread."""
    if proxies < 1:
        raise ValueError("the signing scenario sends X-Forwarded-For: proxies must be 1 or more")
    form = signing_form(base_url, page, timeout)
    if record is not None:
        connections = threads
    run_id = secrets.token_hex(4)
    args = [page, form.token, form.cookie, form.consent_version, run_id, str(proxies)]
    args += [str(threads), str(record or "")]
    result = run_wrk(
        base_url.rstrip("/") + page,
        scenario="sign",
        args=args,
        threads=threads,
        connections=connections,
        duration=duration,
        timeout=timeout,
    )
    result["run_id"] = run_id
    return result


def recorded(record: Path) -> tuple[list[str], dict[str, int]]:
    """The e-mails a recorded signing run sent, and the status each answered one got (200 for
    the success redirect); an e-mail sent but absent from the answers got no answer."""
    issued: list[str] = []
    answers: dict[str, int] = {}
    for path in sorted(record.parent.glob(record.name + ".issued.*")):
        issued += [line for line in path.read_text().splitlines() if line]
    for path in sorted(record.parent.glob(record.name + ".answered.*")):
        for line in path.read_text().splitlines():
            status, _, email = line.partition(" ")
            if email:
                answers[email] = int(status)
    return issued, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="a page, or the site's address with --sign")
    parser.add_argument("--sign", metavar="PAGE", help="sign the petition at this path")
    parser.add_argument("--proxies", type=int, default=1, help="the server's VIGIL_PROXY_COUNT")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds")
    parser.add_argument("--record", type=Path, help="with --sign: write the e-mails down here")
    opts = parser.parse_args()
    common = {"threads": opts.threads, "connections": opts.connections, "duration": opts.duration}
    if opts.sign:
        result = sign(opts.url, opts.sign, proxies=opts.proxies, record=opts.record, **common)
    else:
        result = run_wrk(opts.url, **common)
    result.pop("output")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
