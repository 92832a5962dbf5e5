"""The README's key table is the code's: every binding, its keys and id.

After changing a binding: `.venv/bin/python tests/tui/test_keys_doc.py` rewrites the table.
"""

from __future__ import annotations

import re
from pathlib import Path

from wbtui.tui.keys import bindings, table

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"(<!-- keys:start[^>]*-->\n)(.*?)(<!-- keys:end -->)", re.S)


def readme_table() -> str:
    match = BLOCK.search(README.read_text())
    assert match, "README.md lost its <!-- keys:start --> ... <!-- keys:end --> markers"
    return match.group(2).strip()


def test_readme_documents_every_key() -> None:
    assert readme_table() == table(), "run `.venv/bin/python tests/tui/test_keys_doc.py` to update README.md"


def test_every_binding_has_an_id_for_remapping() -> None:
    assert [f"{where}: {b.key}" for where, b in bindings() if not b.id] == []


if __name__ == "__main__":
    README.write_text(BLOCK.sub(lambda m: f"{m.group(1)}{table()}\n{m.group(3)}", README.read_text()))
