"""A counting SMTP sink for ``bench/distribution.py``: accepts everything, logs Message-IDs.

    python bench/distribution_sink.py --port 2525 --log received.log

Each accepted message adds ``<unix time> <Message-ID>`` to the log, written and flushed
*before* the 250 answer, as an MTA's queue file is: a Message-ID in the log is a message the
server took, even if the sender died before it read the answer.  The log is what
``vigil distribute --resume --mail-log`` asks.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
import time
from typing import Any

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.MULTILINE | re.IGNORECASE)


def main() -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    log = open(args.log, "a", buffering=1, encoding="ascii")  # noqa: SIM115 (lives to the end)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            head = bytes(envelope.content).split(b"\r\n\r\n", 1)[0]
            found = MESSAGE_ID.search(head)
            log.write(f"{time.time():.6f} {found.group(1).decode() if found else '-'}\n")
            log.flush()
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    log.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
