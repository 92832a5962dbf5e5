"""Sweep parameter search: a sweep config's `parameters` as grid points or random draws.

Follows W&B's sweeps engine (github.com/wandb/sweeps): parameters are taken in name order,
nested `parameters` blocks are flattened (and rebuilt as a dict value), a grid runs over
`value`/`values`/int_uniform/q_uniform, and a random draw samples every distribution W&B
documents. Bayesian search (a Gaussian process in W&B) is not implemented here: `bayes` sweeps
draw at random, which keeps the protocol and the sampled ranges right but not the guidance.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections.abc import Iterator
from typing import Any

Path = tuple[str, ...]
Spec = dict[str, Any]

# distribution -> required keys (with defaults where W&B has them)
DISTRIBUTIONS: dict[str, dict[str, Any]] = {
    "constant": {"value": None}, "categorical": {"values": None},
    "int_uniform": {"min": None, "max": None}, "uniform": {"min": None, "max": None},
    "q_uniform": {"min": None, "max": None, "q": 1},
    "log_uniform": {"min": None, "max": None}, "q_log_uniform": {"min": None, "max": None, "q": 1},
    "log_uniform_values": {"min": None, "max": None}, "q_log_uniform_values": {"min": None, "max": None, "q": 1},
    "inv_log_uniform": {"min": None, "max": None}, "inv_log_uniform_values": {"min": None, "max": None},
    "normal": {"mu": 0, "sigma": 1}, "q_normal": {"mu": 0, "sigma": 1, "q": 1},
    "log_normal": {"mu": 0, "sigma": 1}, "q_log_normal": {"mu": 0, "sigma": 1, "q": 1},
    "beta": {"a": 1, "b": 1}, "q_beta": {"a": 1, "b": 1, "q": 1},
}
GRID_DISTRIBUTIONS = frozenset({"constant", "categorical", "int_uniform", "q_uniform"})


class SweepConfigError(ValueError):
    """The sweep config cannot be searched (the message says why)."""


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _filled(name: str, spec: Any) -> Spec:
    """A parameter spec with its distribution named and defaults filled in, checked."""
    if not isinstance(spec, dict):
        raise SweepConfigError(f"parameter {name}: expected a mapping, got {spec!r}")
    if "value" in spec:
        return {"distribution": "constant", **spec}
    if "values" in spec:
        values, weights = spec["values"], spec.get("probabilities")
        if not isinstance(values, list) or not values:
            raise SweepConfigError(f"parameter {name}: values must be a non-empty list")
        if weights is not None and (not isinstance(weights, list) or len(weights) != len(values)
                                    or not all(_number(w) and w >= 0 for w in weights)
                                    or not math.isclose(sum(weights), 1.0, abs_tol=1e-6)):
            raise SweepConfigError(f"parameter {name}: probabilities must be one per value and sum to 1")
        return {"distribution": "categorical", **spec}
    dist = spec.get("distribution")
    if dist is None and "min" in spec and "max" in spec:
        ints = all(isinstance(spec[k], int) and not isinstance(spec[k], bool) for k in ("min", "max"))
        dist = "int_uniform" if ints else "uniform"
    if dist not in DISTRIBUTIONS:
        raise SweepConfigError(f"parameter {name}: unknown distribution {dist!r}")
    filled = {**DISTRIBUTIONS[dist], **spec, "distribution": dist}
    missing = [k for k, v in filled.items() if v is None]
    if missing:
        raise SweepConfigError(f"parameter {name}: {dist} needs {', '.join(missing)}")
    numbers = {k: v for k, v in filled.items() if k in ("min", "max", "mu", "sigma", "a", "b", "q")}
    if not all(_number(v) for v in numbers.values()):
        raise SweepConfigError(f"parameter {name}: {', '.join(numbers)} must be numbers")
    if "min" in filled and filled["min"] > filled["max"]:
        raise SweepConfigError(f"parameter {name}: min is greater than max")
    if dist.endswith("_values") and filled["min"] <= 0:
        raise SweepConfigError(f"parameter {name}: {dist} needs min and max above 0")
    if dist == "int_uniform" and not all(isinstance(filled[k], int) for k in ("min", "max")):
        raise SweepConfigError(f"parameter {name}: int_uniform needs integer min and max")
    return filled


def parameters(config: dict[str, Any]) -> list[tuple[Path, Spec]]:
    """The searchable parameters of a sweep config, flattened and in W&B's (name) order."""
    found: list[tuple[Path, Spec]] = []

    def walk(prefix: Path, block: Any) -> None:
        if not isinstance(block, dict) or not block:
            raise SweepConfigError(f"{'.'.join(prefix) or 'the sweep'}: parameters must be a non-empty mapping")
        for name, spec in block.items():
            if isinstance(spec, dict) and "parameters" in spec:
                walk((*prefix, str(name)), spec["parameters"])
            else:
                found.append(((*prefix, str(name)), _filled(".".join((*prefix, str(name))), spec)))
    walk((), config.get("parameters"))
    return sorted(found, key=lambda p: ".".join(p[0]))


