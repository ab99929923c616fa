"""Opening the dashboard in a headless Chromium: the browser tests and the dashboard benchmark.

Debian's ``chromium`` package is used, never a browser downloaded by a test tool. The flags keep
Chromium from reaching out to the network (which this project's machines do not allow) and let it
run as root without a sandbox or a GPU.
"""

from __future__ import annotations

from pathlib import Path

#: Debian's Chromium (``apt-get install -y chromium``).
CHROMIUM = Path("/usr/bin/chromium")

#: Launch flags for a headless, offline Chromium.
CHROMIUM_ARGS: list[str] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
