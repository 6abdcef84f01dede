"""The benchmark still runs (tiny, and nothing about speed is asserted: that is its own job)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def test_benchmark_runs_and_reports_every_measure():
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench.py"),
            "--count",
            "3",
            "--noop-count",
            "4",
            "--validate",
            "6",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for label in (
        "(a) old floor",
        "new floor",
        "(b) cold full build / (old floor",
        "cold full build / (new floor",
        "--jobs 1",
        "times as fast as --jobs 1",
        "(c) one agreement, cold",
        "pandoc with xelatex",
        "(d) no-op rebuild of 4",
        "(e) one agreement changed",
        "template changed",
        "(f) validate one agreement",
        "validate 6",
        "(g) peak memory",
        "(h) live preview",
    ):
        assert label in result.stdout
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["count"] == 3 and figures["old_floor_s"] > figures["new_floor_s"] > 0
    assert figures["peak_mb"] > 0 and figures["single_cold_s"] > 0
    assert "Bygget: 3, uændret: 0, fejlede: 0" in result.stdout  # the template change rebuilt all
