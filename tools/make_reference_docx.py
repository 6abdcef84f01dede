"""Regenerate templates/reference.docx: pandoc's default reference document, made to look like
the PDF. Pandoc takes the styles, the numbering definitions, the font table and the theme from it.

- A4 paper with the PDF's margins.
- IBM Plex Sans (partnerskab/fonts.py) in every style that names a font, 10.5 pt body text;
  the font table tells Word to show Arial where Plex is not installed.
- Headings bold in the accent colour, numbered by Word itself: one outline list («1», «1.1»,
  «1.1.1») in numbering.xml, linked from the heading styles. Pandoc keeps a reference
  document's numbering definitions below its own ids (abstractNum 990, num 1000 and up) when it
  adds those for the lists, so the list is defined here, with id HEADING_NUMBERING.
- The table style pandoc uses («Table») with the PDF's rules: a line under the bold header row
  on a light fill, and light grey lines between the rows.
- The paragraph styles that templates/pandoc/layout.lua assigns through custom-style (Signatur,
  Underskriftslinje, Mellemrubrik, Statusmarkering), and the header and footer styles that
  partnerskab/docx.py writes into.

Run with `make reference-docx` after changing anything here. The file is zipped with fixed
timestamps so that it, and every DOCX built from it, is the same on every build.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from partnerskab.docx import HEADING_NUMBERING, fixed_zip
from partnerskab.fonts import FACES, FALLBACK_WORD, FAMILY

OUT = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"

# The palette of the PDF and the HTML.
ACCENT = "0B4F6C"  # headings, title
INK = "1B1B1B"  # text
MUTED = "555555"  # subtitle, running header and footer, captions
RULE = "C8C8C8"  # lines between table rows, under the running header
HEADER_FILL = "EAF1F5"  # a table's header row
STATUS = "A01C1C"  # the draft mark

BODY_SIZE = Pt(10.5)
# Paragraph styles: (size, bold, colour, space before, space after). Headings as in the PDF.
TEXT_STYLES = {
    "Title": (Pt(22), True, ACCENT, Pt(0), Pt(4)),
    "Subtitle": (Pt(12), False, MUTED, Pt(0), Pt(14)),
    "Heading 1": (Pt(15), True, ACCENT, Pt(18), Pt(4)),
    "Heading 2": (Pt(12), True, ACCENT, Pt(12), Pt(2)),
    "Heading 3": (BODY_SIZE, True, ACCENT, Pt(10), Pt(2)),
}
# The body styles pandoc writes: Normal, and those based on it.
BODY_STYLES = ("Normal", "Body Text", "First Paragraph", "Compact")
HEADING_LEVELS = ("Heading 1", "Heading 2", "Heading 3")
NUMBER_INDENT = 567  # twips (1 cm): where a numbered heading's text starts, after «12» or «2.1»


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour)


def set_fonts(rpr) -> None:
    """rFonts naming IBM Plex Sans for every script, without theme fonts (which would win)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FAMILY)


def style_rpr(style):
    return style.element.get_or_add_rPr()


def doc_defaults(styles_element) -> None:
    """The defaults under every style: IBM Plex Sans 10.5 pt in the ink colour."""
    rpr = styles_element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_fonts(rpr)
    half_points = str(int(BODY_SIZE.pt * 2))
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), half_points)


def os2_metrics(ttf: Path) -> tuple[str, list[str]]:
    """The panose and the Unicode and code-page ranges of a TrueType font, from its OS/2 table,
    as Word writes them in a font table (hex digits)."""
    data = ttf.read_bytes()
    (count,) = struct.unpack(">H", data[4:6])
    for index in range(count):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * index : 28 + 16 * index])
        if tag == b"OS/2":
            break
    else:
        raise ValueError(f"{ttf} has no OS/2 table")
    panose = data[offset + 32 : offset + 42].hex().upper()
    unicode = struct.unpack(">4I", data[offset + 42 : offset + 58])
    codepages = struct.unpack(">2I", data[offset + 78 : offset + 86])
    return panose, [f"{value:08X}" for value in (*unicode, *codepages)]


