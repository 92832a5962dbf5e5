"""The filter bar's compact language, compiled to W&B's MongoDB-style run filters.

    state:running,failed tag:baseline -tag:bad config.lr>=1e-3 loss<0.2 name~resnet
    user:alice created>2026-01-01 notes~"two words" (group:a | group:b) has:summary.acc

A query is terms separated by spaces (all must hold); `or` or a lone `|` between terms makes
alternatives (looser than the spaces); parentheses group; a leading `-` negates a term or group.
A term is `key OP value`:

    :  =    equals; a comma list means "any of" (`state:running,failed`)
    !=      differs from (a comma list: "none of")
    ~       matches a regular expression, ignoring case (plain text: contains)
    > >= < <=   compares (numbers with numbers, text with text, times as ISO-8601)
    has:KEY the run has a value for KEY

Keys: `state`, `tag`, `name` (the display name), `id` (the run id), `group`, `job`, `user`,
`sweep`, `host`, `notes`, `created`, `heartbeat`, `config.<key>`, `summary.<key>`; any other
key is a summary metric (`loss<0.2` is `summary_metrics.loss`). Values are numbers, `true`,
`false` and `null` where they can be, otherwise text; quote ("..." or '...') to force text or to
include spaces, commas or parentheses. A term without an operator searches display names.
Text starting with `{` is taken as raw filter JSON.

Errors are `FilterSyntaxError` with the 0-based position of the problem in the text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["FilterSyntaxError", "STATES", "complete", "parse", "word_span"]

STATES = ("running", "finished", "failed", "crashed", "killed", "preempted", "pending")


class FilterSyntaxError(ValueError):
    """A filter the language cannot read; `position` is the 0-based column of the problem."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.message, self.position = message, position


# -- fields ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    key: str  # the key in W&B's filters
    kind: str  # "text" (run attributes), "state", "tags", "time" or "json" (config, summary)


_RUN_FIELDS = {
    "state": _Field("state", "state"),
    "tag": _Field("tags", "tags"),
    "tags": _Field("tags", "tags"),
    "name": _Field("display_name", "text"),
    "id": _Field("name", "text"),
    "group": _Field("group", "text"),
    "job": _Field("jobType", "text"),
    "jobtype": _Field("jobType", "text"),
    "job_type": _Field("jobType", "text"),
    "user": _Field("username", "text"),
    "username": _Field("username", "text"),
    "sweep": _Field("sweep", "text"),
    "host": _Field("host", "text"),
    "notes": _Field("notes", "text"),
    "created": _Field("createdAt", "time"),
    "createdat": _Field("createdAt", "time"),
    "created_at": _Field("createdAt", "time"),
    "heartbeat": _Field("heartbeatAt", "time"),
    "heartbeatat": _Field("heartbeatAt", "time"),
    "heartbeat_at": _Field("heartbeatAt", "time"),
}
# What completion offers for run attributes, each with its usual operator.
_KEY_SUGGESTIONS = ("state:", "tag:", "name~", "id:", "group:", "job:", "user:", "sweep:", "host:",
                    "notes~", "created>", "heartbeat>", "has:")


def _field(key: str) -> _Field:
    if field := _RUN_FIELDS.get(key.lower()):
        return field
    section, _, rest = key.partition(".")
    if section == "config" and rest:
        return _Field(key, "json")
    if section in ("summary", "summary_metrics") and rest:
        return _Field(f"summary_metrics.{rest}", "json")
    return _Field(f"summary_metrics.{key}", "json")


# -- scanning ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Char:
    ch: str
    pos: int
    quoted: bool


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "or", "not" (a `-` before a group) or "term"
    pos: int
    chars: tuple[_Char, ...] = ()


def _text(chars: tuple[_Char, ...] | list[_Char]) -> str:
    return "".join(c.ch for c in chars)


