"""The schema is the single source of truth: valid 2020-12, labelled for editors, complete."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from partnerskab.schema import resolve, schema

SKETCH = Path(__file__).resolve().parents[2] / "shared" / "design" / "agreement-shape.yaml"


def test_schema_is_draft_2020_12_with_id():
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].startswith("https://")
    Draft202012Validator.check_schema(s)


def _properties(node, path=()):
    node_resolved = resolve(node)
    for key, child in node_resolved.get("properties", {}).items():
        yield path + (key,), child
        yield from _properties(child, path + (key,))
    items = node_resolved.get("items")
    if isinstance(items, dict):
        yield from _properties(items, path + (0,))


def test_every_property_has_danish_title_description_and_english_title():
    missing = [
        ".".join(map(str, path))
        for path, node in _properties(schema())
        if not (node.get("title") and node.get("description") and node.get("x-title-en"))
    ]
    assert missing == []


def test_unknown_keys_are_rejected_everywhere():
    open_objects = [
        ".".join(map(str, path))
        for path, node in _properties(schema())
        if resolve(node).get("type") == "object" and resolve(node).get("additionalProperties") is not False
    ]
    assert schema()["additionalProperties"] is False
    assert open_objects == []


KEY_ELEMENTS = [
    "partners",
    "purpose",
    "roles",
    "economy",
    "organisation",
    "resources",
    "duration",
    "values",
    "changes",
    "signatures",
]


@pytest.mark.parametrize("name", KEY_ELEMENTS + ["activities", "communication", "anchoring"])
def test_each_element_of_the_guidance_has_a_section(name):
    assert name in schema()["properties"]


def test_sketch_top_level_names_are_kept():
    if not SKETCH.exists():
        pytest.skip("shared/design is not beside this checkout")
    sketch = yaml.safe_load(SKETCH.read_text(encoding="utf-8"))
    assert set(sketch) <= set(schema()["properties"])


def test_optional_elements_are_the_optional_ones():
    required = set(schema()["required"])
    assert {"values", "changes", "language"}.isdisjoint(required)
    assert {
        "partners",
        "purpose",
        "roles",
        "economy",
        "organisation",
        "resources",
        "duration",
        "signatures",
    } <= required
