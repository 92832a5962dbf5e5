"""What the forms check before anything is sent: names, emails, config syntax, template variables.

Each check returns a message for the field (None when the value is fine). Sources:

* project names: the official SDK's `Settings.validate_project` (wandb/sdk/wandb_settings.py):
  at most 128 characters, none of ``/ \\ # ? % :``; W&B's `UpsertModelInput.name` has the
  same 128 limit (wandb/apis/_generated/input_types.py).
* run ids: the SDK's `Settings.validate_run_id`: not empty, no surrounding whitespace, none of
  ``: ; , # ? / '``. The SDK sets no length limit; 128 (W&B's limit for names) is ours.
* queue names: `wandb.Api.create_run_queue`: 1 to 64 characters (wbtui.core.launch).
* team names: W&B's docs ("How do I create a new team"): globally unique, lowercase, letters,
  numbers and hyphens, no spaces; underscores are allowed because entity names are also
  usernames, which may hold them. W&B publishes no length limit: 64, the sandbox's, is used.
* emails: one `@`, a dotted domain, no spaces; at most 254 characters and a local part of at
  most 64 (RFC 5321's limits).
* template variables: wbtui.core.launch, which the core also runs before sending.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import yaml

from ...core import launch

PROJECT_FORBIDDEN = "/\\#?%:"
RUN_ID_FORBIDDEN = ":;,#?/'"
NAME_LIMIT = 128
QUEUE_LIMIT = 64
TEAM_LIMIT = 64
TEAM_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
USERNAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
VARIABLE_NAME = re.compile(r"[A-Za-z_][\w.-]*")
ANY_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
DESCRIPTION_LIMIT = 4096


def _control(value: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in value)


def _common(value: str, what: str, limit: int) -> str | None:
    if not value:
        return f"enter {'an' if what[0] in 'aeiou' else 'a'} {what}"
    if value != value.strip():
        return f"a {what} cannot start or end with a space"
    if len(value) > limit:
        return f"at most {limit} characters ({len(value)} now)"
    if _control(value):
        return f"a {what} cannot contain control characters"
    return None


def project_name(value: str) -> str | None:
    if problem := _common(value, "project name", NAME_LIMIT):
        return problem
    if found := sorted({c for c in value if c in PROJECT_FORBIDDEN}):
        return f"cannot contain {' '.join(found)} (W&B forbids / \\ # ? % :)"
    return None


def entity_name(value: str) -> str | None:
    """An existing entity to write into: any name W&B could have given it."""
    if problem := _common(value, "entity", NAME_LIMIT):
        return problem
    if "/" in value or " " in value:
        return "an entity name has no / or spaces"
    return None


def team_name(value: str) -> str | None:
    if problem := _common(value, "team name", TEAM_LIMIT):
        return problem
    if not TEAM_NAME.fullmatch(value):
        return "use lowercase letters, digits, - and _ (no spaces), starting with a letter or digit"
    return None


def username(value: str) -> str | None:
    if problem := _common(value, "username", TEAM_LIMIT):
        return problem
    if not USERNAME.fullmatch(value):
        return "a username has letters, digits, _ - and . only"
    return None


def queue_name(value: str) -> str | None:
    if problem := _common(value, "queue name", QUEUE_LIMIT):
        return problem
    if "/" in value:
        return "a queue name cannot contain /"
    return None


def run_id(value: str) -> str | None:
    if problem := _common(value, "run id", NAME_LIMIT):
        return problem
    if found := sorted({c for c in value if c in RUN_ID_FORBIDDEN}):
        return f"cannot contain {' '.join(found)} (W&B forbids : ; , # ? / ')"
    if " " in value:
        return "a run id has no spaces"
    return None


def email(value: str) -> str | None:
    if problem := _common(value, "email address", 254):
        return problem
    if not EMAIL.fullmatch(value):
        return "not an email address (name@example.com)"
    if len(value.split("@")[0]) > 64:
        return "the part before @ has at most 64 characters"
    return None


def description(value: str) -> str | None:
    if len(value) > DESCRIPTION_LIMIT:
        return f"at most {DESCRIPTION_LIMIT} characters ({len(value)} now)"
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        return "a description cannot contain control characters"
    return None


def url(value: str) -> str | None:
    if not re.fullmatch(r"https?://[^\s/]+\S*", value):
        return "a link is an http:// or https:// URL"
    return None


# --------------------------------------------------------------------------- config text
class SyntaxProblem(ValueError):
    """A config that does not parse, with where (1-based line and column)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        where = f"line {line}, column {column}: " if line else ""
        super().__init__(where + message)
        self.line, self.column = line, column


