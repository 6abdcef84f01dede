"""Finish the DOCX that pandoc wrote: a running header with the title and the status (a clear
UDKAST/DRAFT mark on drafts), a footer with the version at the left and «Side X af Y» at the
right, no number on the headings that must stay unnumbered, tables that keep their rows
together, and the author and language in the core properties and the document's default
language (so Word spell-checks in Danish or English).

Pandoc takes headers and footers only from the reference document, which cannot know the
title or the status, so we add them here. The result is zipped again with fixed timestamps,
so the same agreement gives the same bytes.

The package is edited directly with lxml, part by part: only the six parts that change are
read and written again (document, styles, settings, core properties, and the relationships
and content types that name the new header and footer), and the header and footer are added;
every other part keeps pandoc's bytes. python-docx did the same work through its object model
in three times the time (15 ms instead of 5), and its import alone took about 40 ms of a
one-agreement build (bench/bench.py (c)).
Tests read the result with python-docx, as Word would, and LibreOffice lays it out.

User text reaches the XML only as element text and attribute values set through lxml, which
escapes them; pandoc escaped the rest. No markup is built from strings here.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
CORE = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
PART_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"

# The id of the headings' outline numbering («1», «1.1») in templates/reference.docx, both the
# abstractNum and the num. Pandoc numbers its own lists from abstractNum 990 and num 1000 up and
# keeps the reference document's definitions below those, so this id never meets a list's.
HEADING_NUMBERING = 10
# A heading that must stay unnumbered (the annex list, the amendment log) is written by pandoc
# inside a bookmark with this prefix (templates/pandoc/layout.lua).
UNNUMBERED = "unnumbered-"
MUTED = "555555"
ACCENT = "0B4F6C"
DRAFT_RED = "A01C1C"
SHORT_TABLE = 15  # rows: a table this short is kept on one page

# The order of a paragraph's properties in the schema (CT_PPr, ECMA-376 part 1, 17.3.1.26):
# Word refuses a document whose properties come in another order.
PARAGRAPH_PROPERTIES = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
    "rPr sectPr pPrChange"
).split()
# The order of a table's properties (CT_TblPr, 17.4.60).
TABLE_PROPERTIES = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
).split()
SIGNATURE_STYLE = "Signatur"  # layout.lua's style for what stands above a line to sign on
SIGNATURE_GUTTER = 680  # twentieths of a point between the two columns of signatures (1.2 cm)
# The run properties that come after w:lang (CT_RPr).
AFTER_LANGUAGE = ("eastAsianLayout", "specVanish", "oMath", "rPrChange")

# python-docx's parser: no entities resolved, and the indentation between elements dropped.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


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
    kind: str = ""  # «Partnerskabsaftale»: the line above the title, as in the PDF


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, standalone=True)


def _child(parent: etree._Element, name: str, order: tuple | list = ()) -> etree._Element:
    """The child `name` (a w: name), added in its place by the schema's `order` if missing."""
    found = parent.find(w(name))
    if found is not None:
        return found
    element = etree.Element(w(name))
    later = order[order.index(name) + 1 :] if name in order else ()
    for sibling in parent:
        if etree.QName(sibling).localname in later:
            sibling.addprevious(element)
            return element
    parent.append(element)
    return element


def _paragraph_properties(paragraph: etree._Element) -> etree._Element:
    properties = paragraph.find(w("pPr"))
    if properties is None:
        properties = etree.Element(w("pPr"))
        paragraph.insert(0, properties)
    return properties


def _set(element: etree._Element, **values: str) -> etree._Element:
    for name, value in values.items():
        element.set(w(name), value)
    return element


def _run(paragraph, size: int, color: str, bold: bool = False) -> etree._Element:
    """A run in the header's or footer's small grey type (size in half points)."""
    run = etree.SubElement(paragraph, w("r"))
    properties = etree.SubElement(run, w("rPr"))
    if bold:
        etree.SubElement(properties, w("b"))
    _set(etree.SubElement(properties, w("color")), val=color)
    _set(etree.SubElement(properties, w("sz")), val=str(size))
    return run


