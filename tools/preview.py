"""Render the README's preview pictures in docs/. Run with `make preview`.

- preview-side-1.png, preview-underskrift.png: the PDF's first page and signature page. They
  come from the same Typst source as the PDF, rasterised by the `typst` package, so the bytes
  are the same on every machine; tests/test_preview.py fails when they are stale.
- preview-docx.png: the DOCX's first page as LibreOffice shows it (with the shipped typeface
  installed for it), and preview-telefon.png: the HTML on a phone, 390 px wide, in Chromium.
  Those two depend on the programs' versions, so the test checks that they exist and are
  pictures of the right kind, not their bytes. They need `soffice`, `pdftoppm` (poppler-utils)
  and /usr/bin/chromium.
- preview-live.png and preview-live-fejl.png: the live preview (`build.py watch`) in Chromium,
  showing the agreement, and showing a problem in its YAML.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import typst  # noqa: E402

from partnerskab.fonts import font_paths, fontconfig_file  # noqa: E402
from partnerskab.load import load  # noqa: E402
from partnerskab.pipeline import logos  # noqa: E402
from partnerskab.register import web_fonts  # noqa: E402
from partnerskab.render import render, timestamp  # noqa: E402
from partnerskab.write import write_together  # noqa: E402

EXAMPLE = ROOT / "agreements" / "fjordby-familievenner.yaml"
OUT = ROOT / "docs"
PPI = 60
PHONE = {"width": 390, "height": 844}  # an iPhone 12–15's screen in CSS pixels
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def pictures(example: Path = EXAMPLE) -> dict[str, bytes]:
    """{"preview-side-1.png": ..., "preview-underskrift.png": ...} for one agreement."""
    data = load(example).data
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        documents = render(data, workdir, logos(example, data))
        (workdir / "agreement.typ").write_text(documents.typst, encoding="utf-8")
        pages = typst.compile(
            str(workdir / "agreement.typ"),
            root=str(workdir),
            format="png",
            ppi=PPI,
            font_paths=font_paths(),
            ignore_system_fonts=True,
            timestamp=timestamp(data),
        )
    pages = pages if isinstance(pages, list) else [pages]
    # The signatures are the last page, unless the amendment log follows on a page of its own.
    has_log = bool((data.get("changes") or {}).get("amendments"))
    return {"preview-side-1.png": pages[0], "preview-underskrift.png": pages[-2 if has_log else -1]}


def _render_in(work: Path, example: Path):
    """The example's documents, rendered in work/render (a fresh folder inside `work`)."""
    data = load(example).data
    (work / "render").mkdir()
    return render(data, work / "render", logos(example, data))


def docx_picture(example: Path = EXAMPLE) -> bytes:
    """The DOCX's first page, as LibreOffice lays it out, as a PNG."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        docx = work / "aftale.docx"
        docx.write_bytes(_render_in(work, example).docx)
        config = fontconfig_file(work)
        subprocess.run(
            [shutil.which("soffice") or "soffice", f"-env:UserInstallation={(work / 'profile').as_uri()}",
             "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(work), str(docx)],
            env={**os.environ, "HOME": str(work), "FONTCONFIG_FILE": str(config)},
            stdin=subprocess.DEVNULL, capture_output=True, timeout=180, check=True,
        )  # fmt: skip
        # (LibreOffice's own PNG export fails headless; poppler's pdftoppm draws the page.)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(PPI), "-f", "1", "-l", "1", "-singlefile",
             str(work / "aftale.pdf"), str(work / "side")],
            capture_output=True, timeout=60, check=True,
        )  # fmt: skip
        return (work / "side.png").read_bytes()


def phone_picture(example: Path = EXAMPLE) -> bytes:
    """The top of the HTML page at a phone's width (390 CSS px), as Chromium shows it, with the
    web fonts beside it as a build writes them."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        page_file = work / "aftale.html"
        page_file.write_bytes(_render_in(work, example).html)
        write_together(web_fonts(work))  # fonts/ beside the page, as a build writes it
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
            try:
                page = browser.new_page(viewport=PHONE, device_scale_factor=1)
                page.goto(page_file.as_uri(), wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                return page.screenshot(full_page=False)
            finally:
                browser.close()


DESKTOP = {"width": 1100, "height": 720}


def live_pictures(example: Path = EXAMPLE) -> dict[str, bytes]:
    """The live preview (`build.py watch`) in Chromium: the agreement as it updates, and the
    same page while the YAML has a problem."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name in ("logos", "bilag"):
            shutil.copytree(ROOT / name, work / name)
        (work / "agreements").mkdir()
        file = work / "agreements" / example.name
        # A draft, as one is while it is written: a signed agreement here, away from its seal,
        # would show only that it is not sealed (PA130).
        text = example.read_text(encoding="utf-8").replace("\nstatus: signed\n", "\nstatus: draft\n", 1)
        file.write_text(text, encoding="utf-8")
        command = [
            sys.executable,
            str(ROOT / "build.py"),
            "watch",
            f"agreements/{example.name}",
            "--port",
            "0",
        ]
        process = subprocess.Popen(
            command, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            url = process.stdout.readline().split()[-1]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
                )
                try:
                    page = browser.new_page(viewport=DESKTOP, device_scale_factor=1)
                    page.goto(f"{url}_live/vis/{example.stem}")
                    page.frame_locator("#document").locator("h1").first.wait_for(timeout=60_000)
                    page.wait_for_timeout(500)  # the web fonts
                    shots = {"preview-live.png": page.screenshot()}
                    file.write_text(text.replace("start: ", "start: 1. januar ", 1), encoding="utf-8")
                    page.locator("#problem-list li").first.wait_for(timeout=60_000)
                    shots["preview-live-fejl.png"] = page.screenshot()
                    return shots
                finally:
                    browser.close()
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    if not check:
        for name, make in (("preview-docx.png", docx_picture), ("preview-telefon.png", phone_picture)):
            (OUT / name).write_bytes(make())
            print(f"skrev docs/{name}")
        for name, content in live_pictures().items():
            (OUT / name).write_bytes(content)
            print(f"skrev docs/{name}")
    for name, content in pictures().items():
        target = OUT / name
        if check:
            if not target.exists() or target.read_bytes() != content:
                stale.append(name)
        else:
            target.write_bytes(content)
            print(f"skrev {target.relative_to(ROOT)}")
    if stale:
        print(f"docs/{', '.join(stale)} passer ikke til eksemplet; kør `make preview`.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
