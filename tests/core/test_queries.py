"""The client's GraphQL documents: valid against W&B's reference schema (the protocol kit's
`check`) and the sandbox's, one operation per file named after it, read file by file."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import parse, validate

from wbtui.core import queries
from wbtui.sandbox.app import build_schema

QUERIES = Path(queries.__file__).parent
KIT = Path(__file__).resolve().parents[3] / "shared" / "wandb-protocol"
OPERATIONS = sorted(p.stem for p in QUERIES.glob("*.graphql") if p.stem != queries.FRAGMENTS)


@pytest.mark.skipif(not (KIT / "check").exists(), reason="the protocol kit (../shared/wandb-protocol) is absent")
def test_every_document_passes_the_protocol_kits_check():
    result = subprocess.run([sys.executable, str(KIT / "check"), "documents", str(QUERIES)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and re.search(rf"^{len(OPERATIONS)} passed, 0 failed$", result.stdout, re.M), result.stdout


def test_every_operation_is_valid_against_the_sandbox_schema_with_the_fragments_it_uses():
    schema = build_schema()
    assert len(OPERATIONS) > 40
    for name in OPERATIONS:
        document = parse(queries.document(name))
        assert [d.name.value for d in document.definitions][0] == name
        assert validate(schema, document) == [], name  # also: no fragment missing or left unused
        assert queries.is_mutation(name) == (document.definitions[0].operation.value == "mutation")


def test_a_name_that_is_no_operation_is_a_key_error():
    for name in ("NoSuchOperation", queries.FRAGMENTS, "RunFragment"):
        with pytest.raises(KeyError):
            queries.document(name)


def test_a_document_reads_only_its_own_file_and_the_fragments(monkeypatch):
    queries._file.cache_clear()
    queries.document.cache_clear()
    read = []
    original = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: read.append(self.name) or original(self, *a, **k))
    assert "fragment" in queries.document("Run")
    assert sorted(read) == ["Run.graphql", "fragments.graphql"]