def font_table_entry() -> bytes:
    panose, sig = os2_metrics(FACES / "IBMPlexSans-Regular.ttf")
    usb, csb = sig[:4], sig[4:]
    return (
        f'<w:font {nsdecls("w")} w:name="{FAMILY}">'
        f'<w:altName w:val="{FALLBACK_WORD}"/>'
        f'<w:panose1 w:val="{panose}"/>'
        '<w:charset w:val="00"/>'
        '<w:family w:val="swiss"/>'
        '<w:pitch w:val="variable"/>'
        f'<w:sig w:usb0="{usb[0]}" w:usb1="{usb[1]}" w:usb2="{usb[2]}" w:usb3="{usb[3]}"'
        f' w:csb0="{csb[0]}" w:csb1="{csb[1]}"/>'
        "</w:font>"
    ).encode()


def font_table(part) -> None:
    """IBM Plex Sans first in word/fontTable.xml, with Arial as Word's stand-in for it."""
    fonts = etree.fromstring(part.blob)
    for old in fonts.findall(qn("w:font")):
        if old.get(qn("w:name")) == FAMILY:
            fonts.remove(old)
    fonts.insert(0, etree.fromstring(font_table_entry()))
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def theme_fonts(part) -> None:
    """The theme's fonts are IBM Plex Sans too, for text a person adds in Word's own styles."""
    theme = etree.fromstring(part.blob)
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    panose, _ = os2_metrics(FACES / "IBMPlexSans-Regular.ttf")
    for latin in theme.iter(f"{a}latin"):
        if latin.getparent().tag in (f"{a}majorFont", f"{a}minorFont"):
            latin.set("typeface", FAMILY)
            latin.set("panose", panose)
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def heading_numbering(numbering) -> None:
    """One multilevel list for the headings: «1», «1.1», «1.1.1»; levels 1-3 linked to the
    heading styles (pStyle), which in turn name the list (numPr)."""
    levels = []
    for level in range(9):
        text = ".".join(f"%{n}" for n in range(1, level + 2))
        style = f'<w:pStyle w:val="Heading{level + 1}"/>' if level < len(HEADING_LEVELS) else ""
        levels.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>{style}'
            f'<w:suff w:val="tab"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{NUMBER_INDENT}"/></w:tabs>'
            f'<w:ind w:left="{NUMBER_INDENT}" w:hanging="{NUMBER_INDENT}"/></w:pPr></w:lvl>'
        )
    number = HEADING_NUMBERING
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number}"><w:nsid w:val="5041{number:04X}"/>'
        f'<w:multiLevelType w:val="multilevel"/><w:name w:val="Afsnitsnumre"/>{"".join(levels)}'
        "</w:abstractNum>"
    )
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(num)


def number_heading(style, level: int) -> None:
    ppr = style.element.get_or_add_pPr()
    numpr = ppr.get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = HEADING_NUMBERING


def table_style(style) -> None:
    """Pandoc's «Table»: a line under the bold header row on a light fill, light grey lines
    between the rows and under the last one, and room inside the cells."""
    element = style.element
    for old in element.findall(qn("w:tblPr")) + element.findall(qn("w:tblStylePr")):
        element.remove(old)
    rpr = style_rpr(style)
    set_fonts(rpr)
    element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}>"
            '<w:tblInd w:w="0" w:type="dxa"/>'
            "<w:tblBorders>"
            f'<w:bottom w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>'
            f'<w:insideH w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>'
            "</w:tblBorders>"
            "<w:tblCellMar>"
            '<w:top w:w="57" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
            '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="100" w:type="dxa"/>'
            "</w:tblCellMar>"
            "</w:tblPr>"
        )
    )
    element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow">'
            "<w:rPr><w:b/><w:bCs/></w:rPr>"
            "<w:tcPr><w:tcBorders>"
            f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{ACCENT}"/>'
            "</w:tcBorders>"
            f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>'
            '<w:vAlign w:val="bottom"/></w:tcPr>'
            "</w:tblStylePr>"
        )
    )


