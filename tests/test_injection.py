"""No value can change a document's structure: hostile text comes out as literal text."""

from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from partnerskab.markdown import escape, prose

from .conftest import FJORDBY, agreements_folder, poppler, run_cli, seal_if_signed

HOSTILE_NAME = "Evil <script>alert(1)</script> #set page(fill: red) $x$ @ref <lbl> {{ 7*7 }} \\LaTeX{}"
HOSTILE_PROSE = (
    "# Ny overskrift\\n\\n---\\ntitle: hacked\\n---\\n\\n"
    "```{=typst}\\n#set page(fill: red)\\n```\\n\\n"
    "<script>alert('x')</script>\\n\\n"
    "![billede](/etc/passwd)\\n\\n"
    "[klik](javascript:alert(1)) og [godt link](https://example.org/a) og *kursiv*"
)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    folder = agreements_folder(tmp_path_factory.mktemp("hostile"))
    text = FJORDBY.read_text(encoding="utf-8")
    text = text.replace(
        "name: Familiestøtten Fjordby", f"name: '{HOSTILE_NAME}'"
    )  # single quotes: no YAML escapes
    text = text.replace(
        "  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til.",
        f'  vision: "{HOSTILE_PROSE}"',
    )
    path = folder / "ond.yaml"
    path.write_text(text, encoding="utf-8")
    seal_if_signed(path)
    result = run_cli("build", str(path), "--out", str(folder / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "out"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_html_has_no_script_no_javascript_link_and_no_user_heading(hostile_build):
    soup = BeautifulSoup((hostile_build / "ond.html").read_bytes(), "html5lib")
    assert soup.find("script") is None
    # the only images are the partners' logos, embedded by us
    assert [img["alt"] for img in soup.find_all("img")] == [
        "Fjordby Kommunes logo",
        "Familiestøtten Fjordbys logo",
    ]
    assert all(img["src"].startswith("data:image/png;base64,") for img in soup.find_all("img"))
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert "https://example.org/a" in hrefs
    assert not any(h.lower().startswith("javascript") for h in hrefs)
    headings = [h.get_text(" ", strip=True) for h in soup.find_all(re.compile("^h[1-6]$"))]
    assert not any("Ny overskrift" in h for h in headings)
    text = soup.get_text(" ")
    assert "<script>alert(1)</script>" in text
    assert "# Ny overskrift" in text and "#set page(fill: red)" in text and "{{ 7*7 }}" in text
    assert HOSTILE_NAME in _flat(text)
    assert soup.title.get_text() == "Frivillig familiestøtte i Fjordby"


def test_docx_shows_the_literal_text(hostile_build):
    document = Document(str(hostile_build / "ond.docx"))
    body = "\n".join(p.text for p in document.paragraphs)
    assert HOSTILE_NAME in body
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert not any("Ny overskrift" in h for h in headings)


def test_pdf_shows_the_literal_text_and_is_not_restyled(hostile_build):
    reader = PdfReader(hostile_build / "ond.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "#set page(fill: red)" in text
    assert "<script>alert(1)</script>" in text
    assert "$x$" in text and "@ref" in text and "\\LaTeX{}" in text
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert not any("Ny overskrift" in t for t in outline)


def test_a_long_address_in_a_table_cell_stays_literal_where_it_may_break(tmp_path):
    """layout.lua splits a long address in a table cell into parts with room to break between
    them (before ".", "@", "/", "_"); each part is still text that pandoc escapes, so Typst
    markup in such a word is shown, not run: a comment after "//", a label, a reference, code."""
    token = "evil@#set_page(fill:red)/$x$.//kommentar_<lbl>.@ref/#read(/etc/passwd).example"
    text = FJORDBY.read_text(encoding="utf-8").replace("status: signed", "status: draft")
    text, count = re.subn(r"(\n\s+indicator: )[^\n]+", rf"\g<1>'{token}'", text, count=1)
    assert count == 1
    path = agreements_folder(tmp_path) / "adresse.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("build", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = tmp_path / "out" / "adresse.pdf"
    raw = subprocess.run([poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True).stdout
    assert token not in raw and token in raw.replace("\n", "")  # broken in the cell, and all there
    assert "root:" not in raw
    drawn = PdfReader(pdf).pages[0].get_contents().get_data().decode("latin-1")
    assert "1 0 0 rg" not in drawn and "1 0 0 sc" not in drawn  # no red page


@pytest.mark.parametrize(
    "value",
    ["# x", "- x", "1. x", "> x", "| a | b |", "::: x", "<b>x</b>", "[a](b)", "`x`", "$x$", "x\n===", "***"],
)
def test_escape_makes_every_markdown_construct_literal(value):
    escaped = escape(value)
    assert "\n" not in escaped
    # every character is a letter, a digit, a space, harmless punctuation, or escaped
    assert all(ch.isalnum() or ch in " ,;?/%\\" or escaped[i - 1] == "\\" for i, ch in enumerate(escaped))


def test_prose_keeps_the_subset_and_nothing_else():
    out = prose(
        "Et *ord* og **to** og [link](https://a.dk) og [ond](javascript:x)\n\n- en\n- to\n\n# ikke overskrift"
    )
    assert "*ord*" in out and "**to**" in out and "[link](https://a.dk)" in out
    assert "](javascript" not in out and "\\[ond\\]\\(javascript" in out
    assert "\n- en\n- to\n" in out
    assert "\n\\# ikke overskrift" in out


@pytest.mark.parametrize(
    "written, expected",
    [
        # A date at the start of a paragraph is text, not a numbered list of one item.
        (
            "1. marts 2027 starter vi op.\nDet bliver godt.",
            "1\\. marts 2027 starter vi op\\. Det bliver godt\\.",
        ),
        ("15. okt. holder vi møde.", "15\\. okt\\. holder vi møde\\."),
        ("Vi starter\n1. marts", "Vi starter 1\\. marts"),
        # Numbered lines that a list would renumber keep their numbers, each on its own line.
        (
            "1. kvartal: opstart\n3. kvartal: evaluering",
            "1\\. kvartal\\: opstart\n\n3\\. kvartal\\: evaluering",
        ),
        # A list numbered in order stays a list, from its first number.
        ("1. en\n2. to\n3. tre", "1. en\n2. to\n3. tre"),
        ("3. tre\n4. fire", "3. tre\n4. fire"),
        ("1) en\n2) to", "1. en\n2. to"),
        # Names that are also months («Jan», «Maj») are names: a month is written in small letters.
        ("1. Anne Berg\n2. Jan Holm\n3. Lise Ravn", "1. Anne Berg\n2. Jan Holm\n3. Lise Ravn"),
        ("1. Maj Andersen\n2. Peter Jensen", "1. Maj Andersen\n2. Peter Jensen"),
        # Dates one under another: each its own line.
        (
            "1. marts 2027: første rate\n15. juni 2027: anden rate",
            "1\\. marts 2027\\: første rate\n\n15\\. juni 2027\\: anden rate",
        ),
        ("Rater:\n1. marts 2027: første", "Rater\\:\n\n1\\. marts 2027\\: første"),
    ],
)
def test_numbered_lines_never_change_their_numbers(written, expected):
    """A list renumbers its items from the first: «15. april» as a list item after «1. marts»
    was shown as «2. april», and «1. marts 2027 …» alone became a list."""
    assert prose(written) == expected


def test_a_date_that_starts_a_paragraph_is_shown_as_written(tmp_path):
    text = FJORDBY.read_text(encoding="utf-8").replace("status: signed", "status: draft")
    vision = "  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til."
    written = "1. marts 2027 starter vi op.\n\n    1. kvartal: opstart\n    3. kvartal: evaluering"
    text = text.replace(vision, f"  vision: |-\n    {written}")
    path = agreements_folder(tmp_path) / "datoer.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("build", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    html = BeautifulSoup((tmp_path / "out" / "datoer.html").read_bytes(), "html5lib")
    after = html.find("h3", id="vision").find_next_siblings()
    section = after[: next(i for i, tag in enumerate(after) if tag.name.startswith("h"))]
    assert [_flat(tag.get_text()).strip() for tag in section] == [
        "1. marts 2027 starter vi op.",
        "1. kvartal: opstart",
        "3. kvartal: evaluering",
    ]
    assert [tag.name for tag in section] == ["p", "p", "p"]  # no list
    pdf = _flat(" ".join(page.extract_text() for page in PdfReader(tmp_path / "out" / "datoer.pdf").pages))
    assert "1. marts 2027 starter vi op. 1. kvartal: opstart 3. kvartal: evaluering" in pdf


@pytest.mark.parametrize(
    "written, expected",
    [
        # One-letter emphasis ends at its own closing mark, not at a later one.
        ("Vi gør *A* **altid**, og *B* *C*.", "Vi gør *A* **altid**, og *B* *C*\\."),
        ("*A* *B*", "*A* *B*"),
        ("**a***b*", "**a***b*"),
        # In a link's text a web address is text: no link inside the link, no angle brackets.
        ("[se https://a.dk](https://b.dk)", "[se https\\://a\\.dk](https://b.dk)"),
        ("[<https://e.f>](https://e.f)", "[\\<https\\://e\\.f\\>](https://e.f)"),
        # Marks alone are text: three stars are not an emphasised star.
        ("Kode: *** og", "Kode\\: \\*\\*\\* og"),
        ("__ og ___", "\\_\\_ og \\_\\_\\_"),
        # A quotation mark after a bare address is not part of it, typographic or straight.
        ("Se »https://a.dk/x« her", "Se »<https://a.dk/x>« her"),
        ("Se «https://a.dk/x» her", "Se «<https://a.dk/x>» her"),
        ("“https://a.dk/x”", "“<https://a.dk/x>”"),
        ("'https://a.dk/x'", "\\'<https://a.dk/x>\\'"),
    ],
)
def test_prose_marks_end_where_they_are_closed(written, expected):
    assert prose(written) == expected


def test_one_letter_emphasis_and_an_address_in_a_link_read_as_written(tmp_path):
    text = FJORDBY.read_text(encoding="utf-8")
    vision = re.search(r"^  vision: .*$", text, flags=re.M).group()
    written = "Vi gør *A* **altid**, og *B* *C*. Læs [se https://a.dk](https://b.dk)."
    written += ' Se "https://c.dk/unge" her.'
    path = agreements_folder(tmp_path) / "markering.yaml"
    path.write_text(text.replace(vision, f"  vision: '{written}'", 1), encoding="utf-8")
    seal_if_signed(path)
    assert run_cli("build", str(path), "--out", str(tmp_path)).returncode == 0
    soup = BeautifulSoup((tmp_path / "markering.html").read_text(encoding="utf-8"), "html.parser")
    paragraph = next(p for p in soup.find_all("p") if "Vi gør" in p.get_text())
    assert [e.get_text() for e in paragraph.find_all("em")] == ["A", "B", "C"]
    assert [e.get_text() for e in paragraph.find_all("strong")] == ["altid"]
    assert [(a.get_text(), a["href"]) for a in paragraph.find_all("a")] == [
        ("se https://a.dk", "https://b.dk"),
        ("https://c.dk/unge", "https://c.dk/unge"),  # the closing » is not part of the address
    ]
    pdf_text = _flat(" ".join(page.extract_text() for page in PdfReader(tmp_path / "markering.pdf").pages))
    assert "Vi gør A altid, og B C. Læs se https://a.dk." in pdf_text and "*" not in pdf_text


LINE_STARTS = ["- a", "+ b", "= c", "/ d: e", "1. f"]


def test_typst_line_start_markers_stay_literal_in_lists_and_tables(tmp_path):
    """Pandoc's Typst writer leaves these unescaped at the start of list items and table cells."""
    text = FJORDBY.read_text(encoding="utf-8")
    values = "".join(f"  - '{v}'\n" for v in LINE_STARTS)
    text = text.replace("values:\n  - Vi møder familierne som ligeværdige.\n", f"values:\n{values}")
    text = text.replace(
        "    - item: Kurser og supervision af frivillige\n      amount: 45000",
        "    - item: '- Kurser'\n      amount: 45000",
    )
    path = agreements_folder(tmp_path) / "linjestart.yaml"
    path.write_text(text, encoding="utf-8")
    seal_if_signed(path)
    assert run_cli("build", str(path), "--out", str(tmp_path)).returncode == 0
    pdf_text = _flat(" ".join(page.extract_text() for page in PdfReader(tmp_path / "linjestart.pdf").pages))
    for value in LINE_STARTS:
        assert value in pdf_text
    assert "- Kurser" in pdf_text
    document = Document(str(tmp_path / "linjestart.docx"))
    assert [p.text for p in document.paragraphs if p.text in LINE_STARTS] == LINE_STARTS


def test_a_date_at_the_start_of_a_wrapped_line_stays_in_its_paragraph():
    out = prose("Regnskabet aflægges senest\n1. marts året efter.\n\nListe:\n- a\n- b\n\n1. en\n2. to")
    assert out.split("\n\n") == [
        "Regnskabet aflægges senest 1\\. marts året efter\\.",
        "Liste\\:",
        "- a\n- b",
        "1. en\n2. to",
    ]


def test_a_title_that_looks_like_typst_markup_stays_a_title(tmp_path):
    text = FJORDBY.read_text(encoding="utf-8").replace(
        "title: Frivillig familiestøtte i Fjordby", "title: '= Ondt - 1. etape'"
    )
    path = agreements_folder(tmp_path) / "titel.yaml"
    path.write_text(text, encoding="utf-8")
    seal_if_signed(path)
    assert run_cli("build", str(path), "--out", str(tmp_path / "out")).returncode == 0
    reader = PdfReader(tmp_path / "out" / "titel.pdf")
    first = _flat(reader.pages[0].extract_text())
    # the title block: the kind of document and its version, then the title as typed
    assert first.startswith(
        "PARTNERSKABSAFTALE Version 2 · 1. september 2026 = Ondt - 1. etape Partnerskabsaftale mellem"
    )
    assert "1 Aftalens partnere" in first  # no extra numbered heading before the first section
    assert reader.metadata.title == "= Ondt - 1. etape"


def test_a_task_list_is_text_not_checkboxes(tmp_path):
    """«- [ ] opgave» is a list whose items say «[ ] opgave»: pandoc's task lists, which make a
    checkbox of it even with the brackets escaped, are off."""
    text = FJORDBY.read_text(encoding="utf-8")
    target = re.search(r"^  target_group: .*$", text, flags=re.M).group()
    written = '  target_group: "- [ ] første opgave\\n- [x] anden opgave"'
    path = agreements_folder(tmp_path) / "opgaver.yaml"
    path.write_text(
        text.replace(target, written, 1).replace("status: signed", "status: draft"), encoding="utf-8"
    )
    assert run_cli("build", str(path), "--out", str(tmp_path)).returncode == 0
    soup = BeautifulSoup((tmp_path / "opgaver.html").read_text(encoding="utf-8"), "html.parser")
    assert not soup.select("input") and not soup.select(".task-list")
    items = [_flat(li.get_text()) for li in soup.select("li")]
    assert "[ ] første opgave" in items and "[x] anden opgave" in items
    pdf_text = _flat(" ".join(page.extract_text() for page in PdfReader(tmp_path / "opgaver.pdf").pages))
    assert "[ ] første opgave" in pdf_text and "☐" not in pdf_text and "☒" not in pdf_text


@pytest.mark.parametrize(
    "written, expected",
    [
        # Indented two spaces or more under an item: a list in that item, four spaces in.
        ("- a\n  - b\n  - c\n- d", "- a\n    - b\n    - c\n- d"),
        ("1. a\n   - x\n2. b", "1. a\n    - x\n2. b"),
        # A nested list of another kind is a list of its own in the same item.
        ("- a\n  - b\n  1. c\n- d", "- a\n    - b\n\n    1. c\n- d"),
        # Three levels at most: deeper lines are items of the third.
        ("- a\n  - b\n    - c\n      - d", "- a\n    - b\n        - c\n        - d"),
        # A continuation line belongs to the item written last, the nested one too.
        ("- a\n  fortsat\n  - b\n    mere\n- c", "- a fortsat\n    - b mere\n- c"),
        # Past a marker of four characters, the nested list starts after it.
        ("100. p\n     - q", "100. p\n     - q"),
        # Numbered lines out of order keep their numbers in a nested list too.
        ("- a\n  1. kvartal\n  3. kvartal", "- a\n\n    1\\. kvartal\n\n\n    3\\. kvartal"),
        # Nested in the item above, not in the list's first: one column more each is one list.
        ("1. a\n 2. b\n  3. c", "1. a\n2. b\n3. c"),
        ("- a\n  - b\n - c", "- a\n    - b\n- c"),
        # An empty nested item is an item, never a table's rule or a heading's underline.
        ("- Mål\n  - \n  - Første", "- Mål\n    - \\ \n    - Første"),
        ("10. Vigtigt\n  - ", "10. Vigtigt\n    - \\ "),
        # Four or more in, under an item at the top it is not nested in: its text, as always.
        ("   2. b c\n    - x", "2. b c \\- x"),
        ("\t- x\n    1. kvartal", "- x 1\\. kvartal"),
        ("\xa0- a\n- b", "- a\n- b"),
        # Indented like code, outside a list: text; an item indented up to three: a list.
        ("    - kode", "\\- kode"),
        ("Tekst\n  - a\n  - b", "Tekst\n\n- a\n- b"),
    ],
)
def test_a_list_in_a_list_is_nested_as_written(written, expected):
    """A sub-item indented under its item was joined to that item's text («a - b»), or made an
    item of the same list; now it is a list inside the item, as in Word."""
    assert prose(written) == expected


def test_a_nested_list_is_nested_in_every_format(tmp_path):
    text = FJORDBY.read_text(encoding="utf-8").replace("status: signed", "status: draft")
    methods = "      - Matchsamtale med familie og frivillig\n"
    nested = "        - koordinatoren leder samtalen\n          1. første mål\n          2. andet mål\n"
    assert methods in text
    path = agreements_folder(tmp_path) / "indrykket.yaml"
    path.write_text(text.replace(methods, methods + nested, 1), encoding="utf-8")
    result = run_cli("build", str(path), "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    soup = BeautifulSoup((tmp_path / "indrykket.html").read_text(encoding="utf-8"), "html.parser")
    [inner] = soup.select("ul > li > ul > li")
    assert _flat(inner.contents[0]).strip() == "koordinatoren leder samtalen"
    assert [_flat(li.get_text()) for li in inner.select("ol > li")] == ["første mål", "andet mål"]
    levels = {}
    for paragraph in Document(str(tmp_path / "indrykket.docx")).paragraphs:
        level = paragraph._p.find(".//" + qn("w:ilvl"))
        if level is not None:
            levels[paragraph.text] = level.get(qn("w:val"))
    assert levels["Matchsamtale med familie og frivillig"] == "0"
    assert levels["koordinatoren leder samtalen"] == "1" and levels["første mål"] == "2"
    pdf = subprocess.run(
        [poppler("pdftotext"), "-bbox", str(tmp_path / "indrykket.pdf"), "-"], capture_output=True, text=True
    ).stdout
    left: dict[str, float] = {}
    for x, word in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]+)<', pdf):
        if word in ("Matchsamtale", "koordinatoren", "første"):
            left.setdefault(word, float(x))  # where each first stands: in the list
    assert left["Matchsamtale"] < left["koordinatoren"] < left["første"], left  # each further in


@pytest.mark.parametrize(
    "written",
    [
        "- Mål\n  - \n  - Første mål",
        "10. Vigtigt\n  - ",
        "2. x\n  - \n    123456789. b\n    - c",
        "- a\n  -\t\n- b",
    ],
)
def test_an_empty_nested_item_makes_no_table_heading_or_code(written):
    """Written «    - » under an item's text, an empty nested item was read by pandoc as a
    table's rule (the text above it cut into a header cell) or a heading's underline."""
    import json

    import pypandoc

    from partnerskab.pandoc_server import READER

    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "--sandbox", "-f", READER, "-t", "json"],
        input=prose(written),
        capture_output=True,
        text=True,
        check=True,
    )
    kinds = set(re.findall(r'"t":"(\w+)"', json.dumps(json.loads(result.stdout), separators=(",", ":"))))
    allowed = {"BulletList", "OrderedList", "Plain", "Para", "Str", "Space", "SoftBreak"}
    assert kinds <= allowed | {"Decimal", "Period", "OneParen"}, kinds  # and a list's numbering
