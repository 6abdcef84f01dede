"""Live preview: `python build.py watch [FILE ...]` (`make preview-live`).

It builds once, then serves the output folder on 127.0.0.1 and rebuilds an agreement each time
its YAML (or a logo or annex beside it) is saved; the open page reloads by itself. While an
agreement has problems, its page shows them (line, column, Danish text) instead of the
document, with the last good version one click away.

Two processes, so that the one that forks render workers never has threads of its own (a fork
from a process with threads can deadlock the child; see workers.py):

- the *builder* (the command's own process) checks and renders with a persistent RenderPool
  (workers.py), so pandoc and Typst stay warm between saves; it waits on a pipe for changes;
- the *server*, forked first, before any thread exists, serves the folder over HTTP, watches
  the files with watchfiles (a Rust watcher, no polling of our own) and sends the builder the
  paths that changed. The builder answers with each agreement's state, which the server pushes
  to the open pages as server-sent events (/_live/events).

The pages of the preview live under /_live/; everything else is the output folder as it is,
served read-only. Ctrl-C stops both processes and the workers; the command then ends with 0.
"""

from __future__ import annotations

import html
import json
import os
import signal
import sys
import threading
import time
from dataclasses import asdict
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .messages import COMMANDS, os_reason
from .paths import shown_path
from .problems import format_text
from .stopping import check_stop, reset_stop
from .text import printable

HOST = "127.0.0.1"  # never another interface: drafts are not for the network
DEFAULT_PORT = 8000
# watchfiles groups the events of one save (editors write, rename and touch): it waits `STEP`
# ms for more, at most `DEBOUNCE` ms in all. A save is built well within a second.
STEP_MS, DEBOUNCE_MS = 30, 300
# How both of the server's watchers call watchfiles.watch: Ctrl-C is the builder's, and a
# folder it may not read is passed over.
WATCH = {"debounce": DEBOUNCE_MS, "step": STEP_MS, "raise_interrupt": False, "ignore_permission_denied": True}
ASSET_FOLDERS = ("logos", "bilag")  # beside the agreements' folder: a changed logo rebuilds too


