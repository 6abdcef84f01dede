"""Issue 10: clean behaviour under faults. A build that is interrupted (Ctrl-C), terminated
(SIGTERM, as when a CI job is cancelled) or killed (`kill -9`) leaves no worker processes and
no work directories behind, and never prints a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, run_cli


def _ours(marker: str) -> list[int]:
    """The processes started with our marker in their environment (the build and its workers)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if f"PARTNERSKAB_TEST_MARK={marker}".encode() in (proc / "environ").read_bytes():
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":  # a zombie has ended; it only waits to be reaped
                    found.append(int(proc.name))
        except OSError:
            continue
    return found


def _start_build(tmp_path: Path) -> tuple[subprocess.Popen, str, Path]:
    """A build of every example with two workers, stopped once a worker is rendering."""
    marker, scratch = uuid.uuid4().hex, tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "PARTNERSKAB_TEST_MARK": marker}
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "build",
            *map(str, EXAMPLES),
            "--out",
            str(tmp_path / "out"),
            "-j",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        # Ctrl-C as on a terminal, also where this test runs in the background (which ignores it)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not list(scratch.glob("partnerskab-*")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no worker started rendering"
        time.sleep(0.01)
    return process, marker, scratch


def _gone(marker: str, scratch: Path, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while (_ours(marker) or list(scratch.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ours(marker) == [], "processes live on"
    assert list(scratch.iterdir()) == [], "work directories are left behind"


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_says_so_in_danish_and_cleans_up(tmp_path, how):
    process, marker, scratch = _start_build(tmp_path)
    process.send_signal(how)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in err.decode() and "KeyboardInterrupt" not in err.decode()
    assert (
        err.decode()
        .strip()
        .endswith("Afbrudt. Filer, der var ved at blive skrevet, er ikke gemt; kør kommandoen igen.")
    )
    _gone(marker, scratch)
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_workers_die_with_a_killed_parent(tmp_path):
    """`kill -9` gives the build no chance to clean up; the workers notice and do it."""
    process, marker, scratch = _start_build(tmp_path)
    process.kill()
    process.wait(timeout=30)
    _gone(marker, scratch)


def test_an_empty_base_revision_is_a_usage_error():
    for command in ("validate", "diff"):
        result = run_cli(command, "--base", "", str(EXAMPLES[0]))
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "skal være en git-revision" in result.stderr and "Traceback" not in result.stderr
    assert run_cli("validate", "--base", " ", str(EXAMPLES[0])).returncode == 2
