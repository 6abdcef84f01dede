"""An installed validator (pre-commit in another repository) carries the schema with it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from .conftest import ROOT


def test_wheel_ships_schema_and_validator_entry_point(tmp_path):
    # Build from a copy: setuptools leaves build/lib behind, and build/ is where our documents go.
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("partnerskab", "schema"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=source,
    )
    assert result.returncode == 0, result.stderr
    [wheel] = tmp_path.glob("partnerskab-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert "partnerskab/schema_files/partnership-agreement.schema.json" in names
    assert "partnerskab-validate = partnerskab.cli:validate_main" in entry_points
