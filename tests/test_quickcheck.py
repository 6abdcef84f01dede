"""quickcheck.py may say «valid» only when jsonschema agrees: compared on every example and on
thousands of damaged variants of them (hypothesis), and it must say «valid» for the examples,
or the fast path is never used."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerskab import schema as schema_module
from partnerskab.load import load
from partnerskab.quickcheck import certainly_valid

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "agreements").glob("*.yaml"))
DATA = [load(str(p)).data for p in EXAMPLES]


def jsonschema_valid(data) -> bool:
    return not any(True for _ in schema_module.validator().iter_errors(data))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_examples_take_the_fast_path(path):
    data = load(str(path)).data
    assert certainly_valid(data, schema_module.inlined())
    assert jsonschema_valid(data)


def _paths(node, at=()):
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*at, index))


REPLACEMENTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10**7),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from([250.0, 1.5, 0, -1, 1, True, 1.0]),
    st.text(max_size=12),
    st.sampled_from(["", " ", "2026-02-30", "2026-1-01", "２０２６-01-01", "a@b", "ab", "x" * 3000]),
    st.sampled_from(["draft", "signed", "ended", "da", "en", "municipality", "association"]),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@st.composite
def damaged(draw):
    data = copy.deepcopy(draw(st.sampled_from(DATA)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
        if action == "replace":
            parent[path[-1]] = draw(REPLACEMENTS)
        elif action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "notes", "x-y", path[-1] + "_"]))] = draw(REPLACEMENTS)
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    return data


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_quick_valid_only_when_jsonschema_agrees(data):
    if certainly_valid(data, schema_module.inlined()):
        assert jsonschema_valid(data)


def test_unknown_keywords_and_unsure_comparisons_defer_to_jsonschema():
    assert not certainly_valid("x", {"type": "string", "x-new-rule": 1})
    assert not certainly_valid(1.0, {"enum": [1]})  # jsonschema: equal; here unsure
    assert not certainly_valid([{"a": 1}], {"uniqueItems": True})
    assert not certainly_valid("x", {"not": {"format": "uri"}})  # unsure inside `not`: not «valid»
    assert certainly_valid("2026-02-28", {"type": "string", "format": "date"})
    assert not certainly_valid("2026-02-30", {"format": "date"})
    assert certainly_valid(250.0, {"type": "integer", "minimum": 0})  # as jsonschema: 250.0 is an integer
    assert not certainly_valid(True, {"type": "integer"})
