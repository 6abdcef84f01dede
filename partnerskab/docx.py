"""Finish the DOCX that pandoc wrote: a running header with the title and the status (a clear
UDKAST/DRAFT mark on drafts), a footer «Side X af Y», and the language in the core properties.

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


def finish_docx(data: bytes, frame: DocxFrame, stamp: int) -> bytes:
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin

    header = section.header.paragraphs[0]
    header.text = ""
    header.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    title_run = header.add_run(frame.title)
    title_run.font.size = Pt(9)
    header.add_run("\t")
    mark = header.add_run(frame.mark)
    mark.bold = frame.draft
    mark.font.size = Pt(14 if frame.draft else 9)
    if frame.draft:
        mark.font.color.rgb = RGBColor(0xA0, 0x1C, 0x1C)

    footer = section.footer.paragraphs[0]
    footer.text = ""
    footer.alignment = 1  # centre
    footer.add_run(f"{frame.page_label} ")
    _field(footer, "PAGE")
    footer.add_run(f" {frame.page_of} ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(9)

    core = document.core_properties
    core.language = frame.language
    core.title = frame.title
    core.created = core.modified = dt.datetime.fromtimestamp(stamp, dt.UTC).replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


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
