"""The HTML agreements and the register on a phone and on a wide screen, in a real Chromium: no page
is wider than the window, tables scroll inside themselves, long words wrap, the register becomes
cards, and the web font (IBM Plex Sans, in fonts/ beside the pages) really loads, from a file and
from a web server, under the pages' own Content-Security-Policy. And the page shows its version
as the PDF does.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading

import pytest
from bs4 import BeautifulSoup

from .conftest import EXAMPLES, FJORDBY, agreements_folder, run_cli, seal_if_signed
from .test_accessibility import browser, run_axe, site  # noqa: F401  (fixtures)

PHONE = {"width": 390, "height": 844}  # an iPhone 12 to 15 in portrait
DESKTOP = {"width": 1280, "height": 800}
PAGES = [f"{example.stem}.html" for example in EXAMPLES] + ["index.html"]
FAMILY = "IBM Plex Sans"

# What sticks out to the right of the window, leaving out what lies inside a scrolling container.
WIDER_THAN_THE_WINDOW = """() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const element of document.body.querySelectorAll('*')) {
        const box = element.getBoundingClientRect();
        const scroller = element.parentElement.closest('.table-scroll');
        if (box.right > width + 0.5 && !scroller) {
            const text = element.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60);
            out.push(`${element.tagName.toLowerCase()}.${element.className}:`
                + ` right edge at ${Math.round(box.right)} px «${text}»`);
        }
    }
    return out.slice(0, 10);
}"""


def open_page(browser, url: str, viewport: dict):  # noqa: F811
    """A new page at `url`, its web fonts loaded (or failed); the caller closes page.context."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
@pytest.mark.parametrize("name", PAGES)
def test_no_page_is_wider_than_the_window(browser, site, name, viewport):  # noqa: F811
    page = open_page(browser, (site / name).as_uri(), viewport)
    try:
        width = page_width(page)
        assert width <= viewport["width"], (
            f"{name} is {width} px wide in a {viewport['width']} px window:\n  "
            + "\n  ".join(page.evaluate(WIDER_THAN_THE_WINDOW))
        )
    finally:
        page.context.close()


@pytest.mark.parametrize("name", [f"{example.stem}.html" for example in EXAMPLES])
def test_tables_scroll_inside_a_named_focusable_container(browser, site, name):  # noqa: F811
    """Every table sits in a .table-scroll that scrolls sideways by itself, fits the phone's
    screen, can be reached with the Tab key, shows where the focus is, and is named by the
    table's caption; the caption is small, muted and left-aligned above the table."""
    page = open_page(browser, (site / name).as_uri(), PHONE)
    try:
        tables = page.evaluate(
            """() => [...document.querySelectorAll('table')].map(table => {
                const box = table.parentElement;
                const caption = table.caption;
                const style = caption && getComputedStyle(caption);
                return {
                    container: box.className,
                    overflowX: getComputedStyle(box).overflowX,
                    right: box.getBoundingClientRect().right,
                    tabindex: box.getAttribute('tabindex'),
                    role: box.getAttribute('role'),
                    label: box.getAttribute('aria-label'),
                    caption: caption && caption.textContent.trim(),
                    captionSide: style && style.captionSide,
                    captionAlign: style && style.textAlign,
                    captionColor: style && style.color,
                    captionSize: style && parseFloat(style.fontSize),
                    bodySize: parseFloat(getComputedStyle(document.body).fontSize),
                };
            })"""
        )
        assert tables, name
        for table in tables:
            assert table["container"] == "table-scroll" and table["overflowX"] == "auto", table
            assert table["right"] <= PHONE["width"], table
            assert table["tabindex"] == "0" and table["role"] == "region", table
            if table["caption"]:
                assert table["label"] == table["caption"], table
                assert table["captionSide"] == "top" and table["captionAlign"] == "left", table
                assert table["captionColor"] == "rgb(85, 85, 85)", table  # muted, #555555
                assert table["captionSize"] < table["bodySize"], table
        # The first table's container, reached with the keyboard, has a visible outline.
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('table-scroll')"):
                break
        else:
            pytest.fail(f"Tab never reaches a table in {name}")
        outline = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
        )
        assert outline[0] != "none" and outline[1] >= 2, outline
    finally:
        page.context.close()


