"""W&B run filters and orders, compiled to SQLite.

`Api.runs(filters=..., order=...)` sends a MongoDB-style filter (a JSON object) and an order
string; the sandbox evaluates them in SQL over the `runs` table (alias `runs`), reading config
and summary with SQLite's JSON functions instead of loading runs into Python.

Semantics. The SDK documents these filters by MongoDB's operator reference (`Api.runs`
docstring; `wandb._filters.operators` links each operator to its MongoDB page), so that is
the model, with the W&B-specific parts from the SDK and W&B's docs:

- Values compare only within one JSON type (MongoDB's type bracketing): numbers (ints and
  floats alike) with numbers, strings with strings (code-point order), booleans with booleans
  (false < true). `{"config.lr": "0.1"}` does not match the number 0.1, and `$gt: 5` never
  matches a string.
- A missing key and a JSON null are both "null": `{"k": null}` matches either, `$exists`
  tells them apart, and `$ne`/`$nin`/`$not`/`$nor` match runs that lack the key.
- Arrays match element-wise: `{"tags": "a"}` means "has tag a", `$in` "has any", `$nin`
  "has none", `$all` "has every", a range or `$regex` "some element matches"; a list operand
  of `$eq` matches the whole array. The same holds for list-valued config and summary values.
  A run without tags counts as having no `tags` value (`{"tags": null}`, `$exists: false`),
  as the SDK's QueryGenerator assumes when it writes "not tagged t" as
  `{"$or": [{"tags": null}, {"tags": {"$ne": t}}]}`.
- `config.k`, `config.k.value` and, for nested dicts, `config.k.a.b`, `config.k.value.a.b`
  and `config.k.a.b.value` all name `config["k"]["value"]["a"]["b"]` (W&B stores each top
  key as `{"value": ..., "desc": ...}`; W&B's docs filter nested config as
  `config.experiment.category`, the SDK's report helpers write `config.k.value.rest`, W&B's
  old web app wrote `config.<flattened key>.value`). `summary_metrics.a.b` is nested the
  same way without the envelope. A key that W&B stores flat with dots in its name
  (`wandb.config["model.lr"]`) is found too, after the nested reading.
- `$regex` is an unanchored search (W&B: RE2 syntax; here Python's `re`, which agrees on
  common patterns), `$options` takes MongoDB's `imsx`, `$contains` is a substring test (the
  SDK's `Contains` operator, which W&B's backend executes). Both apply to strings only.
- `createdAt`/`heartbeatAt` compare as UTC times: an ISO-8601 operand (`2026-01-01`,
  `...Z`, an offset, fractions) or epoch seconds is normalised to the stored
  `YYYY-MM-DDTHH:MM:SS` form.
- Empty `$and`, `$or` and `$nor` lists filter nothing out: W&B's clients send the empty group
  `{"$or": [{"$and": []}]}` to mean "no filter".
- Orders: `[+|-]key` (no sign = ascending, as `Api.runs` documents); runs lacking the key (or
  with null) come last in both directions, so `+summary_metrics.loss` starts with the best run,
  which is how `Sweep.best_run()` reads the first run; mixed types sort by MongoDB's type order
  (numbers < strings < objects < arrays < booleans); ties break on `runs.id`.

Keys: `state`, `name` (the run id), `display_name`/`displayName`, `group`, `jobType`, `notes`,
`description`, `host`, `username`, `sweep` (its name), `createdAt`, `heartbeatAt`, `updatedAt`
(also snake_case), `tags`, `config.*`, `summary_metrics.*`; orders take the same keys.

The store calls `install_sqlite_functions(conn)` (for `$regex`). A run whose JSON SQLite cannot
parse (Python's json writes NaN and Infinity bare) counts as having no values there, rather
than failing the query; store NaN some other way to make it filterable.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["FilterError", "compile_filters", "compile_order", "install_sqlite_functions"]


class FilterError(ValueError):
    """An invalid run filter or order; the message is meant for the API's user."""


