"""Every key binding of the TUI, by where it works, for `wbtui keys`, the README and remapping.

Keys are remapped by binding id in `config.toml` (`[keymap]`, e.g. `refresh = "f5,r"`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from textual.binding import Binding
from textual.dom import DOMNode

from . import forms, screens, views, widgets

KEY_NAMES = {"question_mark": "?", "colon": ":", "slash": "/", "backslash": "\\", "space": "space",
             "escape": "Esc", "enter": "Enter", "plus": "+", "minus": "-", "equals_sign": "=",
             "pageup": "PgUp", "pagedown": "PgDn", "tab": "Tab", "shift+tab": "Shift+Tab",
             "left_square_bracket": "[", "right_square_bracket": "]"}


def _modules() -> Iterator[str]:
    yield "wbtui.tui.app"
    for package in (screens, views, widgets, forms):
        for module in pkgutil.iter_modules(package.__path__):
            yield f"{package.__name__}.{module.name}"


def bound_classes() -> list[type[DOMNode]]:
    """The TUI's own classes that declare bindings, in a stable order."""
    found: dict[str, type[DOMNode]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for item in vars(module).values():
            if (isinstance(item, type) and issubclass(item, DOMNode) and item.__module__ == name
                    and "BINDINGS" in vars(item)):
                found[f"{name}.{item.__qualname__}"] = item
    return list(found.values())


def show_key(keys: str) -> str:
    return ", ".join(KEY_NAMES.get(key, key) for key in keys.split(","))


def bindings() -> Iterator[tuple[str, Binding]]:
    """(where, binding) for every binding with a description."""
    for cls in bound_classes():
        for item in vars(cls)["BINDINGS"]:
            binding = item if isinstance(item, Binding) else Binding(*item)
            if binding.description:
                yield cls.__name__, binding


def table() -> str:
    """The bindings as a Markdown table."""
    lines = ["| where | keys | what | id |", "|---|---|---|---|"]
    for where, binding in bindings():
        what = binding.tooltip or binding.description
        lines.append(f"| {where} | `{show_key(binding.key)}` | {what} | `{binding.id or ''}` |")
    return "\n".join(lines)
