"""Documents a municipality signs (issue 11): what a reader sees, read from the built files.

- nothing is left alone at a page break: no run-in label or heading as the last line of a
  page, no total row at the top of one;
- no-break spaces where Danish typesetting keeps words together; Danish »quotes«;
- proper names are not hyphenated;
- case numbers, version and date; the contents name the ten key elements.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup
from docx import Document
from pypdf import PdfReader

from partnerskab import schema
from partnerskab.typography import typeset

from .conftest import EXAMPLES, FJORDBY, ROOT, agreements_folder, poppler, run_cli, seal, seal_if_signed

NORREBY = ROOT / "agreements" / "norreby-reading-friends.yaml"

FJORDBY_TEXT = FJORDBY.read_text(encoding="utf-8")
NBSP = "\u00a0"


def _built(tmp_path, stem: str, text: str):
    """The folder with the documents of agreement `text`, written as agreements/`stem`.yaml
    (sealed first when it is signed, as `build` wants) and built."""
    path = agreements_folder(tmp_path) / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    seal_if_signed(path)
    out = tmp_path / "out"
    result = run_cli("build", str(path), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _page_lines(pdf) -> list[list[str]]:
    """Each page's lines of text, without the running header (pages after the first) and footer."""
    pages = []
    for number, page in enumerate(PdfReader(pdf).pages):
        lines = [" ".join(line.split()) for line in page.extract_text().splitlines() if line.strip()]
        lines = [
            line
            for line in lines
            if not re.match(r"^(Version \d+ · .*|Side \d+ af \d+|Page \d+ of \d+)$", line)
        ]
        lines = [line for line in lines if not re.search(r"(Side|Page) \d+ (af|of) \d+$", line)]
        pages.append(lines[1:] if number else lines)  # the header: title and status
    return pages


def _labels(lang: str = "da") -> set[str]:
    """Every run-in label and side label the template can write."""
    paths = [
        ("activities", 0, "methods"),
        ("activities", 0, "staffing"),
        ("roles", 0, "expectations"),
        ("roles", 0, "obligations"),
        ("roles", 0, "tasks"),
        ("organisation", "steering_group_mandate"),
        ("organisation", "decisions", "joint"),
        ("organisation", "decisions", "separate"),
    ]
    return {schema.title(path, lang) for path in paths} | {
        "På den ene side",
        "På den anden side",
        "Betingelse",
        "Condition",
    }


