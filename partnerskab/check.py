"""Check a loaded agreement against the JSON Schema and turn each error into a Problem
that names the element in words and points at its line and column."""

from __future__ import annotations

import difflib
import math
import re

from . import schema as schema_module
from .i18n import Formats, language, plural
from .load import Source, strings
from .messages import PATTERN_KINDS, RULES, SCHEMA, json_type, shown
from .money import AMOUNT_FIELDS
from .problems import Problem, dotted
from .quickcheck import DATE_FORM, certainly_valid

# The schema's form of a partner's id, as messages.PATTERN_KINDS knows it.
PARTNER_ID = re.compile(next(p for p, kind in PATTERN_KINDS.items() if kind == "partner_id"))

CODES = {
    "required": "PA010",
    "additionalProperties": "PA011",
    "type": "PA012",
    "format": "PA013",
    "enum": "PA014",
    "const": "PA014",
    "minItems": "PA015",
    "pattern": "PA016",
    "minimum": "PA017",
    "maximum": "PA017",
    "maxItems": "PA015",
    "maxLength": "PA016",
    "dependentRequired": "PA010",
    "exclusiveMinimum": "PA017",
    "uniqueItems": "PA018",
}


def label(path, lang: str) -> str:
    """A human name for the node at `path`: its title, with the item number for list items."""
    path = tuple(path)
    if not path:
        return "Aftalen" if lang == "da" else "The agreement"
    if isinstance(path[-1], int):
        node = schema_module.node_at(path[:-1]) or {}
        own = (node.get("items") or {}) if "title" in (node.get("items") or {}) else {}
        name = (own.get("x-title-en") if lang == "en" else None) or own.get("title")
        name = name or schema_module.title(path[:-1], lang)
        return SCHEMA[lang]["item"].format(title=name, number=path[-1] + 1)
    return schema_module.title(path, lang) or str(path[-1])


PLACEHOLDER = "UDFYLD"


def placeholders(value):
    """Paths of the «UDFYLD ...» texts that `build.py new` puts where something must be written."""
    return (path for path, text in strings(value) if text.lstrip().startswith(PLACEHOLDER))


