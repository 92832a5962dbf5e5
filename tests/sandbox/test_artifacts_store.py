"""Artifact rules of the sandbox below the SDK: dedup, aliases, commits, uploads that must match
their digest, visibility, edits with `artifact.save()`, and listings without a query per row."""

from __future__ import annotations

import base64
import hashlib

import httpx
import pytest
from wandb.errors import CommError

from wbtui.sandbox import artifacts as arts, runs
from wbtui.sandbox.accounts import SandboxError, Viewer, upsert_project
from wbtui.sandbox.store import Store


@pytest.fixture
def project(sandbox, project_name):
    admin = sandbox.store.one("SELECT * FROM users WHERE username = 'admin'")
    return upsert_project(sandbox.store, Viewer(admin), "admin", project_name)[0]


@pytest.fixture
def log(sandbox, project):
    """log(name, files, **kw) -> a committed version in `project`, logged in-process."""
    def log_(name: str, files: dict[str, bytes], type: str = "dataset", **kw):
        return arts.log_artifact(sandbox.store, sandbox.sandbox.storage, project["id"], name=name, type=type,
                                 files=files, user_id=project["user_id"], **kw)
    return log_


def gql(sandbox, query: str, variables: dict, key: str | None = None) -> dict:
    reply = httpx.post(f"{sandbox.url}/graphql", json={"query": query, "variables": variables},
                       auth=("api", key or sandbox.api_key))
    return reply.json()


def test_same_content_gives_the_same_version_and_takes_the_aliases(log):
    v0 = log("ds", {"a.txt": b"one"}, aliases=["best"])
    v1 = log("ds", {"a.txt": b"two"})
    again = log("ds", {"a.txt": b"one"}, aliases=["golden"])
    assert (v0["version_index"], v1["version_index"], again["id"]) == (0, 1, v0["id"])
    assert log("ds", {"a.txt": b"two"})["id"] == v1["id"]


def test_an_alias_names_one_version_and_latest_follows_commits(sandbox, log):
    v0 = log("ds", {"a.txt": b"one"}, aliases=["best"])
    v1 = log("ds", {"a.txt": b"two"}, aliases=["best", "candidate"])
    aliases, _ = arts.labels(sandbox.store, [v0["id"], v1["id"]])
    assert [a["alias"] for a in aliases[v0["id"]]] == []
    assert sorted(a["alias"] for a in aliases[v1["id"]]) == ["best", "candidate", "latest"]
    arts.set_aliases(sandbox.store, v0, add=["best"], remove=["nothing"])
    assert arts.version(sandbox.store, v0["collection_id"], "best")["id"] == v0["id"]
    assert arts.version(sandbox.store, v0["collection_id"], "latest")["id"] == v1["id"]


@pytest.mark.parametrize("alias", ["v3", "", "a/b", "x:y", "x" * 129])
def test_invalid_aliases_are_refused(log, alias):
    with pytest.raises(SandboxError, match="invalid alias"):
        log("ds", {"a.txt": b"x"}, aliases=[alias])


def test_a_collection_keeps_its_type(log):
    log("ds", {"a.txt": b"x"})
    with pytest.raises(SandboxError, match="artifact ds already exists with type 'dataset'; cannot create another"
                                           " with type 'model'"):
        log("ds", {"a.txt": b"y"}, type="model")


def test_a_retried_create_and_commit_apply_once(sandbox, project):
    store, storage = sandbox.store, sandbox.sandbox.storage
    kw = dict(name="ds", type="dataset", digest="d" * 32, user_id=project["user_id"], client_id="client-abc")
    first = arts.create(store, project["id"], **kw)
    assert arts.create(store, project["id"], **kw)["id"] == first["id"]
    md5 = arts.store_blob(store, storage, project["id"], b'{"version": 1, "contents": {}}', first["id"])["md5"]
    arts.set_manifest(store, first, digest=md5)
    committed = arts.commit(store, storage, first)
    assert arts.commit(store, storage, first) == committed and committed["version_index"] == 0


def test_commit_needs_the_manifest_and_every_file(sandbox, project):
    store, storage = sandbox.store, sandbox.sandbox.storage
    art = arts.create(store, project["id"], name="ds", type="dataset", digest="e" * 32, user_id=project["user_id"])
    with pytest.raises(SandboxError, match="the artifact has no manifest"):
        arts.commit(store, storage, art)
    never_uploaded = base64.b64encode(hashlib.md5(b"absent").digest()).decode()
    manifest = ('{"version": 1, "contents": {"x.bin": {"digest": "%s", "size": 6}}}' % never_uploaded).encode()
    arts.set_manifest(store, art, digest=arts.store_blob(store, storage, project["id"], manifest, art["id"])["md5"])
    with pytest.raises(SandboxError, match="1 file\\(s\\) were not uploaded, e.g. 'x.bin'"):
        arts.commit(store, storage, art)
    assert arts.artifact(store, art["id"])["state"] == "PENDING"


CREATE = """mutation($input: CreateArtifactInput!) { createArtifact(input: $input) { artifact { id state } } }"""
FILES = """mutation($input: CreateArtifactFilesInput!) {
  createArtifactFiles(input: $input) { files { edges { node { uploadUrl artifact { id } } } } } }"""


