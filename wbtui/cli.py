"""The `wbtui` command: subcommands registered on one argparse parser."""

from __future__ import annotations

import argparse
import importlib.util
import socket
import sys
from pathlib import Path


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
    try:
        serve(sandbox, sock, access_log=args.access_log)
    finally:
        if stop_demo is not None:
            stop_demo()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wbtui", description="Browse and administer a W&B server.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _sandbox_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
