"""Checks for launch run queues, done before anything is sent.

The argument checks are wandb.Api's own (same ValueError messages). The template-variable
checks go further than the SDK, which leaves them to the server: every `{{var}}` in the
resource config needs a schema, every schema must be used, and each schema must be one of
W&B's queue variable kinds (type string / number / integer with default, minimum, maximum,
enum), with a default that fits it. The TUI's queue form uses the same function.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

RESOURCE_TYPES = ("local-container", "local-process", "kubernetes", "sagemaker", "gcp-vertex")
VARIABLE_TYPES = ("string", "number", "integer")
SCHEMA_KEYS = frozenset({"type", "default", "minimum", "maximum", "enum", "description", "title"})
_TEMPLATE = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")


def check_queue_name(name: str) -> None:
    if len(name) == 0:
        raise ValueError("name must be non-empty")
    if len(name) > 64:
        raise ValueError("name must be less than 64 characters")


def check_resource_type(resource_type: str) -> None:
    if resource_type not in RESOURCE_TYPES:
        raise ValueError(
            "resource_type must be one of 'local-container', 'local-process', 'kubernetes', "
            "'sagemaker', or 'gcp-vertex'"
        )


def template_names(config: Any) -> set[str]:
    """Every `{{name}}` in the strings (keys included) of a JSON-like config."""
    found: set[str] = set()
    if isinstance(config, str):
        found.update(_TEMPLATE.findall(config))
    elif isinstance(config, Mapping):
        for key, value in config.items():
            found |= template_names(key) | template_names(value)
    elif isinstance(config, (list, tuple)):
        for item in config:
            found |= template_names(item)
    return found


def variable_schema(spec: Any) -> Mapping[str, Any]:
    """A template variable's schema: given bare, or as {"schema": {...}, ...}."""
    if isinstance(spec, Mapping) and isinstance(spec.get("schema"), Mapping):
        return spec["schema"]
    if isinstance(spec, Mapping):
        return spec
    raise ValueError(f"template variable schema must be an object, not {type(spec).__name__}")


def wrap_template_variables(template_variables: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The form W&B stores, `{"var": {"schema": {...}}}`; a bare schema is wrapped."""
    if not template_variables:
        return None
    return {
        name: dict(spec) if isinstance(spec, Mapping) and isinstance(spec.get("schema"), Mapping)
        else {"schema": dict(variable_schema(spec))}
        for name, spec in template_variables.items()
    }


def check_template_variables(config: Any, template_variables: Mapping[str, Any] | None) -> None:
    variables = dict(template_variables or {})
    used = template_names(config)
    if missing := sorted(used - variables.keys()):
        raise ValueError(f"config uses template variables without a schema: {', '.join(missing)}")
    if unused := sorted(variables.keys() - used):
        raise ValueError(f"template variables not used in the config: {', '.join(unused)}")
    for name, spec in variables.items():
        check_variable_schema(name, variable_schema(spec))


def check_variable_schema(name: str, schema: Mapping[str, Any]) -> None:
    def fail(reason: str) -> None:
        raise ValueError(f"template variable {name!r}: {reason}")

    if unknown := sorted(set(schema) - SCHEMA_KEYS):
        fail(f"unknown schema keys: {', '.join(unknown)}")
    kind = schema.get("type")
    if kind not in VARIABLE_TYPES:
        fail("type must be one of 'string', 'number', 'integer'")

    def fits(value: Any) -> bool:
        if kind == "string":
            return isinstance(value, str)
        if isinstance(value, bool):
            return False
        return isinstance(value, int) if kind == "integer" else isinstance(value, (int, float))

    lo, hi = schema.get("minimum"), schema.get("maximum")
    for bound, value in (("minimum", lo), ("maximum", hi)):
        if value is not None and (kind == "string" or not fits(value)):
            fail(f"{bound} must be {'an integer' if kind == 'integer' else 'a number'} for type {kind}")
    if lo is not None and hi is not None and lo > hi:
        fail("minimum is greater than maximum")
    enum = schema.get("enum")
    if enum is not None:
        if not isinstance(enum, list) or not enum:
            fail("enum must be a non-empty list")
        if bad := [v for v in enum if not fits(v)]:
            fail(f"enum values must be of type {kind}: {bad!r}")
        if len(set(map(repr, enum))) != len(enum):
            fail("enum values must be unique")
    if "default" in schema:
        default = schema["default"]
        if not fits(default):
            fail(f"default must be of type {kind}")
        if lo is not None and default < lo:
            fail(f"default {default!r} is below the minimum {lo!r}")
        if hi is not None and default > hi:
            fail(f"default {default!r} is above the maximum {hi!r}")
        if enum is not None and default not in enum:
            fail(f"default {default!r} is not one of the enum values")