# -- SQL pieces ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sql:
    text: str
    params: tuple[Any, ...] = ()


TRUE, FALSE = _Sql("1"), _Sql("0")


def _q(template: str, *args: Any) -> _Sql:
    """Fill each `{}` of `template` with an `_Sql` (inlined) or a value (bound as `?`)."""
    pieces = template.split("{}")
    assert len(pieces) == len(args) + 1, template
    text, params = [pieces[0]], []
    for arg, piece in zip(args, pieces[1:]):
        if isinstance(arg, _Sql):
            text.append(arg.text)
            params.extend(arg.params)
        else:
            text.append("?")
            params.append(arg)
        text.append(piece)
    return _Sql("".join(text), tuple(params))


def _join(parts: list[_Sql], op: str, unit: _Sql, absorbing: _Sql) -> _Sql:
    """`parts` joined by AND or OR, folding the constants away."""
    parts = [p for p in parts if p != unit]
    if absorbing in parts:
        return absorbing
    if len(parts) <= 1:
        return parts[0] if parts else unit
    return _q("(" + f" {op} ".join(["{}"] * len(parts)) + ")", *parts)


def _and(parts: list[_Sql]) -> _Sql:
    return _join(parts, "AND", TRUE, FALSE)


def _or(parts: list[_Sql]) -> _Sql:
    return _join(parts, "OR", FALSE, TRUE)


def _not(part: _Sql) -> _Sql:
    # Every condition built here is 0 or 1, never NULL, so NOT is exact, and SQLite can still
    # stop evaluating an AND or OR early (wrapping it in a function would make it compute all).
    if part in (TRUE, FALSE):
        return FALSE if part == TRUE else TRUE
    return _q("NOT {}", part)


def _literal(text: str) -> _Sql:
    """A validated key as an SQL string literal (keys are quoted, values are parameters)."""
    return _Sql("'" + text.replace("'", "''") + "'")


# -- operands -----------------------------------------------------------------------------------

# JSON kinds of operands, and the json_type() names of stored values of each kind.
_JSON_TYPES = {
    "null": ("null",),
    "bool": ("true", "false"),
    "number": ("integer", "real"),
    "string": ("text",),
    "array": ("array",),
    "object": ("object",),
}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            raise FilterError("NaN cannot be compared in a filter")
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise FilterError(f"unsupported filter value {value!r}")


