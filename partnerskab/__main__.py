"""`python -m partnerskab` is the same as `python build.py`."""

import sys

from partnerskab.cli import main

sys.exit(main())
