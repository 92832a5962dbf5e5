"""GraphQL resolvers, one module per domain, found automatically.

A module in this package plugs in by defining, at module level:

* `bindables`: a list of ariadne bindables (`QueryType()`, `MutationType()`, `ObjectType("X")`, ...).
  Several modules may bind fields of the same type (each its own `ObjectType("Project")`);
  a field must be bound by one module only.
* `FEATURES` (optional): names of W&B server features the module implements; `serverInfo`
  advertises their union.

Modules register their tables with `store.register_tables(ddl)` and their upload hooks with
`storage.on_upload(kind, hook)` at import time.  The schema is bound with ariadne's
`convert_names_case`: resolvers receive snake_case arguments and input fields, and dicts they
return are read by snake_case keys (`displayName` reads `display_name`).  `info.context` is a
`wbtui.sandbox.context.Context`; raise `SandboxError` for errors the client should see.
A list that can work out a field of all its rows at once marks the field's resolver
`@precomputed(key)` (`wbtui.sandbox.execution`) and fills `key` in: the executor reads it then.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def modules() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{m.name}")
            for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name) if not m.name.startswith("_")]


def bindables() -> list:
    return [b for m in modules() for b in getattr(m, "bindables", [])]


def features() -> list[str]:
    return sorted({f for m in modules() for f in getattr(m, "FEATURES", ())})
