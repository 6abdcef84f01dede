#!/usr/bin/env python3
"""Entry point: see `python build.py --help` and the README."""

import sys

from partnerskab.cli import main

if __name__ == "__main__":
    sys.exit(main())