def test_the_register_is_a_table_wide_and_stacked_cards_on_a_phone(browser, site):  # noqa: F811
    """On a phone each agreement is a card and each cell shows its column's name; screen readers
    still get a table with column headers, and the shown name is not read a second time."""
    url = (site / "index.html").as_uri()
    page = open_page(browser, url, DESKTOP)
    try:
        assert page.evaluate("getComputedStyle(document.querySelector('#agreements tbody tr')).display") == (
            "table-row"
        )
    finally:
        page.context.close()
    page = open_page(browser, url, PHONE)
    try:
        cells = page.evaluate(
            """() => {
                const headers = [...document.querySelectorAll('#agreements thead th')]
                    .map(th => th.textContent.trim());
                return [...document.querySelectorAll('#agreements tbody tr')].flatMap(row =>
                    [...row.cells].map((cell, i) => ({
                        header: headers[i],
                        display: getComputedStyle(cell).display,
                        label: getComputedStyle(cell, '::before').content,
                        kind: cell.tagName,
                    })));
            }"""
        )
        assert cells
        for cell in cells:
            assert cell["display"] == "block", cell
            if cell["kind"] == "TD":
                # the label is the column's name, with empty alternative text for screen readers
                assert cell["label"] == f'"{cell["header"]}" / ""', cell
        tree = page.locator("#agreements").aria_snapshot()
        assert "columnheader" in tree and "rowheader" in tree and "- cell" in tree, tree
        # the status cell is named by its text alone (a signed agreement's says it is sealed)
        assert 'cell "Underskrevet Forseglet udgave: version 2"' in tree, tree
        # the sort buttons still work on a phone
        page.click("th[data-sort='days'] button")
        assert page.get_attribute("th[data-sort='days']", "aria-sort") == "ascending"
    finally:
        page.context.close()


def test_the_register_on_a_phone_is_accessible(browser, site):  # noqa: F811
    results = run_axe(browser, site / "index.html", viewport=PHONE)
    assert results["violations"] == [], results["violations"]


@pytest.fixture(scope="module")
def server(site):  # noqa: F811
    """The built folder served over HTTP on 127.0.0.1 (http.server, as `python -m http.server`)."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass


@pytest.mark.parametrize("name", ["fjordby-familievenner.html", "norreby-reading-friends.html", "index.html"])
@pytest.mark.parametrize("scheme", ["file", "http"])
def test_the_web_font_loads_under_the_pages_own_policy(browser, site, server, name, scheme):  # noqa: F811
    """IBM Plex Sans really loads from fonts/ beside the page, opened from a file:// URL and from a
    local web server, with the page's Content-Security-Policy in force (no bypass), and is the
    body's first font."""
    url = (site / name).as_uri() if scheme == "file" else f"{server}/{name}"
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        console, fonts = [], []
        page.on("console", lambda message: console.append(message.text))
        page.on(
            "requestfinished", lambda request: fonts.append(request.url) if "/fonts/" in request.url else None
        )
        page.goto(url, wait_until="load")
        faces = page.evaluate(
            """family => document.fonts.ready.then(() => [...document.fonts]
                .filter(face => face.family.replace(/"/g, '') === family)
                .map(face => [face.weight, face.style, face.status]))""",
            FAMILY,
        )
        assert ["400", "normal", "loaded"] in faces, (faces, console)
        assert ["700", "normal", "loaded"] in faces, (faces, console)  # the headings are bold
        assert not any(status == "error" for *_, status in faces), (faces, console)
        assert page.evaluate('family => document.fonts.check(`16px "${family}"`)', FAMILY)
        assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith(f'"{FAMILY}"')
        assert any(url.endswith("/fonts/IBMPlexSans-Regular.woff2") for url in fonts), fonts
        assert not [line for line in console if "Content Security Policy" in line], console
    finally:
        context.close()


def test_a_page_without_font_src_cannot_load_the_font(browser, site, tmp_path):  # noqa: F811
    """The font test can fail: the same page with the policy's font-src removed gets no web font."""
    page_file = tmp_path / "blocked.html"
    html = (site / "fjordby-familievenner.html").read_text(encoding="utf-8")
    assert "; font-src 'self'" in html
    page_file.write_text(html.replace("; font-src 'self'", ""), encoding="utf-8")
    shutil.copytree(site / "fonts", tmp_path / "fonts")
    page = open_page(browser, page_file.as_uri(), DESKTOP)
    try:
        statuses = page.evaluate(
            "family => [...document.fonts]"
            ".filter(f => f.family.replace(/\"/g, '') === family).map(f => f.status)",
            FAMILY,
        )
        assert "loaded" not in statuses and "error" in statuses, statuses
    finally:
        page.context.close()


LONG_WORD = (
    "Familievennekoordinationssekretariatsadministrationsmedarbejder"
    "uddannelsesforløbsevalueringsrapportudarbejdelsesprocedure"
)
LONG_EMAIL = "familievennekoordinationssekretariatet.fjordby.kommune@familiestoetten-fjordby-og-omegn.example"


@pytest.fixture(scope="module")
def long_words(site, tmp_path_factory):  # noqa: F811
    """The Fjordby example with a 120-letter word as a goal (a table cell) and in the vision (a
    paragraph), and a long e-mail address as an indicator (a table cell) and as a contact (a list)."""
    assert len(LONG_WORD) >= 120 and " " not in LONG_WORD
    base = tmp_path_factory.mktemp("long")
    text = FJORDBY.read_text(encoding="utf-8")
    replacements = [
        (
            "    - text: 40 familier har haft en frivillig familieven i mindst 6 måneder.",
            f"    - text: {LONG_WORD}",
        ),
        ("      indicator: Antal forløb af mindst 6 måneders varighed", f"      indicator: {LONG_EMAIL}"),
        (
            "  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til.",
            f"  vision: {LONG_WORD}",
        ),
        ("      email: so@familiestotten.example", f"      email: {LONG_EMAIL}"),
    ]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = agreements_folder(base) / "lange-ord.yaml"
    path.write_text(text, encoding="utf-8")
    seal_if_signed(path)
    out = base / "out"
    result = run_cli("build", str(path), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "fonts" / "IBMPlexSans-Regular.woff2").is_file()  # a build of one file writes them too
    return out / "lange-ord.html"


