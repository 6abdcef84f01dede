"""Ctrl-C and SIGTERM: the command line's signal handler notes a stop here, and the build
checks for it between agreements (workers.py). Kept apart so the command line can install its
handler without importing the render machinery."""

from __future__ import annotations

_STOP: list[bool] = []  # set by the command line's signal handler
_FORKING: list[bool] = []  # while a worker is forked: Python ignores exceptions in its at-fork hooks


def request_stop() -> bool:
    """Note that the run must stop. True when the caller may raise KeyboardInterrupt now;
    False during a fork, when the raise would be swallowed (and print a traceback): then the
    stop is raised at the next check, right after the fork."""
    _STOP.append(True)
    return not _FORKING


def stop_requested() -> bool:
    return bool(_STOP)


def check_stop() -> None:
    if _STOP:
        raise KeyboardInterrupt


def reset_stop() -> None:
    """The stop was the expected end of a command that runs until Ctrl-C (the live preview),
    which has cleaned up after itself: the command line need not report an interruption."""
    _STOP.clear()
