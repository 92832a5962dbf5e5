"""Listing a 10,000-run project with the official wandb.Api, and the sandbox's own share of it.

    python -m tests.benchmarks.bench_sandbox_runs [--runs 10000] [--per-page 1000] [--repeat 3]
                                                  [--data-dir DIR]

Builds the demo workspace with `--scale RUNS` (the project `admin/scale-RUNS`, as
`wbtui sandbox --demo --scale RUNS` does) and prints how long that took; a --data-dir that
already has it is reused. Then serves it in this process, with the ASGI app wrapped to time
every request on the server, from its first byte in to its last byte out, and runs
`wandb.Api().runs(path, per_page=...)` in a subprocess (so client and server do not share a GIL),
reading id, name, state and created_at of every run with `lazy=True` (the default; its pages
leave out config and summary, and reading a lazy run's summary fetches that run alone), and
those plus a summary value with `lazy=False`. For each it prints the client's time, the
server's time and the share.

A benchmark, not a timed test: pytest does not collect it (no test_ functions).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from wbtui.sandbox import demo, server as server_module
from wbtui.sandbox.app import Sandbox
from wbtui.sandbox.demo import scale

CLIENT = textwrap.dedent("""
    import json, sys, time
    import wandb
    url, key, path, per_page, lazy = sys.argv[1:6]
    api = wandb.Api(api_key=key, overrides={"base_url": url}, timeout=600)
    started = time.perf_counter()
    runs = api.runs(path, per_page=int(per_page), lazy=lazy == "lazy")
    if lazy == "lazy":  # what lazy pages carry (reading the summary would fetch each run on its own)
        rows = [(r.id, r.name, r.state, r.created_at) for r in runs]
    else:
        rows = [(r.id, r.name, r.state, r.created_at, r.summary.get("loss")) for r in runs]
    print(json.dumps({"seconds": time.perf_counter() - started, "runs": len(rows)}))
""")


class Timed:
    """ASGI middleware: the server-side time of every HTTP request (until the response is sent)."""

    def __init__(self, app):
        self.app = app
        self.times: list[float] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()

        async def timed_send(message):
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.times.append(time.perf_counter() - started)
        await self.app(scope, receive, timed_send)


def build(data_dir: Path, runs: int) -> None:
    sandbox = Sandbox.open(data_dir)
    fresh = sandbox.store.setting("demo.workspace") is None
    started = time.perf_counter()
    demo.build(sandbox)
    base = time.perf_counter() - started
    have = sandbox.store.setting(f"demo.scale.{runs}") is not None
    started = time.perf_counter()
    demo.build(sandbox, scale=runs)
    scaled = time.perf_counter() - started
    sandbox.store.close()
    print(f"base demo: {'built in %.1f s' % base if fresh else 'reused'}; "
          f"admin/{scale.project_name(runs)}: {'reused' if have else 'built in %.1f s' % scaled}", flush=True)


def serve(data_dir: Path) -> tuple[server_module.SandboxServer, Timed]:
    """The sandbox in a thread, its app wrapped in `Timed`."""
    timed: list[Timed] = []
    create_app = server_module.create_app
    server_module.create_app = lambda sandbox: timed.append(Timed(create_app(sandbox))) or timed[-1]
    try:
        return server_module.SandboxServer(data_dir), timed[0]
    finally:
        server_module.create_app = create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--per-page", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=None, help="reuse (or create) this data dir")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="wbtui-bench-")) / "data"
    build(data_dir, args.runs)
    server, timed = serve(data_dir)
    path = f"admin/{scale.project_name(args.runs)}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")} | {
        "WANDB_SILENT": "true", "WANDB_CONFIG_DIR": str(data_dir.parent / "wandb-config"),
        "WANDB_CACHE_DIR": str(data_dir.parent / "wandb-cache")}
    try:
        print(f"wandb.Api().runs({path!r}, per_page={args.per_page}) over {args.runs:,} runs,"
              f" best of {args.repeat} (median in brackets):")
        for lazy in ("lazy", "full"):
            client, own, requests = [], [], 0
            for _ in range(args.repeat):
                timed.times.clear()
                out = subprocess.run([sys.executable, "-c", CLIENT, server.url, server.api_key, path,
                                      str(args.per_page), lazy], env=env, capture_output=True, text=True)
                if out.returncode:
                    sys.exit(f"the wandb.Api client failed:\n{out.stderr}")
                result = json.loads(out.stdout.strip().splitlines()[-1])
                assert result["runs"] == args.runs, result
                client.append(result["seconds"])
                own.append(sum(timed.times))
                requests = len(timed.times)
            i = client.index(min(client))
            print(f"  lazy={lazy == 'lazy'!s:5}  client {client[i]:6.2f} s ({statistics.median(client):.2f})"
                  f"  sandbox {own[i]:6.2f} s ({statistics.median(own):.2f})  share {own[i] / client[i]:4.0%}"
                  f"  {requests} requests, {own[i] / requests * 1000:.0f} ms each on the server", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
