#!/usr/bin/env python3
"""Entry point: see `python build.py --help` and the README.

Started by another Python than .venv's (`python3 build.py`), it runs itself again with
.venv/bin/python when `make` has made one, so the tools are those in requirements.lock. Without
.venv, a Python that lacks the project's packages gets one Danish line saying that `make` comes
first (exit 2), never a traceback.
"""

import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
AGAIN = "PARTNERSKAB_REEXEC"  # set for the second start, so a broken .venv cannot loop


def _stopped_while_starting(signum, frame):
    """Ctrl-C or SIGTERM before the command line has taken over (while modules load)."""
    sys.stderr.write("\nAfbrudt.\n")
    os._exit(130)


def _in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _start_again_in_venv() -> None:
    """The same command with .venv/bin/python: same arguments, same process (exec), so signals,
    standard streams and the exit code stay the caller's."""
    if _in_venv():
        os.environ.pop(AGAIN, None)  # not handed on to the tools this run starts
        return
    python = VENV / "bin" / "python"
    if os.access(python, os.X_OK) and AGAIN not in os.environ:
        os.environ[AGAIN] = "1"
        os.execv(python, [str(python), str(ROOT / "build.py"), *sys.argv[1:]])


def _explain(missing: ModuleNotFoundError):
    try:
        from partnerskab.messages import NOT_SET_UP  # only the standard library
    except ImportError:
        NOT_SET_UP = "build.py: fejl: Python-pakken «{name}» mangler. Kør «make» først"
    sys.stderr.write(NOT_SET_UP.format(name=missing.name) + "\n")
    sys.exit(2)


signal.signal(signal.SIGTERM, _stopped_while_starting)
if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, _stopped_while_starting)

_start_again_in_venv()
if str(ROOT) not in sys.path:  # `python -I build.py` leaves the script's folder out
    sys.path.insert(0, str(ROOT))

try:
    from partnerskab.cli import main  # after the handlers: importing takes a moment
except ModuleNotFoundError as exc:
    _explain(exc)
except Exception as exc:  # the tool's own code cannot load (a broken install or merge): cli's exit 70
    import traceback

    sys.stderr.write(f"build.py: uventet fejl i selve værktøjet, ikke i aftalerne ({type(exc).__name__}).\n")
    traceback.print_exc()
    sys.exit(70)


def _exit_now(code: int) -> None:
    """End the process once the command has done its work. Python's own shutdown, which frees
    every loaded module one by one, takes about 25 ms after a build: a tenth of building one
    agreement. Every file the command wrote is closed and its workers are gone by the time main
    returns; what it printed is flushed here."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more can be shown
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    _exit_now(main())
