"""W&B run filters and orders compiled to SQL, checked against a plain-Python evaluator.

The evaluator below restates the semantics (MongoDB's, as the SDK documents its filters, with
W&B's config envelope and key forms) over Python dicts, without looking at the compiler; every
filter runs both ways over the same few hundred generated runs.
"""

from __future__ import annotations

import json
import math
import random
import re
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wbtui.sandbox.filters import FilterError, compile_filters, compile_order, install_sqlite_functions

# Hypothesis describes its composed strategies at length; nothing to act on.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

# -- the data ---------------------------------------------------------------------------------

DDL = """
CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE);
CREATE TABLE sweeps (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL, name TEXT NOT NULL, display_name TEXT,
  state TEXT NOT NULL, config TEXT NOT NULL DEFAULT '{}', summary TEXT NOT NULL DEFAULT '{}',
  tags TEXT NOT NULL DEFAULT '[]', group_name TEXT, job_type TEXT, notes TEXT, description TEXT,
  host TEXT, user_id INTEGER REFERENCES users(id), sweep_id INTEGER REFERENCES sweeps(id),
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, heartbeat_at TEXT,
  UNIQUE (project_id, name)
);
"""
USERS = ["alice", "bob", "Carol"]
SWEEPS = ["sw1abcde", "sw2fghij"]
STATES = ["running", "finished", "failed", "crashed", "killed"]
TAGS = ["a", "b", "base", "Bad", "é", "two words"]
N_RUNS = 300


def _maybe(rng: random.Random, value, p: float = 0.2):
    return None if rng.random() < p else value


def make_runs(seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    runs = []
    for i in range(1, N_RUNS + 1):
        config: dict = {}

        def put(key, value, p_missing=0.15):
            if rng.random() >= p_missing:
                config[key] = {"value": value, "desc": None}

        put("lr", rng.choice([1e-4, 3e-4, 1e-3, 0.01, 0.1, 1, 2, "0.001", None, True]))
        put("batch", rng.choice([16, 32, 64, 32.0, True, False, None, "32"]))
        put("opt", rng.choice([
            {"name": "adam", "lr": 0.001, "betas": [0.9, 0.999]},
            {"name": "sgd", "lr": 0.1, "momentum": None},
            {"name": "Adam", "lr": "high"},
            "adam",
            {"value": 5},  # a nested key literally named "value"
        ]))
        put("model.depth", rng.choice([2, 4, 8, "deep"]), p_missing=0.5)  # a flat key with a dot
        put("model", rng.choice([{"depth": 3}, {"width": 64}, "resnet"]), p_missing=0.5)
        put("é", rng.choice(["ünï", "ascii", 1]))
        put("layers", rng.choice([[64, 128], [64], [], [1, "x", None, True], [[1, 2], [3]], 64]))
        put("flag", rng.choice([True, False, None, 0, 1]))
        put("name", rng.choice(["ResNet-50", "resnet18", "vit", "ViT-B", ""]))
        config["_wandb"] = {"value": {"cli_version": "0.31.0"}, "desc": None}

        summary: dict = {}
        if rng.random() < 0.85:
            summary["loss"] = rng.choice([rng.random(), rng.random() * 10, 0, 1, None, "NaN", [1, 2], -1e300, 1e300])
        if rng.random() < 0.8:
            summary["acc"] = round(rng.random(), 3)
        if rng.random() < 0.7:
            summary["eval/loss"] = rng.choice([0.5, 0.25, 2])
        if rng.random() < 0.5:
            summary["nested"] = {"x": rng.choice([1, 2, 3, "3"]), "y": {"z": rng.choice(["p", "q", True])}}
        if rng.random() < 0.4:
            summary["train.loss"] = rng.choice([0.1, 0.2, 0.3])  # a flat key with a dot
        summary["_step"] = rng.randint(0, 3)

        created = f"2026-01-{1 + i % 28:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
        runs.append({
            "id": i,
            "name": f"run{i:04d}",
            "display_name": _maybe(rng, rng.choice(["resnet-a", "ResNet-b", "vit", "two words", f"r{i}"])),
            "state": rng.choice(STATES),
            "config": config,
            "summary": summary,
            "tags": rng.sample(TAGS, rng.choice([0, 0, 1, 1, 2, 3])),
            "group": _maybe(rng, rng.choice(["g1", "g2", "exp1"])),
            "job_type": _maybe(rng, rng.choice(["train", "eval"])),
            "notes": _maybe(rng, rng.choice(["two words here", "nothing", "TWO words"]), 0.5),
            "description": _maybe(rng, "desc", 0.7),
            "host": _maybe(rng, rng.choice(["node1", "node2"])),
            "user_id": _maybe(rng, rng.randint(1, len(USERS)), 0.1),
            "sweep_id": _maybe(rng, rng.randint(1, len(SWEEPS)), 0.6),
            "created_at": created,
            "updated_at": created.replace("T", "T") if rng.random() < 0.3 else f"2026-02-01T00:00:{i % 60:02d}",
            "heartbeat_at": _maybe(rng, f"2026-01-{1 + i % 28:02d}T23:59:{i % 60:02d}", 0.3),
        })
    return runs


RUNS = make_runs()


@pytest.fixture(scope="module")
def db():
    conn = sqlite3.connect(":memory:")
    install_sqlite_functions(conn)
    conn.executescript(DDL)
    conn.executemany("INSERT INTO users (id, username) VALUES (?, ?)", list(enumerate(USERS, 1)))
    conn.executemany("INSERT INTO sweeps (id, project_id, name) VALUES (?, 1, ?)", list(enumerate(SWEEPS, 1)))
    conn.executemany(
        "INSERT INTO runs (id, project_id, name, display_name, state, config, summary, tags, group_name,"
        " job_type, notes, description, host, user_id, sweep_id, created_at, updated_at, heartbeat_at)"
        " VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (r["id"], r["name"], r["display_name"], r["state"], json.dumps(r["config"]), json.dumps(r["summary"]),
             json.dumps(r["tags"]), r["group"], r["job_type"], r["notes"], r["description"], r["host"],
             r["user_id"], r["sweep_id"], r["created_at"], r["updated_at"], r["heartbeat_at"])
            for r in RUNS
        ],
    )
    # A run of another project: the caller's own WHERE keeps it out.
    conn.execute("INSERT INTO runs (project_id, name, state, created_at, updated_at) VALUES (2, 'x', 'running', 'a', 'a')")
    yield conn
    conn.close()


