"""Benchmarks of wbtui.core against the official wandb.Api, same sandbox, same data, same run.

    python -m tests.benchmarks.bench_core [--runs 10000] [--steps 100000] [--data-dir DIR]

Prints numbers and ratios (not a timed test; pytest does not collect it):
 1. list every run of a --runs project with name, state, created time and two summary values
    (wandb.Api at its fastest correct setting: lazy=False, per_page=1000) -- time and memory;
 2. the full history of a --steps run: wandb's scan_history() vs wbtui's scan_history();
 3. chart data for 4 metrics of 10 runs -- GraphQL round trips (counted by a proxy) and time.
Each measurement runs in a fresh subprocess, so imports and caches of one client never help the
other. The data set is built once through the W&B protocol (GraphQL + file_stream) and kept in
--data-dir when given, so later runs skip the build.

Wall times on a shared machine count waits for a core, so CPU times are printed beside them: the
client's (its process and children: wandb.Api's GraphQL runs in its wandb-core process) and the
sandbox's (this process, which only serves while a worker runs). Listing and history talk to the
sandbox directly; the chart benchmark goes through a proxy that counts round trips.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

ENTITY_PROJECT = "bench-runs"
HISTORY_PROJECT = "bench-history"
CHART_PROJECT = "bench-chart"
HISTORY_RUN = "hist0001"
METRICS = ["loss", "acc", "lr", "grad_norm"]


# building the data set through the protocol ------------------------------------------------

async def build(url: str, key: str, runs: int, steps: int) -> None:
    from wbtui.core import Api

    async with Api(api_key=key, overrides={"base_url": url}, max_concurrency=16) as api:
        entity = await api.default_entity()
        existing = await api.runs(f"{entity}/{ENTITY_PROJECT}", per_page=1).count() if await _has(api, entity) else 0
        if existing < runs:
            print(f"building {runs - existing} runs ...", flush=True)
            await asyncio.gather(*(_make_run(api, entity, i) for i in range(existing, runs)))
        history = await api.runs(f"{entity}/{HISTORY_PROJECT}").list() if await _has(api, entity, HISTORY_PROJECT) else []
        if not history:
            print(f"building a {steps}-step history ...", flush=True)
            await _stream_history(api, entity, HISTORY_PROJECT, HISTORY_RUN, steps, ["loss", "acc"])
        chart = await api.runs(f"{entity}/{CHART_PROJECT}").list() if await _has(api, entity, CHART_PROJECT) else []
        if len(chart) < 10:
            print("building 10 chart runs ...", flush=True)
            await asyncio.gather(*(_stream_history(api, entity, CHART_PROJECT, f"chart{i:03d}", 2000, METRICS) for i in range(10)))


async def _has(api: Any, entity: str, project: str = ENTITY_PROJECT) -> bool:
    return project in [p.name async for p in api.projects(entity)]


async def _make_run(api: Any, entity: str, i: int) -> None:
    config = {"lr": {"value": 10 ** -(1 + i % 4)}, "bs": {"value": 2 ** (4 + i % 4)}, "seed": {"value": i}}
    summary = {"loss": 1.0 / (i + 1), "acc": (i % 100) / 100, "_step": 100, "epoch": i % 10}
    await api._query("UpsertRun", {
        "entity": entity, "project": ENTITY_PROJECT, "name": f"run{i:06d}", "displayName": f"run-{i}",
        "config": json.dumps(config), "summaryMetrics": json.dumps(summary), "tags": ["bench"],
    }, idempotent=True)


async def _stream_history(api: Any, entity: str, project: str, name: str, steps: int, keys: list[str]) -> None:
    await api._query("UpsertRun", {"entity": entity, "project": project, "name": name}, idempotent=True)
    url = f"{api.settings.base_url}/files/{entity}/{project}/{name}/file_stream"
    start = time.time()
    chunk = 5000
    for offset in range(0, steps, chunk):
        lines = [
            json.dumps({"_step": s, "_timestamp": start + s / 100, "_runtime": s / 100,
                        **{k: round(1.0 / (s + 1 + j), 8) for j, k in enumerate(keys)}})
            for s in range(offset, min(offset + chunk, steps))
        ]
        await api._transport.post_json(url, {"files": {"wandb-history.jsonl": {"offset": offset, "content": lines}}},
                                       idempotent=True)
    await api._transport.post_json(url, {"complete": True, "exitcode": 0}, idempotent=True)


# measurements (each in a fresh subprocess) ---------------------------------------------------

def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            parents[int(entry)] = int(fields[1])
            times[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    tree, todo = set(), [pid]
    while todo:
        current = todo.pop()
        tree.add(current)
        todo += [child for child, parent in parents.items() if parent == current and child not in tree]
    return sum(times.get(p, 0.0) for p in tree)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Meter:
    """Time, CPU time of this process and its children, peak Python heap (tracemalloc, a separate
    pass: it slows everything) and RSS growth."""

    def __init__(self, trace: bool) -> None:
        self.trace = trace

    def __enter__(self) -> Meter:
        self.rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if self.trace:
            tracemalloc.start()
        self.cpu_before = tree_cpu(os.getpid())
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
        self.cpu = tree_cpu(os.getpid()) - self.cpu_before
        self.peak = tracemalloc.get_traced_memory()[1] if self.trace else None
        self.rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - self.rss_before

    def result(self, count: int) -> dict[str, Any]:
        return {"seconds": self.seconds, "cpu": self.cpu, "count": count, "peak_bytes": self.peak,
                "rss_growth_kb": self.rss_growth}


def sdk_worker(mode: str, url: str, key: str, trace: bool) -> dict[str, Any]:
    import wandb

    api = wandb.Api(api_key=key, overrides={"base_url": url}, timeout=120)  # set-up, not measured
    entity = api.default_entity
    with Meter(trace) as meter:
        if mode == "list":
            runs = api.runs(f"{entity}/{ENTITY_PROJECT}", per_page=1000, lazy=False)
            count = len([(r.name, r.state, r.created_at, r.summary_metrics.get("loss"), r.summary_metrics.get("acc"))
                         for r in runs])
        elif mode == "history":
            count = sum(1 for _ in api.run(f"{entity}/{HISTORY_PROJECT}/{HISTORY_RUN}").scan_history())
        else:
            runs = list(api.runs(f"{entity}/{CHART_PROJECT}", per_page=50))
            count = sum(len(r.history(keys=METRICS, samples=500, pandas=False)) for r in runs)
    return meter.result(count)


async def core_worker(mode: str, url: str, key: str, trace: bool) -> dict[str, Any]:
    from wbtui.core import Api

    async with Api(api_key=key, overrides={"base_url": url}, timeout=120) as api:
        entity = await api.default_entity()  # set-up, as in wandb.Api's constructor; not measured
        query = _raw_document(mode == "rawsdk") if mode in ("raw", "rawsdk") else None
        with Meter(trace) as meter:
            if mode == "list":
                rows = [(r.name, r.state, r.created_at, r.summary.get("loss"), r.summary.get("acc"))
                        async for r in api.runs(f"{entity}/{ENTITY_PROJECT}", per_page=1000, summary_keys=["loss", "acc"])]
                count = len(rows)
            elif mode == "history":
                run = await api.run(f"{entity}/{HISTORY_PROJECT}/{HISTORY_RUN}")
                count = sum([1 async for _ in run.scan_history()])
            elif mode in ("raw", "rawsdk"):
                count = await _raw_listing(api, url, entity, query)
            else:
                runs = await api.runs(f"{entity}/{CHART_PROJECT}", per_page=50).list()
                data = await api.sampled_histories(runs, METRICS, samples=500)
                count = sum(len(rows) for per_run in data.values() for rows in per_run.values()) // len(METRICS)
    return meter.result(count)


def worker(mode: str, url: str, key: str, trace: bool) -> dict[str, Any]:
    kind, _, client = mode.partition("-")
    if client == "sdk":
        return sdk_worker(kind, url, key, trace)
    return asyncio.run(core_worker(kind, url, key, trace))


def _raw_document(sdk_document: bool) -> str:
    """wbtui.core's runs document, or wandb.Api's lazy=False one (importing wandb takes a second:
    done before the measurement)."""
    if sdk_document:
        from wandb.apis.public.runs import _create_runs_query

        return _create_runs_query(lazy=False)
    from wbtui.core.queries import document

    return document("Runs")


async def _raw_listing(api: Any, url: str, entity: str, query: str) -> int:
    """The sandbox's share of the listing: the requests of one client's document, the responses
    not even decoded."""
    transport, cursor, pages = api._transport, None, 0
    while True:
        variables = {"entity": entity, "project": ENTITY_PROJECT, "cursor": cursor, "perPage": 1000,
                     "order": "+created_at", "filters": "{}", "withCount": pages == 0,
                     "withSummary": True, "summaryKeys": ["loss", "acc"]}
        response = await transport._client.post(
            f"{url}/graphql", content=json.dumps({"query": query, "variables": variables}),
            headers={"Authorization": transport._auth_header, "Content-Type": "application/json"})
        pages += 1
        tail = response.content[-200:].decode()  # pageInfo comes last: no need to decode it all
        if '"hasNextPage":true' not in tail.replace(" ", ""):
            return pages
        cursor = tail.split('"endCursor":')[1].split('"')[1]


def run_worker(mode: str, url: str, key: str, trace: bool = False) -> dict[str, Any]:
    """One measurement in a fresh process; `server_cpu`: this process's CPU meanwhile (the
    sandbox's, as nothing else runs here while the worker does)."""
    cmd = [sys.executable, "-m", "tests.benchmarks.bench_core", "--worker", mode, "--url", url, "--key", key]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WANDB_")} | {"WANDB_SILENT": "true"}
    if trace:
        cmd.append("--trace")
    before = own_cpu()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    return json.loads(out.strip().splitlines()[-1]) | {"server_cpu": own_cpu() - before}


