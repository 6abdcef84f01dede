"""The files around the tool: the GitHub workflow, the pre-commit hooks and the VS Code settings."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from .conftest import EXAMPLES, ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "agreements.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
PRE_COMMIT_CONFIG = ROOT / ".pre-commit-config.yaml"
VSCODE = ROOT / ".vscode"
# The editor reads the schema's copy with titles and descriptions for hover (tests/test_editor.py).
SCHEMA = ROOT / "schema" / "partnership-agreement.editor.schema.json"
MODELINE = "# yaml-language-server: $schema=../schema/partnership-agreement.editor.schema.json"

# Any attempt to reach the network goes to a closed local port, so the check runs offline:
# the github-workflows schema ships inside check-jsonschema.
OFFLINE = {
    **os.environ,
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "",
}


def _check_workflow(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        cwd=ROOT,
        env=OFFLINE,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _triggers(workflow: dict) -> dict:
    """The `on:` mapping. PyYAML reads YAML 1.1, where the key `on` is the boolean True."""
    return workflow["on"] if "on" in workflow else workflow[True]


def _steps(job: str = "aftaler") -> list[dict]:
    return _workflow()["jobs"][job]["steps"]


def _step_running(text: str) -> tuple[int, dict]:
    [(index, step)] = [(i, s) for i, s in enumerate(_steps()) if text in s.get("run", "")]
    return index, step


def _argv(step: dict) -> list[str]:
    """The build.py command of a step: its one line, or the script line that runs build.py."""
    [line] = [line for line in step["run"].splitlines() if "build.py" in line]
    return shlex.split(line)


# (a), (b): the workflow is valid for GitHub, and the check would notice if it were not.


def test_workflow_matches_github_schema():
    result = _check_workflow(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("    runs-on: ubuntu-latest\n", "", id="runs-on-removed"),
        pytest.param("\non:\n", "\non: 42\nnot_on:\n", id="on-not-an-event"),
        pytest.param("    timeout-minutes: 20\n", "    timeout-minutes: [20]\n", id="timeout-a-list"),
    ],
)
def test_workflow_check_catches_broken_workflow(tmp_path, old, new):
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "agreements.yml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")  # in the first job
    result = _check_workflow(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors" in result.stdout


# (c): what the workflow does.


def test_workflow_triggers_permissions_and_limits():
    workflow = _workflow()
    triggers = _triggers(workflow)
    assert set(triggers) == {"pull_request", "push", "workflow_dispatch"}
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}  # nothing by default; each job says what it needs
    assert "pull_request" in workflow["concurrency"]["cancel-in-progress"]
    job = workflow["jobs"]["aftaler"]
    assert job["permissions"] == {"contents": "read"}
    assert job["runs-on"] == "ubuntu-latest"
    assert isinstance(job["timeout-minutes"], int)


def test_workflow_installs_like_make():
    [checkout] = [s for s in _steps() if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0
    assert checkout["with"]["persist-credentials"] is False
    [python] = [s for s in _steps() if s.get("uses", "").startswith("actions/setup-python@")]
    assert str(python["with"]["python-version"]) == "3.11"
    assert python["with"]["cache"] == "pip"
    _, install = _step_running("make install")
    assert install["run"].strip() == "make install"  # the lock file's exact versions, as `make` installs


def test_workflow_validates_with_annotations_and_fails_the_job():
    _, step = _step_running("build.py validate --format github")
    argv = _argv(step)
    assert argv[:3] == [".venv/bin/python", "build.py", "validate"]
    assert argv[argv.index("--format") + 1] == "github"
    assert "continue-on-error" not in step and "if" not in step
    assert "|| true" not in step["run"]
    # on pull requests it also checks against the target branch: signed means amended (PA113)
    assert 'set -- --base "origin/$GITHUB_BASE_REF"' in step["run"] and argv[-1] == "$@"


def test_workflow_writes_the_review_diff_to_the_job_summary_of_pull_requests():
    diff_at, step = _step_running("build.py diff")
    validate_at, _ = _step_running("build.py validate --format github")
    assert diff_at < validate_at  # written even when validation then fails
    assert step["if"] == "github.event_name == 'pull_request'"
    assert '>> "$GITHUB_STEP_SUMMARY"' in step["run"] and '>> "$GITHUB_OUTPUT"' in step["run"]
    assert _argv(step)[:5] == [".venv/bin/python", "build.py", "diff", "--base", "origin/$GITHUB_BASE_REF"]


@pytest.mark.parametrize(
    ("code", "step_fails"),
    [(0, False), (1, False), (70, True), (2, True)],
    ids=["compared", "nothing-compared", "tool-fault", "usage"],
)
def test_workflow_diff_step_tolerates_nothing_compared_but_not_a_fault(tmp_path, code, step_fails):
    """The step's own script, run as GitHub runs it (bash -e -o pipefail), with a build.py that
    ends with `code`: 1 (nothing could be compared, the text says why) lets the check after it
    decide; a fault in the tool (70) or a wrong command line (2) fails the step. Either way the
    text reaches the run's summary page and the comment."""
    _, step = _step_running("build.py diff")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\necho '# Ændringer i partnerskabsaftaler'\nexit {code}\n", encoding="utf-8")
    python.chmod(0o755)
    env = {
        **os.environ,
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_BASE_REF": "main",
    }
    result = _run_step(step, tmp_path, env)
    assert (result.returncode != 0) is step_fails, result.stderr
    if step_fails:
        assert result.returncode == code
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == "# Ændringer i partnerskabsaftaler\n"
    assert "# Ændringer i partnerskabsaftaler" in (tmp_path / "output").read_text(encoding="utf-8")


