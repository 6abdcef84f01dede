"""The live preview (`build.py watch`, partnerskab/live.py), as a writer uses it: a real
Chromium has the page open while the test saves the YAML, and waits for the new text, the
problems and the last good version to appear. Nothing is mocked: the real command runs, with
its file watcher, warm workers, pandoc and Typst."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, agreements_folder, run_cli
from .test_accessibility import browser  # noqa: F401  (the fixture)
from .test_faults import _ours, _running

# A draft: a signed agreement is sealed, and editing it is an error until it is amended (seal.py).
EXAMPLE = ROOT / "agreements" / "aaby-ungementor.yaml"
STEM = EXAMPLE.stem
WAIT_MS = 30_000  # generous: the machine may be busy; the speed itself is bench/bench.py's


class Preview:
    def __init__(self, process: subprocess.Popen, url: str, file: Path, marker: str):
        self.process, self.url, self.file, self.marker = process, url, file, marker

    def output(self) -> str:
        """What the command printed after its first line, once it has ended."""
        out, err = self.process.communicate(timeout=30)
        return out + err


def watch(
    tmp_path: Path, *args: str, port: str = "0", project: Path = ROOT, out: Path | None = None
) -> subprocess.Popen:
    """`build.py watch` of `project` (the repository, or a copy of it), run in the folder that
    holds the agreements, writing to `out` (tmp_path/out), marked so its processes can be found."""
    cwd = tmp_path if project == ROOT else project
    env = {**os.environ, "PARTNERSKAB_TEST_MARK": f"live-{tmp_path.name}"}
    out = out or tmp_path / "out"
    command = [sys.executable, str(project / "build.py"), "watch", *args, "--out", str(out)]
    return subprocess.Popen(
        [*command, "--port", port],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def start(tmp_path: Path, *args: str, port: str = "0") -> subprocess.Popen:
    """The preview of the example, copied into tmp_path/agreements beside logos/ and bilag/."""
    file = agreements_folder(tmp_path) / EXAMPLE.name
    if not file.exists():
        file.write_bytes(EXAMPLE.read_bytes())
    return watch(tmp_path, *args, port=port)


def project_copy(tmp_path: Path, *names: str) -> Path:
    """A copy of the project in tmp_path/project whose agreements/ holds the example, once
    under its own name and once under each of `names`."""
    from .conftest import copy_project

    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project", examples=False)
    for name in (EXAMPLE.stem, *names):
        (project / "agreements" / f"{name}.yaml").write_bytes(EXAMPLE.read_bytes())
    return project


def appear(*files: Path) -> bool:
    """Whether all `files` exist within the wait, checked every 0.1 s."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while not all(f.is_file() for f in files):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def first_line(process: subprocess.Popen, timeout: float = 120) -> str:
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, "the preview printed nothing"
    return process.stdout.readline()


@pytest.fixture
def preview(tmp_path):
    process = start(tmp_path, f"agreements/{EXAMPLE.name}")
    try:
        line = first_line(process)
        match = re.match(r"Forhåndsvisning: (http://127\.0\.0\.1:\d+/)$", line.strip())
        assert match, line + process.stderr.read()
        yield Preview(
            process, match.group(1), tmp_path / "agreements" / EXAMPLE.name, f"live-{tmp_path.name}"
        )
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def save(file: Path, text: str) -> None:
    file.write_text(text, encoding="utf-8")


def expected_problem(tmp_path: Path, text: str) -> tuple[int, int, str]:
    """The first problem `build.py validate` reports for `text`: what the page must show."""
    probe = agreements_folder(tmp_path / "probe") / EXAMPLE.name
    probe.write_text(text, encoding="utf-8")
    result = run_cli("validate", str(probe))
    assert result.returncode == 1, result.stdout
    first = result.stdout.splitlines()[0]
    line, column, message, code = re.match(r".*?:(\d+):(\d+): error: (.*) \[(PA\d{3})\]$", first).groups()
    return int(line), int(column), f"{message} ({code})"  # the page gives the code in parentheses


