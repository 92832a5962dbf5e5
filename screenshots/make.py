"""Regenerate the SVG screenshots in this folder from the demo workspace.

    .venv/bin/python screenshots/make.py [--only NAME ...]

Builds the demo in a temporary data dir (or reuses --data-dir), walks each scene of
tests/tui/scenes.py with the keys a person would press, and saves `<scene>.svg` here, plus
the Markdown for the README (printed).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "tui"))

from scenes import SCENES, Scene, demo_app  # noqa: E402

from wbtui.sandbox import demo  # noqa: E402
from wbtui.sandbox.app import Sandbox  # noqa: E402


async def shoot(sandbox: Sandbox, scene: Scene) -> Path:
    app = demo_app(sandbox)
    async with app.run_test(size=scene.size) as pilot:
        await scene.steps(pilot)
        path = HERE / f"{scene.name}.svg"
        app.save_screenshot(filename=path.name, path=str(HERE))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="scene names")
    parser.add_argument("--data-dir", type=Path, help="a data dir to build the demo in, or reuse")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sandbox = Sandbox.open(args.data_dir or Path(tmp) / "demo", stale_after=1e9)
        demo.build(sandbox)
        for scene in SCENES:
            if not args.only or scene.name in args.only:
                path = asyncio.run(shoot(sandbox, scene))
                print(f"![{scene.caption}](screenshots/{path.name})")
        sandbox.store.close()


if __name__ == "__main__":
    main()
