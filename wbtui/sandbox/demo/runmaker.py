"""Writing demo runs straight into the sandbox's tables, as the official SDK's path leaves them.

For the other demo modules:

    from .runmaker import EPOCH, RunSpec, iso, make_run, make_runs

    run_ids = make_runs(sandbox, project_id, [RunSpec(name="k3x9q2ab", display_name="resnet50-lr3e-4",
                                                      task="cifar10", config={"arch": "resnet50", "lr": 3e-4}),
                                              ...])

Each run gets what `wandb.init` + `run.log` + `run.finish` would have stored: the `runs` row
(config wrapped as `{"key": {"value": ...}}` with `_wandb`, summary, tags, times, host, git),
history and system-metric lines, console lines, history keys, and the files the SDK uploads
(config.yaml, wandb-metadata.json, requirements.txt, output.log, wandb-summary.json) in blob
storage under the same keys `createRunFiles` hands out, so downloads work.

Times: every demo time is a fixed offset from EPOCH (2026-09-01T08:00:00Z): `RunSpec.start` is
seconds after it. Runs are written in one transaction per call (the caller's, when it has one).
"""

from __future__ import annotations

import hashlib
import json
import math
import mimetypes
import re
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .. import runs
from ..filestream import keyset_ids, value_type
from ..store import Store, json_text
from .training import GPU, TASKS, Trace, iso_micro, simulate

if TYPE_CHECKING:
    from ..app import Sandbox

EPOCH = datetime(2026, 9, 1, 8, 0, 0, tzinfo=timezone.utc)
EPOCH_TS = EPOCH.timestamp()
SDK_VERSION, PYTHON_VERSION = "0.31.0", "3.11.9"


def iso(seconds: float) -> str:
    """The W&B time string (seconds, UTC, no zone) `seconds` after EPOCH."""
    return _ts(EPOCH_TS + seconds)


@dataclass
class RunSpec:
    """A run to create. Only `name`, `display_name`, `task` and `config` (with at least `arch`
    and `lr` for training runs) are needed; the data follows from them deterministically.

    `task` is a key of `training.TASKS` ("mnist", "cifar10", "imagenet", "detection", "llm",
    "sentiment"); `job_type` "train", "preprocess" or "eval" picks what is logged. A train run
    logs loss, the task's metric, lr, grad_norm, epoch, throughput and, every `planned // 20`
    steps, val_loss and val_<metric>; the summary adds best_val_<metric> and best_step.
    """

    name: str                       # the run id: 8 characters of [a-z0-9]
    display_name: str
    task: str
    config: dict[str, Any] = field(default_factory=dict)  # plain values, as passed to wandb.init
    job_type: str = "train"
    steps: int = 1000               # history rows logged
    planned: int | None = None      # rows the script meant to log (> steps when it stopped early)
    state: str = "finished"         # finished | failed | crashed | killed | running
    start: float = 0.0              # seconds after EPOCH
    user: str = "admin"             # username
    tags: Sequence[str] = ()
    group: str | None = None
    notes: str | None = None
    sweep_id: int | None = None
    host: str = "gpu-node-01"
    program: str = "train.py"
    repo: str = "https://github.com/example/ml-experiments.git"
    commit: str | None = None
    seed: int = 0                   # varies the noise; the same spec always gives the same data
    files: bool = True              # upload the SDK's run files (the --scale project skips them)

    @property
    def repo_dir(self) -> str:
        return self.repo.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")


def make_run(sandbox: Sandbox, project_id: int, spec: RunSpec) -> int:
    """Create one run; -> its `runs.id`."""
    return make_runs(sandbox, project_id, [spec])[0]


def make_runs(sandbox: Sandbox, project_id: int, specs: Sequence[RunSpec]) -> list[int]:
    """Create the runs in one transaction; -> their `runs.id`, in the order given."""
    store = sandbox.store
    with store.transaction():
        users = {r["username"]: r for r in store.query("SELECT id, username, email FROM users")}
        keysets: dict[tuple[str, ...], tuple[int, list[str]]] = {}
        return [_write(sandbox, project_id, spec, users, keysets) for spec in specs]


