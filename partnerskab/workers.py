"""Render agreements in parallel, each in a worker process with a time limit.

The pool has one *slot* per job. A slot holds a pandoc (pandoc_server.py, one `pandoc lua`
process that converts agreement after agreement) and a forked worker process that uses it
and keeps a Typst compiler.

- The parent starts a slot's pandoc as soon as an agreement looks like it needs rendering,
  before it checks that agreement (RenderPool.prestart), so pandoc starts and warms up while
  the agreement is checked and the render modules are imported.
- The parent forks the worker once it has a task for it, after importing and preparing what
  rendering needs (render.prepare), so workers share that memory; it never renders itself,
  and forks before Typst has started any threads.
- The worker *adopts* the slot's pandoc (it inherits the pipes; pandoc stays the parent's
  child). A worker is replaced after TASKS_PER_WORKER agreements; its successor adopts the
  same pandoc, still warm.
- A worker that runs past the time limit or dies is killed (its process group) and replaced,
  and so is the slot's pandoc, which may have been half-way through an answer; only that
  agreement fails. A pandoc that fails inside a worker is killed by the worker, which starts
  one of its own for its next agreement (pandoc_server.py).
- A worker hands its pandoc on only when it is idle with every answer read (hand_back); else
  it kills it and exits with HANDED_BACK_UNCLEAN, and the parent starts a fresh one. So no
  worker can read an answer meant for another agreement.
- Once the last task is given, the parent tells every worker to end after its current one and
  lets go of each pandoc's input (_Slot.wind_down): workers and pandocs end while the parent
  writes the last documents, instead of after (about 9 ms of a one-agreement build). A
  persistent pool (the live preview) keeps them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from multiprocessing.connection import wait
from pathlib import Path

from .errors import RenderError
from .i18n import Formats, language
from .messages import BUILD
from .pandoc_server import PandocServer
from .stopping import _FORKING
from .stopping import check_stop as _check_stop

RENDER_TIMEOUT = 300
# A worker's exit code when the pandoc it was lent is not fit for the next worker (it owed an
# answer, or failed and was killed): the parent then starts a fresh one for the slot.
HANDED_BACK_UNCLEAN = 3
# A worker that has rendered this many agreements is replaced by a fresh fork, which bounds
# whatever a long-lived process might gather. Typst's memory needs no replacing: the worker's
# Renderer trims its caches between agreements (render.TYPST_TRIMS), and one worker's memory
# levels off after a few agreements. Workers used to be replaced after 3 agreements to bound
# Typst's memory; each fresh worker cost the kernel about 30 ms of page faults (in a build of
# bench/bench.py's 60, 1.2-1.5 s of system time against 0.6-0.9 s now) and its Typst a colder
# first agreement.
TASKS_PER_WORKER = 30
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


def _serve(connection, single_threaded: bool, parent: int, pandoc: PandocServer, others: list) -> None:
    from .render import Renderer

    os.setpgrp()  # its own process group, so a time-out can stop a pandoc it started too
    current: dict[str, str] = {}
    for other in others:  # the pipes of the pandocs lent to the other workers are not ours
        other.forget()
    pandoc.adopt()

    def terminate(signum, frame):
        """The parent is gone or asks us to stop: remove this task's files, then end the
        whole process group, and the adopted pandoc, which is in the parent's."""
        if "workdir" in current:
            shutil.rmtree(current["workdir"], ignore_errors=True)
        if pandoc.adopted and pandoc.process is not None:
            with contextlib.suppress(OSError):
                os.kill(pandoc.process.pid, signal.SIGKILL)
        os.killpg(0, signal.SIGKILL)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    if single_threaded:  # read by Typst's thread pool when it first starts, in this process
        os.environ["RAYON_NUM_THREADS"] = "1"
    renderer = Renderer(pandoc)  # pandoc and Typst, kept warm for the next agreement
    try:
        _serve_tasks(connection, renderer, current)
    finally:
        clean = pandoc.hand_back()
        renderer.close()
    if not clean:
        sys.exit(HANDED_BACK_UNCLEAN)


def _serve_tasks(connection, renderer, current: dict) -> None:
    from .render import render

    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        if task is None:
            return
        data, assets, keep, workdir, alone = task
        renderer.overlap = alone  # no other worker renders: Typst may use the other core
        # Kept until the next task: the parent removes it once it has the result, but should
        # the parent die first, this worker removes it on its way out.
        current["workdir"] = workdir
        try:
            os.mkdir(workdir, 0o700)  # never an existing folder or link: the name is fresh
            documents = render(data, Path(workdir), **assets, renderer=renderer)
            if keep:  # PARTNERSKAB_KEEP_INTERMEDIATE: what pandoc and Typst were given
                shutil.copytree(workdir, keep, dirs_exist_ok=True)
            result = (True, documents)
        except RenderError as exc:
            result = (False, exc)
        except Exception as exc:  # a bug, but still only this agreement's
            result = (False, RenderError(f"{type(exc).__name__}: {exc}"))
        # A draft mark made here goes to the parent, so that the workers it forks later have it
        # (render.DRAFT_MARKS) instead of each making it again.
        connection.send((*result, renderer.new_marks))
        renderer.new_marks = {}