def watch(files: list[str], out: Path, jobs: int, port: int, every: bool) -> int:
    """Run the preview until Ctrl-C. `every`: no files were named, so every agreement in the
    folder is watched, new ones too."""
    import multiprocessing

    from .pipeline import build_files
    from .register import not_written, web_fonts, write_register
    from .state import STATE_FILE
    from .workers import RenderPool
    from .write import write_together

    folders = sorted({str(Path(f).resolve().parent) for f in files})
    for folder in list(folders):
        for name in ASSET_FOLDERS:
            extra = Path(folder).parent / name
            if extra.is_dir():
                folders.append(str(extra))
    watched = {str(Path(f).resolve()): f for f in files}

    parent_end, child_end = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(
        target=_server_main, args=(child_end, out, port, folders, os.getpid()), daemon=True
    )
    server.start()
    child_end.close()
    pool = RenderPool(jobs, persistent=True)
    try:
        try:
            kind, value = parent_end.recv()
        except EOFError:  # the server ended before it could say why
            kind, value = "error", "forhåndsvisningens server kunne ikke starte"
        if kind == "error":
            print(f"build.py: fejl: {value}", file=sys.stderr)
            return 2
        print(f"Forhåndsvisning: {value}\nGem en aftale, så opdateres siden. Stop med Ctrl-C.", flush=True)

        recorded = False  # whether a build has left its record (state.py) in the output folder

        def build(paths: list[str], register: bool, first: bool = False) -> None:
            nonlocal recorded
            started = time.monotonic()
            outcomes, _ = build_files(paths, out, False, jobs, pool=pool, register=register)
            try:
                if register:  # every agreement watched, not only those just built
                    write_register(_rows(out, list(watched.values())), out)
                if any(o.written for o in outcomes):
                    write_together(web_fonts(out))
            except OSError as exc:
                print(not_written(exc), file=sys.stderr)
            seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")  # a decimal comma
            clock = time.strftime("%H:%M:%S")
            states = []
            for outcome in outcomes:
                sys.stdout.write(format_text(outcome.problems))
                stem = Path(outcome.file).stem
                word = "i orden" if outcome.ok else "har problemer"
                if outcome.skipped and outcome.ok and not first:
                    continue  # saved without a change: the page need not reload
                print(f"[{clock}] {printable(stem)}: {word} ({seconds} s)", flush=True)
                states.append(
                    {
                        "stem": stem,
                        "file": outcome.file,
                        "ok": outcome.ok,
                        "document": (out / f"{stem}.html").is_file(),
                        "problems": [asdict(p) for p in outcome.problems],
                        "built": clock,
                    }
                )
            # Noted before the pages hear of the build: a folder deleted the moment they do
            # (`make clean`) must find the record noted, or nothing would be built again.
            recorded = (out / STATE_FILE).is_file()
            parent_end.send(("built", states))

        build(list(watched.values()), register=every, first=True)
        while True:
            check_stop()
            kind, changed = parent_end.recv()
            gone = kind == "output-gone"  # the output folder was deleted (the server saw it)
            while parent_end.poll(0):  # saves that came during the last build: one build for all
                more_kind, more = parent_end.recv()
                gone, changed = gone or more_kind == "output-gone", [*changed, *more]
            paths, removed = [], []
            for path in changed:
                shown = watched.get(path)
                if shown is None and every and _agreement(path):
                    shown = watched[path] = shown_path(path)
                if shown is None:
                    if _asset(path):  # a logo or an annex: any agreement may use it
                        paths = list(watched.values())
                    continue
                (paths if Path(path).exists() else removed).append(shown)
            for shown in removed:
                watched.pop(str(Path(shown).resolve()), None)
                parent_end.send(("removed", Path(shown).stem))
            if gone or (paths and recorded and not (out / STATE_FILE).is_file()):
                # The output folder was emptied or deleted while the preview ran (`make clean`):
                # every agreement is built again, not only the one saved, so every page is back;
                # when the folder itself was deleted, at once, without a save.
                paths = list(watched.values())
            if paths:
                build(sorted(set(paths)), register=every)
    except (KeyboardInterrupt, EOFError):
        pass
    finally:
        pool.close()
        server.terminate()
        server.join(5)
        parent_end.close()
    reset_stop()
    print("\nForhåndsvisningen er stoppet.", file=sys.stderr)
    return 0


def _rows(out: Path, files: list[str]) -> list[dict]:
    """The register's rows of every watched agreement that has current documents, from the
    build's record (state.py), as `build` writes them for the whole folder."""
    from .state import State

    entries = State(out).entries
    return [entries[Path(f).stem]["register"] for f in files if Path(f).stem in entries]


def _asset(path: str) -> bool:
    """A saved file that is not an agreement: an editor's backup or temporary file (gone by
    now, hidden, or ending in ~) is not one an agreement can use."""
    name = Path(path).name
    return Path(path).is_file() and not name.startswith(".") and not name.endswith(("~", ".swp", ".tmp"))


def _agreement(path: str) -> bool:
    from .load import NAME

    return bool(NAME.match(Path(path).name))


# ---------------------------------------------------------------------------------------------
# The server process


class _State:
    """What the pages show: each agreement's last build, and a version that goes up on every
    change, which the event streams wait for."""

    def __init__(self):
        self.agreements: dict[str, dict] = {}
        self.version = 0
        self.changed = threading.Condition()

    def update(self, kind: str, value) -> None:
        with self.changed:
            if kind == "built":
                for state in value:
                    self.version += 1
                    self.agreements[state["stem"]] = {**state, "version": self.version}
            elif kind == "removed":
                self.version += 1
                self.agreements.pop(value, None)
            self.changed.notify_all()

    def snapshot(self) -> tuple[int, str]:
        """The version and the state as JSON, made while no update can change it."""
        with self.changed:
            return self.version, json.dumps(
                {"version": self.version, "agreements": self.agreements}, ensure_ascii=False
            )


