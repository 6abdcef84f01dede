"""Every message a person reads about an agreement lives in partnerskab/messages.py (STYLE.md:
one place to find and translate them), in Danish and in English with the same keys and the same
placeholders, so an English agreement never gets a KeyError or a message with a hole in it."""

from __future__ import annotations

import string

from partnerskab import messages


def _placeholders(text: str) -> list[str] | None:
    """The names a message is formatted with; None for one that is shown as it is (it holds a
    literal brace, like the hint for an unclosed bracket)."""
    try:
        return sorted({name for _, name, _, _ in string.Formatter().parse(text) if name is not None})
    except ValueError:
        return None


def _same_shape(danish, english, where: tuple) -> None:
    if isinstance(danish, dict):
        assert isinstance(english, dict) and set(danish) == set(english), where
        for key in danish:
            _same_shape(danish[key], english[key], (*where, key))
    else:
        assert isinstance(danish, str) and isinstance(english, str), where
        if _placeholders(danish) is None or _placeholders(english) is None:
            assert _placeholders(danish) == _placeholders(english), where
        else:  # English may name the verb that agrees with a count ("there are 3"); Danish has none
            assert set(_placeholders(english)) - set(_placeholders(danish)) <= ENGLISH_AGREEMENT, where
            assert set(_placeholders(danish)) <= set(_placeholders(english)), where


ENGLISH_AGREEMENT = {"are", "have"}


def _bilingual(module) -> dict[str, dict]:
    return {
        name: value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, dict) and set(value) == {"da", "en"}
    }


def test_every_danish_message_has_an_english_one_with_the_same_placeholders():
    tables = _bilingual(messages)
    assert {"LOAD", "BUILD", "RULES", "SEAL", "HISTORY", "GIT_REASONS"} <= set(tables)
    for name, table in tables.items():
        _same_shape(table["da"], table["en"], (name,))


def test_the_checks_keep_no_messages_of_their_own():
    from partnerskab import history, rules, schema, seal

    for module in (history, rules, schema, seal):
        tables = _bilingual(module).items()
        own = {name for name, table in tables if table is not getattr(messages, name, None)}
        assert own == set(), module.__name__
    assert not hasattr(schema, "EDITOR_MESSAGES")


def test_every_command_line_in_the_table_is_used_and_formats():
    """messages.COMMANDS holds the commands' own lines: each is used by the code, and its
    placeholders are the ones the code fills in (a name typed twice differently would leave a
    KeyError for a user to meet)."""
    from pathlib import Path

    code = "".join(p.read_text(encoding="utf-8") for p in Path(messages.__file__).parent.glob("*.py"))
    for key, text in messages.COMMANDS.items():
        assert f'COMMANDS["{key}"]' in code or f'"{key}" if' in code or f'else "{key}"' in code, key
        text.format(**{name: "x" for name in _placeholders(text) or []})
