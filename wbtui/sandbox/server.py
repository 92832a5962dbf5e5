"""Running the sandbox with uvicorn: in the foreground (`wbtui sandbox`) or in a background thread.

    with SandboxServer(data_dir) as server:       # 127.0.0.1, a free port
        wandb.Api(api_key=server.api_key, overrides={"base_url": server.url})

uvicorn is imported when a server starts: `wbtui demo` starts one only after its first screen.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .app import Sandbox, create_app

if TYPE_CHECKING:
    import httpx
    import uvicorn
    from starlette.applications import Starlette


def _config(app: Starlette, sock: socket.socket, log_level: str, access_log: bool) -> uvicorn.Config:
    import uvicorn

    host, port = sock.getsockname()[:2]
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=access_log,
                          lifespan="on", timeout_graceful_shutdown=5)


def serve(sandbox: Sandbox, sock: socket.socket, log_level: str = "info", access_log: bool = False,
          on_exit: Callable[[], None] | None = None) -> None:
    """Serve on a bound socket until SIGINT/SIGTERM (uvicorn shuts down gracefully), then run
    `on_exit` (e.g. stop the demo's live runs: nothing writes after it) and close the database."""
    import uvicorn

    try:
        uvicorn.Server(_config(create_app(sandbox), sock, log_level, access_log)).run(sockets=[sock])
    finally:
        if on_exit is not None:
            on_exit()
        sandbox.store.close()


class SandboxServer:
    """The sandbox on 127.0.0.1 in a background thread: `.url`, `.api_key`, `.stop()`.

    The port is bound at once (`.url` is known, connections wait in its backlog); with
    `listen=False` the server starts only at `.listen()`, and `.transport()` serves clients in
    this process meanwhile, without HTTP (as `wbtui demo` does: its first screen does not wait
    for uvicorn, 50-80 ms)."""

    def __init__(self, data_dir: Path | str, *, port: int = 0, api_key: str | None = None,
                 stale_after: float = 300.0, log_level: str = "warning", listen: bool = True):
        self.sandbox = Sandbox.open(Path(data_dir), api_key, stale_after)
        self.app = create_app(self.sandbox)
        self._socket = socket.create_server(("127.0.0.1", port))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        if listen:
            self.listen()

    @property
    def api_key(self) -> str | None:
        return self.sandbox.admin_key

    @property
    def store(self):
        return self.sandbox.store

    def transport(self) -> httpx.AsyncBaseTransport:
        """An httpx transport that hands requests to the app in this process (a new one per client:
        a client closes its transport). Responses are read whole: fine for the sandbox's sizes."""
        import httpx

        return httpx.ASGITransport(self.app, raise_app_exceptions=False)  # a failure is a 500, as over HTTP

    def listen(self) -> None:
        """Start serving on the port (once; returns when uvicorn has started)."""
        import uvicorn

        with self._lock:
            if self._server is not None:
                return
            server = self._server = uvicorn.Server(_config(self.app, self._socket, self._log_level, False))
            self._thread = threading.Thread(target=server.run, kwargs={"sockets": [self._socket]},
                                            name="wbtui-sandbox", daemon=True)
            self._thread.start()
            while not server.started:
                if not self._thread.is_alive():
                    raise RuntimeError("the sandbox server failed to start")
                self._thread.join(0.01)

    def stop(self) -> None:
        with self._lock:
            if self._server is not None and self._thread is not None:
                self._server.should_exit = True
                self._thread.join()
            self._socket.close()
            self.sandbox.store.close()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
