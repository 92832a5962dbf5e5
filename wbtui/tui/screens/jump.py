"""`:` — go to anything by its path or W&B URL."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...core.models import Artifact, Project, Report, Run, Sweep
from ..frames import SteadyFrames
from ..refs import Kind, Ref

EXAMPLES = ("entity/project · entity/project/runs/ID · entity/project/ID · entity/project/sweeps/ID · "
            "entity/project/reports/Title--ID · entity/project/artifacts/TYPE/NAME/v3 · https://… W&B URLs")


def ref_for_object(obj: Project | Run | Sweep | Report | Artifact) -> Ref:
    """The view to open for an object `Api.from_path` returned."""
    match obj:
        case Run():
            return Ref(Kind.RUN, obj.entity, obj.project, obj.id, label=obj.display_name or "")
        case Sweep():
            return Ref(Kind.SWEEP, obj.entity, obj.project, obj.id, label=obj.display_name or "")
        case Report():
            return Ref(Kind.REPORT, obj.entity, obj.project, obj.id, label=obj.display_name or "")
        case Artifact():
            return Ref(Kind.ARTIFACT, obj.entity, obj.project, f"{obj.collection_name}:{obj.version}",
                       parent=obj.type)
        case Project():
            return Ref(Kind.PROJECT, obj.entity, obj.name)
    raise ValueError(f"cannot show {obj!r}")


class JumpScreen(SteadyFrames, ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="jump.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("Go to a path or W&B URL"), classes="dialog-title")
            yield Input(placeholder="entity/project/runs/abc123")
            yield Static(Text(EXAMPLES, style="dim"))

    @on(Input.Submitted)
    def _go(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)