def _variants(tmp_path, count: int = 20) -> list:
    """Fjordby with 0.5 to 30 extra lines in the vision, so every label and table lands at every
    height of a page in one of them."""
    folder = agreements_folder(tmp_path)
    paths = []
    for n in range(count):
        extra = " ".join(["Vi arbejder sammen om familierne i hele kommunen."] * (3 * n + 1))
        text = FJORDBY_TEXT.replace(
            "  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til.",
            f"  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til. {extra}",
        )
        assert text != FJORDBY_TEXT
        path = folder / f"hoejde-{n}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("varianter")
    paths = _variants(tmp_path)
    seal(*paths)  # signed, like Fjordby: sealed first, then built
    out = tmp_path / "out"
    result = run_cli("build", *map(str, paths), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return [out / f"{p.stem}.pdf" for p in paths]


def _all_pdfs(built, variants) -> list:
    return [built / f"{e.stem}.pdf" for e in EXAMPLES] + variants


def test_no_label_or_heading_is_the_last_line_of_a_page(built, variants):
    labels = _labels() | _labels("en")
    heading = re.compile(r"^\d+(\.\d+)* \S")
    for pdf in _all_pdfs(built, variants):
        pages = _page_lines(pdf)
        for number, lines in enumerate(pages[:-1], start=1):
            last = lines[-1]
            assert last not in labels, f"{pdf.name}, side {number}: «{last}» står alene nederst"
            if number > 1:  # (page 1 ends in the contents, whose lines look like headings)
                assert not heading.match(last) or len(last) > 60, f"{pdf.name}, side {number}: «{last}»"


def test_no_total_row_stands_alone_at_the_top_of_a_page(built, variants):
    for pdf in _all_pdfs(built, variants):
        for number, lines in enumerate(_page_lines(pdf)[1:], start=2):
            top = [
                line
                for line in lines[:3]
                if not re.match(r"^(Post|Kilde|Item|Source)\b.*(Beløb|Amount)$", line)
            ]
            assert top and not top[0].startswith(("I alt", "In total", "Total")), f"{pdf.name}, side {number}"


def test_the_variants_do_move_the_labels_around(variants):
    """The test above is only worth something if the variants put labels near page ends."""
    firsts = {tuple(line for page in _page_lines(pdf) for line in page[:1]) for pdf in variants}
    assert len(firsts) >= 5


def test_no_break_spaces_where_danish_keeps_words_together(built):
    html = (built / "fjordby-familievenner.html").read_text(encoding="utf-8")
    text = BeautifulSoup(html, "html.parser").get_text()
    for kept in ("+45 12 34 56 78", "9999 Fjordby", "§ 18-midler", "250.000 kr.", "1. januar 2026"):
        assert kept.replace(" ", NBSP) in text, kept
        assert kept not in text, kept  # never with a space the line may break at
    docx = "\n".join(p.text for p in Document(str(built / "fjordby-familievenner.docx")).paragraphs)
    assert "9999\u00a0Fjordby" in docx and "1.\u00a0januar\u00a02026" in docx


def test_typeset_rules():
    cases = {
        "Ring +45 87 65 43 21.": "Ring +45\u00a087\u00a065\u00a043\u00a021.",
        "Torvet 1, 8000 Aarhus C": "Torvet 1, 8000\u00a0Aarhus C",
        "efter § 18 og stk. 2": "efter §\u00a018 og stk.\u00a02",
        "2,5 mio. kr. og 25 %": "2,5\u00a0mio.\u00a0kr. og 25\u00a0%",
        # the one rule a text without a digit meets (typeset skips the others for it)
        "nogle mio. kr. og et par mia. DKK": "nogle mio.\u00a0kr. og et par mia.\u00a0DKK",
        "de tre mio. og marts 2026 i DKK 5": "de tre mio. og marts\u00a02026 i DKK\u00a05",
        "Arabic-Indic digits: \u0663\u0660 kr.": "Arabic-Indic digits: \u0663\u0660\u00a0kr.",
        "den 1. marts 2026": "den 1.\u00a0marts\u00a02026",
        'kaldet "Flere i job".': "kaldet »Flere i job«.",
        'et "ord uden slutning': 'et "ord uden slutning',
        'tommer: 5"': 'tommer: 5"',
        # apostrophes: in a word and after a plural s, but not beside a quote opened with '
        "PDF'en og CVR'en": "PDF\u2019en og CVR\u2019en",
        "the association's newsletter and three months' notice": (
            "the association\u2019s newsletter and three months\u2019 notice"
        ),
        "han sagde 'nej' og det's sådan": "han sagde 'nej' og det's sådan",
        # an address keeps its apostrophe, or it would be another address
        "o'brien@x.dk og https://x.dk/children's-books, www.o'neill.dk og PDF'en": (
            "o'brien@x.dk og https://x.dk/children's-books, www.o'neill.dk og PDF\u2019en"
        ),
        # a link's address keeps its quotes, or the link would lead elsewhere; its text is set
        'Se ["rapporten"](https://x.dk/"a") og "mere"': 'Se [»rapporten«](https://x.dk/"a") og »mere«',
        '[a](https://x.dk/("b")) "c"': '[a](https://x.dk/("b")) »c«',
    }
    for typed, shown in cases.items():
        assert typeset(typed) == shown, typed
    assert typeset('called "More jobs".', "en") == "called \u201cMore jobs\u201d."
    assert typeset(None) is None


def test_quotes_are_danish_in_danish_and_english_in_english(tmp_path):
    folder = agreements_folder(tmp_path)
    da = FJORDBY_TEXT.replace(
        "  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til.",
        '  vision: \'Vi kalder det "Familievenner", og "pas på" betyder noget.\'',
    )
    en = NORREBY.read_text(encoding="utf-8")
    en = re.sub(
        r"^  vision: .*$",
        "  vision: 'We call it \"Reading Friends\", the association''s own.'",
        en,
        count=1,
        flags=re.M,
    )
    (folder / "dansk.yaml").write_text(da, encoding="utf-8")
    (folder / "engelsk.yaml").write_text(en, encoding="utf-8")
    seal_if_signed(folder / "dansk.yaml")
    seal_if_signed(folder / "engelsk.yaml")
    out = tmp_path / "out"
    result = run_cli("build", str(folder / "dansk.yaml"), str(folder / "engelsk.yaml"), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    for stem, shown in (
        ("dansk", "Vi kalder det »Familievenner«, og »pas på« betyder noget."),
        ("engelsk", "We call it \u201cReading Friends\u201d, the association\u2019s own."),
    ):
        pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out / f"{stem}.pdf").pages)
        html = BeautifulSoup((out / f"{stem}.html").read_text(encoding="utf-8"), "html.parser").get_text()
        docx = " ".join(p.text for p in Document(str(out / f"{stem}.docx")).paragraphs)
        for text in (pdf, " ".join(html.split()), docx.replace("\u00a0", " ")):
            assert shown in text.replace("\u00a0", " "), stem