def _text(run, text: str) -> None:
    element = etree.SubElement(run, w("t"))
    element.text = text.replace("\t", " ")  # the header's only tab is ours, before the status
    if text != text.strip():
        element.set(XML_SPACE, "preserve")


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out pages."""
    for kind in ("begin", "instr", "separate", "text", "end"):
        run = _run(paragraph, 18, MUTED)
        if kind == "instr":
            element = etree.SubElement(run, w("instrText"))
            element.set(XML_SPACE, "preserve")
            element.text = f" {instruction} "
        elif kind == "text":
            _text(run, "1")
        else:
            _set(etree.SubElement(run, w("fldChar")), fldCharType=kind)


def _frame_part(kind: str, style: str, width: int) -> tuple[etree._Element, etree._Element]:
    """A header (w:hdr) or footer (w:ftr) part with one paragraph in `style`, with a right tab
    stop at the text's right edge."""
    root = etree.Element(w(kind), nsmap={"w": W, "r": R})
    paragraph = etree.SubElement(root, w("p"))
    properties = etree.SubElement(paragraph, w("pPr"))
    _set(etree.SubElement(properties, w("pStyle")), val=style)
    tabs = etree.SubElement(properties, w("tabs"))
    _set(etree.SubElement(tabs, w("tab")), val="right", pos=str(width))
    return root, paragraph


def header_part(frame: DocxFrame, width: int) -> bytes:
    """The title at the left, the status (or a large red draft mark) at the right."""
    root, paragraph = _frame_part("hdr", "Header", width)
    _text(_run(paragraph, 18, MUTED), frame.title)
    etree.SubElement(_run(paragraph, 18, MUTED), w("tab"))
    if frame.draft:
        _text(_run(paragraph, 28, DRAFT_RED, bold=True), frame.mark)
    else:
        _text(_run(paragraph, 18, MUTED), frame.mark)
    return _serialize(root)


def kind_line(body: etree._Element, frame: DocxFrame, width: int) -> None:
    """The PDF's first line, above the title: the kind of document in capitals at the left, the
    version and date at the right, over a rule in the accent colour (the style Dokumenttype in
    the reference document draws it)."""
    paragraph = etree.Element(w("p"))
    properties = etree.SubElement(paragraph, w("pPr"))
    _set(etree.SubElement(properties, w("pStyle")), val="Dokumenttype")
    _set(etree.SubElement(etree.SubElement(properties, w("tabs")), w("tab")), val="right", pos=str(width))
    _text(_run(paragraph, 18, ACCENT, bold=True), frame.kind.upper())
    etree.SubElement(_run(paragraph, 18, MUTED), w("tab"))
    _text(_run(paragraph, 18, MUTED), frame.footer)
    body.insert(0, paragraph)


def footer_part(frame: DocxFrame, width: int) -> bytes:
    """The version at the left, «Side X af Y» at the right."""
    root, paragraph = _frame_part("ftr", "Footer", width)
    if frame.footer:
        _text(_run(paragraph, 18, MUTED), frame.footer)
    run = _run(paragraph, 18, MUTED)
    etree.SubElement(run, w("tab"))
    _text(run, f"{frame.page_label} ")
    _field(paragraph, "PAGE")
    _text(_run(paragraph, 18, MUTED), f" {frame.page_of} ")
    _field(paragraph, "NUMPAGES")
    return _serialize(root)


def _text_width(section: etree._Element) -> int:
    """The width between the margins, in twentieths of a point, from the section's page."""
    size, margins = section.find(w("pgSz")), section.find(w("pgMar"))
    return int(size.get(w("w"))) - int(margins.get(w("left"))) - int(margins.get(w("right")))


def unnumbered_headings(body: etree._Element) -> list[etree._Element]:
    """The paragraphs that a bookmark named unnumbered-… opens: pandoc puts the bookmark of a
    section just before its heading, or (without sections) inside the heading's paragraph."""
    found = []
    for bookmark in body.iter(w("bookmarkStart")):
        if not (bookmark.get(w("name")) or "").startswith(UNNUMBERED):
            continue
        paragraph = bookmark.getparent()
        if paragraph.tag != w("p"):
            paragraph = next(bookmark.itersiblings(w("p")), None)
        style = None if paragraph is None else paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        if style is not None and style.get(w("val"), "").startswith("Heading"):
            found.append(paragraph)
    return found


def _no_number(paragraph: etree._Element) -> None:
    """numId 0 switches off the numbering that the heading style brings."""
    numbering = _child(_paragraph_properties(paragraph), "numPr", PARAGRAPH_PROPERTIES)
    _set(_child(numbering, "ilvl", ("ilvl", "numId")), val="0")
    _set(_child(numbering, "numId", ("ilvl", "numId")), val="0")


