"""The editor: what yaml-language-server (the engine of VS Code's YAML extension) shows for an
agreement, driven for real over LSP from tools/node; ajv in strict mode and check-jsonschema on
the schema files; and the VS Code build task's problem matcher on real `build.py validate` output.

The node tools come from tools/node/package-lock.json (`make test` runs `npm ci` there). Without
them these tests are skipped locally and fail in CI (CI=1), so CI can never pass them silently.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from partnerskab.load import load
from partnerskab.schema import (
    EDITOR_SCHEMA_PATH,
    SCHEMA_PATH,
    editor_schema,
    editor_schema_text,
    node_at,
    schema,
)

from .conftest import EXAMPLES, FJORDBY, ROOT, copy_project

NODE_MODULES = ROOT / "tools" / "node" / "node_modules"
SERVER = NODE_MODULES / "yaml-language-server" / "bin" / "yaml-language-server"
AJV = NODE_MODULES / "ajv-cli" / "dist" / "index.js"
EDITOR_KEYWORDS = ROOT / "tools" / "node" / "editor-keywords.js"
MODELINE = f"# yaml-language-server: $schema=../schema/{EDITOR_SCHEMA_PATH.name}"
TIMEOUT = 60  # seconds for one answer from the server; it normally takes milliseconds


def _node() -> str:
    """The node binary, once tools/node is installed; else skip (locally) or fail (CI=1)."""
    node = shutil.which("node")
    if node and SERVER.is_file() and AJV.is_file():
        return node
    missing = "node" if not node else "tools/node/node_modules"
    message = f"{missing} mangler: kør `make test` (den kører `npm ci --prefix tools/node`)."
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


# --- A small LSP client over stdio -----------------------------------------------------------


class LanguageServer:
    """yaml-language-server as an editor starts it: `--stdio`, JSON-RPC with Content-Length."""

    SETTINGS = {
        "yaml": {
            "validate": True,
            "hover": True,
            "completion": True,
            "format": {"enable": False},
            "schemaStore": {"enable": False},  # offline: only the schema the modeline names
        },
        "http": {},
        "editor": {"tabSize": 2},
    }

    def __init__(self, node: str):
        self.process = subprocess.Popen(
            [node, str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.inbox: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.last_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": ROOT.as_uri(),
                "locale": "da",
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {},
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.SETTINGS})

    def _read(self):
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    self.inbox.put(None)
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, value = line.split(":", 1)
                headers[name.lower()] = value.strip()
            self.inbox.put(json.loads(stream.read(int(headers["content-length"]))))

    def _send(self, message: dict):
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict):
        self._send({"method": method, "params": params})

    def _next(self) -> dict:
        message = self.inbox.get(timeout=TIMEOUT)
        if message is None:
            raise AssertionError("yaml-language-server stoppede uventet")
        if "method" in message and "id" in message:  # the server asks the client something
            answer = None
            if message["method"] == "workspace/configuration":
                answer = [self.SETTINGS.get(item.get("section")) for item in message["params"]["items"]]
            self._send({"id": message["id"], "result": answer})
        elif "method" in message:
            self.notifications.append(message)
        return message

    def request(self, method: str, params: dict):
        self.last_id += 1
        number = self.last_id
        self._send({"id": number, "method": method, "params": params})
        while True:
            message = self._next()
            if message.get("id") == number and "method" not in message:
                assert "error" not in message, message["error"]
                return message.get("result")

    def diagnostics(self, uri: str) -> list[dict]:
        """The first non-empty diagnostics the server publishes for `uri`."""
        seen = 0
        while True:
            for note in self.notifications[seen:]:
                params = note["params"]
                if note["method"] == "textDocument/publishDiagnostics" and params["uri"] == uri:
                    if params["diagnostics"]:
                        return params["diagnostics"]
            seen = len(self.notifications)
            self._next()

    def open(self, path: Path, text: str) -> str:
        uri = path.resolve().as_uri()
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        return uri

    def hover(self, uri: str, line: int, character: int) -> str:
        answer = self.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        return (answer or {}).get("contents", {}).get("value", "")

    def completion(self, uri: str, line: int, character: int) -> list[dict]:
        answer = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        return answer["items"] if isinstance(answer, dict) else answer

    def close(self):
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except (AssertionError, OSError, queue.Empty, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def server():
    language_server = LanguageServer(_node())
    yield language_server
    language_server.close()


def _unsaved(name: str) -> Path:
    """An editor buffer beside the examples, so its modeline finds ../schema; never written."""
    path = ROOT / "agreements" / f"unsaved-{name}.yaml"
    assert not path.exists()
    return path


def _unescape(markdown: str) -> str:
    """Hover text as a reader sees it: Markdown's backslash escapes removed."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>|~])", r"\1", markdown)


