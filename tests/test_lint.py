"""`make lint` runs in CI through the tests: ruff's lint and format checks must pass."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

TARGETS = ["partnerskab", "tests", "tools", "build.py"]


def test_ruff_check():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *TARGETS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_ruff_format():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *TARGETS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