def keep_tables_together(body: etree._Element) -> None:
    """No row is split across pages; a short table stays on one page, and a long one keeps its
    last rows (the totals) with the rows before them, so «I alt» never stands alone at the top
    of a page. Word does it with «keep with next» on the paragraphs of the rows that go first."""
    for table in body.iterchildren(w("tbl")):
        rows = list(table.iterchildren(w("tr")))
        for row in rows:
            properties = row.find(w("trPr"))
            if properties is None:  # after the row's exceptions (tblPrEx), before its cells
                properties = etree.Element(w("trPr"))
                exceptions = row.find(w("tblPrEx"))
                row.insert(0 if exceptions is None else row.index(exceptions) + 1, properties)
            _child(properties, "cantSplit")
        first = 0 if len(rows) <= SHORT_TABLE else len(rows) - 4
        for row in rows[first:-1]:
            for cell in row.iterchildren(w("tc")):
                for paragraph in cell.iterchildren(w("p")):
                    keep = _child(_paragraph_properties(paragraph), "keepNext", PARAGRAPH_PROPERTIES)
                    keep.attrib.pop(w("val"), None)  # on


def signature_tables(body: etree._Element) -> list[etree._Element]:
    """The tables that hold the signatures two by two (layout.lua): their first paragraph has
    the Signatur style."""
    found = []
    for table in body.iterchildren(w("tbl")):
        style = table.find(f".//{w('p')}/{w('pPr')}/{w('pStyle')}")
        if style is not None and style.get(w("val")) == SIGNATURE_STYLE:
            found.append(table)
    return found


def _without_lines(table: etree._Element) -> None:
    """No rules in a table of signatures, and the text of its first column flush with the
    margin: the lines to sign on are the only lines on the page, as in the PDF."""
    properties = table.find(w("tblPr"))
    borders = _child(properties, "tblBorders", TABLE_PROPERTIES)
    borders.clear()
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _set(etree.SubElement(borders, w(side)), val="nil")
    margins = _child(properties, "tblCellMar", TABLE_PROPERTIES)
    margins.clear()
    for side, width in (("top", 0), ("left", 0), ("bottom", 0), ("right", SIGNATURE_GUTTER)):
        _set(etree.SubElement(margins, w(side)), w=str(width), type="dxa")


def _frame_references(document: etree._Element, settings: etree._Element, header: str, footer: str) -> None:
    """The section shows our header and footer on every page (its references come first). A
    first-page or even-page header that a reference document might bring is dropped, so no page
    goes without the status and the page numbers."""
    section = document.find(f"{w('body')}/{w('sectPr')}")
    for name in ("footerReference", "headerReference", "titlePg"):
        for old in section.findall(w(name)):
            section.remove(old)
    for old in settings.findall(w("evenAndOddHeaders")):
        settings.remove(old)
    for position, (kind, target) in enumerate((("headerReference", header), ("footerReference", footer))):
        reference = etree.Element(w(kind))
        reference.set(w("type"), "default")
        reference.set(f"{{{R}}}id", target)
        section.insert(position, reference)


def _default_language(styles: etree._Element, language: str) -> None:
    """The language of all text that sets none itself: the defaults under every style."""
    defaults = _child(styles, "docDefaults", ("docDefaults", "latentStyles", "style"))
    run_defaults = _child(defaults, "rPrDefault", ("rPrDefault", "pPrDefault"))
    properties = _child(run_defaults, "rPr")
    _set(_child(properties, "lang", ("lang", *AFTER_LANGUAGE)), val=language)


def _theme_language(settings: etree._Element, language: str) -> None:
    theme_language = settings.find(w("themeFontLang"))
    if theme_language is not None:
        theme_language.set(w("val"), language)


# styles.xml as pandoc wrote it and the language -> styles.xml with that default language. Pandoc
# writes the same styles for every agreement in a language (its reference document's), and a
# render worker finishes agreement after agreement: parsing and writing 30 kB of styles again was
# a quarter of finishing a DOCX.
_STYLES: dict[tuple[bytes, str], bytes] = {}


def _styles_in(xml: bytes, language: str) -> bytes:
    key = (xml, language)
    if key not in _STYLES:
        if len(_STYLES) >= 8:  # a reference document changed while the live preview runs
            _STYLES.clear()
        styles = _parse(xml)
        _default_language(styles, language)
        _STYLES[key] = _serialize(styles)
    return _STYLES[key]


