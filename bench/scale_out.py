"""Two nodes on PostgreSQL and Redis: throughput, kill -9 of a node and a worker, and faults.

    .venv/bin/python bench/scale_out.py                 # about 3 minutes
    .venv/bin/python bench/scale_out.py --seconds 6 --recipients 2000   # a quick try

Everything runs against a **private** PostgreSQL (initdb into a temporary folder, started on a
free port with Debian's binaries) and a private redis-server, so that stopping them hurts no
one else's run.  The SMTP server is ``bench/distribution_sink.py`` logging every recipient.

1. **One node, then two.**  ``vigil serve --no-worker`` on one port, signed through by wrk
   (``bench/wrk.py``: urlencoded form, CSRF, a new address in a new /24 per POST, behind
   ``VIGIL_PROXY_COUNT=1``); then a second node on another port and one wrk for each, at once.
   On a two-core machine, where the nodes, wrk and PostgreSQL share the cores, the ratio shows
   contention, not capacity.
2. **kill -9.**  Two task workers start beside the two nodes; both nodes are signed through
   (every e-mail and its answer written down) while documents pass their embargo; halfway,
   node 2's process group and worker 2 get SIGKILL.  Then: every e-mail answered "stored" is
   looked up by its blind index (lost must be 0); worker 1 sends what is owed; the leases the
   killed worker held are ended early (as 10 minutes passing would end them) and worker 1
   sends those too.  Confirmation mails are counted per address: none missing, and the
   duplicates (a mail sent by the killed worker whose row it could not clear) are printed.
   Each embargo announcement must reach each staff member once.
3. **Two senders.**  One bulletin issue is planned for N groups, then two
   ``vigil distribute --resume`` run at once: 0 duplicates and 0 misses by Message-ID.
4. **Faults.**  Node 1 and worker 1, signed through while PostgreSQL is stopped for 5 s and
   started again, then Redis likewise: the answers are counted by status (no 500 may be among
   them) and every e-mail answered "stored" must be in the database.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
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
    run,
    say,
)

SLUGS = ("one-node", "two-nodes", "kill", "faults")
DOCUMENTS = 5
STAFF = 3


# --- inside Django (a child process with the benchmark's environment) -------------------------
def inside(command: str, out: Path, extra: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    commands: dict[str, Any] = {
        "setup": setup,
        "stored": stored,
        "drain": drain,
        "deliveries": deliveries,
    }
    result = commands[command](*extra)
    out.write_text(json.dumps(result))


def model(name: str) -> Any:
    """A model by its class name: the petitions app is being renamed, its URLs are not."""
    from django.apps import apps

    return next(m for m in apps.get_models() if m.__name__ == name)


def setup(embargo_in: str, recipients: str) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from vigil.accounts.roles import Role
    from vigil.accounts.services import assign_role, create_user
    from vigil.publications import services as publications

    model("ConsentText").objects.create(version=1, text_ru="Я согласен.", text_en="I agree.")
    for slug in SLUGS:
        model("Petition").objects.create(
            slug=slug, title_ru="Освободите журналиста", title_en="Free the journalist",
            target="Прокурору", text_ru="Мы призываем.", text_en="We call.", goal=10**7,
            closes_at=timezone.now() + dt.timedelta(days=30),
        )  # fmt: skip
    for n in range(STAFF):
        assign_role(create_user(email=f"staff{n}@example.org", language="en"), Role.STAFF)
    document = model("Document")
    embargo = timezone.now() + dt.timedelta(seconds=float(embargo_in))
    for n in range(DOCUMENTS):
        with transaction.atomic():
            doc = document.objects.create(
                index_number=f"EUR 46/{100 + n:03d}/2026", language="en",
                title=f"Embargoed release {n}", embargo_at=embargo,
            )  # fmt: skip
            publications.schedule_announcement(doc)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (distribution.setup prints its ids)
    from distribution import setup as groups_and_issues

    groups_and_issues(int(recipients))
    issue = model("Issue").objects.order_by("pk").values_list("pk", flat=True).first()
    return {"issue": issue, "embargo_at": embargo.isoformat()}


def stored(slug: str, emails_path: str) -> dict[str, int]:
    """How many of the e-mails have a signature on the petition (by blind index)."""
    from vigil.core.crypto import normalise_email
    from vigil.core.fields import blind_index_for

    signature = model("Signature")
    emails = [e for e in Path(emails_path).read_text().splitlines() if e]
    found = 0
    for start in range(0, len(emails), 500):
        indexes = [
            blind_index_for(signature, "email_index", normalise_email(e))
            for e in emails[start : start + 500]
        ]
        found += signature.objects.filter(petition__slug=slug, email_index__in=indexes).count()
    return {"emails": len(emails), "stored": found}


def drain(limit: str) -> dict[str, Any]:
    """Wait for the live workers to send every mail owed; then end the leases a dead worker
    held (what 10 minutes would do: its rows fall due again) and wait for those too."""
    from django.utils import timezone

    rows = model("Signature").objects.filter(mail_due_at__isnull=False)
    deadline = time.monotonic() + float(limit)
    while time.monotonic() < deadline and rows.exclude(mail_due_at__gt=timezone.now()).exists():
        time.sleep(1)
    now = timezone.now()
    ended = rows.filter(mail_due_at__gt=now).update(mail_due_at=now)
    while time.monotonic() < deadline and rows.exists():
        time.sleep(1)
    return {"leases_ended": ended, "drained": not rows.exists()}


def deliveries(issue: str) -> dict[str, Any]:
    document = model("Document")
    delivery = model("Delivery")
    return {
        "announced": document.objects.filter(announced_at__isnull=False).count(),
        "signatures": model("Signature").objects.count(),
        "emails": [str(s.email) for s in model("Signature").objects.only("email")],
        "message_ids": list(
            delivery.objects.filter(distribution__issue_id=int(issue))
            .exclude(address="")
            .values_list("message_id", flat=True)
        ),
        "documents": list(document.objects.values_list("index_number", flat=True)),
    }


def inside_run(env: dict[str, str], work: Path, command: str, *extra: str) -> Any:
    out = work / f"inside-{command}-{time.monotonic_ns()}.json"
    run([PYTHON, __file__, "--inside", command, str(out), *extra], env, timeout=900)
    return json.loads(out.read_text())


# --- private PostgreSQL and Redis ---------------------------------------------------------------
def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL's server binaries are missing: apt-get install postgresql")
    return found[-1].parent


class PrivatePostgres:
    """initdb into a folder of ours and pg_ctl on a free port, as the postgres user (initdb
    refuses root)."""

    def __init__(self, work: Path) -> None:
        self.bin = postgres_bin()
        self.dir = work / "pg"
        self.port = free_port()
        self.dir.mkdir()
        user = pwd.getpwnam("postgres")
        os.chown(self.dir, user.pw_uid, user.pw_gid)
        os.chown(work, user.pw_uid, user.pw_gid)
        self.as_postgres(["initdb", "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust",
                          "--no-sync"])  # fmt: skip

    def as_postgres(self, command: list[str]) -> None:
        full = ["runuser", "-u", "postgres", "--", str(self.bin / command[0]), *command[1:]]
        subprocess.run(full, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        self.as_postgres(["pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"),
                          "-o", options, "-w", "start"])  # fmt: skip

    def stop(self) -> None:
        self.as_postgres(["pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"])

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/postgres"


class PrivateRedis:
    def __init__(self, work: Path) -> None:
        self.port = free_port()
        self.log = work / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [shutil.which("redis-server") or "redis-server", "--bind", HOST, "--port",
                   str(self.port), "--save", "", "--appendonly", "no"]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


# --- nodes and workers --------------------------------------------------------------------------
def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def node(env: dict[str, str], work: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [VIGIL, "serve", "--bind", f"{HOST}:{port}", "--workers", str(workers), "--no-worker"]
    server = spawn(command, env, work / f"node-{port}.log")
    deadline = time.monotonic() + 90
    while not answers(port, "/health/"):
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the node on port {port} did not start: {work}/node-{port}.log")
        time.sleep(0.3)
    return server


def worker(env: dict[str, str], work: Path, name: str) -> subprocess.Popen[bytes]:
    return spawn([VIGIL, "db_worker", "--queue-name", "*"], env, work / f"worker-{name}.log")


def kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def sign_at_once(
    ports: list[int], slug: str, seconds: float, record: Path | None = None
) -> list[dict[str, Any]]:
    """One wrk per node, all at once; with ``record``, each writes its e-mails down."""
    results: list[dict[str, Any]] = [{} for _ in ports]

    def one(n: int, port: int) -> None:
        prefix = None if record is None else record.with_name(f"{record.name}-{port}")
        results[n] = wrk.sign(
            f"http://{HOST}:{port}", f"/petitions/{slug}/", proxies=1, threads=2,
            connections=8, duration=seconds, record=prefix,
        )  # fmt: skip

    threads = [threading.Thread(target=one, args=(n, p)) for n, p in enumerate(ports)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def acknowledged(record: Path) -> tuple[list[str], Counter[int]]:
    """The e-mails answered "stored" over every node of a recorded run, and every answer."""
    emails: list[str] = []
    statuses: Counter[int] = Counter()
    for prefix in sorted({p.name.split(".")[0] for p in record.parent.glob(record.name + "-*")}):
        _issued, answered = wrk.recorded(record.parent / prefix)
        statuses.update(answered.values())
        emails += [e for e, status in answered.items() if status == 200]
    return emails, statuses


# --- the run -----------------------------------------------------------------------------------
def measure(work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {"load": [load_average()]}
    pg, redis = PrivatePostgres(work), PrivateRedis(work)
    pg.start()
    redis.start()
    sink_log, envelopes = work / "sink.log", work / "envelopes.log"
    smtp_port = free_port()
    sink = subprocess.Popen(
        [PYTHON, str(BENCH / "distribution_sink.py"), "--port", str(smtp_port), "--log",
         str(sink_log), "--envelope-log", str(envelopes)],
        stdout=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if sink.stdout is None or sink.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP sink did not start")
        env = child_env(work / "data", {
            "VIGIL_DATABASE_URL": pg.url, "VIGIL_REDIS_URL": f"redis://{HOST}:{redis.port}/0",
            "VIGIL_PROXY_COUNT": "1", "VIGIL_SMTP_HOST": HOST, "VIGIL_SMTP_PORT": str(smtp_port),
            "VIGIL_CONFIRMATION_DELAY_SECONDS": "1", "VIGIL_CACHE_PREFIX": "scale",
        })  # fmt: skip
        run([VIGIL, "migrate", "--no-input", "-v", "0"], env, timeout=600)
        embargo_in = 20 + 2 * opts.seconds + opts.seconds / 2  # mid-way through the kill run
        made = inside_run(env, work, "setup", str(embargo_in), str(opts.recipients))
        ports = [free_port(), free_port()]

        say("one node")
        processes.append(node(env, work, ports[0], opts.workers))
        result["one"] = sign_at_once(ports[:1], SLUGS[0], opts.seconds)
        say("two nodes")
        processes.append(node(env, work, ports[1], opts.workers))
        result["two"] = sign_at_once(ports, SLUGS[1], opts.seconds)
        result["load"].append(load_average())

        say("kill -9 of node 2 and worker 2, mid-run")
        workers = [worker(env, work, "1"), worker(env, work, "2")]
        processes += workers
        record = work / "kill"

        def kill_node_and_worker() -> None:
            kill(processes[1])
            kill(workers[1])

        timer = threading.Timer(opts.seconds / 2, kill_node_and_worker)
        timer.start()
        result["kill_wrk"] = sign_at_once(ports, SLUGS[2], opts.seconds, record)
        timer.join()
        ok, statuses = acknowledged(record)
        (work / "kill-ok.txt").write_text("\n".join(ok))
        found = inside_run(env, work, "stored", SLUGS[2], str(work / "kill-ok.txt"))
        result["kill"] = {"statuses": dict(statuses), **found}
        result["kill"].update(inside_run(env, work, "drain", "300"))

        say("two senders of one issue")
        issue = str(made["issue"])
        run([VIGIL, "distribute", issue, "--plan-only"], env, timeout=900)
        senders = [
            spawn(
                [VIGIL, "distribute", issue, "--resume", "--mail-log", str(sink_log)],
                env,
                work / f"sender-{n}.log",
            )
            for n in range(2)
        ]
        started = time.monotonic()
        codes = [s.wait(timeout=1800) for s in senders]
        result["distribution"] = {"codes": codes, "seconds": time.monotonic() - started}

        say("faults: PostgreSQL, then Redis, stopped for 5 s under load")
        record = work / "faults"
        events: list[str] = []

        def faults() -> None:
            time.sleep(2)
            pg.stop()
            events.append(f"{time.strftime('%H:%M:%S')} PostgreSQL stopped")
            time.sleep(5)
            pg.start()
            events.append(f"{time.strftime('%H:%M:%S')} PostgreSQL started")
            time.sleep(3)
            redis.stop()
            events.append(f"{time.strftime('%H:%M:%S')} Redis stopped")
            time.sleep(5)
            redis.start()
            events.append(f"{time.strftime('%H:%M:%S')} Redis started")

        chaos = threading.Thread(target=faults)
        chaos.start()
        result["faults_wrk"] = sign_at_once(ports[:1], SLUGS[3], max(opts.seconds, 22), record)
        chaos.join()
        ok, statuses = acknowledged(record)
        (work / "faults-ok.txt").write_text("\n".join(ok))
        result["faults"] = {
            "events": events,
            "statuses": dict(statuses),
            "wrk_statuses": result["faults_wrk"][0]["statuses"],
            "socket_errors": result["faults_wrk"][0]["errors"],
            **inside_run(env, work, "stored", SLUGS[3], str(work / "faults-ok.txt")),
            "worker_1_alive": workers[0].poll() is None,
        }
        if workers[0].poll() is not None:  # as systemd's Restart=always would
            processes.append(worker(env, work, "1-restarted"))
        result["faults"].update(inside_run(env, work, "drain", "300"))
        result["load"].append(load_average())
        result["mail"] = mail_report(
            inside_run(env, work, "deliveries", issue), sink_log, envelopes
        )
    finally:
        for process in processes:
            kill(process)
        sink.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            sink.wait(timeout=10)
        redis.stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            pg.stop()
    return result


def mail_report(state: dict[str, Any], sink_log: Path, envelopes: Path) -> dict[str, Any]:
    received = Counter(line.split(" ", 1)[1] for line in sink_log.read_text().splitlines()
                       if " " in line)  # fmt: skip
    planned = set(state["message_ids"])
    to: Counter[str] = Counter()
    announcements: Counter[str] = Counter()
    for line in envelopes.read_text(encoding="utf-8").splitlines():
        rcpt, _, subject = line.partition("\t")
        if rcpt.startswith("wrk-"):
            to[rcpt] += 1
        elif subject.startswith(("Now public", "Теперь")):
            announcements[f"{rcpt} {subject.split(':', 1)[1].split()[0:3]}"] += 1
    signers = Counter(state["emails"])
    return {
        "signatures": state["signatures"],
        "confirmations_missing": sum(1 for e in signers if to[e] == 0),
        "confirmations_duplicated": sum(1 for e in signers if to[e] > 1),
        "confirmations_extra": sum(max(0, to[e] - 1) for e in signers),
        "announced_documents": state["announced"],
        "announcements": sum(announcements.values()),
        "announcements_expected": DOCUMENTS * STAFF,
        "announcements_repeated": sum(1 for n in announcements.values() if n > 1),
        "distribution_planned": len(planned),
        "distribution_duplicates": sum(1 for m in planned if received[m] > 1),
        "distribution_misses": sum(1 for m in planned if received[m] == 0),
    }


# --- the table ---------------------------------------------------------------------------------
def rps(runs: list[dict[str, Any]]) -> float:
    return sum(r["rps"] for r in runs)


def table(r: dict[str, Any], opts: argparse.Namespace) -> str:
    k, f, m = r["kill"], r["faults"], r["mail"]
    five = Counter({str(s): n for s, n in f["wrk_statuses"].items()})
    rows = [
        ["Load average (1 min): start / after the throughput runs / end", "",
         " / ".join(f"{x:.2f}" for x in r["load"])],
        ["Signatures/s, one node", "", fmt(rps(r["one"]), 0)],
        ["Signatures/s, two nodes (sum of both)", "", fmt(rps(r["two"]), 0)],
        ["Ratio two nodes ÷ one node", "contention on 2 cores, not capacity",
         fmt(rps(r["two"]) / max(rps(r["one"]), 1e-9), 2)],
        ["wrk's own CPU, one node run / two nodes run, s", "",
         f"{fmt(sum(x['wrk_cpu_s'] for x in r['one']), 2)} / "
         f"{fmt(sum(x['wrk_cpu_s'] for x in r['two']), 2)}"],
        ["kill -9: answered stored / of them in the database", "equal",
         f"{k['emails']:,} / {k['stored']:,}"],
        ["kill -9: signatures lost", "0", f"**{k['emails'] - k['stored']}**"],
        ["kill -9: rows the dead worker held (lease ended early) / all mails sent", "— / yes",
         f"{k['leases_ended']} / {'yes' if k['drained'] else '**no**'}"],
        ["Confirmation mails: signatures / missing / addresses mailed twice (extra mails)",
         "— / 0 / within the lease",
         f"{m['signatures']:,} / **{m['confirmations_missing']}** / "
         f"{m['confirmations_duplicated']} ({m['confirmations_extra']})"],
        ["Embargo announcements: received / expected / repeated", "equal / 0",
         f"{m['announcements']} / {m['announcements_expected']} / "
         f"**{m['announcements_repeated']}**"],
        [f"Distribution to {opts.recipients:,} groups, two senders: planned / duplicates / misses",
         "— / 0 / 0",
         f"{m['distribution_planned']:,} / **{m['distribution_duplicates']}** / "
         f"**{m['distribution_misses']}** ({fmt(r['distribution']['seconds'], 1)} s)"],
        ["Faults: answers by status", "no 500",
         ", ".join(f"{s}: {n:,}" for s, n in sorted(five.items()))],
        ["Faults: socket errors (connect / read / timeout)", "",
         "{connect} / {read} / {timeout}".format(**f["socket_errors"])],
        ["Faults: answered stored / of them in the database", "equal",
         f"{f['emails']:,} / {f['stored']:,}"],
        ["Faults: worker 1 survived / leases ended / all mails sent", "— / — / yes",
         f"{'yes' if f['worker_1_alive'] else 'no (restarted, as Restart=always does)'} / "
         f"{f['leases_ended']} / {'yes' if f['drained'] else '**no**'}"],
    ]  # fmt: skip
    lines = [markdown_row(["Measurement", "Target", "PostgreSQL + Redis"]),
             markdown_row(["---", "---", "---"]), *map(markdown_row, rows)]  # fmt: skip
    return "\n".join(lines)


def failed(r: dict[str, Any]) -> list[str]:
    m, k, f = r["mail"], r["kill"], r["faults"]
    checks = {
        "signatures lost at kill -9": k["emails"] != k["stored"],
        "signatures lost in the faults": f["emails"] != f["stored"],
        "a 500 in the faults": any(
            str(s).startswith("5") and str(s) != "503" for s in f["wrk_statuses"]
        ),
        "confirmation mails missing": m["confirmations_missing"] > 0,
        "mails still owed": not (k["drained"] and f["drained"]),
        "an announcement sent twice": m["announcements_repeated"] > 0,
        "announcements missing": m["announcements"] < m["announcements_expected"],
        "distribution duplicates or misses": m["distribution_duplicates"]
        + m["distribution_misses"],
    }
    return [name for name, bad in checks.items() if bad]


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        sys.path.insert(0, str(BENCH))
        inside(sys.argv[2], Path(sys.argv[3]), sys.argv[4:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="each signing run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--recipients", type=int, default=10_000, help="groups of the issue")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (logs)")
    opts = parser.parse_args()
    if os.geteuid() != 0:
        parser.error("run it as root: the private PostgreSQL is started as the postgres user")
    wrk.ensure_wrk()
    info = machine()
    if load_average() > (os.cpu_count() or 1) / 2:
        loud(f"load average {load_average():.2f}: other work WILL SKEW the figures")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    started = time.monotonic()
    if opts.keep:
        opts.keep.mkdir(parents=True)
        result = measure(opts.keep, opts)
    else:
        with tempfile.TemporaryDirectory(prefix="vigil-scale-out-") as tmp:
            result = measure(Path(tmp), opts)
    print(f"Vigil two nodes, {now}")
    print(f"Machine: {info.get('cpu', '?')}, {info['nproc']} CPUs, {info.get('memory', '?')}; "
          f"Python {info['python']}, Django {info['django']}")  # fmt: skip
    print(f"Private PostgreSQL and Redis; each node `vigil serve --workers {opts.workers}`; "
          f"wrk 2 threads, 8 connections per node, {opts.seconds:g} s a run; the nodes, the "
          f"workers, wrk and PostgreSQL share the {info['nproc']} cores, so two nodes against "
          f"one shows contention, not capacity.\n")  # fmt: skip
    print(table(result, opts))
    print("\nFaults: " + "; ".join(result["faults"]["events"]))
    print(f"\nTotal time: {time.monotonic() - started:.0f} s")
    if opts.json:
        opts.json.write_text(json.dumps({"when": now, "machine": info, "result": result},
                                        indent=2, default=str))  # fmt: skip
    problems = failed(result)
    if problems:
        loud("FAILED: " + ", ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
