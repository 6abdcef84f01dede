"""The typeface of every document: IBM Plex Sans, the typeface of the Danish public sector's
common design system (Det Fælles Designsystem), under the SIL Open Font License 1.1.

The font files are shipped in fonts/ibm-plex-sans/ (from the npm package @ibm/plex-sans 1.1.0,
Plex Sans 3.005; the TrueType files are its WOFF2 files unpacked with fontTools), so a build
needs no system fonts and gives the same bytes everywhere. Text in Arabic script (a name, an
association's own name) is set in IBM Plex Sans Arabic, regular and bold, from
fonts/ibm-plex-sans-arabic/ (the npm package @ibm/plex-sans-arabic 1.1.0, unpacked the same
way); before, Typst fell back to its monospaced DejaVu Sans Mono, which drew the letters
unjoined. The PDF template names it after IBM Plex Sans, which has no Arabic, so no other text
changes font.
- the PDF embeds them (Typst reads FONT_DIR, never the system's fonts);
- the DOCX names the family in its styles, with FALLBACK_WORD where Word lacks it;
- the HTML loads the WOFF2 files as web fonts from a fonts/ folder beside the pages.
"""

from __future__ import annotations

from pathlib import Path

FAMILY = "IBM Plex Sans"
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FACES = FONT_DIR / "ibm-plex-sans"
ARABIC_FACES = FONT_DIR / "ibm-plex-sans-arabic"
# Word shows this where IBM Plex Sans is not installed (it ships with every Windows and Mac).
FALLBACK_WORD = "Arial"
# The web fonts a page loads: (file, weight, style).
WEB_FONTS = (
    ("IBMPlexSans-Regular.woff2", 400, "normal"),
    ("IBMPlexSans-Italic.woff2", 400, "italic"),
    ("IBMPlexSans-Bold.woff2", 700, "normal"),
    ("IBMPlexSans-BoldItalic.woff2", 700, "italic"),
)
LICENCE = FACES / "OFL.txt"


def font_paths() -> list[str]:
    """For typst.compile(font_paths=...): only our own fonts, besides those inside Typst."""
    return [str(FACES), str(ARABIC_FACES)]


def fontconfig_file(folder: Path) -> Path:
    """A fontconfig file that adds the shipped typeface to the system's fonts, for a program
    that finds fonts through fontconfig (LibreOffice, Chromium): set FONTCONFIG_FILE to it.
    The TrueType files are copied into `folder` so that only they, not the web fonts, are added."""
    from xml.sax.saxutils import escape

    fonts = folder / "fonts"
    fonts.mkdir(parents=True, exist_ok=True)
    for face in FACES.glob("*.ttf"):
        (fonts / face.name).write_bytes(face.read_bytes())
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        '<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{escape(str(fonts))}</dir>"
        f"<cachedir>{escape(str(folder / 'fontcache'))}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return config
