"""Bad input and failing tools: a clear one-line message, exit 1, no traceback, no half files,
and never another agreement's build."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from .conftest import FJORDBY, ROOT, agreements_folder, run_cli

PROBLEM = re.compile(r"^[^\n]+:\d+:\d+: error: \S[^\n]*$")

HOSTILE = {
    "syntaks": b"title: [uafsluttet\n",
    "tabulator": b"title: x\n\tstatus: draft\n",
    "dubleret": b"title: a\ntitle: b\n",
    "alias-bombe": b"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
    "dyb": b"a: " + b"[" * 20000 + b"]" * 20000 + b"\n",
    "dyb-blok": b"".join(b"  " * i + b"k:\n" for i in range(300)),
    "stor": b"a: |\n" + (b"  " + b"x" * 998 + b"\n") * 1100,
    "latin1": "title: S\u00f8ren\n".encode("latin-1"),
    "bom": b"\xef\xbb\xbftitle: x\n",
    "flere-dokumenter": b"title: a\n---\ntitle: b\n",
    "python-tag": b"title: !!python/object/apply:os.system [echo hacked]\n",
    "andet-tag": b"title: !hemmelig x\n",
    "liste-rod": b"- a\n- b\n",
    "tekst-rod": b"bare en tekst\n",
    "tom": b"",
    "kontroltegn": b"title: a\x1bb\n",
    "nul-tegn": b"title: a\x00b\n",
    "kontroltegn-escape": b'title: "a\\x07b"\n',
    "linjeskift-unicode": b'title: "a\\u2028b"\n',
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_gets_one_line_and_exit_1(tmp_path, name):
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(HOSTILE[name])
    started = time.monotonic()
    result = run_cli("validate", str(path))
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 1 and PROBLEM.match(lines[0]), result.stdout
    assert lines[0].startswith(f"{path}:")
    assert elapsed < 10  # generous: it is about not hanging, the real figure is far below a second


def test_a_failing_tool_costs_only_its_own_agreement(tmp_path):
    """The build gets a temporary folder of its own (TMPDIR), so another build on the machine
    cannot make its work directories look like ours."""
    out, scratch = tmp_path / "out", tmp_path / "tmp"
    scratch.mkdir()
    draft = ROOT / "agreements" / "aaby-ungementor.yaml"  # a draft is rendered; a sealed one is copied
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", str(draft), "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "PARTNERSKAB_RENDER_TIMEOUT": "0.01", "TMPDIR": str(scratch)},
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"error: Dokumenterne kunne ikke dannes: det tog mere end 0,01 s", result.stdout)
    assert not [p for p in out.iterdir() if p.suffix in (".pdf", ".docx", ".html")]
    assert list(scratch.iterdir()) == []  # the killed worker's files are gone


def test_a_write_failure_costs_only_its_own_agreement(tmp_path):
    english = ROOT / "agreements" / "norreby-reading-friends.yaml"
    out = tmp_path / "out"
    (out / "fjordby-familievenner.pdf").mkdir(parents=True)  # cannot be replaced by a file
    result = run_cli("build", str(FJORDBY), str(english), "--out", str(out))
    assert result.returncode == 1
    assert "Filerne kunne ikke skrives" in result.stdout
    assert (out / "norreby-reading-friends.pdf").stat().st_size > 1000
    assert not list(out.glob(".*.tmp"))


def test_a_failed_rebuild_leaves_the_previous_files_intact(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", str(FJORDBY), "--out", str(out)).returncode == 0

    def documents():
        return {p.name: p.read_bytes() for p in out.iterdir() if p.suffix in (".pdf", ".docx", ".html")}

    before = documents()
    broken = agreements_folder(tmp_path) / "fjordby-familievenner.yaml"
    broken.write_text(
        FJORDBY.read_text(encoding="utf-8").replace("status: signed", "status: ?"), encoding="utf-8"
    )
    assert run_cli("build", str(broken), "--out", str(out)).returncode == 1
    assert documents() == before


def test_a_character_the_pdf_cannot_show_is_pointed_out_at_its_line(tmp_path):
    text = FJORDBY.read_text(encoding="utf-8").replace("  vision: Alle små", "  vision: Alle 🙂 små")
    path = agreements_folder(tmp_path) / "emoji.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("build", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    line = text.split("  vision: Alle 🙂")[0].count("\n") + 1
    assert result.stdout.startswith(
        f"{path}:{line}:11: error: Tegnet «🙂» (U+1F642) kan ikke vises i PDF'en, "
        "fordi skrifttypen ikke har det."
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_an_output_folder_that_cannot_be_written_is_a_usage_error(tmp_path):
    blocker = tmp_path / "fil"
    blocker.write_text("ikke en mappe", encoding="utf-8")
    result = run_cli("build", str(FJORDBY), "--out", str(blocker))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"build.py: fejl: der kan ikke skrives i mappen {blocker}")


def test_a_number_with_thousands_of_digits_is_text_not_a_crash(write_agreement):
    text = FJORDBY.read_text(encoding="utf-8").replace(
        "      amount: 180000\n", "      amount: " + "9" * 5000 + "\n"
    )
    result = run_cli("validate", str(write_agreement(text)))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Beløb skal være et helt tal, ikke en tekst (economy.budget[0].amount)" in result.stdout
