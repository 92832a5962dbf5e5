"""The official SDK logs and uses artifacts (wandb.init in a subprocess) and reads them back with
wandb.Api: versions, moving aliases, digest dedup, files byte for byte, lineage, jobs, errors."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from pathlib import Path

import httpx
import pytest
import wandb
from wandb.errors import CommError

# the files of the dataset's first version, by their path in the artifact
CSV = "".join(f"{i},{i * i},{'odd' if i % 2 else 'even'}\n" for i in range(300)).encode()
FILES_V0 = {
    "train.csv": b"x,x2,parity\n" + CSV,
    "images/a.txt": b"pixels of a\n" * 40,
    "images/b.txt": b"pixels of b\n" * 70,
    "stats.json": json.dumps({"mean": 0.5, "rows": 300}).encode(),
}
EXTRA_ROW = b"300,90000,even\n"

SCRIPT = """
import json, os, wandb
P, out = %(project)r, {}

def dataset(**kw):
    art = wandb.Artifact("mnist", type="dataset", **kw)
    art.add_file("data/train.csv")
    art.add_dir("data/images", name="images")
    with art.new_file("stats.json") as f:
        f.write(json.dumps({"mean": 0.5, "rows": 300}))
    return art

with wandb.init(entity="admin", project=P, name="prep", job_type="preprocess") as run:
    art = dataset(description="raw digits", metadata={"rows": 300, "source": "synthetic"})
    run.log_artifact(art, aliases=["best"], tags=["raw"])
    out["v0"] = [art.wait().version, art.aliases, art.digest, art.size]
    with open("data/train.csv", "ab") as f:
        f.write(%(extra)r)
    art = dataset()
    run.log_artifact(art)
    out["v1"] = [art.wait().version, art.aliases]
    art = dataset()  # the same content again: no new version
    run.log_artifact(art)
    out["again"] = [art.wait().version, art.aliases]
    art = dataset()
    with art.new_file("README.md") as f:
        f.write("# mnist")
    run.log_artifact(art, aliases=["production"])
    out["v2"] = [art.wait().version, art.aliases]
    labels = wandb.Artifact("labels", type="dataset")
    with labels.new_file("a.txt") as f:
        f.write("A")
    run.log_artifact(labels).wait()
    labels = wandb.Artifact("labels", type="dataset", incremental=True)  # only what changes is sent
    with labels.new_file("b.txt") as f:
        f.write("B")
    out["incremental"] = run.log_artifact(labels).wait().version
    refs = wandb.Artifact("refs", type="dataset")
    refs.add_reference("file://" + os.path.abspath("data/images/a.txt"))
    run.log_artifact(refs).wait()
    out["prep"] = run.id

with wandb.init(entity="admin", project=P, name="train", job_type="train") as run:
    ds = run.use_artifact("mnist:latest")
    out["used_latest"] = [ds.version, ds.aliases]
    run.use_artifact("admin/" + P + "/mnist:v0", type="dataset")
    for i in range(2):
        model = wandb.Artifact("model", type="model", metadata={"epoch": i})
        with model.new_file("model.json") as f:
            f.write(json.dumps({"weights": [i, i + 1]}))
        run.log_artifact(model, aliases=["best"] if i == 0 else [])
        model.wait()
    out["job"] = run._log_job_artifact_with_image("example/trainer:2.1").wait().name
    out["train"] = run.id

with wandb.init(entity="admin", project=P, name="eval", job_type="eval") as run:
    run.use_artifact(wandb.Api().artifact("admin/" + P + "/model:best"))  # by object
    config = wandb.Artifact("eval-config", type="config")  # a draft: the user logs it, the run uses it
    with config.new_file("eval.json") as f:
        f.write("{}")
    run.use_artifact(config)
    out["eval"] = run.id
