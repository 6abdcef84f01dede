"""Load one agreement file: YAML text -> plain data plus the source position of every node.

The data must be what an editor's YAML 1.2 language server sees, so we do not use PyYAML's
constructors (YAML 1.1: `no` -> False, `2026-01-01` -> date). Instead we read PyYAML's event
stream and build the data ourselves, resolving plain scalars by the YAML 1.2 core schema.
Building from events also lets us refuse, with a position, everything an agreement never
needs and an attacker might use: aliases (billion laughs), custom tags, deep nesting,
several documents, duplicate keys.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .assets import repository_root
from .problems import Problem
from .text import DECEPTIVE, NAME, PRIVATE, RESERVED, CharSearch, latin1, name_fault, printable, same_name

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 50_000
# All text in one agreement together. With it, the slowest agreement we could write (every field
# full of `*_a_* ` emphasis marks or backslashes) builds in under 15 s, well inside a worker's
# 300 s time limit.
MAX_TEXT = 200_000


class _LaterPattern:
    """A regular expression compiled the first time it is used (_import_yaml)."""

    __slots__ = ("_arguments", "_compiled")

    def __init__(self, *arguments):
        self._arguments = arguments
        self._compiled = None

    def __getattr__(self, name):
        if self._compiled is None:
            self._compiled = _COMPILE(*self._arguments)
        return getattr(self._compiled, name)


_COMPILE = re.compile


def _import_yaml():
    """PyYAML, with the regular expressions its modules compile when imported left until they
    are used. Compiling them took about a tenth of `validate`'s time for one agreement (90 ms;
    yaml.reader's class of non-printable characters alone took 5-7 ms), and load() never uses
    them: the C parser reads the text, and we resolve the scalars. PyYAML only calls .match()
    and .search() on them, so where it does use one (yaml.safe_load in seal.py), that compiles
    it then."""
    if "yaml" in sys.modules:
        return sys.modules["yaml"]

    def compile_later(pattern, flags=0):
        module = sys._getframe(1).f_globals.get("__name__", "")
        if module == "yaml" or module.startswith("yaml."):
            return _LaterPattern(pattern, flags)
        return _COMPILE(pattern, flags)

    re.compile = compile_later
    try:
        import yaml
    finally:
        re.compile = _COMPILE
    return yaml


yaml = _import_yaml()
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_HEX_OCT = re.compile(r"^0(?:x[0-9a-fA-F]+|o[0-7]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_ALLOWED_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

Path_ = tuple  # a JSON path: keys (str) and list indexes (int)


@dataclass
class Source:
    """One agreement as loaded: its data and where each value stands in the file."""

    path: str
    data: object = None
    # JSON path -> (line, column), both 1-based, of the value node and of its key.
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # JSON path -> the text as typed, for plain scalars read as decimal numbers: `250.000` is
    # the number 250.0 to YAML, and the checker names what was typed when it refuses it.
    numbers_as_typed: dict[Path_, str] = field(default_factory=dict)
    # JSON path -> (line, column, text) of a comment on the same line as an unquoted text value:
    # in `termination: se punkt #4`, YAML reads « #4» as a comment, and the words are lost.
    comments: dict[Path_, tuple[int, int, str]] = field(default_factory=dict)
    # JSON paths of the values written in quotation marks: «"250000"» is a text to YAML.
    quoted: set = field(default_factory=set)

    def position(self, path: Path_) -> tuple[int, int]:
        """The position of the node at `path`, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def key_position(self, path: Path_) -> tuple[int, int]:
        return self.key_positions.get(tuple(path)) or self.position(path)


def strings(value, path: Path_ = ()) -> list[tuple[Path_, str]]:
    """Every text value in loaded data, with its JSON path, in document order. (Gathered in a
    list, not yielded through a generator at each level, which took half as long again: the
    checks ask for them two or three times an agreement.)"""
    found: list[tuple[Path_, str]] = []
    _gather_strings(value, path, found)
    return found


def _gather_strings(value, path: Path_, found: list) -> None:
    if isinstance(value, str):
        found.append((path, value))
        return
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return
    for key, child in children:
        if isinstance(child, str):  # the common case, without a call of its own
            found.append(((*path, key), child))
        elif isinstance(child, (dict, list)):
            _gather_strings(child, (*path, key), found)


class LoadError(Exception):
    def __init__(self, line: int, column: int, key: str, **params):
        super().__init__(key)
        self.line, self.column, self.key, self.params = line, column, key, params


