"""`build.py new` starts an agreement correctly; `build.py status` lists what needs attention."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from partnerskab.context import SECTIONS
from partnerskab.load import load

from .conftest import FJORDBY, ROOT, copy_project

PROBLEM = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.+) \[(?P<code>PA\d{3})\]$"
)


def _cli(*args, cwd, env=None):
    return subprocess.run(
        [sys.executable, str(cwd / "build.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def _project(tmp_path):
    """A copy of the project's code beside an agreements/ folder of our own."""
    return copy_project(tmp_path, examples=False)


def test_new_writes_a_complete_skeleton_that_lists_what_is_left(tmp_path):
    project = _project(tmp_path)
    result = _cli("new", "fjordby-naboskab", cwd=project)
    assert result.returncode == 0, result.stderr
    path = project / "agreements" / "fjordby-naboskab.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../schema/partnership-agreement.editor.schema.json\n"
    )
    data = load(path).data
    for element in SECTIONS:  # every element the documents have a section for
        assert element in data
    validate = _cli("validate", "agreements/fjordby-naboskab.yaml", cwd=project)
    assert validate.returncode == 1
    problems = [PROBLEM.match(line) for line in validate.stdout.strip().split("\n")]
    assert all(problems) and all(p["message"].split(" (")[0].endswith("er ikke udfyldt") for p in problems)
    lines = text.split("\n")
    placeholder_lines = [i for i, line in enumerate(lines, 1) if '"UDFYLD' in line]
    reported = sorted({int(p["line"]) for p in problems})
    assert reported == placeholder_lines  # exactly the placeholders, each on its own line
    assert "Aftalens titel er ikke udfyldt (title)" in validate.stdout
    assert "Startdato er ikke udfyldt (duration.start)" in validate.stdout


def test_filling_in_the_placeholders_gives_a_valid_agreement(tmp_path):
    project = _project(tmp_path)
    assert _cli("new", "udfyldt", cwd=project).returncode == 0
    path = project / "agreements" / "udfyldt.yaml"
    text = path.read_text(encoding="utf-8")
    filled = {
        '"UDFYLD: ÅÅÅÅ-MM-DD"': ["2027-06-30", "2026-01-01", "2027-12-31"],
        '"UDFYLD: public, civil_society eller private"': ["public", "civil_society"],
        '"UDFYLD: beløb i kroner"': ["10000", "10000"],
        '"UDFYLD: mindste antal timer"': ["4", "2"],
    }
    for placeholder, values in filled.items():
        for value in values:
            text = text.replace(placeholder, value, 1)
    text = re.sub(r'"UDFYLD: ([^"]*)"', lambda m: f'"Udfyldt: {m.group(1)}"', text)
    path.write_text(text, encoding="utf-8")
    result = _cli("validate", "agreements/udfyldt.yaml", cwd=project)
    assert result.returncode == 0, result.stdout


def test_new_refuses_to_overwrite_and_bad_names(tmp_path):
    project = _project(tmp_path)
    existing = project / "agreements" / "findes.yaml"
    existing.write_text("noget vigtigt\n", encoding="utf-8")
    result = _cli("new", "findes", cwd=project)
    assert result.returncode == 1 and "findes allerede" in result.stderr
    assert existing.read_text(encoding="utf-8") == "noget vigtigt\n"
    assert _cli("new", "../uden-for", cwd=project).returncode == 2
    refused = _cli("new", "Store Bogstaver", cwd=project)
    assert refused.returncode == 2 and "også æ, ø og å" in refused.stderr
    for register in ("index", "Index", "AGREEMENTS"):  # the register's own names, in any capitals
        refused = _cli("new", register, cwd=project)
        assert refused.returncode == 2 and "Navnet bruges af overblikket" in refused.stderr
    # only capitals differ: on Windows and macOS the same file, and the same documents anywhere
    refused = _cli("new", "Findes", cwd=project)
    assert refused.returncode == 1 and "findes.yaml findes allerede og ville give de samme" in refused.stderr
    assert "(store og små bogstaver regnes for ens)" in refused.stderr
    assert not (project / "agreements" / "Findes.yaml").exists()
    # the same name with .yml: the reason is the ending, not capitals
    (project / "agreements" / "gammel.yml").write_text("noget vigtigt\n", encoding="utf-8")
    refused = _cli("new", "gammel", cwd=project)
    assert refused.returncode == 1 and "gammel.yml findes allerede" in refused.stderr
    assert "(.yaml og .yml giver samme navn)" in refused.stderr and "store og små" not in refused.stderr
    assert not (project / "agreements" / "gammel.yaml").exists()
    assert not (project / "uden-for.yaml").exists()