def test_the_page_follows_the_yaml_as_it_is_saved(preview, browser, tmp_path):  # noqa: F811
    original = preview.file.read_text(encoding="utf-8")
    title = yaml.safe_load(original)["title"]
    page = browser.new_page()
    page.goto(preview.url + f"_live/vis/{STEM}")
    document = page.frame_locator("#document")
    document.locator("h1").first.wait_for(timeout=WAIT_MS)
    assert title in document.locator("body").inner_text()

    # 1. A new title appears by itself.
    changed = original.replace(f"title: {title}", "title: Mentorer til unge i hele Åby", 1)
    assert changed != original
    save(preview.file, changed)
    document.get_by_text("Mentorer til unge i hele Åby").first.wait_for(timeout=WAIT_MS)

    # 2. A problem replaces the document, with the line and column `validate` gives, as text
    #    (the value is not markup, even here).
    broken = changed.replace("start: ", "start: <b>ikke en dato</b> ", 1)
    line, column, message = expected_problem(tmp_path, broken)
    save(preview.file, broken)
    problems = page.locator("#problem-list")
    problems.get_by_text(f"linje {line}, kolonne {column}:").wait_for(timeout=WAIT_MS)
    assert message in problems.inner_text()
    assert page.locator("#problem-list b").count() == 0
    assert page.locator("#document").is_hidden()
    assert "problem" in page.locator("#state").inner_text()

    # 3. The last good version is one click away, and it is the good one.
    page.get_by_role("button", name="Vis seneste gode version").click()
    assert page.locator("#document").is_visible()
    assert "Mentorer til unge i hele Åby" in document.locator("body").inner_text()
    page.get_by_role("button", name="Vis problemerne").click()
    assert page.locator("#problems").is_visible()

    # 4. Fixed again: the document comes back, with the newest text.
    save(preview.file, changed.replace("Mentorer til unge i hele Åby", "Mentorer i Åby, igen", 1))
    document.get_by_text("Mentorer i Åby, igen").first.wait_for(timeout=WAIT_MS)
    assert page.locator("#problems").is_hidden()
    page.close()


def test_the_list_page_links_every_watched_agreement(preview, browser):  # noqa: F811
    page = browser.new_page()
    page.goto(preview.url)  # / leads to the list
    link = page.get_by_role("link", name=STEM)
    link.wait_for(timeout=WAIT_MS)
    link.click()
    page.frame_locator("#document").locator("h1").first.wait_for(timeout=WAIT_MS)
    assert page.url.endswith(f"/_live/vis/{STEM}")
    page.close()


def test_ctrl_c_ends_it_cleanly(preview):
    def processes() -> set[int]:
        return set(_ours(preview.marker))

    def warm_pandocs(ours: set[int]) -> set[int]:
        return {
            pid
            for pid in _running("cmdline", b"render.lua")
            if int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) in ours
        }

    # The command, its server, a worker, and the worker's pandoc. Both are waited for: a pandoc
    # that is starting has our environment until it runs pandoc, and counts as one of ours.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ours = processes()
        pandocs = warm_pandocs(ours)
        if len(ours) >= 3 and pandocs:
            break
        time.sleep(0.2)
    assert len(ours) >= 3, ours
    assert pandocs, "the warm pandoc of the worker was not found"
    preview.process.send_signal(signal.SIGINT)
    output = preview.output()
    assert preview.process.returncode == 0, output
    assert "Forhåndsvisningen er stoppet." in output
    assert "Traceback" not in output
    deadline = time.monotonic() + 10
    while (processes() or set(_running("cmdline", b"render.lua")) & pandocs) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes(), "processes of the preview outlived it"
    assert not set(_running("cmdline", b"render.lua")) & pandocs, "its pandoc outlived it"
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(preview.url, timeout=5)


def test_it_listens_on_loopback_only(preview):
    port = int(preview.url.rsplit(":", 1)[1].strip("/"))
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                listening.append(local.rsplit(":", 1)[0])
    assert listening == ["0100007F"], listening  # 127.0.0.1, and nothing else