def _param(value: Any) -> Any:
    """A scalar operand as an SQLite parameter (JSON true/false are 1/0 in SQLite)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return float(value)  # beyond SQLite's integers, as SQLite itself stores such JSON
    return value


# -- fields -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Val:
    """One stored value in SQL: `type` yields json_type() names, or '' when the value is
    missing (None: a TEXT column, NULL when missing)."""

    type: _Sql | None
    value: _Sql

    def is_kind(self, kind: str) -> _Sql:
        if self.type is None:  # a TEXT column holds strings, or NULL for a missing value
            return _q("{} IS NOT NULL", self.value) if kind == "string" else FALSE
        names = ", ".join(f"'{n}'" for n in _JSON_TYPES[kind])
        return _q("{} IN (" + names + ")", self.type)


class _Column:
    """A text column of `runs` (or a scalar subquery); NULL means the run lacks the value."""

    def __init__(self, sql: str, *, nullable: bool = True, time: bool = False):
        self.sql, self.nullable, self.time = sql, nullable, time

    def whole(self) -> _Val:
        return _Val(None, _Sql(self.sql))

    def any_element(self, pred: Callable[[_Val], _Sql]) -> _Sql:
        return FALSE

    def exists(self) -> _Sql:
        return _Sql(f"{self.sql} IS NOT NULL") if self.nullable else TRUE

    def size(self) -> _Sql | None:
        return None

    def coerce(self, value: Any) -> Any:
        return _utc_time(value) if self.time and value is not None else value

    def order_terms(self) -> tuple[str, ...]:
        return (f"{self.sql} IS NULL", "", self.sql) if self.nullable else ("", "", self.sql)


class _Json:
    """A value inside a JSON column, read at the first of `paths` that exists in the run."""

    def __init__(self, column: str, paths: list[str]):
        # A run whose JSON SQLite cannot parse has no values rather than failing the query.
        self.doc = f"CASE WHEN json_valid({column}) THEN {column} END"
        types = [f"json_type({self.doc}, {_literal(p).text})" for p in paths]
        if len(paths) == 1:
            self.path = _literal(paths[0]).text
        else:
            whens = " ".join(f"WHEN {t} IS NOT NULL THEN {_literal(p).text}" for t, p in zip(types, paths))
            self.path = f"CASE {whens} END"
        self.type = f"COALESCE({', '.join(types)}, '')"

    def whole(self) -> _Val:
        return _Val(_Sql(self.type), _Sql(f"json_extract({self.doc}, {self.path})"))

    def any_element(self, pred: Callable[[_Val], _Sql]) -> _Sql:
        inner = pred(_Val(_Sql("json_each.type"), _Sql("json_each.value")))
        if inner == FALSE:
            return FALSE
        # Keys are inside these strings, so they go in as pieces, never into the template.
        return _q(
            "({} = 'array' AND EXISTS (SELECT 1 FROM json_each({}, {}) WHERE {}))",
            _Sql(self.type), _Sql(self.doc), _Sql(self.path), inner,
        )

    def exists(self) -> _Sql:
        return _Sql(f"{self.type} <> ''")

    def size(self) -> _Sql | None:
        return _Sql(f"({self.type} = 'array' AND json_array_length({self.doc}, {self.path}) = ?)")

    def coerce(self, value: Any) -> Any:
        return value

    def order_terms(self) -> tuple[str, ...]:
        t = self.type
        rank = (
            f"CASE {t} WHEN 'integer' THEN 0 WHEN 'real' THEN 0 WHEN 'text' THEN 1 "
            f"WHEN 'object' THEN 2 WHEN 'array' THEN 3 ELSE 4 END"
        )
        return (f"{t} IN ('', 'null')", rank, self.whole().value.text)


class _Tags:
    """`runs.tags`, a JSON array of strings; an empty array counts as no value."""

    doc = "CASE WHEN json_valid(runs.tags) THEN runs.tags END"

    def whole(self) -> _Val:
        return _Val(_Sql("'array'"), _Sql(f"COALESCE(json({self.doc}), '[]')"))  # minified, like json_extract's

    def any_element(self, pred: Callable[[_Val], _Sql]) -> _Sql:
        inner = pred(_Val(_Sql("json_each.type"), _Sql("json_each.value")))
        if inner == FALSE:
            return FALSE
        return _q("EXISTS (SELECT 1 FROM json_each({}) WHERE {})", _Sql(self.doc), inner)

    def exists(self) -> _Sql:
        return _Sql(f"COALESCE(json_array_length({self.doc}), 0) > 0")

    def size(self) -> _Sql | None:
        return _Sql(f"COALESCE(json_array_length({self.doc}), 0) = ?")

    def coerce(self, value: Any) -> Any:
        return value


_Field = _Column | _Json | _Tags

_USER = "(SELECT users.username FROM users WHERE users.id = runs.user_id)"
_SWEEP = "(SELECT sweeps.name FROM sweeps WHERE sweeps.id = runs.sweep_id)"
_CREATED = _Column("runs.created_at", nullable=False, time=True)
_HEARTBEAT = _Column("runs.heartbeat_at", time=True)
_UPDATED = _Column("runs.updated_at", nullable=False, time=True)
_DISPLAY_NAME = _Column("runs.display_name")
_JOB_TYPE = _Column("runs.job_type")

# Run attributes by the names W&B's filters and orders use (and their snake/camel twins).
_RUN_FIELDS: dict[str, _Field] = {
    "name": _Column("runs.name", nullable=False),
    "state": _Column("runs.state", nullable=False),
    "display_name": _DISPLAY_NAME,
    "displayName": _DISPLAY_NAME,
    "group": _Column("runs.group_name"),
    "jobType": _JOB_TYPE,
    "job_type": _JOB_TYPE,
    "notes": _Column("runs.notes"),
    "description": _Column("runs.description"),
    "host": _Column("runs.host"),
    "username": _Column(_USER),
    "sweep": _Column(_SWEEP),
    "createdAt": _CREATED,
    "created_at": _CREATED,
    "heartbeatAt": _HEARTBEAT,
    "heartbeat_at": _HEARTBEAT,
    "updatedAt": _UPDATED,
    "updated_at": _UPDATED,
    "tags": _Tags(),
}

_MAX_KEY_LENGTH, _MAX_SEGMENTS = 1000, 32
_BAD_KEY_CHARS = re.compile(r'["\\\x00-\x1f\x7f]')


def _field(key: Any) -> _Field:
    if not isinstance(key, str):
        raise FilterError(f"filter keys must be strings, not {key!r}")
    if key in _RUN_FIELDS:
        return _RUN_FIELDS[key]
    section, _, rest = key.partition(".")
    if section in ("config", "summary_metrics") and rest:
        return _Json(f"runs.{'config' if section == 'config' else 'summary'}", _paths(key, rest, section == "config"))
    if section in ("summary", "summaryMetrics") and rest:
        raise FilterError(f"unknown filter key {key!r}; summary values are 'summary_metrics.{rest}'")
    raise FilterError(
        f"unknown filter key {key!r}; use config.<key>, summary_metrics.<key> or one of: "
        + ", ".join(sorted(k for k in _RUN_FIELDS if "_" not in k))
    )


def _paths(key: str, rest: str, config: bool) -> list[str]:
    """JSON paths that `key` may name, most likely first (see the module docstring)."""
    segments = rest.split(".")
    if len(key) > _MAX_KEY_LENGTH or len(segments) > _MAX_SEGMENTS:
        raise FilterError(f"filter key is too long: {key[:80]!r}...")
    if "" in segments:
        raise FilterError(f"filter key {key!r} has an empty part")
    if _BAD_KEY_CHARS.search(rest):
        raise FilterError(f"filter key {key!r} contains a quote, backslash or control character")
    paths: list[str] = []
    for split in range(1, len(segments) + 1):
        top, inner = ".".join(segments[:split]), segments[split:]
        if config:
            if inner[:1] == ["value"]:
                inner = inner[1:]
            elif inner[-1:] == ["value"]:
                inner = inner[:-1]
            inner = ["value", *inner]
        labels = [top, *inner]
        # SQLite 3.40 matches labels against the raw key text, which `json.dumps` writes with
        # \\u escapes for non-ASCII; newer versions decode both, so either spelling works.
        for spell in (str, lambda s: json.dumps(s)[1:-1]):
            path = "$" + "".join(f'."{spell(label)}"' for label in labels)
            if path not in paths:
                paths.append(path)
    return paths


def _utc_time(value: Any) -> str:
    """An operand for a time column in the stored form, `YYYY-MM-DDTHH:MM:SS[.ffffff]` (UTC)."""
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, (int, float)):
            when = dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
        elif isinstance(value, str):
            text = value.strip()
            when = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" and text else text)
        else:
            raise ValueError
    except (ValueError, OverflowError, OSError):
        raise FilterError(f"expected an ISO-8601 time or epoch seconds, not {value!r}") from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{when.microsecond:06d}" if when.microsecond else text


# -- operators ----------------------------------------------------------------------------------


def _any(field: _Field, pred: Callable[[_Val], _Sql]) -> _Sql:
    """The value itself, or (for an array) one of its elements, satisfies `pred`."""
    return _or([pred(field.whole()), field.any_element(pred)])


def _same(val: _Val, operand: Any) -> _Sql:
    kind = _kind(operand)
    if kind == "null":
        return val.is_kind("null")
    if kind in ("array", "object"):
        # Stored arrays and objects read back as minified JSON text, as json() writes the operand.
        return _and([val.is_kind(kind), _q("{} = json({})", val.value, json.dumps(operand))])
    return _and([val.is_kind(kind), _q("{} = {}", val.value, _param(operand))])


def _eq(field: _Field, operand: Any) -> _Sql:
    operand = field.coerce(operand)
    match = _any(field, lambda v: _same(v, operand))
    return _or([_not(field.exists()), match]) if operand is None else match


def _in(field: _Field, operands: Any, op: str) -> _Sql:
    if not isinstance(operands, list):
        raise FilterError(f"{op} needs a list, not {operands!r}")
    operands = [field.coerce(o) for o in operands]
    by_kind: dict[str, list[Any]] = {}
    for operand in operands:
        by_kind.setdefault(_kind(operand), []).append(operand)
    parts = [_eq(field, o) for kind in ("null", "array", "object") for o in by_kind.get(kind, [])]

    def one_of(val: _Val) -> _Sql:
        # One parameter per kind (a JSON array), however long the list is.
        return _or([
            _and([val.is_kind(kind), _q("{} IN (SELECT value FROM json_each({}))", val.value, json.dumps(members))])
            for kind in ("bool", "number", "string")
            if (members := by_kind.get(kind))
        ])

    return _or([*parts, _any(field, one_of)])


def _compare(field: _Field, operand: Any, op: str) -> _Sql:
    kind = _kind(operand)
    if kind not in ("bool", "number", "string"):
        raise FilterError(f"{op} needs a number, string or boolean, not {operand!r}")
    operand = field.coerce(operand)
    kind = _kind(operand)
    sql_op = _RANGE_OPS[op]
    return _any(field, lambda v: _and([v.is_kind(kind), _q("{} " + sql_op + " {}", v.value, _param(operand))]))


def _regex(field: _Field, pattern: Any, options: Any) -> _Sql:
    if not isinstance(pattern, str):
        raise FilterError(f"$regex needs a string, not {pattern!r}")
    if not isinstance(options, str) or set(options) - set("imsx"):
        raise FilterError(f"$options must be letters from 'imsx', not {options!r}")
    if options:
        pattern = f"(?{''.join(sorted(set(options)))}){pattern}"
    try:
        _compiled(pattern)
    except re.error as e:
        raise FilterError(f"invalid $regex {pattern!r}: {e}") from None
    return _any(field, lambda v: _and([v.is_kind("string"), _q("{} REGEXP {}", v.value, pattern)]))


def _contains(field: _Field, text: Any) -> _Sql:
    if not isinstance(text, str):
        raise FilterError(f"$contains needs a string, not {text!r}")
    return _any(field, lambda v: _and([v.is_kind("string"), _q("instr({}, {}) > 0", v.value, text)]))


def _size(field: _Field, size: Any) -> _Sql:
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise FilterError(f"$size needs a non-negative integer, not {size!r}")
    test = field.size()  # "{} = ?" or None when the field is never an array
    return FALSE if test is None else _Sql(test.text, (size,))


def _all(field: _Field, operands: Any) -> _Sql:
    if not isinstance(operands, list):
        raise FilterError(f"$all needs a list, not {operands!r}")
    return _and([_eq(field, o) for o in operands]) if operands else FALSE


def _exists(field: _Field, flag: Any) -> _Sql:
    if not isinstance(flag, bool):
        raise FilterError(f"$exists needs true or false, not {flag!r}")
    return field.exists() if flag else _not(field.exists())


_RANGE_OPS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
_FIELD_OPS: dict[str, Callable[[_Field, Any], _Sql]] = {
    "$eq": _eq,
    "$ne": lambda f, v: _not(_eq(f, v)),
    "$in": lambda f, v: _in(f, v, "$in"),
    "$nin": lambda f, v: _not(_in(f, v, "$nin")),
    "$contains": _contains,
    "$exists": _exists,
    "$size": _size,
    "$all": _all,
    **{op: (lambda f, v, op=op: _compare(f, v, op)) for op in _RANGE_OPS},
}
_LOGICAL_OPS = ("$and", "$or", "$nor", "$not")
_MAX_DEPTH = 64


def _field_ops(field: _Field, key: str, ops: dict[str, Any], depth: int) -> _Sql:
    if not ops:
        raise FilterError(f"empty operator object for {key!r}")
    parts = []
    for op, arg in ops.items():
        if op == "$regex":
            parts.append(_regex(field, arg, ops.get("$options", "")))
        elif op == "$options":
            if "$regex" not in ops:
                raise FilterError(f"$options without $regex for {key!r}")
        elif op == "$not":
            if not (isinstance(arg, dict) and arg and all(isinstance(k, str) and k.startswith("$") for k in arg)):
                raise FilterError(f"$not on {key!r} needs an operator object such as {{\"$gt\": 1}}")
            parts.append(_not(_field_ops(field, key, arg, depth + 1)))
        elif op in _FIELD_OPS:
            parts.append(_FIELD_OPS[op](field, arg))
        else:
            raise FilterError(f"unknown operator {op!r} for {key!r}")
    return _and(parts)


def _condition(key: str, value: Any, depth: int) -> _Sql:
    if key in _LOGICAL_OPS:
        if key == "$not":  # the SDK's Not(expr): {"$not": {<filter>}}
            if not isinstance(value, dict):
                raise FilterError("$not needs a filter object")
            return _not(_filter(value, depth + 1))
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise FilterError(f"{key} needs a list of filter objects")
        if not value:
            return TRUE
        parts = [_filter(v, depth + 1) for v in value]
        return {"$and": _and, "$or": _or, "$nor": lambda p: _not(_or(p))}[key](parts)
    if key.startswith("$"):
        raise FilterError(f"unknown operator {key!r}")
    field = _field(key)
    if isinstance(value, dict) and any(isinstance(k, str) and k.startswith("$") for k in value):
        if not all(isinstance(k, str) and k.startswith("$") for k in value):
            raise FilterError(f"{key!r} mixes operators and plain keys")
        return _field_ops(field, key, value, depth)
    return _eq(field, value)


def _filter(filters: Any, depth: int = 0) -> _Sql:
    if depth > _MAX_DEPTH:
        raise FilterError("filter is nested too deeply")
    if not isinstance(filters, dict):
        raise FilterError(f"a filter must be a JSON object, not {filters!r}")
    return _and([_condition(k, v, depth) for k, v in filters.items()])


def compile_filters(filters: dict | None) -> tuple[str, list]:
    """A WHERE fragment over `runs` (with `?` parameters) for a W&B run filter; "1" when empty."""
    if filters is None:
        return "1", []
    sql = _filter(filters)
    if sql in (TRUE, FALSE):
        return sql.text, []
    return f"({sql.text})", list(sql.params)


def compile_order(order: str | None) -> str:
    """An ORDER BY fragment (without the keyword) for a W&B run order such as `-summary_metrics.loss`."""
    key = (order or "").strip() or "+created_at"
    direction = "DESC" if key[0] == "-" else "ASC"
    key = key[1:] if key[0] in "+-" else key
    field = _field(key)
    if isinstance(field, _Tags):
        raise FilterError("runs cannot be ordered by tags")
    missing_last, rank, value = field.order_terms()
    terms = [missing_last] if missing_last else []
    terms += [f"{t} {direction}" for t in (rank, value) if t]
    return ", ".join([*terms, f"runs.id {direction}"])


# -- SQLite functions ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _regexp(pattern: str | None, value: Any) -> int:
    if not isinstance(value, str) or pattern is None:
        return 0
    return int(_compiled(pattern).search(value) is not None)


def install_sqlite_functions(conn: sqlite3.Connection) -> None:
    """Register what compiled filters call (`X REGEXP Y`) on a connection."""
    conn.create_function("regexp", 2, _regexp, deterministic=True)