def paragraph_border(style, side: str, size: int, colour: str, space: int) -> None:
    """A line on one side of the paragraphs in a style (pBdr), e.g. under the running header."""
    ppr = style.element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # pBdr comes after keepNext ... numPr and before shd, tabs, spacing, ind, jc.
        later = [ppr.find(qn(t)) for t in ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:outlineLvl")]
        later = [e for e in later if e is not None]
        if later:
            later[0].addprevious(borders)
        else:
            ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", str(size)),
        ("w:space", str(space)),
        ("w:color", colour),
    ):
        line.set(qn(key), value)
    borders.append(line)


def paragraph_shading(style, fill: str) -> None:
    """A background colour for the paragraphs in a style (shd, after pBdr in pPr)."""
    ppr = style.element.get_or_add_pPr()
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    later = [ppr.find(qn(t)) for t in ("w:tabs", "w:spacing", "w:ind", "w:jc", "w:outlineLvl")]
    later = [e for e in later if e is not None]
    if later:
        later[0].addprevious(shading)
    else:
        ppr.append(shading)


def paragraph_style(styles, name: str, base: str = "Normal"):
    names = [s.name for s in styles]
    style = styles[name] if name in names else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    return style


def builtin_paragraph_style(styles, style_id: str, name: str):
    """One of Word's own paragraph styles (like «header», id Header, which python-docx's
    running header names), added when pandoc's reference document lacks it."""
    found = [s for s in styles.element.findall(qn("w:style")) if s.get(qn("w:styleId")) == style_id]
    if not found:
        styles.element.append(
            parse_xml(
                f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="{style_id}">'
                f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/>'
                '<w:uiPriority w:val="99"/><w:unhideWhenUsed/></w:style>'
            )
        )
    return styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH)


def font_size(style, size: Pt) -> None:
    """The size for all scripts: w:sz and w:szCs (complex scripts) alike."""
    style.font.size = size
    rpr = style.element.get_or_add_rPr()
    complex_size = rpr.find(qn("w:szCs"))
    if complex_size is None:
        complex_size = OxmlElement("w:szCs")
        rpr.find(qn("w:sz")).addnext(complex_size)
    complex_size.set(qn("w:val"), str(int(size.pt * 2)))


