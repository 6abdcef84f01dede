"""LibreOffice opens every DOCX: headless soffice converts it to PDF, and the PDF names every
partner, is set in IBM Plex Sans, and shows the section numbers that Word's outline numbering
generates (the DOCX types none).

All examples are converted in one soffice run, with its own fresh user profile, so runs don't
collide, and with the shipped fonts (fonts/ibm-plex-sans) installed for that run only, through a
fontconfig file of its own, as on a machine where the typeface is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from partnerskab.fonts import fontconfig_file
from partnerskab.load import load

from .conftest import EXAMPLES, ROOT, agreements_folder, missing_program, run_cli

TIMEOUT = 180


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    missing_program("soffice is missing: install Debian's `libreoffice-writer` package (.ci/run does)")


@pytest.fixture(scope="module")
def converted(built, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """Every example's DOCX converted to PDF by one `soffice --headless --convert-to pdf`."""
    docx = [built / f"{example.stem}.docx" for example in EXAMPLES]
    return _convert(docx, tmp_path_factory.mktemp("libreoffice"))


def _convert(docx: list[Path], work: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """`docx` converted to PDF in work/pdf by one soffice run with a fresh profile of its own."""
    soffice = _soffice()
    out = work / "pdf"
    out.mkdir()
    config = fontconfig_file(work)  # the shipped typeface, as a user who installed it has it
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(work / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, docx),
        ],
        cwd=work,
        env={**os.environ, "HOME": str(work), "FONTCONFIG_FILE": str(config)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return result, out


def _pdf(converted, example) -> Path:
    result, out = converted
    assert result.returncode == 0, f"soffice exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    pdf = out / f"{example.stem}.pdf"
    assert pdf.is_file(), f"soffice wrote no {pdf.name}:\n{result.stdout}\n{result.stderr}"
    return pdf


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_libreoffice_converts_docx_with_every_partner(converted, example):
    pdf = _pdf(converted, example)
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 1
    text = normalise("\n".join(page.extract_text() or "" for page in reader.pages))
    partners = load(example).data["partners"]
    assert partners
    missing = [partner["name"] for partner in partners if normalise(partner["name"]) not in text]
    assert not missing, f"{pdf.name} from LibreOffice lacks partner names {missing}:\n{text[:2000]}"


def _fonts(reader: PdfReader) -> set[str]:
    """The fonts a PDF embeds, without the subset prefix (ABCDEF+)."""
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(re.sub(r"^[A-Z]{6}\+", "", str(font.get_object()["/BaseFont"]).lstrip("/")))
    return names


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_libreoffice_sets_the_text_in_ibm_plex_sans(converted, example):
    """Every style names IBM Plex Sans, so no text falls back to another font (the bullets of
    lists come from LibreOffice's own symbol font)."""
    fonts = _fonts(PdfReader(_pdf(converted, example)))
    assert {"IBMPlexSans", "IBMPlexSans-Bold"} <= fonts, fonts
    assert {f for f in fonts if not f.startswith("IBMPlexSans")} <= {"OpenSymbol"}, fonts


def test_libreoffice_shows_the_generated_section_numbers(converted, built):
    example = next(e for e in EXAMPLES if e.stem == "fjordby-familievenner")
    text = normalise(
        "\n".join(page.extract_text() or "" for page in PdfReader(_pdf(converted, example)).pages)
    )
    paragraphs = Document(str(built / f"{example.stem}.docx")).paragraphs
    sections = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    second = paragraphs.index(next(p for p in paragraphs if p.text == sections[1]))
    subsection = next(p.text for p in paragraphs[second:] if p.style.name == "Heading 2")
    assert not sections[0][0].isdigit() and not subsection[0].isdigit()  # the DOCX types no number
    assert f"1 {normalise(sections[0])}" in text
    assert f"2.1 {normalise(subsection)}" in text
    assert f"{len(sections) - 1} {normalise(sections[-2])}" in text  # the amendment log has none
    assert normalise(sections[-1]) in text and f"{len(sections)} {normalise(sections[-1])}" not in text


def test_a_range_of_years_stays_on_one_line_in_libreoffice(tmp_path):
    """The «År» column of the financing and the budget is wide enough for «2026–2028» in
    LibreOffice too (it broke after the dash). Built as a draft: a signed example keeps the
    documents it was sealed with."""
    text = (ROOT / "agreements" / "havnestad-naboskab.yaml").read_text(encoding="utf-8")
    path = agreements_folder(tmp_path) / "havnestad-udkast.yaml"
    path.write_text(text.replace("status: signed", "status: draft"), encoding="utf-8")
    built = run_cli("build", str(path), "--out", str(tmp_path / "out"))
    assert built.returncode == 0, built.stdout + built.stderr
    (tmp_path / "lo").mkdir()
    result, out = _convert([tmp_path / "out" / "havnestad-udkast.docx"], tmp_path / "lo")
    assert result.returncode == 0, result.stderr
    pages = PdfReader(out / "havnestad-udkast.pdf").pages
    text = normalise(" ".join(page.extract_text() or "" for page in pages))
    assert text.count("2026–2028") == 4 and "2026– 2028" not in text, text