def test_proper_names_are_not_hyphenated(tmp_path):
    """A name of up to 15 letters stays whole on every line it stands on."""
    name = "Ønskeø Ungdomsforening"
    assert len("Ungdomsforening") == 15
    text = FJORDBY_TEXT.replace("name: Familiestøtten Fjordby", f"name: {name}")
    out = _built(tmp_path, "navn", text)
    raw = "\n".join(page.extract_text() for page in PdfReader(out / "navn.pdf").pages)
    html = BeautifulSoup((out / "navn.html").read_text(encoding="utf-8"), "html.parser").get_text()
    shown = html.count("Ungdomsforening")
    assert shown >= 5 and raw.count("Ungdomsforening") >= shown - 1  # whole on every line
    assert not re.search(r"Ungdoms?-\n|Ungdomsforenin?-\n|Ungdomsfor-\n", raw)


def test_body_text_is_ragged_right_and_never_hyphenated(tmp_path):
    """The PDF's text is set as the DOCX's and the HTML's are, and as a letter from Word: lines of
    a paragraph end where their last word ends (a justified paragraph's all end at the right
    margin), with the same space between words, and no word is broken with a hyphen."""
    compounds = "koordinationsmøderne samarbejdsaftalen frivilligkoordinatoren sundhedsplejerskerne"
    sentence = f"Vi holder {compounds} og familievennerne orienteret om forløbet."
    text = FJORDBY_TEXT.replace("status: signed", "status: draft")
    text = text.replace(
        "  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til.",
        "  vision: " + " ".join([sentence] * 12),
    )
    out = _built(tmp_path, "venstrestillet", text)
    boxes = subprocess.run(
        [poppler("pdftotext"), "-bbox-layout", str(out / "venstrestillet.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [
        (float(x_max), re.findall(r">([^<]+)</word>", line))
        for x_max, line in re.findall(
            r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</line>', boxes, re.S
        )
    ]
    vision = [(x_max, words) for x_max, words in lines if words and words[0] in {"Vi", *sentence.split()}]
    assert len(vision) >= 8, lines[:20]
    ends = [x_max for x_max, _ in vision[:-1]]  # the last line of a paragraph is short anyway
    assert max(ends) - min(ends) > 20, ends  # ragged: justified lines all end within a point
    assert not [words for _, words in vision if words[-1].endswith(("-", "\u00ad"))]
    assert "".join(w for _, words in vision for w in words).count("koordinationsmøderne") == 12


def test_a_word_wider_than_its_column_is_hyphenated_not_run_over_the_margin(tmp_path):
    """The text is not hyphenated, but a word of 30 letters or more may be wider than its column:
    a 112-letter word in the vision ran 67 points past the right margin, over the page's edge,
    and a 52-letter title over the column beside it. Such a word may be hyphenated; a shorter one
    stays whole."""
    huge = "Ungdomsuddannelsesvejledningssystemetsadministrationsmedarbejdernesarbejdsmiljø"
    huge += "samarbejdsudvalgsrepræsentanterne"
    title = "Ungdomsuddannelsesvejledningskoordinatorsuppleanterne"
    text = FJORDBY_TEXT.replace("status: signed", "status: draft")
    vision = "  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til."
    text = text.replace(vision, f"{vision[:-1]}, også {huge} og alle andre.")
    text = text.replace("    title: Direktør for Børn og Familie", f"    title: {title}")
    out = _built(tmp_path, "bred", text)
    pdf = str(out / "bred.pdf")
    raw = subprocess.run([poppler("pdftotext"), pdf, "-"], capture_output=True, text=True).stdout
    joined = re.sub(r"[-\u00ad]\n", "", raw)
    for word in (huge, title):
        assert word in joined and word not in raw  # hyphenated, and nothing lost
    assert "småbørnsfamilier" in raw  # 16 letters: whole
    boxes = subprocess.run([poppler("pdftotext"), "-bbox", pdf, "-"], capture_output=True, text=True).stdout
    margin = (21.0 - 2.3) / 2.54 * 72  # the right margin, in points from the page's left edge
    ends = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert ends and max(ends) <= margin + 0.5, (max(ends), margin)
    words = re.findall(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>([^<]+)<', boxes)
    [(left, right)] = [
        (float(a), float(b)) for a, b, w in words if w.startswith("Ungdomsuddannelsesvejledningsk")
    ]
    [(neighbour, _)] = [(float(a), float(b)) for a, b, w in words if w == "Sted" and float(a) > left + 100][
        :1
    ]
    assert right < neighbour, (right, neighbour)  # within its own column


def test_a_word_wider_than_its_table_column_is_hyphenated_not_run_over_the_next(tmp_path):
    """A 37-letter word as a goal's indicator: whole, it ran into the «Frist» column and printed
    over the date. Now it is hyphenated within its column; the date beside it stays whole."""
    word = "Ungdomsuddannelsesvejledningssystemet"
    text = FJORDBY_TEXT.replace("status: signed", "status: draft")
    text, count = re.subn(r"(\n\s+indicator: )[^\n]+", rf"\g<1>{word}", text, count=1)
    assert count == 1
    out = _built(tmp_path, "celle", text)
    raw = "\n".join(page.extract_text() for page in PdfReader(out / "celle.pdf").pages)
    joined = re.sub(r"[-\u00ad]\n", "", raw)
    assert word in joined and word not in raw  # hyphenated, and nothing lost
    html = BeautifulSoup((out / "celle.html").read_text(encoding="utf-8"), "html.parser").get_text()
    assert word in html  # the HTML wraps it itself


def test_a_long_address_breaks_within_its_table_column_and_is_copied_as_written(tmp_path):
    """An e-mail and a web address as a goal's indicator, each wider than the column: whole, they
    ran into the «Frist» column. Now they break before a ".", "@" or "/" and stay within their
    column, with no hyphen and nothing added: the text taken out of the PDF, with its line
    breaks removed, is each address as written."""
    email = "sundhedsplejen.familievenner@fjordbykommune.example"
    url = "https://www.fjordbykommune.example/familie/statistik"
    text = FJORDBY_TEXT.replace("status: signed", "status: draft")
    text, count = re.subn(r"(\n\s+indicator: )[^\n]+", rf"\g<1>Skriv til {email}", text, count=1)
    text, more = re.subn(r"(\n\s+indicator: )(?!Skriv)[^\n]+", rf"\g<1>Tal fra {url}", text, count=1)
    assert count == more == 1
    out = _built(tmp_path, "adresse", text)
    [page] = [
        n for n, p in enumerate(PdfReader(out / "adresse.pdf").pages, 1) if "Indikator" in p.extract_text()
    ]
    pdf = str(out / "adresse.pdf")
    raw = subprocess.run(
        [poppler("pdftotext"), "-f", str(page), "-l", str(page), pdf, "-"], capture_output=True, text=True
    ).stdout
    assert "\u200b" not in raw and "\u00ad" not in raw
    for address in (email, url):
        assert address not in raw and address in raw.replace("\n", "")  # broken, nothing lost or added
    boxes = subprocess.run(
        [poppler("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), pdf, "-"],
        capture_output=True,
        text=True,
    ).stdout
    words = [
        (float(x_min), float(x_max), word)
        for x_min, x_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]+)<', boxes
        )
    ]
    [deadline] = [x_min for x_min, _, word in words if word == "Frist"]
    parts = [(x_max, word) for _, x_max, word in words if word in email + url and len(word) > 4]
    assert len(parts) >= 5, parts
    assert all(x_max < deadline - 4 for x_max, _ in parts), (deadline, parts)


def test_arabic_script_is_set_in_plex_sans_arabic_not_a_monospaced_fallback(tmp_path):
    """An association's name in Arabic: IBM Plex Sans has no Arabic, and Typst fell back to its
    DejaVu Sans Mono, which drew the letters unjoined. The template names IBM Plex Sans Arabic
    next; Latin text keeps IBM Plex Sans, so no other document changes."""
    arabic = "جمعية النساء العربيات"
    text = FJORDBY_TEXT.replace("status: signed", "status: draft")
    text = text.replace("    unit: Børne- og Familieafdelingen", f"    unit: {arabic}", 1)
    assert arabic in text
    out = _built(tmp_path, "arabisk", text)
    fonts = subprocess.run(
        [poppler("pdffonts"), str(out / "arabisk.pdf")], capture_output=True, text=True, check=True
    ).stdout
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert names == {"IBMPlexSans", "IBMPlexSans-Bold", "IBMPlexSansArabic"}, names
    raw = subprocess.run(
        [poppler("pdftotext"), str(out / "arabisk.pdf"), "-"], capture_output=True, text=True
    )
    assert all(word in raw.stdout for word in arabic.split()), raw.stdout[:800]


def test_partner_lines_have_no_doubled_parentheses_and_labels_do_not_repeat_headings(built):
    pdf = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(built / "norreby-reading-friends.pdf").pages
    )
    assert ") (" not in pdf
    assert "Læsevenner Nørreby (Reading Friends Nørreby)" in pdf and "Sector: civil society" in pdf
    fjordby = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(built / "fjordby-familievenner.pdf").pages
    )
    assert "Projektledelse: " not in fjordby and "Delt projektledelse:" not in fjordby
    assert (
        "6.1 Projektledelse Projektledelsen er delt mellem Fjordby Kommune og Familiestøtten Fjordby."
        in fjordby
    )


