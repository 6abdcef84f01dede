"""The warm pandoc (pandoc_server.py, templates/pandoc/render.lua) gives the same bytes as the
four pandoc processes it replaced, keeps their guarantees, and is replaced when it fails."""

from __future__ import annotations

import copy
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from partnerskab import pandoc_json, pandoc_server
from partnerskab.context import build_context
from partnerskab.load import load
from partnerskab.pandoc_server import PandocFailed, PandocServer
from partnerskab.render import READER, convert_with_processes, markdown_document, metadata

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "agreements").glob("*.yaml"))


@pytest.fixture(scope="module")
def server():
    server = PandocServer(READER, timeout=120)
    yield server
    server.close()


def documents(data: dict) -> tuple[str, dict]:
    context = build_context(data, "aftale")
    context["logos"] = []
    return markdown_document(context), metadata(data, context)


def variants():
    """The examples, and damage a person could type: tabs, carriage returns, a byte-order mark,
    text that looks like the protocol, long text."""
    for path in EXAMPLES:
        data = load(str(path)).data
        yield path.stem, *documents(data)
    data = load(str(EXAMPLES[0])).data
    odd = copy.deepcopy(data)
    odd["purpose"]["vision"] = "Første\tlinje\r\n\n\tindrykket\ttekst\r\n\n- punkt\t1\n- ok 1 2 3\n"
    odd["title"] = "\ufeffTitel\tmed tab"
    yield "tabs-and-returns", *documents(odd)
    typed = copy.deepcopy(data)  # what layout.lua's Str rewrites for Typst, in text and title
    typed["purpose"]["vision"] = "Vent... og se -? og -5 grader, [et link](https://example.org/a-1..b)"
    typed["title"] = "Titel..."
    yield "typed-as-typed", *documents(typed)
    wide = copy.deepcopy(data)  # a word of 30 letters or more may be hyphenated (layout.lua)
    wide["purpose"]["vision"] = "Ungdomsuddannelsesvejledningskoordinatorerne mødes, og småbørnsfamilier."
    wide["title"] = "Ungdomsuddannelsesvejledningssamarbejdet"
    yield "wide-words", *documents(wide)
    # Typst markup at the start of a paragraph, an item and a cell: render.lua walks only the
    # blocks pandoc_json.py lists for layout.lua's guard (and for its inline functions)
    guarded = copy.deepcopy(data)
    guarded["purpose"]["vision"] = (
        "+45 12 34 56 78\n\n- /sti\n- = lig\n\n1. 2. maj er [en dato](https://x.dk)"
    )
    guarded["title"] = "= Titel"
    yield "typst-guards", *documents(guarded)
    plain = copy.deepcopy(data)  # none of it: the Str function is left out (render.lua)
    for key in ("vision", "aim", "task", "target_group"):
        plain["purpose"][key] = "Tekst uden prikker"
    yield "plain", *documents(plain)
    long = copy.deepcopy(data)
    long["purpose"]["task"] = "Lang tekst med *vægt* og [et link](https://example.org). " * 2000
    yield "long", *documents(long)
    # After the first agreement in a language, the DOCX is written with a slim reference and the
    # styles put back (render.lua); a second one in English takes that way too, and a style the
    # reference lacks (only Markdown we never write can ask for one) takes the usual way again.
    english = load(str(next(p for p in EXAMPLES if "language: en" in p.read_text()))).data
    english["title"] = "Another title"
    yield "english-again", *documents(english)
    markdown, meta = documents(data)
    yield "a-style-the-reference-lacks", '::: {custom-style="Ny stil"}\nTekst\n:::\n', meta
    yield "raw-tabs", "\ufeff# Overskrift\r\n\n\tkode\ttab\r\nab\tc\td\n\n|a\t|b|\n|-|-|\n|1|2|", meta
    yield "empty", "", meta


@pytest.mark.parametrize("name, markdown, meta", [pytest.param(*v, id=v[0]) for v in variants()])
def test_same_bytes_as_four_pandoc_processes(server, tmp_path, name, markdown, meta):
    """The tables' decisions (table_height.py) travel in the warm route's request; the four
    processes are given the same ones (none where pandoc_json.py leaves the Markdown to pandoc)."""
    warm = server.convert(markdown, meta)
    document = pandoc_json.document(markdown, meta)
    cold = convert_with_processes(markdown, meta, tmp_path, 0, document.tables if document else None)
    for format_, a, b in zip(("HTML", "DOCX", "Typst"), warm, cold, strict=True):
        assert a == b, f"{name}: the {format_} differs from the four-process route"


# Reference documents the slim DOCX route (render.lua) must give the same bytes for: a style based
# on one that does not exist (pandoc's style map then leaves it out, so the slim copy must keep
# `basedOn`), and forms the slimming does not know, for which every DOCX is written as before.
def _dangling_based_on(styles: str) -> str:
    return re.sub(
        r'(w:styleId="Mellemrubrik">.*?<w:basedOn w:val=")[^"]+',
        r"\1Findes-ikke",
        styles,
        count=1,
        flags=re.S,
    )


