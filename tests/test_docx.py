"""The DOCX as Word reads it: IBM Plex Sans with Arial as Word's stand-in, headings numbered by
Word's own outline numbering, ruled tables, room to sign, and the footer, author and language.

Every test opens the DOCX that the real CLI built (conftest.built) and reads its XML parts."""

from __future__ import annotations

import importlib.util
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

from partnerskab.fonts import FALLBACK_WORD, FAMILY
from partnerskab.i18n import LABELS, Formats, language
from partnerskab.load import load
from partnerskab.schema import title
from partnerskab.typography import typeset

from .conftest import EXAMPLES, ROOT, run_cli, with_long_budget

IDS = [e.stem for e in EXAMPLES]
FJORDBY = "fjordby-familievenner"
TYPED_NUMBER = re.compile(r"^\s*\d+(\.\d+)*\.?(\s|$)")


def _document(built, stem: str):
    return Document(str(built / f"{stem}.docx"))


def _part(built, stem: str, name: str):
    with zipfile.ZipFile(built / f"{stem}.docx") as archive:
        return etree.fromstring(archive.read(name))


NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def _val(element, path: str) -> str | None:
    found = element.find(path, NS)
    return None if found is None else found.get(qn("w:val"))


def _flat(text: str) -> str:
    return " ".join(text.split())


def _headings(document, level: int):
    return [p for p in document.paragraphs if p.style.style_id == f"Heading{level}"]


def _own_num_id(paragraph) -> str | None:
    """The numId the paragraph sets itself (not through its style)."""
    return _val(paragraph._p, "w:pPr/w:numPr/w:numId")


