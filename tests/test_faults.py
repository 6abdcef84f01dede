"""Issue 10: clean behaviour under faults. A build that is interrupted (Ctrl-C), terminated
(SIGTERM, as when a CI job is cancelled) or killed (`kill -9`) leaves no worker processes and
no work directories behind, and never prints a traceback."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerskab.check import check
from partnerskab.load import load
from partnerskab.render import render

from .conftest import EXAMPLES, ROOT, agreements_folder, copy_project, run_cli, seal
from .test_properties import QuotingDumper, agreements


def _running(file: str, needle: bytes) -> list[int]:
    """The processes, zombies left out (they have ended and only wait to be reaped), whose
    /proc/PID/`file` holds `needle`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if needle in (proc / file).read_bytes():
                if (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(proc.name))
        except OSError:
            continue
    return found


def _ours(marker: str) -> list[int]:
    """The processes started with our marker in their environment (the build and its workers)."""
    return _running("environ", f"PARTNERSKAB_TEST_MARK={marker}".encode())


def _pandocs() -> set[int]:
    """The running `pandoc lua render.lua` processes (pandoc_server.py): they get none of our
    environment, so they are found by their command line."""
    return set(_running("cmdline", b"render.lua"))


_PANDOCS_BEFORE: dict[str, set[int]] = {}


def _start_build(tmp_path: Path) -> tuple[subprocess.Popen, str, Path]:
    """A build of every example with two workers, stopped once a worker is rendering."""
    marker, scratch = uuid.uuid4().hex, tmp_path / "tmp"
    _PANDOCS_BEFORE[marker] = _pandocs()
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "PARTNERSKAB_TEST_MARK": marker}
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "build",
            *map(str, EXAMPLES),
            "--out",
            str(tmp_path / "out"),
            "-j",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        # Ctrl-C as on a terminal, also where this test runs in the background (which ignores it)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not list(scratch.glob("partnerskab-[0-9a-f]*")):  # a worker's directory
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no worker started rendering"
        time.sleep(0.01)
    return process, marker, scratch


def _gone(marker: str, scratch: Path, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    before = _PANDOCS_BEFORE.get(marker, set())

    def left() -> bool:
        return bool(_ours(marker) or list(scratch.iterdir()) or _pandocs() - before)

    while left() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ours(marker) == [], "processes live on"
    assert _pandocs() - before == set(), "pandoc lives on"
    assert list(scratch.iterdir()) == [], "work directories are left behind"


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_says_so_in_danish_and_cleans_up(tmp_path, how):
    process, marker, scratch = _start_build(tmp_path)
    process.send_signal(how)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in err.decode() and "KeyboardInterrupt" not in err.decode()
    assert (
        err.decode()
        .strip()
        .endswith("Afbrudt. Filer, der var ved at blive skrevet, er ikke gemt; kør kommandoen igen.")
    )
    _gone(marker, scratch)
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_workers_die_with_a_killed_parent(tmp_path):
    """`kill -9` gives the build no chance to clean up; the workers notice and do it."""
    process, marker, scratch = _start_build(tmp_path)
    process.kill()
    process.wait(timeout=30)
    _gone(marker, scratch)


def test_an_empty_base_revision_is_a_usage_error():
    for command in ("validate", "diff"):
        result = run_cli(command, "--base", "", str(EXAMPLES[0]))
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "skal være en git-revision" in result.stderr and "Traceback" not in result.stderr
    assert run_cli("validate", "--base", " ", str(EXAMPLES[0])).returncode == 2


# -- characters that deceive ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, column",
    [
        ("title: Pay DKK \u202e000,001\u202c\n", 16),
        ('title: "Pay DKK \\u202e000,001"\n', 8),
        ("title: a\u200bb\n", 9),
        ("title: a\u206ab\n", 9),
        ("title: a\U0001bca0b\n", 9),
    ],
    ids=["literal", "escaped", "zero-width", "inhibit-swapping", "shorthand-overlap"],
)
def test_characters_that_make_text_read_otherwise_are_refused(write_agreement, written, column):
    text = EXAMPLES[0].read_text(encoding="utf-8")
    text = re.sub(r"^title: .*\n", lambda m: written, text, count=1, flags=re.M)
    [problem] = check(load(write_agreement(text)))
    assert problem.code == "PA004" and (problem.line, problem.column) == (_line(text, written), column)
    assert re.match(
        r"Teksten indeholder tegnet U\+(202E RIGHT-TO-LEFT OVERRIDE|200B ZERO WIDTH SPACE"
        r"|206A INHIBIT SYMMETRIC SWAPPING|1BCA0 SHORTHAND FORMAT LETTER OVERLAP)",
        problem.message,
    )


@pytest.mark.parametrize(
    "written, below, column",
    [
        ("title: x\ue000y\n", 0, 9),
        ('title: "x\\ue000y"\n', 0, 8),
        ("title: x\U000f0001y\n", 0, 9),
        ("title: x\ufdd0y\n", 0, 9),
        ("title: x\U0001fffey\n", 0, 9),
        ("title: Frivillig\n  x\ue000y\n", 1, 4),  # in a value that goes on on the next line
    ],
    ids=[
        "private-use",
        "private-use-escaped",
        "supplementary-private-use",
        "noncharacter",
        "plane-1-nonchar",
        "folded",
    ],
)
def test_characters_of_private_use_are_refused(write_agreement, written, below, column):
    """IBM Plex Sans draws U+E000 as «fb»: the PDF would say «xfby» where the text and the HTML
    say «xy». Such a character has no meaning of its own, so it is refused where it stands."""
    text = EXAMPLES[0].read_text(encoding="utf-8")
    text = re.sub(r"^title: .*\n", lambda m: written, text, count=1, flags=re.M)
    [problem] = check(load(write_agreement(text)))
    assert problem.code == "PA004" and (problem.line, problem.column) == (
        _line(text, written) + below,
        column,
    )
    assert re.match(r"Teksten indeholder tegnet U\+[0-9A-F]{4,6}, et tegn til privat brug", problem.message)


def test_a_character_of_private_use_in_a_comment_is_harmless(write_agreement):
    """Only values reach the documents; such a comment was valid before and stays valid."""
    text = EXAMPLES[0].read_text(encoding="utf-8")
    text = re.sub(
        r"^title: (.*)\n", lambda m: f"title: {m[1]}  # \ue000 et ikon\n", text, count=1, flags=re.M
    )
    assert "\ue000" in text
    assert [p.code for p in check(load(write_agreement(text))) if p.severity == "error"] == []