def _server_main(connection, out: Path, port: int, folders: list[str], builder: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the builder's to handle
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    from .workers import _die_with_parent

    _die_with_parent(builder)
    state = _State()
    handler = _handler(out.resolve(), state)
    try:
        server = ThreadingHTTPServer((HOST, port), handler)
    except (OSError, OverflowError) as exc:
        why = os_reason(exc) if isinstance(exc, OSError) else "ugyldig port"
        connection.send(
            ("error", f"porten {port} på {HOST} kan ikke bruges ({why}); vælg en anden med --port")
        )
        os._exit(2)
    handler.port = server.server_address[1]
    server.daemon_threads = True
    connection.send(("address", f"http://{HOST}:{server.server_address[1]}/"))

    def listen() -> None:
        try:
            while True:
                state.update(*connection.recv())
        except (EOFError, OSError):
            os._exit(0)

    sending = threading.Lock()  # two watchers tell the builder; a Connection is not thread-safe

    def tell(message: tuple) -> None:
        try:
            with sending:
                connection.send(message)
        except OSError:  # the builder has gone
            os._exit(0)

    def watch_output() -> None:
        """`make clean` or a deleted output folder while nothing is saved: the builder builds
        every page again at once, so the open pages come back by themselves."""
        import watchfiles

        target = str(out.resolve())
        parent = os.path.dirname(target)

        def gone(change, path: str) -> bool:
            return change == watchfiles.Change.deleted and os.path.abspath(path) in (target, parent)

        while True:
            if not os.path.isdir(parent):  # the folder above it was deleted too: wait for it
                time.sleep(0.2)  # one stat: the sooner the watcher is back, the less it can miss
                continue
            try:
                for _ in watchfiles.watch(parent, watch_filter=gone, recursive=False, **WATCH):
                    tell(("output-gone", []))
                    if not os.path.isdir(parent):
                        break  # watchfiles reports nothing more from a deleted folder: start again
                else:
                    return
            except Exception:  # watchfiles' own errors: try again shortly
                time.sleep(2)

    def watch_files() -> None:
        import watchfiles

        said, pause = None, STEP_MS / 1000
        while True:  # the watcher is started again when it fails, so saves are never missed silently
            present = [f for f in folders if os.path.isdir(f)]  # a checkout may have removed one
            try:
                if not present:
                    raise FileNotFoundError("ingen af mapperne findes")
                for changes in watchfiles.watch(*present, **WATCH):
                    tell(("changed", sorted({str(Path(p).resolve()) for _, p in changes})))
                return
            except Exception as exc:  # watchfiles' own errors, e.g. a file name that is not UTF-8
                detail = printable(str(exc))
                if detail != said:  # once, not at every attempt
                    message = COMMANDS["watch_restarted"].format(detail=detail)
                    print(message, file=sys.stderr)
                    said, pause = detail, STEP_MS / 1000
                time.sleep(pause)
                pause = min(pause * 2, 2.0)  # the same failure again: wait longer, up to 2 s

    threading.Thread(target=listen, daemon=True).start()
    threading.Thread(target=watch_files, daemon=True).start()
    threading.Thread(target=watch_output, daemon=True).start()
    server.serve_forever()


def _handler(out: Path, state: _State):
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(out), **kwargs)

        def log_message(self, format, *args):  # the terminal shows builds, not requests
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            super().end_headers()

        def do_POST(self):
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

        do_PUT = do_DELETE = do_POST

        def do_HEAD(self):
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)

        port = 0  # set once the server has its port

        def do_GET(self):
            # Only pages asked for by this machine's own name: another name that points here
            # (DNS rebinding) would let a web page read the drafts.
            if self.headers.get("Host", "") not in (f"{HOST}:{self.port}", f"localhost:{self.port}"):
                self.send_error(HTTPStatus.FORBIDDEN, "Kun http://127.0.0.1 eller http://localhost")
                return
            path = unquote(urlsplit(self.path).path)
            if path == "/":
                self.send_response(HTTPStatus.FOUND)
                self.send_header("Location", "/_live/")
                self.end_headers()
                return
            if not path.startswith("/_live/"):
                return super().do_GET()
            page = path.removeprefix("/_live/")
            if page == "events":
                return self._events()
            if page == "live.js":
                return self._send(SCRIPT.encode(), "text/javascript; charset=utf-8")
            if page == "live.css":
                return self._send(STYLE.encode(), "text/css; charset=utf-8")
            if page == "":
                return self._send(_page("Forhåndsvisning", None), "text/html; charset=utf-8")
            if page.startswith("vis/"):
                return self._send(
                    _page("Forhåndsvisning", page.removeprefix("vis/")), "text/html; charset=utf-8"
                )
            self.send_error(HTTPStatus.NOT_FOUND)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                "frame-src 'self'; font-src 'self'; img-src 'self' data:",
            )
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            """Server-sent events: the whole state now, and again after each change."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.end_headers()
            seen = -1
            try:
                while True:
                    with state.changed:
                        state.changed.wait_for(lambda seen=seen: state.version != seen, timeout=15)
                    version, snapshot = state.snapshot()
                    if version == seen:
                        self.wfile.write(b": stadig her\n\n")  # keeps proxies and browsers patient
                    else:
                        self.wfile.write(f"data: {snapshot}\n\n".encode())
                        seen = version
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


def _page(title: str, stem: str | None) -> bytes:
    """The preview's page: the list of agreements, or one agreement (filled in by live.js)."""
    target = "" if stem is None else f' data-stem="{html.escape(stem)}"'
    return f"""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="/_live/live.css">
<script src="/_live/live.js" defer></script>
</head>
<body{target}>
<header class="bar">
  <a class="home" href="/_live/">Forhåndsvisning</a>
  <span class="name" id="name"></span>
  <span class="state" id="state" role="status" aria-live="polite">Venter på byggeriet …</span>
  <span class="links" id="links"></span>
</header>
<main id="main">
  <section id="list" hidden><h1>Aftaler</h1><ul id="agreements"></ul></section>
  <section id="problems" hidden>
    <h1 id="problems-title">Aftalen har problemer</h1>
    <p>Ret YAML-filen og gem den; siden opdateres af sig selv.</p>
    <ol id="problem-list"></ol>
    <p id="no-document" hidden>Der er endnu ingen god version af aftalen at vise.</p>
  </section>
  <iframe id="document" title="Aftalen" hidden></iframe>
</main>
</body>
</html>
""".encode()