def _keys(source, path=()):
    """Every mapping key's JSON path in loaded data, in document order."""
    data = source.data
    for part in path:
        data = data[part]
    if isinstance(data, dict):
        for key in data:
            yield path + (key,)
            yield from _keys(source, path + (key,))
    elif isinstance(data, list):
        for index in range(len(data)):
            yield from _keys(source, path + (index,))


# --- Hover, completion, the whole-agreement snippet, diagnostics -----------------------------


def test_modelines_point_to_the_editor_schema():
    template = ROOT / "templates" / "new-agreement.yaml"
    for path in [*EXAMPLES, template]:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == MODELINE, path.name
        assert (path.parent / first.split("$schema=", 1)[1]).resolve() == EDITOR_SCHEMA_PATH


def test_hover_shows_each_fields_own_title_and_description(server):
    """Every key in an example, among them those whose schema node is a `$ref` with its own
    title (vision: «Tekst med formatering», start: «Dato» before)."""
    source = load(FJORDBY)
    uri = server.open(FJORDBY, FJORDBY.read_text(encoding="utf-8"))
    raw = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    paths = list(_keys(source))
    assert ("purpose", "vision") in paths and ("duration", "start") in paths
    behind_ref, wrong = 0, []
    for path in paths:
        node = node_at(path)  # the field's own keywords win over its $ref target's
        line, column = source.key_positions[path]
        shown = _unescape(server.hover(uri, line - 1, column))
        expected = f"#### {node['title']}\n\n{node['description']}"
        if expected not in shown:
            wrong.append((".".join(map(str, path)), shown[:120]))
        behind_ref += "$ref" in _raw_node(raw, path)
    assert wrong == []
    assert behind_ref >= 20  # the test does reach fields defined through $ref


def _raw_node(raw: dict, path) -> dict:
    """The schema node for `path` as written in the file, $ref not followed."""
    node = raw
    for part in path:
        if "$ref" in node:
            target = raw
            for step in node["$ref"].removeprefix("#/").split("/"):
                target = target[step]
            node = {**target, **node}
        node = node["items"] if isinstance(part, int) else node["properties"][part]
    return node


def _property_items(items: list[dict]) -> list[dict]:
    return [item for item in items if item.get("kind") == 10]  # CompletionItemKind.Property


def _inserted(item: dict) -> str:
    return (item.get("textEdit") or {}).get("newText") or item.get("insertText") or item["label"]


@pytest.mark.parametrize(
    ("remove", "indent"),
    [
        (r"^  end: .*\n", "  "),  # in duration: end is a date through $ref
        (r"^values:\n(?:  - .*\n)+", ""),  # at the top: values is a list through $ref
    ],
)
def test_completion_inserts_key_colon(server, remove, indent):
    text = FJORDBY.read_text(encoding="utf-8")
    match = re.search(remove, text, re.MULTILINE)
    assert match, remove
    text = text[: match.start()] + indent + "\n" + text[match.end() :]
    line = text[: match.start()].count("\n")
    removed = re.match(r"\s*(\w+):", match.group()).group(1)
    uri = server.open(_unsaved("completion-" + removed), text)
    items = _property_items(server.completion(uri, line, len(indent)))
    assert removed in [item["label"] for item in items]
    bare = [item["label"] for item in items if not _inserted(item).startswith(item["label"] + ":")]
    assert bare == []
    [end] = [item for item in items if item["label"] == removed]
    assert re.match(rf"{removed}:( |\n)", _inserted(end))


