"""The files around the tool: the GitHub workflow, the pre-commit hooks and the VS Code settings."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
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
SCHEMA = ROOT / "schema" / "partnership-agreement.schema.json"
MODELINE = "# yaml-language-server: $schema=../schema/partnership-agreement.schema.json"

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


def _steps() -> list[dict]:
    [job] = _workflow()["jobs"].values()
    return job["steps"]


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
    assert text.count(old) == 1
    broken = tmp_path / "agreements.yml"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    result = _check_workflow(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors" in result.stdout


# (c): what the workflow does.


def test_workflow_triggers_permissions_and_limits():
    workflow = _workflow()
    triggers = _triggers(workflow)
    assert set(triggers) == {"pull_request", "push", "workflow_dispatch"}
    assert triggers["push"]["branches"] == ["main"]
    for pattern in triggers["pull_request"]["paths"]:  # every filter names something that exists
        assert (ROOT / pattern.removesuffix("/**")).exists(), pattern
    assert "agreements/**" in triggers["pull_request"]["paths"]
    assert {"requirements.lock", ".github/workflows/**"} <= set(triggers["pull_request"]["paths"])
    assert workflow["permissions"] == {}  # nothing by default; each job says what it needs
    assert "pull_request" in workflow["concurrency"]["cancel-in-progress"]
    [job] = workflow["jobs"].values()
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
    _, step = _step_running("build.py validate")
    argv = _argv(step)
    assert argv[:3] == [".venv/bin/python", "build.py", "validate"]
    assert argv[argv.index("--format") + 1] == "github"
    assert "continue-on-error" not in step and "if" not in step
    assert "|| true" not in step["run"]
    # on pull requests it also checks against the target branch: signed means amended (PA113)
    assert 'set -- --base "origin/$GITHUB_BASE_REF"' in step["run"] and argv[-1] == "$@"


def test_workflow_writes_the_review_diff_to_the_job_summary_of_pull_requests():
    diff_at, step = _step_running("build.py diff")
    validate_at, _ = _step_running("build.py validate")
    assert diff_at < validate_at  # written even when validation then fails
    assert step["if"] == "github.event_name == 'pull_request'"
    assert step["run"].endswith('>> "$GITHUB_STEP_SUMMARY"')
    assert _argv(step)[:5] == [".venv/bin/python", "build.py", "diff", "--base", "origin/$GITHUB_BASE_REF"]


def test_workflow_builds_into_build_only_after_validation():
    validate_at, _ = _step_running("build.py validate")
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
