"""Forms for every write the public API offers, and which of them fit where.

`FORMS` names each form; `forms_for(ref, admin)` lists those that fit a view (the `n` key);
`prefill(ref)` gives a form the names the view already knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..refs import Kind, Ref

if TYPE_CHECKING:
    from .base import Created, FormScreen

PROJECT_KINDS = frozenset({Kind.PROJECT, Kind.RUNS, Kind.RUN, Kind.ARTIFACTS, Kind.ARTIFACT_TYPE, Kind.COLLECTION,
                           Kind.ARTIFACT, Kind.REPORTS, Kind.REPORT, Kind.SWEEPS, Kind.SWEEP, Kind.JOBS, Kind.JOB})


@dataclass(frozen=True)
class FormSpec:
    name: str
    label: str
    screen: str  # "module:Class" in this package, imported when the form opens: start-up stays light
    kinds: frozenset[Kind]  # views where `n` offers it
    admin: bool = False  # offered to instance admins only
    needs_queue: bool = False  # edits the queue the view shows

    def make(self, **values: Any) -> FormScreen:
        module, _, name = self.screen.partition(":")
        return getattr(import_module(f".{module}", __name__), name)(**values)

    def fits(self, ref: Ref | None, admin: bool) -> bool:
        return (admin or not self.admin) and ref is not None and ref.kind in self.kinds


FORMS: dict[str, FormSpec] = {spec.name: spec for spec in [
    FormSpec("project", "New project…", "project:ProjectForm", frozenset({Kind.ENTITY})),
    FormSpec("queue", "New launch queue…", "queue:QueueForm", frozenset({Kind.ENTITY, Kind.QUEUES, Kind.QUEUE})),
    FormSpec("team", "New team…", "team:TeamForm", frozenset({Kind.ENTITY, Kind.TEAM}), admin=True),
    FormSpec("user", "New user…", "user:UserForm", frozenset({Kind.USERS}), admin=True),
    FormSpec("run", "New run…", "run:RunForm", PROJECT_KINDS),
    FormSpec("tensorboard", "Import TensorBoard logs…", "tensorboard:TensorBoardForm", PROJECT_KINDS),
    FormSpec("edit-queue", "Edit launch queue…", "queue:EditQueueForm", frozenset({Kind.QUEUE}), needs_queue=True),
]}


def forms_for(ref: Ref | None, admin: bool) -> list[FormSpec]:
    return [spec for spec in FORMS.values() if spec.fits(ref, admin) and not spec.needs_queue]


def prefill(ref: Ref | None, form: str) -> dict[str, str]:
    """The names a view already knows, as the form's field values."""
    if ref is None:
        return {}
    values = {"entity": ref.entity, "project": ref.project}
    if FORMS[form].needs_queue and ref.kind is Kind.QUEUE:
        values["name"] = ref.name
    return {k: v for k, v in values.items() if v}


def __getattr__(name: str) -> Any:
    if name in ("Created", "FormScreen"):  # from .base, imported on first use (see FormSpec.screen)
        return getattr(import_module(".base", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["FORMS", "Created", "FormScreen", "FormSpec", "forms_for", "prefill"]