def parse_config(text: str, fmt: str) -> dict[str, Any]:
    """The resource config typed as JSON or YAML; an empty text is {}."""
    if not text.strip():
        return {}
    if fmt == "yaml":
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or str(error)
            if "{{" in text and ("unhashable" in str(error) or "mapping" in str(error)):
                problem += ' (quote template variables in YAML: "{{var}}")'
            raise SyntaxProblem(problem, mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SyntaxProblem(error.msg, error.lineno, error.colno) from None
    if not isinstance(data, dict):
        raise SyntaxProblem(f"the resource config must be a mapping of keys to values, not {type(data).__name__}")
    return data


def dump_config(data: Any, fmt: str) -> str:
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True) if data else ""
    return json.dumps(data, indent=2, ensure_ascii=False) if data else ""


def placeholders(config: Any) -> tuple[set[str], list[str]]:
    """(`{{var}}` names the config uses, placeholders whose name is not a valid variable name)."""
    used = launch.template_names(config)
    bad: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            bad.extend(m for m in ANY_PLACEHOLDER.findall(value) if not VARIABLE_NAME.fullmatch(m))
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(config)
    return used, sorted(set(bad))


# --------------------------------------------------------------------------- template variables
def parse_value(text: str, kind: str) -> Any:
    """A default, bound or enum value typed as text, as the variable's type (ValueError if not)."""
    if kind == "string":
        return text
    if kind == "integer":
        if not re.fullmatch(r"[-+]?\d+", text.strip()):
            raise ValueError(f"{text!r} is not an integer")
        return int(text)
    try:
        number = int(text) if re.fullmatch(r"[-+]?\d+", text.strip()) else float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError("a number must be finite")
    return number


def split_enum(text: str) -> list[str]:
    """Enum values typed as a comma-separated list ("a, b, c"); empty parts are dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def variable_schema(kind: str, default: str, minimum: str, maximum: str, enum: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON schema of one template variable from its typed fields, and the problems per
    field ("type", "default", "minimum", "maximum", "enum")."""
    schema: dict[str, Any] = {"type": kind}
    problems: dict[str, str] = {}
    if kind not in launch.VARIABLE_TYPES:
        return schema, {"type": "choose string, number or integer"}
    for key, text in (("minimum", minimum), ("maximum", maximum)):
        if not text.strip():
            continue
        if kind == "string":
            problems[key] = f"a string has no {key}"
            continue
        try:
            schema[key] = parse_value(text, kind)
        except ValueError as error:
            problems[key] = str(error)
    if "minimum" in schema and "maximum" in schema and schema["minimum"] > schema["maximum"]:
        problems["maximum"] = "the maximum is below the minimum"
    if enum.strip():
        values = []
        for part in split_enum(enum):
            try:
                values.append(parse_value(part, kind))
            except ValueError as error:
                problems["enum"] = str(error)
        if len(set(map(repr, values))) != len(values):
            problems["enum"] = "the enum values repeat"
        schema["enum"] = values
    if default != "":
        try:
            value = parse_value(default, kind)
        except ValueError as error:
            problems["default"] = str(error)
        else:
            schema["default"] = value
            if "minimum" in schema and value < schema["minimum"]:
                problems["default"] = f"below the minimum {schema['minimum']}"
            elif "maximum" in schema and value > schema["maximum"]:
                problems["default"] = f"above the maximum {schema['maximum']}"
            elif "enum" in schema and "enum" not in problems and value not in schema["enum"]:
                problems["default"] = "not one of the enum values"
    return schema, problems