class _Worker:
    def __init__(self, single_threaded: bool = False, pandoc: PandocServer | None = None, others=()):
        self.connection, child_end = _FORK.Pipe()
        pandoc = pandoc or PandocServer()
        args = (child_end, single_threaded, os.getpid(), pandoc, list(others))
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

    def give(
        self, key, data: dict, assets: dict, keep: str | None, timeout: float, alone: bool = True
    ) -> None:
        """`assets`: render()'s other arguments, the logos' bytes and the output name. `alone`:
        no other worker of the pool is rendering (render.Renderer.overlap)."""
        # The parent names the work directory and removes it, even when the worker is killed;
        # the worker creates it, so a parent killed before sending leaves nothing behind.
        self.workdir = os.path.join(tempfile.gettempdir(), f"partnerskab-{secrets.token_hex(8)}")
        self.connection.send((data, assets, keep, self.workdir, alone))
        self.task = (key, data, time.monotonic() + timeout)
        self.done += 1

    def last_task_given(self) -> None:
        """Ask the worker to end after its current task: it reads this once it has sent that
        task's result (stop() sends the same, which is then not read)."""
        with contextlib.suppress(OSError):
            self.connection.send(None)

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


class _Slot:
    """One job's place in the pool: a pandoc the parent started, and the worker using it."""

    def __init__(self, pandoc: PandocServer | None = None):
        self.pandoc = pandoc or PandocServer()
        self.worker: _Worker | None = None
        self.winding_down = False
        self.start_pandoc()

    def start_pandoc(self) -> None:
        self.pandoc.start(warm=True, own_group=True)

    def fresh_pandoc(self) -> None:
        """Stop the slot's pandoc (dead, half-way through an answer, or owing one) and start a
        new one warming up for the next worker."""
        self.pandoc.kill()
        self.start_pandoc()

    @property
    def task(self):
        return self.worker.task if self.worker else None

    def retire(self) -> None:
        """Replace the worker politely (it has rendered its share). The pandoc stays for the
        next worker when the worker handed it back idle; otherwise a fresh pandoc starts."""
        worker, self.worker = self.worker, None
        worker.stop()
        if not self._taken_back(worker):
            self.fresh_pandoc()

    def _taken_back(self, worker: _Worker) -> bool:
        """After a polite stop: did the worker hand the pandoc back idle, with every answer read
        (exit 0, hand_back)? The worker read them, so the parent's count is reset, and the
        pandoc may serve the next worker, or be closed politely (end of input)."""
        if worker.process.exitcode == 0 and self.pandoc.alive():
            self.pandoc.owed = 0
            return True
        return False

    def discard(self) -> None:
        """The worker was killed or died: its pandoc may be half-way through an answer, so it
        goes too, and a fresh one starts warming up for the next worker (unless the pool is
        winding down: no worker will follow)."""
        if self.worker:
            self.worker.stop(kill=True)
            self.worker = None
        if self.winding_down:
            self.pandoc.kill()
        else:
            self.fresh_pandoc()

    def wind_down(self) -> None:
        """No task will follow: the worker ends as soon as it has sent the result it works on
        (or at once, when idle), and pandoc once that worker has let go of it. Both then end
        while the parent writes the last documents, and stop() finds them gone."""
        self.winding_down = True
        if self.worker:
            self.worker.last_task_given()
        self.pandoc.release()

    def stop(self) -> None:
        if self.worker:
            busy = self.worker.task is not None
            self.worker.stop(kill=busy)
            if not busy:
                self._taken_back(self.worker)
            self.worker = None
            if busy:
                self.pandoc.kill()
        self.pandoc.close()


