"""One warm pandoc per render worker: `pandoc lua templates/pandoc/render.lua`.

Starting pandoc costs more than converting an agreement, and four pandoc runs per agreement
(Markdown -> JSON, then HTML, DOCX and Typst) were most of a build's time. This process reads
agreement after agreement, each once, and writes the three formats from the same tree; the
script's header has the protocol and the guarantees (sandboxed reader, no file read from user
text, byte-identical output).

A pandoc that runs past its time limit, crashes or answers nonsense is killed; only that
agreement fails, and the next one starts a new pandoc.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import subprocess
import tempfile
import time

from .paths import TEMPLATES

SCRIPT = TEMPLATES / "pandoc" / "render.lua"


class PandocFailed(Exception):
    """Pandoc could not convert this agreement; the message says why (in English: it goes into
    the Danish PA090 message as the technical detail)."""


def _pandoc_path() -> str:
    import pypandoc  # only here: finding pandoc costs a pandoc run the first time

    return pypandoc.get_pandoc_path()


class PandocServer:
    """A `pandoc lua` process that is started on first use and kept for the next agreement."""

    def __init__(self, reader: str, timeout: float):
        self.reader, self.timeout = reader, timeout
        self.process: subprocess.Popen | None = None
        self.errors = None  # pandoc's stderr, kept in an unnamed file for a crash's message

    def start(self) -> None:
        if self.process is not None:
            return
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [_pandoc_path(), "lua", str(SCRIPT), self.reader],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            # SOURCE_DATE_EPOCH: see render.lua; no other variable of ours reaches pandoc.
            env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "SOURCE_DATE_EPOCH": "0"},
            cwd="/",
        )

    def close(self) -> None:
        """End the process: politely (end of input) when it is idle, else by force."""
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        if self.errors:
            self.errors.close()
            self.errors = None

    def _kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(OSError):
                self.process.kill()
        self.close()

    def convert(self, markdown: str, metadata: dict) -> tuple[bytes, bytes, bytes]:
        """(HTML, DOCX, Typst) for one agreement's Markdown and metadata."""
        self.start()
        body = markdown.encode()
        meta = json.dumps(metadata, ensure_ascii=False).encode()
        request = f"{len(body)} {len(meta)}\n".encode() + body + meta
        deadline = time.monotonic() + self.timeout
        try:
            answer = self._exchange(request, deadline)
        except TimeoutError:
            self._kill()
            raise PandocFailed(f"pandoc took more than {self.timeout:g} s") from None
        except (OSError, ValueError, EOFError) as exc:
            detail = self._stderr_tail()
            self._kill()
            raise PandocFailed(f"pandoc stopped: {detail or exc}") from None
        return answer

    def _exchange(self, request: bytes, deadline: float) -> tuple[bytes, bytes, bytes]:
        stdin, stdout = self.process.stdin.fileno(), self.process.stdout.fileno()
        os.set_blocking(stdin, False)
        buffer = bytearray()
        with selectors.DefaultSelector() as selector:
            selector.register(stdin, selectors.EVENT_WRITE)
            selector.register(stdout, selectors.EVENT_READ)
            view, sent = memoryview(request), 0

            def wait():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                return selector.select(left)

            def need(count: int) -> None:
                while len(buffer) < count:
                    for key, _ in wait():
                        if key.fd == stdout:
                            chunk = os.read(stdout, 1 << 20)
                            if not chunk:
                                raise EOFError("end of output")
                            buffer.extend(chunk)
                        else:
                            send()

            def send() -> None:
                nonlocal sent
                try:
                    sent += os.write(stdin, view[sent : sent + (1 << 16)])
                except BlockingIOError:
                    return
                if sent == len(view):
                    selector.unregister(stdin)

            while b"\n" not in buffer:
                need(len(buffer) + 1)
            line, _, rest = bytes(buffer).partition(b"\n")
            buffer[:] = rest
            words = line.decode("ascii", errors="replace").split()
            sizes = [int(w) for w in words[1:]]  # ValueError: nonsense, handled as a crash
            need(sum(sizes))
            parts, start = [], 0
            for size in sizes:
                parts.append(bytes(buffer[start : start + size]))
                start += size
            if words[0] == "error" and len(parts) == 1:
                raise PandocFailed(parts[0].decode(errors="replace").strip())
            if words[0] != "ok" or len(parts) != 3 or start != len(buffer):
                raise ValueError(f"an answer it cannot read: {line[:80]!r}")
            return parts[0], parts[1], parts[2]

    def _stderr_tail(self) -> str:
        if not self.errors:
            return ""
        with contextlib.suppress(OSError):
            self.errors.seek(0, os.SEEK_END)
            size = self.errors.tell()
            self.errors.seek(max(0, size - 2000))
            return self.errors.read().decode(errors="replace").strip()
        return ""
