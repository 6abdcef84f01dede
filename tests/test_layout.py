"""What a reader sees in all three formats: title block, numbered sections, running header and
footer, tables across pages, the signature page, the status, logos, fonts, and builds that give
the same bytes every time."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from partnerskab.load import load

from .conftest import (
    EXAMPLES,
    FJORDBY,
    ROOT,
    agreements_folder,
    poppler,
    run_cli,
    seal_if_signed,
    with_long_budget,
)

FJORDBY_TEXT = FJORDBY.read_text(encoding="utf-8")
AABY = ROOT / "agreements" / "aaby-ungementor.yaml"
NORREBY = ROOT / "agreements" / "norreby-reading-friends.yaml"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pages(pdf) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(pdf).pages]


def _html(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_bytes(), "html5lib")


def _build(tmp_path, name: str, text: str, *extra_env: tuple[str, str]):
    path = agreements_folder(tmp_path) / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, **dict(extra_env)}
    seal_if_signed(path, env)  # as its writers would: a signed agreement is built from its seal
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out / f"{name}.pdf", out / f"{name}.docx", out / f"{name}.html"


def test_title_block_names_agreement_and_partners(built):
    data = load(FJORDBY).data
    between = "Partnerskabsaftale mellem Fjordby Kommune og Familiestøtten Fjordby"
    first = _pages(built / "fjordby-familievenner.pdf")[0]
    # the kind of document and its version and date, then the title and who it is between
    assert first.startswith(f"PARTNERSKABSAFTALE Version 2 · 1. september 2026 {data['title']} {between}")
    soup = _html(built / "fjordby-familievenner.html")
    assert soup.select_one("header h1").get_text() == data["title"]
    assert _flat(soup.select_one("header .subtitle").get_text()) == between
    document = Document(str(built / "fjordby-familievenner.docx"))
    styled = {p.style.name: p.text for p in document.paragraphs[:3]}
    assert styled["Title"] == data["title"] and _flat(styled["Subtitle"]) == between


def test_sections_are_numbered_in_all_three_formats(built):
    pdf = " ".join(_pages(built / "fjordby-familievenner.pdf"))
    for number, heading in [
        (1, "Aftalens partnere"),
        (5, "Økonomi: finansiering og budget"),
        (13, "Underskrift"),
    ]:
        assert f"{number} {heading}" in pdf
    soup = _html(built / "fjordby-familievenner.html")
    numbers = [
        h.select_one(".header-section-number").get_text()
        for h in soup.find_all("h2")
        if "appendix" not in h.get("class", [])
    ]
    assert numbers == [str(n) for n in range(1, 14)]
    # Word numbers the headings from their style (tests/test_docx.py); none has a typed number
    headings = [
        p.text
        for p in Document(str(built / "fjordby-familievenner.docx")).paragraphs
        if p.style.name == "Heading 1"
    ]
    assert len(headings) == 14 and not any(h[:1].isdigit() for h in headings)


def test_pdf_running_header_has_the_title_and_footer_page_x_of_y(built):
    pages = _pages(built / "norreby-reading-friends.pdf")
    title = load(NORREBY).data["title"]
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        if number > 1:
            assert text.startswith(f"{title} Signed")


def test_docx_header_and_footer(built):
    section = Document(str(built / "fjordby-familievenner.docx")).sections[0]
    assert section.header.paragraphs[0].text == "Frivillig familiestøtte i Fjordby\tUnderskrevet"
    footer = section.footer.paragraphs[0]
    version, pages = footer.text.split("\t")
    assert version == "Version 2 · 1.\xa0september\xa02026"
    assert pages.startswith("Side ") and " af " in pages
    instructions = [node.text.strip() for node in footer._p.iter() if node.tag.endswith("instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_long_tables_repeat_their_header_on_the_next_page(tmp_path):
    text = with_long_budget(FJORDBY_TEXT, 80)
    pdf, docx, html = _build(tmp_path, "lang", text)
    pages = _pages(pdf)
    spanning = [i for i, page in enumerate(pages) if "Post nummer" in page]
    assert len(spanning) >= 2
    for i in spanning[1:]:  # every continuation page starts the table with its header row
        body = pages[i].split("Post nummer", 1)[0]
        assert body.rstrip().endswith("Post Beløb"), pages[i][:200]
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    tables = [t.split("</w:tbl>")[0] for t in xml.split("<w:tbl>")[1:]]
    data = [t for t in tables if '<w:pStyle w:val="Signatur"/>' not in t]  # not the signatures
    assert data and all("<w:tblHeader" in t for t in data)
    assert all(table.find("thead") for table in _html(html).find_all("table"))


# What agreement.typst's measured-table does, with the decision layout.lua took beside it: each
# table records its height as Typst measures it.
_CHECK_DECISIONS = """#let decided(whole, body) = {
  show figure.where(kind: table): it => layout(size => {
    let height = measure(it, width: size.width).height
    [#metadata((whole: whole, height: height.pt())) <table-decision>]
    block(breakable: not whole, it)
  })
  body
}
"""
TABLE_LIMIT_PT = 8.5 / 2.54 * 72


def _budget(text: str, items: list[str]) -> str:
    """Fjordby as a draft with a budget of `items` (1.000 kr. each), one source paying for it."""
    text = with_long_budget(text.replace("status: signed", "status: draft"), len(items))
    for n, item in enumerate(items, start=1):
        text = text.replace(f"item: Post nummer {n}\n", f"item: {item}\n", 1)
    return text


def _example_drafts(tmp_path):
    """tmp_path/agreements with the examples as drafts (no seals beside them), beside copies of
    logos/ and bilag/."""
    folder = tmp_path / "agreements"
    folder.mkdir()
    for name in ("logos", "bilag"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for example in EXAMPLES:
        text = example.read_text(encoding="utf-8").replace("status: signed", "status: draft")
        (folder / example.name).write_text(text, encoding="utf-8")
    return folder


def _built_keeping(tmp_path, folder):
    """The agreements in `folder` built, with what Typst was given kept: {name: folder}."""
    kept = tmp_path / "kept"
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", str(folder), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
        env={**os.environ, "PARTNERSKAB_KEEP_INTERMEDIATE": str(kept)},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return {work.name: work for work in sorted(kept.iterdir())}


def test_tables_are_kept_whole_exactly_when_typst_measures_them_under_a_third_of_a_page(tmp_path):
    """table_height.py tells from IBM Plex Sans's widths whether a table is sure to be under
    8.5 cm (kept on one page) or over it (may break), so that Typst need not measure it. For every
    table of the examples, of generated agreements and of budgets around the limit (one-line
    rows, rows of two and three lines, long words, no-break runs), Typst's own measure must
    agree with each decision taken; only tables it could not be sure of are measured."""
    sys.path.insert(0, str(ROOT / "bench"))
    import bench

    folder = _example_drafts(tmp_path)
    examples = [load(p).data for p in EXAMPLES]
    rng = __import__("random").Random(7)
    for number in range(8):
        data = bench.agreement(rng, number, examples)
        (folder / f"generated-{number}.yaml").write_text(
            bench.yaml.dump(data, Dumper=bench.Quoted, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    two_lines = "Frivilliges kørsel, forplejning og materialer til hele sommerens ture med familierne"
    three = "Kørsel " + " ".join(["og forplejning til sommerens ture med alle familierne i Fjordby"] * 2)
    long_word = "Børneinddragelsesaktivitetsudgifter i sommerferien"
    budgets = {
        # one-line rows: 13 items make the table 232 pt high, 14 make it 247 (the limit is 241)
        "budget-13": [f"Post nummer {n}" for n in range(1, 14)],
        "budget-14": [f"Post nummer {n}" for n in range(1, 15)],
        "budget-two-lines": [two_lines] * 8 + [f"Post {n}" for n in range(5)],
        "budget-three-lines": [three] * 6,
        "budget-long-word": [long_word] * 9,
        "budget-80": [f"Post nummer {n}" for n in range(1, 81)],
    }
    for name, items in budgets.items():
        (folder / f"{name}.yaml").write_text(_budget(FJORDBY_TEXT, items), encoding="utf-8")
    decided = measured = whole = 0
    for work in _built_keeping(tmp_path, folder).values():
        source = (work / "agreement.typ").read_text(encoding="utf-8")
        measured += source.count("#measured-table[")
        whole += source.count("#block(breakable: false)[\n#figure(")
        checked = source.replace("#block(breakable: false)[\n#figure(", "#decided(true)[\n#figure(")
        checked = checked.replace("#block(breakable: true)[\n#figure(", "#decided(false)[\n#figure(")
        at = checked.index("#let horizontalrule")
        for record in _typst(work, checked[:at] + _CHECK_DECISIONS + checked[at:], "<table-decision>"):
            decided += 1
            assert record["whole"] == (record["height"] < TABLE_LIMIT_PT), (work.name, record)
    assert decided + measured >= 70 and whole >= 30 and decided - whole >= 3, (decided, measured, whole)
    assert measured <= decided // 10, (decided, measured)  # the font's widths tell nearly all


def test_table_height_counts_lines_as_typst_breaks_them_and_leaves_the_unknown_to_typst():
    from partnerskab import table_height

    def words(text):
        out = []
        for word in text.split(" "):
            out += [{"t": "Str", "c": word}, {"t": "Space"}]
        return out[:-1]

    one = words("Kort tekst")
    assert table_height.line_bounds(one, 200, 9.5) == (1, 1)
    many = words("ord " * 60)
    upper, lower = table_height.line_bounds(many, 100, 9.5)
    assert upper >= lower >= 8  # 60 words of about 16 pt in lines of 100 pt
    # a forced line break, in bold too
    broken = [{"t": "Strong", "c": [*one, {"t": "LineBreak"}, *one]}]
    assert table_height.line_bounds(broken, 200, 9.5) == (2, 2)
    # an unbreakable run (render.py's nowrap) wider than the column, and a letter without a width
    glued = [{"t": "Span", "c": [["", ["nowrap"], []], words("2026 til 2028 " * 6)]}]
    for unknown in (glued, [{"t": "Str", "c": "α"}], [{"t": "Code", "c": [["", [], []], "x"]}]):
        with pytest.raises(table_height._Unknown):
            table_height.line_bounds(unknown, 60, 9.5)
    rows = [[one, one]] * 3
    assert table_height.decide(None, [0.5, 0.5], rows) == "W"
    assert table_height.decide(None, [0.5, 0.5], [[one, one]] * 40) == "B"
    assert table_height.decide(None, None, rows) == "M"  # columns Typst sizes itself
    assert table_height.decide(None, [0.5, 0.5], [[one, [{"t": "Str", "c": "α"}]]]) == "M"


def test_the_font_widths_table_height_reads_are_those_of_the_font_files():
    """partnerskab/plex_widths.json is what tools/make_widths.py writes from fonts/: the widths of
    IBM Plex Sans that table_height.py takes a table's height from."""
    tool = [sys.executable, str(ROOT / "tools" / "make_widths.py"), "--check"]
    assert subprocess.run(tool, cwd=ROOT).returncode == 0, "run tools/make_widths.py"
    data = __import__("json").loads((ROOT / "partnerskab" / "plex_widths.json").read_text(encoding="utf-8"))
    # Plex Sans: 1000 units to the em; «W» is wider in bold than in regular
    assert data["units"] == 1000 and data["regular"]["87"] == 891 and data["bold"]["87"] == 973


