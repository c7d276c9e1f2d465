"""Distribution of one bulletin issue to 10,000 groups, and crash recovery with kill -9.

    python bench/distribution.py                     # 10,000 recipients, SQLite and PostgreSQL
    python bench/distribution.py --recipients 2000 --kills 1 --no-postgres

For each database (SQLite in a fresh data folder, then PostgreSQL in a throwaway database at
127.0.0.1:5432 that is dropped afterwards; ``--no-postgres`` skips it): ``vigil migrate``, then
10,000 active groups with an e-mail address and two fully approved Russian issues.
``bench/distribution_sink.py`` (another process, one per database) is the SMTP server on
127.0.0.1; it logs every accepted Message-ID before answering 250 (see its docstring for how it
differs from stock aiosmtpd; ``--plain-sink`` uses stock aiosmtpd).

1. Throughput: ``vigil distribute ISSUE`` sends the first issue; messages/s is counted from the
   sink's clock (first to last message accepted), and also over the whole command.  Then, as
   the limit to compare with, a bare ``smtplib`` loop sends the same messages, built before its
   clock starts, to the same sink (see :func:`bare`); the table gives the ratio.
2. Crash: the second issue is planned, ``vigil distribute --resume`` is started and killed with
   SIGKILL each time the sink has received another share of the messages, then resumed with
   ``--mail-log`` (the sink's log) to the end.  Duplicates (a Message-ID received twice) and
   misses (a planned Message-ID never received) are counted from the sink's log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from run import (
    PYTHON,
    ROOT,
    VIGIL,
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
)

SINK = Path(__file__).resolve().parent / "distribution_sink.py"


# --- inside the child (Django set up) ------------------------------------------------------
def setup(recipients: int) -> None:
    import django

    django.setup()
    from vigil.bulletin.models import Article, Issue, Segment
    from vigil.directory.models import Region
    from vigil.groups.models import Group

    region = Region.objects.order_by("pk").first()
    assert region is not None, "the region tree is missing"
    Group.objects.bulk_create(
        [
            Group(
                number=n,
                name=f"Группа {n}",
                slug=f"g{n}",
                city="Казань",
                region=region,
                email=f"group{n}@example.org",
            )
            for n in range(1, recipients + 1)
        ],
        batch_size=2000,
    )
    paragraphs = [
        "Журналист задержан в Ростове",
        "Доктор Иванов был арестован третьего мая. Мы считаем его узником совести.",
        "Пишите прокурору и просите о его освобождении. Письма должны быть вежливыми.",
    ] * 4
    ids = []
    for month in (11, 12):
        issue = Issue.objects.create(year=2026, month=month, title="Бюллетень")
        for position in range(3):
            article = Article.objects.create(issue=issue, position=position)
            Segment.objects.bulk_create(
                Segment(
                    article=article,
                    paragraph=i,
                    position=i,
                    source="English",
                    target=text,
                    status=Segment.Status.APPROVED,
                )
                for i, text in enumerate(paragraphs)
            )
        ids.append(issue.pk)
    print(json.dumps(ids))


def expected(issue: int) -> None:
    import django

    django.setup()
    from django.db.models import Count

    from vigil.distribution.models import Delivery

    rows = Delivery.objects.filter(distribution__issue_id=issue)
    statuses = dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    mids = list(rows.exclude(address="").values_list("message_id", flat=True))
    print(json.dumps({"statuses": statuses, "message_ids": mids}))


def bare(issue: int, port: int) -> None:
    """The limit to compare with: the same messages, built before the clock starts, sent by a
    bare ``smtplib`` loop (``sendmail``: MAIL, RCPT, DATA one after the other) over one
    connection to the same sink, with no database.  Message-IDs get the prefix ``<bare.`` so
    the sink's log tells them from the sender's."""
    import django

    django.setup()
    import smtplib

    from vigil.distribution.mime import Composer
    from vigil.distribution.models import Delivery, Distribution

    distribution = Distribution.objects.select_related("issue").get(issue_id=issue)
    composer = Composer(distribution)
    rows = Delivery.objects.filter(distribution=distribution).exclude(address="")
    messages = [
        (
            d.address,
            composer.compose(d).replace(b"Message-ID: <bulletin.", b"Message-ID: <bare.", 1),
        )
        for d in rows.select_related("group").order_by("pk")
    ]
    sender = "bulletin@vigil.example.org"
    started, cpu = time.monotonic(), time.process_time()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for address, raw in messages:
            smtp.sendmail(sender, [address], raw)
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu
    print(json.dumps({"messages": len(messages), "seconds": seconds, "cpu_s": cpu}))


# --- the driver ----------------------------------------------------------------------------
def received(log: Path, prefix: str) -> list[tuple[float, str]]:
    rows = []
    for line in log.read_text().splitlines():
        stamp, _sp, mid = line.partition(" ")
        if mid.startswith(prefix):
            rows.append((float(stamp), mid))
    return rows


def rate_at_sink(got: list[tuple[float, str]]) -> float:
    """Messages per second by the sink's clock, from the first message to the last."""
    span = got[-1][0] - got[0][0] if len(got) > 1 else 0.0
    return (len(got) - 1) / span if span else float("nan")


