"""The client's GraphQL documents: one operation per `<Name>.graphql` file, shared fragments in
`fragments.graphql`. Read once per process; `document(name)` returns the operation followed by
every fragment it uses, as one request body expects.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

_DEFINITION = re.compile(r"^(query|mutation|fragment)\s+(\w+)", re.MULTILINE)
_SPREAD = re.compile(r"\.\.\.\s*(?!on\b)(\w+)")


@cache
def _definitions() -> dict[str, tuple[str, str]]:
    """name -> (kind, text) of every operation and fragment under queries/."""
    found: dict[str, tuple[str, str]] = {}
    for entry in files(__package__).iterdir():
        if not entry.name.endswith(".graphql"):
            continue
        text = entry.read_text(encoding="utf-8")
        starts = list(_DEFINITION.finditer(text))
        for match, end in zip(starts, [m.start() for m in starts[1:]] + [len(text)]):
            kind, name = match.groups()
            if kind != "fragment" and name != entry.name.removesuffix(".graphql"):
                raise ValueError(f"{entry.name} defines operation {name}; name the file after it")
            found[name] = (kind, text[match.start() : end].strip())
    return found


@cache
def document(name: str) -> str:
    definitions = _definitions()
    kind, text = definitions[name]
    if kind == "fragment":
        raise KeyError(f"{name} is a fragment, not an operation")
    parts, pending, seen = [text], _SPREAD.findall(text), set()
    while pending:
        fragment = pending.pop()
        if fragment in seen:
            continue
        seen.add(fragment)
        body = definitions[fragment][1]
        parts.append(body)
        pending.extend(_SPREAD.findall(body))
    return "\n\n".join(parts)


def is_mutation(name: str) -> bool:
    return _definitions()[name][0] == "mutation"