def _examples_kept(tmp_path):
    """The examples built as drafts, with what Typst was given kept: {name: folder}."""
    return _built_keeping(tmp_path, _example_drafts(tmp_path))


def _typst(work, source: str, query: str | None = None):
    import typst

    from partnerskab.fonts import font_paths

    (work / "variant.typ").write_text(source, encoding="utf-8")
    options = {"root": str(work), "font_paths": font_paths(), "ignore_system_fonts": True}
    if query:
        found = typst.query(str(work / "variant.typ"), query, field="value", **options)
        return __import__("json").loads(found)
    return typst.compile(str(work / "variant.typ"), timestamp=0, pdf_standards=["a-2b", "ua-1"], **options)


def test_typst_finishes_in_two_passes_with_the_pdf_its_own_numbering_gives(tmp_path):
    """Typst lays a document out again until what it looked up stops changing. Three things let
    it finish in two passes (layout.lua, typst_contents and number_headings): each heading
    carries its number, the contents' numbers stand in a box of one width instead of Typst's
    automatic indent, and in the first pass, when the contents are empty, space as tall as
    their entries stands in for them. With all three undone, Typst numbers and indents by
    itself: the PDF must be the same, byte for byte. And the stand-in must be exactly as tall
    as the entries: the first section starts at the same place with either."""
    for name, work in _examples_kept(tmp_path).items():
        source = (work / "agreement.typ").read_text(encoding="utf-8")
        ours = _typst(work, source)
        own = re.sub(r'#\[#set heading\(numbering: \(\.\.\) => "[0-9.]+"\)\n', "#[\n", source)
        boxed = r"  let prefix = if prefix != none \{ box\(width: .*, prefix\) \}\n"
        own = re.sub(boxed, "", own)
        own = own.replace(", depth: 1, indent: 0pt)", ", depth: 1)")
        own = re.sub(r"#context if query\(outline\).len\(\) == 0 \{ v\(.*\) \}\n", "", own)
        assert own.count("#[\n") >= 20 and "indent: 0pt" not in own and "query(outline)" not in own, name
        assert _typst(work, own) == ours, name
        # where the first section starts, with the entries, and with the stand-in alone
        mark = "#context [#metadata(here().position()) <after-contents>]\n"
        first = source.index("#[#set heading")
        marked = source[:first] + mark + source[first:]
        standing_in = marked.replace("if query(outline).len() == 0 {", "if true {").replace(
            ", depth: 1, indent: 0pt)", ", depth: 1, indent: 0pt, target: heading.where(level: 9))"
        )
        assert "if true {" in standing_in and "level: 9" in standing_in, name
        where = _typst(work, marked, "<after-contents>")
        assert where == _typst(work, standing_in, "<after-contents>"), name


