"""What wbtui.core's lists ask of each row (a type's collection count; a collection's version
count and aliases; who logged a version; a queue's items and resource) the sandbox reads for the
whole page: a page of many rows costs as many SQL statements as a page of one."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from ariadne import graphql_sync

from wbtui.core.queries import document
from wbtui.sandbox import accounts, launch, runs
from wbtui.sandbox import artifacts as arts
from wbtui.sandbox.accounts import Viewer
from wbtui.sandbox.app import Sandbox
from wbtui.sandbox.context import Context
from wbtui.sandbox.execution import FastExecutor

ROWS = 6


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Iterator[tuple[Sandbox, Viewer, str]]:
    """ROWS types of ROWS collections of ROWS versions, each logged by its own run; ROWS queues."""
    sandbox = Sandbox.open(tmp_path_factory.mktemp("lists"))
    store = sandbox.store
    admin = store.one("SELECT * FROM users WHERE admin = 1 ORDER BY id LIMIT 1")
    viewer, entity = Viewer(admin, admin_mode=True), admin["username"]
    for t in range(ROWS):
        for c in range(ROWS):
            for v in range(ROWS):
                run, _ = runs.upsert(store, viewer, {"entity_name": entity, "model_name": "lists",
                                                     "name": f"r{t}{c}{v}", "display_name": f"run {t}{c}{v}"})
                arts.log_artifact(store, sandbox.storage, run["project_id"], name=f"c{t}{c}", type=f"type{t}",
                                  files={"x.txt": f"{t}{c}{v}".encode()}, user_id=admin["id"], run_id=run["id"],
                                  aliases=[f"alias{v}"])
    for q in range(ROWS):
        queue, _ = launch.upsert_queue(store, viewer, entity, launch.QUEUE_PROJECT, f"queue{q}", "local-process",
                                       json.dumps({"resource_args": {"local-process": {}}}),
                                       prioritization_mode="V0" if q % 2 else None)
        for i in range(q + 1):
            launch.push(store, viewer, queue, json.dumps({"entity": entity, "project": "lists"}),
                        priority=i % 3 if q % 2 else None)
        launch.pop(store, viewer, queue)
    yield sandbox, viewer, entity
    store.close()


def answer(sandbox: Sandbox, viewer: Viewer, operation: str, variables: dict,
           executor: type | None = FastExecutor) -> tuple[dict, list[str]]:
    """The response to one of the core's documents, and the SQL statements it took."""
    statements: list[str] = []
    sandbox.store.conn.set_trace_callback(statements.append)
    try:
        context = Context(sandbox.store, sandbox.storage, viewer, "http://127.0.0.1:1")
        ok, result = graphql_sync(sandbox.schema, {"query": document(operation), "variables": variables},
                                  context_value=context, execution_context_class=executor)
    finally:
        sandbox.store.conn.set_trace_callback(None)
    assert ok and "errors" not in result, result
    return result["data"], statements


def nodes(connection: dict) -> list[dict]:
    return [edge["node"] for edge in connection["edges"]]


LISTS = [
    ("ArtifactTypes", {"project": "lists"}, lambda d: nodes(d["project"]["artifactTypes"])),
    ("ArtifactCollections", {"project": "lists", "type": "type1", "aliasesPerCollection": 3},
     lambda d: nodes(d["project"]["artifactType"]["artifactCollections"])),
    ("Artifacts", {"project": "lists", "type": "type1", "collection": "c12", "filters": '{"state": "COMMITTED"}'},
     lambda d: nodes(d["project"]["artifactType"]["artifactCollection"]["artifacts"])),
]


@pytest.mark.parametrize(("operation", "variables", "rows"), LISTS)
def test_a_page_costs_the_same_sql_as_one_row(sandbox, operation, variables, rows):
    box, viewer, entity = sandbox
    variables = {"entity": entity, **variables}
    one, one_cost = answer(box, viewer, operation, variables | {"perPage": 1})
    many, many_cost = answer(box, viewer, operation, variables | {"perPage": ROWS})
    assert len(rows(one)) == 1 and len(rows(many)) == ROWS
    assert len(many_cost) == len(one_cost)


def test_the_nested_fields_answer_what_each_row_has(sandbox):
    box, viewer, entity = sandbox
    data, _ = answer(box, viewer, "ArtifactTypes", {"entity": entity, "project": "lists", "perPage": ROWS})
    assert [t["artifactCollections"]["totalCount"] for t in nodes(data["project"]["artifactTypes"])] == [ROWS] * ROWS

    data, _ = answer(box, viewer, "ArtifactCollections", {"entity": entity, "project": "lists", "type": "type2",
                                                          "aliasesPerCollection": 3})
    collections = nodes(data["project"]["artifactType"]["artifactCollections"])
    assert [c["name"] for c in collections] == [f"c2{c}" for c in reversed(range(ROWS))]  # newest first
    for c in collections:
        assert c["artifacts"]["totalCount"] == ROWS
        assert [a["alias"] for a in nodes(c["aliases"])] == ["latest", "alias0", "alias1"]  # the first three
        assert c["aliases"]["pageInfo"]["hasNextPage"]

    data, _ = answer(box, viewer, "Artifacts", {"entity": entity, "project": "lists", "type": "type2",
                                                "collection": "c23", "perPage": ROWS})
    creators = [a["createdBy"] for a in nodes(data["project"]["artifactType"]["artifactCollection"]["artifacts"])]
    assert [(c["__typename"], c["name"], c["displayName"]) for c in creators] == [
        ("Run", f"r23{v}", f"run 23{v}") for v in reversed(range(ROWS))]


def test_the_list_of_queues_reads_all_items_and_configs_at_once(sandbox):
    box, viewer, entity = sandbox
    data, statements = answer(box, viewer, "RunQueues", {"entity": entity, "project": launch.QUEUE_PROJECT,
                                                  "itemsPerQueue": 3, "configsPerPage": 100})
    queues = data["project"]["runQueues"]
    assert [q["name"] for q in queues] == [f"queue{q}" for q in range(ROWS)]
    for q, queue in enumerate(queues):
        row = launch.find_queue(box.store, accounts.find_project(box.store, viewer, entity, launch.QUEUE_PROJECT)["id"],
                                queue["name"])
        expected = box.store.query(f"SELECT state FROM run_queue_items WHERE run_queue_id = ?"
                                   f" ORDER BY {launch.item_order(row)} LIMIT 3", (row["id"],))
        assert [i["state"] for i in nodes(queue["runQueueItems"])] == [e["state"] for e in expected]
        assert queue["runQueueItems"]["pageInfo"]["hasNextPage"] == (q + 1 > 3)
    configs = {c["id"]: c["resource"] for c in nodes(data["entity"]["defaultResourceConfigs"])}
    assert all(configs[q["defaultResourceConfigID"]] == "local-process" for q in queues)
    for table in ("run_queue_items", "default_resource_configs"):
        assert len([s for s in statements if f"FROM {table}" in s]) == 1, statements


@pytest.mark.parametrize("operation", [*(op for op, _, _ in LISTS), "RunQueues"])
def test_graphql_cores_executor_answers_the_same(sandbox, operation):
    box, viewer, entity = sandbox
    variables = next((v for op, v, _ in LISTS if op == operation), {"project": launch.QUEUE_PROJECT})
    variables = {"entity": entity, **variables, "perPage": ROWS, "itemsPerQueue": 3}
    assert answer(box, viewer, operation, variables, None)[0] == answer(box, viewer, operation, variables)[0]
