"""graphql-core's executor with a shorter path for the common fields (same results, same errors).

graphql-core spends ~5-10 µs on every field of every object: a resolve-info tuple, a path,
argument checks, then `complete_value` testing the return type kind by kind. A 1,000-run page
has ~25,000 fields, so that overhead, not SQLite or the resolvers, was most of the sandbox's
time. `FastExecutor` plans each selection set once per request (the field definition, its
resolver or the dict key ariadne's `convert_names_case` reads, the return type's kind) and then:

* reads a field with no resolver of its own straight from a dict source, without calling a
  resolver or building a resolve info; likewise a resolver marked `@precomputed(key)` when the
  source already carries its value under `key` (a list page fills such values in for all its
  rows at once);
* parses a field's arguments once per request, not once per object (so a resolver must not
  change a list or dict it is given: the next object gets the same one);
* completes scalars (exact built-in types, or scalars without a serializer), lists of them,
  objects and lists of objects directly;
* compiles, per selection set, one function that reads all its plain fields (dict reads of
  scalars, lists of scalars, objects made only of such fields, and calls of resolvers marked
  `@pure`) in straight-line code: a 1,000-run page then costs one call per run instead of a
  loop step per field. It has no side effects, so at the first value it does not expect it
  gives up and the object goes the field-by-field way; other fields run after it, in query order.

Anything else -- a null for a non-null field, a value of an unexpected type, enums, abstract
types, directives on list fields (@stream) -- goes through graphql-core's own `complete_value`,
and errors are handled by graphql-core's `handle_field_error` exactly as `execute_field` does,
so responses (data and errors) are those of the stock executor. Only for synchronous execution
without middleware (`graphql_sync`, as the sandbox runs); otherwise it is the stock executor.
"""

from __future__ import annotations

import math
from functools import lru_cache
from types import CodeType
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLString,
)
from graphql.execution.execute import assume_not_awaitable
from graphql.execution.executor import Executor, default_field_resolver
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

_NO = object()  # "not a value this path completes": use graphql-core's completion


def _string(value: Any) -> Any:
    return value if type(value) is str else _NO


def _int(value: Any) -> Any:
    return value if type(value) is int and -2_147_483_648 <= value <= 2_147_483_647 else _NO


def _bool(value: Any) -> Any:
    return value if type(value) is bool else _NO


def _float(value: Any) -> Any:
    return value if type(value) is float and math.isfinite(value) else _NO


def _same(value: Any) -> Any:
    return _NO if value is None or callable(value) else value


_BUILT_IN = {GraphQLString: _string, GraphQLID: _string, GraphQLInt: _int, GraphQLBoolean: _bool,
             GraphQLFloat: _float}

# return type kinds
LEAF, LEAF_LIST, OBJECT, OBJECT_LIST, OTHER = range(5)


def precomputed(key: str):
    """Mark a resolver whose value a dict source may already hold under `key`.

    The resolver stays the definition (and runs whenever the key is absent); whoever fills the
    key in must put exactly what the resolver would return.
    """
    def mark(resolver):
        resolver.precomputed = key
        return resolver
    return mark


def pure(resolver):
    """Mark a resolver that is a function of its object and arguments alone: it reads nothing of
    `info` and changes nothing, so the compiled reading of a selection set may call it (with
    info=None; should it raise, the object is completed the usual way, where it runs again)."""
    resolver.pure = True
    return resolver


def _leaf_coercer(t: Any) -> Any:
    if isinstance(t, GraphQLScalarType):
        if t in _BUILT_IN:
            return _BUILT_IN[t]
        if t.coerce_output_value is GraphQLScalarType.serialize:  # no serializer: values as they are
            return _same
    return None


def _unwrap(t: Any) -> tuple[Any, bool]:
    return (t.of_type, False) if isinstance(t, GraphQLNonNull) else (t, True)