def test_signature_page_has_one_unbroken_block_per_signatory(tmp_path):
    many = "".join(
        f"  - partner: {pid}\n    name: Underskriver {n}\n    title: Stilling {n}\n    place: Fjordby\n"
        for n, pid in enumerate(["fjordby", "familiestotten"] * 5, start=1)
    )
    text = FJORDBY_TEXT[: FJORDBY_TEXT.index("signatures:\n")] + "signatures:\n" + many
    text = text.replace("status: signed", "status: draft")
    pdf, docx, html = _build(tmp_path, "mange", text)
    pages = _pages(pdf)[1:]  # (page 1's contents name the section too)
    first_signature_page = next(i for i, page in enumerate(pages) if "13 Underskrift" in page)
    # The heading never stands alone: the first row of signatures is on its page.
    assert "Underskriver 1 " in pages[first_signature_page]
    for n in range(1, 11):  # each block whole on one page: its party, place and date, name and title
        [page] = [p for p in pages if f"Underskriver {n} " in p + " "]
        assert f"Stilling {n}" in page
    for page in pages:
        assert page.count("Sted: Fjordby Dato: ____") == page.count("Underskriver ") == page.count("For ")
    assert len({i for i, p in enumerate(pages) if "Underskriver" in p}) >= 2
    document = Document(str(docx))
    cells = [c for t in document.tables for row in t.rows for c in row.cells]
    signature_styles = {p.style.name for c in cells for p in c.paragraphs if "Underskriver" in p.text}
    assert signature_styles == {"Underskriftslinje"}
    style = Document(str(docx)).styles["Signatur"].paragraph_format
    assert style.keep_with_next and style.keep_together
    assert len(_html(html).select(".signature")) == 10