def _scan(text: str, partial: bool = False) -> list[_Token]:
    """Tokens of `text`; with `partial`, an unterminated quote runs to the end (for completion)."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token(ch, i))
            i += 1
        elif ch == "|" and (i + 1 == n or text[i + 1].isspace()):
            tokens.append(_Token("or", i))
            i += 1
        elif ch == "-" and i + 1 < n and text[i + 1] == "(":
            tokens.append(_Token("not", i))
            i += 1
        else:
            start, chars, depth = i, [], 0
            while i < n and not text[i].isspace():
                ch = text[i]
                if ch in "\"'":
                    close = _closing_quote(text, i)
                    if close is None and not partial:
                        raise FilterSyntaxError("unterminated quote", i)
                    end = n if close is None else close
                    chars += _unquote(text, i + 1, end)
                    i = end + 1
                    continue
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    if depth == 0:
                        break  # closes a group
                    depth -= 1
                chars.append(_Char(ch, i, False))
                i += 1
            if _text(chars).lower() == "or" and not any(c.quoted for c in chars):
                tokens.append(_Token("or", start))
            else:
                tokens.append(_Token("term", start, tuple(chars)))
    return tokens


def _closing_quote(text: str, start: int) -> int | None:
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == text[start]:
            return i
        else:
            i += 1
    return None


def _unquote(text: str, start: int, end: int) -> list[_Char]:
    if start >= end:  # "" still stands for a (quoted, empty) value
        return [_Char("", start - 1, True)]
    chars, i = [], start
    while i < end:
        if text[i] == "\\" and i + 1 < end:
            i += 1
        chars.append(_Char(text[i], i, True))
        i += 1
    return chars


# -- parsing -----------------------------------------------------------------------------------------

_OPS = (">=", "<=", "!=", ":", "=", "~", ">", "<")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_INTEGER = re.compile(r"[+-]?\d+\Z")
_RANGE = {">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte"}


def parse(text: str) -> dict[str, Any]:
    """The W&B filter (a MongoDB-style dict) that `text` means; {} for empty text."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return _raw_json(text, len(text) - len(stripped))
    return _Parser(text).parse()