def child_json(env: dict[str, str], *args: str) -> object:
    out = subprocess.run(
        [PYTHON, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(work: Path, extra: dict[str, str], opts: argparse.Namespace) -> dict[str, Any]:
    """Both runs on one database, with a sink of its own; every figure in a dict."""
    load_before = load_average()
    work.mkdir(parents=True)
    port = free_port()
    log = work / "received.log"
    env = child_env(
        work / "data",
        {
            "VIGIL_SMTP_HOST": "127.0.0.1",
            "VIGIL_SMTP_PORT": str(port),
            "VIGIL_FROM_EMAIL": "Vigil <bulletin@vigil.example.org>",
            "VIGIL_BASE_URL": "https://vigil.example.org",
            "DJANGO_SETTINGS_MODULE": "vigil.settings",
            **extra,
        },
    )
    sink_args = [PYTHON, str(SINK), "--port", str(port), "--log", str(log)]
    sink = subprocess.Popen(
        [*sink_args, *(["--plain"] if opts.plain_sink else [])],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
        run([VIGIL, "migrate", "--no-input", "-v", "0"], env, timeout=300)
        say(f"creating {opts.recipients} groups and two approved issues")
        ids = child_json(env, "--child", "setup", str(opts.recipients))
        assert isinstance(ids, list)
        first, second = int(ids[0]), int(ids[1])

        # 1. throughput
        say(f"$ vigil distribute {first}")
        sink_cpu = cpu_seconds(sink.pid)
        started = time.monotonic()
        out = subprocess.run(
            [VIGIL, "distribute", str(first)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=1800,
        )  # fmt: skip
        command_s = time.monotonic() - started
        sink_cpu = cpu_seconds(sink.pid) - sink_cpu
        load_after_send = load_average()
        say(out.stdout.strip())
        found = re.search(r"sent \d+ in ([\d.]+) s \(CPU ([\d.]+) s\)", out.stdout)
        if found is None:
            raise RuntimeError(f"unexpected output of vigil distribute: {out.stdout!r}")
        send_s, send_cpu = float(found.group(1)), float(found.group(2))
        got = received(log, "<bulletin.202611.")
        sink_rate = rate_at_sink(got)

        # The limit: a bare smtplib loop, the same messages prebuilt, the same sink.
        say("bare smtplib loop: the same messages, prebuilt, to the same sink")
        bare_sink_cpu = cpu_seconds(sink.pid)
        ceiling = child_json(env, "--child", "bare", str(first), str(port))
        bare_sink_cpu = cpu_seconds(sink.pid) - bare_sink_cpu
        assert isinstance(ceiling, dict)
        bare_got = received(log, "<bare.")

        # 2. kill -9 mid-send, then resume
        run([VIGIL, "distribute", str(second), "--plan-only"], env, timeout=600)
        in_doubt: list[int] = []
        for kill in range(1, opts.kills + 1):
            # Off the batch boundaries (outbox.BATCH = 100), so a batch is cut in flight.
            target = opts.recipients * kill // (opts.kills + 1) + 37
            say(f"$ vigil distribute {second} --resume   (SIGKILL at {target} received)")
            sender = subprocess.Popen(
                [VIGIL, "distribute", str(second), "--resume", "--mail-log", str(log)],
                env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
            deadline = time.monotonic() + 600
            while len(received(log, "<bulletin.202612.")) < target:
                if sender.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the sender ended before it could be killed")
                time.sleep(0.02)
            os.killpg(sender.pid, signal.SIGKILL)
            sender.wait()
            say(f"killed at {len(received(log, '<bulletin.202612.'))} received")
            after_kill = child_json(env, "--child", "expected", str(second))
            assert isinstance(after_kill, dict)
            in_doubt.append(int(after_kill["statuses"].get("sending", 0)))
        say(f"$ vigil distribute {second} --resume --mail-log received.log")
        out = subprocess.run(
            [VIGIL, "distribute", str(second), "--resume", "--mail-log", str(log)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=1800,
        )  # fmt: skip
        say(out.stdout.strip())
        last_resume = out.stdout.strip()
        # Earlier resumes were killed too; their recovery counts went down with them.
        state = child_json(env, "--child", "expected", str(second))
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=30)
    assert isinstance(state, dict)
    counts = Counter(mid for _t, mid in received(log, "<bulletin.202612."))
    planned = set(state["message_ids"])
    return {
        "rate": opts.recipients / send_s,
        "sink_rate": sink_rate,
        "sink_cpu_ms": sink_cpu * 1000 / max(len(got), 1),
        "sender_cpu_ms": send_cpu * 1000 / opts.recipients,
        "command_s": command_s,
        "bare_rate": ceiling["messages"] / ceiling["seconds"],
        "bare_sink_rate": rate_at_sink(bare_got),
        "bare_cpu_ms": ceiling["cpu_s"] * 1000 / max(ceiling["messages"], 1),
        "bare_sink_cpu_ms": bare_sink_cpu * 1000 / max(len(bare_got), 1),
        "duplicates": sum(n - 1 for n in counts.values() if n > 1),
        "misses": len(planned - set(counts)),
        "strays": len(set(counts) - planned),
        "statuses": state["statuses"],
        "in_doubt": in_doubt,
        "last_resume": last_resume,
        "load": [load_before, load_after_send, load_average()],
    }


def sqlite_mode(work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    say("SQLite (WAL) in a fresh data folder")
    return measure(work / "sqlite", {}, opts)


def postgres_mode(work: Path, opts: argparse.Namespace) -> dict[str, Any] | None:
    with postgres_environment() as extra:
        if extra is None:
            return None
        return measure(work / "postgresql", extra, opts)


def table(results: dict[str, dict[str, Any] | None], opts: argparse.Namespace) -> str:
    modes = list(results)
    rows: list[list[str]] = []

    def row(label: str, target: str, cell: Callable[[dict[str, Any]], str]) -> None:
        cells = [cell(r) if r is not None else "not measured" for r in results.values()]
        rows.append([label, target, *cells])

    row(
        "Load average (1 min): start / after the send / end",
        "",
        lambda r: " / ".join(f"{x:.2f}" for x in r["load"]),
    )
    row("Recipients", "10,000", lambda r: f"{opts.recipients:,}")
    row("Messages/s, sender's send loop", "≥ 833", lambda r: f"**{fmt(r['rate'], 0)}**")
    row("Messages/s, at the SMTP sink (first to last)", "", lambda r: fmt(r["sink_rate"], 0))
    row("Messages/s, bare smtplib loop, prebuilt (the limit)", "", lambda r: fmt(r["bare_rate"], 0))
    row(
        "Ratio: sender's send loop ÷ bare smtplib loop",
        "",
        lambda r: fmt(r["rate"] / r["bare_rate"], 2),
    )
    row(
        "CPU per message, ms: sender's send loop / bare loop",
        "",
        lambda r: f"{fmt(r['sender_cpu_ms'], 2)} / {fmt(r['bare_cpu_ms'], 2)}",
    )
    row(
        "SMTP sink, CPU per message, ms: from the sender / from the bare loop",
        "",
        lambda r: f"{fmt(r['sink_cpu_ms'], 2)} / {fmt(r['bare_sink_cpu_ms'], 2)}",
    )
    row("Whole `vigil distribute` (plan, PDF, send), s", "", lambda r: fmt(r["command_s"], 1))
    row("Crash run: SIGKILLs of the sender", "", lambda r: str(opts.kills))
    row(
        "Crash run: rows left `sending` (in doubt) by each SIGKILL",
        "",
        lambda r: ", ".join(map(str, r["in_doubt"])) or "—",
    )
    row("Crash run: duplicates", "0", lambda r: f"**{r['duplicates']}**")
    row("Crash run: misses", "0", lambda r: f"**{r['misses']}**")
    row("Crash run: unknown Message-IDs", "0", lambda r: str(r["strays"]))
    row("Crash run: rows by status at the end", "all sent", lambda r: str(r["statuses"]))
    header = ["Measurement", "Target", *modes]
    return "\n".join(
        [markdown_row(header), markdown_row(["---"] * len(header)), *map(markdown_row, rows)]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=2, help="SIGKILLs during the second run")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--plain-sink", action="store_true", help="stock aiosmtpd as the sink")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        if opts.child[0] == "setup":
            setup(int(opts.child[1]))
        elif opts.child[0] == "bare":
            bare(int(opts.child[1]), int(opts.child[2]))
        else:
            expected(int(opts.child[1]))
        return 0
    if not (10 <= opts.recipients <= 100_000 and 0 <= opts.kills <= 10):
        parser.error("--recipients must be 10..100000 and --kills 0..10")

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    busy = load_average()
    if busy > (os.cpu_count() or 1) / 2:
        loud(f"load average {busy:.2f} on {os.cpu_count()} CPUs: other work WILL SKEW the figures")
    results: dict[str, dict[str, Any] | None] = {}
    with tempfile.TemporaryDirectory(prefix="vigil-bench-dist-") as tmp:
        work = Path(tmp)
        results["SQLite"] = sqlite_mode(work, opts)
        if opts.no_postgres:
            loud("--no-postgres: the PostgreSQL column WAS NOT MEASURED")
            results["PostgreSQL"] = None
        else:
            results["PostgreSQL"] = postgres_mode(work, opts)

    info = machine()
    sink = "stock aiosmtpd" if opts.plain_sink else "aiosmtpd, DATA read in blocks, PIPELINING"
    print()
    print(f"Vigil distribution benchmark, {now}")
    print(
        f"Machine: {info.get('cpu', '?')}, {info['nproc']} cores, {info.get('memory', '?')}, "
        f"Python {info['python']}, Django {info['django']}. SMTP sink: {sink}, on 127.0.0.1."
    )
    print()
    print(table(results, opts))
    print()
    for mode, result in results.items():
        if result is not None:
            print(f"Last resume, {mode}: {result['last_resume']}")
    bad = [r for r in results.values() if r is not None and (r["duplicates"] or r["misses"])]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