def _words(pdf) -> list[tuple[str, tuple[int, float]]]:
    """Each word the PDF writes, with (page, height from the bottom in points). Typst writes
    word by word."""
    words = []
    for number, page in enumerate(PdfReader(str(pdf)).pages):

        def visit(text, cm, tm, *_, page_number=number):
            # A run may hold several words (ragged lines), or one (justified ones).
            for word in text.split():
                words.append((word, (page_number, round(cm[5] + tm[5] * cm[3], 1))))

        page.extract_text(visitor_text=visit)
    return words


def _heights(pdf, names: list[str]) -> dict[str, tuple[int, float]]:
    """(page, height from the bottom in points) where each of `names` is last written: a name
    is its words one after another at the same height."""
    words = _words(pdf)
    found = {}
    for name in names:
        parts = name.split()
        for i in range(len(words) - len(parts) + 1):
            if [w for w, _ in words[i : i + len(parts)]] == parts:
                found[name] = words[i][1]
    return found


def test_the_lines_to_sign_on_are_level_however_long_the_names_above(tmp_path):
    """A party whose name runs over three lines pushes nothing down in its neighbour's column:
    in the PDF both names under the lines stand at the same height, in the DOCX the two lines
    are in one row of the table of signatures."""
    long_name = "Familiestøtten Fjordby, en frivillig forening for småbørnsfamilier i hele kommunen"
    text = FJORDBY_TEXT.replace("    name: Familiestøtten Fjordby\n", f"    name: {long_name}\n", 1)
    text = text.replace("status: signed", "status: draft")
    pdf, docx, _ = _build(tmp_path, "lange-navne", text)
    signers = [s["name"] for s in load(FJORDBY).data["signatures"]]
    heights = _heights(pdf, signers)
    assert len(heights) == 2 and len(set(heights.values())) == 1, heights
    [table] = [
        t for t in Document(str(docx)).tables if t.rows[0].cells[0].paragraphs[0].style.name == "Signatur"
    ]
    assert [_flat(c.text).split()[-1] for c in table.rows[0].cells] == ["Kommune", "kommunen"] or all(
        "For " in c.text for c in table.rows[0].cells
    )
    assert all(signer in _flat(cell.text) for signer, cell in zip(signers, table.rows[1].cells, strict=True))