def sql_ids(db, filters=None, order=None) -> list[int]:
    where, params = compile_filters(filters)
    sql = f"SELECT runs.id FROM runs WHERE runs.project_id = 1 AND {where} ORDER BY {compile_order(order)}"
    return [row[0] for row in db.execute(sql, params)]


# -- the reference evaluator ------------------------------------------------------------------

MISSING = object()
RUN_ATTRS = {
    "name": "name", "state": "state", "display_name": "display_name", "displayName": "display_name",
    "group": "group", "jobType": "job_type", "job_type": "job_type", "notes": "notes",
    "description": "description", "host": "host", "createdAt": "created_at", "created_at": "created_at",
    "heartbeatAt": "heartbeat_at", "heartbeat_at": "heartbeat_at", "updatedAt": "updated_at",
    "updated_at": "updated_at",
}


def lookup(doc: dict, labels: list[str]):
    node = doc
    for label in labels:
        if not isinstance(node, dict) or label not in node:
            return MISSING
        node = node[label]
    return node


def json_value(run: dict, section: str, rest: str):
    """config/summary value: nested reading first, then top keys containing dots."""
    segments = rest.split(".")
    for split in range(1, len(segments) + 1):
        top, inner = ".".join(segments[:split]), segments[split:]
        if section == "config":
            if inner[:1] == ["value"]:
                inner = inner[1:]
            elif inner[-1:] == ["value"]:
                inner = inner[:-1]
            found = lookup(run["config"], [top, "value", *inner])
        else:
            found = lookup(run["summary"], [top, *inner])
        if found is not MISSING:
            return found
    return MISSING


def resolve(run: dict, key: str):
    """(present, value) of a filter key; value is MISSING when absent (tags: always the list)."""
    if key == "tags":
        return bool(run["tags"]), run["tags"]
    if key in RUN_ATTRS:
        value = run[RUN_ATTRS[key]]
    elif key == "username":
        value = USERS[run["user_id"] - 1] if run["user_id"] else None
    elif key == "sweep":
        value = SWEEPS[run["sweep_id"] - 1] if run["sweep_id"] else None
    else:
        section, _, rest = key.partition(".")
        value = json_value(run, "config" if section == "config" else "summary", rest)
        return value is not MISSING, value
    return value is not None, MISSING if value is None else value