def _dict_key(resolve: Any, name: str) -> str | None:
    """The dict key a field reads when it has no resolver of its own (None: it has one)."""
    if resolve is default_field_resolver:
        return name
    if getattr(resolve, "_ariadne_alias_resolver", False) and resolve.__closure__:
        cells = dict(zip(resolve.__code__.co_freevars, resolve.__closure__, strict=True))
        key = cells["attr_name"].cell_contents if "attr_name" in cells else None
        # ariadne's resolve_to(attr_name), e.g. displayName -> display_name ("a.b" reads nested keys)
        return key if isinstance(key, str) and "." not in key else None
    return None


def _not_leaf(_value: Any) -> Any:
    return _NO


class _Field:
    """What one field of a selection set needs, worked out once per request."""

    __slots__ = ("absent", "args", "coerce", "definition", "details", "has_args", "inner", "item_nullable",
                 "item_type", "key", "kind", "list_coerce", "name", "nodes", "nullable", "optional", "plan",
                 "resolve", "type")

    def __init__(self, executor: Executor, parent: GraphQLObjectType, name: str, details: Any) -> None:
        node = details[0].node
        self.name, self.details, self.nodes = name, details, [d.node for d in details]
        self.definition = definition = executor.schema.get_field(parent, node.name.value)
        self.key = self.inner = self.item_type = self.args = self.plan = None
        self.kind, self.coerce, self.item_nullable = OTHER, _not_leaf, True
        if definition is None:
            return
        self.resolve = definition.resolve or executor.field_resolver
        self.has_args = bool(definition.args or node.arguments)
        self.optional = not self.has_args and hasattr(self.resolve, "precomputed")  # absent key: resolve
        self.absent = _NO if self.optional else None  # (a default resolver reads a missing key as null)
        if self.optional:
            self.key = self.resolve.precomputed
        elif not self.has_args and not node.name.value.startswith("__"):
            self.key = _dict_key(self.resolve, node.name.value)
        self.type = definition.type
        t, self.nullable = _unwrap(definition.type)
        if (coerce := _leaf_coercer(t)) is not None:
            self.kind, self.coerce = LEAF, coerce
        elif isinstance(t, GraphQLObjectType) and t.is_type_of is None:
            self.kind, self.inner = OBJECT, t
        elif isinstance(t, GraphQLList) and not any(d.node.directives for d in details):
            self.item_type = t.of_type
            item, self.item_nullable = _unwrap(t.of_type)
            if (coerce := _leaf_coercer(item)) is not None:
                self.kind, self.list_coerce = LEAF_LIST, coerce
            elif isinstance(item, GraphQLObjectType) and item.is_type_of is None:
                self.kind, self.inner = OBJECT_LIST, item

    def step(self) -> tuple:
        """What the loop over a dict source reads, as one tuple (unpacking beats attributes)."""
        return self.name, self.key, self.absent, self.nullable, self.coerce, self.optional, self

    def sub_plan(self, executor: FastExecutor) -> _Plan:
        """The plan of this object field's selection set (kept: every object of a list needs it)."""
        if self.plan is None:
            grouped_field_set = executor.collect_subfields(self.inner, self.details)[0]
            self.plan = executor._plan(self.inner, grouped_field_set)
        return self.plan

    def arguments(self, executor: FastExecutor) -> dict[str, Any]:
        """The field's arguments: the same for every object of this request."""
        if self.args is None:
            self.args = get_argument_values(self.definition, self.details[0].node, executor.variable_values,
                                            self.details[0].fragment_variable_values, executor.hide_suggestions)
        return self.args

    def leaf_list(self, value: list) -> Any:
        coerce, item_nullable = self.list_coerce, self.item_nullable
        out = [item if item is None and item_nullable else coerce(item) for item in value]
        return _NO if _NO in out else out


_CHECKS = {  # the built-in scalars' test of a value `{v}` (other scalars: `same`)
    _string: "type({v}) is str", _int: "type({v}) is int and -2147483648 <= {v} <= 2147483647",
    _bool: "type({v}) is bool", _float: "type({v}) is float and isfinite({v})",
}