def _mark(event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _scalar(event):
    value = event.value
    if event.style or not event.implicit[0]:
        return value  # quoted, block or explicitly tagged !!str: always text
    if _NULL.match(value):
        return None
    if _TRUE.match(value):
        return True
    if _FALSE.match(value):
        return False
    try:
        if _INT.match(value):
            return int(value)
        if _HEX_OCT.match(value):
            return int(value, 0)
    except ValueError:  # more digits than Python converts: no amount is that large
        return value
    if _FLOAT.match(value):
        return float(value)
    return value


# Characters no agreement may hold: the C0 and C1 control characters (category Cc) except tab
# and line breaks, surrogates, the Unicode line and paragraph separators, and a stray BOM.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufeff]")


# The bytes of a text with no character beyond U+00FF (text.latin1) that _CONTROL does not
# match: deleting them leaves nothing unless the text holds one it does, found in a fifth of
# the time re takes to look at each character.
_NOT_CONTROL = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))


def _control_char(text: str) -> int:
    """Index of the first character no agreement may hold, or -1."""
    if latin1(text) and not text.encode("latin-1").translate(None, _NOT_CONTROL):
        return -1
    found = _CONTROL.search(text)
    return found.start() if found else -1


# Characters that make text read differently from what it says (text.DECEPTIVE). Letters of any
# script are allowed; these never belong in an agreement.
# They are refused anywhere in the file, comments too: a reviewer reads those. Characters of
# private use (text.PRIVATE) are refused in values and keys, where the PDF would show a glyph
# the text lacks; in a comment they are harmless.
_DECEPTIVE_ANYWHERE = CharSearch(DECEPTIVE)
_DECEPTIVE = CharSearch(DECEPTIVE, PRIVATE)
_PRIVATE = re.compile(PRIVATE)


def _deceptive_error(char: str, line: int, column: int) -> LoadError:
    """The error for a deceptive character, naming it (U+202E RIGHT-TO-LEFT OVERRIDE)."""
    if _PRIVATE.match(char):
        return LoadError(line, column, "private_use", code=f"U+{ord(char):04X}")
    return LoadError(line, column, "deceptive", code=f"U+{ord(char):04X}", name=unicodedata.name(char, ""))


def _line_column(text, index: int) -> tuple[int, int]:
    """1-based line and column of `index` in `text` (str or bytes)."""
    newline = "\n" if isinstance(text, str) else b"\n"
    return text.count(newline, 0, index) + 1, index - (text.rfind(newline, 0, index) + 1) + 1


