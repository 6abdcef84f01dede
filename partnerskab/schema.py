"""The JSON Schema: the single source of truth for an agreement's structure and its labels."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

SCHEMA_NAME = "partnership-agreement.schema.json"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / SCHEMA_NAME


@cache
def schema() -> dict:
    """The schema from the checkout, or, when installed elsewhere, from the package."""
    if SCHEMA_PATH.exists():
        return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    packaged = resources.files("partnerskab.schema_files") / SCHEMA_NAME
    return json.loads(packaged.read_text(encoding="utf-8"))


@cache
def inlined() -> dict:
    """The schema with its local $refs written out in place (and $defs dropped)."""
    return inline_refs(schema())


@cache
def validator():
    """A validator for the schema with its local $refs written out in place: the same rules,
    without a reference lookup for every value (validation is twice as fast)."""
    from jsonschema import Draft202012Validator  # only where agreements are checked

    return Draft202012Validator(inlined(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def inline_refs(node):
    if isinstance(node, dict):
        node = resolve(node) if "$ref" in node else node
        return {key: inline_refs(value) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [inline_refs(value) for value in node]
    return node


def resolve(node: dict, root: dict | None = None) -> dict:
    """A subschema with its local `$ref` merged in; the node's own keywords win. References are
    looked up in `root`, by default the project's schema."""
    while "$ref" in node:
        target = root if root is not None else schema()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def node_at(path) -> dict | None:
    """The (resolved) subschema that describes the value at a JSON path."""
    node = resolve(schema())
    for part in path:
        if isinstance(part, int):
            node = node.get("items")
        else:
            node = node.get("properties", {}).get(part)
        if node is None:
            return None
        node = resolve(node)
    return node


def title(path, lang: str = "da") -> str:
    """The name of the element at `path`, as a heading or a message names it."""
    node = node_at(path) or {}
    if lang == "en":
        return node.get("x-title-en") or node.get("title", "")
    return node.get("title", "")