def _raw_json(text: str, offset: int) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise FilterSyntaxError(f"invalid filter JSON: {e.msg}", e.pos) from None
    if not isinstance(value, dict):
        raise FilterSyntaxError("filter JSON must be an object", offset)
    return value


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _scan(text)
        self.i = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> dict[str, Any]:
        if not self.tokens:
            return {}
        result = self.alternatives()
        if (token := self.peek()) is not None:  # only a stray ")" stops the loops early
            raise FilterSyntaxError("unmatched ')'", token.pos)
        return result

    def alternatives(self) -> dict[str, Any]:
        options = [self.conjunction()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            options.append(self.conjunction())
        return options[0] if len(options) == 1 else {"$or": options}

    def conjunction(self) -> dict[str, Any]:
        parts = []
        while (token := self.peek()) is not None and token.kind not in ("or", ")"):
            parts.append(self.unit())
        if not parts:
            where = token.pos if token else len(self.text)
            if token is None:
                what = "the end"
            else:
                what = "'or'" if token.kind == "or" and self.text[token.pos] != "|" else f"'{self.text[token.pos]}'"
            raise FilterSyntaxError(f"expected a condition before {what}", where)
        return _all_of(parts)

    def unit(self) -> dict[str, Any]:
        token = self.take()
        if token.kind == "not":
            return {"$nor": [self.group(self.take())]}
        if token.kind == "(":
            return self.group(token)
        return _term(token)

    def group(self, opening: _Token) -> dict[str, Any]:
        inner = self.alternatives()
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise FilterSyntaxError("unmatched '('", opening.pos)
        self.take()
        return inner


def _all_of(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One dict (W&B's implicit AND); a key's second condition goes into `$and`."""
    merged: dict[str, Any] = {}
    repeated: list[dict[str, Any]] = []
    for part in parts:
        for key, condition in part.items():
            if key in merged or key == "$and":
                repeated.append({key: condition})
            else:
                merged[key] = condition
    return {**merged, "$and": repeated} if repeated else merged


def _term(token: _Token) -> dict[str, Any]:
    chars = token.chars
    negate = len(chars) > 1 and chars[0].ch == "-" and not chars[0].quoted
    if negate:
        chars = chars[1:]
    split = _find_op(chars)
    if split is None:  # plain words search display names
        if not _text(chars):
            raise FilterSyntaxError("empty search text", token.pos)
        condition: Any = {"$regex": "(?i)" + _literal_regex(_text(chars))}
        return {"display_name": {"$not": condition} if negate else condition}
    at, op = split
    key_chars, value_chars = chars[:at], chars[at + len(op):]
    op_pos = chars[at].pos
    if not key_chars:
        raise FilterSyntaxError(f"expected a key before '{op}'", op_pos)
    key = _text(key_chars)
    if not value_chars:
        raise FilterSyntaxError(f"expected a value after '{op}'", op_pos + len(op))
    if key.lower() == "has" and op == ":" and not any(c.quoted for c in key_chars):
        return {_field(_key(value_chars)).key: {"$exists": not negate}}
    field = _field(_key(key_chars))
    return {field.key: _condition(field, op, value_chars, negate)}


def _key(chars: tuple[_Char, ...]) -> str:
    key = _text(chars)
    if "" in key.split("."):
        raise FilterSyntaxError("a key cannot have an empty part between dots", chars[0].pos)
    if bad := next((c for c in chars if c.ch in '"\\' or (c.ch and ord(c.ch) < 32)), None):
        raise FilterSyntaxError("a key cannot contain quotes, backslashes or control characters", bad.pos)
    return key


def _find_op(chars: tuple[_Char, ...]) -> tuple[int, str] | None:
    for i, c in enumerate(chars):
        if c.quoted:
            continue
        for op in _OPS:
            if c.ch == op[0] and _text(chars[i:i + len(op)]) == op and not any(x.quoted for x in chars[i:i + len(op)]):
                return i, op
    return None


def _condition(field: _Field, op: str, chars: tuple[_Char, ...], negate: bool) -> Any:
    if op == "~":
        pattern = _text(chars)
        try:
            re.compile(pattern)
        except re.error as e:
            raise FilterSyntaxError(f"invalid regular expression: {e.msg}", chars[min(e.pos or 0, len(chars) - 1)].pos) from None
        condition: Any = {"$regex": "(?i)" + pattern}
        return {"$not": condition} if negate else condition
    if op in _RANGE:
        condition = {_RANGE[op]: _value(field, chars)}
        return {"$not": condition} if negate else condition
    values = [_value(field, item) for item in _split_list(chars)]
    exclude = (op == "!=") != negate
    if len(values) > 1:
        return {"$nin" if exclude else "$in": values}
    return {"$ne": values[0]} if exclude else values[0]


def _split_list(chars: tuple[_Char, ...]) -> list[tuple[_Char, ...]]:
    items: list[list[_Char]] = [[]]
    for c in chars:
        if c.ch == "," and not c.quoted:
            if not items[-1]:
                raise FilterSyntaxError("empty value in a list", c.pos)
            items.append([])
        else:
            items[-1].append(c)
    if not items[-1]:
        raise FilterSyntaxError("empty value at the end of a list", chars[-1].pos + 1)
    return [tuple(item) for item in items]


def _value(field: _Field, chars: tuple[_Char, ...]) -> Any:
    text = _text(chars)
    if all(c.quoted for c in chars):
        return text
    if text.lower() in ("null", "none"):
        return None
    if field.kind == "state":
        return text.lower()  # W&B's states are lower case, as wandb-workspaces writes them
    if field.kind == "time":
        _check_time(text, chars[0].pos)
        return text
    if field.kind == "json":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        if _NUMBER.match(text):
            return int(text) if _INTEGER.match(text) else float(text)
    return text


def _check_time(text: str, pos: int) -> None:
    try:
        dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("z", "Z") else text)
    except ValueError:
        raise FilterSyntaxError(f"expected a date or time such as 2026-01-31 or 2026-01-31T12:00, not {text!r}",
                                pos) from None


def _literal_regex(text: str) -> str:
    """`text` as a regular expression matching itself (only metacharacters escaped, as RE2 wants)."""
    return re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", text)


# -- completion ---------------------------------------------------------------------------------------


def word_span(text: str, cursor: int) -> tuple[int, int]:
    """The span of `text` that a completion for the word ending at `cursor` replaces."""
    start, _ = _word(text, cursor)
    return start, cursor


def _word(text: str, cursor: int) -> tuple[int, _Field | None | str]:
    """Where the word at the cursor starts, and what it is: None for a key, else the field (or
    "has") whose value it is."""
    tokens = _scan(text[:cursor], partial=True)
    last = tokens[-1] if tokens else None
    if last is None or last.kind != "term" or not last.chars or cursor == 0 or text[cursor - 1].isspace():
        return cursor, None
    negated = last.chars[0].ch == "-" and not last.chars[0].quoted
    chars = last.chars[1:] if negated else last.chars
    if not chars:
        return cursor, None
    split = _find_op(chars)
    if split is None:
        return last.pos + negated, None
    at, op = split
    key = _text(chars[:at])
    values = chars[at + len(op):]
    commas = [c for c in values if c.ch == "," and not c.quoted]
    start = commas[-1].pos + 1 if commas else chars[at].pos + len(op)
    if key.lower() == "has" and op == ":":
        return start, "has"
    return start, _field(key)


def complete(text: str, cursor: int, config_keys: list[str] | tuple[str, ...] = (),
             summary_keys: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Completions for the word before `cursor`: each replaces `text[word_span(text, cursor)]`.

    Keys complete from the run attributes and the project's config and summary keys; values
    complete for `state` and for `has:`.
    """
    start, what = _word(text, cursor)
    typed = text[start:cursor]
    bare = typed.strip("\"'")
    config = [f"config.{_quote_key(k)}" for k in sorted(config_keys) if not k.startswith("_wandb")]
    summary = [_quote_key(k) if k.lower() not in _RUN_FIELDS and k.lower() != "has" else f"summary.{_quote_key(k)}"
               for k in sorted(summary_keys, key=lambda k: (k.startswith("_"), k))]
    if what is None:
        found = [c for c in [*_KEY_SUGGESTIONS, *summary, *config] if _offers(c, bare)]
        if bare.startswith("summary."):  # the bare summary keys, spelt out
            found += [f"summary.{c}" for c in summary if _starts(c, bare[8:]) and not c.startswith("summary.")]
        return list(dict.fromkeys(found))
    if what == "has":
        return [c for c in [*summary, *config] if _offers(c, bare)]
    if what.kind == "state":
        return [s for s in STATES if _starts(s, bare)]
    if what.kind == "json":
        return [v for v in ("true", "false", "null") if bare and _starts(v, bare)]
    return []


def _offers(candidate: str, typed: str) -> bool:
    """A key matches by its start, or by its name after `config.`/`summary.` (`lr`: config.lr)."""
    section, dot, name = candidate.partition(".")
    return _starts(candidate, typed) or (section in ("config", "summary") and bool(dot) and _starts(name, typed))


def _starts(candidate: str, typed: str) -> bool:
    """Whether `candidate` begins with what was typed, ignoring case and the key quotes."""
    return candidate.replace('"', "").lower().startswith(typed.replace('"', "").lower())


def _quote_key(key: str) -> str:
    """A key as the language reads it back: quoted when it holds spaces, quotes or operators."""
    if re.search(r"""[\s"'(),:=~<>!|]""", key):
        return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return key