def test_a_blank_date_after_a_place_has_a_line_of_its_own(tmp_path):
    """A draft printed to be signed by hand names the place but leaves the date blank. The
    blank after «Sted og dato: Fjordby,» did not fit the line beside it in a column of two and
    stood alone on the next line; now the place and the date each have their line, with the
    blank on the date's line, however long the place's name."""
    text = FJORDBY_TEXT.replace("status: signed", "status: draft")
    long_place = "    place: Sønderborg Kommunes Rådhus, Rådhustorvet\n"
    text = text.replace("    date: 2025-12-10\n    place: Fjordby\n", long_place)
    text = text.replace("    date: 2025-12-12\n", "", 1)
    pdf, docx, html = _build(tmp_path, "uden-dato", text)
    [page] = [p for p in _pages(pdf)[1:] if "13 Underskrift" in p]
    assert "Sted: Sønderborg Kommunes Rådhus, Rådhustorvet" in page and "Sted: Fjordby" in page
    assert "Sted og dato" not in page
    words = _words(pdf)
    # «Dato:» and the blank, as two words; the change log's table has a column «Dato» too.
    dates = [i for i, (w, _) in enumerate(words[:-1]) if w == "Dato:"]
    assert len(dates) == 2, [w for w, _ in words]
    for i in dates:  # the blank stands on the date's line
        assert re.fullmatch(r"_{15,}", words[i + 1][0]), words[i : i + 2]
        assert words[i + 1][1] == words[i][1]
    tables = Document(str(docx)).tables
    blocks = [_flat(cell.text) for table in tables for row in table.rows for cell in row.cells]
    assert any("Sted: Fjordby Dato: ____" in block for block in blocks), blocks
    signatures = [_flat(div.get_text(" ")) for div in _html(html).select(".signature")]
    assert any("Sted: Fjordby Dato: ____" in block for block in signatures), signatures


def test_a_date_without_a_place_is_not_called_place_and_date(tmp_path):
    """A signature with a date but no place says «Dato: …», not «Sted og dato: …»."""
    text = FJORDBY_TEXT.replace("    date: 2025-12-12\n    place: Fjordby\n", "    date: 2025-12-12\n", 1)
    assert text != FJORDBY_TEXT
    pdf, docx, html = _build(tmp_path, "uden-sted", text.replace("status: signed", "status: draft"))
    [page] = [p for p in _pages(pdf)[1:] if "13 Underskrift" in p]
    assert "Sted og dato: Fjordby, 10. december 2025" in page  # the other party named its place
    assert "Dato: 12. december 2025" in page and "Sted og dato: 12. december 2025" not in page
    tables = Document(str(docx)).tables
    blocks = " ".join(_flat(cell.text) for table in tables for row in table.rows for cell in row.cells)
    html_text = _flat(_html(html).get_text(" "))
    for document in (blocks, html_text):
        assert "Dato: 12. december 2025" in document and "Sted og dato: 12. december" not in document


def test_a_signature_block_longer_than_a_page_breaks_instead_of_running_over_the_footer(tmp_path):
    """A signer's title of nearly 2,000 characters (the schema allows 2,000): the pair of blocks,
    otherwise kept on one page, breaks across pages; no line of it stands in the bottom margin,
    where the footer is, or below the page."""
    title = ("Direktør for Beskæftigelse og Uddannelse " * 48).strip()
    text = FJORDBY_TEXT.replace("status: signed", "status: draft").replace(
        "    title: Formand\n", f"    title: {title}\n", 1
    )
    pdf, _, _ = _build(tmp_path, "lang-titel", text)
    bottom_margin = 2.5 / 2.54 * 72
    heights = [height for word, (_, height) in _words(pdf) if word.startswith("Uddannelse")]
    assert len(heights) >= 48 and min(heights) > bottom_margin, min(heights)


def test_an_amount_is_never_broken_inside_its_number(tmp_path):
    """«i alt 150.000 kr.» in Havnestad's narrow «Beløb» column, one run of text held together by
    no-break spaces, breaks where a long address may (before its "."), but never inside the
    number: the PDF's lines hold «150.000» whole."""
    havnestad = ROOT / "agreements" / "havnestad-naboskab.yaml"
    text = havnestad.read_text(encoding="utf-8").replace("status: signed", "status: draft")
    pdf, _, _ = _build(tmp_path, "havnestad-beloeb", text)
    lines = "\n".join(page.extract_text() for page in PdfReader(pdf).pages).splitlines()
    assert any("150.000" in line for line in lines)
    assert not any(line.rstrip().endswith(("150", "50")) for line in lines if "i alt" in line), lines
    assert not any(line.lstrip().startswith(".000") for line in lines)


