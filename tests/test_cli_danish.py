"""Everything the command line says is Danish: argparse's help and usage errors, numbers and
plural forms, and the start by a Python that lacks the project's packages."""

from __future__ import annotations

import argparse
import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from partnerskab.cli import _parser
from partnerskab.messages import ARGPARSE, ARGPARSE_INTERNAL

from .conftest import EXAMPLES, FJORDBY, ROOT, copy_project, run_cli

FJORDBY_BYTES = FJORDBY.read_bytes()

# Examples that are drafts: valid without a sealed copy of their documents (see seal.py).
DRAFTS = [p for p in EXAMPLES if re.search(r"^status: draft$", p.read_text(encoding="utf-8"), re.M)]

# argparse's English words; none of them may reach a person.
ENGLISH = re.compile(
    r"\b(usage|options|positional|arguments?|required|invalid|choices?|choose|expected|"
    r"unrecognized|error|show|message|exit|ambiguous|default)\b",
    re.I,
)


def _english(text: str) -> list[str]:
    return ENGLISH.findall(re.sub(r"--?[a-z-]+", "", text))  # option names (--help) are names


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--help"], 0),
        (["validate", "--help"], 0),
        (["build", "--help"], 0),
        (["status", "--help"], 0),
        ([], 2),  # no command
        (["review"], 2),  # a missing argument
        (["publish"], 2),  # an unknown command
        (["validate", "--format", "pdf"], 2),  # an invalid choice
        (["build", "--jobs", "mange"], 2),  # not a number
        (["build", "--out"], 2),  # an option without its value
        (["validate", "--nope"], 2),  # an unknown option
        (["validate", "--strict=ja"], 2),  # a value for an option that takes none
    ],
)
def test_help_and_usage_errors_are_danish(args, code):
    result = run_cli(*args)
    assert result.returncode == code, result.stderr
    text = result.stdout + result.stderr
    assert text.strip()
    assert "Traceback" not in text
    assert _english(text) == [], text
    assert text.startswith("brug: build.py")
    if code == 2:
        assert re.search(r"^build\.py( \w+)?: fejl: ", result.stderr, re.M)


def test_the_danish_words_themselves():
    assert "vis denne hjælp og afslut" in run_cli("--help").stdout
    invalid = run_cli("validate", "--format", "pdf").stderr
    assert "fejl: --format: ugyldigt valg: 'pdf' (vælg mellem 'text'" in invalid
    assert "fejl: dette mangler: FIL" in run_cli("review").stderr
    assert "fejl: KOMMANDO: ugyldigt valg: 'publish'" in run_cli("publish").stderr


def _argparse_words(argparse_file: Path) -> set[str]:
    """Every text argparse hands to gettext (`_()` and `ngettext()`) in that Python."""
    tree = ast.parse(argparse_file.read_text(encoding="utf-8"))
    return {
        arg.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "ngettext")
        for arg in node.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    }


def _argparse_files() -> list[Path]:
    files = [Path(argparse.__file__)]
    for version in ("3.12", "3.13"):  # the hook also runs with newer Pythons, when installed
        python = shutil.which(f"python{version}")
        if python:
            found = subprocess.run(
                [python, "-c", "import argparse; print(argparse.__file__)"], capture_output=True, text=True
            )
            if found.returncode == 0:
                files.append(Path(found.stdout.strip()))
    return files


@pytest.mark.parametrize("argparse_file", _argparse_files(), ids=str)
def test_every_argparse_text_a_user_can_see_is_translated(argparse_file):
    words = _argparse_words(argparse_file)
    assert len(words) > 30  # the source was read
    assert words - set(ARGPARSE) - ARGPARSE_INTERNAL == set()


@pytest.mark.parametrize("english", sorted(ARGPARSE))
def test_translations_keep_the_placeholders(english):
    danish = ARGPARSE[english]
    named = set(re.findall(r"%\((\w+)\)", danish))
    assert named <= set(re.findall(r"%\((\w+)\)", english))
    assert re.findall(r"%[sr]", danish) == re.findall(r"%[sr]", english)
    assert english == "%(heading)s:" or danish != english


def test_argparse_is_left_as_it_was():
    """The Danish words hold while our parser works, not for other parsers in the process."""
    with pytest.raises(SystemExit):
        _parser().parse_args(["validate", "--format", "pdf"])
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext
    assert "usage:" in argparse.ArgumentParser(prog="x").format_usage()


def test_plural_forms_of_the_summary():
    assert len(DRAFTS) >= 2
    assert run_cli("validate", str(DRAFTS[0])).stdout == "1 aftale er i orden.\n"
    assert run_cli("validate", *map(str, DRAFTS[:2])).stdout == "2 aftaler er i orden.\n"


# Started by a Python that lacks the project's packages.


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """A Python with the standard library only (as `python3` outside .venv often is)."""
    env = tmp_path_factory.mktemp("bare") / "env"
    made = subprocess.run(
        [sys._base_executable, "-m", "venv", "--without-pip", str(env)], capture_output=True
    )
    assert made.returncode == 0, made.stderr
    python = env / "bin" / "python"
    assert subprocess.run([python, "-c", "import yaml"], capture_output=True).returncode != 0
    return python