def check_schema(source: Source) -> list[Problem]:
    data, lang = source.data, language(source.data)
    words = SCHEMA[lang]
    unfilled = list(placeholders(data))
    problems: list[Problem] = [
        Problem(
            source.path,
            *source.position(path),
            "PA020",
            words["placeholder"].format(title=label(path, lang), path=dotted(path)),
            json_path=dotted(path),
        )
        for path in unfilled
    ]
    seen: set[tuple] = set(unfilled)

    def add(at, kind, position, **params):
        code = CODES.get(kind, "PA019")
        message = words[params.pop("template", kind)].format(**params)
        problems.append(Problem(source.path, *position, code, message, json_path=dotted(at)))

    # A valid agreement needs no jsonschema (quickcheck.py); jsonschema finds and explains errors.
    valid = certainly_valid(data, schema_module.inlined())
    for error in [] if valid else schema_module.validator().iter_errors(data):
        path = tuple(error.absolute_path)
        if path in seen:  # a placeholder: reported as not filled in, not as a wrong value
            continue
        kind = error.validator
        value = error.instance
        where = source.position(path)
        typed = source.numbers_as_typed.get(path, value)  # a decimal number as it was written
        common = {"title": label(path, lang), "path": dotted(path), "value": shown(typed)}
        if kind in ("required", "additionalProperties"):
            if (kind, path) in seen:
                continue
            seen.add((kind, path))
        if kind == "required":
            for name in error.validator_value:
                if name in value:
                    continue
                child = path + (name,)
                template = "missing" if path else "missing_top"
                add(
                    child,
                    kind,
                    where,
                    template=template,
                    parent=label(path, lang),
                    child=label(child, lang),
                    path=dotted(child),
                )
        elif kind == "dependentRequired":
            for name, needed in error.validator_value.items():
                for other in needed:
                    if name not in value or other in value or (kind, path, other) in seen:
                        continue
                    seen.add((kind, path, other))
                    child = path + (other,)
                    add(
                        child,
                        kind,
                        where,
                        template="missing_with",
                        parent=label(path, lang),
                        child=label(child, lang),
                        given=label(path + (name,), lang),
                        path=dotted(child),
                    )
        elif kind == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            for key in value:
                if key in allowed:
                    continue
                if "\u00a0" in key:  # a no-break space before a field: YAML reads it as part of the name
                    params = {"template": "unknown_nbsp", "key": key.replace("\u00a0", " ").strip()}
                else:
                    guess = difflib.get_close_matches(key, allowed, n=1)
                    hint = (
                        words["unknown_hint"].format(guess=guess[0])
                        if guess
                        else words["unknown_allowed"].format(allowed=", ".join(allowed))
                    )
                    params = {"template": "unknown", "key": key, "parent": label(path, lang), "hint": hint}
                add(path + (key,), kind, source.key_position(path + (key,)), **params)
        elif kind == "type":
            expected = error.validator_value
            if expected == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
                add(path, kind, where, template="type_quote", **common)
            elif expected == "integer" and isinstance(value, float) and path in source.numbers_as_typed:
                typed = source.numbers_as_typed[path]  # 120.500 is the number 120.5 to YAML
                add(path, kind, where, **_decimal_number(path, typed, value, lang))
            elif expected == "integer" and isinstance(value, str) and (digits := _whole_kroner(value)):
                add(path, kind, where, template="amount_text", typed=value.strip(), digits=digits, **common)
            elif (
                path in source.quoted
                and isinstance(value, str)
                and (_PLAIN_NUMBER if expected == "number" else _PLAIN_WHOLE).match(value)
            ):  # "250000": a number in the template's quotes, which make it a text
                add(path, kind, where, template="unquote", typed=shown(value.strip()), **common)
            elif expected == "number" and isinstance(value, str) and _DECIMAL_COMMA.match(value.strip()):
                fixed = value.strip().replace(",", ".")
                add(path, kind, where, template="decimal_comma", typed=value.strip(), fixed=fixed, **common)
            elif expected == "object" and (fields := _fields_of(path)):  # «logo: ../logos/x.png»
                add(
                    path,
                    kind,
                    where,
                    template="type_object",
                    fields=fields,
                    actual=words["words"][json_type(value)],
                    **common,
                )
            else:
                add(
                    path,
                    kind,
                    where,
                    expected=words["words"][expected],
                    actual=words["words"][json_type(value)],
                    **common,
                )
        elif kind == "format":
            template = "date" if error.validator_value == "date" else "email"
            if template == "date" and isinstance(value, str) and DATE_FORM.fullmatch(value.strip()):
                template = "no_such_date"  # 2027-02-30: the right form, but no such day
            add(path, kind, where, template=template, **common)
        elif kind == "enum":
            add(path, kind, where, **_enum_params(path, error.validator_value, value, lang), **common)
        elif kind == "const":
            add(path, kind, where, allowed=str(error.validator_value), **common)
        elif kind in ("minItems", "maxItems", "maxLength"):
            template = {"minItems": "min_items", "maxItems": "max_items", "maxLength": "max_length"}[kind]
            count = len(value)
            are = plural(count, {"one": "is", "other": "are"}, "en_GB")
            add(
                path,
                kind,
                where,
                template=template,
                limit=Formats(lang).quantity(error.validator_value),
                count=Formats(lang).quantity(count),
                are=are,
                **common,
            )
        elif kind == "pattern":
            template = PATTERN_KINDS.get(error.validator_value, "pattern")
            if template == "partner_id" and path[-1] != "id" and isinstance(value, str):
                template, common = "partner_ref", {**common, "hint": _partner_hint(data, value, lang)}
            add(path, kind, where, template=template, **common)
        elif kind in ("minimum", "maximum", "exclusiveMinimum"):
            template = {"exclusiveMinimum": "exclusive_minimum"}.get(kind, kind)
            add(
                path,
                kind,
                where,
                template=template,
                limit=Formats(lang).quantity(error.validator_value),
                **common,
            )
        elif kind == "uniqueItems":
            add(path, kind, where, template="unique", **common)
        else:
            add(path, kind, where, template="other", detail=error.message, **common)
    # YAML reads `250.000` as 250.0, which a JSON Schema "integer" accepts, so a Danish thousands
    # separator in a whole-number field is caught here, at its line.
    for path, typed in source.numbers_as_typed.items():
        if path in seen or not _whole_number_field(path):
            continue
        value = _get(data, path)
        if isinstance(value, float) and value.is_integer():  # others already failed "type"
            add(path, "type", source.position(path), **_decimal_number(path, typed, value, lang))
    return problems


# 250.000 or 1.500.000: whole kroner written with Danish thousands separators.
_THOUSANDS_DOTS = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{3})+$")


def _decimal_number(path: tuple, typed: str, value: float, lang: str) -> dict:
    """The message for a whole-number field that YAML read as a decimal number: when it is
    an amount written with thousands separators, say what to write instead."""
    # 250 or 120,5: the number YAML read (1e400 is read as infinity: then what was typed)
    number = Formats(lang).number(value) if math.isfinite(value) else typed
    params = {"typed": typed, "title": label(path, lang), "path": dotted(path), "value": number}
    if path[-1] in AMOUNT_FIELDS and _THOUSANDS_DOTS.match(typed):
        return {"template": "amount_separator", "digits": typed.replace(".", ""), **params}
    return {"template": "whole_number", **params}


def _fields_of(path: tuple) -> str:
    """The fields a group must have («path: …, alt: …»), or all it may have when none must."""
    node = schema_module.node_at(path) or {}
    names = node.get("required") or list(node.get("properties", {}))
    return ", ".join(f"{name}: …" for name in names)


