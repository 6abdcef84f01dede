"""The schema is the single source of truth: valid 2020-12, labelled for editors, complete."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema_specifications import REGISTRY

from partnerskab.schema import SCHEMA_PATH, TITLES_EN_PATH, at, resolve, schema

SKETCH = Path(__file__).resolve().parents[2] / "shared" / "design" / "agreement-shape.yaml"


def test_schema_is_draft_2020_12_without_a_made_up_id():
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # No published address yet: a placeholder $id would send tools to a site that does not exist.
    assert "$id" not in s
    Draft202012Validator.check_schema(s)


def test_schema_file_has_no_keyword_of_our_own():
    """ajv in strict mode rejects unknown keywords: the English titles live in titles.en.json.
    (tests/test_editor.py runs ajv itself; this says which keyword, without node.)"""
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    assert "x-title-en" not in text
    meta = REGISTRY.contents(Draft202012Validator.META_SCHEMA["$id"])
    vocabularies = [REGISTRY.contents(urljoin(meta["$id"], part["$ref"])) for part in meta["allOf"]]
    keywords = {key for vocabulary in vocabularies for key in vocabulary.get("properties", {})}
    unknown = {key for node in _schema_nodes(json.loads(text)) for key in node} - keywords
    assert unknown == set()


def _schema_nodes(node):
    """Every (sub)schema in `node`, not the names under properties or $defs."""
    if not isinstance(node, dict):
        return
    yield node
    for key, value in node.items():
        if key in ("properties", "$defs", "dependentSchemas"):
            for child in value.values():
                yield from _schema_nodes(child)
        elif key in ("allOf", "anyOf", "oneOf"):
            for child in value:
                yield from _schema_nodes(child)
        elif key in ("items", "not", "if", "then", "else", "additionalProperties"):
            yield from _schema_nodes(value)


def test_english_titles_point_at_titled_nodes():
    titles = json.loads(TITLES_EN_PATH.read_text(encoding="utf-8"))
    source = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    for pointer, english in titles.items():
        node = at(source, pointer)
        assert node.get("title") and english.strip(), pointer
    # schema() carries each of them, where the pointer says, and no other
    for pointer, english in titles.items():
        assert at(schema(), pointer)["x-title-en"] == english
    assert json.dumps(schema(), ensure_ascii=False).count('"x-title-en"') == len(titles)


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
