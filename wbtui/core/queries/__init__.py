"""The client's GraphQL documents: one operation per `<Name>.graphql` file, shared fragments in
`fragments.graphql`. Each file is read when first needed (a start-up sends two operations, not
fifty); `document(name)` returns the operation followed by every fragment it uses, as one
request body expects.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent
_DEFINITION = re.compile(r"^(query|mutation|fragment)\s+(\w+)", re.MULTILINE)
_SPREAD = re.compile(r"\.\.\.\s*(?!on\b)(\w+)")
FRAGMENTS = "fragments"


@cache
def _file(name: str) -> dict[str, tuple[str, str]]:
    """name -> (kind, text) of every definition in `<name>.graphql` (KeyError: no such file)."""
    try:
        text = (_HERE / f"{name}.graphql").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyError(name) from None
    found: dict[str, tuple[str, str]] = {}
    starts = list(_DEFINITION.finditer(text))
    for match, end in zip(starts, [m.start() for m in starts[1:]] + [len(text)]):
        kind, defined = match.groups()
        if kind != "fragment" and defined != name:
            raise ValueError(f"{name}.graphql defines operation {defined}; name the file after it")
        found[defined] = (kind, text[match.start() : end].strip())
    return found


def _operation(name: str) -> tuple[str, str]:
    if name == FRAGMENTS or name not in _file(name):
        raise KeyError(f"{name} is not an operation")
    return _file(name)[name]


@cache
def document(name: str) -> str:
    _, text = _operation(name)
    parts, pending, seen = [text], _SPREAD.findall(text), set()
    while pending:
        fragment = pending.pop()
        if fragment in seen:
            continue
        seen.add(fragment)
        _, body = _file(name).get(fragment) or _file(FRAGMENTS)[fragment]
        parts.append(body)
        pending.extend(_SPREAD.findall(body))
    return "\n\n".join(parts)


def is_mutation(name: str) -> bool:
    return _operation(name)[0] == "mutation"