def _check_text(raw: bytes) -> tuple[str, bool]:
    """The file's text, and whether it holds a character of private use (in a comment, or in a
    value, which _build refuses)."""
    if len(raw) > MAX_BYTES:
        raise LoadError(1, 1, "too_large", limit=MAX_BYTES // 1_000_000)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise LoadError(1, 1, "bom")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(*_line_column(raw, exc.start), "not_utf8") from None
    index = _control_char(text)
    if index >= 0:
        raise LoadError(*_line_column(text, index), "control_char", code=f"U+{ord(text[index]):04X}")
    found = _DECEPTIVE.search(text)  # one look for both kinds: a file seldom holds either
    if found and not _PRIVATE.match(found.group()):
        raise _deceptive_error(found.group(), *_line_column(text, found.start()))
    if found:  # of private use, which a comment may hold: is there a deceptive one after it?
        deceptive = _DECEPTIVE_ANYWHERE.search(text, found.start())
        if deceptive:
            raise _deceptive_error(deceptive.group(), *_line_column(text, deceptive.start()))
    return text, found is not None


# Tabs on a line with nothing else, or before a comment: YAML allows them, PyYAML refuses them,
# and a person cannot see them. Each becomes one space, so every position stays where it was.
_BLANK_TABS = re.compile(r"^[ \t]*\t[ \t]*(?=#|\r?$)", re.M)


def _blank_tabs(text: str) -> str:
    return _BLANK_TABS.sub(lambda m: " " * len(m.group()), text) if "\t" in text else text


def _events(text: str):
    """The parser's events, as yaml.parse yields them, without asking first whether there is
    one (get_event() gives None at the end): a tenth of the time `validate` takes for 1000."""
    parser = _Parser(text)
    try:
        while (event := parser.get_event()) is not None:
            yield event
    finally:
        parser.dispose()


def _comment_after(text: str, index: int) -> tuple[int, str] | None:
    """(offset, text) of a comment that follows position `index` on the same line, if any."""
    end = text.find("\n", index)
    rest = text[index : len(text) if end < 0 else end]
    stripped = rest.lstrip(" \t")
    if stripped.startswith("#") and len(stripped) < len(rest):
        return index + len(rest) - len(stripped), stripped[1:].strip()
    return None


def _build(events, source: Source, text_of_file: str = "", private: bool = True):
    """Turn the event stream of one document into data, recording positions. `private`: the
    file may hold a character of private use (_check_text)."""
    root = None
    stack: list[list] = []  # frames: [container, path, pending_key, key_mark, seen_keys]
    nodes = 0
    documents = 0
    text = 0
    # _check_text found no control or deceptive character in the file. A value can still hold
    # one written as an escape, which only a double-quoted value with a backslash reads ("\x07",
    # "\u202e"), or a character of private use, which a comment may hold: other values are
    # searched only when the file has one of those.
    search_every_value = private or not text_of_file

    def attach(value, event, mark):
        nonlocal root
        if not stack:
            root = value
            source.positions[()] = mark
            return ()
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = path + (len(container),)
            container.append(value)
            source.positions[child] = mark
            return child
        if frame[2] is None:  # this scalar is a key
            if not isinstance(event, yaml.ScalarEvent):
                raise LoadError(*mark, "complex_key")
            key = event.value  # as typed: an editor's JSON view has string keys too
            if key in frame[4]:
                raise LoadError(*mark, "duplicate_key", name=key, first=frame[4][key][0])
            frame[4][key] = mark
            frame[2], frame[3] = key, mark
            return None
        key = frame[2]
        child = path + (key,)
        container[key] = value
        source.positions[child] = mark
        source.key_positions[child] = frame[3]
        frame[2] = None
        return child

    for event in events:
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise LoadError(*_mark(event), "several_documents")
            continue
        mark = _mark(event)
        if isinstance(event, yaml.AliasEvent):
            raise LoadError(*mark, "alias")
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag not in _ALLOWED_TAGS:
            raise LoadError(*mark, "tag", tag=tag)
        nodes += 1
        if nodes > MAX_NODES:
            raise LoadError(*mark, "too_many_nodes")
        if isinstance(event, yaml.ScalarEvent):
            text += len(event.value)
            if text > MAX_TEXT:
                raise LoadError(*mark, "too_much_text", limit=f"{MAX_TEXT:,}".replace(",", "."))
            if search_every_value or (
                event.style == '"'
                and text_of_file.find("\\", event.start_mark.index, event.end_mark.index) >= 0
            ):
                index = _control_char(event.value)  # also those written as escapes: "\x07", "\u2028"
                if index >= 0:
                    raise LoadError(*mark, "control_char", code=f"U+{ord(event.value[index]):04X}")
                found = _DECEPTIVE.search(event.value)  # as an escape, "\u202e", or of private use
                if found:
                    # where it is written in the value, or the value's start for an escape
                    at = text_of_file.find(found.group(), event.start_mark.index, event.end_mark.index)
                    raise _deceptive_error(
                        found.group(), *(_line_column(text_of_file, at) if at >= 0 else mark)
                    )
            value = _scalar(event) if tag is None else event.value
            child = attach(value, event, mark)
            if isinstance(value, float) and child is not None:
                source.numbers_as_typed[child] = event.value
            if child is not None and event.style in ("'", '"'):
                source.quoted.add(child)
            if child is not None and isinstance(value, str) and not event.style and text_of_file:
                comment = _comment_after(text_of_file, event.end_mark.index)
                if comment:
                    offset, said = comment
                    source.comments[child] = (*_line_column(text_of_file, offset), said)
        else:
            if len(stack) >= MAX_DEPTH:
                raise LoadError(*mark, "too_deep", limit=MAX_DEPTH)
            container = {} if isinstance(event, yaml.MappingStartEvent) else []
            path = attach(container, event, mark)
            stack.append([container, path, None, None, {}])
    if documents == 0 or root is None:
        raise LoadError(1, 1, "empty")
    return root


def read_agreement(path: Path, shown_as: Path | None = None) -> bytes:
    """The bytes of an agreement file, checked before they are read: only a regular file (not a
    folder, a device such as /dev/zero, or a pipe, which would hang), at most MAX_BYTES by its
    size on disk, and not a link to a file outside the repository. `shown_as` is where the
    file stands in the repository when `path` is a copy (history.py)."""
    if shown_as is None:  # the repository holding the file as it is named, not where a link leads
        root = repository_root(Path(os.path.abspath(path)).parent)
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            if not path.resolve().is_relative_to(root):
                raise LoadError(1, 1, "outside")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(1, 1, "not_regular")
        if info.st_size > MAX_BYTES:
            raise LoadError(1, 1, "too_large", limit=MAX_BYTES // 1_000_000)
        chunks, size = [], 0
        while size <= MAX_BYTES:  # a file that grows while we read stops at the limit too
            chunk = os.read(fd, min(1 << 20, MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def text_at(raw: bytes, index: int) -> str:
    """The character at a mark's index (marks count characters, not bytes)."""
    text = raw.decode("utf-8", errors="replace")
    return text[index] if 0 <= index < len(text) else ""


# The line a person most likely got wrong, when PyYAML's own position is only where it gave up.
_KEY = r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][A-Za-z0-9_-]*)"
_TYPOGRAPHIC = re.compile(_KEY + r":\s+[“”„«»‘’‚]")
_NO_SPACE = re.compile(_KEY + r":(?P<rest>[^\s/])")  # «end:2027-12-31», not «https://»
_NO_COLON = re.compile(_KEY + r"[ \t]+(?P<rest>[^\s:#]+)[ \t]*$")  # «end 2027-12-31»: one value, no colon
_DOUBLE = re.compile(_KEY + r":\s+\"")
_SINGLE = re.compile(_KEY + r":\s+'")


def _closing_double(rest: str) -> int:
    """The index in `rest` of the mark that closes a double-quoted scalar, or -1."""
    escaped = False
    for index, char in enumerate(rest):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return index
    return -1


def _nearest(lines: list[str]):
    """(number, row) of the last of `lines`, where PyYAML gave up, and of the two above it."""
    for number in range(len(lines), max(0, len(lines) - 3), -1):
        yield number, lines[number - 1]


def syntax_cause(text: str, line: int, detail: str) -> tuple[str, int, int, dict] | None:
    """(message key, line, column, params) for a mistake a person makes by hand, found on the
    lines up to where PyYAML gave up (`line`, 1-based); None when none of them is there."""
    lines = [row.removesuffix("\r") for row in text.split("\n")[:line]]
    for number, row in _nearest(lines):
        if "\u00a0" in row[: len(row) - len(row.lstrip(" \u00a0"))]:
            return "nbsp_indent", number, row.index("\u00a0") + 1, {}
    row = lines[-1] if lines else ""
    if "mapping values" in detail and (found := _TYPOGRAPHIC.match(row)):
        return "typographic_quotes", line, found.end(), {}
    if (found := _DOUBLE.match(row)) and (closing := _closing_double(row[found.end() :])) >= 0:
        after = row[found.end() + closing + 1 :].strip()
        if after and not after.startswith("#"):  # the mark that ended the text too soon
            return "quote_inside", line, found.end() + closing + 1, {}
    for number, row in _nearest(lines):
        found = _NO_SPACE.match(row)
        if found and "://" not in row and found.group("key") in _field_names():
            return "colon_space", number, found.start("rest") + 1, {"name": found.group("key")}
    for number, row in _nearest(lines):
        found = _NO_COLON.match(row)
        if found and found.group("key") in _field_names():
            return "colon_missing_after", number, found.end("key") + 1, {"name": found.group("key")}
    for number in range(len(lines) - 1, 0, -1):  # an opening mark above, and no mark between
        between = lines[number:-1]
        row = lines[number - 1]
        found = _DOUBLE.match(row)
        if found and _closing_double(row[found.end() :]) < 0:  # still open at the end of its line
            if any('"' in r for r in between):
                return None  # closed further down: a text over several lines
            if '"' in lines[-1] and not _DOUBLE.match(lines[-1]):
                # the text goes on to a line whose own mark ends it too soon
                return "quote_inside", line, lines[-1].index('"') + 1, {}
            return "unclosed_quote_at", number, found.end(), {}
        found = _SINGLE.match(row)
        if found and row[found.end() :].replace("''", "").count("'") == 0:
            if any("'" in r for r in [*between, lines[-1]]):
                return None
            return "unclosed_quote_at", number, found.end(), {}
        if any(mark in r for r in between for mark in "\"'"):
            return None
    return None


@cache
def _field_names() -> frozenset:
    """Every field name the schema knows: «end» on a line of its own is a field without its colon."""
    from .schema import schema

    names, stack = set(), [schema()]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return frozenset(names)


_LANGUAGE = re.compile(r"^language:[ \t]*[\"']?(da|en)[\"']?[ \t]*(?:#[^\r\n]*)?\r?$", re.M)


def declared_language(raw: bytes) -> str:
    """The language an agreement asks for (`language: en`), read from its text: for the messages
    about a file that cannot be read as an agreement at all."""
    found = _LANGUAGE.search(raw.decode("utf-8", errors="replace"))
    return found.group(1) if found else "da"


EXAMPLE_PATH = "agreements/fjordby-familievenner.yaml"


def load(path: str | Path, display: str | None = None) -> Source:
    """Read and parse one agreement. Problems are collected on the Source, never raised."""
    from .messages import NAME_FAULTS, load_message, os_reason

    source = Source(path=display or str(path))
    name = Path(source.path).name
    if not NAME.match(name):
        candidate = Path(path)
        if not candidate.exists() and not candidate.is_symlink():  # missing, whatever its name
            reason = "filen findes ikke"
            if candidate.with_name(candidate.name + ".yaml").is_file():  # `validate agreements/fjordby`
                reason += f"; mente du {printable(str(path))}.yaml?"
            source.problems.append(
                Problem(source.path, 1, 1, "PA002", load_message("unreadable", "da", reason=reason))
            )
            return source
        if candidate.is_dir():  # `seal agreements/`: a folder, not a badly named file
            reason = f"det er en mappe, ikke en fil; skriv en aftales fil, fx {EXAMPLE_PATH}"
            source.problems.append(
                Problem(source.path, 1, 1, "PA002", load_message("unreadable", "da", reason=reason))
            )
            return source
        fault, values = name_fault(name)
        why = NAME_FAULTS["da"][fault].format(**values)
        message = load_message("bad_name", "da", name=printable(name), why=why)
        source.problems.append(Problem(source.path, 1, 1, "PA003", message))
        return source
    if same_name(Path(name).stem) in RESERVED:
        message = load_message("reserved_name", "da", name=name)
        source.problems.append(Problem(source.path, 1, 1, "PA003", message))
        return source
    try:
        raw = read_agreement(Path(path), Path(display) if display else None)
    except LoadError as exc:
        message = load_message(exc.key, "da", **exc.params)
        source.problems.append(Problem(source.path, exc.line, exc.column, "PA002", message))
        return source
    except OSError as exc:
        reason = "filen findes ikke" if isinstance(exc, FileNotFoundError) else os_reason(exc)
        source.problems.append(
            Problem(source.path, 1, 1, "PA002", load_message("unreadable", "da", reason=reason))
        )
        return source
    text = ""
    try:
        text, private = _check_text(raw)
        try:
            data = _build(_events(text), source, text, private)
        except yaml.MarkedYAMLError as exc:
            # Tabs on a blank line or before a comment: YAML allows them, PyYAML does not. Read
            # again with those tabs as spaces; a file PyYAML reads is never changed.
            mark = exc.problem_mark or exc.context_mark
            blank = _blank_tabs(text)
            if not (mark and text_at(raw, mark.index) == "\t" and blank != text):
                raise
            source = Source(path=source.path)  # nothing from the first reading
            text, data = blank, _build(_events(blank), source, blank, private)
        if not isinstance(data, dict):
            raise LoadError(*source.positions.get((), (1, 1)), "root_not_mapping")
        source.data = data
    except LoadError as exc:
        code = {"syntax": "PA001", "deceptive": "PA004", "private_use": "PA004"}.get(exc.key, "PA002")
        message = load_message(exc.key, declared_language(raw), **exc.params)
        source.problems.append(Problem(source.path, exc.line, exc.column, code, message))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = exc.problem or ""
        if mark and text_at(raw, mark.index) == "\t":
            key, params = "tab", {}
        elif "nesting depth" in detail:
            key, params = "too_deep", {"limit": MAX_DEPTH}
        elif text and (cause := syntax_cause(text, line, detail)):  # the line a person got wrong
            key, line, column, params = cause
        else:
            key, params = "syntax", {"detail": detail}
        message = load_message(key, declared_language(raw), **params)
        source.problems.append(Problem(source.path, line, column, "PA001", message))
    except yaml.YAMLError as exc:  # e.g. a reader error without a mark
        message = load_message("syntax", declared_language(raw), detail=str(exc))
        source.problems.append(Problem(source.path, 1, 1, "PA001", message))
    return source
