"""Python's cycle collector while the program starts.

build.py turns the collector off before it imports anything. Starting up only allocates (the
modules, the schema, Babel's locale data, the compiled template), and the collector's passes
over all of that took about 30 ms of a 0.3 s one-agreement build (bench/bench.py (c)). It is
turned on again, by `collect_from_now_on`:
- by a command that forks no render workers, as soon as its arguments are read (cli.py);
- by a build, at its first fork (workers.py). What the parent has loaded is frozen first, so
  neither the parent nor a forked worker ever scans those objects again, and the worker does
  not copy the memory they lie on: the pattern Python's documentation gives for gc.freeze();
- by a build that forks nothing (every agreement up to date, or none valid), when it ends.

Only objects made while the collector was off are frozen, once: a long-lived process (the live
preview) never freezes garbage made later.
"""

from __future__ import annotations

import gc


def collect_from_now_on() -> None:
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