# --------------------------------------------------------------------------- grid
def _grid_values(path: Path, spec: Spec) -> list[Any]:
    dist = spec["distribution"]
    if dist not in GRID_DISTRIBUTIONS or spec.get("probabilities") is not None:
        raise SweepConfigError(
            f"parameter {'.'.join(path)}: grid search needs categorical, constant, int_uniform or q_uniform"
            " parameters (without probabilities)")
    if dist == "constant":
        return [spec["value"]]
    if dist == "categorical":
        return list(spec["values"])
    if dist == "int_uniform":
        return list(range(spec["min"], spec["max"] + 1))
    q = spec["q"]  # q_uniform: numpy.arange(min, max, q), as W&B's engine enumerates it
    return [spec["min"] + i * q for i in range(math.ceil((spec["max"] - spec["min"]) / q))]


def grid_size(params: list[tuple[Path, Spec]]) -> int:
    return math.prod(len(_grid_values(path, spec)) for path, spec in params)


def grid(params: list[tuple[Path, Spec]]) -> Iterator[dict[Path, Any]]:
    """Every grid point, in W&B's order (the last parameter varies fastest)."""
    paths = [path for path, _ in params]
    for combo in itertools.product(*(_grid_values(path, spec) for path, spec in params)):
        yield dict(zip(paths, combo))


def point_key(point: dict[Path, Any]) -> str:
    """A comparable form of a point: ints and integral floats alike (W&B's engine does the same)."""
    def norm(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list):
            return [norm(x) for x in v]
        return v
    return json.dumps([[list(p), norm(v)] for p, v in sorted(point.items())], sort_keys=True)


def point_of(run_config: dict[str, Any], paths: list[Path]) -> dict[Path, Any] | None:
    """The point a run's stored config (`{"k": {"value": v}}`) sits at, or None if it lacks a parameter."""
    point = {}
    for path in paths:
        entry = run_config.get(path[0])
        if not isinstance(entry, dict) or "value" not in entry:
            return None
        value = entry["value"]
        for part in path[1:]:
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        point[path] = value
    return point


# --------------------------------------------------------------------------- random draws
def _quantized(x: float, q: float) -> float | int:
    value = round(x / q) * q
    return int(value) if isinstance(q, int) else value


def _draw(spec: Spec, rng: random.Random) -> Any:
    dist, s = spec["distribution"], spec
    if dist == "constant":
        return s["value"]
    if dist == "categorical":
        return rng.choices(s["values"], weights=s.get("probabilities"))[0]
    if dist == "int_uniform":
        return rng.randint(s["min"], s["max"])
    base = dist.removeprefix("q_")
    if base == "uniform":
        x = rng.uniform(s["min"], s["max"])
    elif base == "log_uniform":  # min and max are natural logs
        x = math.exp(rng.uniform(s["min"], s["max"]))
    elif base == "log_uniform_values":
        x = math.exp(rng.uniform(math.log(s["min"]), math.log(s["max"])))
    elif base == "inv_log_uniform":
        x = math.exp(-rng.uniform(s["min"], s["max"]))
    elif base == "inv_log_uniform_values":
        x = 1 / math.exp(rng.uniform(math.log(1 / s["max"]), math.log(1 / s["min"])))
    elif base == "normal":
        x = rng.gauss(s["mu"], s["sigma"])
    elif base == "log_normal":
        x = rng.lognormvariate(s["mu"], s["sigma"])
    else:  # beta
        x = rng.betavariate(s["a"], s["b"])
    return _quantized(x, s["q"]) if dist.startswith("q_") else x


def draw(params: list[tuple[Path, Spec]], rng: random.Random) -> dict[Path, Any]:
    return {path: _draw(spec, rng) for path, spec in params}


def as_args(point: dict[Path, Any]) -> dict[str, dict[str, Any]]:
    """A point as a run command's args, `{"name": {"value": v}}`, nested parameters as dicts."""
    args: dict[str, dict[str, Any]] = {}
    for path, value in point.items():
        if len(path) == 1:
            args[path[0]] = {"value": value}
            continue
        node = args.setdefault(path[0], {"value": {}})["value"]
        for part in path[1:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return args