@pytest.mark.parametrize("flags", [[], ["-I"]], ids=["plain", "isolated"])
def test_another_python_runs_the_command_with_the_venv(bare_python, flags, tmp_path):
    assert (ROOT / ".venv" / "bin" / "python").exists()
    result = subprocess.run(
        [bare_python, *flags, ROOT / "build.py", "validate", DRAFTS[0]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={},  # like `env -i`: nothing from the venv reaches it
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 aftale er i orden.\n"


def test_another_python_exits_with_the_venvs_exit_code(bare_python, tmp_path):
    broken = tmp_path / "agreements" / "x.yaml"
    broken.parent.mkdir()
    broken.write_text("schema_version: 1\n", encoding="utf-8")
    result = subprocess.run(
        [bare_python, ROOT / "build.py", "validate", broken], capture_output=True, text=True, env={}
    )
    assert result.returncode == 1
    assert "error:" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize("flags", [[], ["-I"]], ids=["plain", "isolated"])
def test_without_a_venv_it_says_to_run_make(bare_python, flags, tmp_path):
    project = copy_project(tmp_path)
    assert not (project / ".venv").exists()
    result = subprocess.run(
        [bare_python, *flags, project / "build.py", "validate"],
        cwd=project,
        capture_output=True,
        text=True,
        env={},
        timeout=300,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert re.fullmatch(
        r"build\.py: fejl: Python-pakken «\w+» mangler\. Kør «make» først: .*\n", result.stderr
    )


@pytest.mark.parametrize("ci", [False, True], ids=["terminal", "ci"])
def test_a_fault_in_the_tool_itself_is_one_danish_line_and_exit_70(tmp_path, ci):
    """A fault no agreement caused (here a broken module in a copy of the tool, as a bad
    install would leave it) ends with 70, not 1, which means «an agreement needs attention».
    The person at the terminal gets one Danish line and a file with the details to send on;
    CI's log, which maintainers read, gets the traceback too."""
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    with (project / "partnerskab" / "diff.py").open("a", encoding="utf-8") as module:
        module.write("\nraise RuntimeError('a fault planted by the test')\n")
    env = {"TMPDIR": str(tmp_path), "CI": "true" if ci else ""}
    result = run_cli("diff", cwd=project, root=project, env=env)
    assert result.returncode == 70
    first, *rest = result.stderr.splitlines()
    assert first.startswith("build.py: uventet fejl i selve værktøjet, ikke i aftalerne (RuntimeError).")
    [saved] = tmp_path.glob("partnerskab-fejl-*.txt")
    assert f"Detaljerne er gemt i {saved};" in first
    details = saved.read_text(encoding="utf-8")
    assert "Traceback" in details and "a fault planted by the test" in details
    assert ("Traceback" in result.stderr) is ci
    assert ("a fault planted by the test" in "\n".join(rest)) is ci
    assert result.stdout == ""


def test_an_agreement_problem_still_ends_with_1_and_no_traceback(tmp_path):
    """The line between the two codes: a broken agreement is the user's to fix, with 1."""
    (tmp_path / "brudt.yaml").write_text("title: [\n", encoding="utf-8")
    result = run_cli("validate", str(tmp_path / "brudt.yaml"), env={"TMPDIR": str(tmp_path)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert not list(tmp_path.glob("partnerskab-fejl-*"))


def test_a_tool_that_cannot_load_its_own_code_also_ends_with_70(tmp_path):
    """A syntax error in the command line's own module (a bad merge) is a fault in the tool."""
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    with (project / "partnerskab" / "cli.py").open("a", encoding="utf-8") as module:
        module.write("\ndef (\n")
    result = run_cli("validate", cwd=project, root=project)
    assert result.returncode == 70
    first = result.stderr.splitlines()[0]
    assert first == "build.py: uventet fejl i selve værktøjet, ikke i aftalerne (SyntaxError)."


def test_a_missing_file_is_called_missing_and_the_yaml_it_meant_is_named(tmp_path):
    """`validate agreements/fjordby` (no .yaml): the file does not exist, and fjordby.yaml does;
    its name is not «unusable»."""
    folder = tmp_path / "agreements"
    folder.mkdir()
    (folder / "fjordby.yaml").write_bytes(FJORDBY_BYTES)
    result = run_cli("validate", str(folder / "fjordby"))
    assert result.returncode == 1
    assert f"Filen kan ikke læses: filen findes ikke; mente du {folder / 'fjordby'}.yaml?" in result.stdout
    assert "kan ikke bruges" not in result.stdout
    result = run_cli("validate", str(folder / "findes-ikke.yaml"))
    assert result.returncode == 1 and "Filen kan ikke læses: filen findes ikke [PA002]\n" in result.stdout


def test_a_folder_given_for_one_agreement_is_called_a_folder_not_a_bad_name(tmp_path):
    """`seal agreements/` wants one agreement's file. It said that the name «agreements» could
    not be used and that the file should be renamed; the folder is not to be renamed."""
    folder = tmp_path / "agreements"
    folder.mkdir()
    (folder / "fjordby.yaml").write_bytes(FJORDBY_BYTES)
    for command in ("seal", "review"):
        result = run_cli(command, str(folder), cwd=tmp_path)
        assert "det er en mappe, ikke en fil; skriv en aftales fil" in result.stdout, command
        assert "Omdøb" not in result.stdout and "Traceback" not in result.stderr, command
        assert result.returncode != 0, (command, result.returncode)


def test_strict_says_why_an_agreement_with_only_warnings_fails(tmp_path):
    example = next(e for e in EXAMPLES if e.name == "gadekaer-vaeresteder.yaml")  # warns on purpose
    result = run_cli("validate", "--strict", str(example))
    assert result.returncode == 1
    assert ": warning: " in result.stdout and ": error: " not in result.stdout
    assert result.stderr == "--strict: advarslerne ovenfor tæller som fejl, så tjekket fejler.\n"
    assert run_cli("validate", str(example)).stderr == ""
