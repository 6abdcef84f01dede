"""Regenerate templates/reference.docx: pandoc's default reference document on A4 paper.

Run with `make reference-docx` after changing the page set-up here. The file is zipped with
fixed timestamps so that it, and every DOCX built from it, is the same on every build.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Cm, Pt, RGBColor

from partnerskab.docx import fixed_zip

OUT = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"


def main() -> int:
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
    styles = document.styles
    for name in ("Normal", "Body Text", "First Paragraph", "Compact"):
        if name in [s.name for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH]:
            styles[name].font.name = "Calibri"
            styles[name].font.size = Pt(11)
    for name, size in (("Title", 24), ("Subtitle", 14), ("Heading 1", 16), ("Heading 2", 13)):
        style = styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x0B, 0x4F, 0x6C)
    # Paragraph styles that templates/pandoc/layout.lua assigns through custom-style.
    signature = styles.add_style("Signatur", WD_STYLE_TYPE.PARAGRAPH)
    signature.base_style = styles["Normal"]
    signature.paragraph_format.keep_with_next = True  # a signature block never splits across pages
    signature.paragraph_format.keep_together = True
    signature.paragraph_format.space_before = Pt(6)
    status = styles.add_style("Statusmarkering", WD_STYLE_TYPE.PARAGRAPH)
    status.base_style = styles["Normal"]
    status.font.size = Pt(12)
    status.font.color.rgb = RGBColor(0xA0, 0x1C, 0x1C)
    status.paragraph_format.space_after = Pt(12)
    buffer = io.BytesIO()
    document.save(buffer)
    OUT.write_bytes(fixed_zip(buffer.getvalue(), 0))  # every entry dated 1980-01-01
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