def _core_properties(core: etree._Element, frame: DocxFrame, stamp: int) -> None:
    when = dt.datetime.fromtimestamp(stamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, value in (
        ("dc:title", frame.title),
        ("dc:creator", frame.author),
        ("dc:language", frame.language),
        ("dcterms:created", when),
        ("dcterms:modified", when),
    ):
        prefix, local = name.split(":")
        tag = f"{{{CORE[prefix]}}}{local}"
        element = core.find(tag)
        if element is None:
            element = etree.SubElement(core, tag)
        element.text = value
        if prefix == "dcterms":
            element.set(f"{{{CORE['xsi']}}}type", "dcterms:W3CDTF")


def _add_parts(relationships: etree._Element, types: etree._Element, parts: dict[str, str]) -> dict[str, str]:
    """Name each new part (`kind` -> file under word/) in the document's relationships and the
    package's content types; returns each kind's relationship id."""
    taken = {r.get("Id") for r in relationships}
    ids = {}
    for kind, name in parts.items():
        number = 1
        while f"rIdFrame{number}" in taken:
            number += 1
        ids[kind] = f"rIdFrame{number}"
        taken.add(ids[kind])
        relationship = etree.SubElement(relationships, f"{{{PACKAGE_RELATIONSHIPS}}}Relationship")
        relationship.set("Id", ids[kind])
        relationship.set("Type", f"{R}/{kind}")
        relationship.set("Target", name)
        override = etree.SubElement(types, f"{{{CONTENT_TYPES}}}Override")
        override.set("PartName", f"/word/{name}")
        override.set("ContentType", PART_TYPE.format(kind))
    return ids


def _free_name(parts: dict[str, bytes], kind: str) -> str:
    """header1.xml, as Word names it, unless the reference document brought one."""
    number = 1
    while f"word/{kind}{number}.xml" in parts:
        number += 1
    return f"{kind}{number}.xml"


def finish_docx(data: bytes, frame: DocxFrame, stamp: int) -> bytes:
    parts = read_parts(data)
    document = _parse(parts["word/document.xml"])
    body = document.find(w("body"))
    width = _text_width(body.find(w("sectPr")))
    names = {kind: _free_name(parts, kind) for kind in ("header", "footer")}
    relationships = _parse(parts["word/_rels/document.xml.rels"])
    types = _parse(parts["[Content_Types].xml"])
    ids = _add_parts(relationships, types, names)
    settings = _parse(parts["word/settings.xml"])
    _frame_references(document, settings, ids["header"], ids["footer"])
    for paragraph in unnumbered_headings(body):
        _no_number(paragraph)
    keep_tables_together(body)
    if frame.kind:
        kind_line(body, frame, width)
    for table in signature_tables(body):
        _without_lines(table)
    _theme_language(settings, frame.language)
    core = _parse(parts["docProps/core.xml"])
    _core_properties(core, frame, stamp)
    changed = {
        "[Content_Types].xml": types,
        "word/document.xml": document,
        "word/_rels/document.xml.rels": relationships,
        "word/settings.xml": settings,
        "docProps/core.xml": core,
    }
    parts.update({name: _serialize(root) for name, root in changed.items()})
    parts["word/styles.xml"] = _styles_in(parts["word/styles.xml"], frame.language)
    parts[f"word/{names['header']}"] = header_part(frame, width)
    parts[f"word/{names['footer']}"] = footer_part(frame, width)
    return write_parts(parts, stamp)


def read_parts(data: bytes) -> dict[str, bytes]:
    """Each entry of a zip archive by its name, in the archive's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return {item.filename: source.read(item) for item in source.infolist()}


def fixed_zip(data: bytes, stamp: int) -> bytes:
    """The same archive with every entry dated `stamp`, in the original order."""
    return write_parts(read_parts(data), stamp)


def write_parts(parts: dict[str, bytes], stamp: int) -> bytes:
    """The parts as a zip archive, in the given order, every entry dated `stamp`."""
    # A zip date lies between 1980 and 2107; a later agreement's entries are dated 31.12.2107.
    when = dt.datetime.fromtimestamp(min(max(stamp, 315532800), 4354732800), dt.UTC).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever it is built: the same bytes on every system
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return out.getvalue()
