"""The server itself: HTTP protocol details, file_stream idempotency, signed URLs, secrets,
durability across restarts, the CLI, and the schema check."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from wbtui.sandbox.server import SandboxServer

KIT = Path(__file__).resolve().parents[3] / "shared" / "wandb-protocol"
UPSERT = """mutation UpsertBucket($name: String, $project: String, $entity: String) {
  upsertBucket(input: {name: $name, modelName: $project, entityName: $entity}) {
    bucket { id name historyLineCount } inserted } }"""


def post(server, body, key=None, **kwargs):
    return httpx.post(f"{server.url}/graphql", json=body, auth=("api", key or server.api_key), **kwargs)


def stream(server, path, body):
    return httpx.post(f"{server.url}/files/{path}/file_stream", json=body, auth=("api", server.api_key))


def test_empty_operation_name_gzip_bodies_and_standard_errors(sandbox):
    r = post(sandbox, {"query": "query Viewer { viewer { username } }", "operationName": ""})
    assert r.json() == {"data": {"viewer": {"username": "admin"}}}
    body = gzip.compress(json.dumps({"query": "{ viewer { username } }"}).encode())
    r = httpx.post(f"{sandbox.url}/graphql", content=body, auth=("api", sandbox.api_key),
                   headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert r.json()["data"]["viewer"]["username"] == "admin"
    r = post(sandbox, {"query": "{ viewer { nope } }"})
    assert r.status_code == 400 and "nope" in r.json()["errors"][0]["message"]
    r = httpx.post(f"{sandbox.url}/graphql", content=b"{not json", auth=("api", sandbox.api_key))
    assert r.status_code == 400
    assert httpx.post(f"{sandbox.url}/sdk/otel/v1/metrics", content=b"x").status_code == 404


def test_re_sent_file_stream_chunks_are_stored_once(sandbox, project_name):
    post(sandbox, {"query": UPSERT, "variables": {"name": "fs1", "project": project_name, "entity": "admin"}})
    path = f"admin/{project_name}/fs1"
    rows = ['{"_step": 0, "a": 1}', '{"_step": 1, "a": 2}']
    chunk = {"files": {"wandb-history.jsonl": {"offset": 0, "content": rows},
                       "output.log": {"offset": 0, "content": ["2026-01-01T00:00:00.000001 hi"]}}}
    for _ in range(3):
        assert stream(sandbox, path, chunk).json() == {"exitcode": None, "limits": {}}
    # a progress bar rewrites its console line at the same offset
    stream(sandbox, path, {"files": {"output.log": {"offset": 0, "content": ["2026-01-01T00:00:01 done"]}}})
    run = sandbox.store.one("SELECT * FROM runs WHERE name = 'fs1'")
    assert run["history_line_count"] == 2 and run["log_line_count"] == 1
    assert sandbox.store.scalar("SELECT COUNT(*) FROM history WHERE run_id = ?", (run["id"],)) == 2
    assert sandbox.store.query("SELECT content FROM log_lines WHERE run_id = ?", (run["id"],)) == [{"content": "done"}]
    assert sandbox.store.query("SELECT key, count FROM history_keys WHERE run_id = ? AND key = 'a'",
                               (run["id"],)) == [{"key": "a", "count": 2}]
    resumed = post(sandbox, {"query": UPSERT, "variables": {"name": "fs1", "project": project_name, "entity": "admin"}})
    assert resumed.json()["data"]["upsertBucket"] == {
        "bucket": {"id": resumed.json()["data"]["upsertBucket"]["bucket"]["id"], "name": "fs1", "historyLineCount": 2},
        "inserted": False}
    gz = gzip.compress(json.dumps({"complete": True, "exitcode": 0}).encode())
    r = httpx.post(f"{sandbox.url}/files/{path}/file_stream", content=gz, auth=("api", sandbox.api_key),
                   headers={"Content-Encoding": "gzip"})
    assert r.status_code == 200
    assert sandbox.store.scalar("SELECT state FROM runs WHERE name = 'fs1'") == "finished"


def test_a_stop_asked_before_the_first_data_is_kept(sandbox, project_name):
    """A pending run's first file_stream must not forget a stop asked before it (it did, so
    such a script ran to its end)."""
    upsert = """mutation($name: String, $project: String) { upsertBucket(input: {name: $name, modelName: $project,
      entityName: "admin", state: "pending"}) { bucket { id } } }"""  # as a launch agent creates a run
    bucket = post(sandbox, {"query": upsert, "variables": {"name": "early1", "project": project_name}}
                  ).json()["data"]["upsertBucket"]
    assert sandbox.store.one("SELECT state FROM runs WHERE name = 'early1'")["state"] == "pending"
    stop = "mutation($id: ID!) { stopRun(input: {id: $id}) { success } }"
    assert post(sandbox, {"query": stop, "variables": {"id": bucket["bucket"]["id"]}}).json()["data"]["stopRun"]["success"]
    path = f"admin/{project_name}/early1"
    first = {"files": {"wandb-history.jsonl": {"offset": 0, "content": ['{"_step": 0}']}}}
    assert stream(sandbox, path, first).json()["stopped"] is True
    assert stream(sandbox, path, {"complete": True, "exitcode": 255}).json()["stopped"] is True
    assert sandbox.store.one("SELECT state FROM runs WHERE name = 'early1'")["state"] == "killed"


def test_file_stream_needs_the_key_and_an_existing_run(sandbox):
    assert httpx.post(f"{sandbox.url}/files/admin/p/r/file_stream", json={}).status_code == 401
    assert stream(sandbox, "admin/no-such-project/r", {}).status_code == 404


def test_storage_urls_are_signed_per_method(sandbox, project_name):
    post(sandbox, {"query": UPSERT, "variables": {"name": "up1", "project": project_name, "entity": "admin"}})
    r = post(sandbox, {"query": """mutation($e: String!, $p: String!, $r: String!, $f: [String!]!) {
        createRunFiles(input: {entityName: $e, projectName: $p, runName: $r, files: $f}) {
          files { name uploadUrl } } }""",
                       "variables": {"e": "admin", "p": project_name, "r": "up1", "f": ["a/b.txt"]}})
    url = r.json()["data"]["createRunFiles"]["files"][0]["uploadUrl"]
    assert sandbox.api_key not in url
    token = url.rsplit("/", 1)[1]
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert httpx.put(tampered, content=b"x").status_code == 403
    assert httpx.get(url).status_code == 403  # an upload URL does not download
    assert httpx.put(url, content=b"hello").status_code == 200
    files = post(sandbox, {"query": """query($p: String!) { project(name: $p, entityName: "admin") {
        run(name: "up1") { files { edges { node { name sizeBytes directUrl } } } } } }""",
                           "variables": {"p": project_name}})
    node = files.json()["data"]["project"]["run"]["files"]["edges"][0]["node"]
    assert (node["name"], node["sizeBytes"]) == ("a/b.txt", 5)
    assert httpx.get(node["directUrl"]).content == b"hello"
    assert token not in node["directUrl"]


def test_no_api_key_in_responses_or_logs(sandbox, make_user, caplog, project_name):
    _, key = make_user()
    caplog.set_level(logging.DEBUG)
    bodies = [
        post(sandbox, {"query": "{ viewer { username apiKeys { edges { node { id name description } } } } }"}, key),
        post(sandbox, {"query": "{ viewer { bogus } }"}, key),
        post(sandbox, {"query": "mutation { createUser(input: {email: \"x@y.z\"}) { user { id } } }"}, key),
        post(sandbox, {"query": "{ entity(name: \"admin\") { members { apiKey } } }"}, key),
        post(sandbox, {"query": UPSERT, "variables": {"name": "k1", "project": project_name, "entity": "nobody"}}, key),
        httpx.post(f"{sandbox.url}/graphql", json={"query": "{ viewer { id } }"}, auth=("api", key + "x")),
    ]
    assert bodies[0].json()["data"]["viewer"]["apiKeys"]["edges"][0]["node"]["name"].startswith("key-")
    assert "errors" in bodies[2].json()
    for secret in (key, sandbox.api_key):
        assert all(secret not in r.text for r in bodies)
        assert secret not in caplog.text


def test_data_survives_a_restart(tmp_path):
    with SandboxServer(tmp_path) as first:
        key = first.api_key
        post(first, {"query": UPSERT, "variables": {"name": "dur1", "project": "p", "entity": "admin"}})
        stream(first, "admin/p/dur1", {"files": {"wandb-history.jsonl": {"offset": 0, "content": ['{"_step": 0}']}}})
    with SandboxServer(tmp_path) as second:
        assert second.api_key == key and second.sandbox.new_admin_key is False
        r = post(second, {"query": '{ project(name: "p") { run(name: "dur1") { historyLineCount } } }'})
        assert r.json()["data"]["project"]["run"] == {"historyLineCount": 1}
    assert stat.S_IMODE(os.stat(tmp_path / "admin-api-key").st_mode) == 0o600


def _start_cli(data_dir: Path, *args: str) -> tuple[subprocess.Popen, str, list[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "wbtui.cli", "sandbox", "--port", "0", "--data-dir", str(data_dir),
                             *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    while not any(line.lstrip().startswith("export WANDB_BASE_URL") for line in lines):
        line = proc.stdout.readline()
        assert line, "the sandbox exited early:\n" + "".join(lines)
        lines.append(line)
    url = re.search(r"WANDB_BASE_URL=(\S+)", lines[-1]).group(1)
    return proc, url, lines


def test_cli_prints_the_new_key_once_and_stops_cleanly_on_sigterm(tmp_path):
    proc, url, banner = _start_cli(tmp_path)
    key = (tmp_path / "admin-api-key").read_text().strip()
    try:
        assert f"WANDB_API_KEY={key}" in banner[-1]
        r = httpx.post(f"{url}/graphql", json={"query": UPSERT, "variables": {"name": "c1", "project": "p"}},
                       auth=("api", key))
        assert r.json()["data"]["upsertBucket"]["inserted"] is True
    finally:
        proc.send_signal(signal.SIGTERM)  # uvicorn shuts down, then exits by the signal it caught
        assert proc.wait(timeout=20) in (0, -signal.SIGTERM)
    proc, url, banner = _start_cli(tmp_path)
    try:
        assert key not in "".join(banner) and "admin-api-key)" in banner[-1]
        r = httpx.post(f"{url}/graphql", json={"query": '{ project(name: "p") { run(name: "c1") { name } } }'},
                       auth=("api", key))
        assert r.json()["data"]["project"]["run"] == {"name": "c1"}
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) in (0, 1, -signal.SIGINT)


def test_cli_accepts_a_given_key(tmp_path):
    proc, url, banner = _start_cli(tmp_path, "--api-key", "local-" + "a" * 40)
    try:
        assert not (tmp_path / "admin-api-key").exists()
        r = httpx.post(f"{url}/graphql", json={"query": "{ viewer { admin } }"}, auth=("api", "local-" + "a" * 40))
        assert r.json() == {"data": {"viewer": {"admin": True}}}
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_the_schema_file_is_valid_sdl_and_builds_as_ariadne_builds_it():
    # build_schema skips the SDL validation at start-up: here it is
    from ariadne import make_executable_schema
    from graphql import parse, print_schema
    from graphql.validation.validate import validate_sdl

    from wbtui.sandbox import resolvers
    from wbtui.sandbox.app import SCHEMA_PATH, build_schema

    text = SCHEMA_PATH.read_text(encoding="utf-8")
    assert validate_sdl(parse(text)) == []
    ours = build_schema()
    theirs = make_executable_schema(text, *resolvers.bindables(), convert_names_case=True)
    assert print_schema(ours) == print_schema(theirs)

    def same(resolve):  # a function, or one ariadne made (resolve_to(name)): its code and cells
        return resolve and (resolve.__code__, tuple(c.cell_contents for c in resolve.__closure__ or ()))

    def bound(schema):  # resolvers and the Python names of fields and arguments
        return {(name, field_name): (same(getattr(field, "resolve", None)), getattr(field, "out_name", None),
                                      {a: arg.out_name for a, arg in getattr(field, "args", {}).items()})
                for name, kind in schema.type_map.items() for field_name, field in getattr(kind, "fields", {}).items()}

    assert bound(ours) == bound(theirs)
    assert any(resolve is not None for resolve, _, _ in bound(ours).values())


def test_the_parsed_schema_is_kept_in_the_cache_for_that_text_and_graphql_core(tmp_path, monkeypatch):
    from graphql import print_ast

    from wbtui.sandbox import app

    monkeypatch.setenv("WBTUI_CACHE_DIR", str(tmp_path / "cache"))
    parsed = print_ast(app.schema_document())
    (cached,) = (tmp_path / "cache").glob("sandbox-schema-*.pickle")

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed again")

    with monkeypatch.context() as mp:
        mp.setattr(app, "parse", no_parsing)
        assert print_ast(app.schema_document()) == parsed  # loaded, not parsed

    other = tmp_path / "schema.graphql"  # another text: another entry
    other.write_text(app.SCHEMA_PATH.read_text() + "\nscalar Extra\n")
    with monkeypatch.context() as mp:
        mp.setattr(app, "SCHEMA_PATH", other)
        assert "scalar Extra" in print_ast(app.schema_document())
    assert len(list((tmp_path / "cache").glob("sandbox-schema-*.pickle"))) == 2

    cached.write_bytes(b"not a pickle")  # damaged: parsed again, and written again
    assert print_ast(app.schema_document()) == parsed
    assert print_ast(app.schema_document()) == parsed and cached.read_bytes() != b"not a pickle"

    (tmp_path / "file").write_text("a file where the cache dir would be")  # no cache: parsing each time
    monkeypatch.setenv("WBTUI_CACHE_DIR", str(tmp_path / "file"))
    assert print_ast(app.schema_document()) == parsed


@pytest.mark.skipif(not (KIT / "check").exists(), reason="the protocol kit (../shared/wandb-protocol) is absent")
def test_schema_is_a_subset_of_w_and_b_and_accepts_every_recorded_sdk_request():
    schema = Path(__file__).resolve().parents[2] / "wbtui" / "sandbox" / "schema.graphql"
    out = subprocess.run([sys.executable, str(KIT / "check"), "server-schema", str(schema)],
                         capture_output=True, text=True).stdout
    assert re.search(r"^\d+ passed, 0 failed$", out, re.M), out
    assert "official SDK requests accepted: 83 of 83" in out, out
