"""The pre-commit hook: an installed validator (pre-commit in another repository) carries the
schema with it, installs without the build tools, stays small, and says the same as build.py.

The hook's environment is made as pre-commit makes it (a fresh venv, `pip install` of the
package) with the oldest Python the package supports, offline: `make test` has put the wheels
of the base dependencies (requirements-hook.lock) into .venv/wheelhouse.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerskab import i18n

from .conftest import EXAMPLES, FJORDBY, ROOT, agreements_folder, copy_project, run_cli

WHEELHOUSE = ROOT / ".venv" / "wheelhouse"
LIMIT_MB = 60  # the hook's whole environment on disk, Python's venv and pip included
BUILD_ONLY = ("babel", "jinja2", "typst", "pypandoc", "docx", "lxml", "watchfiles")


def _oldest_python() -> str:
    """The oldest Python pyproject.toml's requires-python allows (">=3.11" -> python3.11)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = re.fullmatch(r">=\s*(\d+\.\d+)", project["requires-python"]).group(1)
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys._base_executable
    found = shutil.which(f"python{version}")
    assert found, f"python{version} (the oldest Python the hook supports) is not installed"
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy: setuptools leaves build/lib behind, and build/ is where our documents go.
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("partnerskab", "schema"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q"]
        + ["-w", str(folder), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=source,
    )
    assert result.returncode == 0, result.stderr
    [built] = folder.glob("partnerskab-*.whl")
    return built


@pytest.fixture(scope="module")
def hook(tmp_path_factory, wheel) -> Path:
    """The hook's environment: a fresh venv with the package and its base dependencies."""
    assert (WHEELHOUSE / ".downloaded").exists(), "run `make test` (it fills .venv/wheelhouse)"
    env = tmp_path_factory.mktemp("hook") / "env"
    made = subprocess.run([_oldest_python(), "-m", "venv", str(env)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    installed = subprocess.run(
        [
            env / "bin" / "python",
            "-m",
            "pip",
            "install",
            "-q",
            "--no-index",
            "--find-links",
            WHEELHOUSE,
            wheel,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env


def _megabytes_on_disk(folder: Path) -> float:
    """As `du` counts: the blocks each file takes, each hard-linked file once."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        info = path.lstat()
        if (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            total += info.st_blocks * 512
    return total / 1024 / 1024


def _validate(hook: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [hook / "bin" / "partnerskab-validate", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_wheel_ships_schema_and_validator_entry_point(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
        metadata = next(archive.read(n).decode() for n in names if n.endswith("METADATA"))
    for schema_file in (ROOT / "schema").glob("*.json"):
        assert f"partnerskab/schema_files/{schema_file.name}" in names
    assert "partnerskab-validate = partnerskab.cli:validate_main" in entry_points
    base = [
        line for line in metadata.splitlines() if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert base and not [line for line in base if re.search("|".join(BUILD_ONLY), line, re.I)]


def test_the_hooks_environment_is_small_and_has_no_build_tools(hook):
    size = _megabytes_on_disk(hook)
    assert size < LIMIT_MB, f"the hook's environment takes {size:.1f} MB"
    for module in BUILD_ONLY:
        found = subprocess.run([hook / "bin" / "python", "-c", f"import {module}"], capture_output=True)
        assert found.returncode != 0, f"{module} is installed in the hook's environment"


def test_the_hook_says_what_build_py_says_about_the_examples(hook, tmp_path):
    folder = agreements_folder(tmp_path)
    for example in EXAMPLES:
        shutil.copy(example, folder / example.name)
    names = [f"agreements/{e.name}" for e in EXAMPLES]
    result = _validate(hook, *names, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    expected = run_cli("validate", *names, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (expected.returncode, expected.stdout)
    drafts = [
        n
        for n, e in zip(names, EXAMPLES, strict=True)
        if "\nstatus: draft\n" in e.read_text(encoding="utf-8")
    ]
    accepted = _validate(hook, *drafts, cwd=tmp_path)  # valid without a sealed copy (seal.py)
    assert accepted.returncode == 0, accepted.stdout
    assert f"{len(drafts)} aftaler er i orden." in accepted.stdout


def _broken(text: str) -> str:
    """Sums and dates wrong: the messages then hold amounts and dates to write the Danish way."""
    text = re.sub(r"amount: (\d+)", lambda m: f"amount: {int(m[1]) + 1_000_001}", text, count=1)
    return re.sub(r"(\n  end: )(\d{4})", lambda m: f"{m[1]}{int(m[2]) - 2}", text, count=1)


@pytest.mark.parametrize("example", [FJORDBY, ROOT / "agreements" / "norreby-reading-friends.yaml"])
def test_the_hook_says_what_build_py_says(hook, tmp_path, example):
    """The hook (installed without the build tools) says what build.py says, words and numbers."""
    path = agreements_folder(tmp_path) / "broken.yaml"
    path.write_text(_broken(example.read_text(encoding="utf-8")), encoding="utf-8")
    result = _validate(hook, "agreements/broken.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(r"^agreements/broken\.yaml:\d+:\d+: error: ", result.stdout, re.M)
    assert run_cli("validate", "agreements/broken.yaml", cwd=tmp_path).stdout == result.stdout
    if example == FJORDBY:  # Danish: amounts with a full stop between thousands, dates in words
        assert "1.500.001\u00a0kr." in result.stdout and "31.\u00a0december\u00a02025" in result.stdout


def test_write_schema_gives_editor_support(hook, tmp_path):
    agreements_folder(tmp_path)
    result = _validate(hook, "--write-schema", "schema/", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    wanted = sorted(p.name for p in (ROOT / "schema").glob("*.json"))
    assert sorted(p.name for p in (tmp_path / "schema").iterdir()) == wanted
    for name in wanted:
        assert (tmp_path / "schema" / name).read_bytes() == (ROOT / "schema" / name).read_bytes()
    assert f"({len(wanted)} filer)" in result.stdout
    [modeline] = [line for line in result.stdout.splitlines() if line.startswith("# yaml-language-server:")]
    target = modeline.split("$schema=", 1)[1]
    assert (tmp_path / "agreements" / target).resolve().is_file()  # relative to the agreement
    draft = next(e for e in EXAMPLES if "\nstatus: draft\n" in e.read_text(encoding="utf-8"))
    text = draft.read_text(encoding="utf-8").split("\n", 1)[1]  # the example's own modeline out
    (tmp_path / "agreements" / "x.yaml").write_text(f"{modeline}\n{text}", encoding="utf-8")
    checked = _validate(hook, "agreements/x.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout


def test_write_schema_into_a_folder_that_cannot_be_made(hook, tmp_path):
    (tmp_path / "schema").write_text("a file, not a folder", encoding="utf-8")
    result = _validate(hook, "--write-schema", "schema/", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "partnerskab-validate: fejl: skemaet kunne ikke skrives i schema" in result.stderr


def test_building_without_the_build_tools_says_how_to_get_them(hook, tmp_path):
    project = copy_project(tmp_path)
    result = subprocess.run(
        [hook / "bin" / "python", project / "build.py", "build", "--out", tmp_path / "out"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "værktøjerne, der bygger dokumenterne, er ikke installeret" in result.stderr
    assert "pip install '.[build]'" in result.stderr


def test_the_lock_files_agree(tmp_path):
    """requirements-hook.lock pins what requirements.lock pins, with the same hashes."""

    def pins(name: str) -> dict[str, str]:
        text = (ROOT / name).read_text(encoding="utf-8").replace("\\\n", " ")
        return {m[1]: m[0] for m in re.finditer(r"^([a-z0-9._-]+)==\S+(?:\s+--hash=\S+)+", text, re.M)}

    everything, hook = pins("requirements.lock"), pins("requirements-hook.lock")
    assert hook and {name: everything.get(name) for name in hook} == hook
    assert "watchfiles" in everything and "babel" in everything and "babel" not in hook


# The light path (i18n without Babel) against Babel itself.

LOCALES = st.sampled_from(["da_DK", "en_GB"])
NUMBERS = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False),
)


@given(NUMBERS, LOCALES)
def test_numbers_without_babel_are_babels(value, locale):
    from babel.numbers import format_decimal

    assert i18n.decimal_text(value, locale) == format_decimal(value, locale=locale)


def test_a_number_of_any_size_is_written_and_infinity_is_refused():
    """Above 28 digits Python's decimal context could not round; the schema keeps such numbers
    out of the documents, and the formatting does not depend on it."""
    assert i18n.decimal_text(10**30 + 0.5, "da_DK") == "1" + ".000" * 10
    assert i18n.decimal_text(10**40, "en_GB") == "10" + ",000" * 13
    with pytest.raises(ValueError):
        i18n.decimal_text(float("inf"), "da_DK")


@given(
    st.one_of(
        st.integers(min_value=0, max_value=10**6),
        st.floats(min_value=0, max_value=1e6, allow_nan=False),
        st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False),
    ),
    LOCALES,
)
def test_plural_forms_without_babel_are_babels(n, locale):
    from babel import Locale

    assert i18n.plural_form(n, locale) == Locale.parse(locale).plural_form(abs(n))


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)), LOCALES)
def test_dates_without_babel_are_babels(day, locale):
    from babel.dates import format_date

    assert i18n.long_date(day, locale) == format_date(day, "long", locale=locale)


@given(st.lists(st.text(alphabet="abcæøå ", min_size=1, max_size=8), min_size=1, max_size=6), LOCALES)
def test_lists_without_babel_are_babels(names, locale):
    from babel.lists import format_list

    assert i18n.list_text(names, locale) == format_list(names, locale=locale)


def test_plural_examples():
    """CLDR's examples: Danish «1,5 time» is singular, English «1.5 hours» is not."""
    assert [i18n.plural_form(n, "da_DK") for n in (0, 1, 1.5, 2, Decimal("0.1"))] == [
        "other",
        "one",
        "one",
        "other",
        "one",
    ]
    assert [i18n.plural_form(n, "en_GB") for n in (0, 1, 1.0, 1.5, 2)] == [
        "other",
        "one",
        "one",
        "other",
        "other",
    ]
