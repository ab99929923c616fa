"""Starting the dashboard: a Solara server (Starlette under uvicorn) serving :func:`app.Page`."""

from __future__ import annotations

import errno
import os
import socket
import warnings

from desmig_sim.core.errors import InputFileError

#: The Solara app: module and component.
APP = "desmig_sim.dashboard.app:Page"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: Where the server offers docs/odd.md (the About page links to it).
ODD_URL = "/docs/odd.md"


class ServerError(InputFileError):
    """The server cannot start (the address is taken or not valid)."""


def check_address(host: str, port: int) -> None:
    """Fail early, with a kind message, if the server could not listen on ``host:port``.

    Raises:
        ServerError: If the port is taken or the host is not an address of this machine.
    """
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        why = "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
        raise ServerError(
            f"{host}:{port}",
            f"{why}; allowed: a free port (e.g. --port {port + 1}) on an address of this machine",
        ) from None


def url(host: str, port: int) -> str:
    """The address to open in a browser."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, announce=print) -> None:
    """Run the dashboard server until interrupted (Ctrl+C).

    Args:
        host: Address to listen on; localhost unless told otherwise.
        port: Port to listen on.
        announce: Called with the line that gives the address, once the address is known to be free.

    Raises:
        ServerError: If the server cannot listen on the address.
    """
    check_address(host, port)
    # Two warnings that say nothing to a workshop host: Solara's hook check of a Mesa component,
    # and its note that session cookies fall back to SameSite=Lax over plain http on localhost.
    warnings.filterwarnings(
        "ignore", message=r".*`use_state` found despite early return", category=UserWarning
    )
    warnings.filterwarnings(
        "ignore", message=r"Cookies with samesite=none require https", category=UserWarning
    )
    os.environ["SOLARA_APP"] = APP  # read when solara's server app is imported, below
    os.environ.setdefault("SOLARA_THEME_VARIANT", "light")
    import uvicorn
    from solara.server.starlette import app
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from desmig_sim.dashboard.about import ODD_PATH, odd_markdown

    async def odd(request: object) -> PlainTextResponse:
        text = odd_markdown() or f"The model description is {ODD_PATH} in the source checkout."
        return PlainTextResponse(text)

    app.router.routes.insert(0, Route(ODD_URL, odd))  # before Solara's catch-all page route

    announce(f"Dashboard running at {url(host, port)} (press Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