def kind(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(v)]


def canon(v) -> str:
    return json.dumps(v, separators=(",", ":"))


def same(x, v) -> bool:
    if kind(x) != kind(v):
        return False
    return canon(x) == canon(v) if kind(v) in ("array", "object") else x == v


def candidates(value) -> list:
    """The value and, for an array, its elements: what a scalar condition may match."""
    if value is MISSING:
        return []
    return [value, *value] if isinstance(value, list) else [value]


def eq(present, value, v) -> bool:
    if v is None and not present:
        return True
    return any(same(c, v) for c in candidates(value))


RANGE = {"$gt": lambda a, b: a > b, "$gte": lambda a, b: a >= b, "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b}


def field_matches(run: dict, key: str, cond) -> bool:
    present, value = resolve(run, key)
    if not (isinstance(cond, dict) and cond and all(k.startswith("$") for k in cond)):
        return eq(present, value, cond)
    result = True
    for op, arg in cond.items():
        if op == "$eq":
            ok = eq(present, value, arg)
        elif op == "$ne":
            ok = not eq(present, value, arg)
        elif op in RANGE:
            ok = any(kind(c) == kind(arg) and RANGE[op](c, arg) for c in candidates(value))
        elif op == "$in":
            ok = any(eq(present, value, m) for m in arg)
        elif op == "$nin":
            ok = not any(eq(present, value, m) for m in arg)
        elif op == "$all":
            ok = bool(arg) and all(eq(present, value, m) for m in arg)
        elif op == "$regex":
            flags = "".join(sorted(set(cond.get("$options", ""))))
            pattern = f"(?{flags}){arg}" if flags else arg
            ok = any(isinstance(c, str) and re.search(pattern, c) for c in candidates(value))
        elif op == "$options":
            continue
        elif op == "$contains":
            ok = any(isinstance(c, str) and arg in c for c in candidates(value))
        elif op == "$exists":
            ok = present == arg
        elif op == "$size":
            ok = isinstance(value, list) and len(value) == arg
        elif op == "$not":
            ok = not field_matches(run, key, arg)
        else:
            raise AssertionError(op)
        result = result and ok
    return result


def matches(run: dict, filters: dict) -> bool:
    for key, cond in filters.items():
        if key == "$and":
            ok = all(matches(run, f) for f in cond)
        elif key == "$or":
            ok = not cond or any(matches(run, f) for f in cond)
        elif key == "$nor":
            ok = not cond or not any(matches(run, f) for f in cond)
        elif key == "$not":
            ok = not matches(run, cond)
        else:
            ok = field_matches(run, key, cond)
        if not ok:
            return False
    return True


def py_ids(filters=None, order=None) -> list[int]:
    selected = [r for r in RUNS if matches(r, filters or {})]
    return [r["id"] for r in py_sorted(selected, order)]


RANK = {"number": 0, "string": 1, "object": 2, "array": 3, "bool": 4}


def py_sorted(runs: list[dict], order: str | None) -> list[dict]:
    order = order or "+created_at"
    descending = order.startswith("-")
    key = order.lstrip("+-")
    present, absent = [], []
    for run in runs:
        _, value = resolve(run, key)
        (absent if value is MISSING or value is None else present).append((run, value))

    def sort_key(item):
        run, value = item
        k = kind(value)
        shown = canon(value) if k in ("array", "object") else value
        return (RANK[k], shown, run["id"])

    present.sort(key=sort_key, reverse=descending)
    absent.sort(key=lambda item: item[0]["id"], reverse=descending)
    return [run for run, _ in present + absent]


def check(db, filters, order=None) -> list[int]:
    expected = py_ids(filters, order)
    assert sql_ids(db, filters, order) == expected, filters
    return expected


# -- hand-checked cases: the evaluator's reading agrees with W&B's documented forms ------------

CASES = [
    # Implicit equality, implicit AND, operators on run attributes.
    {"state": "finished"},
    {"state": "finished", "group": "g1"},
    {"state": {"$in": ["running", "failed"]}},
    {"state": {"$nin": ["running", "failed"]}},
    {"state": {"$ne": "finished"}},
    {"display_name": None},
    {"display_name": {"$ne": None}},
    {"display_name": {"$regex": "^res"}},
    {"displayName": {"$regex": "resnet", "$options": "i"}},
    {"display_name": {"$contains": "Net"}},
    {"name": {"$gt": "run0100", "$lte": "run0200"}},
    {"group": {"$exists": False}},
    {"jobType": "train"},
    {"notes": {"$regex": "two words", "$options": "i"}},
    {"username": "alice"},
    {"username": {"$in": ["bob", None]}},
    {"username": {"$ne": "alice"}},
    {"sweep": "sw1abcde"},
    {"sweep": {"$exists": True}},
    {"host": "node1"},
    {"description": {"$exists": True}},
    {"createdAt": {"$gte": "2026-01-10T00:00:00", "$lt": "2026-01-20T00:00:00"}},
    {"heartbeatAt": None},
    {"updatedAt": {"$gt": "2026-01-15T00:00:00"}},
    # Tags: a list.
    {"tags": "base"},
    {"tags": {"$in": ["a", "Bad"]}},
    {"tags": {"$nin": ["a", "Bad"]}},
    {"tags": {"$ne": "a"}},
    {"tags": {"$all": ["a", "b"]}},
    {"tags": {"$size": 2}},
    {"tags": None},
    {"tags": []},
    {"tags": {"$exists": True}},
    {"tags": {"$regex": "^b"}},
    {"tags": ["a", "b"]},
    {"$or": [{"tags": None}, {"tags": {"$ne": "a"}}]},  # the SDK's "not tagged a"
    # Config: every key form W&B's clients send.
    {"config.lr": 0.001},
    {"config.lr.value": 0.001},
    {"config.lr": "0.001"},
    {"config.lr": 1},
    {"config.lr": True},
    {"config.lr": None},
    {"config.lr": {"$exists": False}},
    {"config.lr": {"$gte": 0.001}},
    {"config.lr": {"$lt": 1}},
    {"config.batch": 32},
    {"config.batch": {"$in": [16, True]}},
    {"config.batch": {"$ne": 32}},
    {"config.batch": {"$gt": False}},
    {"config.opt.name": "adam"},
    {"config.opt.value.name": "adam"},
    {"config.opt.name.value": "adam"},
    {"config.opt": "adam"},
    {"config.opt.lr": {"$gt": 0.01}},
    {"config.opt.name": {"$regex": "^adam$", "$options": "i"}},
    {"config.opt.betas": 0.9},
    {"config.opt.betas": [0.9, 0.999]},
    {"config.opt.momentum": {"$eq": None}, "config.opt.name": {"$ne": "adam"}},
    {"config.opt.momentum": {"$exists": True}},
    {"config.opt.value": {"value": 5}},  # `value` right after the top key is the envelope
    {"config.opt.value.value": 5},
    {"config.model.depth": {"$gte": 3}},
    {"config.model.depth": "deep"},
    {"config.model": "resnet"},
    {"config.é": "ünï"},
    {"config.layers": 64},
    {"config.layers": [64]},
    {"config.layers": []},
    {"config.layers": None},
    {"config.layers": {"$size": 0}},
    {"config.layers": {"$all": [64, 128]}},
    {"config.layers": {"$gt": 100}},
    {"config.layers": [1, 2]},
    {"config.layers": {"$in": [[64], "x"]}},
    {"config.flag": False},
    {"config.flag": 0},
    {"config.flag": {"$ne": True}},
    {"config.name": ""},
    {"config.name": {"$gte": "ViT"}},
    {"config.missing": None},
    {"config.missing": {"$ne": 1}},
    {"config.missing": {"$exists": True}},
    # Summary metrics.
    {"summary_metrics.loss": {"$lt": 0.5}},
    {"summary_metrics.loss": {"$gte": 1e300}},
    {"summary_metrics.loss": None},
    {"summary_metrics.loss": {"$ne": None}},
    {"summary_metrics.loss": {"$exists": True}},
    {"summary_metrics.loss": "NaN"},
    {"summary_metrics.loss": 2},
    {"summary_metrics.eval/loss": 0.5},
    {"summary_metrics.nested.x": 3},
    {"summary_metrics.nested.x": {"$in": ["3", 1]}},
    {"summary_metrics.nested.y.z": True},
    {"summary_metrics.nested": {"x": 1, "y": {"z": "p"}}},
    {"summary_metrics.train.loss": 0.2},
    {"summary_metrics._step": {"$not": {"$gt": 1}}},
    # Logic.
    {"$and": [{"state": "finished"}, {"config.lr": {"$gt": 0.0005}}]},
    {"$or": [{"state": "crashed"}, {"summary_metrics.acc": {"$gt": 0.9}}]},
    {"$nor": [{"state": "crashed"}, {"tags": "a"}]},
    {"$not": {"state": "finished"}},
    {"$or": [{"$and": []}]},
    {"$and": []},
    {"$or": []},
    {"$nor": []},
    {"$or": [{"$and": [{"state": "finished"}, {"tags": "a"}]}, {"$and": [{"config.lr": None}]}]},
    {"state": {"$not": {"$in": ["finished", "failed"]}}, "config.lr": {"$exists": True}},
    # What the SDK's reports send: the run-set filter plus the selected runs.
    {"$or": [{"$and": [{"state": {"$ne": "crashed"}}, {"name": {"$in": ["run0001", "run0002", "run0003"]}}]}]},
]


@pytest.mark.parametrize("filters", CASES, ids=[json.dumps(c, ensure_ascii=False)[:60] for c in CASES])
def test_filter_matches_reference(db, filters):
    check(db, filters)


def test_cases_are_not_trivial():
    """Table cases select some runs but not all (except those about absent keys and empty
    groups), so agreement with the reference means something."""
    trivial = [c for c in CASES if len(py_ids(c)) in (0, N_RUNS)]
    assert trivial == [
        {"config.missing": None},
        {"config.missing": {"$ne": 1}},
        {"config.missing": {"$exists": True}},
        {"$or": [{"$and": []}]},
        {"$and": []},
        {"$or": []},
        {"$nor": []},
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # Documented forms, spelled out by hand on small facts of the data.
        ({"config.opt.name": "adam"}, lambda r: r["config"].get("opt", {}).get("value") in (
            {"name": "adam", "lr": 0.001, "betas": [0.9, 0.999]},)),
        ({"tags": "base"}, lambda r: "base" in r["tags"]),
        ({"tags": {"$nin": ["a", "b"]}}, lambda r: not {"a", "b"} & set(r["tags"])),
        ({"config.lr": None}, lambda r: "lr" not in r["config"] or r["config"]["lr"]["value"] is None),
        ({"config.lr": {"$gt": 0.01}}, lambda r: "lr" in r["config"] and type(r["config"]["lr"]["value"]) in (int, float)
            and r["config"]["lr"]["value"] > 0.01),
        ({"summary_metrics.loss": {"$ne": None}}, lambda r: r["summary"].get("loss") is not None),
        ({"config.batch": 32}, lambda r: "batch" in r["config"] and r["config"]["batch"]["value"] in (32, 32.0)
            and r["config"]["batch"]["value"] is not True),
    ],
)
def test_reference_agrees_with_hand_written_reading(db, filters, expected):
    assert set(check(db, filters)) == {r["id"] for r in RUNS if expected(r)}