# a proxy that counts GraphQL requests ------------------------------------------------------

class CountingProxy:
    """127.0.0.1 TCP proxy in front of the sandbox, counting `POST /graphql` requests."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.count = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, count: bool) -> None:
            try:
                while data := await src.read(65536):
                    if count:
                        self.count += data.count(b"POST /graphql ")
                    dst.write(data)
                    await dst.drain()
            except ConnectionError:
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer, True), pipe(up_reader, writer, False))

    def reset(self) -> None:
        self.count = 0


# reporting ---------------------------------------------------------------------------------

def interleaved(kind: str, url: str, key: str, repeat: int) -> dict[str, list[dict[str, Any]]]:
    """sdk, core, core, sdk, ...: alternating, so load from other processes hits both alike."""
    results: dict[str, list[dict[str, Any]]] = {"sdk": [], "core": []}
    for i in range(repeat):
        for client in ("sdk", "core") if i % 2 == 0 else ("core", "sdk"):
            results[client].append(run_worker(f"{kind}-{client}", url, key))
    return results


def best(results: list[dict[str, Any]], what: str = "seconds") -> float:
    return min(r[what] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--only", choices=["import", "list", "history", "chart"], action="append",
                        help="run only these benchmarks (repeatable)")
    parser.add_argument("--worker")
    parser.add_argument("--url")
    parser.add_argument("--key")
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.url, args.key, args.trace)))
        return

    from wbtui.sandbox.server import SandboxServer

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="wbtui-bench-"))
    with SandboxServer(data_dir) as server:
        started = time.perf_counter()
        asyncio.run(build(server.url, server.api_key, args.runs, args.steps))
        print(f"data ready in {time.perf_counter() - started:.1f} s ({data_dir}); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")

        only = set(args.only or ["import", "list", "history", "chart"])
        if "import" in only:
            import_benchmark()
        if "list" in only:
            list_benchmark(server.url, server.api_key, args)
        if "history" in only:
            history_benchmark(server.url, server.api_key, args)
        if "chart" in only:
            proxy = CountingProxy(server.port)
            chart_benchmark(f"http://127.0.0.1:{proxy.port}", server.api_key, proxy)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


def list_benchmark(url: str, key: str, args: argparse.Namespace) -> None:
    print(f"1. list {args.runs} runs: name, state, created, 2 summary values (best of {args.repeat}, interleaved)")
    timing = interleaved("list", url, key, args.repeat)
    memory = {c: run_worker(f"list-{c}", url, key, trace=True) for c in ("sdk", "core")}
    for c in ("sdk", "core"):
        print(f"   {NAMES[c]}  {best(timing[c]):5.2f} s  CPU: client {best(timing[c], 'cpu'):5.2f} s, "
              f"sandbox {best(timing[c], 'server_cpu'):5.2f} s  {timing[c][0]['count']} runs  "
              f"peak Python heap {memory[c]['peak_bytes'] / 2**20:5.1f} MiB  "
              f"RSS growth {memory[c]['rss_growth_kb'] / 1024:5.1f} MiB")
    raw = {c: [run_worker(f"{mode}-core", url, key) for _ in range(args.repeat)]
           for c, mode in (("core", "raw"), ("sdk", "rawsdk"))}
    print(f"   the sandbox alone answers wbtui.core's {raw['core'][0]['count']} requests in "
          f"{best(raw['core']):.2f} s (CPU {best(raw['core'], 'server_cpu'):.2f} s), wandb.Api's in "
          f"{best(raw['sdk']):.2f} s (CPU {best(raw['sdk'], 'server_cpu'):.2f} s): floors for the clients")
    total = {c: min(r["cpu"] + r["server_cpu"] for r in timing[c]) for c in timing}
    print(f"   -> wbtui.core is {best(timing['sdk']) / best(timing['core']):.1f}x faster "
          f"({total['sdk'] / total['core']:.1f}x less CPU, client and sandbox together), "
          f"peak heap {memory['core']['peak_bytes'] / memory['sdk']['peak_bytes']:.2f} of wandb.Api's "
          f"(wandb.Api's GraphQL also runs in its wandb-core process, not counted in its heap)\n")


def history_benchmark(url: str, key: str, args: argparse.Namespace) -> None:
    print(f"2. full history of a {args.steps}-step run, scan_history() (best of {args.repeat}, interleaved)")
    hist = interleaved("history", url, key, args.repeat)
    for c in ("sdk", "core"):
        print(f"   {NAMES[c]}  {best(hist[c]):7.2f} s  CPU: client {best(hist[c], 'cpu'):5.2f} s, "
              f"sandbox {best(hist[c], 'server_cpu'):5.2f} s  {hist[c][0]['count']} rows")
    print(f"   -> wbtui.core is {best(hist['sdk']) / best(hist['core']):.1f}x faster\n")


def chart_benchmark(url: str, key: str, proxy: CountingProxy) -> None:
    print("3. chart data: 4 metrics x 10 runs (listing the runs included)")
    for c in ("sdk", "core"):
        proxy.reset()
        result = run_worker(f"chart-{c}", url, key)
        trips = proxy.count
        print(f"   {NAMES[c]}  {result['seconds']:6.2f} s  {trips:3d} GraphQL round trips "
              f"({trips / 10:.1f} per run, Api set-up included)")
    print()


def import_benchmark(repeat: int = 5) -> None:
    print(f"0. import time, a fresh interpreter each time (best of {repeat})")
    statements = {
        "python -c pass": "pass",
        "import wbtui.core": "import wbtui.core",
        "from wbtui.core import Api": "from wbtui.core import Api",
        "... and Api() (httpx)": "from wbtui.core import Api; Api(api_key='k', overrides={'base_url': 'http://127.0.0.1:9'})",
        "import wandb": "import wandb",
    }
    for label, code in statements.items():
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - started)
        print(f"   {label:30} {min(times) * 1000:6.0f} ms")
    print()


NAMES = {"sdk": "wandb.Api ", "core": "wbtui.core"}


if __name__ == "__main__":
    main()
