"""The JSON Schema: the single source of truth for an agreement's structure and its labels.

Three files in schema/, all read here:
- partnership-agreement.schema.json: the structure, with Danish titles and descriptions. Plain
  JSON Schema 2020-12 with no keyword of our own, so every validator accepts it (ajv in strict mode
  too).
- titles.en.json: the English titles, keyed by JSON pointer into that schema. `schema()` puts
  them back in as `x-title-en`, so the code reads one tree and English messages name elements.
- partnership-agreement.editor.schema.json: written from the two by `make docs` (`editor_schema()`)
  for editors: yaml-language-server (VS Code's YAML extension) shows a `$ref`'d target's title
  instead of the field's own and cannot complete such a field, so in this copy every `$ref` is
  written out in place, and each titled node says in Danish what it expects (`errorMessage`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path

from .messages import EDITOR

SCHEMA_NAME = "partnership-agreement.schema.json"
TITLES_EN_NAME = "titles.en.json"
EDITOR_SCHEMA_NAME = "partnership-agreement.editor.schema.json"
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
SCHEMA_PATH = SCHEMA_DIR / SCHEMA_NAME
TITLES_EN_PATH = SCHEMA_DIR / TITLES_EN_NAME
EDITOR_SCHEMA_PATH = SCHEMA_DIR / EDITOR_SCHEMA_NAME


def _read(name: str) -> dict:
    """A file from schema/ in the checkout, or, when installed elsewhere, from the package."""
    path = SCHEMA_DIR / name
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return json.loads((resources.files("partnerskab.schema_files") / name).read_text(encoding="utf-8"))


@cache
def schema() -> dict:
    """The schema, with each English title from titles.en.json as `x-title-en` on its node."""
    return with_english_titles(_read(SCHEMA_NAME), _read(TITLES_EN_NAME))


def with_english_titles(source: dict, titles: dict[str, str]) -> dict:
    for pointer, title in titles.items():
        at(source, pointer)["x-title-en"] = title
    return source


def at(root, pointer: str):
    """The node at a JSON pointer (RFC 6901), e.g. /properties/duration/properties/start."""
    node = root
    for part in pointer.split("/")[1:] if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


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


def inline_refs(node, root: dict | None = None):
    """`node` with its local $refs written out in place (the node's own keywords win) and $defs
    dropped. References are looked up in `root`, by default the project's schema."""
    if isinstance(node, dict):
        node = resolve(node, root) if "$ref" in node else node
        return {key: inline_refs(value, root) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [inline_refs(value, root) for value in node]
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


def enum_meanings(path) -> dict[str, str]:
    """What each allowed value of the field at `path` means, in Danish, as its description says
    it: «public (offentlig), civil_society (civilsamfund) eller private (privat)»."""
    node = node_at(path) or {}
    description = node.get("description", "")
    meanings = {}
    for value in node.get("enum", []):
        found = re.search(rf"(?<![\w-]){re.escape(str(value))} \(([^)]+)\)", description)
        if found:
            meanings[str(value)] = found.group(1)
    return meanings


def title(path, lang: str = "da") -> str:
    """The name of the element at `path`, as a heading or a message names it."""
    node = node_at(path) or {}
    if lang == "en":
        return node.get("x-title-en") or node.get("title", "")
    return node.get("title", "")


def editor_schema() -> dict:
    """The schema for editors: every `$ref` written out in place, so that each field keeps its
    own title and description; no `x-title-en`; a Danish `errorMessage` on each titled node and
    on each if/then rule that says in words when it applies. It validates exactly what the schema
    does (an `errorMessage` only changes the message)."""
    source = _read(SCHEMA_NAME)
    clean = inline_refs(source, source)
    return {
        "$schema": clean["$schema"],
        "$comment": (
            f"Dannet af `make docs` ud fra {SCHEMA_NAME}; ret ikke i hånden. "
            "Til editorer (yaml-language-server): hver $ref er skrevet ud."
        ),
        **{key: value for key, value in _with_messages(clean).items() if key != "$schema"},
    }


def editor_schema_text() -> str:
    """The editor schema as it is written to schema/ (and by `--write-schema`)."""
    return json.dumps(editor_schema(), ensure_ascii=False, indent=2) + "\n"


def _names(keys) -> str:
    keys = [f"«{key}»" for key in keys]
    return ", ".join(keys[:-1]) + " og " + keys[-1] if len(keys) > 1 else "".join(keys)


def _with_messages(node, title: str = ""):
    """`node` and everything in it, with a Danish errorMessage wherever a title names the node."""
    if isinstance(node, list):
        return [_with_messages(value, title) for value in node]
    if not isinstance(node, dict):
        return node
    title = node.get("title", title)
    out = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: _with_messages(child) for name, child in value.items()}
        elif key == "allOf":
            out[key] = [_rule(rule, title) for rule in value]
        elif key == "items":
            out[key] = _with_messages(value)
        else:  # the branches of an if/then rule stay as they are: `_rule` gives them their messages
            out[key] = value
    if "title" in node:
        out["errorMessage"] = _message(node)
    return out


def _message(node: dict) -> str:
    words = EDITOR
    if node.get("type") != "object":
        return words["value"].format(title=node["title"], description=node.get("description", ""))
    required, allowed = node.get("required", []), list(node.get("properties", {}))
    if not required:
        return words["object_nothing_required"].format(title=node["title"], allowed=_names(allowed))
    key = "object" if node.get("additionalProperties") is False else "object_open"
    return words[key].format(title=node["title"], required=_names(required), allowed=_names(allowed))


def _rule(rule: dict, title: str) -> dict:
    """An if/then(/else) rule with a message on each branch that requires fields, from the
    rule's own `description` (and the `else` branch's). Those descriptions say when the rule
    applies, for docs/schema.md; an editor would show them as the field's hover text, so here
    they become `$comment`s."""
    conditions = {"then": rule.get("description"), "else": rule.get("else", {}).get("description")}
    rule = _comment(rule)
    for branch, condition in conditions.items():
        if branch in rule:
            rule[branch] = _comment(rule[branch])
        if condition and rule.get(branch, {}).get("required"):
            message = EDITOR["rule"].format(
                title=title, required=_names(rule[branch]["required"]), condition=condition
            )
            rule[branch] = {**rule[branch], "errorMessage": message}
    return rule


def _comment(node: dict) -> dict:
    return {("$comment" if key == "description" else key): value for key, value in node.items()}
