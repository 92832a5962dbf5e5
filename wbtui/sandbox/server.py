"""Running the sandbox with uvicorn: in the foreground (`wbtui sandbox`) or in a background thread.

    with SandboxServer(data_dir) as server:       # 127.0.0.1, a free port
        wandb.Api(api_key=server.api_key, overrides={"base_url": server.url})
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from pathlib import Path

import uvicorn

from .app import Sandbox, create_app


def _config(sandbox: Sandbox, host: str, port: int, log_level: str, access_log: bool) -> uvicorn.Config:
    return uvicorn.Config(create_app(sandbox), host=host, port=port, log_level=log_level,
                          access_log=access_log, lifespan="on", timeout_graceful_shutdown=5)


def serve(sandbox: Sandbox, sock: socket.socket, log_level: str = "info", access_log: bool = False,
          on_exit: Callable[[], None] | None = None) -> None:
    """Serve on a bound socket until SIGINT/SIGTERM (uvicorn shuts down gracefully), then run
    `on_exit` (e.g. stop the demo's live runs: nothing writes after it) and close the database."""
    host, port = sock.getsockname()[:2]
    try:
        uvicorn.Server(_config(sandbox, host, port, log_level, access_log)).run(sockets=[sock])
    finally:
        if on_exit is not None:
            on_exit()
        sandbox.store.close()


class SandboxServer:
    """The sandbox on 127.0.0.1 in a background thread: `.url`, `.api_key`, `.stop()`."""

    def __init__(self, data_dir: Path | str, *, port: int = 0, api_key: str | None = None,
                 stale_after: float = 300.0, log_level: str = "warning"):
        self.sandbox = Sandbox.open(Path(data_dir), api_key, stale_after)
        self._server = uvicorn.Server(_config(self.sandbox, "127.0.0.1", port, log_level, False))
        self._thread = threading.Thread(target=self._server.run, name="wbtui-sandbox", daemon=True)
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the sandbox server failed to start")
            self._thread.join(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def api_key(self) -> str | None:
        return self.sandbox.admin_key

    @property
    def store(self):
        return self.sandbox.store

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join()
        self.sandbox.store.close()

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
