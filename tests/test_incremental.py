"""Parallel and incremental builds: what is rebuilt, what is not, and what the person sees."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys

import pytest

from .conftest import EXAMPLES, ROOT, copy_project, run_cli


@pytest.fixture
def project(tmp_path):
    """A copy of the project, so templates can be changed without touching the real ones."""
    return copy_project(tmp_path)


def _build(project, *args, env=None):
    result = subprocess.run(
        [sys.executable, str(project / "build.py"), "build", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
    return result


def _summary(result) -> tuple[int, int, int]:
    match = re.search(r"^Bygget: (\d+), uændret: (\d+), fejlede: (\d+) \(\d+,\d s\)$", result.stdout, re.M)
    assert match, result.stdout + result.stderr
    return tuple(int(n) for n in match.groups())


def test_jobs_1_and_2_give_the_same_files(project):
    one = _build(project, "--jobs", "1", "--out", "een")
    two = _build(project, "--jobs", "2", "--out", "to")
    assert one.returncode == two.returncode == 0
    for example in EXAMPLES:
        for suffix in ("pdf", "docx", "html"):
            name = f"{example.stem}.{suffix}"
            assert (project / "een" / name).read_bytes() == (project / "to" / name).read_bytes()


def test_a_second_build_rebuilds_nothing_even_after_a_checkout_touches_every_file(project):
    assert _summary(_build(project)) == (len(EXAMPLES), 0, 0)
    for path in (project / "agreements").iterdir():
        os.utime(path)  # what a git checkout does to file times
    again = _build(project)
    assert _summary(again) == (0, len(EXAMPLES), 0)
    assert not re.search(r"^\[\d+/\d+\]", again.stdout, re.M)  # no line per unchanged agreement
    assert (project / "build" / "index.html").exists()


# The build with a pandoc that cannot be started (a broken install): `build` starts pandoc first
# thing (cli._build), and must not fail for that where it has nothing to render.
_NO_PANDOC = """
import sys
sys.path.insert(0, sys.argv[1])
from partnerskab import pandoc_server

pandoc_server.pandoc_binary = lambda: sys.argv[1] + "/no-such-pandoc"
from partnerskab.cli import main