def test_styles_name_ibm_plex_sans_and_word_falls_back_to_arial(built):
    document = _document(built, FJORDBY)
    for name in ("Normal", "Heading 1", "Heading 2", "Title", "Subtitle", "Compact"):
        fonts = document.styles[name].element.find("w:rPr/w:rFonts", NS)
        assert fonts is not None, name
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs")} == {FAMILY}, name
        # A theme font (asciiTheme ...) would win over the name.
        assert not [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")], name
    assert document.styles["Normal"].font.size == Pt(10.5)
    styles = _part(built, FJORDBY, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert defaults.get(qn("w:ascii")) == defaults.get(qn("w:hAnsi")) == FAMILY
    assert _val(styles, "w:docDefaults/w:rPrDefault/w:rPr/w:sz") == "21"  # 10.5 pt
    heading = document.styles["Heading 1"]
    assert heading.font.bold and str(heading.font.color.rgb) == "0B4F6C"

    fonts = _part(built, FJORDBY, "word/fontTable.xml")
    [plex] = [f for f in fonts.findall("w:font", NS) if f.get(qn("w:name")) == FAMILY]
    assert _val(plex, "w:altName") == FALLBACK_WORD == "Arial"
    assert _val(plex, "w:family") == "swiss"
    assert _val(plex, "w:pitch") == "variable"
    assert re.fullmatch(r"[0-9A-F]{20}", _val(plex, "w:panose1") or "")


def _numbering(built, stem: str):
    numbering = _part(built, stem, "word/numbering.xml")
    nums = {n.get(qn("w:numId")): _val(n, "w:abstractNumId") for n in numbering.findall("w:num", NS)}
    abstracts = {a.get(qn("w:abstractNumId")): a for a in numbering.findall("w:abstractNum", NS)}
    return nums, abstracts


@pytest.mark.parametrize("stem", IDS)
def test_headings_are_numbered_by_word_not_typed(built, stem):
    document = _document(built, stem)
    headings = _headings(document, 1) + _headings(document, 2)
    assert len(_headings(document, 1)) >= 10 and _headings(document, 2)
    typed = [p.text for p in headings if TYPED_NUMBER.match(p.text)]
    assert not typed, f"headings with a typed number: {typed}"

    nums, abstracts = _numbering(built, stem)
    heading_nums = set()
    for level, text in ((0, "%1"), (1, "%1.%2")):
        style = document.styles[f"Heading {level + 1}"].element
        num_id = _val(style, "w:pPr/w:numPr/w:numId")
        assert num_id and num_id != "0", f"Heading {level + 1} names no numbering"
        assert int(_val(style, "w:pPr/w:numPr/w:ilvl") or 0) == level
        abstract = abstracts[nums[num_id]]
        lvl = abstract.find(f"w:lvl[@w:ilvl='{level}']", NS)
        assert _val(lvl, "w:numFmt") == "decimal"
        assert _val(lvl, "w:lvlText") == text
        assert _val(lvl, "w:pStyle") == f"Heading{level + 1}"
        heading_nums.add(num_id)
    assert len(heading_nums) == 1
    # No list shares the headings' numbering: its id cannot meet the ids pandoc gives lists.
    body = _part(built, stem, "word/document.xml")
    for paragraph in body.iter(qn("w:p")):
        if _val(paragraph, "w:pPr/w:numPr/w:numId") in heading_nums:
            assert (_val(paragraph, "w:pPr/w:pStyle") or "").startswith("Heading"), etree.tostring(paragraph)


def _unnumbered_titles(data) -> set[str]:
    """The headings that carry no number: the annex list and the amendment log."""
    lang = language(data)
    titles = set()
    if data.get("annexes"):
        titles.add(title(("annexes",), lang))
    if (data.get("changes") or {}).get("amendments"):
        titles.add(LABELS[lang]["amendment_log"])
    return {_flat(t) for t in titles}


@pytest.mark.parametrize("stem", IDS)
def test_annex_list_and_amendment_log_have_no_number(built, stem):
    data = load(ROOT / "agreements" / f"{stem}.yaml").data
    expected = _unnumbered_titles(data)
    headings = _headings(_document(built, stem), 1)
    switched_off = {_flat(p.text) for p in headings if _own_num_id(p) == "0"}
    assert switched_off == expected, (
        "an unnumbered heading reaches partnerskab/docx.py inside a bookmark named unnumbered-… "
        "(templates/pandoc/layout.lua, Header)"
    )
    # The others keep the numbering their style gives them.
    assert all(_own_num_id(p) is None for p in headings if _flat(p.text) not in expected)


def test_the_examples_show_both_kinds_of_unnumbered_heading():
    kinds = [_unnumbered_titles(load(e).data) for e in EXAMPLES]
    assert any("Bilag" in k for k in kinds) and any("Bilag: Ændringslog" in k for k in kinds)


@pytest.mark.parametrize("stem", IDS)
def test_every_signature_has_room_above_its_line(built, stem):
    data = load(ROOT / "agreements" / f"{stem}.yaml").data
    document = _document(built, stem)
    # The signatures stand two by two in tables without rules, a pair's lines in one row. (A
    # signed example's DOCX is its sealed copy, which may be older: signatures one under another.)
    tables = [t for t in document.tables if t.rows[0].cells[0].paragraphs[0].style.name == "Signatur"]
    assert all(len(t.columns) == 2 for t in tables)
    assert tables or data["status"] != "draft"
    for table in tables:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {b.get(qn("w:val")) for b in borders} == {"nil"}
        for above, under in zip(table.rows[::2], table.rows[1::2], strict=True):
            assert {p.style.name for c in above.cells for p in c.paragraphs if p.text} == {"Signatur"}
            assert {p.style.name for c in under.cells for p in c.paragraphs if p.text} == {
                "Underskriftslinje"
            }
    in_tables = [p for t in tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    lines = [p for p in document.paragraphs + in_tables if p.style.name == "Underskriftslinje"]
    assert len(lines) == len(data["signatures"])
    for paragraph, signature in zip(lines, data["signatures"], strict=True):
        assert "___" in paragraph.text and _flat(signature["name"]) in _flat(paragraph.text)
        before = paragraph.paragraph_format.space_before or paragraph.style.paragraph_format.space_before
        assert before is not None and before >= Cm(2.5), before
        assert paragraph.style.paragraph_format.keep_together
    signature_style = document.styles["Signatur"].paragraph_format
    assert signature_style.keep_with_next and signature_style.keep_together


@pytest.mark.parametrize("stem", IDS)
def test_author_is_the_lead_partners_and_the_language_is_set(built, stem):
    data = load(ROOT / "agreements" / f"{stem}.yaml").data
    lang = language(data)
    names = {p["id"]: p["name"] for p in data["partners"]}
    leads = [names[i] for i in data["organisation"]["project_management"]["leads"]]
    document = _document(built, stem)
    core = document.core_properties
    assert core.author == Formats(lang).names(leads)
    assert all(lead in core.author for lead in leads)
    expected = "en-GB" if lang == "en" else "da-DK"
    assert core.language == expected
    styles = _part(built, stem, "word/styles.xml")
    assert _val(styles, "w:docDefaults/w:rPrDefault/w:rPr/w:lang") == expected


@pytest.mark.parametrize("stem", IDS)
def test_footer_has_the_version_and_page_x_of_y(built, stem):
    data = load(ROOT / "agreements" / f"{stem}.yaml").data
    section = _document(built, stem).sections[0]
    footer = section.footer.paragraphs[0]
    xml = etree.tostring(footer._p, encoding="unicode")
    version = 1 + len((data.get("changes") or {}).get("amendments", []))
    assert f"Version {version} · " in footer.text
    version_text, page = footer.text.split("\t")
    assert version_text.startswith("Version") and page.startswith(("Side ", "Page "))
    instructions = [node.text.strip() for node in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert 'w:val="right"' in xml  # the page number at the right margin
    assert footer.style.style_id == "Footer" and footer.style.font.size == Pt(9)


def test_tables_are_ruled_with_a_header_row(built):
    checked = 0
    for stem in IDS:
        body = _part(built, stem, "word/document.xml")
        styles = _part(built, stem, "word/styles.xml")
        for table in body.iter(qn("w:tbl")):
            if _val(table, "w:tr/w:tc/w:p/w:pPr/w:pStyle") == "Signatur":
                continue  # the signatures, two by two, without rules (the test above)
            style_id = _val(table, "w:tblPr/w:tblStyle")
            assert style_id, "a table without a style"
            [style] = [s for s in styles.findall("w:style", NS) if s.get(qn("w:styleId")) == style_id]
            rows = style.find("w:tblPr/w:tblBorders/w:insideH", NS)
            assert rows is not None and rows.get(qn("w:val")) not in ("nil", "none")
            assert rows.get(qn("w:color")) == "C8C8C8"
            [first] = [p for p in style.findall("w:tblStylePr", NS) if p.get(qn("w:type")) == "firstRow"]
            under = first.find("w:tcPr/w:tcBorders/w:bottom", NS)
            assert under is not None and under.get(qn("w:val")) not in ("nil", "none")
            assert first.find("w:tcPr/w:shd", NS).get(qn("w:fill")) == "EAF1F5"
            assert first.find("w:rPr/w:b", NS) is not None
            assert style.find("w:tblPr/w:tblCellMar/w:top", NS) is not None
            look = table.find("w:tblPr/w:tblLook", NS)
            assert look.get(qn("w:firstRow")) == "1"  # the style's header row applies
            checked += 1
    assert checked >= 10


def test_reference_docx_is_what_the_tool_makes():
    spec = importlib.util.spec_from_file_location(
        "make_reference_docx", ROOT / "tools" / "make_reference_docx.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.reference() == (ROOT / "templates" / "reference.docx").read_bytes(), (
        "templates/reference.docx is stale: run `make reference-docx`"
    )


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> Path:
    """Every example built as a draft, so docx.py finishes each DOCX now: a signed example's
    documents are its sealed ones, finished when it was sealed."""
    base = tmp_path_factory.mktemp("drafts")
    folder = base / "agreements"
    folder.mkdir()
    # Not conftest.agreements_folder: beside their seals, signed examples set back to draft
    # would be refused (PA134).
    for name in ("logos", "bilag"):
        shutil.copytree(ROOT / name, base / name)
    for example in EXAMPLES:
        text = example.read_text(encoding="utf-8")
        (folder / example.name).write_text(
            re.sub(r"^status: \w+$", "status: draft", text, count=1, flags=re.M), encoding="utf-8"
        )
    # and one whose budget table runs over pages
    text = (folder / "fjordby-familievenner.yaml").read_text(encoding="utf-8")
    (folder / "lang-budget.yaml").write_text(with_long_budget(text, 40), encoding="utf-8")
    out = base / "out"
    result = run_cli("build", *sorted(map(str, folder.glob("*.yaml"))), "--out", str(out), cwd=base)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _row_keeps(row) -> set[bool]:
    """Whether each paragraph in the row keeps with the next (w:keepNext, on unless val=0)."""
    keeps = set()
    for paragraph in row.iterfind("w:tc/w:p", NS):
        keep = paragraph.find("w:pPr/w:keepNext", NS)
        keeps.add(keep is not None and keep.get(qn("w:val")) not in ("0", "false"))
    return keeps


def test_table_rows_are_never_split_and_totals_stay_with_the_rows_before(drafts):
    """Each row stays whole on its page. A short table (up to 15 rows) is kept on one page:
    every row but the last keeps with the next. A longer one breaks, but keeps its last four
    rows (the totals) together."""
    long_tables = tables = 0
    for stem in [*IDS, "lang-budget"]:
        body = _part(drafts, stem, "word/document.xml").find("w:body", NS)
        for table in body.iterfind("w:tbl", NS):
            rows = table.findall("w:tr", NS)
            assert all(row.find("w:trPr/w:cantSplit", NS) is not None for row in rows)
            first = 0 if len(rows) <= 15 else len(rows) - 4
            for index, row in enumerate(rows):
                assert _row_keeps(row) == {first <= index < len(rows) - 1}, (stem, index, len(rows))
            tables += 1
            long_tables += len(rows) > 15
    assert tables >= 10 and long_tables >= 1


def test_paragraph_properties_keep_the_schema_order(drafts):
    """Word refuses a document whose paragraph properties are out of the schema's order; the
    finisher adds keepNext and numPr among pandoc's own."""
    from partnerskab.docx import PARAGRAPH_PROPERTIES

    checked = 0
    for stem in IDS:
        body = _part(drafts, stem, "word/document.xml")
        for properties in body.iter(qn("w:pPr")):
            names = [etree.QName(child).localname for child in properties]
            positions = [PARAGRAPH_PROPERTIES.index(name) for name in names]
            assert positions == sorted(positions), (stem, names)
            checked += "keepNext" in names or "numPr" in names
    assert checked > 50


def test_the_draft_docx_has_its_header_footer_author_and_language(drafts):
    """What the finisher writes, read back through python-docx as Word would read it."""
    for stem in IDS:
        data = load(ROOT / "agreements" / f"{stem}.yaml").data
        lang = language(data)
        document = _document(drafts, stem)
        section = document.sections[0]
        header = section.header.paragraphs[0]
        mark = LABELS[lang]["draft_mark"]
        assert header.text == f"{typeset(data['title'], lang)}\t{mark}"
        assert header.runs[-1].bold and header.runs[-1].font.size == Pt(14)
        assert header.style.style_id == "Header"
        footer = section.footer.paragraphs[0]
        assert [n.text.strip() for n in footer._p.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]
        assert document.core_properties.title == typeset(data["title"], lang)
        assert document.core_properties.language == ("da-DK" if lang == "da" else "en-GB")
        assert document.core_properties.author
        styles = _part(drafts, stem, "word/styles.xml")
        assert _val(styles, "w:docDefaults/w:rPrDefault/w:rPr/w:lang") == document.core_properties.language


def test_the_finisher_keeps_the_parts_it_does_not_change(drafts):
    """Pandoc's media, theme, fonts and numbering are kept byte for byte: only the parts that
    change are parsed and written again."""
    from partnerskab.docx import DocxFrame, finish_docx, read_parts

    finished = (drafts / "fjordby-familievenner.docx").read_bytes()  # as input again
    parts = read_parts(finished)
    frame = DocxFrame("T <&>", "UDKAST", True, "Side", "af", "da-DK", "Version 1", "A & B")
    again = read_parts(finish_docx(finished, frame, 0))
    kept = {"word/theme/theme1.xml", "word/numbering.xml", "word/fontTable.xml", "docProps/app.xml"}
    assert {n for n in parts if n.startswith("word/media/")} and all(
        again[n] == parts[n] for n in parts if n in kept or n.startswith("word/media/")
    )
    # finished twice: still one header and one footer reference, naming new parts
    body = etree.fromstring(again["word/document.xml"])
    assert len(body.findall(".//w:sectPr/w:headerReference", NS)) == 1
    assert b"T &lt;&amp;&gt;" in again["word/header2.xml"]


def test_a_first_page_or_even_page_header_from_the_reference_gives_way_to_ours(drafts):
    """Were the reference document to bring a first-page or an even-page header, no page may go
    without the status and the page numbers: only our header and footer are left."""
    from partnerskab.docx import DocxFrame, finish_docx, read_parts, write_parts

    parts = read_parts((drafts / "aaby-ungementor.docx").read_bytes())
    body = etree.fromstring(parts["word/document.xml"])
    section = body.find("w:body/w:sectPr", NS)
    for kind, rid in (("headerReference", "rId1"), ("footerReference", "rId1")):
        extra = etree.Element(qn(f"w:{kind}"))
        extra.set(qn("w:type"), "first")
        extra.set(qn("r:id"), rid)
        section.insert(0, extra)
    section.append(etree.Element(qn("w:titlePg")))
    settings = etree.fromstring(parts["word/settings.xml"])
    settings.append(etree.Element(qn("w:evenAndOddHeaders")))
    parts["word/document.xml"] = etree.tostring(body)
    parts["word/settings.xml"] = etree.tostring(settings)
    frame = DocxFrame("Titel", "UDKAST", True, "Side", "af", "da-DK", "Version 1", "A")
    again = read_parts(finish_docx(write_parts(parts, 0), frame, 0))
    section = etree.fromstring(again["word/document.xml"]).find("w:body/w:sectPr", NS)
    references = [(etree.QName(r).localname, r.get(qn("w:type"))) for r in section[:3]]
    assert references[:2] == [("headerReference", "default"), ("footerReference", "default")]
    assert len(section.findall("w:headerReference", NS)) == len(section.findall("w:footerReference", NS)) == 1
    assert section.find("w:titlePg", NS) is None
    assert etree.fromstring(again["word/settings.xml"]).find("w:evenAndOddHeaders", NS) is None


def test_a_build_dated_after_2107_still_gets_its_docx(tmp_path):
    """A zip archive cannot date its entries after 2107: the DOCX's entries say 31.12.2107, the
    document's own dates say when it was built, and the build succeeds."""
    out = tmp_path / "out"
    draft = ROOT / "agreements" / "aaby-ungementor.yaml"
    when = "4420000000"  # 2110
    result = run_cli("build", str(draft), "--out", str(out), env={"SOURCE_DATE_EPOCH": when})
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(out / "aaby-ungementor.docx") as archive:
        assert {item.date_time[:3] for item in archive.infolist()} == {(2107, 12, 31)}
    assert Document(str(out / "aaby-ungementor.docx")).core_properties.created.year == 2110


@pytest.mark.parametrize("stem", [e.stem for e in EXAMPLES if load(e).data["status"] == "draft"])
def test_the_title_block_is_the_pdfs(built, stem):
    """Above the title the kind of document and the version over a rule, under it the shaded
    box with status and period, as in the PDF. (Drafts: a signed example's DOCX is its sealed
    copy, which may be older.)"""
    data = load(ROOT / "agreements" / f"{stem}.yaml").data
    document = _document(built, stem)
    first, title = document.paragraphs[0], document.paragraphs[1]
    kind = "PARTNERSKABSAFTALE" if data["language"] == "da" else "PARTNERSHIP AGREEMENT"
    assert first.style.name == "Dokumenttype" and first.text.startswith(f"{kind}\tVersion ")
    assert first.runs[0].bold and str(first.runs[0].font.color.rgb) == "0B4F6C"
    assert title.style.name == "Title"
    rule = first.style.element.find(qn("w:pPr")).find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "0B4F6C"
    [meta] = [p for p in document.paragraphs if p.style.name == "Aftaleoplysninger"]
    assert meta.text.startswith("Status: Udkast" if data["language"] == "da" else "Status: Draft")
    shading = meta.style.element.find(qn("w:pPr")).find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == "EAF1F5"


def test_each_docx_has_its_own_language_when_one_process_finishes_several(built):
    """docx.py keeps the styles it made for a language (a worker finishes agreement after
    agreement); a DOCX in another language still gets its own, and the same bytes as the
    first time."""
    from partnerskab.docx import DocxFrame, finish_docx, read_parts

    stem = EXAMPLES[0].stem
    pandoc_like = (built / f"{stem}.docx").read_bytes()  # a finished one will do: only its styles are read
    languages, finished = [], []
    for lang in ("da-DK", "en-GB", "da-DK"):
        frame = DocxFrame(
            title="T", mark="Udkast", draft=True, page_label="Side", page_of="af", language=lang
        )
        finished.append(finish_docx(pandoc_like, frame, 0))
        styles = etree.fromstring(read_parts(finished[-1])["word/styles.xml"])
        languages.append(_val(styles, "w:docDefaults/w:rPrDefault/w:rPr/w:lang"))
    assert languages == ["da-DK", "en-GB", "da-DK"]
    assert finished[0] == finished[2]