def test_a_range_of_years_is_never_broken_after_its_dash(tmp_path):
    """«2026–2028» in the narrow «År» column of the financing and the budget stays on one line
    in the PDF (Typst breaks after an en dash), and in the HTML."""
    havnestad = ROOT / "agreements" / "havnestad-naboskab.yaml"
    text = havnestad.read_text(encoding="utf-8").replace("status: signed", "status: draft")
    pdf, _, html = _build(tmp_path, "havnestad-udkast", text)
    [page] = [p for p in _pages(pdf) if "5.2 Budget" in p]
    assert page.count("2026–2028") == 4, page  # two sources of money, two budget items
    assert "2026– 2028" not in page
    ranges = [cell for cell in _html(html).select("td .nowrap") if cell.get_text() == "2026–2028"]
    assert len(ranges) == 4
    css = (ROOT / "templates" / "pandoc" / "agreement.css").read_text(encoding="utf-8")
    assert ".nowrap { white-space: nowrap; }" in css


def _page_pixels(pdf, page: int, tmp_path) -> tuple[int, int, bytes]:
    """Page `page` (from 1) as a reader sees it, drawn by poppler at 30 dpi: width, height and
    RGB bytes."""
    root = tmp_path / f"{pdf.stem}-{page}"
    pages = ["-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run([poppler("pdftoppm"), "-r", "30", *pages, str(pdf), str(root)], check=True)
    magic, size, depth, pixels = root.with_suffix(".ppm").read_bytes().split(b"\n", 3)
    assert magic == b"P6" and depth == b"255"
    width, height = map(int, size.split())
    return width, height, pixels


def _mark_pixels(pdf, page: int, tmp_path) -> int:
    """How many pixels in the middle of the page have the draft mark's pale red: red above green
    and blue, which are alike (black text is grey, the accent blue, the logos elsewhere)."""
    width, height, pixels = _page_pixels(pdf, page, tmp_path)
    count = 0
    for y in range(height * 3 // 10, height * 7 // 10):
        for x in range(width * 3 // 10, width * 7 // 10):
            r, g, b = pixels[3 * (y * width + x) : 3 * (y * width + x) + 3]
            count += r > 200 and r - g >= 8 and abs(g - b) <= 4
    return count


def test_draft_is_marked_on_every_page_in_the_header_and_as_a_banner(built, tmp_path):
    """The draft mark is drawn behind every page, as a picture: its letters are not text, so a
    reader who copies from the PDF, a search, or pdftotext never gets them one by one
    («T», «S», «A» on lines of their own, as when it was text)."""
    draft, signed = built / "aaby-ungementor.pdf", built / "fjordby-familievenner.pdf"
    pages = _pages(draft)
    assert "UDKAST – Aftalen er ikke underskrevet" in pages[0]
    assert all(page.startswith("Frivillige mentorer til unge i Åby Udkast ") for page in pages[1:])
    for number in range(1, len(pages) + 1):
        assert _mark_pixels(draft, number, tmp_path) > 100, number
        text = subprocess.run(
            [poppler("pdftotext"), "-f", str(number), "-l", str(number), str(draft), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert not [line for line in text.splitlines() if len(line.strip()) == 1], (number, text)
    assert "UDKAST" not in " ".join(pages[1:])
    assert _mark_pixels(signed, 2, tmp_path) == 0
    header = Document(str(built / "aaby-ungementor.docx")).sections[0].header.paragraphs[0]
    assert header.text.endswith("\tUDKAST") and any(r.bold and r.text == "UDKAST" for r in header.runs)
    banner = _html(built / "aaby-ungementor.html").select_one(".status-banner.draft")
    assert banner and _flat(banner.get_text()).startswith("UDKAST – Aftalen er ikke underskrevet")
    assert not _html(built / "fjordby-familievenner.html").select(".status-banner")
    # The PDF's banner has the HTML's colours: a light red box, the word in dark red.
    css = (ROOT / "templates" / "pandoc" / "agreement.css").read_text(encoding="utf-8")
    border, background = re.search(
        r"\.status-banner \{ border-left: 4px solid (#\w{6}); background: (#\w{6})", css
    ).groups()
    drawn = PdfReader(built / "aaby-ungementor.pdf").pages[0].get_contents().get_data().decode("latin-1")
    colours = {
        tuple(round(float(x) * 255) for x in m) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) sc", drawn)
    }
    for colour in (border, background):
        assert tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5)) in colours, (colour, colours)


def test_english_draft_says_draft(tmp_path):
    text = NORREBY.read_text(encoding="utf-8").replace("status: signed", "status: draft")
    pdf, docx, html = _build(tmp_path, "draft", text)
    pages = _pages(pdf)
    assert "DRAFT – This agreement" in pages[0] and all(" Draft " in page for page in pages[1:])
    assert all(_mark_pixels(pdf, number, tmp_path) > 100 for number in range(1, len(pages) + 1))
    assert Document(str(docx)).sections[0].header.paragraphs[0].text.endswith("\tDRAFT")
    assert _flat(_html(html).select_one(".status-banner.draft").get_text()).startswith(
        "DRAFT – This agreement"
    )


def test_signed_agreement_shows_the_signature_dates(built):
    [last] = [page for page in _pages(built / "fjordby-familievenner.pdf")[1:] if "13 Underskrift" in page]
    assert "Sted og dato: Fjordby, 10. december 2025" in last
    assert "Sted og dato: Fjordby, 12. december 2025" in last


def test_ended_agreement_is_marked_with_its_end_date(tmp_path):
    text = (
        FJORDBY_TEXT.replace("status: signed", "status: ended")
        .replace("start: 2026-01-01", "start: 2024-01-01")
        .replace("end: 2027-12-31", "end: 2025-06-30")
        .replace("date: 2026-09-01", "date: 2024-09-01")
        .replace("date: 2025-12-10", "date: 2023-12-10")
        .replace("date: 2025-12-12", "date: 2023-12-12")
        .replace("year: 2026", "year: 2024")  # the money and the goals lie inside the period too
        .replace("year: 2027", "year: 2025")
        .replace("deadline: 2027-06-30", "deadline: 2025-06-30")
        .replace("deadline: 2026-12-31", "deadline: 2024-12-31")
    )
    pdf, docx, html = _build(tmp_path, "slut", text)
    assert "AFSLUTTET – Aftalen sluttede 30. juni 2025." in _pages(pdf)[0]
    assert all(page.startswith("Frivillig familiestøtte i Fjordby Afsluttet") for page in _pages(pdf)[1:])
    assert _flat(_html(html).select_one(".status-banner.ended").get_text()) == (
        "AFSLUTTET – Aftalen sluttede 30. juni 2025."
    )
    document = Document(str(docx))
    assert document.sections[0].header.paragraphs[0].text.endswith("\tAfsluttet")
    assert any(_flat(p.text) == "AFSLUTTET – Aftalen sluttede 30. juni 2025." for p in document.paragraphs)


def test_logos_with_alt_text_in_all_three_formats(built):
    reader = PdfReader(built / "fjordby-familievenner.pdf")
    assert len(reader.pages[0].images) == 2
    images = _html(built / "fjordby-familievenner.html").find_all("img")
    assert [i["alt"] for i in images] == ["Fjordby Kommunes logo", "Familiestøtten Fjordbys logo"]
    xml = zipfile.ZipFile(built / "fjordby-familievenner.docx").read("word/document.xml").decode()
    assert 'descr="Fjordby Kommunes logo"' in xml and 'descr="Familiestøtten Fjordbys logo"' in xml


def test_docx_carries_title_and_language(built):
    for example in EXAMPLES:
        data = load(example).data
        core = Document(str(built / f"{example.stem}.docx")).core_properties
        assert core.title == data["title"]
        assert core.language == ("en-GB" if data.get("language") == "en" else "da-DK")


def test_pdf_embeds_only_the_shipped_typeface(built):
    fonts = set()
    for example in EXAMPLES:
        for page in PdfReader(built / f"{example.stem}.pdf").pages:
            for font in (page["/Resources"].get("/Font") or {}).values():
                fonts.add(re.sub(r"^/[A-Z]{6}\+", "/", str(font.get_object()["/BaseFont"])))
    assert fonts == {"/IBMPlexSans", "/IBMPlexSans-Bold", "/IBMPlexSans-Italic"}, fonts


def test_building_twice_gives_the_same_bytes(tmp_path, built):
    again = tmp_path / "again"
    assert run_cli("build", "--out", str(again)).returncode == 0
    for example in EXAMPLES:
        for suffix in ("pdf", "docx", "html"):
            assert (again / f"{example.stem}.{suffix}").read_bytes() == (
                built / f"{example.stem}.{suffix}"
            ).read_bytes()


def test_source_date_epoch_is_honoured_and_otherwise_the_agreement_gives_the_date(tmp_path):
    epoch = 1_800_000_000  # 2027-01-15 08:00:00 UTC
    pdf, docx, _ = _build(tmp_path / "a", "epoch", FJORDBY_TEXT, ("SOURCE_DATE_EPOCH", str(epoch)))
    when = dt.datetime.fromtimestamp(epoch, dt.UTC)
    assert PdfReader(pdf).metadata.creation_date == when
    assert Document(str(docx)).core_properties.created == when
    assert {info.date_time for info in zipfile.ZipFile(docx).infolist()} == {when.timetuple()[:6]}
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    pdf, docx, _ = _build(tmp_path / "b", "uden", FJORDBY_TEXT, *env.items())
    latest = dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC)  # the amendment, the latest date in the agreement
    assert PdfReader(pdf).metadata.creation_date == latest
    assert Document(str(docx)).core_properties.created == latest


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_html_banner_and_meta_are_accessible_landmarks(built, example):
    soup = _html(built / f"{example.stem}.html")
    assert soup.find("main") and soup.find("header")
    assert len(soup.find_all("h1")) == 1


def test_amendments_appear_as_an_amendment_log_appendix_in_every_format(built):
    pages = _pages(built / "fjordby-familievenner.pdf")
    assert pages[-1].startswith(
        "Frivillig familiestøtte i Fjordby Underskrevet Bilag: Ændringslog Ændringer af aftalen Dato Ændring"
    )
    assert "1. september 2026 Budgettet for 2027 er justeret" in pages[-1]
    assert "13 Underskrift" in pages[-2]  # the log follows the signatures, on its own page
    soup = _html(built / "fjordby-familievenner.html")
    heading = soup.find("h2", class_="appendix")
    assert _flat(heading.get_text()) == "Bilag: Ændringslog" and not heading.select(".header-section-number")
    assert "Budgettet for 2027 er justeret" in heading.find_next("table").get_text()
    paragraphs = Document(str(built / "fjordby-familievenner.docx")).paragraphs
    assert [p.text for p in paragraphs if p.style.name == "Heading 1"][-1] == "Bilag: Ændringslog"
    english = _pages(built / "norreby-reading-friends.pdf")
    assert "Appendix: Amendment log" in english[-1]


def test_signatures_from_before_an_amendment_say_which_version_they_were_given_to(tmp_path):
    """Fjordby was signed in December 2025 and amended in September 2026 (version 2): above
    the signatures every format says they were given to version 1, and where the change stands.
    Signed again after the amendment, the note goes."""
    note = (
        "Underskrifterne nedenfor blev sat under version 1 af aftalen. Ændringerne siden (version 2) "
        "er aftalt som tillæg og står i ændringsloggen bagest i aftalen."
    )
    pdf, docx, html = _build(tmp_path, "tillaeg", FJORDBY_TEXT)
    assert note in " ".join(_pages(pdf))
    assert note in _flat(" ".join(p.text for p in Document(str(docx)).paragraphs))
    heading = _html(html).select_one("#signatures")
    assert _flat(heading.find_next("p").get_text()) == note
    resigned = re.sub(r"date: 2025-12-1\d", "date: 2026-09-15", FJORDBY_TEXT)
    pdf, _, _ = _build(tmp_path / "igen", "igen", resigned)
    assert "Underskrifterne nedenfor blev givet" not in " ".join(_pages(pdf))
    # One partner signed again after the amendment, the other did not: the first signature
    # was still given to version 1, so the note stays.
    one_again = FJORDBY_TEXT.replace("date: 2025-12-12", "date: 2026-09-15", 1)
    pdf, _, _ = _build(tmp_path / "en", "en-igen", one_again)
    assert note in " ".join(_pages(pdf))


def test_no_empty_deadline_column_when_no_goal_has_a_deadline(tmp_path):
    text = (ROOT / "agreements" / "gadekaer-vaeresteder.yaml").read_text(encoding="utf-8")
    assert "deadline:" not in text.split("activities:")[0]
    _, docx, html = _build(tmp_path, "uden-frister", text)
    [goals] = [t for t in _html(html).select("table") if "Indikator" in t.get_text()]
    assert [th.get_text() for th in goals.select("thead th")] == ["Mål", "Indikator"]
    [table] = [t for t in Document(str(docx)).tables if t.rows[0].cells[0].text == "Mål"]
    assert [c.text for c in table.rows[0].cells] == ["Mål", "Indikator"]
    # With a deadline, the column is there.
    _, _, html = _build(
        tmp_path / "med", "med-frister", FJORDBY_TEXT.replace("status: signed", "status: draft")
    )
    [goals] = [t for t in _html(html).select("table") if "Indikator" in t.get_text()]
    assert [th.get_text() for th in goals.select("thead th")] == ["Mål", "Indikator", "Frist"]
