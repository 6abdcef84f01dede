"""docs/schema.md is generated from the schema: it is up to date, complete and in the schema's order."""

from __future__ import annotations

import copy
import importlib.util
import re
import subprocess
import sys

import pytest

from partnerskab.schema import resolve, schema

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("schema_docs", ROOT / "tools" / "schema_docs.py")
schema_docs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(schema_docs)

DOC = ROOT / "docs" / "schema.md"
ROW = re.compile(r"^\| `(?P<path>[^`]+)` \|", re.MULTILINE)


def _paths(node, path=""):
    """Every property path in the schema, in the schema's order, with `[]` for list items."""
    node = resolve(node)
    for key, child in node.get("properties", {}).items():
        yield f"{path}.{key}" if path else key
        yield from _paths(child, f"{path}.{key}" if path else key)
    if isinstance(node.get("items"), dict):
        yield from _paths(node["items"], path + "[]")


def test_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == schema_docs.render(schema()), (
        "docs/schema.md passer ikke til skemaet; kør `make docs`."
    )


def test_check_command_passes_on_the_committed_doc():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "schema_docs.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_check_fails_with_one_danish_line_when_the_doc_is_stale(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "schema.md"
    stale.write_text(DOC.read_text(encoding="utf-8").replace("Startdato", "Begyndelse"), encoding="utf-8")
    monkeypatch.setattr(schema_docs, "DOC", stale)
    assert schema_docs.main(["--check"]) == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1 and "make docs" in message


def test_every_property_appears_once_in_schema_order():
    assert ROW.findall(DOC.read_text(encoding="utf-8")) == list(_paths(schema()))


def test_a_changed_schema_gives_a_different_doc():
    changed = copy.deepcopy(schema())
    changed["properties"]["duration"]["properties"]["end"]["title"] = "Sidste dag"
    changed["$defs"]["amount"]["minimum"] = 1  # reached only through $ref: the doc follows the given schema
    original = schema_docs.render(schema())
    doc = schema_docs.render(changed)
    assert doc != original
    when = "ja, når aftalen ikke løber, indtil den opsiges"
    assert f"| `duration.end` | dato (ÅÅÅÅ-MM-DD) | {when} | **Sidste dag.**" in doc
    assert "fx 180000. Fra 1 til og med 1.000.000.000.000." in doc
    assert "fx 180000. Fra 0 til og med 1.000.000.000.000." in original


def test_output_is_deterministic_and_ends_with_one_newline():
    doc = schema_docs.render(schema())
    assert doc == schema_docs.render(copy.deepcopy(schema()))
    assert doc.endswith("\n") and not doc.endswith("\n\n")


def test_pipes_are_escaped_so_every_row_keeps_four_cells():
    changed = copy.deepcopy(schema())
    changed["properties"]["status"]["description"] = "udkast | underskrevet"
    changed["properties"]["status"]["enum"] = ["a|b", "c"]
    changed["properties"]["duration"]["properties"]["start"]["description"] = "start | slut"
    doc = schema_docs.render(changed)
    assert "| `status` | en af: `a\\|b`, `c` | ja |" in doc
    rows = [line for line in doc.splitlines() if line.startswith("| ")]
    assert {len(re.split(r"(?<!\\)\|", row)) for row in rows} == {6}


def test_markdown_fields_are_marked():
    doc = schema_docs.render(schema())
    assert "| `purpose.vision` | tekst med formatering | ja |" in doc
    assert "| `purpose.goals[].text` | tekst | ja |" in doc


def test_a_keyword_the_doc_cannot_describe_stops_the_generator():
    changed = copy.deepcopy(schema())
    changed["properties"]["duration"]["minProperties"] = 2
    with pytest.raises(ValueError, match="duration: .*minProperties"):
        schema_docs.render(changed)