def _a_style_without_a_name(styles: str) -> str:
    return re.sub(r'(w:styleId="Mellemrubrik">.*?)<w:name [^>]*/>', r"\1", styles, count=1, flags=re.S)


def _a_name_with_an_end_tag(styles: str) -> str:
    return re.sub(r'<w:name w:val="Mellemrubrik"\s*/>', '<w:name w:val="Mellemrubrik"></w:name>', styles)


REFERENCES = {"as-made": None, "dangling-based-on": _dangling_based_on}
REFERENCES |= {"no-name": _a_style_without_a_name, "name-end-tag": _a_name_with_an_end_tag}


def _templates_with(tmp_path: Path, change) -> Path:
    """A copy of templates/pandoc and of templates/reference.docx with its styles `change`d;
    the script in it reads that reference. Returns the script."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "pandoc", templates / "pandoc")
    _write_reference(templates / "reference.docx", change)
    return templates / "pandoc" / "render.lua"


def _write_reference(target: Path, change) -> None:
    with zipfile.ZipFile(ROOT / "templates" / "reference.docx") as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts:
            if info.filename == "word/styles.xml" and change:
                changed = change(data.decode("utf-8"))
                assert changed != data.decode("utf-8")
                data = changed.encode("utf-8")
            out.writestr(info, data)


def _two_examples() -> list[tuple[str, dict]]:
    """(Markdown, metadata) of two Danish examples."""
    names = ("fjordby-familievenner", "aaby-ungementor")
    return [documents(load(str(ROOT / "agreements" / f"{n}.yaml")).data) for n in names]


@pytest.mark.parametrize("name", REFERENCES)
def test_the_slim_reference_gives_the_bytes_the_whole_one_gives(tmp_path, monkeypatch, name):
    """The first agreement in a language is written with the whole reference, the next ones by the
    slim route: each agreement, written second, must be what it was written first."""
    monkeypatch.setattr(pandoc_server, "SCRIPT", _templates_with(tmp_path, REFERENCES[name]))
    fjordby, aaby = _two_examples()
    first, second = PandocServer(READER, timeout=120), PandocServer(READER, timeout=120)
    try:
        whole = {"fjordby": first.convert(*fjordby)[1], "aaby": second.convert(*aaby)[1]}
        assert first.convert(*aaby)[1] == whole["aaby"]
        assert second.convert(*fjordby)[1] == whole["fjordby"]
    finally:
        first.close()
        second.close()


def test_a_reference_made_again_while_pandoc_runs_is_read_again(tmp_path, monkeypatch):
    """`make reference-docx` beside `build.py watch`: the next DOCX uses the new reference."""
    script = _templates_with(tmp_path, None)
    monkeypatch.setattr(pandoc_server, "SCRIPT", script)
    fjordby, aaby = _two_examples()
    running, fresh = PandocServer(READER, timeout=120), None
    try:
        running.convert(*fjordby)
        before = running.convert(*aaby)[1]  # by the slim route
        _write_reference(script.parent.parent / "reference.docx", _dangling_based_on)
        after = running.convert(*aaby)[1]
        fresh = PandocServer(READER, timeout=120)
        assert after == fresh.convert(*aaby)[1] != before
    finally:
        running.close()
        if fresh:
            fresh.close()


def test_one_process_serves_many(server):
    markdown, meta = documents(load(str(EXAMPLES[0])).data)
    server.convert(markdown, meta)
    pid = server.process.pid
    for _ in range(3):
        server.convert(markdown, meta)
    assert server.process.pid == pid


def test_no_file_is_read_for_an_image_in_the_text(server):
    """User text cannot reach an image (markdown.py escapes `![`), and should one get into
    the document anyway, the DOCX writer refuses to read its file."""
    secret = Path("/etc/hostname")
    markdown = f"![x]({secret})\n\nTekst"
    with pytest.raises(PandocFailed, match="not embedded"):
        server.convert(markdown, {"title": "t"})
    # and the server still works
    html, docx, typst = server.convert("Tekst", {"title": "t"})
    assert b"Tekst" in html


def test_a_crashed_pandoc_fails_only_its_agreement():
    markdown, meta = documents(load(str(EXAMPLES[0])).data)
    server = PandocServer(READER, timeout=120)
    try:
        server.convert(markdown, meta)
        os.kill(server.process.pid, signal.SIGKILL)
        time.sleep(0.1)
        with pytest.raises(PandocFailed, match="stopped"):
            server.convert(markdown, meta)
        assert server.process is None
        html, _, _ = server.convert(markdown, meta)  # a new pandoc
        assert b"<html" in html
    finally:
        server.close()


def test_a_pandoc_over_time_is_killed_and_replaced():
    data = load(str(EXAMPLES[0])).data
    data["purpose"]["task"] = "Lang tekst med *vægt*. " * 20000
    markdown, meta = documents(data)
    server = PandocServer(READER, timeout=0.05)
    try:
        server.start()
        first = server.process
        with pytest.raises(PandocFailed, match="more than 0.05 s") as failure:
            server.convert(markdown, meta)
        assert first.poll() is not None  # killed
        # the reason, as the person reads it, in the agreement's language, with a decimal comma
        # in Danish; and the same after the trip from a worker to the parent (pickled)
        import pickle

        for error in (failure.value, pickle.loads(pickle.dumps(failure.value))):
            assert error.reason("da") == "pandoc tog mere end 0,05 s"
            assert error.reason("en") == "pandoc took more than 0.05 s"
        server.timeout = 120
        html, _, _ = server.convert("Kort", {"title": "t"})
        assert b"Kort" in html
    finally:
        server.close()


def test_closing_ends_the_process():
    server = PandocServer(READER, timeout=120)
    server.convert("Tekst", {"title": "t"})
    process = server.process
    server.close()
    assert process.poll() is not None


@pytest.mark.parametrize("pidfd", [True, False], ids=["pidfd", "without pidfd"])
def test_closing_wakes_when_pandoc_ends_and_still_keeps_its_time_limit(monkeypatch, pidfd):
    """close() waits for pandoc through _wait, which returns as the process ends (a pidfd
    wakes it, rather than Popen's next poll) and raises at the time limit for one that does
    not end. Without pidfd_open (an older system) Popen's own wait with a time-out does it."""
    from partnerskab.pandoc_server import _wait

    if not pidfd:
        monkeypatch.setattr(os, "pidfd_open", lambda pid: (_ for _ in ()).throw(OSError(38, "ENOSYS")))
    elif not hasattr(os, "pidfd_open"):
        pytest.skip("no os.pidfd_open here")
    quick = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3)"])
    if pidfd:  # the process has ended when wait() is called: it only reaps, never polls
        reap = quick.wait
        quick.wait = lambda timeout=None: reap() if timeout is None else pytest.fail("polled")
    _wait(quick, timeout=30)
    assert quick.returncode == 0
    _wait(quick, timeout=30)  # reaped already: returns at once
    stuck = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        _wait(stuck, timeout=0.3)
    assert stuck.returncode is None and 0.25 < time.monotonic() - started < 30
    stuck.kill()
    _wait(stuck, timeout=30)
    assert stuck.returncode == -signal.SIGKILL


