"""Write the TUI tests' data set as users do: the official wandb SDK (runs, artifacts, jobs,
sweeps, launch_add), wandb-workspaces (reports) and wbtui.core (queues, teams, users).

Run each stage in its own subprocess (wandb keeps global state, and a stage the sandbox cannot
serve may take the SDK's service down with it): `python seed_views.py URL KEY OUT_JSON STAGE`. A stage
that fails writes its error to OUT_JSON, and the tests that need it skip with that reason. Server strings include Rich markup (`[b]...`) on
purpose: every view must show it literally.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import tempfile
import traceback
from pathlib import Path

PROJECT = "views"
MARKUP = "[b]bold[/b]"  # must show as typed, never as bold


def stage_runs(wandb, entity: str, out: dict) -> None:
    for i in range(3):
        run = wandb.init(entity=entity, project=PROJECT, id=f"views{i:03d}", name=f"{MARKUP} run {i}" if i == 0 else f"run {i}",
                         config={"lr": 0.1 / (i + 1)}, tags=["base"])
        for step in range(20):
            run.log({"loss": 1.0 / (step + 1 + i)})
        run.finish()
    out["runs"] = ["views000", "views001", "views002"]


def stage_artifacts(wandb, entity: str, out: dict) -> None:
    tmp = Path(tempfile.mkdtemp())
    (tmp / "train.csv").write_text("a,b\n1,2\n")
    (tmp / "sub").mkdir()
    (tmp / "sub" / "[b]bold.txt").write_text("markup in a file name\n")
    run = wandb.init(entity=entity, project=PROJECT, id="artlog01", name="logger one", job_type="data")
    art = wandb.Artifact("dataset-a", type="dataset", description=f"first {MARKUP}",
                         metadata={"rows": 2, "source": {"name": MARKUP, "split": "train"}})
    art.add_file(str(tmp / "train.csv"))
    art.add_dir(str(tmp / "sub"), name="sub")
    run.log_artifact(art, aliases=["best"])
    run.finish()
    run = wandb.init(entity=entity, project=PROJECT, id="artlog02", name="logger two", job_type="data")
    (tmp / "train.csv").write_text("a,b\n1,2\n5,6\n")
    art = wandb.Artifact("dataset-a", type="dataset", description="second", metadata={"rows": 3})
    art.add_file(str(tmp / "train.csv"))
    run.log_artifact(art, aliases=["production"])
    model = wandb.Artifact("model-a", type="model")
    (tmp / "weights.bin").write_bytes(bytes(range(256)) * 4)
    model.add_file(str(tmp / "weights.bin"))
    run.log_artifact(model)
    run.finish()
    run = wandb.init(entity=entity, project=PROJECT, id="artuse01", name="user of v0", job_type="train")
    run.use_artifact(f"{entity}/{PROJECT}/dataset-a:v0")
    run.finish()
    out["artifacts"] = True


def stage_jobs(wandb, entity: str, out: dict) -> None:
    from wandb.sdk.artifacts._internal_artifact import InternalArtifact

    tmp = Path(tempfile.mkdtemp())
    info = {"_version": "v0", "source_type": "image", "source": {"image": "myrepo/train:1.0"},
            "input_types": {"wb_type": "typedDict", "params": {"type_map": {"lr": {"wb_type": "number"}}}},
            "output_types": {"wb_type": "typedDict", "params": {"type_map": {"loss": {"wb_type": "number"}}}},
            "runtime": "3.11"}
    (tmp / "wandb-job.json").write_text(json.dumps(info))
    (tmp / "requirements.frozen.txt").write_text("torch==2.3.0\n")
    run = wandb.init(entity=entity, project=PROJECT, id="jobmake1", job_type="job")
    job = InternalArtifact("job-myrepo_train", "job")
    job.add_file(str(tmp / "wandb-job.json"))
    job.add_file(str(tmp / "requirements.frozen.txt"))
    run.log_artifact(job, aliases=["1.0"])
    run.finish()
    out["job"] = "job-myrepo_train"


def stage_sweeps(wandb, entity: str, out: dict) -> None:
    config = {"name": f"sweep {MARKUP}", "method": "grid", "metric": {"name": "loss", "goal": "minimize"},
              "parameters": {"lr": {"values": [0.1, 0.01, 0.001]}}}
    sweep_id = wandb.sweep(config, entity=entity, project=PROJECT)
    losses: dict[str, float] = {}

    def train() -> None:
        run = wandb.init()
        losses[run.id] = run.config["lr"] * 10
        run.log({"loss": losses[run.id]})
        run.finish()

    wandb.agent(sweep_id, function=train, entity=entity, project=PROJECT, count=3)
    out["sweep"] = sweep_id
    out["best_run"] = min(losses, key=losses.__getitem__)
    out["sweep_runs"] = sorted(losses)


def stage_reports(wandb, entity: str, out: dict) -> None:
    import wandb_workspaces.reports.v2 as wr

    wandb.Api().create_project(PROJECT, entity)  # its run set needs it: the runs stage may not have made it yet
    report = wr.Report(project=PROJECT, entity=entity, title=f"Findings {MARKUP}", description="What we learned", blocks=[
        wr.H1(f"Heading {MARKUP}"),
        wr.P(["Some ", wr.InlineCode("code"), f" and {MARKUP} text"]),
        wr.MarkdownBlock("**md** block\n\n- a\n- b"),
        wr.CodeBlock(code=["print(1)", "x = [red]2"], language="python"),
        wr.UnorderedList(["one", "two"]),
        wr.BlockQuote("quoted"),
        wr.CalloutBlock(["careful"]),
        wr.PanelGrid(panels=[wr.LinePlot(title="Loss", x="Step", y=["loss", "acc"])],
                     runsets=[wr.Runset(entity=entity, project=PROJECT, name="baseline",
                                        filters="Config('lr') >= 0.01")]),
    ])
    report.save()
    out["report"] = report.id


def stage_queues(wandb, entity: str, out: dict) -> None:
    from wandb.sdk.launch._launch_add import launch_add

    from wbtui.core import Api

    queue = f"tui-queue-{secrets.token_hex(3)}"

    async def create() -> None:
        async with Api() as api:
            await api.create_run_queue(
                queue, "local-container", entity=entity, prioritization_mode="V0",
                config={"env": ["CPU={{cpu}}"], "image": MARKUP},
                template_variables={"cpu": {"schema": {"type": "integer", "minimum": 1, "maximum": 4, "default": 2}}})
            await api.upsert_run_queue(f"{queue}-k8s", {"cpus": 2}, "kubernetes", entity=entity,
                                       external_links={"dashboard": "https://example.org/dash"})

    asyncio.run(create())
    items = [launch_add(docker_image="myrepo/train:1.0", queue_name=queue, entity=entity, project=PROJECT,
                        config={"overrides": {"run_config": {"lr": 0.1}}}) for _ in range(2)]
    run = wandb.init(entity=entity, project=PROJECT, id=f"launched{secrets.token_hex(2)}", name="launched run")
    run.finish()
    claimed = claim_item(entity, queue, run.id)
    out |= {"queue": queue, "items": [item.id for item in items], "claimed": claimed, "launched": run.id}


def claim_item(entity: str, queue: str, run_id: str) -> str:
    """As a launch agent does: pop the first item and acknowledge it with the run it started."""
    import httpx

    url, key = os.environ["WANDB_BASE_URL"], os.environ["WANDB_API_KEY"]

    def gql(query: str, variables: dict) -> dict:
        response = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables}, auth=("api", key))
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]

    popped = gql("mutation($e: String!, $p: String!, $q: String!) { popFromRunQueue(input: "
                 "{entityName: $e, projectName: $p, queueName: $q}) { runQueueItemId } }",
                 {"e": entity, "p": "model-registry", "q": queue})["popFromRunQueue"]["runQueueItemId"]
    gql("mutation($id: ID!, $run: String!) { ackRunQueueItem(input: {runQueueItemId: $id, runName: $run}) { success } }",
        {"id": popped, "run": run_id})
    return popped


def stage_team(wandb, entity: str, out: dict) -> None:
    from wbtui.core import Api

    team = f"tui-team-{secrets.token_hex(3)}"

    async def create() -> None:
        async with Api() as api:
            user = await api.create_user(f"tui-member-{secrets.token_hex(3)}@example.com")
            await api.create_team(team)  # the viewer is its admin
            out["member"] = user.username

    asyncio.run(create())
    out["team"] = team


STAGES = {f.__name__.removeprefix("stage_"): f for f in
          (stage_runs, stage_artifacts, stage_jobs, stage_sweeps, stage_reports, stage_queues, stage_team)}


def main() -> None:
    url, key, out_path, name = sys.argv[1:5]
    os.environ.update(WANDB_BASE_URL=url, WANDB_API_KEY=key, WANDB_SILENT="true", WANDB_CONSOLE="off",
                      WANDB_DISABLE_GIT="true", WANDB_PROJECT=PROJECT)
    import wandb

    entity = wandb.Api().default_entity
    out: dict = {"entity": entity}
    try:
        STAGES[name](wandb, entity, out)
    except BaseException:  # recorded: the tests that need the stage skip with this reason
        out = {"error": traceback.format_exc(limit=3)[-2000:]}
    Path(out_path).write_text(json.dumps(out, indent=1))
    os._exit(0)  # the SDK's service may hang on exit after a failed stage


if __name__ == "__main__":
    main()
