"""Benchmarks of the TUI (issue 4): start-up, a 10,000-run project, scrolling, memory.

    python -m tests.benchmarks.bench_tui [--data-dir DIR] [--runs 10000]

Prints numbers (not a timed test; pytest does not collect it):
 1. `wbtui demo` from launch to the first screen with data (the demo already built, as on every
    start after the first), in a pseudo-terminal, against `python -c "import wandb"`;
 2. opening the --runs project until its first rows show, over HTTP to the sandbox;
 3. key press latency while scrolling through every run (down and page down): worst, p99, median;
 4. the peak memory of the TUI process after that.
--data-dir keeps the built data sets, so later runs skip the build.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "tui"))


def seconds_until(argv: list[str], marker: bytes, env: dict[str, str], timeout: float = 60) -> float:
    """Run `argv` in a 100x30 pseudo-terminal; seconds until `marker` appears in its output."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of a known size, then the program
        os.environ.update(env | {"COLUMNS": "100", "LINES": "30", "TERM": "xterm-256color"})
        os.execvp(argv[0], argv)
    start = time.perf_counter()
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if marker in seen:
                    return time.perf_counter() - start
        raise RuntimeError(f"{marker!r} did not appear within {timeout} s")
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def bench_startup(data_root: Path) -> None:
    from wbtui.sandbox import demo
    from wbtui.sandbox.app import Sandbox

    demo_dir = data_root / "demo"
    started = time.perf_counter()
    sandbox = Sandbox.open(demo_dir)
    demo.build(sandbox)
    sandbox.store.close()
    print(f"demo workspace build (first start only): {time.perf_counter() - started:.1f} s")
    env = {"WBTUI_DATA_DIR": str(data_root)}
    wbtui = [str(Path(sys.executable).with_name("wbtui")), "demo"]
    first = [seconds_until(wbtui, b"cifar10-resnet", env) for _ in range(3)]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import wandb"], check=True)
    wandb_import = time.perf_counter() - started
    print(f"wbtui demo, launch to first screen with data: best {min(first):.2f} s, "
          f"runs {', '.join(f'{t:.2f}' for t in first)} (target < 1 s)")
    print(f'python -c "import wandb": {wandb_import:.2f} s  '
          f"(ratio wbtui demo / import wandb: {min(first) / wandb_import:.2f})")


async def bench_runs(data_root: Path, runs: int) -> None:
    from textual.pilot import Pilot

    from scenes import settle
    from wbtui.config import Settings
    from wbtui.core import Api
    from wbtui.sandbox import demo
    from wbtui.sandbox.app import Sandbox
    from wbtui.tui.app import WbtuiApp
    from wbtui.tui.refs import Kind, Ref
    from wbtui.tui.widgets.paged_table import PagedTable

    scale_dir = data_root / f"scale-{runs}"
    started = time.perf_counter()
    sandbox = Sandbox.open(scale_dir)
    demo.build(sandbox, scale=runs)
    sandbox.store.close()
    print(f"\n{runs:,}-run project: built or found in {time.perf_counter() - started:.1f} s")

    # the sandbox in its own process, so the memory measured below is the TUI's
    server = subprocess.Popen([sys.executable, "-m", "wbtui.cli", "sandbox", "--port", "0", "--data-dir",
                               str(scale_dir), "--crash-after", "1e9"], stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().split()[3]  # "wbtui sandbox serving URL (data: ...)"
        key = (scale_dir / "admin-api-key").read_text().strip()
        app = WbtuiApp(Settings(), lambda: Api(overrides={"base_url": url}, api_key=key))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            pilot: Pilot
            started = time.perf_counter()
            app.screen.open(Ref(Kind.RUNS, "admin", f"scale-{runs}"), focus=True)
            table = None
            while time.perf_counter() - started < 60:
                await pilot.pause(0.005)
                tables = app.screen.query(PagedTable)
                if tables and tables.first().rows:
                    table = tables.first()
                    break
            opened = time.perf_counter() - started
            assert table is not None, "no rows within 60 s"
            print(f"open the project until its first rows show: {opened * 1000:.0f} ms (target < 500 ms)")

            latencies: list[float] = []
            stalls = 0
            while table.cursor_row < runs - 1:
                key = "pagedown" if len(latencies) % 4 else "down"
                before = table.cursor_row
                started = time.perf_counter()
                await pilot.press(key)
                latencies.append(time.perf_counter() - started)
                if table.cursor_row == before:  # at the end of what has loaded: wait for the page
                    stalls += 1
                    await pilot.pause(0.05)
                    if stalls > 2000:
                        raise RuntimeError("scrolling stalled")
            latencies.sort()
            worst, p99 = latencies[-1], latencies[int(len(latencies) * 0.99)]
            print(f"scrolling all {len(table.rows):,} rows ({len(latencies):,} key presses, "
                  f"{stalls} waits for a page): worst {worst * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
                  f"median {statistics.median(latencies) * 1000:.1f} ms (target worst < 50 ms)")
    finally:
        server.terminate()
        server.wait()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the TUI process after scrolling every run: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="keep the built data sets here")
    parser.add_argument("--runs", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.data_dir or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        bench_startup(root)
        asyncio.run(bench_runs(root, args.runs))


if __name__ == "__main__":
    main()