def _enum_params(path: tuple, allowed: list, value, lang: str) -> dict:
    """The allowed values, each with its meaning in Danish («civil_society (civilsamfund)»), and
    a guess when what was typed is close to a value or, in Danish, to a meaning («civilsamfund»
    -> civil_society, «uge» -> week)."""
    words = SCHEMA[lang]
    meanings = schema_module.enum_meanings(path)
    meanings = meanings if lang == "da" else {}
    shown_allowed = [f"{a} ({meanings[str(a)]})" if str(a) in meanings else str(a) for a in allowed]
    guess = None
    if isinstance(value, str) and value.strip():
        typed = value.strip().lower()
        names = {str(a).lower(): str(a) for a in allowed}
        words_of: dict[str, set] = {}  # a word of a meaning, and the values whose meaning has it
        for code, meaning in meanings.items():
            names.setdefault(meaning.lower(), code)
            for word in re.findall(r"\w{4,}", meaning.lower()):
                words_of.setdefault(word, set()).add(code)
        for word, codes in words_of.items():
            if len(codes) == 1:  # «ugen» says week; «hele» or «om» would say nothing
                names.setdefault(word, next(iter(codes)))
        close = difflib.get_close_matches(typed, list(names), n=1, cutoff=0.85)
        guess = names[close[0]] if close else None
    hint = words["enum_hint"].format(guess=guess) if guess and guess != value else ""
    if meanings and len(shown_allowed) > 1:  # «a (x), b (y) eller c (z)», as the schema says it
        listed = f"{', '.join(shown_allowed[:-1])} eller {shown_allowed[-1]}"
    else:
        listed = ", ".join(shown_allowed)
    return {"allowed": listed, "hint": hint}


def _partner_hint(data, value: str, lang: str) -> str:
    """For a reference to a partner whose id is not written as an id («nabør»): the closest of the
    agreement's ids, or all of them."""
    words = SCHEMA[lang]
    partners = data.get("partners") if isinstance(data, dict) else None
    partners = partners if isinstance(partners, list) else []  # `partners: 5` is refused elsewhere
    ids = [p["id"] for p in partners if isinstance(p, dict) and isinstance(p.get("id"), str)]
    ids = [i for i in ids if PARTNER_ID.match(i)]  # only ids that can be named
    if not ids:
        return ""
    close = difflib.get_close_matches(value.strip().lower(), ids, n=1, cutoff=0.6)
    if close and close[0] != value:
        return words["enum_hint"].format(guess=close[0])
    return words["partner_ids"].format(ids=", ".join(ids))


# A number and nothing else, which YAML read as text because it stood in quotes.
_PLAIN_NUMBER = re.compile(r"^\s*-?[0-9]+(?:\.[0-9]+)?\s*$")
_PLAIN_WHOLE = re.compile(r"^\s*-?[0-9]+\s*$")  # "250.000" in quotes is an amount with separators
# 7,5: a decimal number written with a Danish decimal comma, read as text.
_DECIMAL_COMMA = re.compile(r"^-?[0-9]+,[0-9]+$")
# Whole kroner as a person writes them: 1.500.000, 1 500 000 or 250,000 (thousands separators),
# perhaps with ,- or ,00 and kr., kr or DKK after it; or 250000 kr.
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:[. \u00a0,_][0-9]{3})+(?:,-|,00)?$")
_KRONER = re.compile(r"^(?:kr\.?|DKK)\s*|\s*(?:kr\.?|DKK)$", re.IGNORECASE)  # 250.000 kr., DKK 250000


def _whole_kroner(text: str) -> str | None:
    """The digits of a whole number written as text with separators or a currency ("250.000
    kr." -> "250000"), or None when the text is something else."""
    bare = _KRONER.sub("", text.strip())
    if _THOUSANDS.match(bare) or (bare != text.strip() and bare.isdigit()):
        return re.sub(r"\D", "", re.sub(r",(?:-|00)$", "", bare))
    return None


def _whole_number_field(path: tuple) -> bool:
    node = schema_module.node_at(path) or {}
    return node.get("type") == "integer"


def _get(data, path: tuple):
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def check(source: Source) -> list[Problem]:
    """All problems in one agreement: those found while loading, else the schema's, and
    once the structure is right, the rules beyond it (rules.py)."""
    from .rules import check_rules

    if source.problems or source.data is None:
        return sorted(source.problems)
    problems = check_schema(source) or check_rules(source)
    problems += lost_to_comments(source)
    return sorted(problems, key=lambda p: (p.line, p.column, p.message))


def lost_to_comments(source: Source) -> list[Problem]:
    """PA209: a comment on the line of an unquoted free text (`termination: se punkt #4`): YAML
    drops « #4» and what follows, so the document says less than was written. Values with fixed
    forms (ids, codes, dates, numbers) may carry a comment, as the new agreement's template does."""
    lang = language(source.data)
    problems = []
    for path, (line, column, said) in source.comments.items():
        node = schema_module.node_at(path) or {}
        if node.get("type") != "string" or {"enum", "format", "const"} & set(node):
            continue
        if node.get("pattern", "\\S") != "\\S":
            continue
        message = RULES[lang]["PA209"].format(title=label(path, lang), comment=shown(said), path=dotted(path))
        problems.append(Problem(source.path, line, column, "PA209", message, "warning", dotted(path)))
    return problems