def test_an_upload_counts_only_if_its_bytes_match_the_digest(sandbox, project):
    art = gql(sandbox, CREATE, {"input": {
        "entityName": "admin", "projectName": project["name"], "artifactTypeName": "dataset",
        "artifactCollectionName": "uploads", "digest": "f" * 32, "digestAlgorithm": "MANIFEST_MD5"}})
    art_id = art["data"]["createArtifact"]["artifact"]["id"]
    data = b"the real content"
    spec = {"artifactID": art_id, "name": "f.txt", "md5": base64.b64encode(hashlib.md5(data).digest()).decode()}

    def upload_url():
        node = gql(sandbox, FILES, {"input": {"artifactFiles": [spec]}})["data"]["createArtifactFiles"]["files"]
        return node["edges"][0]["node"]["uploadUrl"]
    url = upload_url()
    assert sandbox.api_key not in url
    assert httpx.put(url, content=b"something else").status_code == 200
    url = upload_url()  # still wanted: the bytes did not match
    assert url is not None
    assert httpx.put(url, content=data).status_code == 200
    assert upload_url() is None  # the project has it now


def test_artifacts_of_a_private_project_are_invisible_to_outsiders(sandbox, log, project, make_user, api_as):
    version = log("secret", {"a.txt": b"classified"})
    _, key = make_user()
    outsider = api_as(key)
    with pytest.raises(CommError, match=f"project '{project['name']}' not found under entity 'admin'"):
        outsider.artifact(f"admin/{project['name']}/secret:v0")
    query = "query($id: ID!) { artifact(id: $id) { id } }"
    gid = arts.global_id("Artifact", version["id"])
    assert gql(sandbox, query, {"id": gid}, key)["data"]["artifact"] is None
    assert gql(sandbox, query, {"id": gid})["data"]["artifact"] == {"id": gid}
    reply = gql(sandbox, CREATE, {"input": {
        "entityName": "admin", "projectName": project["name"], "artifactTypeName": "dataset",
        "artifactCollectionName": "intrusion", "digest": "0" * 32, "digestAlgorithm": "MANIFEST_MD5"}}, key)
    assert reply["errors"][0]["message"] == "permission denied: you are not a member of admin"


def test_lineage_shows_only_what_the_viewer_may_read(sandbox, log, project, make_user, api_as, api):
    store, admin = sandbox.store, Viewer(sandbox.store.one("SELECT * FROM users WHERE username = 'admin'"))
    public = upsert_project(store, admin, "admin", project["name"] + "-pub", access="USER_READ")[0]
    reader = runs.upsert(store, admin, {"entity_name": "admin", "model_name": public["name"], "name": "reader"})[0]
    writer = runs.upsert(store, admin, {"entity_name": "admin", "model_name": project["name"], "name": "writer"})[0]
    arts.use(store, log("secret", {"a.txt": b"classified"}), reader["id"])
    shared = arts.log_artifact(store, sandbox.sandbox.storage, public["id"], name="open", type="dataset",
                               files={"b.txt": b"for all"}, user_id=admin.id)
    arts.use(store, shared, writer["id"])
    outsider = api_as(make_user()[1])
    assert [a.name for a in api.run(f"admin/{public['name']}/reader").used_artifacts()] == ["secret:v0"]
    assert [a.name for a in outsider.run(f"admin/{public['name']}/reader").used_artifacts()] == []
    assert [r.id for r in api.artifact(f"admin/{public['name']}/open:v0").used_by()] == ["writer"]
    assert outsider.artifact(f"admin/{public['name']}/open:v0").used_by() == []


def test_artifact_save_edits_a_version(sandbox, log, project, api):
    log("ds", {"a.txt": b"one"}, aliases=["best"], tags=["raw"])
    log("ds", {"a.txt": b"two"})
    v1 = api.artifact(f"admin/{project['name']}/ds:v1")
    v1.description, v1.metadata = "cleaned", {"rows": 2}
    v1.aliases.append("best")
    v1.tags.append("clean")
    v1.save()
    again = api.artifact(f"admin/{project['name']}/ds:v1")
    assert (again.description, again.metadata, again.aliases, again.tags) == ("cleaned", {"rows": 2},
                                                                              ["latest", "best"], ["clean"])
    v0 = api.artifact(f"admin/{project['name']}/ds:v0")
    assert (v0.aliases, v0.tags) == ([], ["raw"])  # "best" moved to v1
    v0.tags.remove("raw")
    v0.save()
    assert api.artifact(f"admin/{project['name']}/ds:v0").tags == []


@pytest.fixture
def queries(monkeypatch):
    """A counter of the store's SQL calls (the server runs in this process)."""
    calls = []
    for name in ("query", "one", "scalar", "execute", "insert", "executemany"):
        method = getattr(Store, name)
        monkeypatch.setattr(Store, name, lambda self, *a, _m=method, **kw: calls.append(1) or _m(self, *a, **kw))
    return calls


def test_a_thousand_versions_list_in_a_few_queries(sandbox, log, project, api, queries):
    for i in range(1000):
        log("many", {"n.txt": str(i).encode()}, aliases=["best"] if i == 500 else [])
    queries.clear()
    versions = list(api.artifacts("dataset", f"admin/{project['name']}/many", per_page=1000))
    assert [v.version for v in versions] == [f"v{i}" for i in range(999, -1, -1)]
    assert versions[0].aliases == ["latest"] and versions[499].aliases == ["best"]
    assert len(queries) < 30


def test_a_thousand_files_list_in_a_few_queries(sandbox, log, project, api, queries):
    files = {f"shard-{i:04d}.txt": f"row {i}\n".encode() for i in range(1000)}
    log("big", files)
    version = api.artifact(f"admin/{project['name']}/big:v0")
    queries.clear()
    listed = list(version.files(per_page=1000))
    assert [(f.name, f.size) for f in listed] == [(name, len(data)) for name, data in sorted(files.items())]
    assert len(queries) < 20
