"""HTTP load client: GET one path on 127.0.0.1 from several threads, bounded in count and time.

Run by ``bench/run.py`` as a second process next to the server.  Each request opens its own
connection (gunicorn's sync workers close the connection after every response), reads the whole
body and records the latency seen by the client, connection set-up included.

    python bench/http_load.py --port 8123 --path /health/ --requests 3000 --concurrency 8 \
        --time-limit 30 --out result.json
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"  # never anything else


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def get(port: int, path: str, timeout: float) -> tuple[int, float]:
    """One GET; returns (status, seconds).  Status 0 means the request failed outright."""
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"User-Agent": "vigil-bench"})
            response = conn.getresponse()
            response.read()
            status = response.status
        finally:
            conn.close()
    except (OSError, http.client.HTTPException):
        status = 0
    return status, time.perf_counter() - started


def load(
    *,
    port: int,
    path: str,
    requests: int,
    concurrency: int,
    time_limit: float,
    timeout: float,
    paths: list[str] | None = None,
) -> dict[str, Any]:
    """``paths``: a mix of paths asked in turn instead of ``path`` alone."""
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    started = time.perf_counter()
    deadline = started + time_limit

    def worker() -> None:
        nonlocal issued
        mine: list[tuple[int, float]] = []
        while True:
            with lock:
                if issued >= requests or time.perf_counter() >= deadline:
                    break
                issued += 1
                target = paths[issued % len(paths)] if paths else path
            mine.append(get(port, target, timeout))
        with lock:
            for status, seconds in mine:
                statuses[status] += 1
                if status == 200:
                    latencies.append(seconds)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_limit + timeout + 5)
    elapsed = time.perf_counter() - started
    latencies.sort()
    completed = sum(statuses.values())
    return {
        "path": path if not paths else f"{len(paths)} paths in turn",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/health/")
    parser.add_argument("--paths", type=Path, help="a file of paths, one a line, asked in turn")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds, warm-up excluded")
    parser.add_argument("--warmup", type=int, default=100, help="requests sent first, not counted")
    parser.add_argument("--timeout", type=float, default=10.0, help="per request, seconds")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if not 0 < args.requests <= 100_000 or not 0 < args.concurrency <= 64:
        parser.error("--requests must be 1..100000 and --concurrency 1..64")
    paths = args.paths.read_text().split() if args.paths else None
    for index in range(args.warmup):
        get(args.port, paths[index % len(paths)] if paths else args.path, args.timeout)
    result = load(
        paths=paths,
        port=args.port,
        path=args.path,
        requests=args.requests,
        concurrency=args.concurrency,
        time_limit=args.time_limit,
        timeout=args.timeout,
    )
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
