"""One warm pandoc per render worker: `pandoc lua templates/pandoc/render.lua`.

Starting pandoc costs more than converting an agreement, and four pandoc runs per agreement
(Markdown -> JSON, then HTML, DOCX and Typst) were most of a build's time. This process reads
agreement after agreement, each once, and writes the three formats from the same tree; the
script's header has the protocol and the guarantees (sandboxed reader, no file read from user
text, byte-identical output).

Reading the Markdown was then the largest part of what was left. So each agreement is sent as
the Pandoc document that pandoc_json.py reads the Markdown into (pandoc reads JSON about seven
times as fast), and as Markdown, read by pandoc's sandboxed reader, only where pandoc_json.py
is not sure of its reading. Both give the same documents (tests/test_pandoc_json.py,
tests/test_pandoc_server.py).

A pandoc that runs past its time limit, crashes or answers nonsense is killed; only that
agreement fails, and the next one starts a new pandoc.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import select
import selectors
import signal
import subprocess
import tempfile
import time
from functools import cache
from pathlib import Path

from . import pandoc_json
from .errors import RenderError
from .paths import TEMPLATES

SCRIPT = TEMPLATES / "pandoc" / "render.lua"
# No raw blocks, no citations, no metadata blocks in the body, and no "smart" typography:
# what a person typed, quotes and dashes included, is what the documents show. No task lists:
# pandoc makes «- [ ] opgave» a checkbox even with the brackets escaped.
READER = (
    "markdown-raw_html-raw_attribute-raw_tex-citations-yaml_metadata_block-pandoc_title_block-smart"
    "-implicit_figures-task_lists"
)
PANDOC_TIMEOUT = 120


# No variable of the user's reaches pandoc. SOURCE_DATE_EPOCH: see render.lua. GHCRTS, the
# options of pandoc's run-time system (its garbage collector):
# - -H8m: a suggested heap of 8 MB instead of the 64 MB pandoc is built with; a process that
#   lives for a whole build then holds about 45 MB instead of 95 MB, at the same speed;
# - -A16m: a 16 MB allocation area, where new objects are made, instead of 4 MB (GHC 9.10's);
#   pandoc collects its young garbage a quarter as often, which takes a fifth of its CPU time off an
#   agreement (about 100 -> 85 ms; 150 -> 130 ms for the first agreement, warm-up included),
#   for about 10 MB more memory;
# - -O16m: an old generation of at least 16 MB instead of 1 MB before pandoc collects it whole.
#   Each DOCX it writes leaves a few MB there (the reference document, read again), and with 1 MB
#   pandoc collected everything about every second agreement (32 times for the benchmark's 60,
#   13 ms each); now 9 times, about 5 ms less an agreement, for about 5 MB more memory.
# All measured with the benchmark's agreements (`GHCRTS=... -s` prints the collections). An RTS
# that refuses an option only warns.
ENVIRONMENT = {"LANG": "C.UTF-8", "SOURCE_DATE_EPOCH": "0", "GHCRTS": "-H8m -A16m -O16m"}


class PandocFailed(RenderError):
    """Pandoc could not convert this agreement. A time-out or a stop is told in the agreement's
    language (RenderError.reason); pandoc's own message, quoted in it, is pandoc's English."""


@cache
def pandoc_binary() -> str:
    """The pandoc that pypandoc-binary ships (pinned in requirements.lock), found without
    importing pypandoc: pypandoc runs every pandoc it can find to pick one, which costs a
    pandoc start, and may prefer another pandoc on PATH, whose documents would differ."""
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "files" / "pandoc"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    import pypandoc

    return pypandoc.get_pandoc_path()


# A small document that takes pandoc through what comes before an agreement's Typst source
# (the reader, the layout filter, the Typst writer and its template), sent as soon as pandoc
# starts: its first document costs it about 90 ms more than the next, and this way that happens
# while the build still checks the agreement. "warm-up" tells render.lua to skip the HTML and
# DOCX writers: their first use costs little, and comes after the Typst source is sent, while
# Typst lays out the PDF. The whole warm-up made a one-agreement build wait for it (about 10 ms
# more, bench/bench.py (c)).
WARM_UP = (
    "::: {.contents}\n:::\n\n# Parter {#partners}\n\nTekst med *vægt*, **fed** og "
    "[et link](https://example.org).\n\n- punkt\n- punkt\n\n| A | B |\n|---|--:|\n| a | 1 |\n\n"
    ": Tabel\n\n# Underskrifter {#signatures .unnumbered}\n",
    {
        "title": "Partnerskabsaftale",
        "subtitle": "Parter",
        "lang": "da-DK",
        "typst-lang": "da",
        "region": "DK",
        "status-text": "Udkast",
        "version-text": "Version 1",
        "doc-kind": "Aftale",
        "toc-title": "Indhold",
        "key-element": "nøgleelement",
        "page-label": "Side",
        "page-of": "af",
        "draft": True,
        "warm-up": True,
    },
)


class PandocServer:
    """A `pandoc lua` process that is started on first use and kept for the next agreement.

    The build's parent process starts one for each render worker (workers.py), so that pandoc
    starts while the agreement is still being checked, and lends it to the worker it forks;
    the worker *adopts* it (it is not the worker's child). A replaced worker's successor adopts
    the same pandoc. A worker whose pandoc fails kills it and starts one of its own."""

    def __init__(self, reader: str = READER, timeout: float = PANDOC_TIMEOUT, read_json: bool = True):
        """`read_json`: send pandoc the document as pandoc_json.py reads it where it can (the
        default); False always sends the Markdown (tests compare the two)."""
        self.reader, self.timeout, self.read_json = reader, timeout, read_json
        self.process: subprocess.Popen | None = None
        self.errors = None  # pandoc's stderr, kept in an unnamed file for a crash's message
        # Answers pandoc owes: the warm-up's, and one per request sent. receive() reads and drops
        # all but the last, so an answer left unread (a failure between send and receive, a
        # warm-up no agreement followed) can never be taken for the next agreement's.
        self.owed = 0
        self._half = False  # the first part of the oldest owed answer has been read
        self._incoming = bytearray()  # what pandoc has answered and is not read yet
        self._deadline = 0.0
        self._outgoing = memoryview(b"")
        self.adopted = False  # started by another process (the build's parent), lent to this one

    def start(self, warm: bool = False, own_group: bool = False) -> None:
        """Start pandoc unless it runs. `own_group`: in a process group of its own, for the
        parent's pandoc, which a Ctrl-C in the terminal should not reach (the build stops it)."""
        if self.process is not None:
            return
        self.errors = tempfile.TemporaryFile()
        env = {**ENVIRONMENT, "PATH": os.environ.get("PATH", "")}
        self.process = subprocess.Popen(
            [pandoc_binary(), "lua", str(SCRIPT), self.reader],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            env=env,
            cwd="/",
            process_group=0 if own_group else None,
        )
        self.adopted = False
        self._forget_answers()
        if warm:
            with contextlib.suppress(OSError):  # a pandoc that died at once: the request says why
                self.process.stdin.write(_request(*WARM_UP, self.read_json))
                self.process.stdin.flush()
                self.owed = 1

    def _forget_answers(self) -> None:
        """A new or gone process owes nothing, and nothing it said is left to read."""
        self.owed, self._half, self._incoming = 0, False, bytearray()

    def alive(self) -> bool:
        """In the process that started it: is pandoc still running?"""
        return self.process is not None and self.process.poll() is None

    def adopt(self) -> None:
        """In a forked worker: this pandoc is the worker's to use, but not its child."""
        self.adopted = True

    def hand_back(self) -> bool:
        """In the worker, at its end: True when the lent pandoc runs and owes no answer, so the
        next worker can adopt it as it is. Otherwise it is killed (when it still runs) and the
        parent starts a fresh one (workers.py reads this from the worker's exit code)."""
        if not self.adopted or self.process is None:
            return False
        clean = self.owed == 0 and not self._half and not self._incoming
        if not clean:
            with contextlib.suppress(OSError):
                os.kill(self.process.pid, signal.SIGKILL)
        self.forget()
        return clean

    def forget(self) -> None:
        """Close this process's ends of the pipes and nothing else (another process owns
        pandoc): a worker does this for the pandocs lent to the other workers."""
        process, self.process = self.process, None
        self._forget_answers()
        if process is not None:
            for stream in (process.stdin, process.stdout):
                with contextlib.suppress(OSError):
                    stream.close()
        if self.errors:
            self.errors.close()
            self.errors = None

    def close(self) -> None:
        """End the process: politely (end of input) when it is idle, else by force. An adopted
        pandoc is only let go of: its owner ends it."""
        if self.adopted:
            self.forget()
            return
        process, self.process = self.process, None
        if process is None:
            return
        busy = self.owed
        self._forget_answers()
        if busy:  # still working (warming up for an agreement that never came): no need to wait
            with contextlib.suppress(OSError):
                process.kill()
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            _wait(process, timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        if self.errors:
            self.errors.close()
            self.errors = None

    def release(self) -> None:
        """In the parent, when no agreement will follow: let go of pandoc's input, so that it
        ends by itself once the worker it was lent to has let go too (hand_back), while the
        parent writes that worker's last documents. close() then finds it gone."""
        if self.process is not None and not self.adopted:
            with contextlib.suppress(OSError):
                self.process.stdin.close()

    def kill(self) -> None:
        """Stop pandoc at once (it is running over time, or answered nonsense)."""
        if self.process is not None:
            with contextlib.suppress(OSError):
                if self.adopted:  # not our child: its pid is ours to signal while we hold its pipes
                    os.kill(self.process.pid, signal.SIGKILL)
                else:  # Popen never signals a pid it has already reaped (and that may be reused)
                    self.process.kill()
        if self.adopted:
            self.forget()
            self.adopted = False  # the next agreement starts a pandoc of this worker's own
        else:
            self.close()

    def convert(self, markdown: str, metadata: dict) -> tuple[bytes, bytes, bytes]:
        """(HTML, DOCX, Typst) for one agreement's Markdown and metadata."""
        self.send(markdown, metadata)
        return self.receive()

    def send(self, markdown: str, metadata: dict) -> None:
        """Hand pandoc an agreement; receive() gets the answer. In between the caller may do
        other work (render.py sets Typst up and imports docx.py then) while pandoc converts."""
        self.start()
        self._deadline = time.monotonic() + self.timeout
        self._outgoing = memoryview(_request(markdown, metadata, self.read_json))
        self._guarded(self._pump, lambda: not self._outgoing)
        self.owed += 1

    def receive(self) -> tuple[bytes, bytes, bytes]:
        """(HTML, DOCX, Typst): the whole answer to the last request."""
        typst = self.receive_typst()
        html, docx = self.receive_rest()
        return html, docx, typst

    def receive_typst(self) -> bytes:
        """The first part of the answer to the last request, the Typst source, which pandoc
        sends as soon as it is written; receive_rest() gets the HTML and DOCX. Answers to
        earlier requests that were not read (the warm-up's, or one left after a failure) are
        read first and dropped."""
        if self.process is None or not self.owed or (self._half and self.owed == 1):
            raise PandocFailed("receive_typst() without send()")
        if self._half:  # the rest of an answer whose first part was read
            self._guarded(self._part, False)
            self._half, self.owed = False, self.owed - 1
        while self.owed > 1:
            if self._guarded(self._part, True)[0] == "ok":
                self._guarded(self._part, False)
            self.owed -= 1
        kind, parts = self._guarded(self._part, True)
        if kind == "error":
            self.owed -= 1
            self._check_done()
            raise PandocFailed(parts[0].decode(errors="replace").strip())
        self._half = True
        return parts[0]

    def receive_rest(self) -> tuple[bytes, bytes]:
        """(HTML, DOCX): the rest of the answer whose Typst source receive_typst() returned."""
        if self.process is None or not self._half:
            raise PandocFailed("receive_rest() without receive_typst()")
        kind, parts = self._guarded(self._part, False)
        self._half, self.owed = False, self.owed - 1
        self._check_done()
        if kind == "error":
            raise PandocFailed(parts[0].decode(errors="replace").strip())
        return parts[0], parts[1]

    def _check_done(self) -> None:
        if not self.owed and self._incoming:
            self._guarded(self._fail, "more answers than requests")

    def _guarded(self, step, *args):
        """Run one step of the exchange; a pandoc that runs over time, has died or answers
        nonsense is killed, and this agreement fails with the reason."""
        try:
            return step(*args)
        except TimeoutError:
            self.kill()
            raise PandocFailed(
                f"pandoc took more than {self.timeout:g} s", "pandoc_timeout", seconds=float(self.timeout)
            ) from None
        except (OSError, ValueError, EOFError) as exc:
            detail = self._stderr_tail()
            self.kill()
            raise PandocFailed(
                f"pandoc stopped: {detail or exc}", "pandoc_stopped", detail=detail or exc
            ) from None

    @staticmethod
    def _fail(reason: str):
        raise ValueError(reason)

    def _pump(self, done) -> None:
        """Write the request and read what pandoc answers, both as far as the pipes let,
        until done() or the deadline. Reading while writing: pandoc may still be writing the
        warm-up's answer while the request is written."""
        stdin, stdout = self.process.stdin.fileno(), self.process.stdout.fileno()
        os.set_blocking(stdin, False)
        with selectors.DefaultSelector() as selector:
            if self._outgoing:
                selector.register(stdin, selectors.EVENT_WRITE)
            selector.register(stdout, selectors.EVENT_READ)
            while not done():
                left = self._deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                for key, _ in selector.select(left):
                    if key.fd == stdout:
                        chunk = os.read(stdout, 1 << 20)
                        if not chunk:
                            raise EOFError("end of output")
                        self._incoming.extend(chunk)
                    else:
                        try:
                            written = os.write(stdin, self._outgoing[: 1 << 16])
                        except BlockingIOError:
                            continue
                        self._outgoing = self._outgoing[written:]
                        if not self._outgoing:
                            selector.unregister(stdin)

    def _part(self, first: bool) -> tuple[str, list[bytes]]:
        """One part of an answer: ("ok", [Typst]) or ("error", [message]) as the first;
        ("ok", [HTML, DOCX]) or ("error", [message]) as the second (render.lua's header)."""
        self._pump(lambda: b"\n" in self._incoming)
        line = bytes(self._incoming[: self._incoming.index(b"\n")])
        del self._incoming[: len(line) + 1]
        words = line.decode("ascii", errors="replace").split()
        if words[:1] == ["error"] and len(words) == 2:
            kind, sizes = "error", [int(words[1])]
        elif first and words[:1] == ["ok"] and len(words) == 2:
            kind, sizes = "ok", [int(words[1])]
        elif not first and len(words) == 2:
            kind, sizes = "ok", [int(w) for w in words]  # ValueError: nonsense, handled as a crash
        else:
            raise ValueError(f"an answer it cannot read: {line[:80]!r}")
        self._pump(lambda: len(self._incoming) >= sum(sizes))
        parts, start = [], 0
        for size in sizes:
            parts.append(bytes(self._incoming[start : start + size]))
            start += size
        del self._incoming[:start]
        return kind, parts

    def _stderr_tail(self) -> str:
        if not self.errors:
            return ""
        with contextlib.suppress(OSError):
            self.errors.seek(0, os.SEEK_END)
            size = self.errors.tell()
            self.errors.seek(max(0, size - 2000))
            return self.errors.read().decode(errors="replace").strip()
        return ""


def _wait(process: subprocess.Popen, timeout: float) -> None:
    """process.wait(timeout), woken the moment the process ends. Popen.wait with a time-out
    polls, sleeping longer each time, which kept a one-agreement build about 7 ms past pandoc's
    end; Linux's pidfd (5.3 and later) wakes poll() at once (poll, not select, which refuses a
    descriptor numbered 1024 or higher). The pid cannot be another process's: Popen has not
    reaped it."""
    if process.returncode is not None:
        return
    try:
        pidfd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # an older system: Popen's own polling
        process.wait(timeout=timeout)
        return
    try:
        ended = select.poll()
        ended.register(pidfd, select.POLLIN)
        if not ended.poll(timeout * 1000):
            raise subprocess.TimeoutExpired(process.args, timeout)
    finally:
        os.close(pidfd)
    process.wait()


def _request(markdown: str, metadata: dict, read_json: bool = True) -> bytes:
    """The request for one agreement (render.lua's protocol): the Pandoc document that
    pandoc_json.py makes of the Markdown, which pandoc reads in a seventh of the time, or the
    Markdown itself when pandoc_json.py is not sure of it (or not `read_json`)."""
    document = pandoc_json.document(markdown, metadata) if read_json else None
    if document is not None:
        body = document.json.encode()
        flags = f"{document.typed_as_typed:d} {document.wide_words:d}"
        blocks = f"{_block_numbers(document.inline_blocks)} {_block_numbers(document.guard_blocks)}"
        return f"json {len(body)} {flags} {blocks} {document.tables or '-'}\n".encode() + body
    body = markdown.encode()
    meta = json.dumps(metadata, ensure_ascii=False).encode()
    return f"{len(body)} {len(meta)}\n".encode() + body + meta


def _block_numbers(numbers: tuple[int, ...] | None) -> str:
    """Top-level blocks in render.lua's request header: "3,7", "-" for none, "*" for all."""
    if numbers is None:
        return "*"
    return ",".join(map(str, numbers)) or "-"