def test_it_serves_the_output_folder_and_nothing_else(preview, tmp_path):
    deadline = time.monotonic() + WAIT_MS / 1000
    while not (tmp_path / "out" / f"{STEM}.pdf").exists() and time.monotonic() < deadline:
        time.sleep(0.1)  # the first build runs after the address is printed
    with urllib.request.urlopen(preview.url + f"{STEM}.pdf", timeout=10) as answer:
        assert answer.read(5) == b"%PDF-"
    for path in ("../agreements/" + EXAMPLE.name, "%2e%2e/agreements/" + EXAMPLE.name, "_live/nothing"):
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(preview.url + path, timeout=10)
        assert error.value.code == 404, path


def test_a_port_in_use_is_a_danish_error(tmp_path):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        process = start(tmp_path, port=str(taken.getsockname()[1]))
        out, err = process.communicate(timeout=120)
    finally:
        taken.close()
    assert process.returncode == 2, out + err
    assert "kan ikke bruges" in err and "--port" in err, err
    assert "Traceback" not in out + err


def events(url: str, until, timeout: float = WAIT_MS / 1000) -> dict:
    """Read the preview's event stream until `until(state)` holds; the state it held at."""
    import json

    deadline = time.monotonic() + timeout
    with urllib.request.urlopen(url + "_live/events", timeout=timeout) as stream:
        while time.monotonic() < deadline:
            line = stream.readline().decode()
            if line.startswith("data: "):
                state = json.loads(line.removeprefix("data: "))
                if until(state):
                    return state
    raise AssertionError("the preview never reached the state waited for")


def test_without_files_it_follows_the_whole_folder(tmp_path):
    """New agreements are built and listed as they appear; deleted ones leave the list."""
    project = project_copy(tmp_path)
    process = watch(tmp_path, project=project)
    try:
        url = first_line(process).split()[-1]
        events(url, lambda s: s["agreements"].get(STEM, {}).get("ok"))
        new = project / "agreements" / "ny-aftale.yaml"
        new.write_bytes(EXAMPLE.read_bytes())
        state = events(url, lambda s: "ny-aftale" in s["agreements"])
        assert state["agreements"]["ny-aftale"]["ok"]
        assert (tmp_path / "out" / "ny-aftale.pdf").exists()
        assert (tmp_path / "out" / "index.html").exists()  # the register, as `make` writes it
        new.unlink()
        events(url, lambda s: "ny-aftale" not in s["agreements"] and STEM in s["agreements"])
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, out + err
    assert "Traceback" not in err


def test_another_host_name_is_refused(preview):
    """A web page whose name is made to point at 127.0.0.1 (DNS rebinding) reads nothing."""
    import http.client

    port = int(preview.url.rsplit(":", 1)[1].strip("/"))
    for host, expected in (("evil.example", 403), (f"evil.example:{port}", 403), (f"127.0.0.1:{port}", 200)):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/_live/live.js", headers={"Host": host})
        assert connection.getresponse().status == expected, host
        connection.close()


def test_a_port_out_of_range_is_a_usage_error(tmp_path):
    result = run_cli("watch", "--port", "99999", cwd=tmp_path)
    assert result.returncode == 2 and "0 til 65535" in result.stderr and "Traceback" not in result.stderr


def test_the_register_keeps_every_agreement_after_a_save(tmp_path):
    """After one agreement is saved, the overview still lists them all, as `make` writes it."""
    import json

    from .conftest import copy_project

    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project")
    process = watch(tmp_path, project=project)
    try:
        url = first_line(process).split()[-1]
        everything = len(list((project / "agreements").glob("*.yaml")))
        events(url, lambda s: len(s["agreements"]) == everything)
        draft = project / "agreements" / EXAMPLE.name
        draft.write_text(
            draft.read_text(encoding="utf-8").replace("title: ", "title: Ny ", 1), encoding="utf-8"
        )
        events(url, lambda s: s["agreements"][STEM]["version"] > everything)
        register = json.loads((tmp_path / "out" / "agreements.json").read_text(encoding="utf-8"))
        assert len(register["agreements"]) == everything
        assert any(row["title"].startswith("Ny ") for row in register["agreements"])
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)


