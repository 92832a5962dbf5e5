"""The sandbox's FastExecutor answers exactly as graphql-core's own executor: data and errors
(messages, paths, locations), on a schema built to hit every path it shortens and every way
out of it, and on the sandbox's own schema with the runs documents of wbtui.core and wandb."""

from __future__ import annotations

import json

import pytest
from ariadne import (
    EnumType,
    ObjectType,
    QueryType,
    graphql_sync,
    make_executable_schema,
)

from wbtui.sandbox import runs
from wbtui.sandbox.accounts import Viewer
from wbtui.sandbox.app import Sandbox
from wbtui.sandbox.context import Context
from wbtui.sandbox.execution import FastExecutor, precomputed, pure

SDL = """
scalar JSON
enum Color { RED GREEN }
type Query {
  items(n: Int = 3): [Item!]!
  odd: [Item]
  maybeItems: [Item]
  item: Item
  strictItem: Item!
  badList: [Item!]
  notAList: [Item]
}
type Item {
  id: ID!
  name: String!
  displayName: String
  count: Int
  ratio: Float
  flag: Boolean
  color: Color
  json: JSON
  tags: [String!]
  looseTags: [String]
  child: Item
  strictChild: Item!
  children: [Item!]
  looseChildren: [Item]
  computed: String
  echo(text: String): String
  shout(text: String): String
  words: [String!]
  failing: String
  strictFailing: String!
  callable: String
}
"""

query, item = QueryType(), ObjectType("Item")
color = EnumType("Color", {"RED": "red", "GREEN": "green"})


def _item(i: int, **extra) -> dict:
    return {"id": str(i), "name": f"n{i}", "display_name": f"Item {i}", "count": i, "ratio": i / 2, "flag": i % 2 == 0,
            "color": "red" if i % 2 else "green", "json": {"i": i, "nested": [1, None]}, "tags": ["a", "b"],
            "loose_tags": ["x", None], "strict_child": {"id": "c", "name": "child"}, **extra}


ODD = [
    _item(10, name=None),                            # null in a non-null leaf
    _item(11, count=2**40, ratio=float("nan")),      # out of Int's range, not a finite Float
    _item(12, tags=["a", None], loose_tags="ab"),    # null in [String!], a string for a list
    _item(13, count="7", flag=1, display_name=3),    # values graphql-core coerces
    _item(14, color="blue"),                         # not an enum value
    _item(15, strict_child=None),                    # null for a non-null object
    _item(16, children=[{"id": "x", "name": None}, {"id": "y", "name": "ok"}]),  # error inside a list item
    _item(17, child={"id": "z", "name": "deep", "strict_child": {"id": "w", "name": None}}),  # error propagates up
    _item(18, callable=lambda info: f"called {info.field_name}"),
    _item(19, _computed="precomputed value"),
    _item(20, loose_children=[None, {"id": "v", "name": "ok"}, "not an object"]),  # a list item of no object
    _item(21, child={"id": "u", "name": "plain", "callable": lambda info: "called inside"}),
]


@query.field("items")
def resolve_items(*_, n=3):
    return [_item(i) for i in range(n)]


@query.field("odd")
def resolve_odd(*_):
    return ODD


@query.field("maybeItems")
def resolve_maybe_items(*_):
    return [_item(1), None, _item(2)]


@query.field("item")
def resolve_item(*_):
    return _item(5, child=_item(6))


@query.field("strictItem")
def resolve_strict_item(*_):
    return _item(7, strict_child=None)


@query.field("badList")
def resolve_bad_list(*_):
    return [_item(8), None]


@query.field("notAList")
def resolve_not_a_list(*_):
    return 42


@item.field("computed")
@precomputed("_computed")
def resolve_computed(obj, info):
    return obj.get("_computed") or f"computed for {obj['id']} at {info.path.as_list()}"


@item.field("echo")
def resolve_echo(obj, _info, text=None):
    return f"{obj['id']}:{text}"


@item.field("shout")
@pure
def resolve_shout(obj, _info, text=None):
    if obj["id"] == "11":
        raise ValueError("no shouting at 11")
    return f"{obj['id']}:{text}".upper() if obj["id"] != "13" else 13  # graphql-core makes "13" of it


@item.field("words")
@pure
def resolve_words(obj, info):  # a pure resolver that does read info: the usual way, with info
    return [info.field_name, obj["id"]] if obj["id"] != "14" else ["a", None]


@item.field("failing")
def resolve_failing(obj, _info):
    raise ValueError(f"failing {obj['id']}")


@item.field("strictFailing")
def resolve_strict_failing(obj, _info):
    if obj["id"] == "3":
        raise ValueError("strict failing")
    return "fine"


SCHEMA = make_executable_schema(SDL, query, item, color, convert_names_case=True)
FIELDS = ("id name displayName count ratio flag color json tags looseTags computed echo(text: $t) shout(text: $t) "
          "words callable __typename")
NESTED = "child { id name callable } strictChild { id name } children { id name } looseChildren { id name }"
DOCUMENTS = [
    f"query($t: String) {{ items {{ {FIELDS} {NESTED} }} }}",
    f"query($t: String) {{ odd {{ {FIELDS} {NESTED} }} }}",
    f"query($t: String) {{ odd {{ id computed callable }} items {{ {FIELDS} }} }}",
    f"query($t: String) {{ items(n: 1) {{ ...F alias: name failing }} }} fragment F on Item {{ {FIELDS} }}",
    "{ maybeItems { id name strictChild { name } } }",
    "{ item { id child { id child { id } strictChild { name } } } }",
    "{ strictItem { id strictChild { id } } }",
    "{ badList { id } notAList { id } }",
    "{ items(n: 5) { id strictFailing } }",
    "{ item { id strictFailing failing } }",
    "{ items { child { id computed } } odd { id child { id computed } } }",
]


