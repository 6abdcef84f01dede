"""Finish the DOCX that pandoc wrote: a running header with the title and the status (a clear
UDKAST/DRAFT mark on drafts), a footer with the version at the left and «Side X af Y» at the
right, no number on the headings that must stay unnumbered, and the author and language in the
core properties and the document's default language (so Word spell-checks in Danish or English).

Pandoc takes headers and footers only from the reference document, which cannot know the
title or the status, so we add them here. The result is zipped again with fixed timestamps,
so the same agreement gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

# The id of the headings' outline numbering («1», «1.1») in templates/reference.docx, both the
# abstractNum and the num. Pandoc numbers its own lists from abstractNum 990 and num 1000 up and
# keeps the reference document's definitions below those, so this id never meets a list's.
HEADING_NUMBERING = 10
# A heading that must stay unnumbered (the annex list, the amendment log) is written by pandoc
# inside a bookmark with this prefix (templates/pandoc/layout.lua).
UNNUMBERED = "unnumbered-"
MUTED = RGBColor(0x55, 0x55, 0x55)
DRAFT_RED = RGBColor(0xA0, 0x1C, 0x1C)


@dataclass(frozen=True)
class DocxFrame:
    title: str
    mark: str
    draft: bool
    page_label: str
    page_of: str
    language: str
    footer: str = ""  # «Version 3 · 12. december 2025»
    author: str = ""  # the lead partner(s)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out pages."""
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        elif kind == "text":
            run.text = text
            continue
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _unnumbered_headings(body) -> list:
    """The paragraphs that a bookmark named unnumbered-… opens: pandoc puts the bookmark of a
    section just before its heading, or (without sections) inside the heading's paragraph."""
    found = []
    for bookmark in body.iter(qn("w:bookmarkStart")):
        if not (bookmark.get(qn("w:name")) or "").startswith(UNNUMBERED):
            continue
        paragraph = bookmark.getparent()
        if paragraph.tag != qn("w:p"):
            paragraph = next(bookmark.itersiblings(qn("w:p")), None)
        style = None if paragraph is None else paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val"), "").startswith("Heading"):
            found.append(paragraph)
    return found


def _no_number(paragraph) -> None:
    """numId 0 switches off the numbering that the heading style brings."""
    numbering = paragraph.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = 0
    numbering.get_or_add_numId().val = 0


def _default_language(document, language: str) -> None:
    """The language of all text that sets none itself: the defaults under every style."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        document.styles.element.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    rpr = run_defaults.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        run_defaults.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        later = [rpr.find(qn(tag)) for tag in ("w:eastAsianLayout", "w:specVanish", "w:oMath")]
        later = [element for element in later if element is not None]
        if later:
            later[0].addprevious(lang)
        else:
            rpr.append(lang)
    lang.set(qn("w:val"), language)
    theme_language = document.settings.element.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), language)


def finish_docx(data: bytes, frame: DocxFrame, stamp: int) -> bytes:
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin

    # The header: the title at the left, the status (or a large red draft mark) at the right.
    header = section.header.paragraphs[0]
    header.text = ""
    header.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    header.add_run(frame.title)
    header.add_run("\t")
    mark = header.add_run(frame.mark)
    mark.bold = frame.draft
    for run in header.runs:
        run.font.size = Pt(9)
        run.font.color.rgb = MUTED
    if frame.draft:
        mark.font.size = Pt(14)
        mark.font.color.rgb = DRAFT_RED

    # The footer: the version at the left, «Side X af Y» at the right.
    footer = section.footer.paragraphs[0]
    footer.text = ""
    footer.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    if frame.footer:
        footer.add_run(frame.footer)
    footer.add_run(f"\t{frame.page_label} ")
    _field(footer, "PAGE")
    footer.add_run(f" {frame.page_of} ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(9)
        run.font.color.rgb = MUTED

    for paragraph in _unnumbered_headings(document.element.body):
        _no_number(paragraph)
    _default_language(document, frame.language)

    keep_tables_together(document)
    core = document.core_properties
    core.author = frame.author
    core.language = frame.language
    core.title = frame.title
    core.created = core.modified = dt.datetime.fromtimestamp(stamp, dt.UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


SHORT_TABLE = 15  # rows: a table this short is kept on one page


def keep_tables_together(document) -> None:
    """No row is split across pages; a short table stays on one page, and a long one keeps its
    last rows (the totals) with the rows before them, so «I alt» never stands alone at the top
    of a page. Word does it with «keep with next» on the paragraphs of the rows that go first."""
    for table in document.tables:
        rows = table.rows
        for row in rows:
            properties = row._tr.get_or_add_trPr()
            if properties.find(qn("w:cantSplit")) is None:
                properties.append(OxmlElement("w:cantSplit"))
        first = 0 if len(rows) <= SHORT_TABLE else len(rows) - 4
        for row in list(rows)[first:-1]:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def fixed_zip(data: bytes, stamp: int) -> bytes:
    """The same archive with every entry dated `stamp`, in the original order."""
    when = dt.datetime.fromtimestamp(max(stamp, 315532800), dt.UTC).timetuple()[:6]  # zip starts in 1980
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()