def test_default_order_is_created_at_then_id(db):
    ids = sql_ids(db)
    keys = [(RUNS[i - 1]["created_at"], i) for i in ids]
    assert keys == sorted(keys)


# -- orders -----------------------------------------------------------------------------------

ORDER_KEYS = [
    "created_at", "createdAt", "heartbeat_at", "heartbeatAt", "updatedAt", "name", "display_name", "state",
    "group", "jobType", "username", "sweep", "config.lr", "config.lr.value", "config.opt.lr", "config.batch",
    "config.layers", "config.flag", "config.model.depth", "config.é", "config.missing.value",
    "summary_metrics.loss", "summary_metrics.acc", "summary_metrics.nested.x", "summary_metrics.eval/loss",
]


@pytest.mark.parametrize("direction", ["", "+", "-"])
@pytest.mark.parametrize("key", ORDER_KEYS)
def test_order_matches_reference(db, key, direction):
    check(db, None, direction + key)


def test_missing_values_sort_last_both_ways(db):
    for order in ("+summary_metrics.loss", "-summary_metrics.loss"):
        ids = sql_ids(db, None, order)
        values = [RUNS[i - 1]["summary"].get("loss") for i in ids]
        first_missing = next(i for i, v in enumerate(values) if v is None)
        assert all(v is None for v in values[first_missing:])
    best = sql_ids(db, None, "+summary_metrics.loss")[0]
    assert RUNS[best - 1]["summary"]["loss"] == min(
        r["summary"]["loss"] for r in RUNS if type(r["summary"].get("loss")) in (int, float))