def test_workflow_builds_into_build_only_after_validation():
    validate_at, _ = _step_running("build.py validate --format github")
    build_at, step = _step_running("build.py build")
    assert build_at > validate_at
    assert "if" not in step or step["if"] == "success()"  # skipped when validation failed
    argv = _argv(step)
    assert argv[:3] == [".venv/bin/python", "build.py", "build"]
    assert argv[argv.index("--out") + 1] == "build"


def test_workflow_uploads_build_folder():
    build_at, _ = _step_running("build.py build")
    [(upload_at, upload)] = [
        (i, s) for i, s in enumerate(_steps()) if s.get("uses", "").startswith("actions/upload-artifact@")
    ]
    assert upload_at > build_at
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"].rstrip("/") == "build"
    assert upload["with"]["name"] == "partnerskabsaftaler"
    assert upload["with"]["if-no-files-found"] == "warn"
    assert upload["with"]["retention-days"] == 30


# (d): pre-commit, for other repositories and for this one.


def _matches(pattern: str, path: str) -> bool:
    return re.search(pattern, path) is not None  # pre-commit uses re.search


def test_pre_commit_hook_for_other_repositories():
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    [hook] = [h for h in hooks if h["id"] == "partnerskab-validate"]
    assert hook["name"] and hook["entry"] == "partnerskab-validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert _matches(hook["files"], "agreements/fjordby.yaml")
    assert _matches(hook["files"], "agreements/fjordby.yml")
    assert not _matches(hook["files"], "schema/partnership-agreement.schema.json")
    assert not _matches(hook["files"], "other/agreements/fjordby.yaml")
    # `language: python` installs this package; the entry must be one of its console scripts.
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert hook["entry"] in scripts


def test_pre_commit_config_for_this_repository():
    config = yaml.safe_load(PRE_COMMIT_CONFIG.read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]]
    assert len(hooks) == sum(len(repo["hooks"]) for repo in config["repos"])  # nothing downloaded
    assert all(h["language"] == "system" for h in hooks)
    [validate] = [h for h in hooks if "build.py validate" in h["entry"]]
    assert shlex.split(validate["entry"]) == [".venv/bin/python", "build.py", "validate"]
    assert all(_matches(validate["files"], str(p.relative_to(ROOT))) for p in EXAMPLES)
    [ruff] = [h for h in hooks if "ruff" in h["entry"]]
    assert shlex.split(ruff["entry"]) == [".venv/bin/ruff", "check"]
    assert ruff["types"] == ["python"]


