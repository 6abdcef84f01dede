"""The benchmark still runs (tiny, and nothing about speed is asserted: that is its own job)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def test_benchmark_runs_and_reports_every_measure():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--count", "3", "--validate", "6"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for label in (
        "(a) floor",
        "(b) cold full build",
        "--jobs",
        "(c) no-op",
        "(d) one agreement changed",
        "template changed",
        "(e) validate 6",
        "(f) peak memory",
    ):
        assert label in result.stdout
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["count"] == 3 and figures["floor_s"] > 0 and figures["peak_ours_mb"] > 0
    assert "Bygget: 3, uændret: 0, fejlede: 0" in result.stdout  # the template change rebuilt all