def test_order_with_filter(db):
    check(db, {"state": "finished", "summary_metrics.acc": {"$exists": True}}, "-summary_metrics.acc")


@pytest.mark.parametrize("order", [None, "", "  "])
def test_empty_order_is_created_at(order):
    assert compile_order(order) == compile_order("+created_at")


@pytest.mark.parametrize("order", ["-", "+tags", "bogus", "summary.loss", "config.", "config.a\"b", "$where"])
def test_bad_order(order):
    with pytest.raises(FilterError):
        compile_order(order)


# -- times ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("operand", "stored"),
    [
        ("2026-01-10", "2026-01-10T00:00:00"),
        ("2026-01-10T05:06:07Z", "2026-01-10T05:06:07"),
        ("2026-01-10T07:06:07+02:00", "2026-01-10T05:06:07"),
        ("2026-01-10T05:06:07.250000", "2026-01-10T05:06:07.250000"),
        (1768021567, "2026-01-10T05:06:07"),
    ],
)
def test_time_operands_are_normalised(db, operand, stored):
    for op in ("$gt", "$gte", "$lt", "$lte"):
        assert sql_ids(db, {"createdAt": {op: operand}}) == py_ids({"createdAt": {op: stored}})
    assert sql_ids(db, {"createdAt": operand}) == py_ids({"createdAt": stored})


