"""Render agreements in parallel, each in a worker process with a time limit.

Workers are forked once and reused, so pandoc is the only process started per document and
Typst keeps its fonts loaded. A worker that runs past the time limit or dies is killed with
the pandoc it started (its own process group) and replaced; only its agreement fails.
The parent never renders: it forks before Typst has started any threads.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import shutil
import signal
import tempfile
import time
from collections.abc import Iterable, Iterator
from multiprocessing.connection import wait
from pathlib import Path

from .i18n import language
from .messages import BUILD
from .render import Renderer, RenderError, prepare, render
from .stopping import _FORKING
from .stopping import check_stop as _check_stop

RENDER_TIMEOUT = 300
# Typst's caches grow with every document a worker compiles (to about 150 MB); a worker that
# has rendered this many agreements is replaced by a fresh one, which keeps memory bounded.
TASKS_PER_WORKER = 8
_FORK = multiprocessing.get_context("fork")


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send SIGTERM when the parent dies, even by `kill -9`. The worker inherits
    the parent's end of its pipe, so it would never see end-of-file and would live on."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(0)


def _serve(connection, single_threaded: bool, parent: int) -> None:
    os.setpgrp()  # its own process group, so a time-out can stop pandoc too
    current: dict[str, str] = {}

    def terminate(signum, frame):
        """The parent is gone or asks us to stop: remove this task's files, then end the
        whole process group, pandoc included."""
        if "workdir" in current:
            shutil.rmtree(current["workdir"], ignore_errors=True)
        os.killpg(0, signal.SIGKILL)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    if single_threaded:  # read by Typst's thread pool when it first starts, in this process
        os.environ["RAYON_NUM_THREADS"] = "1"
    renderer = Renderer()  # pandoc and Typst, kept warm for the next agreement
    try:
        _serve_tasks(connection, renderer, current)
    finally:
        renderer.close()


def _serve_tasks(connection, renderer: Renderer, current: dict) -> None:
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        if task is None:
            return
        data, assets, keep, workdir = task
        # Kept until the next task: the parent removes it once it has the result, but should
        # the parent die first, this worker removes it on its way out.
        current["workdir"] = workdir
        try:
            os.mkdir(workdir, 0o700)  # never an existing folder or link: the name is fresh
            documents = render(data, Path(workdir), **assets, renderer=renderer)
            if keep:  # PARTNERSKAB_KEEP_INTERMEDIATE: what pandoc and Typst were given
                shutil.copytree(workdir, keep, dirs_exist_ok=True)
            connection.send((True, documents))
        except RenderError as exc:
            connection.send((False, exc))
        except Exception as exc:  # a bug, but still only this agreement's
            connection.send((False, RenderError(f"{type(exc).__name__}: {exc}")))


class _Worker:
    def __init__(self, single_threaded: bool = False):
        self.connection, child_end = _FORK.Pipe()
        args = (child_end, single_threaded, os.getpid())
        self.process = _FORK.Process(target=_serve, args=args, daemon=True)
        _FORKING.append(True)
        try:
            self.process.start()
        finally:
            _FORKING.pop()
        child_end.close()
        self.task: tuple | None = None  # (key, data, deadline)
        self.workdir: str | None = None
        self.done = 0

    def give(self, key, data: dict, assets: dict, keep: str | None, timeout: float) -> None:
        """`assets`: render()'s other arguments, the logos' bytes and the output name."""
        # The parent names the work directory and removes it, even when the worker is killed;
        # the worker creates it, so a parent killed before sending leaves nothing behind.
        self.workdir = os.path.join(tempfile.gettempdir(), f"partnerskab-{secrets.token_hex(8)}")
        self.connection.send((data, assets, keep, self.workdir))
        self.task = (key, data, time.monotonic() + timeout)
        self.done += 1

    def clean(self) -> None:
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def stop(self, kill: bool = False) -> None:
        self._halt(kill)
        self.clean()

    def _halt(self, kill: bool) -> None:
        if kill and self.process.is_alive():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        else:
            with contextlib.suppress(OSError):
                self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _give(workers: list[_Worker], index: int, task: tuple, timeout: float, single_threaded: bool) -> None:
    """Give `task` to worker `index`; one that died while it waited (the out-of-memory killer,
    say) is replaced, and the task goes to the new one."""
    _check_stop()
    try:
        workers[index].give(*task, timeout)
    except OSError:  # BrokenPipeError: nobody reads the other end any more
        workers[index].stop(kill=True)
        workers[index] = _Worker(single_threaded)
        _check_stop()
        workers[index].give(*task, timeout)


def render_many(tasks: Iterable[tuple], jobs: int, timeout: float | None = None) -> Iterator[tuple]:
    """Yield (key, Documents or RenderError) for each (key, data, assets, keep), as each finishes.
    `keep` is a folder to copy the intermediate files to, or None.

    `tasks` is read lazily, one task whenever a worker is free, so the caller can check the
    next agreement while the workers render the previous ones.
    """
    timeout = timeout or float(os.environ.get("PARTNERSKAB_RENDER_TIMEOUT", RENDER_TIMEOUT))
    pending = iter(tasks)
    workers: list[_Worker] = []
    single_threaded = jobs > 1  # each worker has a core: Typst need not spread over the others
    try:
        while len(workers) < max(1, jobs):
            task = next(pending, None)
            if task is None:
                break
            if not workers:
                prepare()  # before the first fork, so that every worker inherits it
            workers.append(_Worker(single_threaded))
            _give(workers, len(workers) - 1, task, timeout, single_threaded)
        while any(w.task for w in workers):
            _check_stop()
            busy = [w for w in workers if w.task]
            wait_for = max(0.0, min(w.task[2] for w in busy) - time.monotonic())
            ready = wait([w.connection for w in busy], timeout=wait_for)
            for index, worker in enumerate(workers):
                if not worker.task:
                    continue
                key, data, deadline = worker.task
                words = BUILD[language(data)]
                if worker.connection in ready:
                    try:
                        _, result = worker.connection.recv()
                    except (EOFError, OSError):
                        result = RenderError(words["worker_crashed"])
                        worker.stop(kill=True)
                        worker = workers[index] = _Worker(single_threaded)
                elif time.monotonic() >= deadline:
                    result = RenderError(words["worker_timeout"].format(seconds=f"{timeout:g}"))
                    worker.stop(kill=True)
                    worker = workers[index] = _Worker(single_threaded)
                else:
                    continue
                worker.task = None
                worker.clean()
                _check_stop()
                yield key, result
                task = next(pending, None)
                if task is not None:
                    if worker.done >= TASKS_PER_WORKER:
                        worker.stop()
                        worker = workers[index] = _Worker(single_threaded)
                    _give(workers, index, task, timeout, single_threaded)
    finally:
        for worker in workers:
            worker.stop(kill=worker.task is not None)