def reference() -> bytes:
    """The reference document's bytes: the same on every run."""
    default = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        check=True,
        capture_output=True,
    ).stdout
    document = Document(io.BytesIO(default))
    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.4)
        section.top_margin, section.bottom_margin = Cm(2.6), Cm(2.4)
        section.header_distance = section.footer_distance = Cm(1.2)
    styles = document.styles
    doc_defaults(styles.element)

    # Every style that names a font names IBM Plex Sans; code keeps its monospaced font.
    for style in styles.element.findall(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        if (
            rpr is not None
            and rpr.find(qn("w:rFonts")) is not None
            and style.get(qn("w:styleId")) != "VerbatimChar"
        ):
            set_fonts(rpr)

    for name in BODY_STYLES:
        style = styles[name]
        set_fonts(style_rpr(style))
        font_size(style, BODY_SIZE)
    styles["Normal"].font.color.rgb = _rgb(INK)
    body = styles["Body Text"].paragraph_format
    body.space_before, body.space_after = Pt(4), Pt(4)  # 8 pt between paragraphs, 4 pt after a table
    body.line_spacing = 1.1

    for name, (size, bold, colour, before, after) in TEXT_STYLES.items():
        style = styles[name]
        set_fonts(style_rpr(style))
        font_size(style, size)
        style.font.bold = bold
        style.font.color.rgb = _rgb(colour)
        style.paragraph_format.space_before, style.paragraph_format.space_after = before, after
    for name in ("Title", "Subtitle"):
        ppr = styles[name].element.get_or_add_pPr()
        ppr._remove_numPr()  # pandoc's Subtitle carries a stray list level
        for spacing in styles[name].element.get_or_add_rPr().findall(qn("w:spacing")):
            spacing.getparent().remove(spacing)  # and letter-spacing
        styles[name].paragraph_format.alignment = 0  # left, like the PDF's title block
    for level, name in enumerate(HEADING_LEVELS):
        style = styles[name]
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.keep_together = True
        number_heading(style, level)
    # The character styles Word pairs with them («Heading 1 Char», ...) look the same.
    for name in ("Title", "Subtitle", *HEADING_LEVELS):
        char_name = f"{name} Char"
        if char_name in [s.name for s in styles]:
            char = styles[char_name]
            set_fonts(style_rpr(char))
            size, bold, colour, _, _ = TEXT_STYLES[name]
            font_size(char, size)
            char.font.bold, char.font.color.rgb = bold, _rgb(colour)
    heading_numbering(document.part.numbering_part.element)

    table = styles["Table"]
    table_style(table)
    for style_id in ("Caption", "TableCaption", "ImageCaption"):
        caption = styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH)
        set_fonts(style_rpr(caption))
        font_size(caption, Pt(9))
        caption.font.color.rgb = _rgb(MUTED)
    styles["Hyperlink"].font.color.rgb = _rgb(ACCENT)

    # The running header and footer that partnerskab/docx.py writes: 9 pt, muted, a thin
    # line under the header as in the PDF.
    for style_id in ("Header", "Footer"):
        style = builtin_paragraph_style(styles, style_id, style_id.lower())
        set_fonts(style_rpr(style))
        font_size(style, Pt(9))
        style.font.color.rgb = _rgb(MUTED)
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
    paragraph_border(styles.get_by_id("Header", WD_STYLE_TYPE.PARAGRAPH), "bottom", 4, RULE, 4)

    # Paragraph styles that templates/pandoc/layout.lua assigns through custom-style.
    signature = paragraph_style(styles, "Signatur")
    set_fonts(style_rpr(signature))
    signature.paragraph_format.keep_with_next = True  # a signature block never splits across pages
    signature.paragraph_format.keep_together = True
    signature.paragraph_format.space_before = Pt(6)
    signature.paragraph_format.space_after = Pt(0)
    line = paragraph_style(styles, "Underskriftslinje")
    set_fonts(style_rpr(line))
    line.paragraph_format.space_before = Cm(2.8)  # room for a hand-written signature above the line
    line.paragraph_format.space_after = Pt(18)
    line.paragraph_format.keep_together = True
    line.paragraph_format.keep_with_next = True  # and the signature blocks stay on one page together
    runin = paragraph_style(styles, "Mellemrubrik")  # a run-in label: «Metoder», «Forventninger»
    set_fonts(style_rpr(runin))
    runin.font.bold = True
    runin.paragraph_format.keep_with_next = True
    runin.paragraph_format.space_before, runin.paragraph_format.space_after = Pt(6), Pt(2)
    status = paragraph_style(styles, "Statusmarkering")
    set_fonts(style_rpr(status))
    font_size(status, Pt(12))
    status.font.color.rgb = _rgb(STATUS)
    status.paragraph_format.space_after = Pt(12)
    status.paragraph_format.left_indent = Cm(0.3)
    paragraph_border(status, "left", 24, "5A5A5A", 6)  # a bar at the left, as in the PDF
    # The box under the title with status, period and case numbers, as in the PDF.
    meta = paragraph_style(styles, "Aftaleoplysninger")
    set_fonts(style_rpr(meta))
    meta.paragraph_format.space_before, meta.paragraph_format.space_after = Pt(6), Pt(12)
    meta.paragraph_format.left_indent = Cm(0.3)
    paragraph_border(meta, "left", 24, ACCENT, 6)
    paragraph_shading(meta, HEADER_FILL)
    # The first line, above the title (partnerskab/docx.py writes it): the kind of document and
    # the version over a rule in the accent colour.
    kind = paragraph_style(styles, "Dokumenttype")
    set_fonts(style_rpr(kind))
    font_size(kind, Pt(9))
    kind.paragraph_format.space_before, kind.paragraph_format.space_after = Pt(0), Pt(10)
    kind.paragraph_format.keep_with_next = True
    paragraph_border(kind, "bottom", 10, ACCENT, 3)

    for rel in document.part.rels.values():
        if rel.reltype == RT.FONT_TABLE:
            font_table(rel.target_part)
        elif rel.reltype == RT.THEME:
            theme_fonts(rel.target_part)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), 0)  # every entry dated 1980-01-01


def main() -> int:
    OUT.write_bytes(reference())
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