class _Plan:
    """One selection set on one object type: its fields, and `fill`, the compiled reading of
    its plain ones (None when it has none); `rest` are the fields `fill` leaves alone."""

    __slots__ = ("fill", "rest", "steps")

    def __init__(self, executor: FastExecutor, fields: list[_Field]) -> None:
        self.steps = [f.step() for f in fields]
        names = {"_NO": _NO, "isfinite": math.isfinite, "same": _same}
        body, values, rest = [], [], []
        for index, field in enumerate(fields):
            code = _read(executor, field, f"v{index}", names)
            if code is None:
                rest.append(field.step())
                values.append(f"{field.name!r}: None")  # filled in later, in this place
            else:
                body += code
                values.append(f"{field.name!r}: v{index}")
        self.rest = rest
        self.fill = None
        if body:
            exec(_compiled("\n    ".join(["def fill(source):", "get = source.get", *body,  # noqa: S102 -- ours
                                          f"return {{{', '.join(values)}}}"])), names)
            self.fill = names["fill"]

    @property
    def pure(self) -> bool:
        """Whether `fill` reads every field (so an object can be filled inside another)."""
        return self.fill is not None and not self.rest


@lru_cache(maxsize=256)
def _compiled(source: str) -> CodeType:
    """Compiling takes ~1 ms for a runs page's fields: the same text compiles once."""
    return compile(source, "<FastExecutor plan>", "exec")


def _read(executor: FastExecutor, field: _Field, v: str, names: dict[str, Any]) -> list[str] | None:
    """The lines of `fill` that read `field` into the local `v` (and give up with _NO on anything
    unexpected), or None when the field is not plain: it is then completed the usual way."""
    if field.kind == OTHER:
        return None
    if field.key is None:
        if not hasattr(field.resolve, "pure") or field.kind not in (LEAF, LEAF_LIST):
            return None
        try:
            names["a" + v] = field.arguments(executor) if field.has_args else {}
        except Exception:  # noqa: BLE001 -- bad arguments: the usual way reports them, object by object
            return None
        names["r" + v] = field.resolve
    if field.kind in (OBJECT, OBJECT_LIST):
        sub = field.sub_plan(executor)
        if not sub.pure:
            return None
        names["f" + v] = sub.fill
    elif field.kind == LEAF_LIST:
        names["f" + v] = field.leaf_list
    kind, key = field.kind, repr(field.key)
    if field.key is None:
        lines = [f"{v} = r{v}(source, None, **a{v})"]
    elif field.optional:
        lines = [f"{v} = get({key}, _NO)", f"if {v} is _NO: return _NO"]
    else:
        lines = [f"{v} = get({key})"]
    # a null stays where the field is nullable; anything else unexpected: the usual way
    other = f"elif {v} is not None: return _NO" if field.nullable else "else: return _NO"
    if kind == LEAF:
        check = _CHECKS.get(field.coerce, "same({v}) is not _NO").format(v=v)
        return [*lines, f"if not ({check}){f' and {v} is not None' if field.nullable else ''}: return _NO"]
    if kind in (LEAF_LIST, OBJECT):
        return [*lines, f"if type({v}) is {'list' if kind == LEAF_LIST else 'dict'}:", f"    {v} = f{v}({v})",
                f"    if {v} is _NO: return _NO", other]
    skip = "x is not None" if field.item_nullable else "True"
    return [*lines, f"if type({v}) is list:", "    items = []", f"    for x in {v}:", "        if type(x) is dict:",
            f"            x = f{v}(x)", "            if x is _NO: return _NO", f"        elif {skip}: return _NO",
            "        items.append(x)", f"    {v} = items", other]


