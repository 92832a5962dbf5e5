"""TensorBoard import from event files written by TensorBoard's own writer, with its progress
bar; and read-only mode, in which no write exists anywhere: keys, palette, forms."""

from __future__ import annotations

import math
import secrets
import time
from pathlib import Path

import pytest
from forms_support import (
    Recorder,
    browser,
    field_error,
    make_app,
    open_form,
    settle,
    type_into,
    until,
)

from wbtui.cli import _settings, build_parser
from wbtui.config import Settings
from wbtui.tui.commands import FormCommands, ViewCommands
from wbtui.tui.forms import FORMS
from wbtui.tui.forms.base import FormScreen
from wbtui.tui.refs import Kind, Ref


def write_events(logdir: Path, scalars: dict[str, list[tuple[int, float]]]) -> None:
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    writer = EventFileWriter(str(logdir))
    start = time.time()
    for tag, points in scalars.items():
        for step, value in points:
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)])
            writer.add_event(event_pb2.Event(step=step, wall_time=start + step, summary=summary))
    writer.close()


async def test_tensorboard_import_streams_the_scalars_with_progress(sandbox, api, tmp_path):
    pytest.importorskip("tensorboard")
    scalars = {"train": {"loss": [(s, 1.0 / (s + 1)) for s in range(1500)]},
               "eval": {"acc": [(s, s / 1500) for s in range(0, 1500, 100)]}}
    for namespace, tags in scalars.items():
        write_events(tmp_path / namespace, tags)
    project, run_id = f"tb-{secrets.token_hex(3)}", f"tb{secrets.token_hex(3)}"
    app = make_app(sandbox.url, sandbox.api_key)
    seen: list[tuple[float | None, float]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "tensorboard", entity="admin", project=project)
        await type_into(pilot, "directory", str(tmp_path))
        await type_into(pilot, "run_id", run_id)
        await settle(pilot)
        assert "2 event files found" in str(form.query_one(".form-progress-label").content)
        bar = form.query_one(".form-progress")
        original = bar.update

        def record(**kwargs):
            if {"total", "progress"} <= kwargs.keys():  # the form's calls (the bar calls update too)
                seen.append((kwargs["total"], kwargs["progress"]))
            return original(**kwargs)

        bar.update = record
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, FormScreen), timeout=60)
        await settle(pilot)
        assert app.screen.current == Ref(Kind.RUN, "admin", project, run_id)
    assert seen[0] == (None, 0)  # indeterminate while the files are read
    assert seen[-1] == (1500, 1500) and len(seen) == 3  # then one step per 1,000-row chunk
    rows = list(api.run(f"admin/{project}/{run_id}").scan_history())
    assert [r["global_step"] for r in rows] == list(range(1500))
    for row in rows:
        step = row["global_step"]
        assert math.isclose(row["train/loss"], 1.0 / (step + 1), rel_tol=1e-6)
        if step % 100 == 0:
            assert math.isclose(row["eval/acc"], step / 1500, rel_tol=1e-6, abs_tol=1e-9)
        else:
            assert "eval/acc" not in row or row["eval/acc"] is None


async def test_tensorboard_import_refuses_a_directory_without_event_files(sandbox, tmp_path):
    (tmp_path / "notes.txt").write_text("no events here")
    recorder = Recorder()
    app = make_app(sandbox.url, sandbox.api_key, transport=recorder)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot, "tensorboard", entity="admin", project="p")
        await type_into(pilot, "directory", str(tmp_path))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "no TensorBoard event files" in field_error(form, "directory")
    assert recorder.writes == []


WRITE_ACTIONS = {"new", "edit_queue", "form"}


async def test_read_only_mode_has_no_write_anywhere(sandbox):
    app = make_app(sandbox.url, sandbox.api_key, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await browser(pilot)
        assert "read-only" in app.sub_title
        for ref in (Ref(Kind.ENTITY, "admin"), Ref(Kind.QUEUES, "admin"), Ref(Kind.USERS)):
            screen.open(ref)
            await pilot.pause()
            actions = {b.binding.action for b in screen.active_bindings.values()}
            assert not actions & WRITE_ACTIONS, ref
            await pilot.press("n", "e")
            await pilot.pause()
            assert not isinstance(app.screen, FormScreen)
            view_commands = [label for label, _, _ in ViewCommands(screen)._commands()]
            assert not [label for label in view_commands if "New" in label or "Edit" in label]
            assert FormCommands(screen)._forms() == []
        for name in FORMS:  # however a form is asked for, none opens
            screen.open_form(name, name="q")
            await pilot.pause()
            assert not isinstance(app.screen, FormScreen)
        app.push_screen(FORMS["project"].make(entity="admin"))
        await pilot.pause(0.3)
        assert not isinstance(app.screen, FormScreen)


async def test_without_read_only_the_writes_are_offered(sandbox):
    app = make_app(sandbox.url, sandbox.api_key)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await browser(pilot)
        screen.open(Ref(Kind.ENTITY, "admin"))
        await pilot.pause()
        assert "new" in {b.binding.action for b in screen.active_bindings.values()}
        labels = [label for label, _ in FormCommands(screen)._forms()]
        assert "New project…" in labels and "Edit launch queue…" not in labels
        await pilot.press("n")
        await until(pilot, lambda: app.screen is not screen)
        assert "New project…" in app.screen.options and "New team…" in app.screen.options  # admins


def test_read_only_comes_from_the_flag_the_environment_and_the_config_file(monkeypatch, tmp_path):
    monkeypatch.setenv("WBTUI_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("WBTUI_READ_ONLY", raising=False)
    assert _settings(build_parser().parse_args(["--read-only"])).read_only is True
    assert _settings(build_parser().parse_args([])).read_only is False
    monkeypatch.setenv("WBTUI_READ_ONLY", "1")
    assert Settings.load().read_only is True
    monkeypatch.delenv("WBTUI_READ_ONLY")
    (tmp_path / "config.toml").write_text("read_only = true\n")
    assert Settings.load().read_only is True