STYLE = """
:root { color-scheme: light; font-family: system-ui, sans-serif; }
body { margin: 0; display: flex; flex-direction: column; height: 100vh; }
.bar { display: flex; flex-wrap: wrap; gap: .4rem 1rem; align-items: center; padding: .5rem 1rem;
  background: #1f2a44; color: #fff; font-size: .95rem; }
.bar a { color: #fff; }
.bar .home { font-weight: 600; text-decoration: none; }
.bar .state { flex: 1; }
.bar .links { display: flex; gap: .8rem; align-items: center; }
.bar .state.problem { color: #ffd7d2; font-weight: 600; }
.bar button { font: inherit; padding: .2rem .6rem; cursor: pointer; }
main { flex: 1; display: flex; flex-direction: column; min-height: 0; }
section { padding: 1rem 1.5rem; max-width: 60rem; overflow: auto; }
#problems { border-left: .4rem solid #b3261e; margin: 1rem; background: #fff6f5; }
#problems h1, #list h1 { font-size: 1.3rem; margin-top: 0; }
#problem-list li { margin: .4rem 0; }
.where { font-weight: 600; }
.code { color: #555; font-size: .9em; }
iframe { flex: 1; border: 0; width: 100%; background: #fff; }
[hidden] { display: none !important; }
"""

