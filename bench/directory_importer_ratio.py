"""The directory importer's CPU cost per entry against an earlier commit's, as a ratio.

    .venv/bin/python bench/directory_importer_ratio.py                 # 20,000 entries, 3 rounds
    .venv/bin/python bench/directory_importer_ratio.py --entries 2000 --rounds 1   # a quick try

The machine is shared, so absolute rates say little; the ratio of two commands run alternately
on the same file says more.  The script checks the earlier commit (by default the main line
just before the structural importer was merged, the first parent of the first "Merge branch
'dirimport'") out into a temporary ``git worktree``, writes one handbook file with
``bench/directory_data.py``, then for each round runs, for the earlier code and for this
worktree's, in turn: ``vigil migrate`` in a fresh SQLite data folder, and ``vigil directory
import FILE`` exactly as staff would.  The earlier code runs with this virtualenv's Python and
the earlier worktree first on ``PYTHONPATH`` (started from that folder).

For each import: user + system CPU seconds from ``wait4`` (the command and its worker processes,
which it waits for), divided by the entries; its peak resident memory (the largest of the
command and its workers); and its wall time.  It prints each round, the medians and the ratio
of the medians (this code / earlier code) beside the 1-minute load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from directory_data import write as write_entries
from run import PYTHON, ROOT, VIGIL, child_env, load_average, machine, say

TARGET = 1.15


def before_structural_importer() -> str:
    """The first parent of the oldest "Merge branch 'dirimport'" commit."""
    merges = subprocess.run(
        ["git", "log", "--merges", "--format=%H %s", "--grep=^Merge branch 'dirimport'"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    oldest = [line.split()[0] for line in merges if line.strip()][-1]
    return oldest + "^1"


def import_once(code: Path, entries_file: Path, work: Path) -> tuple[float, int, float]:
    """(CPU seconds, peak resident KiB, wall seconds) of one import in a fresh data folder."""
    data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=work))
    env = child_env(data_dir, {"PYTHONPATH": str(code)})
    log = (data_dir / "import.log").open("wb")
    subprocess.run(
        [PYTHON, VIGIL, "migrate", "--no-input", "-v", "0"],
        cwd=code,
        env=env,
        check=True,
        timeout=600,
    )
    start = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, VIGIL, "directory", "import", str(entries_file)],
        cwd=code,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    log.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the import with {code} failed: see {data_dir / 'import.log'}")
    cpu = usage.ru_utime + usage.ru_stime
    shutil.rmtree(data_dir)
    return cpu, usage.ru_maxrss, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base", default="", help="earlier commit (default: see above)")
    opts = parser.parse_args()
    base = opts.base or before_structural_importer()
    say(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="vigil-ratio-") as scratch:
        work = Path(scratch)
        earlier = work / "earlier"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(earlier), base],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            entries_file = work / "entries.txt"
            write_entries(entries_file, opts.entries)
            sides = {"earlier": earlier, "this": ROOT}
            cpu: dict[str, list[float]] = {side: [] for side in sides}
            peak: dict[str, list[int]] = {side: [] for side in sides}
            loads = [load_average()]
            for round_number in range(1, opts.rounds + 1):
                for side, code in sides.items():
                    seconds, rss, wall = import_once(code, entries_file, work)
                    cpu[side].append(seconds / opts.entries * 1000)
                    peak[side].append(rss)
                    loads.append(load_average())
                    say(
                        f"round {round_number} {side:8s} CPU {cpu[side][-1]:.3f} ms/entry, "
                        f"wall {wall:.1f} s, peak {rss / 1024:.0f} MiB, load {loads[-1]:.2f}"
                    )
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(earlier)], cwd=ROOT, check=False
            )
    medians = {side: statistics.median(values) for side, values in cpu.items()}
    ratio = medians["this"] / medians["earlier"]
    print(f"earlier code: {base}")
    for side in sides:
        print(
            f"{side:8s} CPU ms/entry (median of {opts.rounds}): {medians[side]:.3f}; "
            f"peak MiB: {max(peak[side]) / 1024:.0f}"
        )
    print(
        f"ratio this / earlier: {ratio:.3f} (target <= {TARGET}); "
        f"load average {min(loads):.1f}-{max(loads):.1f}"
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"(this script itself: {usage.ru_utime + usage.ru_stime:.1f} CPU s)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