def test_fractional_seconds_compare_as_times(db):
    run = RUNS[0]
    assert run["id"] in sql_ids(db, {"createdAt": {"$lt": run["created_at"] + ".5"}})
    assert run["id"] not in sql_ids(db, {"createdAt": {"$gte": run["created_at"] + ".5"}})


# -- robustness -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "filters",
    [
        {"state": {"$foo": 1}},
        {"$where": "1"},
        {"$and": {"state": "x"}},
        {"$or": ["state"]},
        {"$not": ["x"]},
        {"unknown": 1},
        {"summary.loss": 1},
        {"config": 1},
        {"config.": 1},
        {"config.a..b": 1},
        {'config.a"b': 1},
        {"config.a\\b": 1},
        {"config.a\nb": 1},
        {"state": {"$gt": None}},
        {"state": {"$gt": [1]}},
        {"state": {"$in": "finished"}},
        {"state": {"$regex": 5}},
        {"state": {"$regex": "("}},
        {"state": {"$regex": "a", "$options": "q"}},
        {"state": {"$options": "i"}},
        {"state": {"$exists": 1}},
        {"state": {"$size": -1}},
        {"state": {"$not": "finished"}},
        {"state": {"$gt": 1, "plain": 2}},
        {"createdAt": {"$gt": "yesterday"}},
        {"createdAt": {"$gt": True}},
        {"summary_metrics.loss": float("nan")},
        "state",
        ["state"],
    ],
)
def test_invalid_filters_raise_filter_error(filters):
    with pytest.raises(FilterError) as err:
        compile_filters(filters)
    assert isinstance(err.value, ValueError) and str(err.value)


def test_deep_nesting_is_refused():
    filters: dict = {"state": "x"}
    for _ in range(200):
        filters = {"$not": filters}
    with pytest.raises(FilterError):
        compile_filters(filters)


@pytest.mark.parametrize(
    "filters",
    [
        {"config.x'); DROP TABLE runs; --": 1},
        {"summary_metrics.'||(SELECT 1)||'": {"$gt": 0}},
        {"config.{}.{}": {"$in": [1, 2]}},
        {"state": "x'); DROP TABLE runs; --"},
        {"state": {"$regex": "'; DROP TABLE runs; --"}},
        {"tags": {"$in": ["') OR 1=1 --"]}},
    ],
)
def test_injection_attempts_are_inert(db, filters):
    assert sql_ids(db, filters) == []
    assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == N_RUNS + 1


def test_order_injection_is_inert(db):
    ids = sql_ids(db, None, "-config.x'); DROP TABLE runs; --")
    assert ids == sorted(ids, reverse=True)  # all missing: id order
    assert db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == N_RUNS + 1


def test_values_are_parameters_not_sql():
    where, params = compile_filters({"state": "needle-1", "config.lr": {"$in": ["needle-2"]}, "name": {"$regex": "needle-3"}})
    assert "needle" not in where
    assert any("needle-1" in str(p) for p in params) and any("needle-3" in str(p) for p in params)


