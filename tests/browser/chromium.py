"""How Vigil launches Debian's chromium, for the browser tests and docs/screenshots.py alike.

Playwright cannot download its own browsers here; the flags keep chromium from reaching out to
the network on its own (the machine has none beyond 127.0.0.1).
"""

from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_args() -> dict[str, Any]:
    return {"executable_path": CHROMIUM, "headless": True, "args": list(CHROMIUM_ARGS)}