LONG_TEXT = """([word, email]) => {
    const holding = (selector, text) => [...document.querySelectorAll(selector)]
        .filter(element => element.textContent.includes(text));
    const box = element => {
        const rect = element.getBoundingClientRect();
        return {tag: element.tagName, right: rect.right, width: rect.width,
                overflows: element.scrollWidth > element.clientWidth + 1};
    };
    return {
        paragraphs: holding('main p', word).map(box),
        contacts: holding('main li', email).map(box),
        cells: [...holding('td', word), ...holding('td', email)].map(box),
        containers: [...holding('.table-scroll', word)].map(box),
    };
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_long_words_and_addresses_wrap(browser, long_words, viewport):  # noqa: F811
    page = open_page(browser, long_words.as_uri(), viewport)
    try:
        width = page_width(page)
        assert width <= viewport["width"], f"{width} px:\n  " + "\n  ".join(
            page.evaluate(WIDER_THAN_THE_WINDOW)
        )
        found = page.evaluate(LONG_TEXT, [LONG_WORD, LONG_EMAIL])
        # in running text the word and the address break at the edge of the column
        for element in found["paragraphs"] + found["contacts"]:
            assert not element["overflows"] and element["right"] <= viewport["width"], found
        assert found["paragraphs"] and found["contacts"], found
        # in a table they break inside their cell (the word alone is some 1000 px long), and the
        # table stays inside its container, which stays inside the window
        assert len(found["cells"]) == 2, found
        for cell in found["cells"]:
            assert not cell["overflows"] and cell["width"] < 400, found
        [container] = found["containers"]
        assert container["right"] <= viewport["width"], found
        if viewport is DESKTOP:  # where there is room, the table needs no scrolling at all
            assert not container["overflows"], found
    finally:
        page.context.close()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_title_block_and_footer_show_the_version(site, example):  # noqa: F811
    """As in the PDF: the kind of document and its version and date above the title, and the
    title and the version once more at the end of the page."""
    soup = BeautifulSoup((site / f"{example.stem}.html").read_bytes(), "html5lib")
    text = lambda element: " ".join(element.get_text(" ").split())  # noqa: E731  (also no-break spaces)
    version = text(soup.select_one(".title-block .document-version"))
    assert re.fullmatch(r"Version \d+ · \d{1,2}\.? \w+ 20\d\d", version), version
    kind = text(soup.select_one(".title-block .document-kind"))
    assert kind in {"Partnerskabsaftale", "Partnership agreement"}, kind
    footer = soup.select("main > footer.document-footer")
    assert len(footer) == 1 and footer[0] is soup.main.find_all(recursive=False)[-1]
    assert text(footer[0]) == f"{text(soup.h1)} · {version}"


NARROW = {"width": 300, "height": 700}  # narrower than any phone: WCAG 1.4.10 asks for 320 px


@pytest.mark.parametrize("viewport", [NARROW, PHONE, DESKTOP], ids=["300px", "390px", "1280px"])
def test_the_lines_to_sign_on_are_level_side_by_side_and_stacked_on_a_phone(browser, tmp_path, viewport):  # noqa: F811
    """A party with a long name (above the line) or a signer with a long title (under it)
    pushes nothing in its neighbour's block: side by side the two lines stand at the same
    height; on a phone the blocks stand one under the other."""
    text = FJORDBY.read_text(encoding="utf-8").replace("\nstatus: signed\n", "\nstatus: draft\n", 1)
    long_name = "Familiestøtten Fjordby, en frivillig forening for småbørnsfamilier i hele kommunen"
    text = text.replace("    name: Familiestøtten Fjordby\n", f"    name: {long_name}\n", 1)
    long_title = "Formand for organisationsbestyrelsen og repræsentantskabet i hele kommunen"
    text = text.replace("    title: Direktør for Børn og Familie\n", f"    title: {long_title}\n", 1)
    assert long_title in text
    path = agreements_folder(tmp_path) / "lange-navne.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("build", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    page = open_page(browser, (tmp_path / "out" / "lange-navne.html").as_uri(), viewport)
    try:
        lines = page.evaluate(
            "[...document.querySelectorAll('.signature-line')].map(e => e.getBoundingClientRect())"
            ".map(r => ({top: Math.round(r.top), left: Math.round(r.left)}))"
        )
        assert len(lines) == 2, lines
        if viewport is DESKTOP:
            assert lines[0]["top"] == lines[1]["top"] and lines[0]["left"] < lines[1]["left"], lines
        else:
            assert lines[0]["top"] < lines[1]["top"] and lines[0]["left"] == lines[1]["left"], lines
        assert page_width(page) <= viewport["width"]  # the blocks never push the page wider
    finally:
        page.context.close()