class RenderPool:
    """Render worker processes, each with its pandoc; see the module's docstring."""

    def __init__(
        self,
        jobs: int,
        timeout: float | None = None,
        pandoc: PandocServer | None = None,
        persistent: bool = False,
    ):
        """`pandoc`: one started already (cli.py starts it first thing for named files).
        `persistent`: the workers and their pandocs stay up after a run that ends normally, warm
        for the next (the live preview, live.py); the owner calls close(). A run that ends by an
        error or a stop closes the pool all the same."""
        self.spare = pandoc
        self.persistent = persistent
        self.jobs = max(1, jobs)
        self.timeout = timeout or float(os.environ.get("PARTNERSKAB_RENDER_TIMEOUT", RENDER_TIMEOUT))
        self.single_threaded = self.jobs > 1  # each worker has a core: Typst need not spread
        self.slots: list[_Slot] = []
        self.prepared = self.shared = False
        self.forks = 0

    def prestart(self) -> None:
        """An agreement is about to be checked and will most likely be rendered: start a pandoc
        for it now, unless one is already free or the pool is full."""
        if len(self.slots) < self.jobs and all(slot.task for slot in self.slots):
            self._new_slot()

    def _new_slot(self) -> _Slot:
        spare, self.spare = self.spare, None
        self.slots.append(_Slot(spare))
        return self.slots[-1]

    def _free_slot(self) -> _Slot:
        for slot in self.slots:
            if not slot.task:
                return slot
        return self._new_slot()

    def close(self) -> None:
        for slot in self.slots:
            slot.stop()
        self.slots = []
        if self.spare:
            self.spare.close()
            self.spare = None

    def _give(self, slot: _Slot, task: tuple) -> None:
        """Give `task` to the slot's worker, forking one if it has none (or it is used up);
        a worker that died while it waited (the out-of-memory killer, say) is replaced."""
        _check_stop()
        if not self.prepared:
            from .render import prepare

            prepare()  # before the first fork, so that every worker inherits it
            self.prepared = True
        if slot.worker and slot.worker.done >= TASKS_PER_WORKER:
            slot.retire()
        for attempt in range(2):
            if slot.worker is None:
                if not slot.pandoc.alive():  # a worker killed it after it failed
                    slot.fresh_pandoc()
                if self.forks and not self.shared:
                    # docx.py and lxml, and Typst's fonts: the first worker imports and loads
                    # them itself while its pandoc converts (render.py), so the first agreement
                    # never waits for the parent; the parent does so before the next fork, so
                    # that the workers forked later share them.
                    from . import docx  # noqa: F401
                    from .render import typst_fonts

                    typst_fonts()
                    self.shared = True
                others = [s.pandoc for s in self.slots if s is not slot]
                slot.worker = _Worker(self.single_threaded, slot.pandoc, others)
                self.forks += 1
                _check_stop()
            try:
                alone = not any(other.task for other in self.slots if other is not slot)
                slot.worker.give(*task, self.timeout, alone)
                return
            except OSError:  # BrokenPipeError: nobody reads the other end any more
                if attempt:
                    raise
                slot.discard()

    def run(self, tasks: Iterable[tuple]) -> Iterator[tuple]:
        """Yield (key, Documents or RenderError) for each (key, data, assets, keep), as each
        finishes. `keep` is a folder to copy the intermediate files to, or None.

        `tasks` is read lazily: the caller checks the next agreement while the workers render.
        One task is kept ready ahead, so a worker that finishes starts on the next agreement at
        once, before its result is written and the agreement after that is checked.
        """
        pending = iter(tasks)
        ready: list[tuple] = []
        exhausted = completed = winding_down = False

        def pull() -> None:
            nonlocal exhausted
            task = next(pending, None)
            if task is None:
                exhausted = True
            else:
                ready.append(task)

        def busy() -> list[_Slot]:
            return [s for s in self.slots if s.task]

        try:
            while True:
                while ready and len(busy()) < self.jobs:  # every free worker gets a task
                    self._give(self._free_slot(), ready.pop(0))
                if not exhausted and len(ready) < 1:
                    pull()  # check the next agreement while the workers render
                    continue
                if exhausted and not ready and not self.persistent and not winding_down:
                    winding_down = True  # every task is given: workers and pandocs may end
                    for slot in self.slots:
                        slot.wind_down()
                if not busy():
                    if exhausted and not ready:
                        completed = True
                        return
                    continue
                _check_stop()
                waiting = busy()
                wait_for = max(0.0, min(s.task[2] for s in waiting) - time.monotonic())
                signalled = wait([s.worker.connection for s in waiting], timeout=wait_for)
                for slot in waiting:
                    key, data, deadline = slot.task
                    words = BUILD[language(data)]
                    # poll(0): a result that came while the caller wrote the last one is not late
                    if slot.worker.connection in signalled or slot.worker.connection.poll(0):
                        try:
                            _, result, marks = slot.worker.connection.recv()
                            if marks:  # render is imported: it was prepared before the fork
                                from .render import DRAFT_MARKS

                                DRAFT_MARKS.update(marks)
                        except (EOFError, OSError):
                            result = RenderError(words["worker_crashed"])
                            slot.discard()
                    elif time.monotonic() >= deadline:
                        result = RenderError(
                            words["worker_timeout"].format(
                                seconds=Formats(language(data)).number(self.timeout)
                            )
                        )
                        slot.discard()
                    else:
                        continue
                    if slot.worker:
                        slot.worker.task = None
                        slot.worker.clean()
                    if ready:  # the next agreement first, then this one's result is written
                        self._give(slot, ready.pop(0))
                    _check_stop()
                    yield key, result
        finally:
            if not (completed and self.persistent):
                self.close()