print(json.dumps(out))
"""


def b64md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def manifest_digest(files: dict[str, bytes]) -> str:
    """The artifact digest W&B and the SDK compute from the manifest."""
    text = "".join(f"{path}:{b64md5(files[path])}\n" for path in sorted(files))
    return hashlib.md5(("wandb-artifact-manifest-v1\n" + text).encode()).hexdigest()


@pytest.fixture(scope="module")
def api(sandbox):  # module scope: one wandb.Api for the module's tests
    return wandb.Api(api_key=sandbox.api_key, overrides={"base_url": sandbox.url})


@pytest.fixture(scope="module")
def logged(sdk_script, tmp_path_factory) -> dict:
    """Artifacts logged by the official SDK in a new project; -> what the SDK saw, plus `project`."""
    project = "sdk-artifacts-" + secrets.token_hex(3)
    workdir = tmp_path_factory.mktemp("sdk-artifacts")
    for path, data in FILES_V0.items():
        if path != "stats.json":
            target = workdir / "data" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    proc = sdk_script(SCRIPT % {"project": project, "extra": EXTRA_ROW}, workdir)
    return json.loads(proc.stdout.strip().splitlines()[-1]) | {"project": project}


def path(logged: dict, name: str = "") -> str:
    return f"admin/{logged['project']}" + (f"/{name}" if name else "")


# --------------------------------------------------------------------------- writing
def test_each_commit_gets_the_next_version_and_latest_moves(logged):
    assert logged["v0"] == ["v0", ["latest", "best"], manifest_digest(FILES_V0), sum(map(len, FILES_V0.values()))]
    assert logged["v1"] == ["v1", ["latest"]]
    assert logged["v2"] == ["v2", ["latest", "production"]]


def test_logging_the_same_content_again_gives_the_existing_version(logged, api):
    assert logged["again"] == ["v1", ["latest"]]
    assert [a.name for a in api.artifacts("dataset", path(logged, "mnist"))] == ["mnist:v2", "mnist:v1", "mnist:v0"]


def test_aliases_name_one_version_each(logged, api):
    versions = {a.version: a.aliases for a in api.artifacts("dataset", path(logged, "mnist"))}
    assert versions == {"v2": ["latest", "production"], "v1": [], "v0": ["best"]}
    models = {a.version: a.aliases for a in api.artifacts("model", path(logged, "model"))}
    assert models == {"v1": ["latest"], "v0": ["best"]}
    assert sorted(api.artifact_collection("dataset", path(logged, "mnist")).aliases) == ["best", "latest", "production"]


def test_use_artifact_resolves_latest_at_the_time(logged):
    assert logged["used_latest"] == ["v2", ["latest", "production"]]


# --------------------------------------------------------------------------- reading
@pytest.mark.parametrize(("name", "version", "aliases"), [
    ("mnist:latest", "v2", ["latest", "production"]), ("mnist:v1", "v1", []), ("mnist:best", "v0", ["best"]),
    ("model:latest", "v1", ["latest"]),
])
def test_artifact_by_alias_or_version(logged, api, name, version, aliases):
    art = api.artifact(path(logged, name))
    assert (art.name, art.version, art.aliases, art.source_name) == (name, version, aliases, f"{name.split(':')[0]}:{version}")
    assert (art.entity, art.project) == ("admin", logged["project"])
    assert api.artifact(f"{logged['project']}/{name}").id == art.id  # the default entity is the viewer's


def test_a_version_keeps_what_was_logged(logged, api):
    art = api.artifact(path(logged, "mnist:v0"), type="dataset")
    assert (art.type, art.description, art.metadata, art.tags) == ("dataset", "raw digits", {"rows": 300, "source": "synthetic"}, ["raw"])
    assert (art.state, art.size, art.file_count, art.digest) == (
        "COMMITTED", sum(map(len, FILES_V0.values())), 4, manifest_digest(FILES_V0))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", art.created_at)
    assert art.ttl is None and art.history_step is None and re.fullmatch(r"[0-9a-f]{20}", art.commit_hash)
    v1 = api.artifact(path(logged, "mnist:v1"))
    assert v1.metadata == {} and v1.description is None and v1.tags == []
    assert v1.digest == manifest_digest(FILES_V0 | {"train.csv": FILES_V0["train.csv"] + EXTRA_ROW})


def test_files_list_with_sizes_and_md5(logged, api):
    art = api.artifact(path(logged, "mnist:v0"))
    files = art.files()
    assert len(files) == 4
    assert [(f.name, f.size, f.md5) for f in files] == [(p, len(FILES_V0[p]), b64md5(FILES_V0[p])) for p in sorted(FILES_V0)]
    assert [f.name for f in art.files(names=["stats.json", "images/b.txt"])] == ["images/b.txt", "stats.json"]
    assert [f.name for f in art.files(per_page=1)] == sorted(FILES_V0)


def test_download_gives_the_logged_bytes(logged, api, tmp_path):
    root = Path(api.artifact(path(logged, "mnist:v0")).download(str(tmp_path), skip_cache=True))
    assert {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()} == FILES_V0


def test_an_incremental_version_holds_its_base_files_too(logged, api, tmp_path):
    assert logged["incremental"] == "v1"
    art = api.artifact(path(logged, "labels:v1"))
    assert [f.name for f in art.files()] == ["a.txt", "b.txt"] and art.file_count == 2
    assert art.digest == manifest_digest({"a.txt": b"A", "b.txt": b"B"})
    root = Path(art.download(str(tmp_path), skip_cache=True))
    assert ((root / "a.txt").read_text(), (root / "b.txt").read_text()) == ("A", "B")
    assert [f.name for f in api.artifact(path(logged, "labels:v0")).files()] == ["a.txt"]


def test_reference_entries_download_from_their_uri(logged, api, tmp_path):
    art = api.artifact(path(logged, "refs:latest"))
    entry = art.get_entry("a.txt")
    assert entry.ref.startswith("file://") and entry.ref.endswith("/data/images/a.txt")
    assert (art.size, art.file_count) == (len(FILES_V0["images/a.txt"]), 1)
    root = Path(art.download(str(tmp_path), skip_cache=True))
    assert (root / "a.txt").read_bytes() == FILES_V0["images/a.txt"]


def test_an_entry_downloads_on_its_own_through_the_authenticated_url(logged, api, sandbox, make_user, tmp_path):
    art = api.artifact(path(logged, "mnist:v0"))
    entry = art.get_entry("images/b.txt")
    assert Path(entry.download(str(tmp_path), skip_cache=True)).read_bytes() == FILES_V0["images/b.txt"]
    # the URL the SDK builds when it has no signed one: it needs the key and a readable project
    url = (f"{sandbox.url}/artifactsV2/default/{path(logged, 'mnist')}/{entry.birth_artifact_id}/"
           f"{base64.b64decode(entry.digest).hex()}/b.txt")
    assert httpx.get(url, auth=("api", sandbox.api_key)).content == FILES_V0["images/b.txt"]
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, auth=("api", make_user()[1])).status_code == 404


def test_manifest_entries(logged, api):
    art = api.artifact(path(logged, "mnist:v1"))
    entry = art.get_entry("train.csv")
    assert (entry.path, entry.size, entry.digest) == (
        "train.csv", len(FILES_V0["train.csv"]) + len(EXTRA_ROW), b64md5(FILES_V0["train.csv"] + EXTRA_ROW))
    # unchanged files keep the version that first stored them
    assert art.get_entry("images/a.txt").birth_artifact_id == api.artifact(path(logged, "mnist:v0")).id
    with pytest.raises(KeyError):
        art.get_entry("missing.txt")


def test_lineage_runs_that_logged_and_used(logged, api):
    v0, v2 = api.artifact(path(logged, "mnist:v0")), api.artifact(path(logged, "mnist:v2"))
    assert v0.logged_by().id == logged["prep"] and v2.logged_by().id == logged["prep"]
    assert [r.id for r in v0.used_by()] == [logged["train"]] and [r.id for r in v2.used_by()] == [logged["train"]]
    assert api.artifact(path(logged, "mnist:v1")).used_by() == []
    assert [r.id for r in api.artifact(path(logged, "model:v0")).used_by()] == [logged["eval"]]
    config = api.artifact(path(logged, "eval-config:latest"))
    assert config.logged_by() is None  # a draft used by a run is logged by the user, not the run
    assert [r.id for r in config.used_by()] == [logged["eval"]]


def test_runs_list_their_logged_and_used_artifacts(logged, api):
    train = api.run(path(logged, logged["train"]))
    assert [a.name for a in train.logged_artifacts()] == ["model:v0", "model:v1", logged["job"]]
    assert [a.name for a in train.used_artifacts()] == ["mnist:v2", "mnist:v0"]
    assert len(train.logged_artifacts()) == 3
    evaluation = api.run(path(logged, logged["eval"]))
    assert [a.name for a in evaluation.used_artifacts()] == ["model:v0", "eval-config:v0"]
    assert [a.name for a in evaluation.logged_artifacts()] == []
    prep = api.run(path(logged, logged["prep"]))
    assert [a.name for a in prep.logged_artifacts(per_page=1)] == [
        "mnist:v0", "mnist:v1", "mnist:v2", "labels:v0", "labels:v1", "refs:v0"]


def test_types_and_collections(logged, api):
    assert [t.name for t in api.artifact_types(path(logged))] == ["dataset", "model", "job", "config"]
    dataset = api.artifact_type("dataset", path(logged))
    assert dataset.name == "dataset" and [c.name for c in dataset.collections()] == ["refs", "labels", "mnist"]
    collection = api.artifact_collection("model", path(logged, "model"))
    assert (collection.name, collection.type, collection.entity, collection.project) == (
        "model", "model", "admin", logged["project"])
    assert [a.name for a in collection.artifacts()] == ["model:v1", "model:v0"]
    assert [c.name for c in api.artifact_collections(path(logged), "job")] == [logged["job"].split(":")[0]]


def test_versions_in_order_and_pages(logged, api):
    mnist = path(logged, "mnist")
    assert [a.name for a in api.artifacts("dataset", mnist, order="version_index")] == ["mnist:v0", "mnist:v1", "mnist:v2"]
    assert [a.name for a in api.artifacts("dataset", mnist, order="-createdAt", per_page=1)] == [
        "mnist:v2", "mnist:v1", "mnist:v0"]
    assert [a.name for a in api.artifact_versions("dataset", mnist)] == ["mnist:v2", "mnist:v1", "mnist:v0"]
    assert len(api.artifacts("dataset", mnist, per_page=2)) == 3
    assert [a.name for a in api.artifacts("dataset", mnist, tags=["raw"])] == ["mnist:v0"]


@pytest.mark.parametrize(("name", "type_name", "exists"), [
    ("mnist:v2", None, True), ("mnist:v3", None, False), ("mnist:best", "dataset", True),
    ("mnist:best", "model", False), ("nothing:latest", None, False),
])
def test_artifact_exists(logged, api, name, type_name, exists):
    assert api.artifact_exists(path(logged, name), type=type_name) is exists


@pytest.mark.parametrize(("name", "type_name", "exists"), [
    ("mnist", "dataset", True), ("mnist", "model", False), ("model", "model", True), ("nothing", "dataset", False),
])
def test_artifact_collection_exists(logged, api, name, type_name, exists):
    assert api.artifact_collection_exists(path(logged, name), type_name) is exists


def test_errors_as_the_sdk_reports_them(logged, api):
    with pytest.raises(CommError, match=f"artifact membership 'mnist:v9' not found in '{path(logged)}'"):
        api.artifact(path(logged, "mnist:v9"))
    with pytest.raises(CommError, match="type 'model' specified but this artifact is of type 'dataset'"):
        api.artifact(path(logged, "mnist:v0"), type="model")
    with pytest.raises(CommError, match="project 'no-such-project' not found under entity 'admin'"):
        api.artifact("admin/no-such-project/mnist:v0")
    with pytest.raises(CommError, match="Could not find artifact type 'nope'"):
        api.artifact_type("nope", path(logged))


def test_jobs_are_listed_and_read(logged, api, tmp_path):
    job_name = logged["job"]
    job_art = api.artifact(path(logged, job_name))
    assert api.list_jobs("admin", logged["project"]) == [{"edges": [{"node": {
        "id": job_art.id, "state": "COMMITTED", "aliases": [{"alias": "latest"}],
        "artifactSequence": {"name": job_name.split(":")[0]}}}]}]
    job = api.job(path(logged, job_name), path=str(tmp_path))
    assert job._job_info["source_type"] == "image"
    assert job._job_info["source"] == {"image": "example/trainer:2.1", "args": []}
    assert json.loads((tmp_path / "wandb-job.json").read_text()) == job._job_info
    assert api.list_jobs("admin", "no-such-project") == []


def test_file_urls_are_signed_and_carry_no_key(logged, api, sandbox):
    art = api.artifact(path(logged, "mnist:v0"))
    urls = {f.name: f.direct_url for f in art.files()}
    query = "query($id: ID!) { artifact(id: $id) { currentManifest { file { directUrl } } } }"
    reply = httpx.post(f"{sandbox.url}/graphql", json={"query": query, "variables": {"id": art.id}},
                       auth=("api", sandbox.api_key)).json()
    manifest_url = reply["data"]["artifact"]["currentManifest"]["file"]["directUrl"]
    for url in [*urls.values(), manifest_url]:
        assert url.startswith(f"{sandbox.url}/storage/") and sandbox.api_key not in url
    assert httpx.get(urls["train.csv"]).content == FILES_V0["train.csv"]  # no credentials needed
    manifest = httpx.get(manifest_url).json()
    assert {p: e["digest"] for p, e in manifest["contents"].items()} == {p: b64md5(d) for p, d in FILES_V0.items()}
    forged = urls["train.csv"][:-3] + ("AAA" if not urls["train.csv"].endswith("AAA") else "BBB")
    assert httpx.get(forged).status_code == 403
