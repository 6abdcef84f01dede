"""The built documents, opened as a reader opens them: PDF text and metadata, DOCX, HTML."""

from __future__ import annotations

import re
import unicodedata
import zipfile

import pytest
from babel.numbers import format_decimal
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from partnerskab.i18n import language
from partnerskab.load import load
from partnerskab.schema import title

from .conftest import EXAMPLES, ROOT

IDS = [p.stem for p in EXAMPLES]


def _data(example):
    return load(example).data


def _pdf_text(path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _total(amount: int, lang: str) -> str:
    number = format_decimal(amount, locale="da_DK" if lang == "da" else "en_GB")
    return f"{number} kr." if lang == "da" else f"DKK {number}"


def test_examples_cover_the_required_variety():
    data = [_data(e) for e in EXAMPLES]
    assert len(data) >= 3
    assert {d["status"] for d in data} >= {"draft", "signed"}
    assert any(d.get("language") == "en" for d in data)
    assert any(len(d["partners"]) >= 3 and any(p["sector"] == "private" for p in d["partners"]) for d in data)
    assert any({p["sector"] for p in d["partners"]} == {"public", "civil_society"} for d in data)


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_pdf_has_every_partner_title_and_a4(built, example):
    data = _data(example)
    pdf = built / f"{example.stem}.pdf"
    reader = PdfReader(pdf)
    text = _pdf_text(pdf)
    for partner in data["partners"]:
        assert partner["name"] in text
    assert any(ch in text for ch in "æøåÆØÅ")
    assert reader.metadata.title == data["title"]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    pages = len(reader.pages)
    lang = language(data)
    assert f"{'Side' if lang == 'da' else 'Page'} {pages} {'af' if lang == 'da' else 'of'} {pages}" in text


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_pdf_is_tagged_archival_with_language(built, example):
    reader = PdfReader(built / f"{example.stem}.pdf")
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]).startswith(language(_data(example)))
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"<pdfaid:part>2</pdfaid:part>" in xmp and b"<pdfuaid:part>1</pdfuaid:part>" in xmp


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_docx_has_headings_and_signatories(built, example):
    data = _data(example)
    lang = language(data)
    document = Document(str(built / f"{example.stem}.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 1")]
    expected = [
        title((key,), lang)
        for key in (
            "partners",
            "purpose",
            "activities",
            "roles",
            "economy",
            "organisation",
            "resources",
            "duration",
            "signatures",
        )
    ]
    for heading in expected:
        assert any(h.endswith(heading) for h in headings), (heading, headings)
    # in the guidance's order
    positions = [next(i for i, h in enumerate(headings) if h.endswith(x)) for x in expected]
    assert positions == sorted(positions)
    in_tables = [p for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    body = "\n".join(p.text for p in document.paragraphs + in_tables)  # signatures stand in a table
    for signature in data["signatures"]:
        assert signature["name"] in body and signature["title"] in body
    assert document.sections[0].page_width.cm == pytest.approx(21.0, abs=0.05)
    styles = zipfile.ZipFile(built / f"{example.stem}.docx").read("word/styles.xml").decode()
    assert f'w:val="{"da-DK" if lang == "da" else "en-GB"}"' in re.search(r"<w:lang [^>]*>", styles).group()


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_html_parses_and_shows_budget_total(built, example):
    data = _data(example)
    lang = language(data)
    soup = BeautifulSoup((built / f"{example.stem}.html").read_bytes(), "html5lib")
    assert soup.html["lang"] == {"da": "da-DK", "en": "en-GB"}[lang]
    assert soup.title.get_text() == data["title"]
    assert soup.find("style") and not soup.find("link", rel="stylesheet")
    assert not soup.find("script")
    total = sum(row["amount"] for row in data["economy"]["budget"])
    table_text = [_flat(t.get_text(" ")) for t in soup.find_all("table")]
    assert any(_total(total, lang) in t for t in table_text)
    text = _flat(soup.get_text(" "))
    for partner in data["partners"]:
        assert partner["name"] in text


def test_danish_amounts_and_dates(built):
    text = _pdf_text(built / "fjordby-familievenner.pdf")
    assert "500.000 kr." in text
    assert "1. januar 2026" in text and "31. december 2027" in text
    assert "4 timer om ugen" in text


def test_signature_block_has_line_name_and_title(built):
    soup = BeautifulSoup((built / "fjordby-familievenner.html").read_bytes(), "html5lib")
    blocks = soup.select(".signature")
    assert len(blocks) == 2
    first = _flat(blocks[0].get_text(" "))
    assert "Jens Jensen" in first and "Direktør for Børn og Familie" in first and "____" in first


def test_english_example_is_english(built):
    [example] = [e for e in EXAMPLES if language(_data(e)) == "en"]
    text = _pdf_text(built / f"{example.stem}.pdf")
    assert "Partners to the agreement" in text and "Aftalens partnere" not in text
    assert re.search(
        r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|"
        r"November|December) 20\d\d",
        text,
    )


def test_reference_docx_is_a4():
    document = Document(str(ROOT / "templates" / "reference.docx"))
    assert document.sections[0].page_width.cm == pytest.approx(21.0, abs=0.05)
    assert document.sections[0].page_height.cm == pytest.approx(29.7, abs=0.05)


def test_a_kept_renderer_trims_typst_between_agreements_and_its_documents_are_the_same(tmp_path):
    """A render worker keeps its Typst compiler for many agreements and ages Typst's caches
    before each agreement but its first (render.TYPST_TRIMS), which bounds its memory. The
    documents are those of a fresh renderer, byte for byte, and the trim leaves no file behind."""
    from partnerskab.render import Renderer, render

    first, second = (
        load(ROOT / "agreements" / f"{name}.yaml").data
        for name in ("fjordby-familievenner", "vestby-flere-i-job")
    )
    alone = render(first, _workdir(tmp_path, "alone"), stem="fjordby")  # a renderer of its own
    renderer = Renderer()
    try:
        kept = render(first, _workdir(tmp_path, "1"), stem="fjordby", renderer=renderer)
        assert renderer.trims == 0  # nothing to trim before the first
        render(second, _workdir(tmp_path, "2"), stem="vestby", renderer=renderer)
        assert renderer.trims == 1
        again = render(first, _workdir(tmp_path, "3"), stem="fjordby", renderer=renderer)
        assert renderer.trims == 2
    finally:
        renderer.close()
    for documents in (kept, again):
        assert (documents.pdf, documents.docx, documents.html) == (alone.pdf, alone.docx, alone.html)
    assert sorted(p.name for p in (tmp_path / "3").iterdir()) == sorted(
        p.name for p in (tmp_path / "1").iterdir()
    )


def _workdir(tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    return folder


def test_the_pdf_laid_out_beside_pandoc_or_after_it_is_the_same(tmp_path):
    """A worker that renders alone has Typst lay out the PDF while pandoc writes the HTML and
    DOCX; beside other workers, after it (render.Renderer.overlap). The documents are the same."""
    from partnerskab.render import Renderer, render

    data = load(ROOT / "agreements" / "vestby-flere-i-job.yaml").data
    documents = []
    for overlap in (True, False):
        renderer = Renderer()
        renderer.overlap = overlap
        try:
            documents.append(render(data, _workdir(tmp_path, str(overlap)), stem="vestby", renderer=renderer))
        finally:
            renderer.close()
    beside, after = documents
    assert (beside.pdf, beside.docx, beside.html) == (after.pdf, after.docx, after.html)
    assert b"%PDF" in after.pdf[:8]


@pytest.mark.parametrize("overlap", [True, False])
def test_typsts_error_wins_over_pandocs_however_the_pdf_is_laid_out(tmp_path, monkeypatch, overlap):
    """When both fail, the agreement's message is Typst's, which names the text to fix, whether
    Typst ran beside pandoc or after it."""
    from partnerskab import render as render_module
    from partnerskab.errors import RenderError
    from partnerskab.pandoc_server import PandocFailed, PandocServer

    def typst_fails(*args):
        raise RenderError("typst failed: the text to fix", "typst_failed")

    def pandoc_fails(self):
        raise PandocFailed("pandoc stopped")

    monkeypatch.setattr(render_module, "compile_pdf", typst_fails)
    monkeypatch.setattr(PandocServer, "receive_rest", pandoc_fails)
    data = load(ROOT / "agreements" / "vestby-flere-i-job.yaml").data
    renderer = render_module.Renderer()
    renderer.overlap = overlap
    try:
        with pytest.raises(RenderError) as raised:
            render_module.render(data, _workdir(tmp_path, "w"), stem="vestby", renderer=renderer)
    finally:
        renderer.pandoc.kill()
    assert "the text to fix" in str(raised.value)


def test_a_trim_that_fails_never_fails_the_agreement(tmp_path):
    """Trimming Typst's caches is housekeeping: where it cannot be done (here its file cannot be
    written), the agreement is rendered all the same, and the next one trims again."""
    from partnerskab.render import Renderer, render

    data = load(ROOT / "agreements" / "vestby-flere-i-job.yaml").data
    renderer = Renderer()
    try:
        render(data, _workdir(tmp_path, "1"), stem="vestby", renderer=renderer)
        blocked = _workdir(tmp_path, "2")
        (blocked / "trim.typ").mkdir()  # not a file: writing it fails
        documents = render(data, blocked, stem="vestby", renderer=renderer)
        assert renderer.trims == 0 and documents.pdf.startswith(b"%PDF")
        render(data, _workdir(tmp_path, "3"), stem="vestby", renderer=renderer)
        assert renderer.trims == 1
    finally:
        renderer.close()