def test_new_takes_the_names_validate_takes(tmp_path):
    """Æ, ø and å, capitals and _ are good names for `validate` and `build`, so for `new` too:
    what it writes fails only on what is left to fill in, never on its name."""
    project = _project(tmp_path)
    assert _cli("new", "kort.yml", cwd=project).returncode == 0  # .yml taken off, as .yaml is
    assert (project / "agreements" / "kort.yaml").is_file()
    for name in ("ældre-vennetjeneste", "Vejle_Ø"):
        assert _cli("new", name, cwd=project).returncode == 0
        checked = _cli("validate", f"agreements/{name}.yaml", cwd=project)
        problems = [PROBLEM.match(line) for line in checked.stdout.strip().split("\n")]
        assert checked.returncode == 1 and not checked.stderr and all(problems), checked.stdout
        assert all(p["message"].split(" (")[0].endswith("er ikke udfyldt") for p in problems)
        assert {p["code"] for p in problems} == {"PA020"}


def test_new_says_why_it_cannot_write_and_leaves_nothing_half_written(tmp_path):
    project = _project(tmp_path)
    (project / "agreements").rmdir()
    result = _cli("new", "ny-aftale", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "ny-aftale.yaml: kan ikke oprettes: filen eller mappen findes ikke" in result.stderr
    (project / "agreements").write_text("en fil, ikke en mappe\n", encoding="utf-8")
    result = _cli("new", "ny-aftale", cwd=project)
    assert result.returncode == 1 and "kan ikke oprettes: en del af stien er ikke en mappe" in result.stderr


def test_status_refuses_a_negative_number_of_days(tmp_path):
    result = _cli("status", "--within", "-5", cwd=_project(tmp_path))
    assert result.returncode == 2 and "--within: skal være mindst 0, ikke -5" in result.stderr


def test_make_new_passes_the_name_on():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^new: .*\n(\t.*\n)*\t.*build\.py new \$\(NAME\)", makefile, re.M)


def _status_project(tmp_path, **replacements):
    project = _project(tmp_path)
    for name, (old, new) in replacements.items():
        text = FJORDBY.read_text(encoding="utf-8")
        for o, n in zip(old, new, strict=True):
            text = text.replace(o, n)
        (project / "agreements" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return project


def test_status_lists_what_ends_soon_what_has_ended_and_idle_drafts(tmp_path):
    project = _status_project(
        tmp_path,
        snart=(["end: 2027-12-31"], ["end: 2027-02-01"]),
        udloebet=(["end: 2027-12-31", "date: 2026-09-01"], ["end: 2026-06-30", "date: 2026-05-01"]),
        udkast=(["status: signed"], ["status: draft"]),
        fint=([], []),
    )
    old = 1_700_000_000  # the drafts' files were last touched in 2023
    for file in (project / "agreements").iterdir():
        os.utime(file, (old, old))
    result = _cli("status", cwd=project, env={"SOURCE_DATE_EPOCH": "1795435200"})  # 2026-11-23
    assert result.returncode == 1
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[2:]}
    assert set(lines) == {"agreements/snart.yaml", "agreements/udloebet.yaml", "agreements/udkast.yaml"}
    assert "Udløber inden for 90 dage" in lines["agreements/snart.yaml"]
    assert "står stadig som underskrevet" in lines["agreements/udloebet.yaml"]
    assert re.search(r"Udkast uændret i [\d.]+ dage", lines["agreements/udkast.yaml"])
    assert (
        _cli("status", "--within", "30", cwd=project, env={"SOURCE_DATE_EPOCH": "1795435200"}).returncode == 1
    )


def test_status_is_quiet_and_exits_0_when_nothing_needs_attention(tmp_path):
    project = _status_project(tmp_path, fint=([], []))
    result = _cli("status", cwd=project, env={"SOURCE_DATE_EPOCH": "1795435200"})
    assert result.returncode == 0
    assert result.stdout.startswith("Ingen aftaler kræver opmærksomhed")


def test_status_without_an_agreements_folder_fails(tmp_path):
    """A scheduled job started where there is no agreements/ folder must not pass as «nothing
    needs attention»."""
    project = _project(tmp_path)
    (project / "agreements").rmdir()
    result = _cli("status", cwd=project)
    assert result.returncode == 1 and "Ingen aftaler (*.yaml, *.yml) fundet i agreements/" in result.stderr
    (project / "agreements").mkdir()
    assert _cli("status", cwd=project).returncode == 0  # an empty folder has nothing to attend to