sys.exit(main(["build", *sys.argv[2:]]))
"""


def test_a_build_with_nothing_to_render_needs_no_pandoc(project):
    def without_pandoc():
        command = [sys.executable, "-c", _NO_PANDOC, str(project)]
        return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300)

    assert _summary(_build(project)) == (len(EXAMPLES), 0, 0)
    run = without_pandoc()
    assert run.returncode == 0, run.stdout + run.stderr
    assert _summary(run) == (0, len(EXAMPLES), 0)
    # With something to render, the missing pandoc fails the build, as it did before
    path = project / "agreements" / "aaby-ungementor.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    failed = without_pandoc()
    # (a broken install is the tool's fault, told as such; in CI its details go to stderr too)
    assert failed.returncode == 70, failed.stdout + failed.stderr
    assert "uventet fejl i selve værktøjet" in failed.stderr


def test_one_changed_agreement_is_the_only_one_rebuilt(project):
    _build(project)
    path = project / "agreements" / "aaby-ungementor.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Torvet 3", "Torvet 5"), encoding="utf-8")
    result = _build(project)
    assert _summary(result) == (1, len(EXAMPLES) - 1, 0)
    assert re.search(
        rf"^\[\d+/{len(EXAMPLES)}\] agreements/aaby-ungementor\.yaml: bygget$", result.stdout, re.M
    )
    assert "Torvet 5" in (project / "build" / "aaby-ungementor.html").read_text(encoding="utf-8")


def test_a_template_change_rebuilds_everything(project):
    _build(project)
    css = project / "templates" / "pandoc" / "agreement.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* ændret */\n", encoding="utf-8")
    assert _summary(_build(project)) == (len(EXAMPLES), 0, 0)


def test_a_changed_logo_a_missing_output_or_a_new_date_rebuild_what_they_touch(project):
    _build(project)
    logo = project / "logos" / "familiestotten.png"
    logo.write_bytes(logo.read_bytes() + b"\0")  # still a PNG, other bytes
    assert _summary(_build(project)) == (1, len(EXAMPLES) - 1, 0)
    (project / "build" / "norreby-reading-friends.pdf").unlink()
    assert _summary(_build(project)) == (1, len(EXAMPLES) - 1, 0)
    assert (project / "build" / "norreby-reading-friends.pdf").exists()
    # An output changed in place (same size), beside a changed agreement that comes before it:
    # the changed agreements are handed out first, the intact outputs checked after.
    html = project / "build" / "vestby-flere-i-job.html"
    written = html.read_bytes()
    html.write_bytes(written.replace(b"Vestby", b"Vestbo", 1))
    path = project / "agreements" / "aaby-ungementor.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Torvet 3", "Torvet 5"), encoding="utf-8")
    assert _summary(_build(project)) == (2, len(EXAMPLES) - 2, 0)
    assert html.read_bytes() == written
    assert _summary(_build(project, env={"SOURCE_DATE_EPOCH": "1800000000"})) == (len(EXAMPLES), 0, 0)


def test_warnings_are_shown_again_for_unchanged_agreements_and_strict_still_fails(project):
    path = project / "agreements" / "vestby-flere-i-job.yaml"  # a draft: a signed one is sealed
    path.write_text(
        path.read_text(encoding="utf-8").replace("    sector: civil_society\n", "    sector: public\n"),
        encoding="utf-8",
    )
    first = _build(project)
    assert first.returncode == 0 and "warning: Alle partnere er fra samme sektor" in first.stdout
    second = _build(project)
    assert (
        _summary(second)[1] == len(EXAMPLES) and "warning: Alle partnere er fra samme sektor" in second.stdout
    )
    strict = _build(project, "--strict")
    assert strict.returncode == 1 and not (project / "build" / "index.html").read_text().count(
        "Vestby Kommune"
    )


def test_progress_is_live_on_a_terminal(project):
    """Under a pseudo-terminal the build rewrites one progress line instead of printing many."""
    command = [sys.executable, str(project / "build.py"), "build", "--jobs", "1", "--out", "tty"]
    output = bytearray()

    def read(fd):
        data = os.read(fd, 1024)
        output.extend(data)
        return data

    pid, fd = pty.fork()
    if pid == 0:  # the child: run the build with the terminal as stdout and stderr
        os.chdir(project)
        os.environ["PARTNERSKAB_PROGRESS_AFTER"] = "0"  # this build is quicker than the usual 1 s
        os.execv(sys.executable, command)
    try:
        while True:
            try:
                if not read(fd):
                    break
            except OSError:
                break
    finally:
        os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    n = len(EXAMPLES)
    assert re.search(rf"\r\x1b\[K\[\d+/{n}\] [a-z-]+", text), text  # the live line, rewritten in place
    assert not re.search(rf"^\[\d+/{n}\] agreements/", text, re.M)  # no plain CI lines on a terminal
    assert f"Bygget: {n}, uændret: 0, fejlede: 0" in text


def test_make_passes_jobs_on():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(if $(JOBS),--jobs $(JOBS))" in makefile


def test_two_agreements_with_the_same_name_or_a_register_name_are_refused(project):
    """Two agreements that would write the same documents both fail, each naming the other: the
    order of the files never decides which is built. A register name is refused as a name."""
    (project / "andet").mkdir()
    shutil.copy(project / "agreements" / "aaby-ungementor.yaml", project / "andet" / "aaby-ungementor.yaml")
    shutil.copy(project / "agreements" / "aaby-ungementor.yaml", project / "agreements" / "index.yaml")
    result = _build(
        project, "agreements/aaby-ungementor.yaml", "andet/aaby-ungementor.yaml", "agreements/index.yaml"
    )
    assert result.returncode == 1
    for one, other in (("andet", "agreements"), ("agreements", "andet")):
        assert (
            f"{one}/aaby-ungementor.yaml:1:1: error: En anden aftale hedder også «aaby-ungementor» "
            f"({other}/aaby-ungementor.yaml) og ville give dokumenter med samme navn. Ingen af dem bygges"
            in result.stdout
        )
    assert "agreements/index.yaml:1:1: error: Filnavnet «index.yaml» bruges af overblikket" in result.stdout
    assert _summary(result) == (0, 0, 3)
    assert not list((project / "build").glob("*.pdf"))


def test_names_that_differ_only_in_capitals_are_the_same_name(project):
    """On Windows and macOS «Aaby-Ungementor.pdf» and «aaby-ungementor.pdf» are one file, and
    «Index.html» is the register's index.html: such names are refused as the same name, by
    `build` and by `validate` alike."""
    agreements = project / "agreements"
    shutil.copy(agreements / "aaby-ungementor.yaml", agreements / "Aaby-Ungementor.yaml")
    shutil.copy(agreements / "aaby-ungementor.yaml", agreements / "Index.yaml")
    result = _build(
        project, "agreements/aaby-ungementor.yaml", "agreements/Aaby-Ungementor.yaml", "agreements/Index.yaml"
    )
    assert result.returncode == 1
    assert (
        "agreements/Aaby-Ungementor.yaml:1:1: error: En anden aftale hedder næsten det samme "
        "(agreements/aaby-ungementor.yaml): kun store og små bogstaver er forskellige" in result.stdout
    )
    assert (
        "agreements/aaby-ungementor.yaml:1:1: error: En anden aftale hedder næsten det samme "
        in result.stdout
    )
    assert "agreements/Index.yaml:1:1: error: Filnavnet «Index.yaml» bruges af overblikket" in result.stdout
    assert _summary(result) == (0, 0, 3)
    assert not (project / "build" / "Index.html").exists()
    assert not list((project / "build").glob("*.pdf"))
    checked = run_cli("validate", str(agreements / "Index.yaml"))
    assert checked.returncode == 1 and "Filnavnet «Index.yaml» bruges af overblikket" in checked.stdout
    whole = subprocess.run(
        [sys.executable, str(project / "build.py"), "validate"], cwd=project, capture_output=True, text=True
    )
    assert whole.returncode == 1
    for name in ("Aaby-Ungementor", "aaby-ungementor"):
        assert f"agreements/{name}.yaml:1:1: error: En anden aftale hedder næsten det samme" in whole.stdout


def test_a_file_that_cannot_be_built_never_costs_its_namesake_its_build(project):
    """A mistyped name, or a backup beside the agreement, is reported for what it is; the
    agreement with the same name is built as if it were alone."""
    agreements = project / "agreements"
    shutil.copy(agreements / "aaby-ungementor.yaml", agreements / "aaby-ungementor.orig")
    result = _build(
        project,
        "agreements/Aaby-Ungementor.yaml",  # no such file
        "agreements/aaby-ungementor.orig",
        "agreements/aaby-ungementor.yaml",
    )
    assert "Aaby-Ungementor.yaml:1:1: error: Filen kan ikke læses: filen findes ikke" in result.stdout
    assert (
        "aaby-ungementor.orig:1:1: error: Filnavnet «aaby-ungementor.orig» kan ikke bruges" in result.stdout
    )
    assert "PA093" not in result.stdout and "En anden aftale" not in result.stdout
    assert _summary(result) == (1, 0, 2)
    assert (project / "build" / "aaby-ungementor.pdf").is_file()


def test_an_agreement_named_yml_is_built_with_the_folder(project):
    """text.NAME allows .yml as well as .yaml: a whole-folder build and check include it, and a
    .yml beside a .yaml of the same name is a clash like any other."""
    agreements = project / "agreements"
    (agreements / "aaby-ungementor.yaml").rename(agreements / "aaby-ungementor.yml")
    result = _build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _summary(result) == (len(EXAMPLES), 0, 0)
    assert (project / "build" / "aaby-ungementor.pdf").is_file()
    assert "aaby-ungementor" in (project / "build" / "index.html").read_text(encoding="utf-8")
    shutil.copy(agreements / "aaby-ungementor.yml", agreements / "aaby-ungementor.yaml")
    checked = subprocess.run(
        [sys.executable, str(project / "build.py"), "validate"], cwd=project, capture_output=True, text=True
    )
    assert checked.returncode == 1
    for one, other in (("yaml", "yml"), ("yml", "yaml")):
        assert (
            f"agreements/aaby-ungementor.{one}:1:1: error: En anden aftale hedder også «aaby-ungementor» "
            f"(agreements/aaby-ungementor.{other})" in checked.stdout
        )


def test_a_damaged_state_file_rebuilds_instead_of_failing(project):
    _build(project)
    for damaged in ("[]", '{"version": 1, "entries": {"aaby-ungementor": {"hash": 1}}}', "{not json"):
        (project / "build" / ".partnerskab-state.json").write_text(damaged, encoding="utf-8")
        result = _build(project)
        assert result.returncode == 0 and "Traceback" not in result.stderr
        assert _summary(result)[2] == 0


def test_tool_versions_are_those_importlib_metadata_gives():
    """state.installed_versions reads the dist-info folder names instead of importing
    importlib.metadata; a tool's new version must still rebuild everything."""
    from importlib import metadata

    from partnerskab.state import TOOLS, _normal, installed_versions

    versions = installed_versions()
    for tool in TOOLS:
        assert versions[_normal(tool)] == metadata.version(tool), tool
