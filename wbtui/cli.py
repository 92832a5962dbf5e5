"""The `wbtui` command: subcommands registered on one argparse parser."""

from __future__ import annotations

import argparse
import importlib.util
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from .tui.idle_gc import pause_for_startup


def _sandbox_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sandbox", help="run the W&B-compatible sandbox server",
                       description="Serve a local W&B-compatible server (GraphQL, file_stream, files) "
                                   "that the official wandb SDK can log to and read from.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (0 = any free port; default: 8080)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="where the database and files live (default: wbtui's data dir / sandbox)")
    p.add_argument("--api-key", default=None,
                   help="an admin API key to accept (default: generate one on first start)")
    p.add_argument("--demo", action="store_true", help="fill the data dir with the demo workspace")
    p.add_argument("--scale", type=int, default=None, metavar="N",
                   help="with --demo: add a project of N runs (for benchmarks)")
    p.add_argument("--crash-after", type=float, default=300.0, metavar="SECONDS",
                   help="mark a running run crashed after this long without a heartbeat (default: 300)")
    p.add_argument("--access-log", action="store_true", help="log every HTTP request")
    p.set_defaults(func=_run_sandbox)


def _run_sandbox(args: argparse.Namespace) -> int:
    from . import config
    from .sandbox.app import KEY_FILE, Sandbox
    from .sandbox.server import serve

    if (args.demo or args.scale is not None) and importlib.util.find_spec("wbtui.sandbox.demo") is None:
        print("wbtui sandbox: --demo and --scale are not available yet (no wbtui.sandbox.demo)", file=sys.stderr)
        return 2
    data_dir = args.data_dir or config.data_dir() / "sandbox"
    try:  # bind first: a taken port fails here, and port 0 is known before the banner
        sock = socket.create_server((args.host, args.port))
    except OSError as e:
        print(f"wbtui sandbox: cannot listen on {args.host}:{args.port}: {e.strerror}", file=sys.stderr)
        return 1
    sandbox = Sandbox.open(data_dir, args.api_key, args.crash_after)
    stop_demo = None
    if args.demo or args.scale is not None:
        from .sandbox import demo
        stop_demo = demo.populate(sandbox, scale=args.scale)
    host, port = sock.getsockname()[:2]
    url = f"http://{host}:{port}"
    print(f"wbtui sandbox serving {url} (data: {data_dir})")
    if sandbox.new_admin_key:
        print(f"new admin API key, saved to {data_dir / KEY_FILE} and shown only this once:")
        key = sandbox.admin_key
    else:
        key = "<the key you passed>" if args.api_key else f"$(cat {data_dir / KEY_FILE})"
    print("to use it:")
    print(f"  export WANDB_BASE_URL={url} WANDB_API_KEY={key}", flush=True)
    serve(sandbox, sock, access_log=args.access_log, on_exit=stop_demo)
    return 0


def _tui_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", help="open this path or W&B URL (entity/project/runs/ID, ...)")
    p.add_argument("--read-only", action="store_true", default=None, help="hide every write (forms)")
    p.add_argument("--theme", default=None, help="a Textual theme name (e.g. textual-light, nord)")


def _run_tui(args: argparse.Namespace) -> int:
    pause_for_startup()
    from .core import Api
    from .tui.app import WbtuiApp

    settings = _settings(args)
    overrides = {k: v for k, v in {"base_url": args.base_url, "entity": args.entity,
                                   "project": args.project}.items() if v}

    def make_api() -> Api:
        return Api(overrides=overrides, api_key=args.api_key)

    from .core.settings import resolve

    have_key = resolve(overrides, api_key=args.api_key).api_key is not None
    WbtuiApp(settings, make_api if have_key else None, start_demo=_demo_starter(),
             initial=args.path).run()
    return 0


def _settings(args: argparse.Namespace):
    from .config import Settings

    settings = Settings.load()
    flags = {"read_only": args.read_only, "theme": args.theme}
    return settings.merged({k: v for k, v in flags.items() if v is not None})


LISTEN_AFTER = 1.0  # seconds after the demo's client is ready: its first screen is up by then


def _demo_starter():
    """A function that starts the demo sandbox in this process and returns a `make_api` for it.
    The TUI's clients reach the sandbox in-process; the server on 127.0.0.1 (for the SDK, a
    browser) and the live runs start a moment later, so the first screen waits for neither;
    all stop when the program exits."""
    import atexit
    import threading

    def start():
        from . import config
        from .core import Api
        from .sandbox import demo
        from .sandbox.server import SandboxServer

        server = SandboxServer(config.demo_data_dir(), listen=False)
        demo.build(server.sandbox)
        stop_live: list[Callable[[], None] | None] = []

        def later() -> None:
            stop_live.append(demo.start_live(server.sandbox))  # first: the stale-run sweep must see them beat
            server.listen()

        timer = threading.Timer(LISTEN_AFTER, later)
        timer.daemon = True
        timer.start()

        def stop() -> None:
            timer.cancel()
            timer.join()
            for stop_runs in filter(None, stop_live):
                stop_runs()
            server.stop()

        atexit.register(stop)
        return lambda: Api(overrides={"base_url": server.url}, api_key=server.api_key, transport=server.transport())

    return start


def _run_demo(args: argparse.Namespace) -> int:
    pause_for_startup()
    from .tui.app import WbtuiApp

    WbtuiApp(_settings(args), None, start_demo=_demo_starter(), initial=args.path, demo=True).run()
    return 0


def build_parser() -> argparse.ArgumentParser:
    """`wbtui [options] [PATH]` opens the TUI; `wbtui demo` and `wbtui sandbox` are subcommands."""
    parser = argparse.ArgumentParser(
        prog="wbtui", description="Browse and administer a W&B server.",
        epilog="subcommands: `wbtui demo` (a local demo workspace), `wbtui sandbox` (serve a "
               "W&B-compatible server); `wbtui COMMAND -h` for their options.")
    parser.add_argument("--base-url", default=None, help="the W&B server (default: as wandb: WANDB_BASE_URL, settings)")
    parser.add_argument("--api-key", default=None, help="an API key (default: as wandb: WANDB_API_KEY, ~/.netrc)")
    parser.add_argument("--entity", default=None, help="the default entity")
    parser.add_argument("--project", default=None, help="the default project")
    _tui_options(parser)
    parser.set_defaults(func=_run_tui)
    return parser


def build_subcommands() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wbtui")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = sub.add_parser("demo", help="open wbtui on a local demo workspace (an embedded sandbox)")
    _tui_options(demo)
    demo.set_defaults(func=_run_demo)
    _sandbox_parser(sub)
    keys = sub.add_parser("keys", help="list every key binding and its id (for [keymap] in config.toml)")
    keys.set_defaults(func=_print_keys)
    where = sub.add_parser("paths", help="where wbtui reads and writes (config, data, demo)")
    where.set_defaults(func=_print_paths)
    return parser


def _print_keys(args: argparse.Namespace) -> int:
    from .tui.keys import table

    print(table())
    return 0


def _print_paths(args: argparse.Namespace) -> int:
    from . import config

    for name, path in config.paths().items():
        print(f"{name}: {path}")
    return 0


SUBCOMMANDS = ("demo", "sandbox", "keys", "paths")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_subcommands() if argv[:1] and argv[0] in SUBCOMMANDS else build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
