"""Benchmark petition signing over HTTP on SQLite and PostgreSQL, with a kill -9 in the middle.

    .venv/bin/python bench/signing.py

For each database, in a fresh temporary data folder (and, for PostgreSQL, a throwaway database
at 127.0.0.1:5432 that is dropped afterwards):

1. ``vigil migrate`` and ``vigil createcachetable``; one consent text and three open petitions;
2. in-process, one signing request profiled with cProfile (the Django test client, the whole
   middleware stack, no network): time per request, queries, the top costs;
3. ``vigil serve --workers N --no-worker`` (gunicorn; no task worker, so the confirmation mails
   stay owed in the database) with ``VIGIL_PROXY_COUNT=1``, driven from a second process:
   ``bench/http_load.py`` on the home page and ``/health/`` (the trivial endpoints), then
   ``bench/signing_load.py`` signing with a new e-mail each time, every visitor from an address
   of its own sent in ``X-Forwarded-For``;
4. the crash test: the server is started again, signing starts, and after a few seconds the
   whole process group of the server gets SIGKILL.  The server is restarted on the same data
   and every e-mail that was answered "stored, check your mail" is looked up by its blind
   index.  Lost must be 0;
5. the mails: every signature still owing its confirmation mail must have a batch task queued
   to start after it (before the restart's catch-up is counted); then the task worker runs
   once (``vigil db_worker --batch``) against a counting SMTP sink (``distribution_sink.py``)
   and every stored signature must have had its mail.

Every step is bounded in count and in time and the run stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from run import (
    BENCH,
    HOST,
    PYTHON,
    ROOT,
    VIGIL,
    answers,
    child_env,
    fmt,
    free_port,
    load_average,
    loud,
    machine,
    markdown_row,
    postgres_environment,
    run,
    say,
    serving,
)

SLUG = "bench-signing"  # the HTTP load
CRASH_SLUG = "bench-crash"  # the kill -9 test: its own petition, so its counts stand alone
PROFILE_SLUG = "bench-profile"  # the in-process profile
TRIVIAL = ["/", "/health/"]


# --- inside Django (a child process with the benchmark's environment) -------------------------
def inside(command: str, out: Path, extra: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    if command == "setup":
        result = setup_petitions()
    elif command == "profile":
        result = profile_signing(*extra)
    elif command == "owed":
        result = count_owed()
    else:
        result = check_crash(*extra)
    out.write_text(json.dumps(result, indent=2))


def setup_petitions() -> dict[str, Any]:
    from django.utils import timezone

    from vigil.petitions.models import ConsentText, Petition

    ConsentText.objects.create(version=1, text_ru="Я согласен(на).", text_en="I agree.")
    for slug in (SLUG, CRASH_SLUG, PROFILE_SLUG):
        Petition.objects.create(
            slug=slug,
            title_ru="Освободите журналиста",
            title_en="Free the journalist",
            target="Генеральному прокурору",
            text_ru="Мы, нижеподписавшиеся, призываем освободить журналиста.",
            text_en="We, the undersigned, call for the journalist's release.",
            goal=1_000_000,
            closes_at=timezone.now() + dt.timedelta(days=30),
        )
    return {}


def profile_signing(count: str) -> dict[str, Any]:
    """Sign ``count`` times in-process through the test client; profile it all."""
    from django.db import connection
    from django.test import Client

    from vigil.petitions.models import Signature

    total = int(count)
    tag = secrets.token_hex(4)
    client = Client()
    page = f"/petitions/{PROFILE_SLUG}/"
    client.get(page)

    def sign(n: int) -> int:
        # The redirect is not followed, so no page reads the "thank you" message: without
        # this the messages cookie would grow with every request, unlike a real signer's.
        client.cookies.pop("messages", None)
        response = client.post(
            f"{page}sign/",
            {
                "name": f"Signer {n}",
                "email": f"profile-{tag}-{n}@example.org",
                "country": "Россия",
                "city": "Екатеринбург",
                "consent": "on",
                "consent_version": "1",
            },
            HTTP_X_FORWARDED_FOR=f"10.{(n >> 8) & 255}.{n & 255}.7",
        )
        return response.status_code

    for n in range(20):  # warm-up: templates, URL resolver, connections
        sign(n)
    statements: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        sign(20)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    statuses = [sign(n) for n in range(21, 21 + total)]
    profiler.disable()
    elapsed = time.perf_counter() - started
    if set(statuses) != {302} or Signature.objects.count() != total + 21:
        raise RuntimeError(f"in-process signing failed: {sorted(set(statuses))}")
    stats = pstats.Stats(profiler, stream=io.StringIO())
    raw: Any = stats.stats  # type: ignore[attr-defined]
    grand = sum(row[2] for row in raw.values()) or 1.0
    rows = []
    for (path, line, name), (_calls, ncalls, tottime, cumtime, _callers) in raw.items():
        short = path.replace(str(ROOT) + "/", "")
        short = short.split("site-packages/")[-1]
        rows.append(
            {
                "function": f"{short}:{line}({name})",
                "calls_per_request": ncalls / total,
                "own_ms_per_request": tottime / total * 1000,
                "cumulative_ms_per_request": cumtime / total * 1000,
                "own_share": tottime / grand,
            }
        )
    by_own = sorted(rows, key=lambda r: r["own_ms_per_request"], reverse=True)[:15]
    wanted = (
        "petitions/views.py",
        "petitions/services.py",
        "petitions/forms.py",
        "core/fields.py",
        "core/crypto.py",
        "core/tasks.py",
        "cache/backends",
        "django/template/",
        "django/db/backends",
        "django/middleware/csrf.py",
    )
    by_cumulative = sorted(
        (r for r in rows if any(w in r["function"] for w in wanted)),
        key=lambda r: r["cumulative_ms_per_request"],
        reverse=True,
    )[:25]
    return {
        "requests": total,
        "ms_per_request_profiled": elapsed / total * 1000,
        "queries_per_request": len(statements),
        "queries": [sql[:160] for sql in statements],
        "top_own": by_own,
        "top_cumulative": by_cumulative,
    }


def check_crash(ok_path: str, unanswered_path: str, restarted_at: str) -> dict[str, Any]:
    """Every e-mail answered with success must have its row; count the rest.  Every mail still
    owed must have a batch queued (before the restart) to start after its signature."""
    from django.db.models import Max
    from django_tasks_db.models import DBTaskResult

    from vigil.core.crypto import normalise_email
    from vigil.core.fields import blind_index_for
    from vigil.petitions.models import Petition, Signature
    from vigil.petitions.tasks import send_due_confirmations

    petition = Petition.objects.get(slug=CRASH_SLUG)
    ok = [e for e in Path(ok_path).read_text().splitlines() if e]
    unanswered = json.loads(Path(unanswered_path).read_text())

    def stored(emails: list[str]) -> int:
        found = 0
        for start in range(0, len(emails), 500):
            indexes = [
                blind_index_for(Signature, "email_index", normalise_email(e))
                for e in emails[start : start + 500]
            ]
            found += Signature.objects.filter(petition=petition, email_index__in=indexes).count()
        return found

    ok_stored = stored(ok)
    unanswered_stored = stored(unanswered)
    rows = Signature.objects.filter(petition=petition).count()
    before_restart = dt.datetime.fromisoformat(restarted_at)
    last_batch = DBTaskResult.objects.filter(
        task_path=send_due_confirmations.module_path, enqueued_at__lt=before_restart
    ).aggregate(at=Max("run_after"))["at"]
    owed = Signature.objects.filter(mail_due_at__isnull=False)
    uncovered = (
        owed.count() if last_batch is None else owed.filter(created_at__gt=last_batch).count()
    )
    return {
        "answered_ok": len(ok),
        "lost": len(ok) - ok_stored,
        "unanswered": len(unanswered),
        "stored_without_answer": unanswered_stored,
        "rows": rows,
        "all_signatures": Signature.objects.count(),
        "owed_mails": owed.count(),
        "owed_without_batch": uncovered,
        "batches": DBTaskResult.objects.filter(
            task_path=send_due_confirmations.module_path, enqueued_at__lt=before_restart
        ).count(),
    }


def count_owed() -> dict[str, Any]:
    from vigil.petitions.models import Signature

    return {
        "owed": Signature.objects.filter(mail_due_at__isnull=False).count(),
        "signatures": Signature.objects.count(),
    }


def inside_run(env: dict[str, str], work: Path, command: str, *extra: str) -> dict[str, Any]:
    out = work / f"inside-{command}-{secrets.token_hex(3)}.json"
    run([PYTHON, __file__, "--inside", command, str(out), *extra], env, timeout=600)
    result: dict[str, Any] = json.loads(out.read_text())
    return result


# --- the crash test ----------------------------------------------------------------------------
def crash_test(env: dict[str, str], work: Path, mode: str, opts: argparse.Namespace) -> Any:
    port = free_port()
    command = [VIGIL, "serve", "--bind", f"{HOST}:{port}", "--workers", str(opts.workers)]
    command.append("--no-worker")
    say("crash test: $ " + " ".join(["vigil", *command[1:]]))
    log = (work / f"serve-crash-{mode}.log").open("wb")
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    ok_path = work / f"crash-ok-{mode}.txt"
    out = work / f"crash-load-{mode}.json"
    try:
        deadline = time.monotonic() + 60
        while not answers(port, "/health/"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"vigil serve did not start for the crash test: {log.name}")
            time.sleep(0.2)
        load = [PYTHON, str(BENCH / "signing_load.py"), "--port", str(port), "--slug", CRASH_SLUG]
        load += ["--requests", str(opts.requests), "--concurrency", str(opts.concurrency)]
        load += ["--time-limit", str(opts.crash_after + 10), "--stop-on-error"]
        load += ["--out", str(out), "--ok-emails", str(ok_path)]
        client = subprocess.Popen(load, env=env, cwd=ROOT)
        time.sleep(opts.crash_after)
        say(f"kill -9 of the server's process group {server.pid}, mid-load")
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        client.wait(timeout=opts.crash_after + 60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=5)
        log.close()
    loaded = json.loads(out.read_text())
    unanswered_path = work / f"crash-unanswered-{mode}.json"
    unanswered_path.write_text(json.dumps(loaded.pop("unanswered_emails")))
    restarted_at = dt.datetime.now(dt.UTC).isoformat()
    with serving(env, work / f"serve-restart-{mode}.log", opts.workers):
        say("restarted on the same data: it answers /health/")
    check = inside_run(env, work, "check", str(ok_path), str(unanswered_path), restarted_at)
    check["statuses"] = loaded["statuses"]
    return check


def deliver(env: dict[str, str], work: Path, log: Path) -> dict[str, Any]:
    """The task worker, once, over everything queued: the mails owed go to the sink."""
    time.sleep(max(0, int(env.get("VIGIL_CONFIRMATION_DELAY_SECONDS", "2"))) + 0.5)
    worker = [VIGIL, "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay"]
    say("$ vigil " + " ".join(worker[1:]) + "  (the mails owed, to a counting SMTP sink)")
    started = time.monotonic()
    run([*worker, "-v", "0"], env, timeout=900)
    seconds = time.monotonic() - started
    after = inside_run(env, work, "owed")
    received = sum(1 for line in log.read_text().splitlines() if line.strip())
    return {**after, "mails": received, "seconds": seconds}


# --- one database ------------------------------------------------------------------------------
def measure(
    mode: str, env: dict[str, str], work: Path, opts: argparse.Namespace, sink_log: Path
) -> Any:
    load_before = load_average()
    run([VIGIL, "migrate", "--no-input", "-v", "0"], env, timeout=300)
    run([VIGIL, "createcachetable"], env, timeout=60)
    inside_run(env, work, "setup")
    result: dict[str, Any] = {"profile": inside_run(env, work, "profile", str(opts.profile))}
    result["trivial"] = {}
    with serving(env, work / f"serve-{mode}.log", opts.workers) as port:
        for path in TRIVIAL:
            out = work / f"http-{mode}-{path.strip('/') or 'home'}.json"
            load = [PYTHON, str(BENCH / "http_load.py"), "--port", str(port), "--path", path]
            load += ["--requests", str(opts.trivial_requests)]
            load += ["--concurrency", str(opts.concurrency)]
            load += ["--time-limit", str(opts.time_limit), "--out", str(out)]
            run(load, env, timeout=opts.time_limit + 120)
            result["trivial"][path] = json.loads(out.read_text())
        out = work / f"sign-{mode}.json"
        load = [PYTHON, str(BENCH / "signing_load.py"), "--port", str(port), "--slug", SLUG]
        load += ["--requests", str(opts.requests), "--concurrency", str(opts.concurrency)]
        load += ["--time-limit", str(opts.time_limit), "--out", str(out)]
        run(load, env, timeout=opts.time_limit + 120)
        result["signing"] = json.loads(out.read_text())
        result["signing"].pop("unanswered_emails")
    result["load_during"] = load_average()
    result["crash"] = crash_test(env, work, mode, opts)
    result["load_average"] = [load_before, load_average()]
    result["mail"] = deliver(env, work, sink_log)
    return result


@contextlib.contextmanager
def mail_sink(log: Path) -> Iterator[dict[str, str]]:
    """A counting SMTP server on 127.0.0.1; the settings that send Vigil's mail to it."""
    port = free_port()
    sink = subprocess.Popen(
        [PYTHON, str(BENCH / "distribution_sink.py"), "--port", str(port), "--log", str(log)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        if sink.stdout is None or sink.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP sink did not start")
        yield {"VIGIL_SMTP_HOST": HOST, "VIGIL_SMTP_PORT": str(port)}
    finally:
        sink.send_signal(signal.SIGINT)
        try:
            sink.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sink.kill()


def sqlite_mode(work: Path, opts: argparse.Namespace) -> Any:
    say("SQLite (embedded mode: database file in a fresh VIGIL_DATA_DIR, database cache)")
    log = work / "mail-sqlite.log"
    with mail_sink(log) as smtp:
        env = child_env(work / "sqlite-data", {"VIGIL_PROXY_COUNT": "1", **smtp})
        result = measure("sqlite", env, work, opts, log)
    result["database"] = "SQLite (WAL) / DatabaseCache"
    return result


def postgres_mode(work: Path, opts: argparse.Namespace) -> Any:
    with postgres_environment() as extra:
        if extra is None:
            return None
        log = work / "mail-postgresql.log"
        with mail_sink(log) as smtp:
            env = child_env(work / "pg-data", {**extra, "VIGIL_PROXY_COUNT": "1", **smtp})
            result = measure("postgresql", env, work, opts, log)
        result["database"] = "PostgreSQL / RedisCache"
        return result


# --- the table ---------------------------------------------------------------------------------
def table(results: dict[str, Any]) -> str:
    modes = list(results)
    header = ["Measurement", "Target", *modes]
    rows: list[list[str]] = []

    def row(label: str, target: str, cell: Any) -> None:
        cells = ["not measured" if results[m] is None else cell(results[m]) for m in modes]
        rows.append([label, target, *cells])

    def ratio(r: Any, path: str) -> str:
        return fmt(r["signing"]["rps"] / r["trivial"][path]["rps"], 2)

    def http(r: Any) -> str:
        s = r["signing"]
        limit = ", time limit hit" if s["hit_time_limit"] else ""
        return f"{s['requests']:,} in {fmt(s['seconds'])} s ({s['errors']} errors{limit})"

    row("Database / cache", "", lambda r: r["database"])
    row(
        "Load average (1 min): start / after the load / end",
        "",
        lambda r: (
            f"{r['load_average'][0]:.2f} / {r['load_during']:.2f} / {r['load_average'][1]:.2f}"
        ),
    )
    row("Signatures/s, sustained", "≥ 1,000", lambda r: fmt(r["signing"]["rps"], 0))
    row(
        "Signing p50 / p95 / p99 ms",
        "",
        lambda r: " / ".join(fmt(r["signing"][f"{q}_ms"]) for q in ("p50", "p95", "p99")),
    )
    row("Signing POSTs", "", http)
    for path in TRIVIAL:
        label = "home page /" if path == "/" else path
        row(
            f"Trivial endpoint {label}: requests/s (p50 ms)",
            "",
            lambda r, p=path: (
                f"{fmt(r['trivial'][p]['rps'], 0)} ({fmt(r['trivial'][p]['p50_ms'])})"
            ),
        )
        row(f"Ratio signatures/s ÷ {label} requests/s", "≥ 0.5", lambda r, p=path: ratio(r, p))
    row(
        "In-process signing request (cProfile on), ms; queries",
        "",
        lambda r: (
            f"{fmt(r['profile']['ms_per_request_profiled'], 2)}; "
            f"{r['profile']['queries_per_request']}"
        ),
    )
    row(
        "kill -9: answered success / POSTs with no answer",
        "",
        lambda r: f"{r['crash']['answered_ok']:,} / {r['crash']['unanswered']:,}",
    )
    row("kill -9: signatures lost", "0", lambda r: f"**{r['crash']['lost']}**")
    row(
        "kill -9: stored without an answer (in flight)",
        "",
        lambda r: str(r["crash"]["stored_without_answer"]),
    )
    row(
        "Mails owed after the kill / of them with no batch queued after them",
        "— / 0",
        lambda r: f"{r['crash']['owed_mails']:,} / **{r['crash']['owed_without_batch']}**",
    )
    row(
        "Batch tasks queued for all the signing (one per signature before)",
        "",
        lambda r: f"{r['crash']['batches']:,}",
    )
    row(
        "Signatures stored / confirmation mails the worker then sent (s) / still owed",
        "equal / 0",
        lambda r: (
            f"{r['mail']['signatures']:,} / {r['mail']['mails']:,} "
            f"({fmt(r['mail']['seconds'])} s) / **{r['mail']['owed']}**"
        ),
    )
    return "\n".join(
        [markdown_row(header), markdown_row(["---"] * len(header)), *map(markdown_row, rows)]
    )


def profile_table(results: dict[str, Any]) -> str:
    lines = []
    for mode, result in results.items():
        if result is None:
            continue
        lines += [
            "",
            f"Profile, {mode}: top own time per signing request "
            f"({result['profile']['requests']} requests in-process)",
            "",
            markdown_row(["Function", "calls/request", "own ms/request", "share"]),
            markdown_row(["---", "---", "---", "---"]),
        ]
        for r in result["profile"]["top_own"][:12]:
            lines.append(
                markdown_row(
                    [
                        f"`{r['function']}`",
                        fmt(r["calls_per_request"]),
                        fmt(r["own_ms_per_request"], 3),
                        f"{r['own_share'] * 100:.1f} %",
                    ]
                )
            )
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        inside(sys.argv[2], Path(sys.argv[3]), sys.argv[4:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60_000, help="signatures, at most")
    parser.add_argument("--trivial-requests", type=int, default=3_000, help="per endpoint")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--time-limit", type=float, default=30.0, help="per load, seconds")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--crash-after", type=float, default=5.0, help="seconds of load")
    parser.add_argument("--profile", type=int, default=300, help="in-process signatures")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    opts = parser.parse_args()
    if not (1 <= opts.requests <= 1_000_000 and 1 <= opts.concurrency <= 64):
        parser.error("--requests must be 1..1000000 and --concurrency 1..64")
    if not (1 <= opts.time_limit <= 60 and 1 <= opts.crash_after <= 30):
        parser.error("--time-limit must be 1..60 seconds and --crash-after 1..30")
    if not (1 <= opts.workers <= 16 and 1 <= opts.profile <= 10_000):
        parser.error("--workers must be 1..16 and --profile 1..10000")

    started = time.monotonic()
    info = machine()
    busy = load_average()
    if busy > (os.cpu_count() or 1) / 2:
        loud(f"load average {busy:.2f} on {os.cpu_count()} CPUs: other work WILL SKEW the figures")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="vigil-bench-signing-") as tmp:
        work = Path(tmp)
        results["SQLite"] = sqlite_mode(work, opts)
        if opts.no_postgres:
            loud("--no-postgres: the PostgreSQL column WAS NOT MEASURED")
            results["PostgreSQL"] = None
        else:
            results["PostgreSQL"] = postgres_mode(work, opts)

    print(f"Vigil signing benchmark, {now}")
    print(
        f"Machine: {info.get('cpu', '?')}, {info['nproc']} CPUs, {info.get('memory', '?')}; "
        f"Python {info['python']}, Django {info['django']}; {info['platform']}"
    )
    print(
        f"Server: vigil serve --workers {opts.workers} --no-worker (no task worker: the "
        f"confirmation mails stay owed), VIGIL_PROXY_COUNT=1. Client: {opts.concurrency} "
        f"threads, a new connection per request; signing: up to {opts.requests:,} signatures "
        f"or {opts.time_limit:g} s, each a new e-mail from its own address (X-Forwarded-For); "
        f"trivial endpoints: up to {opts.trivial_requests:,} requests or {opts.time_limit:g} s "
        f"after 100 warm-up requests. kill -9 after {opts.crash_after:g} s of signing."
    )
    print()
    print(table(results))
    print(profile_table(results))
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")
    if opts.json:
        opts.json.write_text(
            json.dumps({"when": now, "machine": info, "results": results}, indent=2)
        )
    failed = [
        r["crash"]["lost"] or r["crash"]["owed_without_batch"] or r["mail"]["owed"]
        or r["mail"]["mails"] < r["mail"]["signatures"]
        for r in results.values()
        if r is not None
    ]  # fmt: skip
    return 1 if any(failed) else 0


if __name__ == "__main__":
    sys.exit(main())
