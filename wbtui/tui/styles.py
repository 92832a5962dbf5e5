"""The TCSS files: `app.tcss` loads with the app, `forms.tcss` with the first form or question
(parsing it costs every start-up 7 ms otherwise)."""

from __future__ import annotations

from pathlib import Path


def styles_dir() -> Path:
    """`wbtui/styles` in an installed wheel, the repository's `styles/` in a checkout."""
    here = Path(__file__).resolve().parent.parent
    installed = here / "styles"
    return installed if installed.is_dir() else here.parent / "styles"


APP = styles_dir() / "app.tcss"
FORMS = styles_dir() / "forms.tcss"