def test_letters_of_other_scripts_are_still_allowed(write_agreement):
    text = EXAMPLES[0].read_text(encoding="utf-8")
    text = re.sub(r"^title: .*\n", "title: Ελληνικά, русский и Ærø\n", text, count=1, flags=re.M)
    assert [p.severity for p in check(load(write_agreement(text)))] in ([], ["warning"])


def _line(text: str, needle: str) -> int:
    return text.split(needle, 1)[0].count("\n") + 1


# -- files are checked before they are read ---------------------------------------------------------


def test_a_link_to_a_device_a_pipe_and_a_huge_file_are_refused_before_reading(tmp_path):
    folder = tmp_path / "agreements"
    folder.mkdir()
    (folder / "nul.yaml").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.yaml")
    with open(folder / "stor.yaml", "wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB, sparse: no disk used, but read_bytes would try
    (folder / "ude.yaml").symlink_to("/etc/hostname")
    started = time.monotonic()
    result = run_cli(
        "validate", *(str(folder / n) for n in ("nul.yaml", "pipe.yaml", "stor.yaml", "ude.yaml"))
    )
    assert time.monotonic() - started < 30  # no hang on the pipe, no gigabytes read
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = dict(line.split(":1:1: error: ") for line in result.stdout.splitlines())
    assert lines[str(folder / "nul.yaml")].startswith("Filen er et link til en fil uden for repositoriet")
    assert lines[str(folder / "pipe.yaml")].startswith("Det er ikke en almindelig fil")
    assert lines[str(folder / "stor.yaml")].startswith("Filen er for stor (over 1 MB)")
    assert lines[str(folder / "ude.yaml")].startswith("Filen er et link til en fil uden for repositoriet")


def test_a_link_to_an_agreement_inside_the_repository_is_read(write_agreement):
    target = write_agreement(EXAMPLES[0].read_text(encoding="utf-8"), "original.yaml")
    link = target.parent / "link.yaml"
    link.symlink_to(target.name)
    assert [p for p in check(load(link)) if p.severity == "error"] == []


# -- names that reach a terminal, a log or a page ----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "nl\n::error title=INJECTED::x.yaml",
        "\x1b]0;titel\x07.yaml",
        "https:evil.example?.yaml",
        "a b.yaml",
        "x.bilag-1.yaml",
    ],
)
def test_a_file_name_that_is_not_allowed_is_refused_and_printed_harmlessly(tmp_path, name):
    path = tmp_path / name
    path.write_text(EXAMPLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    for fmt in ("text", "github"):
        result = run_cli("validate", "--format", fmt, str(path))
        assert result.returncode == 1
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert result.stdout.count("\n") == 1, result.stdout  # one line: no injected command
        assert "kan ikke bruges" in result.stdout
        assert fmt == "text" or "title=PA003" in result.stdout


def test_a_name_that_is_not_utf8_costs_only_its_own_agreement(tmp_path):
    folder = tmp_path / "agreements"
    folder.mkdir()
    bad = os.fsdecode(bytes(folder) + b"/\xff\xfe.yaml")
    Path(bad).write_text(EXAMPLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    good = folder / "god.yaml"
    good.write_text((ROOT / "agreements" / "norreby-reading-friends.yaml").read_text(encoding="utf-8"))
    seal(good)
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", bad, str(good), "--out", str(tmp_path / "out")],
        capture_output=True,
        cwd=ROOT,
    )
    assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr
    assert b"\\xff\\xfe.yaml" in result.stdout and b"kan ikke bruges" in result.stdout
    assert (tmp_path / "out" / "god.pdf").is_file()


def test_register_links_are_encoded_file_names():
    from partnerskab.register import to_html, with_days_left

    row = {
        "file": "x.yaml",
        "title": "T",
        "status": "draft",
        "language": "da",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "renewal": "fixed",
        "partners": [],
        "sectors": [],
        "budget_total": 0,
        "financing_total": 0,
        "pdf": "https:evil.example?.pdf",
        "docx": "æble.docx",
        "html": "x.html",
        "annexes": [],
    }
    rows = with_days_left([row], dt.date(2026, 6, 1))
    soup = BeautifulSoup(to_html(rows, dt.date(2026, 6, 1)), "html5lib")
    hrefs = [a["href"] for a in soup.select("#agreements a")]
    assert hrefs[:2] == ["https%3Aevil.example%3F.pdf", "%C3%A6ble.docx"]


# -- the writable-folder probe ---------------------------------------------------------------------------


def test_the_probe_never_follows_a_planted_link_and_two_builds_can_run_at_once(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "vigtig.txt"
    victim.write_text("må ikke tømmes", encoding="utf-8")
    (out / ".partnerskab-probe").symlink_to(victim)
    example = str(ROOT / "agreements" / "norreby-reading-friends.yaml")
    command = [sys.executable, str(ROOT / "build.py"), "build", example, "--out", str(out), "-j", "1"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT) for _ in range(3)
    ]
    results = [(run.wait(timeout=300), run.stderr.read().decode()) for run in runs]
    assert all(code == 0 for code, _ in results), results
    assert victim.read_text(encoding="utf-8") == "må ikke tømmes"
    assert not list(out.glob(".partnerskab-probe-*"))


# -- outputs that are checked, not assumed ----------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[:100]),
        lambda path: path.write_bytes(b""),
        lambda path: path.write_bytes(b"garbage"),
    ],
    ids=["truncated", "emptied", "replaced"],
)
@pytest.mark.parametrize("suffix", ["pdf", "docx", "html"])
def test_a_damaged_output_is_rebuilt(tmp_path, damage, suffix):
    out = tmp_path / "out"
    example = str(ROOT / "agreements" / "norreby-reading-friends.yaml")
    assert run_cli("build", example, "--out", str(out)).returncode == 0
    target = out / f"norreby-reading-friends.{suffix}"
    good = target.read_bytes()
    damage(target)
    result = run_cli("build", example, "--out", str(out))
    assert "Bygget: 1, uændret: 0, fejlede: 0" in result.stdout, result.stdout
    assert target.read_bytes() == good


