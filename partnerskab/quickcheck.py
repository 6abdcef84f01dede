"""A quick «valid» for an agreement that meets the schema, without importing jsonschema.

Importing jsonschema costs about 60 ms, more than a third of `validate`'s time for one file,
and the pre-commit hook pays it on every commit. Most agreements that are checked are valid,
and then jsonschema's only answer is «no errors». So check.py asks this module first:

- `certainly_valid(data, schema)` is True only when the schema, read with Draft 2020-12's
  rules as jsonschema reads them, accepts the data.
- Whenever it is not sure it says False: a keyword it does not know (the schema may grow),
  a comparison it would have to guess at, or a value that fails. Then jsonschema checks the
  data as before and gives its errors; the messages never come from here.

So this module can make a check faster but never more lenient. tests/test_quickcheck.py
compares it with jsonschema on every example, every fixture and generated variants.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re


class _Unsure(Exception):
    """This module cannot say for certain; jsonschema decides."""


# Keywords that only describe (2020-12 annotations): they never make data invalid.
ANNOTATIONS = frozenset(
    {"title", "description", "x-title-en", "default", "examples", "$comment", "$schema", "$id"}
    | {"contentMediaType", "contentEncoding", "deprecated", "readOnly", "writeOnly"}
)
DATE_FORM = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # jsonschema's, with date.fromisoformat


def certainly_valid(data, schema) -> bool:
    try:
        return _valid(data, schema)
    except _Unsure:
        return False


def _is_type(value, kind: str) -> bool:
    """jsonschema's Draft 2020-12 type checker."""
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, numbers.Number)
    raise _Unsure


def _equal(one, two) -> bool:
    """Equality as jsonschema sees it, where that is plain: strings, and numbers, booleans
    and null of the same type. Anything else (1 against 1.0, lists, mappings) is unsure."""
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    simple = (bool, int, float, type(None))
    if type(one) in simple and type(one) is type(two):
        return one == two
    raise _Unsure


def _format(value, name: str) -> bool:
    if not isinstance(value, str):
        return True
    if name == "date":
        if not DATE_FORM.fullmatch(value):
            return False
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if name == "email":
        return "@" in value
    raise _Unsure


_COMPARE = {
    "minimum": lambda value, limit: value >= limit,
    "maximum": lambda value, limit: value <= limit,
    "exclusiveMinimum": lambda value, limit: value > limit,
    "exclusiveMaximum": lambda value, limit: value < limit,
}


def _valid(value, schema) -> bool:
    if schema is True:
        return True
    if schema is False:
        return False
    if not isinstance(schema, dict):
        raise _Unsure
    is_object, is_array, is_string = isinstance(value, dict), isinstance(value, list), isinstance(value, str)
    is_number = isinstance(value, numbers.Number) and not isinstance(value, bool)
    for keyword, rule in schema.items():
        if keyword in ANNOTATIONS:
            continue
        if keyword == "type":
            kinds = [rule] if isinstance(rule, str) else rule
            if not any(_is_type(value, kind) for kind in kinds):
                return False
        elif keyword == "properties":
            if is_object and not all(_valid(value[k], sub) for k, sub in rule.items() if k in value):
                return False
        elif keyword == "additionalProperties":
            if not is_object:
                continue
            if "patternProperties" in schema:
                raise _Unsure
            extras = [k for k in value if k not in schema.get("properties", {})]
            if not all(_valid(value[k], rule) for k in extras):
                return False
        elif keyword == "required":
            if is_object and not all(k in value for k in rule):
                return False
        elif keyword == "dependentRequired":
            if is_object and not all(k in value for key, ks in rule.items() if key in value for k in ks):
                return False
        elif keyword == "items":
            if "prefixItems" in schema:
                raise _Unsure
            if is_array and not all(_valid(item, rule) for item in value):
                return False
        elif keyword in ("minItems", "maxItems"):
            if is_array and not (len(value) >= rule if keyword == "minItems" else len(value) <= rule):
                return False
        elif keyword == "uniqueItems":
            if is_array and rule:
                if not all(isinstance(item, str) for item in value):
                    raise _Unsure
                if len(set(value)) != len(value):
                    return False
        elif keyword in ("minLength", "maxLength"):
            if is_string and not (len(value) >= rule if keyword == "minLength" else len(value) <= rule):
                return False
        elif keyword == "pattern":
            if is_string and not re.search(rule, value):
                return False
        elif keyword == "format":
            if not _format(value, rule):
                return False
        elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if not is_number:
                continue
            if not _COMPARE[keyword](value, rule):
                return False
        elif keyword == "enum":
            if not any(_equal(value, each) for each in rule):
                return False
        elif keyword == "const":
            if not _equal(value, rule):
                return False
        elif keyword == "allOf":
            if not all(_valid(value, sub) for sub in rule):
                return False
        elif keyword == "anyOf":
            if not any(_valid(value, sub) for sub in rule):
                return False
        elif keyword == "not":
            if _valid(value, rule):
                return False
        elif keyword == "if":
            branch = schema.get("then" if _valid(value, rule) else "else", True)
            if not _valid(value, branch):
                return False
        elif keyword in ("then", "else"):
            continue  # read with "if"
        else:  # a keyword this module does not know: jsonschema decides
            raise _Unsure
    return True
