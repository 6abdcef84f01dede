"""LibreOffice opens every DOCX: headless soffice converts it to PDF, and the PDF names every partner.

All examples are converted in one soffice run, with its own fresh user profile, so runs don't collide.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from partnerskab.load import load

from .conftest import EXAMPLES

TIMEOUT = 180


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = "soffice is missing: install Debian's `libreoffice-writer` package (.ci/run does)"
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def converted(built, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """Every example's DOCX converted to PDF by one `soffice --headless --convert-to pdf`."""
    soffice = _soffice()
    work = tmp_path_factory.mktemp("libreoffice")
    out = work / "pdf"
    out.mkdir()
    docx = [str(built / f"{example.stem}.docx") for example in EXAMPLES]
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
            *docx,
        ],
        cwd=work,
        env={**os.environ, "HOME": str(work)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return result, out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_libreoffice_converts_docx_with_every_partner(converted, example):
    result, out = converted
    assert result.returncode == 0, f"soffice exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    pdf = out / f"{example.stem}.pdf"
    assert pdf.is_file(), f"soffice wrote no {pdf.name}:\n{result.stdout}\n{result.stderr}"
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 1
    text = normalise("\n".join(page.extract_text() or "" for page in reader.pages))
    partners = load(example).data["partners"]
    assert partners
    missing = [partner["name"] for partner in partners if normalise(partner["name"]) not in text]
    assert not missing, f"{pdf.name} from LibreOffice lacks partner names {missing}:\n{text[:2000]}"