@pytest.fixture
def small_disk(tmp_path):
    """A 500 kB filesystem: room for a few agreements, not for all."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=500k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_gives_clean_messages_and_documents_that_appear_together_or_not_at_all(
    small_disk, tmp_path
):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    result = subprocess.run(
        [sys.executable, str(project / "build.py"), "build", "--out", str(small_disk), "-j", "1"],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=600,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "Filerne kunne ikke skrives: disken er fuld" in result.stdout  # PA091, in Danish
    for example in EXAMPLES:
        present = [(small_disk / f"{example.stem}.{s}").exists() for s in ("pdf", "docx", "html")]
        assert all(present) or not any(present), (example.stem, present)
    register = [(small_disk / name).exists() for name in ("index.html", "agreements.csv", "agreements.json")]
    assert all(register) or not any(register)
    if not any(register):
        assert "overblikket kunne ikke skrives" in result.stderr
    assert not list(small_disk.glob(".*.tmp"))


def test_a_register_that_cannot_be_written_is_named(tmp_path):
    """A folder where the register's index.html should go: the message names the file, not the
    temporary file beside it, and the build fails."""
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    (project / "ud" / "index.html").mkdir(parents=True)
    result = run_cli("build", "--out", "ud", cwd=project, root=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "build.py: fejl: overblikket kunne ikke skrives (ud/index.html): " in result.stderr, result.stderr
    assert ".tmp" not in result.stderr
    # when the temporary file beside it cannot be made (a folder we may not write in), the same
    from partnerskab.register import not_written

    refused = PermissionError(13, "Permission denied", str(project / "ud" / ".index.html.k3x_9q.tmp"))
    assert not_written(refused).startswith(
        f"build.py: fejl: overblikket kunne ikke skrives ({project}/ud/index.html)"
    )


@pytest.mark.parametrize("value", ["253402300800", "²", "-5", "1.5", "i morgen"])
def test_a_source_date_epoch_that_is_no_date_is_refused_in_danish(value):
    """SOURCE_DATE_EPOCH past year 9999 crashed `status` (ValueError in the register's today);
    «²» passed str.isdigit; text and negative values were ignored without a word, so a build
    meant to be reproducible was not. Every command now refuses it, with exit code 2."""
    for command in (["status"], ["validate", str(EXAMPLES[0])]):
        result = run_cli(*command, env={"SOURCE_DATE_EPOCH": value})
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "SOURCE_DATE_EPOCH skal være et helt antal sekunder siden 1. januar 1970" in result.stderr
        assert f"ikke «{value}»" in result.stderr


# -- images are checked before they are decoded ----------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def _jpeg(width: int, height: int) -> bytes:
    import struct

    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


@pytest.mark.parametrize("image", [_png(15500, 15500), _jpeg(6000, 6000)], ids=["png", "jpeg"])
def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(write_agreement, image):
    from partnerskab.assets import image_size

    assert image_size(image) in ((15500, 15500), (6000, 6000))
    path = write_agreement(EXAMPLES[0].read_text(encoding="utf-8"))
    text = (ROOT / "agreements" / "fjordby-familievenner.yaml").read_text(encoding="utf-8")
    (path.parent.parent / "logos" / "stor.img").write_bytes(image)
    path.write_text(text.replace("../logos/fjordby-kommune.png", "../logos/stor.img"), encoding="utf-8")
    [problem] = check(load(path))
    assert problem.code == "PA112" and "mere end 25 megapixel" in problem.message
    assert image_size(_png(5000, 5000)) == (5000, 5000)  # 25 megapixels exactly is allowed


def test_image_headers_that_lie_or_end_early_are_not_images():
    from partnerskab.assets import image_size

    sof = b"\xff\xc0\x00\x0b\x08\x3e\x80\x3e\x80\x01\x01\x11\x00"  # 16000 x 16000
    fake = b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00"  # 1 x 1, hidden in a comment
    comment = b"\xff\xfe\x00\x0f" + fake
    tricky = b"\xff\xd8\xff\xff" + sof[1:] + comment + b"\xff\xd9"  # a fill byte before the frame
    assert image_size(tricky) == (16000, 16000)
    assert image_size(_jpeg(16385, 1)) == (16385, 1)
    whole = _png(300, 100)
    assert image_size(whole) == (300, 100)
    assert image_size(whole[: len(whole) - 12]) is None  # no IEND: cut short
    assert image_size(_jpeg(300, 100)[:-2]) is None  # no end marker
    assert image_size(_png(0, 0)) == (0, 0)


@pytest.mark.parametrize(
    "image, words",
    [
        (_jpeg(16385, 1), "16.384 pixel"),
        (_png(0, 0), "ikke et helt PNG"),
        (_png(300, 100)[:-12], "ikke et helt PNG"),
    ],
    ids=["too-wide", "no-pixels", "truncated"],
)
def test_a_logo_that_typst_could_not_use_is_refused_by_validate(write_agreement, image, words):
    path = write_agreement((ROOT / "agreements" / "fjordby-familievenner.yaml").read_text(encoding="utf-8"))
    (path.parent.parent / "logos" / "fjordby-kommune.png").write_bytes(image)
    [problem] = check(load(path))
    assert problem.code == "PA112" and words in problem.message


# -- what validate accepts, build builds ------------------------------------------------------------------

LATIN = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x2FF, exclude_categories=("Cc", "Cs")), max_size=150
)
# Text of any length up to 300 with, often, one character from beyond what the PDF fonts show.
WIDE = st.builds(
    lambda a, b, c: a + b + c, LATIN, st.sampled_from(["", "😀", "中文", "√", "ﬁ", "…", "Ωω", "🙂x"]), LATIN
).filter(lambda s: s.strip())


@settings(
    max_examples=int(os.environ.get("PARTNERSKAB_RENDER_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(agreements(), WIDE, WIDE)
def test_what_validate_accepts_build_builds(data, title, vision):
    """For generated agreements with any characters and lengths: validate exit 0 implies that
    the build's own work (render: pandoc, Typst, lxml) succeeds."""
    data = {**data, "title": title, "purpose": {**data["purpose"], "vision": vision}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "aftale.yaml"
        path.write_text(yaml.dump(data, Dumper=QuotingDumper, allow_unicode=True), encoding="utf-8")
        source = load(path)
        if any(p.severity == "error" for p in check(source)):
            return  # refused by validate, with a message: nothing is promised
        workdir = Path(folder) / "work"
        workdir.mkdir()
        render(source.data, workdir)  # raises on any failure the build would report


def test_validate_points_at_a_character_the_pdf_cannot_show(write_agreement):
    text = (ROOT / "agreements" / "fjordby-familievenner.yaml").read_text(encoding="utf-8")
    text = text.replace("  vision: Alle små", "  vision: Alle 🙂 små")
    result = run_cli("validate", str(write_agreement(text)))
    assert result.returncode == 1
    line = text.split("  vision: Alle 🙂")[0].count("\n") + 1
    assert f":{line}:11: error: Tegnet «🙂» (U+1F642) kan ikke vises i PDF'en" in result.stdout
    assert "(purpose.vision)" in result.stdout


# -- what is typed is what is shown --------------------------------------------------------------------


def test_dots_and_a_hyphen_with_a_question_mark_are_shown_as_typed_in_every_format(tmp_path):
    from pypdf import PdfReader

    typed = "Vi ser... hvad der sker -? og -- og --- og 'x' og -5 kr. og x -3"
    text = (ROOT / "agreements" / "norreby-reading-friends.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^  vision: .*\n", f'  vision: "{typed}"\n', text, count=1, flags=re.M)
    text = re.sub(r"^title: .*\n", 'title: "Læsning... for alle"\n', text, count=1, flags=re.M)
    path = agreements_folder(tmp_path) / "typet.yaml"
    path.write_text(text, encoding="utf-8")
    seal(path)
    out = tmp_path / "out"
    assert run_cli("build", str(path), "--out", str(out)).returncode == 0
    pdf = " ".join(page.extract_text() for page in PdfReader(out / "typet.pdf").pages)
    assert typed in " ".join(pdf.split()) and "…" not in pdf and "\u2212" not in pdf
    assert PdfReader(out / "typet.pdf").metadata.title == "Læsning... for alle"
    # «-5 kr.» keeps its amount and unit together with a no-break space (typography.py)
    assert typed in (out / "typet.html").read_text(encoding="utf-8").replace("\xa0", " ")
    from docx import Document

    paragraphs = Document(str(out / "typet.docx")).paragraphs
    assert any(typed in p.text.replace("\xa0", " ") for p in paragraphs)


# -- status in the weekly reminder ----------------------------------------------------------------------


def test_status_as_markdown_escapes_every_value(monkeypatch, tmp_path, capsys):
    from partnerskab.status import status_report

    text = (ROOT / "agreements" / "fjordby-familievenner.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "title: Frivillig familiestøtte i Fjordby", 'title: "Slut\\n```\\n| x | y |\\n# Overskrift @alle"'
    )
    path = agreements_folder(tmp_path) / "slut.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2027, 11, 1, tzinfo=dt.UTC).timestamp())))
    assert status_report([str(path)], 90, markdown=True) == 1
    lines = capsys.readouterr().out.strip().split("\n")
    assert lines[0] == "| Fil | Aftale | Status | Næste dato | Dage | Hvad |" and len(lines) == 3
    assert "```" not in lines[2] and "\\`\\`\\`" in lines[2] and "\\| x \\| y \\|" in lines[2]
    assert lines[2].count(" | ") == 5  # six cells: nothing the title held made a column


# -- limits that keep a build within seconds, and within what Word accepts ----------------------------------


@pytest.mark.parametrize(
    "field, length, words",
    [
        ("title", 256, "Aftalens titel: teksten er for lang, højst 255 tegn, men der er 256"),
        ("vision", 20_001, "Vision: teksten er for lang, højst 20.000 tegn, men der er 20.001"),
        ("text", 2_001, "Målet: teksten er for lang, højst 2000 tegn, men der er 2001"),
    ],
)
def test_a_text_over_its_limit_is_refused_at_its_line(write_agreement, field, length, words):
    text = (ROOT / "agreements" / "norreby-reading-friends.yaml").read_text(encoding="utf-8")
    data = load(ROOT / "agreements" / "norreby-reading-friends.yaml").data
    long = "a" * length
    if field == "title":
        text = text.replace(f"title: {data['title']}\n", f"title: {long}\n")
    elif field == "vision":
        text = re.sub(r"^  vision: .*\n", f"  vision: {long}\n", text, count=1, flags=re.M)
    else:
        text = re.sub(r"^    - text: .*\n", f"    - text: {long}\n", text, count=1, flags=re.M)
    path = write_agreement(text.replace("language: en", "language: da"))
    problems = [p for p in check(load(path)) if p.severity == "error"]
    assert [p.code for p in problems] == ["PA016"], problems
    assert problems[0].message.startswith(words)


def test_all_the_text_of_an_agreement_has_a_limit(write_agreement):
    text = (ROOT / "agreements" / "norreby-reading-friends.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^values:\n(?:  - .*\n)+", "", text, flags=re.M)  # 101 values of 1.999 characters
    text += "values:\n" + "".join(f"  - {'b' * 1999}\n" for _ in range(101))
    [problem] = load(write_agreement(text)).problems
    assert problem.message.startswith("The agreement holds more than 200.000 characters of text in all.")
    danish = load(write_agreement(text.replace("language: en", "language: da"))).problems
    assert danish[0].message.startswith("Aftalen indeholder mere end 200.000 tegn tekst i alt.")


# -- pinned dependencies ---------------------------------------------------------------------------------


def test_every_dependency_is_installed_from_the_lock_file_with_hashes():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\", lock, re.M))
    for requirement in wanted:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group().lower().replace("_", "-")
        assert name in {p.lower() for p in pins}, f"{name} is not in requirements.lock: run make lock"
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock.split("\n", 2)[2])
    assert all("--hash=sha256:" in block for block in blocks if block.strip())
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes -r $(LOCK)" in makefile and "--no-deps" in makefile


def test_checking_starts_no_threads_in_the_process_that_forks_the_workers(write_agreement):
    """The glyph probe runs Typst, which starts threads; a build forks its render workers after
    checking, and a fork of a process with threads can deadlock. So the probe runs elsewhere."""
    text = (ROOT / "agreements" / "fjordby-familievenner.yaml").read_text(encoding="utf-8")
    path = write_agreement(text.replace("  vision: Alle små", "  vision: Alle ∑ ∞ ⅓ ☂ 🙂 små"))
    before = len(os.listdir("/proc/self/task"))
    problems = check(load(path))
    assert [p.code for p in problems] == ["PA092"]
    assert len(os.listdir("/proc/self/task")) == before


def test_the_characters_taken_as_shown_without_a_probe_are_shown():
    """glyphs.SAFE is never probed: the probe itself (as `validate` runs it, in a process of its
    own) must say that the template's fonts show every one of them, in regular, bold and italic."""
    from partnerskab import glyphs

    codes = [f"{ord(c):x}" for c in sorted(glyphs.SAFE - {"\n", "\t", "\r"})]
    done = subprocess.run(
        [sys.executable, "-m", "partnerskab.glyphs", *codes], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    answer = dict(line.split() for line in done.stdout.splitlines())
    not_shown = [chr(int(code, 16)) for code, shown in answer.items() if shown != "1"]
    assert answer == dict.fromkeys(codes, "1"), not_shown
    # and the probe can say no: a Chinese character is not in the fonts
    chinese = [sys.executable, "-m", "partnerskab.glyphs", "4e00"]
    assert "4e00 0" in subprocess.run(chinese, capture_output=True, text=True, cwd=ROOT).stdout


def test_hundreds_of_characters_the_pdf_cannot_show_are_found_quickly_and_only_those(write_agreement):
    from partnerskab import glyphs

    glyphs._known.clear()  # what earlier tests found must not count here
    greek = "".join(chr(c) for c in range(0x391, 0x3CA)) + "".join(chr(c) for c in range(0x410, 0x450))
    assert glyphs.unshowable(greek) == ["\u03a2"]  # an unassigned code point in the Greek block
    chinese = "".join(chr(0x4E00 + i) for i in range(800))
    missing = glyphs.unshowable(chinese)
    assert 1 <= len(missing) <= glyphs.MAX_MISSING and set(missing) <= set(chinese)
    text = (ROOT / "agreements" / "fjordby-familievenner.yaml").read_text(encoding="utf-8")
    problems = check(load(write_agreement(text.replace("  vision: Alle små", f"  vision: {chinese} små"))))
    assert [p.code for p in problems] == ["PA092"]


def test_a_mark_no_font_has_is_found_by_validate_where_it_stands_and_accents_still_build(tmp_path):
    """«b⃝» (b and U+20DD COMBINING ENCLOSING CIRCLE): no font has the circle, and Typst names
    only the «b» it could not show with it. validate found nothing, and build blamed a «b» in the
    title. The probe now tries each mark on a letter; a letter written with its accent apart
    (å as a + U+030A, as macOS may write it) is shown and builds."""
    from partnerskab import glyphs
    from partnerskab.pipeline import _find_glyphs

    glyphs._known.clear()
    assert glyphs.unshowable("Søren b\u20dd og a\u20de") == ["\u20dd", "\u20de"]
    assert glyphs.unshowable("Sa\u030aren j\u030c S\u0327 Nguye\u0302\u0303n") == []
    text = (ROOT / "agreements" / "fjordby-familievenner.yaml").read_text(encoding="utf-8")
    text = text.replace("status: signed", "status: draft")
    folder = agreements_folder(tmp_path)
    (folder / "ring.yaml").write_text(text.replace("name: Søren Ørum", 'name: "Søren b\\u20dd"', 1), "utf-8")
    (folder / "nfd.yaml").write_text(text.replace("name: Søren Ørum", 'name: "Sa\\u030aren"'), "utf-8")
    result = run_cli("validate", str(folder / "ring.yaml"))
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"{folder / 'ring.yaml'}:31:13: error: Tegnet «\u20dd» (U+20DD) kan ikke vises i PDF'en"
    ), result.stdout
    assert result.stdout.count("\n") == 1  # the value that holds it, and nothing else
    assert "(partners[1].contact.name) [PA092]" in result.stdout
    built = run_cli("build", str(folder / "nfd.yaml"), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stdout + built.stderr
    # Were the probe to miss one, the build names the mark and its value, not the letter's first use.
    data = {"title": "Bla\u030a by", "partners": [{"contact": {"name": "Søren a b\u20dd"}}]}
    assert _find_glyphs(data, "b") == (("partners", 0, "contact", "name"), "b\u20dd")
    assert _find_glyphs(data, "a") == (("title",), "a")  # its accent is shown: the letter is named
    assert _find_glyphs(data, "\U0001f642") == (None, "\U0001f642")


MARK_PROBE = """
import json, unicodedata
from partnerskab import glyphs
marks = [chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)).startswith("M")]
calls, compiles = [], glyphs._compiles
glyphs._compiles = lambda chars: calls.append(len(chars)) or compiles(chars)
glyphs._probe(marks)
print(json.dumps({"marks": len(marks), "calls": calls, "known": glyphs._known}))
"""


def test_marks_are_probed_in_groups_and_stop_after_max_missing():
    """Every combining mark of the Basic Multilingual Plane (over 1300) in one agreement: the
    probe tries them CHUNK at a time and halves a group that fails, so it costs a few dozen
    compiles, not one for each mark, and stops once MAX_MISSING are found. (In a process of its
    own, as the probe always runs: Typst starts threads.)"""
    import json

    from partnerskab import glyphs

    done = subprocess.run([sys.executable, "-c", MARK_PROBE], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    missing = [mark for mark, shown in result["known"].items() if not shown]
    assert len(missing) == glyphs.MAX_MISSING
    assert len(result["calls"]) < result["marks"] / glyphs.CHUNK + glyphs.MAX_MISSING * 7, result["calls"]
    assert max(result["calls"]) <= glyphs.CHUNK
    assert result["known"]["\u0301"] is True  # an acute accent on a letter is shown


def test_a_second_signal_cannot_cut_the_clean_up_short(tmp_path):
    process, marker, scratch = _start_build(tmp_path)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.05)
    process.send_signal(signal.SIGTERM)  # a cancelled CI job may send more than one
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in err.decode()
    _gone(marker, scratch)


def test_a_worker_that_died_while_waiting_is_replaced():
    from partnerskab import workers

    pool = workers.RenderPool(1, timeout=60)
    try:
        slot = pool._free_slot()
        slot.worker = dead = workers._Worker(False, slot.pandoc)
        dead.process.kill()
        dead.process.join()
        data = load(ROOT / "agreements" / "norreby-reading-friends.yaml").data
        pool._give(slot, ("k", data, {"logos": {}, "stem": "n"}, None))
        assert slot.worker is not dead and slot.worker.process.is_alive() and slot.task is not None
    finally:
        for slot in pool.slots:
            slot.stop()


_ADOPTION = """
import json, sys
sys.path.insert(0, sys.argv[1])
from partnerskab import workers
from partnerskab.load import load
import os
from tests.test_faults import _pandocs as _all_pandocs


def _descends(pid, ancestor):
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            with open(f"/proc/{pid}/stat") as handle:
                pid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
    return False


def _pandocs():  # ours only: another build on the machine may run its own
    return {p for p in _all_pandocs() if _descends(p, os.getpid())}


workers.TASKS_PER_WORKER = int(sys.argv[2])  # a short life, so that a worker is replaced
data = load(sys.argv[1] + "/agreements/norreby-reading-friends.yaml").data
count = workers.TASKS_PER_WORKER + 2
tasks = [(n, data, {"logos": {}, "stem": f"n{n}"}, None) for n in range(count)]
before = _pandocs()
pool = workers.RenderPool(1, timeout=120)
pool.prestart()
pandoc = pool.slots[0].pandoc.process.pid
seen = {"workers": [], "pandocs": [], "extra": [], "results": []}
for _key, result in pool.run(tasks):
    seen["results"].append(type(result).__name__ if not hasattr(result, "pdf") else "ok")
    if pool.slots and pool.slots[0].worker:
        seen["workers"].append(pool.slots[0].worker.process.pid)
        seen["pandocs"].append(pool.slots[0].pandoc.process.pid)
        seen["extra"].append(sorted(_pandocs() - before - {pandoc}))
seen["pandoc"], seen["after"] = pandoc, sorted(_pandocs() - before)
print(json.dumps(seen))
"""


# The life of a worker (workers.TASKS_PER_WORKER) in the tests that see workers replaced: short,
# so that they need few agreements.
SHORT_LIFE = 3


def _pool_script(script: str, *args: str):
    """What `script` printed as JSON, run in a process of its own with the project's folder and
    `args` (the test process has run Typst, whose threads a fork must not inherit; the build's
    parent never renders)."""
    command = [sys.executable, "-c", script, str(ROOT), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


_STALE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from partnerskab import workers
from partnerskab.load import load

workers.TASKS_PER_WORKER = int(sys.argv[2])  # a short life, so that a worker is replaced
root = Path(sys.argv[1]) / "agreements"
norreby = load(root / "norreby-reading-friends.yaml").data
bad = {"logos": {norreby["partners"][0]["id"]: b"not an image"}, "stem": "bad"}
tasks = [(f"bad{n}", norreby, bad, None) for n in range(workers.TASKS_PER_WORKER)]
for name in ("fjordby-familievenner", "norreby-reading-friends", "skovlund-lektiecafe"):
    data = load(root / f"{name}.yaml").data
    tasks.append((data["title"], data, {"logos": {}, "stem": name}, None))
pool = workers.RenderPool(1, timeout=120)
pool.prestart()
out = []
for key, result in pool.run(tasks):
    out.append([key, result.html.decode() if hasattr(result, "html") else None])
print(json.dumps(out))
"""


def test_agreements_that_fail_before_pandoc_never_shift_the_answers():
    """A worker whose agreements all fail before they reach pandoc leaves the warm-up's answer
    unread; the next worker must not take it (or any stale answer) for its agreement's."""
    results = _pool_script(_STALE, str(SHORT_LIFE))
    assert [html for _, html in results[:SHORT_LIFE]] == [None] * SHORT_LIFE
    good = results[SHORT_LIFE:]
    assert len(good) == 3
    for title, html in good:
        assert html and f"<title>{title}" in html.replace("&#39;", "'"), (title, (html or "")[:300])


def test_a_replaced_worker_adopts_the_same_warm_pandoc():
    """Workers are replaced after TASKS_PER_WORKER agreements; pandoc is not."""
    seen = _pool_script(_ADOPTION, str(SHORT_LIFE))
    assert seen["results"] == ["ok"] * (SHORT_LIFE + 2)
    assert len(set(seen["workers"])) == 2  # replaced once
    assert set(seen["pandocs"]) == {seen["pandoc"]}  # the same pandoc throughout
    assert not any(seen["extra"])  # the workers started none of their own
    assert seen["after"] == []  # and it ended with the pool


_MARKS = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from partnerskab import render, workers
from partnerskab.load import load

made = Path(sys.argv[2]) / "made"
original = render.Renderer.draft_mark


def counted(self, word, workdir):  # inherited by every worker the pool forks
    if not any(known == word for known, _ in render.DRAFT_MARKS):
        with open(made, "a") as log:
            log.write(f"{os.getpid()} {word}\\n")
    return original(self, word, workdir)


render.Renderer.draft_mark = counted
fonts = render.typst.Fonts


def loaded(*args, **kwargs):
    with open(Path(sys.argv[2]) / "fonts", "a") as log:
        log.write(f"{os.getpid()}\\n")
    return fonts(*args, **kwargs)


render.typst.Fonts = loaded
workers.TASKS_PER_WORKER = int(sys.argv[3])  # a short life, so that workers are replaced
data = load(sys.argv[1] + "/agreements/vestby-flere-i-job.yaml").data
count = 2 * workers.TASKS_PER_WORKER + 1  # three workers, one after the other
tasks = [(n, data, {"logos": {}, "stem": f"v{n}"}, f"{sys.argv[2]}/kept{n}") for n in range(count)]
pool = workers.RenderPool(1, timeout=120)
pool.prestart()
seen = {"workers": [], "ok": 0}
for _key, result in pool.run(tasks):
    seen["ok"] += hasattr(result, "pdf")
    if pool.slots and pool.slots[0].worker:
        seen["workers"].append(pool.slots[0].worker.process.pid)
seen["parent"] = {word: svg.decode() for (word, _), svg in render.DRAFT_MARKS.items()}
seen["pid"] = os.getpid()
print(json.dumps(seen))
"""


def test_a_draft_mark_and_the_fonts_are_made_once_a_build_and_handed_to_later_workers(tmp_path):
    """Typst draws a draft's mark once in a build (about 4 ms in a fresh worker); the worker
    sends it back with its result, and the workers forked after that have it from the parent.
    Every draft still carries the same mark. Typst's fonts (about 4 ms) are loaded by the first
    worker, while its pandoc converts, and by the parent before the next fork: not by every
    worker."""
    seen = _pool_script(_MARKS, str(tmp_path), str(SHORT_LIFE))
    count = 2 * SHORT_LIFE + 1
    assert seen["ok"] == count
    assert len(set(seen["workers"])) == 3  # replaced twice
    made = (tmp_path / "made").read_text().splitlines()
    assert len(made) == 1 and made[0].endswith(" UDKAST"), made  # by the first worker alone
    assert list(seen["parent"]) == ["UDKAST"]
    marks = {(tmp_path / f"kept{n}" / "draft-mark.svg").read_text() for n in range(count)}
    assert marks == {seen["parent"]["UDKAST"]}
    assert "<svg" in marks.pop()
    loaders = [int(pid) for pid in (tmp_path / "fonts").read_text().split()]
    assert loaders == [seen["workers"][0], seen["pid"]]  # the first worker, then the parent


_ALONE = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from partnerskab import render, workers
from partnerskab.load import load

seen = Path(sys.argv[2])
original = render.render


def logged(data, workdir, logos=None, stem="aftale", renderer=None):  # inherited by the workers
    with open(seen, "a") as log:
        log.write(f"{stem} {renderer.overlap}\\n")
    return original(data, workdir, logos, stem, renderer)


render.render = logged
data = load(sys.argv[1] + "/agreements/vestby-flere-i-job.yaml").data
pool = workers.RenderPool(int(sys.argv[3]), timeout=120)
pool.prestart()
ok = sum(hasattr(result, "pdf") for _key, result in pool.run(
    [(n, data, {"logos": {}, "stem": f"v{n}"}, None) for n in range(4)]
))
pool.close()
print(json.dumps(ok))
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_typst_works_beside_pandoc_only_when_no_other_worker_renders(tmp_path, jobs):
    """With one job every agreement is rendered alone, and Typst lays out its PDF while pandoc
    writes the HTML and DOCX (render.Renderer.overlap). With two, the first agreement is alone,
    and the next ones, given while another worker renders, go one step after the other."""
    assert _pool_script(_ALONE, str(tmp_path / "seen"), str(jobs)) == 4
    seen = dict(line.split() for line in (tmp_path / "seen").read_text().splitlines())
    assert seen["v0"] == "True"
    if jobs == 1:
        assert set(seen.values()) == {"True"}
    else:
        assert seen["v1"] == "False" and len(seen) == 4


_WIND_DOWN = """
import json, sys
sys.path.insert(0, sys.argv[1])
from partnerskab import workers
from partnerskab.load import load

data = load(sys.argv[1] + "/agreements/norreby-reading-friends.yaml").data
pool = workers.RenderPool(1, timeout=120, persistent=sys.argv[2] == "persistent")
pool.prestart()
seen = {}
for _key, result in pool.run([("k", data, {"logos": {}, "stem": "n"}, None)]):
    # The result is here and the pool is not closed: did the worker and pandoc end by themselves?
    slot = pool.slots[0]
    slot.worker.process.join(timeout=float(sys.argv[3]))
    seen["worker"] = slot.worker.process.exitcode
    try:
        seen["pandoc"] = slot.pandoc.process.wait(timeout=float(sys.argv[3]))
    except Exception:
        seen["pandoc"] = None
    seen["ok"] = hasattr(result, "pdf")
    pandoc = slot.pandoc.process
pool.close()
seen["closed"] = pandoc.returncode  # how pandoc ended once the pool was closed
print(json.dumps(seen))
"""


@pytest.mark.parametrize("kind", ["once", "persistent"])
def test_the_last_worker_and_its_pandoc_end_while_its_result_is_written(kind):
    """Once the last task is given, the worker ends as soon as it has sent its result, and
    pandoc ends normally (end of input, exit 0, not killed) once the worker has let go of it, so
    neither keeps a one-agreement build waiting after its documents are written. A persistent
    pool (the live preview) keeps both for the next save; closing it ends pandoc politely too
    (end of input, as the worker handed it back idle), not by a kill."""
    wait = "60" if kind == "once" else "1"
    seen = _pool_script(_WIND_DOWN, kind, wait)
    assert seen["ok"]
    if kind == "once":
        assert seen["worker"] == 0 and seen["pandoc"] == 0
    else:
        assert seen["worker"] is None and seen["pandoc"] is None
    assert seen["closed"] == 0


_TIMED_OUT_LAST = """
import json, sys
sys.path.insert(0, sys.argv[1])
from partnerskab import workers
from partnerskab.load import load

data = load(sys.argv[1] + "/agreements/norreby-reading-friends.yaml").data
pool = workers.RenderPool(1, timeout=0.05)
pool.prestart()
seen = {}
for _key, result in pool.run([("k", data, {"logos": {}, "stem": "n"}, None)]):
    seen["error"] = type(result).__name__
    seen["pandoc"] = pool.slots[0].pandoc.process is not None
pool.close()
print(json.dumps(seen))
"""


def test_a_last_agreement_over_time_starts_no_pandoc_for_a_worker_that_will_not_come():
    """A worker killed for running over time takes its pandoc along; a fresh one is started for
    the next worker, but not once the last task has been given."""
    assert _pool_script(_TIMED_OUT_LAST) == {"error": "RenderError", "pandoc": False}


def test_new_and_json_print_names_harmlessly(tmp_path):
    result = run_cli("new", "e\x1b]0;x\x07")
    assert result.returncode == 2 and "\x1b" not in result.stderr and "\\x1b" in result.stderr
    bad = os.fsdecode(bytes(tmp_path) + b"/bad\xff.yaml")
    Path(bad).write_text("x: 1\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "validate", "--format", "json", bad],
        capture_output=True,
        cwd=ROOT,
    )
    import json

    [problem] = json.loads(done.stdout.decode("utf-8"))["problems"]  # valid UTF-8 JSON
    assert problem["code"] == "PA003" and problem["file"].endswith("bad\\xff.yaml")


@pytest.mark.parametrize(
    "name, why",
    [
        # looks right, and is not: the character is named
        (
            "bla\u030a.yaml",
            "«å» er skrevet som to tegn, et bogstav og en accent for sig. Skriv «å» igen som ét tegn",
        ),
        ("\u0430bc.yaml", "tegnet «\u0430» (U+0430 CYRILLIC SMALL LETTER A) kan ikke bruges i et navn"),
        ("\u212aelvin.yaml", "tegnet «\u212a» (U+212A KELVIN SIGN) kan ikke bruges i et navn"),
        ("a b.yaml", "der er et mellemrum i det; brug bindestreg"),
        ("x.y.yaml", "der er et punktum i det"),
        ("-x.yaml", "det begynder med «-»; et navn begynder med et bogstav eller et tal"),
        ("a" * 101 + ".yaml", "navnet er 101 tegn langt, og højst 100 kan bruges"),
        ("x.txt", "det slutter ikke med .yaml eller .yml"),
        ("x.yml.yaml", "der er et punktum i det"),
    ],
)
def test_a_refused_file_name_says_what_is_wrong_with_it(tmp_path, name, why):
    """«blå» with å written as a and a ring apart (as macOS may write it), or with a Cyrillic а,
    looks exactly like a good name: the message names what makes it wrong. `new` says the same."""
    path = agreements_folder(tmp_path) / name
    path.write_text((ROOT / "agreements" / "norreby-reading-friends.yaml").read_text(encoding="utf-8"))
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    assert f"Filnavnet «{name}» kan ikke bruges: {why}. Et navn består af" in result.stdout, result.stdout
    if name.endswith(".yaml") and len(name) < 100:  # `new` takes the name with or without .yaml
        (tmp_path / "kopi").mkdir()
        project = copy_project(tmp_path / "kopi", examples=False)
        made = run_cli("new", "--", name, cwd=project, root=project)
        assert made.returncode == 2 and f"kan ikke bruges som navn: {why}. Brug bogstaver" in made.stderr
        assert not list((project / "agreements").iterdir())


def test_validate_refuses_a_name_the_register_uses(tmp_path):
    """`build` refuses index.yaml (its outputs would replace the register's); so does validate."""
    path = agreements_folder(tmp_path) / "index.yaml"
    path.write_text((ROOT / "agreements" / "norreby-reading-friends.yaml").read_text(encoding="utf-8"))
    result = run_cli("validate", str(path))
    assert result.returncode == 1 and result.stdout.endswith("Giv aftalen et andet navn [PA003]\n")
    assert "Filnavnet «index.yaml» bruges af overblikket" in result.stdout


# -- where the output goes ------------------------------------------------------------------------


def test_a_reader_that_goes_away_does_not_cut_the_build_short(tmp_path):
    """`build | head -1`: the pipe closes after the first line; every agreement is still built,
    and the command ends with its own code, without a traceback."""
    drafts = agreements_folder(tmp_path)
    names = [f"udkast-{e.name}" for e in EXAMPLES[:3]]  # no seal of that name: built as drafts
    for example, name in zip(EXAMPLES[:3], names, strict=True):
        text = example.read_text(encoding="utf-8").replace("\nstatus: signed\n", "\nstatus: draft\n")
        (drafts / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--jobs", "1", "--out", str(out)]
        + [str(drafts / name) for name in names],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout.readline().startswith(b"[1/3]")
    process.stdout.close()  # what `head -1` does once it has its line
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 0, stderr
    assert "Traceback" not in stderr and "Error" not in stderr
    assert sorted(p.name for p in out.glob("*.pdf")) == sorted(
        name.replace(".yaml", ".pdf") for name in names
    )


@pytest.mark.parametrize(
    "where, files, code, says",
    [
        # a closed output only silences the command: it ends as it would have
        ("closed", [str(EXAMPLES[0])], 0, ""),
        ("closed", [str(EXAMPLES[0]), "does-not-exist.yaml"], 1, ""),
        # a full disk loses what it wrote (a report, a diff): it says so and ends with 1
        (
            "/dev/full",
            [str(EXAMPLES[0]), "--format", "json"],
            1,
            "udskriften kunne ikke skrives: disken er fuld",
        ),
    ],
    ids=["closed-valid", "closed-invalid", "full"],
)
def test_a_closed_output_is_silence_and_a_full_one_a_failure(where, files, code, says):
    stdout = open(where, "w") if where != "closed" else None  # noqa: SIM115
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "validate", *files],
            stdout=stdout if stdout else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            close_fds=True,
            pass_fds=(),
            preexec_fn=(lambda: os.close(1)) if where == "closed" else None,
        )
    finally:
        if stdout:
            stdout.close()
    assert result.returncode == code, result.stderr
    assert (says in result.stderr if says else result.stderr == "") and "Traceback" not in result.stderr


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_output_without_danish_letters_gets_escapes_not_a_traceback(encoding):
    for command in (["review", str(EXAMPLES[0])], ["validate", str(EXAMPLES[0]), "mangler.yaml"], ["status"]):
        result = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), *command],
            capture_output=True,
            timeout=120,
            env={**os.environ, "PYTHONIOENCODING": encoding},
        )
        assert result.returncode in (0, 1) and b"Traceback" not in result.stderr, (command, result.stderr)
        if encoding == "ascii":
            assert max((result.stdout + result.stderr), default=0) < 128
            assert b"\\xe6" in result.stdout + result.stderr or b"\\xf8" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "out",
    ["/", "", ".", "agreements", "agreements/.", "sealed", "sealed/ud", ".git/ud"],
)
def test_the_documents_never_go_where_the_agreements_seals_or_git_are(tmp_path, out):
    project = copy_project(tmp_path)
    (project / ".git").mkdir(exist_ok=True)
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = run_cli("build", "agreements/aaby-ungementor.yaml", "--out", out, cwd=project, root=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "kan ikke lægges i" in result.stderr or "--out skal være navnet på en mappe" in result.stderr
    assert sorted(p.relative_to(project) for p in project.rglob("*") if "__pycache__" not in p.parts) == [
        p for p in before if "__pycache__" not in p.parts
    ]


def test_a_folder_given_stands_for_its_agreements_and_a_file_given_twice_counts_once(tmp_path):
    folder = agreements_folder(tmp_path)
    for example in EXAMPLES[:2]:
        (folder / example.name).write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    first = str(folder / EXAMPLES[0].name)
    result = run_cli("validate", str(folder), first, first.replace("/agreements/", "/agreements/./"))
    assert "«agreements»" not in result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2 aftaler er i orden.", result.stdout + result.stderr


@pytest.mark.parametrize("jobs", ["0", "-1", "to"])
def test_jobs_must_be_a_whole_number_of_at_least_one(jobs):
    result = run_cli("build", "--jobs", jobs, str(EXAMPLES[0]))
    assert result.returncode == 2 and "--jobs/-j:" in result.stderr and "Traceback" not in result.stderr


def test_watch_refuses_an_output_folder_it_cannot_use(tmp_path):
    blocker = tmp_path / "en-fil"
    blocker.write_text("x", encoding="utf-8")
    result = run_cli("watch", "--out", str(blocker), "--port", "0", str(EXAMPLES[0]))
    assert result.returncode == 2
    assert "der kan ikke skrives i mappen" in result.stderr and "der ligger allerede en fil med det navn" in (
        result.stderr
    )