class FastExecutor(Executor):
    """`executor_class` for graphql-core 3.3 (ariadne: `execution_context_class`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[int, int], tuple[Any, _Plan]] = {}

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> _Plan:
        key = (id(parent_type), id(grouped_field_set))  # types live as long as the schema
        hit = self._plans.get(key)
        if hit is None:  # keep the field set alive with its plan, so that its id stays unique
            fields = (_Field(self, parent_type, name, details) for name, details in grouped_field_set.items())
            # as graphql-core's execute_fields, a field the type does not have is left out
            hit = self._plans[key] = (grouped_field_set, _Plan(self, [f for f in fields if f.definition is not None]))
        return hit[1]

    def execute_fields(self, parent_type, source_value, path, grouped_field_set, position_context):
        if self.middleware_manager is not None or self.is_awaitable is not assume_not_awaitable:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        return self._execute(self._plan(parent_type, grouped_field_set), parent_type, source_value, path,
                             position_context)

    def _execute(self, plan: _Plan, parent_type, source_value, path, position_context) -> dict[str, Any]:
        if type(source_value) is not dict:
            return {name: self._complete(field, parent_type, source_value, path, _NO, position_context)
                    for name, *_, field in plan.steps}
        steps = plan.steps
        try:
            results = _NO if plan.fill is None else plan.fill(source_value)
        except Exception:  # noqa: BLE001 -- a pure resolver failed: it fails again below, reported
            results = _NO
        if results is _NO:
            results = {}
        else:
            steps = plan.rest
        get = source_value.get
        complete = self._complete
        for name, key, absent, nullable, coerce, optional, field in steps:
            if key is None:
                value = _NO  # the resolver must run
            elif (value := get(key, absent)) is None:
                if nullable:
                    results[name] = None
                    continue
            elif (done := coerce(value)) is not _NO:
                results[name] = done
                continue
            elif not optional and callable(value):  # the default resolvers call it, with info
                value = _NO
            # (_NO from get: a precomputed value is absent, so the resolver runs)
            results[name] = complete(field, parent_type, source_value, path, value, position_context)
        return results

    def _complete(self, field: _Field, parent_type, source, path, value, position_context):
        """Resolve (if `value` is _NO) and complete one field, errors handled as `execute_field` does."""
        field_path = Path(path, field.name, parent_type.name)
        info = None
        try:
            if value is _NO:
                info = self._info(field, parent_type, field_path)
                value = field.resolve(source, info, **field.arguments(self)) if field.has_args else \
                    field.resolve(source, info)
            if value is None:
                if field.nullable:
                    return None
            elif (done := self._fast(field, field_path, value, position_context)) is not _NO:
                return done
            return self.complete_value(field.type, field.details, info or self._info(field, parent_type, field_path),
                                       field_path, value, position_context)
        except Exception as error:  # noqa: BLE001 -- as graphql-core: any error becomes a field error
            self.handle_field_error(error, field.type, field.details, field_path)
            return None

    def _fast(self, field: _Field, path: Path, value: Any, position_context) -> Any:
        kind = field.kind
        if kind == LEAF:
            return field.coerce(value)
        if kind == OBJECT:
            return self._execute(field.sub_plan(self), field.inner, value, path, None) if type(value) is dict else _NO
        if type(value) is not list:
            return _NO
        if kind == LEAF_LIST:
            return field.leaf_list(value)
        if kind == OBJECT_LIST and all(type(item) is dict for item in value):
            plan, out = field.sub_plan(self), []
            for index, item in enumerate(value):
                item_path = path.add_key(index, None)
                try:
                    out.append(self._execute(plan, field.inner, item, item_path, None))
                except Exception as error:  # noqa: BLE001 -- as graphql-core: any error becomes a field error
                    self.handle_field_error(error, field.item_type, field.details, item_path)
                    out.append(None)
            return out
        return _NO

    def _info(self, field: _Field, parent_type, path: Path):
        return self.build_resolve_info(field.definition, field.nodes, parent_type, path)