def test_a_released_pandoc_ends_by_itself_once_its_worker_lets_go():
    """release() closes the parent's end of pandoc's input, not the worker's (here: a copy of
    the descriptor). Pandoc answers what it is sent, and ends normally at end of input."""
    server = PandocServer(READER, timeout=120)
    server.start()
    process = server.process
    workers_end = os.dup(process.stdin.fileno())
    try:
        server.release()
        assert process.stdin.closed and process.poll() is None
        server.process.stdin = os.fdopen(os.dup(workers_end), "wb")  # the worker's copy
        html, _, _ = server.convert("Efter release", {"title": "t"})
        assert b"Efter release" in html
        server.process.stdin.close()
    finally:
        os.close(workers_end)
    assert process.wait(timeout=30) == 0  # it ended by itself, not killed
    server.owed = 0
    server.close()


def test_an_unread_answer_is_never_taken_for_the_next_agreements():
    """A failure between send() and receive() leaves an answer in the pipe; the next
    receive() drops it and returns the answer to its own request."""
    server = PandocServer(READER, timeout=120)
    try:
        server.send("Første aftale", {"title": "Første"})  # its answer is never read
        server.send("Anden aftale", {"title": "Anden"})
        html, _, _ = server.receive()
        assert b"Anden aftale" in html and "Første".encode() not in html
        html, _, _ = server.convert("Tredje aftale", {"title": "Tredje"})
        assert b"Tredje aftale" in html
    finally:
        server.close()


def test_a_lent_pandoc_that_owes_an_answer_is_not_handed_on():
    """A worker that ends with the warm-up's answer unread (its agreements all failed before
    pandoc saw them) kills the pandoc, so the next worker cannot read a stale answer."""
    server = PandocServer(READER, timeout=120)
    server.start(warm=True)
    process = server.process
    server.adopt()
    assert server.hand_back() is False
    assert process.wait(timeout=10) != 0  # killed
    server = PandocServer(READER, timeout=120)
    server.convert("Tekst", {"title": "t"})
    process = server.process
    server.adopt()
    assert server.hand_back() is True  # idle, every answer read: fit for the next worker
    assert process.poll() is None
    process.kill()
    process.wait()


def test_the_typst_source_comes_first_and_a_half_read_answer_is_finished_later():
    """render.lua sends the Typst source before it writes HTML and DOCX, so that Typst can
    start; an answer whose Typst part was read but not the rest is finished, and dropped,
    before the next agreement's."""
    server = PandocServer(READER, timeout=120)
    try:
        server.send("Første aftale", {"title": "Første"})
        assert "Første aftale".encode() in server.receive_typst().replace(b"\\", b"")  # rest unread
        server.send("Anden aftale", {"title": "Anden"})
        html, docx, typst = server.receive()
        assert b"Anden aftale" in html and "Første".encode() not in html
        assert b"Anden aftale" in typst.replace(b"\\", b"")
        with pytest.raises(PandocFailed, match="without"):
            server.receive_rest()
    finally:
        server.close()