SCRIPT = r"""
"use strict";
const stem = document.body.dataset.stem;
const $ = (id) => document.getElementById(id);
let shown = -1, showOld = false, last = null;

function text(tag, value, cls) {
  const node = document.createElement(tag);
  node.textContent = value;
  if (cls) node.className = cls;
  return node;
}

function plural(n, one, other) { return n === 1 ? one : other; }

function showList(agreements) {
  $("list").hidden = false;
  const list = $("agreements");
  list.replaceChildren();
  for (const name of Object.keys(agreements).sort()) {
    const a = agreements[name], item = document.createElement("li");
    const link = text("a", name);
    link.href = "/_live/vis/" + encodeURIComponent(name);
    item.append(link, " – ", a.ok ? "i orden" :
      a.problems.length + " " + plural(a.problems.length, "problem", "problemer"));
    list.append(item);
  }
  $("state").textContent = Object.keys(agreements).length + " " +
    plural(Object.keys(agreements).length, "aftale", "aftaler");
}

function reload(version) {
  const frame = $("document");
  let y = 0;
  try { y = frame.contentWindow.scrollY; } catch (e) { y = 0; }
  frame.onload = () => { try { frame.contentWindow.scrollTo(0, y); } catch (e) {} };
  frame.src = "/" + encodeURIComponent(stem) + ".html?v=" + version;
  shown = version;
}

function showAgreement(a) {
  $("name").textContent = a ? a.file : stem;
  document.title = stem + " – Forhåndsvisning";
  const state = $("state"), links = $("links");
  links.replaceChildren();
  if (!a) {
    state.textContent = "Aftalen findes ikke (længere) i det, der overvåges.";
    $("document").hidden = true; $("problems").hidden = true;
    return;
  }
  for (const kind of ["pdf", "docx"]) {
    if (!a.document) break;
    const link = text("a", kind.toUpperCase());
    link.href = "/" + encodeURIComponent(stem) + "." + kind;
    links.append(link);
  }
  if (a.ok) {
    showOld = false;
    state.className = "state";
    state.textContent = "Opdateret kl. " + a.built;
    $("problems").hidden = true;
    $("document").hidden = false;
    if (a.version !== shown) reload(a.version);
    return;
  }
  state.className = "state problem";
  const n = a.problems.length;
  state.textContent = n + " " + plural(n, "problem", "problemer") + " · kl. " + a.built;
  $("problems-title").textContent = "Aftalen har " + n + " " + plural(n, "problem", "problemer");
  const list = $("problem-list");
  list.replaceChildren();
  for (const p of a.problems) {
    const item = document.createElement("li");
    item.append(text("span", p.file + ", linje " + p.line + ", kolonne " + p.column + ": ", "where"),
      text("span", p.message), " ", text("span", "(" + p.code + ")", "code"));
    list.append(item);
  }
  $("no-document").hidden = a.document;
  if (a.document) {
    const button = text("button", showOld ? "Vis problemerne" : "Vis seneste gode version");
    button.type = "button";
    button.onclick = () => { showOld = !showOld; showAgreement(last); };
    links.prepend(button);
    if (shown < 0) reload(a.version);
  }
  $("problems").hidden = showOld;
  $("document").hidden = !(showOld && a.document);
}

const events = new EventSource("/_live/events");
events.onmessage = (event) => {
  const data = JSON.parse(event.data);
  if (stem === undefined) { showList(data.agreements); return; }
  last = data.agreements[stem];
  showAgreement(last);
};
events.onerror = () => {
  $("state").className = "state problem";
  $("state").textContent = "Forbindelsen til forhåndsvisningen er afbrudt (er den stoppet?).";
};
"""
