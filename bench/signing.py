"""Benchmark petition signing over HTTP on SQLite and PostgreSQL, with a kill -9 in the middle.

    .venv/bin/python bench/signing.py

For each database, in a fresh temporary data folder (and, for PostgreSQL, a throwaway database
at 127.0.0.1:5432 that is dropped afterwards):

1. ``vigil migrate`` and ``vigil createcachetable``; one consent text and three open petitions;
2. in-process, signing profiled with cProfile through Django's ``WSGIHandler`` (a real WSGI
   environ with the urlencoded body, every middleware, no network; ``bench/signing_profile.py``):
   time and CPU per request beside ``/health/``'s, queries, the top costs;
3. ``vigil serve --workers N --no-worker`` (gunicorn; no task worker, so the confirmation mails
   stay owed in the database) with ``VIGIL_PROXY_COUNT=1``, driven by wrk (``bench/wrk.py``, a
   C client whose own CPU is printed beside the server's): ``/health/``, the home page, then
   signing (``bench/wrk/sign.lua``: the urlencoded form a browser posts, CSRF cookie and token,
   a new e-mail and a new address in a new /24 as X-Forwarded-For), then ``/health/`` again.
   The ratio is signatures/s over the mean of the two ``/health/`` runs of the same server;
4. the crash test: the server is started again, wrk signs writing down every e-mail it sends
   and the answer each got, and after a few seconds the whole process group of the server
   gets SIGKILL.  The server is restarted on the same data and every e-mail that was answered
   "stored, check your mail" is looked up by its blind index.  Lost must be 0;
5. the mails: every signature still owing its confirmation mail must have a batch task queued
   to start after it (before the restart's catch-up is counted); then the task worker runs
   once (``vigil db_worker --batch``) against a counting SMTP sink (``distribution_sink.py``)
   and every stored signature must have had its mail.

Every step is bounded in time and the run stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import wrk
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
TRIVIAL = ["/health/", "/"]


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
    """Sign ``count`` times in-process through the WSGI handler; profile it all."""
    from signing_profile import profile

    return profile(PROFILE_SLUG, int(count))


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


# --- the server's CPU ---------------------------------------------------------------------------
def server_cpu(port: int) -> float:
    """CPU seconds used so far by the process group serving ``port`` (``vigil serve``,
    gunicorn and its workers, started in a session of their own), from ``/proc``."""
    ticks = os.sysconf("SC_CLK_TCK")
    groups: set[int] = set()
    stats: list[list[str]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            stats.append(fields)
            if f"{HOST}:{port}".encode() in (entry / "cmdline").read_bytes():
                groups.add(int(fields[2]))
    # fields after the name: state ppid pgrp session ... utime(11) stime(12)
    used = sum(int(f[11]) + int(f[12]) for f in stats if int(f[2]) in groups)
    return used / ticks


def loaded(port: int, load: Any) -> dict[str, Any]:
    """Run ``load()`` (a wrk run); its result with the server's CPU seconds meanwhile and the
    1-minute load average after it."""
    before = server_cpu(port)
    result: dict[str, Any] = load()
    result.pop("output", None)
    result["server_cpu_s"] = server_cpu(port) - before
    result["load_average"] = load_average()
    say(
        f"{result['scenario']} {result['url']}: {result['rps']:,.0f}/s, "
        f"{result['ok']:,} of {result['requests']:,} answers the expected one; CPU s: server "
        f"{result['server_cpu_s']:.1f}, wrk {result['wrk_cpu_s']:.1f}; "
        f"load {result['load_average']:.2f}"
    )
    return result


def interrupt_wrk() -> None:
    """SIGINT to this process's own wrk children (started by :func:`wrk.sign`): wrk then
    stops and prints its report as at the end of its duration."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
            if ppid == os.getpid() and stat[stat.index("(") + 1 : stat.rindex(")")] == "wrk":
                os.kill(int(entry.name), signal.SIGINT)


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
    record = work / f"crash-{mode}"
    signing: dict[str, Any] = {}

    def sign() -> None:
        # One connection per wrk thread, so that every answer is paired with its e-mail.
        signing.update(
            wrk.sign(
                f"http://{HOST}:{port}", f"/petitions/{CRASH_SLUG}/", proxies=1,
                threads=opts.connections, duration=opts.crash_after + 30, timeout=3,
                record=record,
            )
        )  # fmt: skip

    try:
        deadline = time.monotonic() + 60
        while not answers(port, "/health/"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"vigil serve did not start for the crash test: {log.name}")
            time.sleep(0.2)
        client = threading.Thread(target=sign)
        client.start()
        time.sleep(opts.crash_after)
        say(f"kill -9 of the server's process group {server.pid}, mid-load")
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        time.sleep(0.5)  # the answers already on their way are read
        interrupt_wrk()  # it stops and reports: no more POSTs to a dead server
        client.join(timeout=opts.crash_after + 90)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=5)
        log.close()
    if not signing:
        raise RuntimeError("wrk did not finish the crash test's signing")
    issued, answered = wrk.recorded(record)
    ok = [email for email, status in answered.items() if status == 200]
    ok_path = work / f"crash-ok-{mode}.txt"
    ok_path.write_text("\n".join(ok) + "\n")
    unanswered_path = work / f"crash-unanswered-{mode}.json"
    unanswered_path.write_text(json.dumps([e for e in issued if e not in answered]))
    restarted_at = dt.datetime.now(dt.UTC).isoformat()
    with serving(env, work / f"serve-restart-{mode}.log", opts.workers):
        say("restarted on the same data: it answers /health/")
    check = inside_run(env, work, "check", str(ok_path), str(unanswered_path), restarted_at)
    statuses: dict[str, int] = {}
    for status in answered.values():
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    check["statuses"] = statuses
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
    common = {"threads": 2, "connections": opts.connections, "duration": opts.seconds}
    with serving(env, work / f"serve-{mode}.log", opts.workers) as port:
        base = f"http://{HOST}:{port}"
        # A short warm-up: every worker imports, connects and compiles its templates first.
        wrk.run_wrk(base + "/", threads=2, connections=opts.connections, duration=2)
        result["trivial"] = {
            path: loaded(port, lambda p=path: wrk.run_wrk(base + p, **common)) for path in TRIVIAL
        }
        page = f"/petitions/{SLUG}/"
        result["signing"] = loaded(port, lambda: wrk.sign(base, page, proxies=1, **common))
        result["health_after"] = loaded(port, lambda: wrk.run_wrk(base + "/health/", **common))
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

    def health(r: Any) -> float:
        return float((r["trivial"]["/health/"]["rps"] + r["health_after"]["rps"]) / 2)

    def http(r: Any) -> str:
        s = r["signing"]
        other = sum(n for code, n in s["statuses"].items() if code != "302")
        socket = sum(v for k, v in s["errors"].items() if k != "status")
        return f"{s['requests']:,} in {fmt(s['seconds'])} s ({other} not 302, {socket} socket)"

    def cpu(run: Any) -> str:
        return f"{fmt(run['server_cpu_s'])} / {fmt(run['wrk_cpu_s'])}"

    row("Database / cache", "", lambda r: r["database"])
    row(
        "Load average (1 min): start / after the HTTP loads / end",
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
    row(
        "/health/ requests/s, before / after the signing",
        "",
        lambda r: f"{fmt(r['trivial']['/health/']['rps'], 0)} / {fmt(r['health_after']['rps'], 0)}",
    )
    row("Home page / requests/s", "", lambda r: fmt(r["trivial"]["/"]["rps"], 0))
    row(
        "Ratio signatures/s ÷ /health/ requests/s (their mean)",
        "≥ 0.8",
        lambda r: f"**{fmt(r['signing']['rps'] / health(r), 2)}**",
    )
    row(
        "Ratio signatures/s ÷ home page requests/s",
        "",
        lambda r: fmt(r["signing"]["rps"] / r["trivial"]["/"]["rps"], 2),
    )
    row(
        "CPU s, server / wrk: /health/, home, signing",
        "",
        lambda r: "; ".join(
            cpu(x) for x in (r["trivial"]["/health/"], r["trivial"]["/"], r["signing"])
        ),
    )

    def cpu_ms(run: Any) -> float:
        return float(run["server_cpu_s"] * 1000 / max(1, run["requests"]))

    row(
        "Server CPU ms per request: /health/, home, signing",
        "",
        lambda r: ", ".join(
            fmt(cpu_ms(x), 2) for x in (r["trivial"]["/health/"], r["trivial"]["/"], r["signing"])
        ),
    )
    row(
        "Ratio of server CPU per request, /health/ ÷ signing (less sensitive to other load)",
        "",
        lambda r: fmt(cpu_ms(r["trivial"]["/health/"]) / cpu_ms(r["signing"]), 2),
    )
    row(
        "In-process (WSGIHandler): signing ms, CPU ms / /health/ ms, CPU ms; queries",
        "",
        lambda r: (
            f"{fmt(r['profile']['ms_per_request'], 2)}, "
            f"{fmt(r['profile']['cpu_ms_per_request'], 2)} / "
            f"{fmt(r['profile']['health_ms_per_request'], 2)}, "
            f"{fmt(r['profile']['health_cpu_ms_per_request'], 2)}; "
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
            f"({result['profile']['requests']} requests through WSGIHandler)",
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
    parser.add_argument("--seconds", type=float, default=15.0, help="per wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--crash-after", type=float, default=5.0, help="seconds of load")
    parser.add_argument("--profile", type=int, default=500, help="in-process signatures")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    opts = parser.parse_args()
    if not (1 <= opts.seconds <= 60 and 2 <= opts.connections <= 64):
        parser.error("--seconds must be 1..60 and --connections 2..64")
    if not 1 <= opts.crash_after <= 30:
        parser.error("--crash-after must be 1..30 seconds")
    if not (1 <= opts.workers <= 16 and 1 <= opts.profile <= 10_000):
        parser.error("--workers must be 1..16 and --profile 1..10000")
    wrk.ensure_wrk()

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
        f"confirmation mails stay owed), VIGIL_PROXY_COUNT=1. Client: wrk, 2 threads, "
        f"{opts.connections} connections, {opts.seconds:g} s a run, in this order: /health/, "
        f"the home page, signing (bench/wrk/sign.lua: the urlencoded form, each POST a new "
        f"e-mail from a new /24 in X-Forwarded-For), /health/ again; the server, wrk and the "
        f"database share the {info['nproc']} cores. kill -9 after {opts.crash_after:g} s of "
        f"signing ({opts.connections} wrk threads of one connection each)."
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
