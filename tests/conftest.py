"""Shared fixtures. The examples are built once per test run, through the real CLI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests run the same examples every time, so a landing never depends on
# luck; locally they explore new ones (and remember failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "agreements").glob("*.yaml"))
FJORDBY = ROOT / "agreements" / "fjordby-familievenner.yaml"
# The one warning an example shows on purpose: hours agreed in words (resources[].hours_text).
EXAMPLE_WARNINGS = {"gadekaer-vaeresteder.yaml": ["PA205"]}


def missing_program(reason: str) -> None:
    """A program a test opens a document with is not installed: skip the test and say how to
    install it, or fail under CI, where .ci/run installs it."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(reason)
    pytest.skip(reason)


def poppler(program: str) -> str:
    """pdftoppm, pdftotext or pdffonts, which draw a PDF's pages, take out its text as a
    reader's viewer does, and list the fonts it embeds."""
    return shutil.which(program) or missing_program(
        f"{program} is missing: install Debian's `poppler-utils` package (.ci/run does)"
    )


def run_cli(
    *args: str, cwd: Path = ROOT, env: dict | None = None, root: Path = ROOT, stdin=None
) -> subprocess.CompletedProcess:
    """`root`/build.py (this repository's, or a copy's) as a new process; `env`: variables set
    on top of this one's."""
    return subprocess.run(
        [sys.executable, str(root / "build.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **env} if env else None,
        stdin=stdin,
    )


def with_long_budget(text: str, items: int) -> str:
    """An agreement's text (Fjordby's) with a budget of `items` lines of 1.000 kr. («Post
    nummer 1», …) and one source paying for all of it: a table that runs over pages."""
    budget = text[text.index("  budget:\n") : text.index("  terms:")]
    financing = text[text.index("  financing:\n") : text.index("  budget:\n")]
    lines = "".join(f"    - item: Post nummer {n}\n      amount: 1000\n" for n in range(1, items + 1))
    text = text.replace(budget, "  budget:\n" + lines)
    return text.replace(
        financing, f"  financing:\n    - source: Fjordby Kommune\n      amount: {items * 1000}\n"
    )


def seal(*paths: Path, env: dict | None = None) -> None:
    """Seal a signed agreement written by a test (`build.py seal`), as its writers would before
    building it: without a seal, a signed agreement is an error (PA130, partnerskab/seal.py).
    `env`: the build's environment (SOURCE_DATE_EPOCH goes into the sealed documents)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "seal", *map(str, paths)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def seal_if_signed(path: Path, env: dict | None = None) -> None:
    if re.search(r"^status: *(signed|ended)\b", path.read_text(encoding="utf-8"), re.MULTILINE):
        seal(path, env=env)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """All examples built into one directory with `build.py build`."""
    out = tmp_path_factory.mktemp("build")
    result = run_cli("build", *map(str, EXAMPLES), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


CODE = ("build.py", "partnerskab", "schema", "templates", "fonts", "logos", "bilag", "sealed")


def copy_project(base: Path, examples: bool = True) -> Path:
    """A copy of the project in `base`, so a test may change it: the code, and the examples in
    agreements/ (or, with examples=False, an empty agreements/ of the test's own)."""
    for name in CODE:
        source = ROOT / name
        if not source.exists():
            continue
        (shutil.copytree if source.is_dir() else shutil.copy)(source, base / name)
    if examples:
        shutil.copytree(ROOT / "agreements", base / "agreements")
    else:
        (base / "agreements").mkdir()
    return base


def agreements_folder(base: Path) -> Path:
    """base/agreements beside a copy of logos/, like the repository, so the examples' logo
    paths (../logos/...) hold when their text is written there."""
    folder = base / "agreements"
    folder.mkdir(parents=True, exist_ok=True)
    # What the examples' paths (../logos/..., ../bilag/...) lead to, and the seals of the signed
    # ones (../sealed/NAME/, seal.py), which hold while their text is unchanged.
    for name in ("logos", "bilag", "sealed"):
        if not (base / name).exists() and (ROOT / name).exists():
            shutil.copytree(ROOT / name, base / name)
    return folder


@pytest.fixture
def write_agreement(tmp_path):
    """Write YAML text to a file in a temporary agreements folder and return its path."""

    def write(text: str, name: str = "aftale.yaml") -> Path:
        path = agreements_folder(tmp_path) / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
