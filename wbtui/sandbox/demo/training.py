"""What a training, preprocessing or evaluation script would log to W&B, simulated.

`simulate(spec)` turns a `RunSpec` into the history lines, system-metric lines, console lines
and summary that the official SDK would have streamed for it. Everything comes from one random
generator seeded by the run's name, so the same spec always gives the same data.

Lines are formatted with `%` templates rather than `json.dumps`: a dict per row is four times
slower, and the base demo writes about 400,000 rows. Values keep 6 significant digits.
"""

from __future__ import annotations

import functools
import json
import math
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import accumulate
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .runmaker import RunSpec


@dataclass(frozen=True)
class Task:
    """A kind of model training: what is measured, where it starts, what each model reaches."""

    metric: str                 # quality metric: "accuracy", "mAP50"
    chance: float               # its value before training
    loss0: float                # the loss before training
    loss_floor: float           # the loss of a perfect model (LLM losses never reach 0)
    archs: dict[str, tuple[float, float]]  # arch -> (best val metric, samples/s per GPU)
    best_lr: dict[str, float]   # optimizer -> the learning rate that works best
    unit: str = "samples"       # throughput is logged as `<unit>_per_sec`
    dataset: str = ""
    train_metric: bool = True   # the metric is also logged on training rows
    perplexity: bool = False    # val rows carry val_perplexity = exp(val_loss)


TASKS = {
    "mnist": Task("accuracy", 0.1, 2.303, 0.0, {"mlp-2x512": (0.985, 21000.0), "lenet5": (0.991, 18000.0),
                                                  "cnn-small": (0.994, 15000.0)},
                  {"sgd": 0.05, "adam": 1e-3, "adamw": 1e-3}, dataset="mnist"),
    "cifar10": Task("accuracy", 0.1, 2.303, 0.0, {"resnet18": (0.953, 5200.0), "resnet50": (0.962, 2100.0),
                                                    "wide-resnet-28-10": (0.968, 950.0), "vit-s16": (0.942, 1800.0)},
                    {"sgd": 0.1, "adam": 1e-3, "adamw": 1e-3, "lamb": 4e-3}, dataset="cifar10"),
    "imagenet": Task("accuracy", 0.001, 6.908, 0.0, {"resnet50": (0.787, 1250.0), "vit-b16": (0.812, 820.0),
                                                       "convnext-t": (0.821, 950.0), "efficientnet-b3": (0.806, 700.0)},
                     {"sgd": 0.2, "adamw": 1e-3, "lamb": 5e-3}, dataset="imagenet-1k"),
    "detection": Task("mAP50", 0.0, 9.5, 1.1, {"yolov8s": (0.617, 410.0), "yolov8m": (0.672, 230.0),
                                               "detr-r50": (0.634, 95.0), "rtdetr-l": (0.711, 140.0)},
                      {"sgd": 0.01, "adamw": 1e-4}, dataset="coco-2017", train_metric=False),
    "llm": Task("accuracy", 0.31, 2.45, 0.85, {"llama-3-8b": (0.664, 3100.0), "mistral-7b": (0.651, 3400.0),
                                                 "qwen2.5-7b": (0.658, 3300.0), "phi-3-mini": (0.612, 7400.0)},
                {"adamw": 2e-4, "paged-adamw-8bit": 2e-4, "lion": 3e-5}, unit="tokens", dataset="ultrachat-200k",
                perplexity=True),
    "sentiment": Task("accuracy", 0.5, 0.693, 0.0, {"bert-base": (0.927, 690.0), "roberta-base": (0.948, 660.0),
                                                      "deberta-v3-base": (0.956, 430.0), "distilbert": (0.911, 1300.0)},
                      {"adamw": 2e-5, "adam": 2e-5}, dataset="sst2"),
}

GPU = "NVIDIA A100-SXM4-80GB"


@dataclass
class Trace:
    """Everything one simulated run logged."""

    history: list[str]                      # wandb-history.jsonl lines
    keysets: list[tuple[str, ...]]          # the keys of each history line
    events: list[str]                       # wandb-events.jsonl lines (system metrics)
    console: list[tuple[float, str, str]]   # (unix time, level "" or "error", text)
    summary: dict[str, Any]
    start: float                            # unix time of wandb.init
    end: float                              # unix time of the last line
    exitcode: int | None