def test_empty_filters():
    assert compile_filters(None) == ("1", [])
    assert compile_filters({}) == ("1", [])
    assert compile_filters({"$or": [{"$and": []}]}) == ("1", [])


def test_long_in_lists_use_few_parameters(db):
    names = [f"run{i:04d}" for i in range(1, 40001)]
    where, params = compile_filters({"name": {"$in": names}})
    assert len(params) < 5
    assert len(sql_ids(db, {"name": {"$in": names}})) == N_RUNS


def test_unparseable_json_is_treated_as_missing(db):
    """A bare NaN (which Python's json writes) must not break a query over the project."""
    db.execute("INSERT INTO runs (id, project_id, name, state, summary, config, tags, created_at, updated_at)"
               " VALUES (9999, 3, 'nan', 'running', '{\"loss\": NaN, \"acc\": 1}', '{\"lr\": {\"value\": NaN}}',"
               " 'not json', 'x', 'x')")
    try:
        rows = lambda f, o=None: [r[0] for r in db.execute(  # noqa: E731
            f"SELECT id FROM runs WHERE project_id = 3 AND {compile_filters(f)[0]} ORDER BY {compile_order(o)}",
            compile_filters(f)[1])]
        assert rows({"summary_metrics.acc": 1}) == []
        assert rows({"summary_metrics.acc": None}) == [9999]
        assert rows({"config.lr": {"$exists": False}, "tags": None}) == [9999]
        assert rows({"tags": {"$nin": ["a"]}}, "-summary_metrics.loss") == [9999]
    finally:
        db.execute("DELETE FROM runs WHERE id = 9999")


def test_regexp_function_handles_non_strings():
    conn = sqlite3.connect(":memory:")
    install_sqlite_functions(conn)
    assert conn.execute("SELECT 'abc' REGEXP 'b', 'abc' REGEXP '^b', NULL REGEXP 'b', 5 REGEXP '5'").fetchone() == (
        1, 0, 0, 0)


# -- random filters (hypothesis) ---------------------------------------------------------------

KEYS = [
    "state", "name", "display_name", "group", "jobType", "notes", "host", "username", "sweep", "tags",
    "config.lr", "config.lr.value", "config.batch", "config.opt", "config.opt.name", "config.opt.lr",
    "config.opt.value.lr", "config.opt.betas", "config.model.depth", "config.model", "config.é",
    "config.layers", "config.flag", "config.name", "config.missing", "config.opt.value",
    "summary_metrics.loss", "summary_metrics.acc", "summary_metrics.eval/loss", "summary_metrics.nested.x",
    "summary_metrics.nested.y.z", "summary_metrics.train.loss", "summary_metrics._step", "summary_metrics.none",
]
TIME_KEYS = ["createdAt", "heartbeatAt", "updatedAt"]


def _values_in_data() -> list:
    seen: list = []
    for run in RUNS[:80]:
        for key in KEYS:
            _, value = resolve(run, key)
            for v in candidates(value):
                if not isinstance(v, (list, dict)) and not any(same(v, s) for s in seen):
                    seen.append(v)
    return seen


SCALARS = st.sampled_from(_values_in_data()) | st.none() | st.booleans() | st.integers(-3, 70) | st.sampled_from(
    [0.001, 0.5, 1e-4, "a", "adam", "", "finished", "zz", "ü"])
RANGE_OPERANDS = SCALARS.filter(lambda v: v is not None)
OPERANDS = SCALARS | st.sampled_from([[64, 128], [64], [], [0.9, 0.999], {"depth": 3}, ["a", "b"]])
TIMES = st.sampled_from([r["created_at"] for r in RUNS[:20]] + ["2026-01-15T12:00:00", "2026-02-01T00:00:00"])
PATTERNS = st.sampled_from(["a", "^r", "net", "N", "^$", "\\d", "s$", "two words", "é"])


