"""Distribution of one bulletin issue to 10,000 groups, and crash recovery with kill -9.

    python bench/distribution.py                     # 10,000 recipients, fresh SQLite dir
    python bench/distribution.py --recipients 2000 --kills 1

In a throwaway data folder: ``vigil migrate``, then 10,000 active groups with an e-mail address
and two fully approved Russian issues.  ``bench/distribution_sink.py`` (another process) is the
SMTP server on 127.0.0.1; it logs every accepted Message-ID before answering 250.

1. Throughput: ``vigil distribute ISSUE`` sends the first issue; messages/s is counted from the
   sink's clock (first to last message accepted), and also over the whole command.
2. Crash: the second issue is planned, ``vigil distribute --resume`` is started and killed with
   SIGKILL each time the sink has received another share of the messages, then resumed with
   ``--mail-log`` (the sink's log) to the end.  Duplicates (a Message-ID received twice) and
   misses (a planned Message-ID never received) are counted from the sink's log.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from run import (
    PYTHON,
    ROOT,
    VIGIL,
    child_env,
    free_port,
    load_average,
    machine,
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


# --- the driver ----------------------------------------------------------------------------
def received(log: Path, prefix: str) -> list[tuple[float, str]]:
    rows = []
    for line in log.read_text().splitlines():
        stamp, _sp, mid = line.partition(" ")
        if mid.startswith(prefix):
            rows.append((float(stamp), mid))
    return rows


def child_json(env: dict[str, str], *args: str) -> object:
    out = subprocess.run(
        [PYTHON, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=2, help="SIGKILLs during the second run")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child:
        if opts.child[0] == "setup":
            setup(int(opts.child[1]))
        else:
            expected(int(opts.child[1]))
        return

    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="vigil-bench-dist-") as tmp:
        work = Path(tmp)
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
            },
        )
        sink = subprocess.Popen(
            [PYTHON, str(SINK), "--port", str(port), "--log", str(log)],
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
            started = time.monotonic()
            out = subprocess.run(
                [VIGIL, "distribute", str(first)],
                env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=1800,
            )  # fmt: skip
            command_s = time.monotonic() - started
            say(out.stdout.strip())
            send_s = float(re.search(r"sent \d+ in ([\d.]+) s", out.stdout).group(1))  # type: ignore[union-attr]
            got = received(log, "<bulletin.202611.")
            span = got[-1][0] - got[0][0] if len(got) > 1 else float("nan")
            sink_rate = (len(got) - 1) / span if span else float("nan")

            # 2. kill -9 mid-send, then resume
            run([VIGIL, "distribute", str(second), "--plan-only"], env, timeout=600)
            resumes = []
            for kill in range(1, opts.kills + 1):
                target = opts.recipients * kill // (opts.kills + 1)
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
            say(f"$ vigil distribute {second} --resume --mail-log received.log")
            out = subprocess.run(
                [VIGIL, "distribute", str(second), "--resume", "--mail-log", str(log)],
                env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=1800,
            )  # fmt: skip
            say(out.stdout.strip())
            resumes.append(out.stdout.strip())
            # Earlier resumes were killed too; their recovery counts went down with them.
            state = child_json(env, "--child", "expected", str(second))
        finally:
            sink.send_signal(signal.SIGTERM)
            sink.wait(timeout=30)
        assert isinstance(state, dict)
        counts = Counter(mid for _t, mid in received(log, "<bulletin.202612."))
        planned = set(state["message_ids"])
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        misses = len(planned - set(counts))
        strays = len(set(counts) - planned)

    info = machine()
    rate = opts.recipients / send_s
    print()
    print(f"Machine: {info.get('cpu', '?')}, {info['nproc']} cores, {info.get('memory', '?')}, "
          f"Python {info['python']}, Django {info['django']}; load average before "
          f"{load_before:.2f}, after {load_average():.2f}. SQLite (WAL).")  # fmt: skip
    print()
    print("| Measure | Result | Target |")
    print("| --- | --- | --- |")
    print(f"| Recipients | {opts.recipients:,} | 10,000 |")
    print(f"| Messages/s, sender's send loop | {rate:,.0f} | ≥ 200 |")
    print(f"| Messages/s, at the SMTP sink (first to last) | {sink_rate:,.0f} | ≥ 200 |")
    print(f"| Whole `vigil distribute` (plan, PDF, send) | {command_s:,.1f} s | — |")
    print(f"| Crash run: SIGKILLs of the sender | {opts.kills} | — |")
    print(f"| Crash run: duplicates | {duplicates} | 0 |")
    print(f"| Crash run: misses | {misses} | 0 |")
    print(f"| Crash run: unknown Message-IDs | {strays} | 0 |")
    print(f"| Crash run: rows by status at the end | {state['statuses']} | all sent |")
    print()
    print(f"Last resume: {resumes[-1]}")


if __name__ == "__main__":
    main()