def test_an_output_folder_deleted_while_it_runs_is_built_again_whole(tmp_path):
    """`make clean` while the preview runs: the next save builds every agreement again, not
    only the one saved, so the other pages (and the fonts they load) are back too."""
    import shutil

    project = project_copy(tmp_path, "anden-aftale")
    process = watch(tmp_path, project=project)
    out = tmp_path / "out"
    try:
        url = first_line(process).split()[-1]
        events(url, lambda s: all(s["agreements"].get(k, {}).get("ok") for k in (STEM, "anden-aftale")))
        before = events(url, lambda s: True)["agreements"]["anden-aftale"]["version"]
        shutil.rmtree(out)
        draft = project / "agreements" / EXAMPLE.name
        text = draft.read_text(encoding="utf-8")
        draft.write_text(text.replace("title: ", "title: Ny ", 1), encoding="utf-8")
        events(url, lambda s: s["agreements"]["anden-aftale"]["version"] > before)
        for name in (f"{STEM}.pdf", f"{STEM}.html", "anden-aftale.pdf", "anden-aftale.html", "index.html"):
            assert (out / name).is_file(), name
        assert any((out / "fonts").glob("*.woff2"))
    finally:
        process.send_signal(signal.SIGINT)
        out_text, err = process.communicate(timeout=60)
    assert process.returncode == 0, out_text + err


def test_a_file_name_that_is_not_utf8_does_not_stop_the_watching(preview):
    """watchfiles fails on such a name; the preview says so and goes on watching."""
    url = preview.url
    events(url, lambda s: s["agreements"].get(STEM, {}).get("ok"))
    odd = preview.file.parent / os.fsdecode(b"n\xe6vn.yaml")
    odd.write_text("x: 1\n", encoding="utf-8")
    time.sleep(1)  # the watcher meets the name and starts again
    odd.unlink()
    time.sleep(1)
    text = preview.file.read_text(encoding="utf-8")
    save(preview.file, text.replace("\nstatus: draft\n", "\nstatus: draft\nukendt_felt: 1\n", 1))
    state = events(url, lambda s: not s["agreements"].get(STEM, {}).get("ok", True))
    assert not state["agreements"][STEM]["ok"]
    preview.process.send_signal(signal.SIGINT)
    output = preview.output()
    assert "holder øje med filerne igen efter en fejl" in output and "Traceback" not in output


def test_a_deleted_output_folder_comes_back_without_a_save(tmp_path):
    """`make clean` while the preview runs and nothing is saved: the pages are built again at
    once, so an open page that reloads finds its document."""
    import shutil

    project = project_copy(tmp_path)
    process = watch(tmp_path, project=project)
    out = tmp_path / "out"
    try:
        url = first_line(process).split()[-1]
        before = events(url, lambda s: s["agreements"].get(STEM, {}).get("ok"))["agreements"][STEM]["version"]
        shutil.rmtree(out)
        events(url, lambda s: s["agreements"][STEM]["version"] > before)
        assert appear(*(out / f"{STEM}.{kind}" for kind in ("pdf", "html", "docx")))
        assert any((out / "fonts").glob("*.woff2"))
    finally:
        process.send_signal(signal.SIGINT)
        out_text, err = process.communicate(timeout=60)
    assert process.returncode == 0, out_text + err
    assert "Traceback" not in err


def test_the_folder_above_the_output_deleted_too_and_then_the_output_again(tmp_path):
    """`rm -rf` of the folder that holds the output folder: the pages come back at once, and the
    preview goes on noticing when the output folder is deleted again afterwards."""
    import shutil

    project = project_copy(tmp_path)
    above = tmp_path / "over"
    out = above / "out"
    process = watch(tmp_path, project=project, out=out)

    def back() -> bool:  # the web font is written last: then the build is done, and rmtree races nothing
        return appear(out / f"{STEM}.html", out / f"{STEM}.pdf", out / "fonts" / "OFL.txt")

    try:
        first_line(process)
        assert back()
        shutil.rmtree(above)
        assert back(), "not built again after the folder above was deleted"
        time.sleep(3)  # the watcher starts again on the folder above, once it is back (slower under load)
        shutil.rmtree(out)
        assert back(), "not built again after the output folder was deleted the second time"
    finally:
        process.send_signal(signal.SIGINT)
        out_text, err = process.communicate(timeout=60)
    assert process.returncode == 0, out_text + err
    assert "Traceback" not in err