def run(schema, document: str, fast: bool, **kwargs):
    extra = {"execution_context_class": FastExecutor} if fast else {}
    return graphql_sync(schema, {"query": document, "variables": {"t": "hi"}}, **extra, **kwargs)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_same_data_and_errors_as_graphql_core(document):
    stock, fast = run(SCHEMA, document, False), run(SCHEMA, document, True)
    assert fast == stock
    assert json.dumps(fast[1], sort_keys=True) == json.dumps(stock[1], sort_keys=True)


def test_the_documents_reach_the_cases_they_are_for():
    """Guards the test itself: both the short path and the ways out of it are taken."""
    _, result = run(SCHEMA, DOCUMENTS[0], True)
    first = result["data"]["items"][0]
    assert first["displayName"] == "Item 0" and first["tags"] == ["a", "b"] and first["children"] is None
    assert first["computed"].startswith("computed for 0") and first["echo"] == "0:hi"
    assert first["shout"] == "0:HI" and first["words"] == ["words", "0"]
    _, result = run(SCHEMA, DOCUMENTS[1], True)
    odd = {item["id"]: item for item in result["data"]["odd"] if item}
    assert odd["18"]["callable"] == "called callable" and odd["19"]["computed"] == "precomputed value"
    assert odd["13"]["count"] == 7 and odd["13"]["displayName"] == "3" and odd["13"]["shout"] == "13"
    assert result["data"]["odd"][0] is None and len(result["errors"]) >= 6
    assert "no shouting at 11" in {e["message"] for e in result["errors"]}
    _, result = run(SCHEMA, DOCUMENTS[3], True)
    assert "failing 0" in {e["message"] for e in result["errors"]}


def test_plain_fields_are_read_without_a_completion_each(monkeypatch):
    """Guards the compiled reading: of a document of plain fields, only the root field with its
    resolver is completed field by field; the items, their objects and lists are filled in."""
    calls = []
    complete = FastExecutor._complete
    monkeypatch.setattr(FastExecutor, "_complete", lambda self, field, *a: calls.append(field.name) or complete(
        self, field, *a))
    document = ('{ items(n: 4) { id name ratio flag tags shout(text: "x") child { id } strictChild { id name } '
                'children { id } } }')
    assert run(SCHEMA, document, True) == run(SCHEMA, document, False)
    assert calls == ["items"]


def test_middleware_takes_graphql_cores_path():
    seen = []

    def middleware(resolve, obj, info, **args):
        seen.append(info.field_name)
        return resolve(obj, info, **args)

    stock = run(SCHEMA, "{ item { id name } }", False, middleware=[middleware])
    fast = run(SCHEMA, "{ item { id name } }", True, middleware=[middleware])
    assert fast == stock and seen.count("name") == 2


# the sandbox's schema -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sandbox_with_runs(tmp_path_factory):
    sandbox = Sandbox.open(tmp_path_factory.mktemp("exec"))
    admin = sandbox.store.one("SELECT * FROM users WHERE admin = 1 ORDER BY id LIMIT 1")
    viewer = Viewer(admin, admin_mode=True)
    for i in range(30):
        runs.upsert(sandbox.store, viewer, {
            "entity_name": admin["username"], "model_name": "p", "name": f"r{i:02d}", "state": "finished",
            "display_name": None if i % 7 == 0 else f"run {i}", "group_name": "g" if i % 2 else None,
            "tags": ["t", str(i)] if i % 3 else [], "commit": "abc" if i % 5 == 0 else None,
            "config": json.dumps({"lr": {"value": 0.1 * i, "desc": None}}),
            "summary_metrics": json.dumps({"loss": 1 / (i + 1), "acc": None, "nested": {"a": [1, 2]}})})
    yield sandbox, viewer
    sandbox.store.close()


def _runs_documents() -> list[tuple[str, dict]]:
    from wandb.apis.public.runs import _create_runs_query

    from wbtui.core.queries import document

    base = {"entity": "admin", "project": "p", "perPage": 12, "order": "-created_at", "filters": "{}"}
    return [
        (document("Runs"), base),
        (document("Runs"), base | {"withSummary": True, "summaryKeys": ["loss", "nested"], "withConfig": True}),
        (document("Runs"), base | {"full": True, "withSummary": True, "withConfig": True,
                                   "filters": json.dumps({"tags": "t"})}),
        (_create_runs_query(lazy=False), base),
        (_create_runs_query(lazy=True), base | {"cursor": None}),
        (document("Run"), {"entity": "admin", "project": "p", "name": "r07"}),
    ]


@pytest.mark.parametrize("index", range(6))
def test_sandbox_runs_documents_answer_the_same(sandbox_with_runs, index):
    sandbox, viewer = sandbox_with_runs
    query_text, variables = _runs_documents()[index]
    answers = []
    for fast in (False, True):
        context = Context(sandbox.store, sandbox.storage, viewer, "http://127.0.0.1:1")
        extra = {"execution_context_class": FastExecutor} if fast else {}
        answers.append(graphql_sync(sandbox.schema, {"query": query_text, "variables": variables},
                                    context_value=context, **extra))
    assert answers[0][0] and "errors" not in answers[0][1], answers[0][1]
    assert json.dumps(answers[1][1]) == json.dumps(answers[0][1])