def test_case_numbers_with_each_party_in_the_title_block_and_at_its_signature(tmp_path):
    text = FJORDBY_TEXT.replace('    cvr: "12345674"', '    cvr: "12345674"\n    case_number: 2025-004512')
    assert text != FJORDBY_TEXT
    out = _built(tmp_path, "sag", text)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out / "sag.pdf").pages]
    assert "Sagsnumre: Fjordby Kommune: 2025-004512" in pages[0]
    assert "Sektor: offentlig · CVR 12345674 · Sagsnr. 2025-004512" in pages[0]
    signing = next(p for p in pages[1:] if "13 Underskrift" in p)
    assert "For Fjordby Kommune Sagsnr. 2025-004512" in signing
    assert "For Familiestøtten Fjordby Sted og dato" in signing  # the other party has none
    html = " ".join(
        BeautifulSoup((out / "sag.html").read_text(encoding="utf-8"), "html.parser").get_text().split()
    )
    docx = " ".join(p.text for p in Document(str(out / "sag.docx")).paragraphs)
    for document in (html, docx):
        assert "Sagsnumre: Fjordby Kommune: 2025-004512" in document and "Sagsnr. 2025-004512" in document


def test_a_case_number_that_names_its_kind_is_shown_as_written(tmp_path):
    """The schema's own example, «J.nr. 17/2025», carries its label: no «Sagsnr. J.nr. …»."""
    from partnerskab.context import case_text
    from partnerskab.i18n import LABELS

    da, en = LABELS["da"], LABELS["en"]
    assert case_text("2025-004512", da) == "Sagsnr. 2025-004512"
    assert case_text("2025-004512", en) == "Case no. 2025-004512"
    labelled = ("J.nr. 17/2025", "j.nr. 17/2025", "Jnr. 17", "Journalnr. 4", "Sagsnr. 12", "Sag nr. 3")
    for own in labelled:
        assert case_text(own, da) == own, own
    assert case_text("Jensen-sagen 4", da) == "Sagsnr. Jensen-sagen 4"  # a word, not a label
    assert case_text(None, da) == case_text("", da) == ""
    text = FJORDBY_TEXT.replace('    cvr: "12345674"', '    cvr: "12345674"\n    case_number: J.nr. 17/2025')
    out = _built(tmp_path, "jnr", text.replace("status: signed", "status: draft"))
    pdf = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out / "jnr.pdf").pages)
    soup = BeautifulSoup((out / "jnr.html").read_text(encoding="utf-8"), "html.parser")
    html = " ".join(soup.get_text().split())
    docx = " ".join(" ".join(p.text.split()) for p in Document(str(out / "jnr.docx")).paragraphs)
    for document in (pdf, html, docx):
        assert "Sagsnr. J.nr." not in document
        assert "· J.nr. 17/2025" in document  # in the list of partners
    assert "For Fjordby Kommune J.nr. 17/2025" in pdf