def conditions(operands, range_operands) -> st.SearchStrategy:
    leaf_ops = {
        "$eq": operands, "$ne": operands,
        "$gt": range_operands, "$gte": range_operands, "$lt": range_operands, "$lte": range_operands,
        "$in": st.lists(operands, max_size=4), "$nin": st.lists(operands, max_size=4),
        "$all": st.lists(operands, max_size=3), "$exists": st.booleans(), "$size": st.integers(0, 3),
        "$regex": PATTERNS, "$contains": st.sampled_from(["a", "Net", "o", "1"]),
    }
    single = st.one_of(*[st.builds(lambda v, op=op: {op: v}, s) for op, s in leaf_ops.items()])
    regex_i = st.builds(lambda p: {"$regex": p, "$options": "i"}, PATTERNS)
    combined = st.lists(single, min_size=2, max_size=3).map(lambda ds: {k: v for d in ds for k, v in d.items()})
    ops = st.one_of(single, regex_i, combined)
    return st.one_of(operands, ops, ops.map(lambda d: {"$not": d}))


FIELD_CONDITIONS = st.one_of(
    st.tuples(st.sampled_from(KEYS), conditions(OPERANDS, RANGE_OPERANDS)),
    st.tuples(st.sampled_from(TIME_KEYS), conditions(TIMES | st.none(), TIMES)),
)
LEAVES = st.lists(FIELD_CONDITIONS, min_size=1, max_size=3).map(dict)
FILTERS = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.builds(lambda op, fs: {op: fs}, st.sampled_from(["$and", "$or", "$nor"]), st.lists(children, max_size=3)),
        children.map(lambda f: {"$not": f}),
        st.tuples(LEAVES, st.builds(lambda fs: {"$or": fs}, st.lists(children, min_size=1, max_size=2)))
        .map(lambda pair: {**pair[0], **pair[1]}),
    ),
    max_leaves=8,
)
ORDERS = st.builds(lambda d, k: d + k, st.sampled_from(["", "+", "-"]), st.sampled_from(ORDER_KEYS))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters=FILTERS, order=ORDERS)
def test_random_filters_match_reference(db, filters, order):
    check(db, filters, order)


@pytest.mark.parametrize("value", [0.1, 1, -2, 1e300, math.inf, -math.inf, "x", True, None])
def test_numbers_strings_and_booleans_do_not_mix(db, value):
    for op in ("$eq", "$gt", "$gte", "$lt", "$lte", "$ne"):
        if value is None and op not in ("$eq", "$ne"):
            continue
        check(db, {"config.lr": {op: value}})
        check(db, {"summary_metrics.loss": {op: value}})


def _official_client_filters() -> list[dict]:
    """Filters as the official SDK's own helpers write them (reports, run sets, FilterExpr)."""
    expressions = pytest.importorskip("wandb._filters.expressions")
    from wandb.apis.public.query_generator import QueryGenerator
    from wandb.apis.public.reports import PythonMongoishQueryGenerator

    name, lr, tags = (expressions.FilterableField(k) for k in ("display_name", "config.lr", "tags"))
    built = [
        name.contains("Net"),
        ~(lr > 0.001),
        lr.in_([0.1, 0.01]) | name.matches_regex("^res"),
        ~lr.exists(),
        tags.not_in(["a"]) & expressions.FilterableField("state").ne("crashed"),
    ]
    spec = {"op": "OR", "filters": [{"op": "AND", "filters": [
        {"key": {"section": "run", "name": "state"}, "op": "!=", "value": "failed"},
        {"key": {"section": "config", "name": "lr.value"}, "op": ">=", "value": 0.001},
        {"key": {"section": "tags", "name": "base"}, "op": "=", "value": False},
        {"key": {"section": "summary", "name": "loss"}, "op": "<", "value": 5},
        {"key": {"section": "tags", "name": "x"}, "op": "IN", "value": ["a", "b"]},
        {"key": {"section": "run", "name": "displayName"}, "op": "REGEX", "value": "e"},
        {"key": {"section": "run", "name": "group"}, "op": "!=", "value": None},
    ]}]}

    class RunSet:  # what PythonMongoishQueryGenerator reads to tell config keys from metrics
        _runs_config = {"lr": 0.1}

    python = PythonMongoishQueryGenerator(RunSet())
    return [
        *(e.model_dump(by_alias=True, mode="json") for e in built),
        QueryGenerator().filter_to_mongo(spec),
        python.python_to_mongo("State == 'finished' and lr >= 0.001"),
        python.python_to_mongo("Name != 'vit' or loss < 0.5"),
        python.python_to_mongo("Tags in ['a', 'b']"),
    ]


def test_filters_the_official_clients_write(db):
    for filters in _official_client_filters():
        assert 0 < len(check(db, filters)) < N_RUNS, filters
