#!/usr/bin/env python3
"""Entry point: see `python build.py --help` and the README."""

import os
import signal
import sys


def _stopped_while_starting(signum, frame):
    """Ctrl-C or SIGTERM before the command line has taken over (while modules load)."""
    sys.stderr.write("\nAfbrudt.\n")
    os._exit(130)


signal.signal(signal.SIGTERM, _stopped_while_starting)
if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
    signal.signal(signal.SIGINT, _stopped_while_starting)

from partnerskab.cli import main  # noqa: E402  (after the handlers: importing takes a moment)

if __name__ == "__main__":
    sys.exit(main())