# (e): the editor finds the schema for every agreement.


def test_vscode_maps_schema_to_agreements():
    settings = json.loads((VSCODE / "settings.json").read_text(encoding="utf-8"))
    schemas = settings["yaml.schemas"]
    [(schema_path, globs)] = [(k, v) for k, v in schemas.items() if (ROOT / k).resolve() == SCHEMA]
    assert EXAMPLES
    for agreement in EXAMPLES:
        relative = agreement.relative_to(ROOT).as_posix()
        assert any(fnmatch.fnmatch(relative, glob) for glob in globs), (relative, schema_path)
    assert settings["[yaml]"]["editor.tabSize"] == 2
    assert settings["[yaml]"]["editor.insertSpaces"] is True
    assert settings["files.eol"] == "\n"
    extensions = json.loads((VSCODE / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


@pytest.mark.parametrize("agreement", EXAMPLES, ids=lambda p: p.name)
def test_agreement_names_its_schema(agreement):
    first = agreement.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first == MODELINE
    target = first.split("$schema=", 1)[1]
    assert (agreement.parent / target).resolve() == SCHEMA


def test_status_reminder_workflow_is_valid_and_runs_status_on_a_schedule():
    path = ROOT / ".github" / "workflows" / "status.yml"
    result = _check_workflow(path)
    assert result.returncode == 0, result.stdout + result.stderr
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["schedule"][0]["cron"]
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["status"]["steps"])
    assert "build.py status" in runs and "gh issue create" in runs
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["status"]["permissions"] == {"contents": "read", "issues": "write"}
    assert "--format markdown" in runs and "```" not in runs  # escaped Markdown, no fence to close


# The current majors, all on Node 24 (Node 20 is deprecated), each pinned to the commit of its tag.
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
}


def test_every_action_is_pinned_to_a_full_commit_of_a_node_24_release():
    for path in (ROOT / ".github" / "workflows").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        uses = re.findall(r"uses: ([^@\s]+)@(\S+)(?: # (\S+))?", text)
        assert uses, path
        for action, ref, tag in uses:
            assert re.fullmatch(r"[0-9a-f]{40}", ref), (path.name, action, ref)
            assert (ref, tag) == PINNED[action], (path.name, action)
        for step in [s for job in yaml.safe_load(text)["jobs"].values() for s in job["steps"]]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
        assert "concurrency" in yaml.safe_load(text)