SNIPPET_TABSTOP = re.compile(r"\$\{(\d+)(?::([^{}]*))?\}|\$(\d+)")


def _expand(snippet: str, fill: str) -> str:
    """A snippet as the editor leaves it: each tab stop replaced by its default, else by `fill`."""
    return SNIPPET_TABSTOP.sub(lambda m: m.group(2) if m.group(2) is not None else fill, snippet)


def _unknown_keys(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            if node_at(path + (key,)) is None:
                yield ".".join(map(str, path + (key,)))
            yield from _unknown_keys(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _unknown_keys(value, path + (index,))


def test_whole_agreement_snippet_is_valid_yaml(server):
    uri = server.open(_unsaved("empty"), MODELINE + "\n")
    [snippet] = [item for item in server.completion(uri, 1, 0) if item["label"] == schema()["title"]]
    inserted = _inserted(snippet)
    for fill in ("", "UDFYLD"):
        expanded = _expand(inserted, fill)
        data = yaml.safe_load(MODELINE + "\n" + expanded)
        assert isinstance(data, dict), expanded
        assert set(schema()["required"]) <= set(data), expanded
        assert list(_unknown_keys(data)) == []


def _broken(text: str) -> str:
    """Fjordby with three schema errors: a date that is none, an unknown key, a missing field."""
    text = re.sub(r"^  start: .*$", "  start: 2026-13-45", text, count=1, flags=re.MULTILINE)
    text = re.sub(r"^duration:\n", "duration:\n  slut: 2027-12-31\n", text, count=1, flags=re.MULTILINE)
    return re.sub(r"^title: .*\n", "", text, count=1, flags=re.MULTILINE)


def test_diagnostics_for_a_broken_agreement_are_in_danish(server):
    text = _broken(FJORDBY.read_text(encoding="utf-8"))
    uri = server.open(_unsaved("broken"), text)
    diagnostics = server.diagnostics(uri)
    lines = text.split("\n")
    by_line = {}
    for diagnostic in diagnostics:
        by_line.setdefault(lines[diagnostic["range"]["start"]["line"]].strip(), []).append(
            diagnostic["message"]
        )
    duration = editor_schema()["properties"]["duration"]
    assert duration["properties"]["start"]["errorMessage"] in by_line.get("start: 2026-13-45", []), by_line
    assert duration["errorMessage"] in by_line.get("slut: 2027-12-31", []), by_line
    assert duration["errorMessage"].startswith(schema()["properties"]["duration"]["title"])
    # Every message is one the editor schema says in Danish, none of the server's English ones.
    danish = set(_error_messages(editor_schema()))
    assert diagnostics and {d["message"] for d in diagnostics} <= danish, [d["message"] for d in diagnostics]


def _error_messages(node):
    if isinstance(node, dict):
        if "errorMessage" in node:
            yield node["errorMessage"]
        for value in node.values():
            yield from _error_messages(value)
    elif isinstance(node, list):
        for value in node:
            yield from _error_messages(value)


# --- The schema files: ajv strict, check-jsonschema, the editor copy up to date ---------------


def _ajv(schema_file: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_node(), str(AJV), "compile", "--spec=draft2020", "--strict=true", "-s", str(schema_file)]
        + ["-c", "ajv-formats", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ajv_strict_accepts_the_schema_and_the_editor_copy():
    plain = _ajv(SCHEMA_PATH)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    # The editor copy has one keyword of yaml-language-server's own, declared to ajv as such.
    editor = _ajv(EDITOR_SCHEMA_PATH, "-c", "./" + EDITOR_KEYWORDS.relative_to(ROOT).as_posix())
    assert editor.returncode == 0, editor.stdout + editor.stderr


def test_ajv_strict_rejects_a_keyword_of_our_own(tmp_path):
    changed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    changed["properties"]["title"]["x-title-en"] = "Title"
    path = tmp_path / "changed.schema.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    result = _ajv(path)
    assert result.returncode != 0 and "x-title-en" in result.stdout + result.stderr


def test_check_jsonschema_accepts_both_schema_files():
    tool = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(tool), "--check-metaschema", str(SCHEMA_PATH), str(EDITOR_SCHEMA_PATH)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_editor_schema_is_up_to_date():
    assert EDITOR_SCHEMA_PATH.read_text(encoding="utf-8") == editor_schema_text(), (
        f"schema/{EDITOR_SCHEMA_PATH.name} passer ikke til skemaet; kør `make docs`."
    )
    check = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "editor_schema.py"), "--check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_stale_editor_schema_is_reported_in_danish(tmp_path):
    project = copy_project(tmp_path, examples=False)
    (project / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "editor_schema.py", project / "tools")
    stale = project / "schema" / EDITOR_SCHEMA_PATH.name
    stale.write_text(stale.read_text(encoding="utf-8").replace("Startdato", "Begyndelse"), encoding="utf-8")
    check = subprocess.run(
        [sys.executable, "tools/editor_schema.py", "--check"], cwd=project, capture_output=True, text=True
    )
    assert check.returncode == 1 and "make docs" in check.stderr and check.stderr.count("\n") == 1


def _errors(validator, data):
    return sorted((tuple(map(str, e.absolute_path)), e.validator) for e in validator.iter_errors(data))


def test_editor_schema_validates_exactly_like_the_schema(tmp_path):
    plain = Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    editor = Draft202012Validator(editor_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    cases = [load(path).data for path in EXAMPLES]
    broken = tmp_path / "broken.yaml"
    broken.write_text(_broken(FJORDBY.read_text(encoding="utf-8")), encoding="utf-8")
    cases.append(load(broken).data)
    fjordby = load(FJORDBY).data
    cases.append({**fjordby, "duration": {"start": "2026-01-01", "renewal": {"mode": "until_terminated"}}})
    cases.append({**fjordby, "economy": {**fjordby["economy"], "financing": [{"source": "fjordby"}]}})
    assert any(_errors(plain, case) for case in cases)  # the comparison includes errors
    for case in cases:
        assert _errors(editor, case) == _errors(plain, case)


# --- The VS Code build task: its problem matcher on real output --------------------------------


def _tasks() -> dict:
    text = (ROOT / ".vscode" / "tasks.json").read_text(encoding="utf-8")
    return json.loads("".join(line for line in text.splitlines(True) if not line.lstrip().startswith("//")))


def test_build_task_puts_rule_problems_in_the_problems_panel(tmp_path):
    tasks = _tasks()["tasks"]
    [default] = [task for task in tasks if task["group"] == {"kind": "build", "isDefault": True}]
    assert default["args"] == ["build.py", "validate"]
    matcher = default["problemMatcher"]
    pattern = matcher["pattern"]
    regexp = re.compile(pattern["regexp"])  # the JavaScript pattern reads the same in Python
    assert all(task["problemMatcher"] == matcher for task in tasks)

    project = copy_project(tmp_path)
    broken = project / "agreements" / FJORDBY.name
    text = broken.read_text(encoding="utf-8")
    start = dt.date.fromisoformat(re.search(r"^  start: (\S+)$", text, re.MULTILINE).group(1))
    before = (start - dt.timedelta(days=1)).isoformat()
    broken.write_text(re.sub(r"^  end: \S+$", f"  end: {before}", text, count=1, flags=re.MULTILINE))

    def validate(*extra):
        return subprocess.run(
            [sys.executable, "build.py", "validate", *extra], cwd=project, capture_output=True, text=True
        )

    expected = json.loads(validate("--format", "json").stdout)["problems"]
    assert any(p["code"] == "PA106" for p in expected)  # a rule problem (end before start)
    output = validate()
    assert output.returncode == 1
    found = [m for m in map(regexp.match, output.stdout.splitlines()) if m]
    assert len(found) == len(expected) > 0
    for match, problem in zip(found, expected, strict=True):
        assert (project / match.group(pattern["file"])).resolve() == (project / problem["file"]).resolve()
        assert int(match.group(pattern["line"])) == problem["line"]
        assert int(match.group(pattern["column"])) == problem["column"]
        assert match.group(pattern["severity"]) == problem["severity"]
        assert match.group(pattern["message"]) == problem["message"]
        assert match.group(pattern["code"]) == problem["code"]  # the Problems panel shows it apart