def iso_micro(ts: float) -> str:
    """A console line's time, as the SDK writes it (microseconds, no zone)."""
    return datetime.fromtimestamp(ts, timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")


def _template(keys: tuple[str, ...], formats: dict[str, str]) -> str:
    return "{" + ",".join(f'"{k}":{formats.get(k, "%.6g")}' for k in keys) + "}"


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def learning_rates(config: dict[str, Any], ts: list[float]) -> list[float]:
    """The learning rate at each training progress t (0..1): warmup, then the configured schedule."""
    base, warmup, kind = config["lr"], config.get("warmup_frac", 0.05) or 1e-9, config.get("scheduler", "cosine")
    if kind == "cosine":
        decay = [0.5 + 0.5 * math.cos(math.pi * t) for t in ts]
    elif kind == "step":
        decay = [0.1 ** int(t * 2.999) for t in ts]
    elif kind == "linear":
        decay = [1 - t for t in ts]
    else:
        decay = [1.0] * len(ts)
    return [base * d * ((t + 1e-3) / warmup if t + 1e-3 < warmup else 1.0) for t, d in zip(ts, decay)]


@dataclass(frozen=True)
class Outlook:
    """Where a training configuration ends up (the simulation's hidden truth)."""

    best: float        # best validation metric
    train_best: float  # training metric at the end
    overfits: bool     # validation gets worse in the second half
    diverges: bool     # the loss blows up to NaN
    rate: float        # how fast the loss falls


def outlook(task: Task, config: dict[str, Any]) -> Outlook:
    """How well a config trains: the learning rate's distance from the optimizer's best one
    matters most; regularization decides whether it overfits."""
    ceiling = task.archs[config["arch"]][0]
    off = math.log10(config["lr"] / task.best_lr.get(config.get("optimizer", ""), config["lr"]))
    fit = math.exp(-0.5 * (off / 0.75) ** 2)
    reg = config.get("weight_decay", 0.0) > 0 or config.get("dropout", 0.0) > 0
    augment = bool(config.get("augment", True))
    best = task.chance + (ceiling - task.chance) * (0.55 + 0.45 * fit)
    best -= (0.0 if augment else 0.012) + (0.0 if reg else 0.01)
    best -= 0.02 * max(0.0, 1 - config.get("epochs", 30) / 30)
    overfits = not reg and not augment
    gap = 0.08 if overfits else 0.025
    return Outlook(best=best, train_best=min(0.999, best + gap * (1 - task.chance)), overfits=overfits,
                   diverges=off > 1.2, rate=_clip(30 * 10 ** (0.5 * off), 8.0, 120.0))


def _loss_for(task: Task, metric: float) -> float:
    """The loss that goes with a metric value: from loss0 at chance down to loss_floor at 1."""
    frac = _clip((metric - task.chance) / (1 - task.chance), 0.0, 0.999)
    return task.loss_floor + (task.loss0 - task.loss_floor) * (1 - frac) ** 1.6


# --------------------------------------------------------------------------- training
TIME_FORMATS = {"epoch": "%.4f", "_timestamp": "%.3f", "_runtime": "%.3f", "_step": "%d"}


def train_keys(task: Task, eval_row: bool) -> tuple[str, ...]:
    keys = ["loss", *([task.metric] if task.train_metric else []), "lr", "grad_norm", "epoch", f"{task.unit}_per_sec"]
    if eval_row:
        keys += ["val_loss", f"val_{task.metric}", *(["val_perplexity"] if task.perplexity else [])]
    return (*keys, "_timestamp", "_runtime", "_step")


class Block(NamedTuple):
    """Consecutive logged training steps, as columns."""

    lines: list[str]
    keys: list[tuple[str, ...]]
    loss: list[float]
    metric: list[float]
    lr: list[float]
    epoch: list[float]
    throughput: list[float]
    val: dict[int, tuple[float, ...]]  # row -> (val_loss, val metric[, val_perplexity]) on evaluation steps


def _noise(rng: random.Random) -> float:
    """Roughly N(0, 1): random.gauss is pure Python and 10x slower than two C calls."""
    return (rng.random() + rng.random() - 1.0) * 2.45


class TrainingCurve:
    """The values of a training run at any history step (the live runs go on past `planned`).

    Steps are made a block at a time, column by column: this is the demo's hot loop (400,000
    rows), and list comprehensions are about twice as fast as a function call per step.
    """

    def __init__(self, task: Task, config: dict[str, Any], planned: int, diverge_at: int | None = None):
        self.task, self.config, self.planned = task, config, planned
        self.look = look = outlook(task, config)
        self.eval_every = max(1, planned // config.get("evals", 20))
        self.diverge_at = (diverge_at if diverge_at is not None else int(planned * 0.3)) if look.diverges else None
        self.throughput = task.archs[config["arch"]][1] * config.get("gpus", 1)
        # a history row is `log_every` optimizer steps of `batch_size` samples (of seq_len tokens)
        work = config.get("batch_size", 256) * config.get("log_every", 10) * config.get("seq_len", 1)
        self.row_seconds = work / self.throughput
        self.keys = {e: train_keys(task, e) for e in (False, True)}
        self.templates = {e: _template(k, TIME_FORMATS) for e, k in self.keys.items()}
        self.epochs = config.get("epochs", 30)

    def block(self, first: int, times: list[float], runtimes: list[float], rng: random.Random) -> Block:
        """Steps `first`, `first + 1`, ... logged at unix `times`, `runtimes` seconds into the run."""
        task, look, rand = self.task, self.look, rng.random
        chance, floor, top = task.chance, task.loss_floor, task.loss0 - task.loss_floor
        span, rate, norm = look.train_best - chance, look.rate, 1 / (1 - (1 + look.rate) ** -0.7)
        steps = range(first, first + len(times))
        per_step = 1 / max(1, self.planned - 1)
        ts = [i * per_step for i in steps]
        if ts and ts[-1] > 1.0:  # a live run past its plan stays where the plan ended
            ts = [t if t < 1.0 else 1.0 for t in ts]
        # p: the share of the way to the final values, a power law in t: steep early, still improving late,
        # as real loss curves are (0 <= p <= 1)
        ps = [(1 - (1 + rate * t) ** -0.7) * norm for t in ts]
        fit = [chance + span * p ** 0.9 for p in ps]
        # batch noise: a batch with a higher loss has a lower accuracy
        noise = [rand() + rand() - 1.0 for _ in ts]
        inv, amp = 1 / (1 - chance), 0.03 * (1 - chance)
        loss = [(floor + top * (1 - (m - chance) * inv) ** 1.6) * (1 + 0.11 * (1.2 - p) * e)
                for m, p, e in zip(fit, ps, noise)]  # see _loss_for
        metric = [m - amp * e for m, e in zip(fit, noise)]
        metric = [(m if m < 1.0 else 1.0) if m > 0.0 else 0.0 for m in metric]
        grad = [(0.35 + 2.2 * (1 - p)) * (0.7 + 0.6 * u) * (4.0 if u > 0.996 else 1.0)  # with rare spikes
                for p, u in zip(ps, [rand() for _ in ts])]
        lr = learning_rates(self.config, ts)
        epoch = [t * self.epochs for t in ts]
        throughput = [self.throughput * (0.96 + 0.08 * rand()) for _ in ts]
        bad = range(max(first, self.diverge_at), steps.stop) if self.diverge_at is not None else range(0)
        for step in bad:  # the loss explodes within a few dozen steps, then is NaN
            i, blowup = step - first, math.exp(min(60.0, (step - self.diverge_at) / 6))
            loss[i], grad[i], metric[i] = loss[i] * blowup, grad[i] * blowup * 10, chance + rand() * 0.01
            if loss[i] > 1e5:
                loss[i], grad[i] = math.nan, math.inf
        columns = [loss, *([metric] if task.train_metric else []), lr, grad, epoch, throughput]
        lines = [self.templates[False] % row for row in zip(*columns, times, runtimes, steps)]
        keys = [self.keys[False]] * len(lines)
        evals = set(range(-(first + 1) % self.eval_every, len(lines), self.eval_every))  # every eval_every-th step, and the last
        if self.planned - 1 in steps:
            evals.add(self.planned - 1 - first)
        val = {}
        for i in sorted(evals):
            step = first + i
            val[i] = self._val(ts[i], ps[i], step in bad, rng)
            lines[i] = self.templates[True] % (*(c[i] for c in columns), *val[i], times[i], runtimes[i], step)
            keys[i] = self.keys[True]
        for step in bad:  # %g writes nan/inf where the SDK's JSON has NaN/Infinity
            lines[step - first] = lines[step - first].replace("nan", "NaN").replace("inf", "Infinity")
        return Block(lines, keys, loss, metric, lr, epoch, throughput, val)

    def _val(self, t: float, p: float, diverged: bool, rng: random.Random) -> tuple[float, ...]:
        task, look = self.task, self.look
        if diverged:
            vals = [math.nan, task.chance + rng.random() * 0.005]
        else:
            worse = max(0.0, t - 0.45) ** 2 if look.overfits else 0.0  # overfitting: val gets worse late
            metric = task.chance + (look.best - task.chance) * min(p, 1.02) + 0.0025 * _noise(rng)
            metric -= worse * 0.3 * (look.best - task.chance)
            loss = _loss_for(task, metric) + 0.03 + worse * task.loss0 * 0.6 + 0.004 * _noise(rng)
            vals = [loss, _clip(metric, 0.0, 1.0)]
        if task.perplexity:
            vals.append(math.nan if math.isnan(vals[0]) else math.exp(vals[0]))
        return tuple(float("%.6g" % v) for v in vals)  # as the history line has them

    def progress_text(self, block: Block, i: int, step: int) -> str:
        """The script's progress line for the block's row i, history step `step`."""
        task = self.task
        short = "acc" if task.metric == "accuracy" else task.metric
        metric = f" | {short} {block.metric[i]:.4f}" if task.train_metric else ""
        return (f"epoch {self.epoch_number(block.epoch[i])}/{self.epochs} | step {step + 1}/{self.planned}"
                f" | loss {block.loss[i]:.4f}{metric} | lr {block.lr[i]:.2e} | {block.throughput[i]:,.0f} {task.unit}/s")

    def val_text(self, block: Block, i: int, best: bool) -> str:
        val_loss, val_metric = block.val[i][:2]
        note = " | new best, saved checkpoints/best.pt" if best else ""
        return (f"validation | epoch {self.epoch_number(block.epoch[i])} | loss {val_loss:.4f}"
                f" | {self.task.metric} {val_metric:.4f}{note}")

    def epoch_number(self, epoch: float) -> int:
        return min(int(epoch) + 1, self.epochs)


def _train(spec: RunSpec, task: Task, rng: random.Random, start: float) -> Trace:
    planned = spec.planned or spec.steps
    fails_on_nan = spec.state == "failed"  # a diverging run that failed was stopped by its NaN check
    curve = TrainingCurve(task, spec.config, planned, diverge_at=spec.steps - 40 if fails_on_nan else None)
    steps = spec.steps
    console = _train_header(spec, task, curve, rng, start)
    pace, rand, every = curve.row_seconds, rng.random, curve.eval_every
    durations = [pace * (0.95 + 0.1 * rand()) for _ in range(steps)]
    for i in range(every - 1, steps, every):
        durations[i] *= 7  # the validation pass
    times = list(accumulate(durations, initial=start + rng.uniform(8, 40)))[1:]
    block = curve.block(0, times, [t - start for t in times], rng)
    progress_every = max(10, steps // 40)
    best, best_step = -1.0, None
    for i in sorted({*range(0, steps, progress_every), steps - 1, *block.val}):
        if i % progress_every == 0 or i == steps - 1:
            console.append((times[i], "", curve.progress_text(block, i, i)))
        if i in block.val:
            improved = not math.isnan(block.val[i][0]) and block.val[i][1] > best
            if improved:
                best, best_step = block.val[i][1], i
            console.append((times[i] + 0.4, "", curve.val_text(block, i, improved)))
    if curve.diverge_at is not None and curve.diverge_at + 12 < steps:
        console.append((times[curve.diverge_at + 12], "error", f"{spec.program}:{rng.randint(120, 240)}:"
                        " RuntimeWarning: loss spike detected; consider lowering the learning rate"))
        console.sort(key=lambda c: c[0])
    end = times[-1]
    exitcode = _ending(spec, curve, console, end, steps, best, rng, task)
    summary = _summary(block.lines, block.keys, start, end)
    if best_step is not None:
        summary[f"best_val_{task.metric}"] = best
        summary["best_step"] = best_step
    return Trace(block.lines, block.keys, _system(spec, rng, start, end, busy=True), console, summary,
                 start, end, exitcode)


def _train_header(spec: RunSpec, task: Task, curve: TrainingCurve, rng: random.Random,
                  start: float) -> list[tuple[float, str, str]]:
    c = spec.config
    gpus = c.get("gpus", 1)
    lines = [
        f"Global seed set to {c.get('seed', 0)}",
        f"Using {gpus} x {GPU}" + (f" (DDP, world size {gpus})" if gpus > 1 else ""),
        f"Loading {task.dataset} from /datasets/{task.dataset} ({rng.randint(64, 1024)} shards)",
        f"Model {c['arch']}: {c.get('model', {}).get('params_m', 0):,.1f}M parameters, precision {c.get('precision', 'bf16')}",
        f"Optimizer {c.get('optimizer')} (lr={c['lr']:g}, weight_decay={c.get('weight_decay', 0):g}),"
        f" scheduler {c.get('scheduler', 'cosine')}, {curve.planned * c.get('log_every', 10):,} steps",
    ]
    out = [(start + 2 + i * 1.7, "", text) for i, text in enumerate(lines)]
    if c.get("num_workers", 8) > 8:
        out += [(start + 12, "error", "/usr/lib/python3/site-packages/torch/utils/data/dataloader.py:617:"
                                      f" UserWarning: This DataLoader will create {c['num_workers']} worker"
                                      " processes in total. Our suggested max number of worker in current"
                                      " system is 8, which is smaller than what this DataLoader is going to"
                                      " create."),
                (start + 12, "error", "  warnings.warn(")]
    return out


TRACEBACKS = {
    "oom": ("engine.py", "scaler.scale(loss).backward()",
            "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity"
            " of 79.25 GiB of which 1.19 GiB is free. Of the allocated memory 75.41 GiB is allocated by PyTorch."),
    "nan": ("engine.py", "raise FloatingPointError(f\"loss is {loss.item()} at step {step}; stopping\")",
            "FloatingPointError: loss is nan at step {step}; stopping"),
    "data": ("data.py", "return self.decode(self.reader.read(shard))",
             "OSError: [Errno 5] Input/output error: '/datasets/{dataset}/train-{shard:05d}.tar'"),
    "nccl": ("engine.py", "dist.all_reduce(tensor, op=dist.ReduceOp.SUM)",
             "torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, unhandled system"
             " error, NCCL version 2.21.5"),
}


EXIT_CODES = {"finished": 0, "failed": 1, "killed": 255}  # crashed or running: the SDK saw no exit


def _finish(spec: RunSpec, console: list, clock: float, done: str, traceback: list[str]) -> int | None:
    """The script's last console lines for the run's state; -> the exit code the SDK reports."""
    if spec.state == "failed":
        console += [(clock + 0.5, "error", line) for line in ["Traceback (most recent call last):", *traceback]]
    elif spec.state == "killed":
        console.append((clock + 0.5, "error", "Received SIGTERM (run stopped from the W&B UI); saving"
                                              " checkpoints/last.pt and exiting"))
    elif spec.state == "finished":
        console.append((clock + 1, "", done))
    return EXIT_CODES.get(spec.state)


def _ending(spec: RunSpec, curve: TrainingCurve, console: list, clock: float, steps: int, best: float,
            rng: random.Random, task: Task) -> int | None:
    reason = "nan" if curve.diverge_at is not None else rng.choice(["oom", "data", "nccl"])
    where, code, error = TRACEBACKS[reason]
    root = f"/home/{spec.user}/{spec.repo_dir}"
    traceback = [f'  File "{root}/{spec.program}", line {rng.randint(180, 260)}, in <module>', "    main()",
                 f'  File "{root}/{spec.program}", line {rng.randint(120, 170)}, in main',
                 "    train_one_epoch(model, loader, optimizer, scaler, epoch)",
                 f'  File "{root}/{where}", line {rng.randint(40, 110)}, in train_one_epoch', f"    {code}",
                 error.format(step=steps - 1, dataset=task.dataset, shard=rng.randint(0, 999))]
    minutes, seconds = divmod(int(clock - console[0][0]), 60)
    best_text = f"{best:.4f}" if best >= 0 else "n/a"
    return _finish(spec, console, clock, f"Training finished in {minutes // 60}:{minutes % 60:02d}:{seconds:02d}."
                                         f" Best val {task.metric} {best_text}", traceback)


def _summary(history: list[str], keysets: list[tuple[str, ...]], start: float, end: float) -> dict[str, Any]:
    """The latest value of every key, as wandb-summary.json holds it."""
    summary: dict[str, Any] = {}
    missing = set().union(*set(keysets))
    for line, keys in zip(reversed(history), reversed(keysets)):
        if missing.intersection(keys):
            summary = json.loads(line) | summary
            missing.difference_update(keys)
        if not missing:
            break
    runtime = int(round(end - start))
    summary["_runtime"] = runtime
    summary["_wandb"] = {"runtime": runtime}
    return summary


# --------------------------------------------------------------------------- preprocessing and evaluation
def _preprocess(spec: RunSpec, task: Task, rng: random.Random, start: float) -> Trace:
    keys = ("shard", "examples", "filtered", "examples_per_sec", "mb_written", "_timestamp", "_runtime", "_step")
    template = _template(keys, {"shard": "%d", "examples": "%d", "filtered": "%d", "_timestamp": "%.3f",
                                "_runtime": "%.3f", "_step": "%d"})
    per_shard, rand, steps = rng.randint(900, 1400), rng.random, range(spec.steps)
    sizes = [per_shard - 40 + int(81 * rand()) for _ in steps]
    dropped = [int(n * 0.024 * rand()) for n in sizes]  # corrupt or duplicate records
    kept = [n - d for n, d in zip(sizes, dropped)]
    seconds = [n / (2600 + 800 * rand()) for n in sizes]
    times = list(accumulate(seconds, initial=start + rng.uniform(3, 9)))[1:]
    examples, filtered = list(accumulate(kept)), list(accumulate(dropped))
    mb = list(accumulate(n * (0.09 + 0.02 * rand()) for n in sizes))
    history = [template % row for row in zip(steps, examples, filtered, [k / s for k, s in zip(kept, seconds)], mb,
                                             times, [t - start for t in times], steps)]
    planned = spec.planned or spec.steps
    console = [(start + 1, "", f"Preprocessing {task.dataset} into {planned} shards with"
                               f" {spec.config.get('num_workers', 32)} workers")]
    console += [(times[i], "", f"shard {i:05d}/{planned:05d}: {kept[i]:,} examples ({dropped[i]} filtered: corrupt"
                               f" or duplicate) -> {mb[i] / 1024:.2f} GiB") for i in range(0, spec.steps, max(1, spec.steps // 25))]
    end = times[-1]
    exitcode = _finish(spec, console, end, f"Done: {examples[-1]:,} examples, {filtered[-1]:,} filtered,"
                                           f" {mb[-1] / 1024:.2f} GiB",
                       [f'  File "/home/{spec.user}/{spec.repo_dir}/{spec.program}", line 88, in <module>',
                        "    write_shard(out_dir, shard, records)",
                        f"OSError: [Errno 28] No space left on device: '/scratch/{task.dataset}'"])
    keysets = [keys] * len(history)
    return Trace(history, keysets, _system(spec, rng, start, end, busy=False), console,
                 _summary(history, keysets, start, end), start, end, exitcode)


def _evaluate(spec: RunSpec, task: Task, rng: random.Random, start: float) -> Trace:
    metric = task.metric
    keys = ("batch", metric, "loss", "latency_ms", "_timestamp", "_runtime", "_step")
    template = _template(keys, {"batch": "%d", "_timestamp": "%.3f", "_runtime": "%.3f", "_step": "%d"})
    truth = task.archs[spec.config["arch"]][0] - rng.uniform(0.0, 0.02)  # the checkpoint is not the very best
    rand, steps = rng.random, range(spec.steps)
    scores = [truth + 0.1 * (rand() + rand() - 1.0) for _ in steps]
    scores = [(s if s < 1.0 else 1.0) if s > 0.0 else 0.0 for s in scores]
    losses = [_loss_for(task, s) * (0.94 + 0.12 * rand()) for s in scores]
    latency = [42 * (0.8 + 0.4 * u) * (1.6 if u > 0.98 else 1.0) for u in [rand() for _ in steps]]  # some slow
    times = list(accumulate((ms * 0.008 for ms in latency), initial=start + rng.uniform(5, 15)))[1:]
    accuracy = [total / (i + 1) for i, total in enumerate(accumulate(scores))]  # running means
    loss = [total / (i + 1) for i, total in enumerate(accumulate(losses))]
    history = [template % row for row in zip(steps, accuracy, loss, latency, times, [t - start for t in times], steps)]
    batches = spec.planned or spec.steps
    console = [(start + 1, "", f"Evaluating {spec.config.get('checkpoint', 'model')} on"
                               f" {spec.config.get('eval_set', task.dataset)} ({batches} batches)")]
    console += [(times[i], "", f"[{i + 1}/{batches}] running {metric} {accuracy[i]:.4f}")
                for i in range(0, spec.steps, max(1, spec.steps // 20))]
    end = times[-1]
    exitcode = _finish(spec, console, end, f"Final {metric}: {accuracy[-1]:.4f} over {spec.steps} batches",
                       [f'  File "/home/{spec.user}/{spec.repo_dir}/{spec.program}", line 64, in <module>',
                        "    model.load_state_dict(torch.load(args.checkpoint)['model'])",
                        "RuntimeError: Error(s) in loading state_dict: Missing key(s) in state_dict:"
                        ' "head.weight", "head.bias".'])
    keysets = [keys] * len(history)
    return Trace(history, keysets, _system(spec, rng, start, end, busy=True), console,
                 _summary(history, keysets, start, end), start, end, exitcode)


# --------------------------------------------------------------------------- system metrics
def system_keys(gpus: int) -> tuple[str, ...]:
    keys = ["system.cpu", "system.memory_percent", "system.proc.memory.rssMB", "system.proc.cpu.threads",
            "system.disk./.usagePercent", "system.network.sent", "system.network.recv"]
    for g in range(gpus):
        keys += [f"system.gpu.{g}.gpu", f"system.gpu.{g}.memoryAllocated", f"system.gpu.{g}.temp",
                 f"system.gpu.{g}.powerWatts"]
    return (*keys, "_wandb", "_timestamp", "_runtime")


@functools.cache
def system_template(gpus: int) -> str:
    return _template(system_keys(gpus), {"_wandb": "true", "system.proc.cpu.threads": "%d",
                                         "system.network.sent": "%d", "system.network.recv": "%d",
                                         "_timestamp": "%.3f", "_runtime": "%.3f"})


def system_row(gpus: int, busy: bool, rng: random.Random, sent: int, recv: int) -> list[float]:
    """One sample of system metrics: CPU-bound preprocessing, or GPUs busy with training."""
    rand = rng.random
    values: list[float] = [18 + 22 * rand() if busy else 55 + 30 * rand(), 22 + 16 * rand(), 5200 + 2200 * rand(),
                           48 + 4 * int(3 * rand()), 61 + 0.4 * rand(), sent, recv]
    for _ in range(gpus):
        util = 100 - 12 * rand() * rand()
        values += [util, 71 + 7 * rand(), 59 + 8 * rand(), 90 + util * 3.1 + 24 * (rand() - 0.5)]
    return values


def _system(spec: RunSpec, rng: random.Random, start: float, end: float, busy: bool) -> list[str]:
    # the SDK samples every 15 s; longer runs get one row per 20 history rows, to keep the demo small
    gpus = spec.config.get("gpus", 1) if busy else 0
    interval = max(15.0, (end - start) / max(2, spec.steps // 20))
    template, rows = system_template(gpus), []
    sent = recv = 0
    t = start + rng.uniform(0, 2)
    while t <= end:
        sent += int((2e5 + 7e5 * rng.random()) * interval * (gpus or 1))
        recv += int((4e6 + 8e6 * rng.random()) * interval)
        rows.append(template % (*system_row(gpus, busy, rng, sent, recv), t, t - start))
        t += interval
    return rows


def simulate(spec: RunSpec, start: float) -> Trace:
    """The run's data, starting at unix time `start`."""
    rng = random.Random(f"{spec.name}:{spec.seed}")
    task = TASKS[spec.task]
    if spec.job_type == "preprocess":
        return _preprocess(spec, task, rng, start)
    if spec.job_type == "eval":
        return _evaluate(spec, task, rng, start)
    return _train(spec, task, rng, start)