def test_version_and_date_in_the_title_block_and_on_every_page(built):
    for example, version in (
        ("fjordby-familievenner", "Version 2 · 1. september 2026"),
        ("aaby-ungementor", None),
    ):
        reader = PdfReader(built / f"{example}.pdf")
        pages = [" ".join(p.extract_text().split()) for p in reader.pages]
        version = version or re.search(r"Version \d+ · [^·]+? \d{4}", pages[0])[0]
        assert pages[0].removeprefix("UDKAST ").startswith(f"PARTNERSKABSAFTALE {version}")
        assert all(page.count(version) >= 1 for page in pages), example
    # one version for each amendment: the English example has one, so it is version 2
    english = " ".join(PdfReader(built / "norreby-reading-friends.pdf").pages[0].extract_text().split())
    assert "PARTNERSHIP AGREEMENT Version 2 · 15 September 2026" in english


def test_the_contents_name_the_ten_key_elements_with_their_pages(built):
    first = " ".join(PdfReader(built / "fjordby-familievenner.pdf").pages[0].extract_text().split())
    contents = first[first.index("Indhold") : first.index("Bilag: Ændringslog")]
    for number in range(1, 11):
        assert f"nøgleelement {number} " in contents
    assert re.search(r"13 Underskrift · nøgleelement 10 [. ]+\d", contents)
    assert re.search(r"3 Aktiviteter [. ]+\d", contents)  # not one of the ten: no note


def test_the_contents_say_what_a_key_element_is(built):
    """A reader who meets «nøgleelement 3» in the contents is told, under them, what it means.
    (A draft: a signed example's PDF is its sealed copy, made before the note.)"""
    for example, note in (
        (
            "aaby-ungementor",
            "Nøgleelement 1–10 er Socialstyrelsens ti nøgleelementer i en formel partnerskabsaftale.",
        ),
    ):
        first = " ".join(PdfReader(built / f"{example}.pdf").pages[0].extract_text().split())
        assert note in first
        assert (
            first.index("13 Underskrift")
            < first.index(note)
            < first.index("1 Aftalens partnere", first.index(note))
        )
