"""Snapshots of the main screens at 80x24 (the smallest terminal wbtui supports), on the demo.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the SVGs in tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest

from wbtui.sandbox.app import Sandbox

from scenes import SCENES, Scene, demo_app  # tests/tui is on sys.path (pytest's prepend mode)


@pytest.fixture(scope="module")
def demo(demo_sandbox) -> Sandbox:
    """The demo's data, served in process (the fixture's server thread is not used)."""
    return demo_sandbox.sandbox


@pytest.mark.parametrize("scene", SCENES, ids=[s.name for s in SCENES])
def test_screen(scene: Scene, demo: Sandbox, snap_compare) -> None:
    assert snap_compare(demo_app(demo), terminal_size=(80, 24), run_before=scene.steps)