def _write(sandbox: Sandbox, project_id: int, spec: RunSpec, users: dict[str, dict],
           keysets: dict[tuple[str, ...], tuple[int, list[str]]]) -> int:
    store = sandbox.store
    trace = simulate(spec, EPOCH_TS + spec.start)
    user = users[spec.user]
    metadata = _metadata(spec, trace, user)
    config = {k: {"value": v} for k, v in spec.config.items()}
    config["_wandb"] = {"value": {"cli_version": SDK_VERSION, "python_version": PYTHON_VERSION, "m": [],
                                  "t": {"1": [1, 5, 11, 41, 49, 55], "2": [1, 5, 11, 41, 49, 55], "3": [2, 15, 16, 23],
                                        "4": PYTHON_VERSION, "5": SDK_VERSION, "12": SDK_VERSION,
                                        "13": "linux-x86_64"},
                                  "e": {metadata["writerId"]: metadata}}}
    end = trace.end + (17.0 if spec.state == "crashed" else 1.0)  # a crashed run's last heartbeat
    heartbeat = _ts(end)
    system = {k: v for k, v in json.loads(trace.events[-1]).items() if k != "_wandb"} if trace.events else {}
    run_id = store.insert(
        "INSERT INTO runs (project_id, name, display_name, state, config, summary, tags, group_name, job_type,"
        " notes, user_id, sweep_id, created_at, updated_at, heartbeat_at, commit_hash, host, program, repo,"
        " exitcode, system_metrics, history_line_count, events_line_count, log_line_count)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (project_id, spec.name, spec.display_name, spec.state, json_text(config), json_text(trace.summary),
         json.dumps(list(spec.tags)), spec.group, spec.job_type, spec.notes, user["id"], spec.sweep_id,
         _ts(trace.start), heartbeat, heartbeat, spec.commit, spec.host, spec.program, spec.repo,
         trace.exitcode, json_text(system), len(trace.history), len(trace.events), len(trace.console)))
    write_history(store, run_id, trace.history, trace.keysets, keysets)
    store.executemany("INSERT INTO events (run_id, line, data) VALUES (?, ?, ?)",
                      [(run_id, i, line) for i, line in enumerate(trace.events)])
    store.executemany(
        "INSERT INTO log_lines (run_id, line, timestamp, level, label, content) VALUES (?, ?, ?, ?, '', ?)",
        [(run_id, i, iso_micro(ts), level, text) for i, (ts, level, text) in enumerate(trace.console)])
    if spec.files:
        _write_files(sandbox, run_id, spec, trace, config, metadata)
    return run_id


def write_history(store: Store, run_id: int, lines: Sequence[str], keysets: Sequence[tuple[str, ...]],
                  keyset_cache: dict[tuple[str, ...], tuple[int, list[str]]] | None = None) -> None:
    """History lines (steps 0, 1, ...) whose keys are known, so no line is parsed, with their
    key counts; `keyset_cache` keeps each keyset's id and value types across calls."""
    cache = {} if keyset_cache is None else keyset_cache
    for keys in sorted(set(keysets).difference(cache)):  # sorted: ids must not follow set order (hash seeds)
        text, sample = json.dumps(sorted(keys)), json.loads(lines[keysets.index(keys)])
        cache[keys] = keyset_ids(store, {text})[text], [value_type(sample[k]) for k in keys]
    store.executemany(
        "INSERT INTO history (run_id, line, step, keyset, data) VALUES (?, ?, ?, ?, ?)",
        [(run_id, i, i, cache[k][0], line) for i, (line, k) in enumerate(zip(lines, keysets))])
    counts: Counter[tuple[str, str]] = Counter()
    for keys, n in Counter(keysets).items():
        for key, kind in zip(keys, cache[keys][1]):
            counts[key, kind] += n
    store.executemany(
        "INSERT INTO history_keys (run_id, key, type, count) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (run_id, key, type) DO UPDATE SET count = count + excluded.count",
        [(run_id, k, t, n) for (k, t), n in counts.items()])


