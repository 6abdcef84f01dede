"""`validate --base REV`: a signed agreement may change only by adding an amendment (PA113), and
unreadable history is reported, not raised (PA114). Each test has its own git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from partnerskab.history import HistoryError, amendment_problems, load_at, read_at
from partnerskab.load import load

from .conftest import ROOT, run_cli

FJORDBY = "agreements/fjordby-familievenner.yaml"
AABY = "agreements/aaby-ungementor.yaml"
NORREBY = "agreements/norreby-reading-friends.yaml"

# A budget line and its funding move together, so the agreement stays valid (PA110).
BUDGET = ("      amount: 180000\n", "      amount: 200000\n")
FUNDING = ("      amount: 250000\n      year: 2026\n", "      amount: 270000\n      year: 2026\n")
AMENDMENT = (
    "      approved_by: Styregruppen\n",
    "      approved_by: Styregruppen\n"
    "    - date: 2026-10-01\n"
    "      description: Koordinatoren får 20.000 kr. mere i 2026, betalt af kommunen.\n"
    "      approved_by: Styregruppen\n",
)


def git(repo: Path, *args: str) -> str:
    """git in the test's own repository, with an identity and without the user's hooks or signing."""
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
    command += ["-c", "commit.gpgsign=false", "-c", f"core.hooksPath={os.devnull}", *args]
    result = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=True)
    return result.stdout


def make_repo(base: Path) -> Path:
    """A git repository holding a copy of agreements/ and logos/, committed once."""
    shutil.copytree(ROOT / "agreements", base / "agreements")
    shutil.copytree(ROOT / "logos", base / "logos")
    git(base, "init", "-q")
    commit(base, "Aftalerne")
    return base


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def edit(repo: Path, name: str, *replacements: tuple[str, str]) -> Path:
    path = repo / name
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path


SEAL_CODES = {"PA130", "PA131", "PA132", "PA133"}


def validate(repo: Path, *args: str) -> tuple[int, list[dict]]:
    """The exit code and problems of `validate`, without the seal's own (PA130-PA133, see
    tests/test_seal.py): the signed agreements here change on purpose, and only what git's
    history says (PA113, PA114) is under test. The code is recomputed without them."""
    result = run_cli("validate", "--format", "json", *args, cwd=repo)
    assert "Traceback" not in result.stderr, result.stderr
    problems = [p for p in json.loads(result.stdout)["problems"] if p["code"] not in SEAL_CODES]
    code = result.returncode
    if code == 1 and not any(p["severity"] == "error" for p in problems):
        code = 0
    return code, problems


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_repo(tmp_path / "repo")


def test_signed_agreement_changed_without_amendment_fails_at_the_amendments(repo):
    path = edit(repo, FJORDBY, BUDGET, FUNDING)
    code, problems = validate(repo, "--base", "HEAD", FJORDBY)
    assert code == 1
    assert [p["code"] for p in problems] == ["PA113"]
    [problem] = problems
    assert (problem["line"], problem["column"]) == (line_of(path, "    - date: 2026-09-01"), 5)
    assert problem["path"] == "changes.amendments"
    assert problem["severity"] == "error"
    assert problem["message"] == (
        "Aftalen var underskrevet i HEAD, men «Økonomi: finansiering og budget» er ændret uden et tillæg. "
        "Tilføj ændringen under changes.amendments med dato, beskrivelse og hvem der har godkendt den "
        "(changes.amendments)"
    )


def test_the_text_format_points_editors_at_the_line(repo):
    path = edit(repo, FJORDBY, BUDGET, FUNDING)
    result = run_cli("validate", "--base", "HEAD", FJORDBY, cwd=repo)
    assert result.returncode == 1
    line = line_of(path, "    - date: 2026-09-01")
    lines = result.stdout.splitlines()
    assert any(
        x.startswith(f"{FJORDBY}:{line}:5: error: Aftalen var underskrevet i HEAD, men ") for x in lines
    )


def test_the_same_change_with_a_new_amendment_passes(repo):
    edit(repo, FJORDBY, BUDGET, FUNDING, AMENDMENT)
    assert validate(repo, "--base", "HEAD", FJORDBY) == (0, [])


def test_an_amendment_alone_passes(repo):
    edit(repo, FJORDBY, AMENDMENT)
    assert validate(repo, "--base", "HEAD", FJORDBY) == (0, [])


def test_several_changed_elements_are_named(repo):
    edit(repo, FJORDBY, BUDGET, FUNDING, ("  end: 2027-12-31\n", "  end: 2028-06-30\n"))
    _, [problem] = validate(repo, "--base", "HEAD", FJORDBY)
    assert "men «Økonomi: finansiering og budget» og «Aftalens varighed» er ændret" in problem["message"]


def test_editing_an_earlier_amendment_is_itself_a_change(repo):
    """An amendment already signed off is part of the record: rewriting it needs a new one."""
    edit(repo, FJORDBY, ("får 5.000 kr. mere", "får 6.000 kr. mere"))
    _, problems = validate(repo, "--base", "HEAD", FJORDBY)
    assert [p["code"] for p in problems] == ["PA113"]
    assert "«Ændringer af aftalen»" in problems[0]["message"]


def test_comments_and_layout_are_not_changes(repo):
    edit(
        repo,
        FJORDBY,
        ("# Fiktivt eksempel: en kommune og en forening.\n", "# En ny kommentar.\n"),
        ("    responsible: [fjordby]\n", "    responsible:\n      - fjordby\n"),
    )
    assert validate(repo, "--base", "HEAD", FJORDBY) == (0, [])


def test_a_draft_may_change_freely(repo):
    edit(repo, AABY, ("  end: 2028-12-31\n", "  end: 2029-06-30\n"))
    text = (repo / AABY).read_text(encoding="utf-8")
    assert "status: draft" in text
    assert validate(repo, "--base", "HEAD", AABY) == (0, [])


def test_signing_a_draft_is_not_an_edit_of_a_signed_agreement(repo):
    """The rule looks at the status at base: a draft that becomes signed needs no amendment."""
    path = edit(repo, AABY, ("status: draft\n", "status: signed\n"))
    text = path.read_text(encoding="utf-8")
    for partner in ("aaby", "ungementor", "oenskeoe"):
        marker = f"  - partner: {partner}\n    name:"
        signature = text[text.rindex(marker) :]
        dated = signature.replace("\n    title:", "\n    date: 2026-11-01\n    title:", 1)
        text = text[: text.rindex(marker)] + dated
    path.write_text(text, encoding="utf-8")
    assert validate(repo, "--base", "HEAD", AABY) == (0, [])


def test_a_file_that_is_new_since_base_passes(repo):
    shutil.copy(repo / FJORDBY, repo / "agreements" / "ny-aftale.yaml")
    edit(repo, "agreements/ny-aftale.yaml", BUDGET, FUNDING)
    assert validate(repo, "--base", "HEAD", "agreements/ny-aftale.yaml") == (0, [])


def test_ending_a_signed_agreement_is_not_an_edit(repo):
    """`status: ended` needs an end date in the past (PA109), so base is an agreement that ran
    in 2026 and 2027, moved back to 2019 and 2020 (its money years and deadlines too: PA117)."""
    text = (repo / FJORDBY).read_text(encoding="utf-8")
    text = text.replace("2026", "2019").replace("2027", "2020").replace("2025-12", "2018-12")
    (repo / FJORDBY).write_text(text, encoding="utf-8")
    commit(repo, "En aftale, der er udløbet")
    edit(repo, FJORDBY, ("status: signed\n", "status: ended\n"))
    assert validate(repo, "--base", "HEAD", FJORDBY) == (0, [])
    edit(repo, FJORDBY, BUDGET, (FUNDING[0].replace("2026", "2019"), FUNDING[1].replace("2026", "2019")))
    _, problems = validate(repo, "--base", "HEAD", FJORDBY)
    assert [p["code"] for p in problems] == ["PA113"]
    assert "«Økonomi: finansiering og budget»" in problems[0]["message"]
    assert "Status" not in problems[0]["message"]


def test_taking_a_signed_agreement_back_to_draft_is_an_edit(repo):
    edit(repo, FJORDBY, ("status: signed\n", "status: draft\n"))
    _, problems = validate(repo, "--base", "HEAD", FJORDBY)
    assert [p["code"] for p in problems] == ["PA113"]
    assert "«Status»" in problems[0]["message"]


def test_without_a_changes_section_the_problem_is_at_the_top(repo):
    path = repo / FJORDBY
    text = path.read_text(encoding="utf-8")
    start, end = text.index("changes:\n"), text.index("communication:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    commit(repo, "Uden ændringsafsnit")
    edit(repo, FJORDBY, BUDGET, FUNDING)
    _, [problem] = validate(repo, "--base", "HEAD", FJORDBY)
    assert (problem["code"], problem["line"], problem["column"]) == ("PA113", 1, 1)


def test_english_agreement_gets_an_english_message(repo):
    path = edit(repo, NORREBY, ("status: signed\n", "status: draft\n"))
    _, [problem] = validate(repo, "--base", "HEAD", NORREBY)
    assert problem["code"] == "PA113"
    assert problem["message"].startswith("The agreement was signed in HEAD, but «Status» has changed without")
    assert problem["line"] == path.read_text(encoding="utf-8").splitlines().index("  amendments:") + 2


def test_an_earlier_revision_by_name(repo):
    edit(repo, FJORDBY, BUDGET, FUNDING, AMENDMENT)
    commit(repo, "Tillæg")
    git(repo, "tag", "tillaeg")
    edit(repo, FJORDBY, ("  end: 2027-12-31\n", "  end: 2027-11-30\n"))
    assert validate(repo, "--base", "HEAD~1", FJORDBY)[0] == 0  # adds an amendment since HEAD~1
    code, problems = validate(repo, "--base", "tillaeg", FJORDBY)
    assert code == 1 and [p["code"] for p in problems] == ["PA113"]


def test_unknown_revision_is_pa114(repo):
    edit(repo, FJORDBY, BUDGET, FUNDING)
    code, problems = validate(repo, "--base", "origin/findes-ikke", FJORDBY)
    assert code == 1
    assert [p["code"] for p in problems] == ["PA114"]
    assert problems[0]["message"].startswith(
        "Det kan ikke tjekkes, om aftalen er ændret siden origin/findes-ikke:"
    )
    assert "revisionen «origin/findes-ikke» findes ikke" in problems[0]["message"]


@pytest.mark.parametrize("rev", ["--output=/tmp/x", "-p", ""])
def test_a_revision_that_looks_like_an_option_is_refused(repo, rev):
    with pytest.raises(HistoryError, match="findes ikke"):
        read_at(rev, repo / FJORDBY)


def test_not_a_git_repository_is_pa114(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    shutil.copytree(ROOT / "agreements", tmp_path / "agreements")
    shutil.copytree(ROOT / "logos", tmp_path / "logos")
    path = tmp_path / FJORDBY
    with pytest.raises(HistoryError) as raised:
        read_at("HEAD", path)
    assert "ligger ikke i et git-repositorium" in str(raised.value)
    [problem] = amendment_problems(str(path), load(path), "HEAD")
    assert (problem.code, problem.severity, problem.line, problem.column) == ("PA114", "error", 1, 1)
    assert "ligger ikke i et git-repositorium" in problem.message


def test_read_at_gives_the_committed_bytes_or_none(repo, monkeypatch):
    committed = (repo / FJORDBY).read_bytes()
    edit(repo, FJORDBY, BUDGET)
    assert read_at("HEAD", repo / FJORDBY) == committed
    assert read_at("HEAD", repo / "agreements" / "findes-ikke.yaml") is None
    monkeypatch.chdir(repo / "logos")  # a relative path is read from where we stand
    assert read_at("HEAD", Path("..") / FJORDBY) == committed


def test_read_at_works_for_a_deleted_file_and_folder(repo):
    committed = (repo / FJORDBY).read_bytes()
    shutil.rmtree(repo / "agreements")
    assert read_at("HEAD", repo / FJORDBY) == committed


def test_a_folder_is_not_a_file(repo):
    with pytest.raises(HistoryError, match="er ikke en fil"):
        read_at("HEAD", repo / "agreements")


def test_load_at_gives_yaml_1_2_data_with_the_display_path(repo):
    edit(repo, FJORDBY, ("status: signed\n", "status: draft\n"))
    old = load_at("HEAD", repo / FJORDBY)
    assert old.problems == []
    assert old.data["status"] == "signed"
    assert old.data["duration"]["start"] == "2026-01-01"  # a string, as YAML 1.2 reads it
    assert old.path == str(repo / FJORDBY)