def test_zizmor_finds_nothing_in_the_workflows():
    zizmor = Path(sys.executable).parent / "zizmor"
    result = subprocess.run(
        [str(zizmor), "--offline", ".github/workflows"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


# (f): the pull request's comment, the list of every problem, what starts a run, GitHub Pages.

PR_COMMENT = ROOT / "tools" / "pr_comment.py"
MARKER = "<!-- partnerskab-pr-summary -->"
REPO = "fjordby/partnerskaber"
BOT = {"login": "github-actions[bot]", "type": "Bot"}
METTE = {"login": "mette", "type": "User"}

# A stand-in for the GitHub CLI: it notes each call (arguments, standard input, token) and
# answers the comment list with the pages the test put in comments.json, as `gh api
# --paginate` prints them: one JSON array per page, one after the other.
STUB_GH = """#!{python}
import json, os, sys
from pathlib import Path
here = Path(__file__).parent
call = {{"args": sys.argv[1:], "stdin": sys.stdin.read(), "token": os.environ.get("GH_TOKEN")}}
with open(here / "calls.jsonl", "a", encoding="utf-8") as log:
    log.write(json.dumps(call) + "\\n")
if (here / "fail").exists():
    sys.stderr.write("HTTP 403: Resource not accessible by integration\\n")
    sys.exit(1)
if "--paginate" in sys.argv:
    sys.stdout.write((here / "comments.json").read_text(encoding="utf-8"))
else:
    sys.stdout.write('{{"id": 1}}')
"""


class GhStub:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir()
        gh = folder / "gh"
        gh.write_text(STUB_GH.format(python=sys.executable), encoding="utf-8")
        gh.chmod(0o755)
        self.pages()
        self.env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "GH_TOKEN": "t0ken"}

    def pages(self, *pages: list) -> None:
        text = "".join(json.dumps(page, ensure_ascii=False) for page in pages) if pages else "[]"
        (self.folder / "comments.json").write_text(text, encoding="utf-8")

    def calls(self) -> list[dict]:
        log = self.folder / "calls.jsonl"
        return (
            [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
            if log.exists()
            else []
        )

    def forget(self) -> None:
        (self.folder / "calls.jsonl").unlink(missing_ok=True)


@pytest.fixture
def gh(tmp_path) -> GhStub:
    return GhStub(tmp_path / "bin")


def run_comment(gh: GhStub, summary: str, head: str = REPO, env: dict | None = None):
    path = gh.folder.parent / "diff.md"
    path.write_text(summary, encoding="utf-8")
    args = [sys.executable, str(PR_COMMENT), "--repo", REPO, "--pr", "12", "--head-repo", head, str(path)]
    return subprocess.run(args, env=env or gh.env, capture_output=True, text=True, timeout=120)


def writes(calls: list[dict]) -> list[tuple[str, str, str]]:
    """(method, endpoint, body) of each call that writes."""
    out = []
    for call in calls:
        args = call["args"]
        if "--method" in args:
            assert args[:1] == ["api"] and args[-2:] == ["--input", "-"]
            method, endpoint = args[args.index("--method") + 1], args[args.index("--method") + 2]
            out.append((method, endpoint, json.loads(call["stdin"])["body"]))
    return out


def listed(calls: list[dict]) -> list[list[str]]:
    return [c["args"] for c in calls if "--paginate" in c["args"]]


SUMMARY = "# Ændringer i partnerskabsaftaler\n\n## Fjordby\n\n- Titlen er ændret til «Familievenner på Ærø»\n"


def test_pr_comment_posts_once_then_updates_the_same_comment(gh):
    first = run_comment(gh, SUMMARY)
    assert first.returncode == 0, first.stderr
    calls = gh.calls()
    assert listed(calls) == [["api", "--paginate", f"repos/{REPO}/issues/12/comments?per_page=100"]]
    [(method, endpoint, body)] = writes(calls)
    assert (method, endpoint) == ("POST", f"repos/{REPO}/issues/12/comments")
    assert body.startswith(MARKER + "\n") and body.endswith(SUMMARY)
    assert all(call["token"] == "t0ken" for call in calls)  # gh reads the token from GH_TOKEN
    assert "oprettet" in first.stdout

    # The next push: GitHub now lists that comment (on the second page), so it is edited.
    gh.forget()
    gh.pages([{"id": 1, "body": "Ser godt ud", "user": METTE}], [{"id": 4242, "body": body, "user": BOT}])
    changed = SUMMARY.replace("Ærø", "Fanø")
    second = run_comment(gh, changed)
    assert second.returncode == 0, second.stderr
    [(method, endpoint, body)] = writes(gh.calls())
    assert (method, endpoint) == ("PATCH", f"repos/{REPO}/issues/comments/4242")
    assert body == f"{MARKER}\n{changed}"
    assert "opdateret" in second.stdout


def test_pr_comment_leaves_other_peoples_comments_alone(gh):
    gh.pages(
        [
            {"id": 7, "body": "Husk bilaget", "user": METTE},
            {"id": 8, "body": f"> {MARKER}\n> # Ændringer\n\nEnig", "user": METTE},  # quotes ours
            {"id": 9, "body": f"{MARKER}\nkopieret", "user": METTE},  # the marker, but not our bot
            {"id": 10, "body": None, "user": None},  # a deleted user's comment
        ]
    )
    result = run_comment(gh, SUMMARY)
    assert result.returncode == 0, result.stderr
    [(method, endpoint, _)] = writes(gh.calls())
    assert (method, endpoint) == ("POST", f"repos/{REPO}/issues/12/comments")


def test_pr_comment_from_a_fork_calls_nothing(gh):
    result = run_comment(gh, SUMMARY, head="someone/partnerskaber")
    assert result.returncode == 0, result.stderr
    assert gh.calls() == []
    assert "fork" in result.stdout


def test_pr_comment_too_long_is_cut_with_a_danish_note(gh):
    result = run_comment(gh, "- ændring\n" * 10_000)
    assert result.returncode == 0, result.stderr
    [(_, _, body)] = writes(gh.calls())
    assert len(body) <= 65536 and body.startswith(MARKER)
    assert body.rstrip().endswith("se den hele under *Summary* på kørslens side.")


def test_pr_comment_failures_are_one_danish_line(gh, tmp_path):
    (gh.folder / "fail").touch()
    result = run_comment(gh, SUMMARY)
    assert result.returncode == 1
    assert result.stderr.startswith("pr_comment.py: fejl: gh api --paginate") and "HTTP 403" in result.stderr
    assert "Traceback" not in result.stderr

    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_comment(gh, SUMMARY, env={**gh.env, "PATH": str(empty)})
    assert result.returncode == 1
    assert result.stderr == "pr_comment.py: fejl: kommandoen gh (GitHub CLI) findes ikke på denne computer\n"

    (gh.folder / "fail").unlink()
    gh.pages()
    (gh.folder / "comments.json").write_text("<html>Bad gateway</html>", encoding="utf-8")
    result = run_comment(gh, SUMMARY)
    assert result.returncode == 1 and "svarede ikke med JSON" in result.stderr
    assert "Traceback" not in result.stderr

    for args in (["--pr", "tolv", "x.md"], ["--pr", "12"], ["--pr", "12", "x.md", "--verbose"]):
        wrong = subprocess.run(
            [sys.executable, str(PR_COMMENT), "--repo", REPO, "--head-repo", REPO, *args],
            env=gh.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert wrong.returncode == 2, args
        assert (
            wrong.stderr.startswith("brug: pr_comment.py --repo")
            and "pr_comment.py: fejl: angiv" in wrong.stderr
        )
    gone = subprocess.run(
        [
            sys.executable,
            str(PR_COMMENT),
            "--repo",
            REPO,
            "--pr",
            "1",
            "--head-repo",
            REPO,
            str(gh.folder.parent / "mangler.md"),
        ],
        env=gh.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert gone.returncode == 1 and gone.stderr.endswith("mangler.md findes ikke\n")


def _github_glob(pattern: str) -> re.Pattern:
    """A `paths:` filter as GitHub reads it: `**` crosses folders, `*` does not."""
    regex = "".join(
        ".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part)
        for part in re.split(r"(\*\*|\*)", pattern)
    )
    return re.compile(regex + r"\Z")


def test_workflow_paths_cover_everything_the_documents_are_made_from():
    triggers = _triggers(_workflow())
    paths = triggers["pull_request"]["paths"]
    assert triggers["push"]["paths"] == paths  # a change that is checked is also published
    for pattern in paths:  # every filter names something that exists
        assert (ROOT / pattern.removesuffix("/**")).exists(), pattern
    font = next(p for p in (ROOT / "fonts").rglob("*") if p.is_file())
    for path in [
        *(p.relative_to(ROOT).as_posix() for p in EXAMPLES),
        "logos/fjordby-kommune.png",
        font.relative_to(ROOT).as_posix(),
        "bilag/vestby-resultatmaal.pdf",
        "sealed/fjordby-familievenner/version-2/seal.yaml",  # a seal swapped in a pull request
        "schema/partnership-agreement.schema.json",
        "templates/agreement.md.j2",
        "templates/pandoc/x.typ",
        "partnerskab/cli.py",
        "build.py",
        "tools/pr_comment.py",
        "requirements.lock",
        ".github/workflows/agreements.yml",
    ]:
        assert any(_github_glob(p).match(path) for p in paths), path
    for path in ["README.md", "docs/x.md", "tests/test_workflow.py", "bench/x.py"]:
        assert not any(_github_glob(p).match(path) for p in paths), path


def test_the_comment_job_writes_only_for_pull_requests_from_this_repository():
    jobs = _workflow()["jobs"]
    job = jobs["kommentar"]
    assert job["needs"] == "aftaler"
    assert "github.event_name == 'pull_request'" in job["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
    assert "!cancelled()" in job["if"]  # also when the check found problems
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert [name for name, j in jobs.items() if "pull-requests" in j.get("permissions", {})] == ["kommentar"]
    [step] = [s for s in job["steps"] if "pr_comment.py" in s.get("run", "")]
    assert step["env"]["HEAD_REPO"] == "${{ github.event.pull_request.head.repo.full_name }}"
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"
    # the job runs none of the pull request's code but the script: nothing is installed
    assert not any("make" in s.get("run", "") or "build.py" in s.get("run", "") for s in job["steps"])
    assert jobs["aftaler"]["outputs"]["diff"] == "${{ steps.diff.outputs.markdown }}"


@pytest.mark.parametrize("name", ["agreements.yml", "status.yml"])
def test_no_expression_is_pasted_into_a_script(name):
    """Values from the event reach a script as environment variables, never as text in it."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    runs = [s["run"] for job in workflow["jobs"].values() for s in job["steps"] if "run" in s]
    assert runs
    assert not [run for run in runs if "${{" in run]


def test_pages_are_published_from_main_only_when_switched_on():
    jobs = _workflow()["jobs"]
    job = jobs["udgiv"]
    assert job["needs"] == "aftaler"  # only what was checked and built
    condition = job["if"]
    assert "vars.PUBLISH_PAGES == 'true'" in condition
    assert (
        "github.ref == 'refs/heads/main'" in condition and "github.event_name != 'pull_request'" in condition
    )
    assert job["permissions"] == {"pages": "write", "id-token": "write"}
    assert [n for n, j in jobs.items() if {"pages", "id-token"} & set(j.get("permissions", {}))] == ["udgiv"]
    assert job["environment"]["name"] == "github-pages"
    assert job["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    uses = [s["uses"].split("@")[0] for s in job["steps"]]
    assert uses == ["actions/deploy-pages"]
    build_at, _ = _step_running("build.py build")
    [(upload_at, upload)] = [
        (i, s)
        for i, s in enumerate(_steps())
        if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    ]
    assert upload_at > build_at and upload["if"] == condition
    assert upload["with"]["path"].rstrip("/") == "build"


def test_markdown_problems_cannot_break_the_table():
    from partnerskab.problems import Problem, format_markdown

    nasty = Problem("agreements/a|b.yaml", 3, 5, "PA020", "Titel | <script>x</script>\n## overskrift")
    warning = Problem("agreements/a|b.yaml", 9, 1, "PA205", "Kun et råd", severity="warning")
    lines = format_markdown([nasty, warning]).splitlines()
    rows = [line for line in lines if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 2
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row)[1:-1]  # GitHub splits a row at each unescaped |
        assert len(cells) == 4, row
    assert "<" not in "".join(lines).replace("\\<", "")
    assert not [line for line in lines if line.startswith("## ")]
    assert "1 fejl og 1 advarsel." in lines
    assert [re.split(r"(?<!\\)\|", r)[3].strip() for r in rows] == ["fejl", "advarsel"]


# The steps run as GitHub runs them, in a git repository with the pull request's changes.


def _run_step(step: dict, cwd: Path, env: dict, expressions: dict | None = None):
    env = dict(env)
    for name, value in step.get("env", {}).items():
        env[name] = (expressions or {})[value] if "${{" in value else value
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT as GitHub reads it: name=value, or name<<END ... END over several lines."""
    lines, out = path.read_text(encoding="utf-8").split("\n"), {}
    i = 0
    while i < len(lines):
        if "<<" in lines[i]:
            name, end = lines[i].split("<<", 1)
            stop = lines.index(end, i + 1)
            out[name] = "\n".join(lines[i + 1 : stop])
            i = stop + 1
        elif "=" in lines[i]:
            name, value = lines[i].split("=", 1)
            out[name] = value
            i += 1
        else:
            i += 1
    return out


def test_pull_request_steps_summary_every_problem_and_comment(tmp_path, gh):
    from .conftest import copy_project
    from .test_history import commit, edit, git

    (tmp_path / "repo").mkdir()
    repo = copy_project(tmp_path / "repo")
    (repo / ".venv").symlink_to(ROOT / ".venv")
    (repo / "tools").mkdir()
    shutil.copy(PR_COMMENT, repo / "tools" / "pr_comment.py")
    (repo / ".gitignore").write_text(".venv\n", encoding="utf-8")
    git(repo, "init", "-q")
    commit(repo, "Aftalerne")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    edit(repo, "agreements/fjordby-familievenner.yaml", ("\ntitle: ", "\ntitle: Nye "))
    new = subprocess.run(
        [".venv/bin/python", "build.py", "new", "ny-aftale"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert new.returncode == 0, new.stderr
    runner = tmp_path / "runner"
    runner.mkdir()
    summary, output = runner / "summary.md", runner / "output.txt"
    env = {
        **gh.env,
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_BASE_REF": "main",
        "GITHUB_REPOSITORY": REPO,
        "RUNNER_TEMP": str(runner),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
    }
    expected = json.loads(
        subprocess.run(
            [".venv/bin/python", "build.py", "validate", "--format", "json", "agreements/ny-aftale.yaml"],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    )["problems"]
    assert len(expected) > 10  # more than GitHub shows as annotations in one step

    _, diff_step = _step_running("build.py diff")
    done = _run_step(diff_step, repo, env)
    assert done.returncode == 0, done.stderr
    diff = _outputs(output)["markdown"]
    assert diff.startswith("# Ændringer i partnerskabsaftaler") and "ny-aftale" in diff.replace("\\", "")
    assert summary.read_text(encoding="utf-8") == diff + "\n"

    _, check = _step_running("build.py validate --format github")
    done = _run_step(check, repo, env)
    assert done.returncode == 1
    annotations = [line for line in done.stdout.splitlines() if "ny-aftale.yaml" in line]
    assert len(annotations) == len(expected)

    [every] = [s for s in _steps() if "--format markdown" in s.get("run", "")]
    assert "!cancelled()" in every["if"]  # runs after the check failed
    done = _run_step(every, repo, env)
    assert done.returncode == 0, done.stderr  # exit 1, «there are problems», is expected here
    written = summary.read_text(encoding="utf-8").removeprefix(diff + "\n")
    assert written.startswith("## Problemer i aftalerne\n")
    rows = [line for line in written.splitlines() if line.startswith("| agreements/ny\\-aftale\\.yaml")]
    found = [tuple(map(int, re.match(r"\| \S+?\\:(\d+)\\:(\d+) \|", row).groups())) for row in rows]
    assert found == [(p["line"], p["column"]) for p in expected]
    assert [row.split(" | ")[1] for row in rows] == [p["code"] for p in expected]

    [comment] = [s for s in _workflow()["jobs"]["kommentar"]["steps"] if "run" in s]
    expressions = {
        "${{ github.token }}": "t0ken",
        "${{ needs.aftaler.outputs.diff }}": diff,
        "${{ github.event.pull_request.number }}": "12",
        "${{ github.event.pull_request.head.repo.full_name }}": REPO,
    }
    done = _run_step(comment, repo, env, expressions)
    assert done.returncode == 0, done.stderr
    [(method, endpoint, body)] = writes(gh.calls())
    assert (method, endpoint) == ("POST", f"repos/{REPO}/issues/12/comments")
    assert body == f"{MARKER}\n{diff}\n"

    gh.forget()
    expressions["${{ github.event.pull_request.head.repo.full_name }}"] = "someone/fork"
    done = _run_step(comment, repo, env, expressions)
    assert done.returncode == 0 and gh.calls() == []