def _ts(unix: float) -> str:
    """The W&B time string of a unix time."""
    return datetime.fromtimestamp(unix, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _metadata(spec: RunSpec, trace: Trace, user: dict) -> dict[str, Any]:
    """wandb-metadata.json, as the SDK writes it at start-up."""
    gpus = spec.config.get("gpus", 1) if spec.job_type != "preprocess" else 0
    root = f"/home/{spec.user}/{spec.repo_dir}"
    args = [f"--{k.replace('_', '-')}={v}" for k, v in spec.config.items() if isinstance(v, (int, float, str))][:6]
    meta: dict[str, Any] = {
        "os": "Linux-5.15.0-119-generic-x86_64-with-glibc2.35", "python": f"CPython {PYTHON_VERSION}",
        "startedAt": iso_micro(trace.start) + "Z", "args": args, "program": f"{root}/{spec.program}",
        "codePath": spec.program, "codePathLocal": spec.program,
        "git": {"remote": spec.repo, "commit": spec.commit}, "email": user["email"], "root": root,
        "host": spec.host, "username": spec.user, "executable": f"/home/{spec.user}/.venvs/{spec.repo_dir}/bin/python",
        "cpu_count": 64, "cpu_count_logical": 128,
        "disk": {"/": {"total": "1967317549056", "used": str(612000000000 + int(spec.start) * 1000)}},
        "memory": {"total": "1081801371648"}, "cpu": {"model": "AMD EPYC 7763 64-Core Processor"},
        "writerId": str(uuid.UUID(hashlib.md5(f"{spec.name}:{spec.seed}".encode()).hexdigest())),
    }
    if gpus:
        meta |= {"gpu": GPU, "gpu_count": gpus, "cudaVersion": "12.4",
                 "gpu_nvidia": [{"name": GPU, "memoryTotal": "85899345920", "cudaCores": 6912,
                                 "architecture": "Ampere", "uuid": f"GPU-{spec.host}-{g}"} for g in range(gpus)]}
    return meta


def config_yaml(config: dict[str, Any]) -> str:
    """config.yaml as the SDK writes it: block style, sorted keys, 4-space indents. Written here
    rather than by PyYAML, whose representer is pure Python (a third of the demo's build time);
    tests check that PyYAML reads every demo config back unchanged."""
    return "".join(line + "\n" for line in _yaml_block(config, 0))


_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*")
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "null", "y", "n"})


def _yaml_scalar(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
        text = repr(value)
        return text.replace("e", ".0e") if "e" in text and "." not in text else text  # 1e-05 is text to YAML 1.1
    if isinstance(value, dict | list):  # only empty ones get here
        return "{}" if isinstance(value, dict) else "[]"
    text = str(value)
    return text if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS else json.dumps(text)


def _yaml_block(value: dict | list, indent: int) -> list[str]:
    pad, out = " " * indent, []
    if isinstance(value, dict):
        for key in sorted(value):
            item = value[key]
            if isinstance(item, dict | list) and item:
                out += [f"{pad}{_yaml_scalar(str(key))}:", *_yaml_block(item, indent + 4)]
            else:
                out.append(f"{pad}{_yaml_scalar(str(key))}: {_yaml_scalar(item)}")
        return out
    for item in value:
        if isinstance(item, dict | list) and item:
            inner = _yaml_block(item, indent + 2)
            out += [f"{pad}- {inner[0][indent + 2:]}", *inner[1:]]
        else:
            out.append(f"{pad}- {_yaml_scalar(item)}")
    return out


REQUIREMENTS = {
    "vision": ["torch==2.4.1", "torchvision==0.19.1", "timm==1.0.9", "numpy==1.26.4", "pillow==10.4.0",
               "albumentations==1.4.15", "webdataset==0.2.100", "pyyaml==6.0.2"],
    "text": ["torch==2.4.1", "transformers==4.45.1", "datasets==3.0.1", "accelerate==0.34.2", "peft==0.13.0",
             "bitsandbytes==0.44.1", "sentencepiece==0.2.0", "numpy==1.26.4", "evaluate==0.4.3"],
}


def _write_files(sandbox: Sandbox, run_id: int, spec: RunSpec, trace: Trace, config: dict, metadata: dict) -> None:
    """Upload the run files the SDK sends: two at start-up, the rest when the run ends."""
    family = "text" if spec.task in ("llm", "sentiment") else "vision"
    files = {"wandb-metadata.json": json.dumps(metadata, indent=2),
             "requirements.txt": "\n".join(sorted([*REQUIREMENTS[family], f"wandb=={SDK_VERSION}"])) + "\n"}
    ended = spec.state not in ("running", "crashed")  # a crashed process never uploaded its last files
    if ended:
        files |= {"config.yaml": config_yaml(config),
                  "output.log": "".join(text + "\n" for _, _, text in trace.console),
                  "wandb-summary.json": json.dumps(trace.summary, separators=(",", ":"))}
    rows = []
    for name, text in files.items():
        size, md5 = sandbox.storage.write(runs.files_key(run_id, name), text.encode())
        when = _ts(trace.start + 5 if name in ("wandb-metadata.json", "requirements.txt") else trace.end + 1)
        rows.append((run_id, name, size, md5, mimetypes.guess_type(name)[0], when, when))
    sandbox.store.executemany(
        "INSERT INTO run_files (run_id, name, size, md5, mimetype, uploaded, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, 1, ?, ?)", rows)


__all__ = ["EPOCH", "EPOCH_TS", "TASKS", "RunSpec", "iso", "make_run", "make_runs", "write_history"]
