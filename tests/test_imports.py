"""Each command imports only what it uses: `validate` (and the pre-commit hook) never loads the
render machinery, and a valid agreement never needs jsonschema (quickcheck.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import EXAMPLES, ROOT, copy_project

HEAVY = ("pypandoc", "typst", "docx", "lxml", "jinja2", "jsonschema", "multiprocessing", "babel")

# Runs build.py's command line in this process, then prints which heavy modules it loaded.
# (Not as __main__: build.py then ends the process as soon as the command returns.)
PROBE = """
import json, runpy, sys
sys.argv = ["build.py", *sys.argv[1:]]
try:
    runpy.run_path("build.py", run_name="probe")["main"]()
except SystemExit:
    pass
heavy = json.loads({heavy!r})
print("\\n" + json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def imported(*args: str, cwd=ROOT) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=json.dumps(HEAVY)), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_validating_a_valid_agreement_loads_no_render_machinery_and_no_jsonschema():
    valid = str(ROOT / "agreements" / "fjordby-familievenner.yaml")
    loaded = imported("validate", valid)
    assert not {"pypandoc", "typst", "docx", "lxml", "jinja2", "jsonschema", "multiprocessing"} & set(loaded)


def test_an_invalid_agreement_is_explained_by_jsonschema(write_agreement):
    text = (ROOT / "agreements" / "fjordby-familievenner.yaml").read_text(encoding="utf-8")
    path = write_agreement(text.replace("status: signed", "status: 7", 1))
    loaded = imported("validate", str(path))
    assert "jsonschema" in loaded
    assert not {"pypandoc", "typst", "docx", "lxml", "jinja2"} & set(loaded)


@pytest.mark.parametrize(
    "args",
    [["status"], ["diff", str(EXAMPLES[0])], ["validate", *map(str, EXAMPLES)]],
    ids=["status", "diff", "validate-all"],
)
def test_commands_that_render_nothing_load_no_render_machinery(args):
    loaded = imported(*args)
    assert not {"pypandoc", "typst", "docx", "lxml", "jinja2", "multiprocessing"} & set(loaded), loaded


def test_new_loads_only_what_it_uses(tmp_path):
    copy_project(tmp_path, examples=False)
    loaded = imported("new", "ny-aftale", cwd=tmp_path)
    assert not {"pypandoc", "typst", "docx", "lxml", "jinja2", "jsonschema", "multiprocessing"} & set(loaded)
    assert (tmp_path / "agreements" / "ny-aftale.yaml").exists()


def test_a_build_writes_dates_and_amounts_without_babel(tmp_path):
    """i18n.py has CLDR's rules for da and en itself (tests/test_package.py compares them with
    Babel): importing Babel and loading its locale data was a fifth of a one-agreement build's
    start."""
    draft = ROOT / "agreements" / "aaby-ungementor.yaml"
    loaded = imported("build", str(draft), "--out", str(tmp_path / "out"))
    assert "babel" not in loaded and "jinja2" in loaded  # it did get as far as rendering
    assert (tmp_path / "out" / "aaby-ungementor.pdf").stat().st_size > 1000


# In a new interpreter: load.py imports PyYAML with the regular expressions its modules compile
# on import left until they are used (load._import_yaml); PyYAML's own loader still works, and
# compiles each when it first needs it.
LATER = """
import re, datetime
import partnerskab.load
import yaml, yaml.reader
assert not isinstance(yaml.reader.Reader.NON_PRINTABLE, re.Pattern), "compiled on import"
assert yaml.safe_load("a: 2026-01-02\\nb: yes\\nc: 1.5\\nd: ~") == {
    "a": datetime.date(2026, 1, 2), "b": True, "c": 1.5, "d": None}
try:
    yaml.safe_load("a: \\x07")
except yaml.reader.ReaderError:
    print("ok")
"""


def test_pyyaml_compiles_its_patterns_only_when_it_uses_them():
    done = subprocess.run([sys.executable, "-c", LATER], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr
