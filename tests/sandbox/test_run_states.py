"""Run states as the official SDK drives them: finished, failed, crashed, preempted, resumed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from wbtui.sandbox.server import SandboxServer


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])


def _state(sandbox, run_id: str) -> dict:
    return sandbox.store.one("SELECT * FROM runs WHERE name = ?", (run_id,))


def test_finish_with_exit_code_marks_the_run_failed(run_sdk, api, project_name):
    run_sdk(f"""
        import wandb
        run = wandb.init(id="exit1", entity="admin", project={project_name!r})
        run.log({{"x": 1}})
        run.finish(exit_code=1)
    """)
    run = api.run(f"admin/{project_name}/exit1")
    assert run.state == "failed"


def test_a_script_that_raises_fails_its_run(run_sdk, api, project_name, sandbox):
    proc = run_sdk(f"""
        import wandb
        run = wandb.init(id="boom1", entity="admin", project={project_name!r})
        run.log({{"x": 1}})
        raise RuntimeError("boom")
    """, check=False)
    assert proc.returncode == 1
    assert api.run(f"admin/{project_name}/boom1").state == "failed"
    assert _state(sandbox, "boom1")["exitcode"] == 1


def test_resume_continues_history_at_the_stored_offsets(run_sdk, api, project_name):
    script = """
        import wandb
        run = wandb.init(id="res1", entity="admin", project=%r, resume="allow")
        for i in range(%d):
            run.log({"x": i})
        run.finish()
    """
    run_sdk(script % (project_name, 10))
    run_sdk(script % (project_name, 5))
    run = api.run(f"admin/{project_name}/res1")
    rows = list(run.scan_history())
    assert [r["_step"] for r in rows] == list(range(15))
    assert [r["x"] for r in rows] == list(range(10)) + list(range(5))
    assert run.state == "finished"
    assert run.lastHistoryStep == 14


@pytest.fixture(scope="module")
def quick_crash_sandbox(tmp_path_factory, wandb_dirs):
    """A sandbox that calls a run crashed after 2 s without a heartbeat."""
    with SandboxServer(tmp_path_factory.mktemp("quick"), stale_after=2) as server:
        yield server


def _killed_mid_run(server, sdk_env, tmp_path, body: str) -> str:
    """Start a logging script, wait until its run exists, SIGKILL it and its wandb-core."""
    script = tmp_path / "crash.py"
    script.write_text(f"import time, wandb\nrun = wandb.init(entity='admin', project='crash')\n"
                      f"run.log({{'x': 1}})\n{body}\nprint(run.id, flush=True)\ntime.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, str(script)], env=sdk_env(server, tmp_path),
                            cwd=tmp_path, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        run_id = proc.stdout.readline().strip()
        assert run_id, "the script did not start its run"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return run_id


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_run_whose_heartbeat_stops_becomes_crashed(quick_crash_sandbox, sdk_env, tmp_path):
    run_id = _killed_mid_run(quick_crash_sandbox, sdk_env, tmp_path, "")
    assert _wait_for(lambda: _state(quick_crash_sandbox, run_id)["state"] == "crashed")


def test_a_preempting_run_that_stops_becomes_preempted(quick_crash_sandbox, sdk_env, tmp_path):
    run_id = _killed_mid_run(quick_crash_sandbox, sdk_env, tmp_path, "run.mark_preempting()\ntime.sleep(1)")
    assert _wait_for(lambda: _state(quick_crash_sandbox, run_id)["preempting"] == 1)
    assert _wait_for(lambda: _state(quick_crash_sandbox, run_id)["state"] == "preempted")


def test_gzip_file_stream_bodies_from_the_sdk_are_stored(run_sdk, api, project_name):
    run_sdk(f"""
        import wandb
        run = wandb.init(id="gz1", entity="admin", project={project_name!r},
                         settings=wandb.Settings(x_file_stream_no_gzip=False))  # the SDK's default is no gzip
        for i in range(30):
            run.log({{"x": i}})
        run.finish()
    """)
    run = api.run(f"admin/{project_name}/gz1")
    assert [r["x"] for r in run.scan_history()] == list(range(30))


def test_stop_from_the_api_interrupts_the_script_and_kills_the_run(sdk_env, sandbox, api, project_name, tmp_path):
    script = tmp_path / "long.py"
    script.write_text(
        "import time, wandb\n"
        f"run = wandb.init(id='stop1', entity='admin', project={project_name!r},\n"
        "                 settings=wandb.Settings(x_file_stream_transmit_interval=1))\n"
        "print('started', flush=True)\n"
        # 5 minutes unless stopped, nearly all of it asleep: the SDK's interrupt must land in the
        # script, not inside run.log (where the SDK may swallow it, and it stops only once)
        "for i in range(300):\n    run.log({'x': i})\n    time.sleep(1)\n")
    # the SDK stops a script with SIGINT: a child inherits an ignored or blocked SIGINT from the
    # test process (whatever an earlier test in it did), so the child gets the default back
    inherited = signal.getsignal(signal.SIGINT), signal.pthread_sigmask(signal.SIG_BLOCK, [])
    proc = subprocess.Popen([sys.executable, str(script)], env=sdk_env(sandbox, tmp_path), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)
    try:
        assert proc.stdout.readline().strip() == "started"
        api.run(f"admin/{project_name}/stop1").stop()
        _, err = proc.communicate(timeout=180)  # wandb-core polls every few seconds; slower on a loaded machine
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"not stopped in 180 s; run {dict(_state(sandbox, 'stop1'))}; SIGINT here {inherited}\n"
                    f"{out[-2000:]}\n{err[-4000:]}")
    finally:
        proc.kill()
    assert "KeyboardInterrupt" in err
    api.flush()
    assert api.run(f"admin/{project_name}/stop1").state == "killed"
    assert _state(sandbox, "stop1")["exitcode"] == 255
