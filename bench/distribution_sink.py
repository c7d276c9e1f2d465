"""A counting SMTP sink for ``bench/distribution.py``: accepts everything, logs Message-IDs.

    python bench/distribution_sink.py --port 2525 --log received.log [--plain]

Each accepted message adds ``<unix time> <Message-ID>`` to the log, written and flushed
*before* the 250 answer, as an MTA's queue file is: a Message-ID in the log is a message the
server took, even if the sender died before it read the answer.  The log is what
``vigil distribute --resume --mail-log`` asks.

The server is aiosmtpd.  Stock aiosmtpd reads a message's content one line at a time in
Python, which costs it about 2 ms for a 27 KB bulletin (more than the sender spends on it), so
by default two things are changed to make it behave like a production MTA (Postfix) rather than
measure aiosmtpd: DATA is read in large pieces up to the terminating ``CRLF . CRLF`` (then
dot-unstuffed, RFC 5321 4.5.2), and the EHLO answer offers PIPELINING (RFC 2920), which
aiosmtpd handles because it reads commands in order from one stream.  ``--plain`` runs stock
aiosmtpd instead.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import re
import signal
import sys
import threading
import time
from typing import Any

MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(<[^>\r\n]+>)", re.MULTILINE | re.IGNORECASE)
END = b"\r\n.\r\n"
STUFFED = re.compile(rb"(?m)^\.")


def fast_server_class() -> Any:
    from aiosmtpd.smtp import MISSING, SMTP, syntax

    class FastSMTP(SMTP):
        @syntax("DATA")
        async def smtp_DATA(self, arg: str) -> None:
            if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
                return
            envelope = self.envelope
            if envelope is None or not envelope.rcpt_tos:
                await self.push("503 Error: need RCPT command")
                return
            if arg:
                await self.push("501 Syntax: DATA")
                return
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            # Read up to each ".\r\n" and stop at the one that starts a line.  Past the
            # stream's line limit readuntil raises; the bytes it has looked at are taken as
            # they are (a separator is never among them).
            data = bytearray()
            while not (data.endswith(END) or data == END[2:]):
                try:
                    data += await self._reader.readuntil(END[2:])
                except asyncio.LimitOverrunError as error:
                    data += await self._reader.readexactly(error.consumed)
            content = bytes(data[:-3])  # the last line keeps its CRLF
            if content.startswith(b".") or b"\n." in content:
                content = STUFFED.sub(b"", content)
            if len(content) > (self.data_size_limit or len(content)):
                self._set_post_data_state()
                await self.push("552 Error: Too much mail data")
                return
            envelope.content = envelope.original_content = content
            status = await self._call_handler_hook("DATA")
            self._set_post_data_state()
            await self.push("250 OK" if status is MISSING else status)

    return FastSMTP


def main() -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--plain", action="store_true", help="stock aiosmtpd, no PIPELINING")
    parser.add_argument(
        "--envelope-log", help="also write '<recipient> TAB <Subject>' for every recipient"
    )
    args = parser.parse_args()
    log = open(args.log, "a", buffering=1, encoding="ascii")  # noqa: SIM115 (lives to the end)
    envelopes = (
        open(args.envelope_log, "a", buffering=1, encoding="utf-8")  # noqa: SIM115
        if args.envelope_log
        else None
    )

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            head = bytes(envelope.content).split(b"\r\n\r\n", 1)[0]
            found = MESSAGE_ID.search(head)
            log.write(f"{time.time():.6f} {found.group(1).decode() if found else '-'}\n")
            log.flush()
            if envelopes is not None:
                subject = email.message_from_bytes(head + b"\r\n\r\n", policy=email.policy.SMTP)
                for rcpt in envelope.rcpt_tos:
                    envelopes.write(f"{rcpt}\t{subject.get('Subject', '')}\n")
                envelopes.flush()
            return "250 Message accepted for delivery"

    class Pipelining(Handler):
        async def handle_EHLO(
            self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
        ) -> list[str]:
            session.host_name = hostname
            return [responses[0], "250-PIPELINING", *responses[1:]]

    if args.plain:
        controller = Controller(Handler(), hostname="127.0.0.1", port=args.port)
    else:
        server_class = fast_server_class()

        class FastController(Controller):
            def factory(self) -> Any:
                return server_class(self.handler, **self.SMTP_kwargs)

        controller = FastController(Pipelining(), hostname="127.0.0.1", port=args.port)
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
