"""build/index.html, build/agreements.csv and build/agreements.json: the catalogue of all
agreements, opened as people and programs open them."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from partnerskab.load import load

from .conftest import EXAMPLES, ROOT
from .test_accessibility import browser, describe, run_axe  # noqa: F401  (browser is a fixture)

EPOCH = "1795435200"  # 2026-11-23 12:00 UTC: fixes "days left"


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    out = tmp_path_factory.mktemp("register")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_csv_opens_in_danish_excel(register):
    raw = (register / "agreements.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == len(EXAMPLES)
    fjordby = next(r for r in rows if r["Fil"] == "fjordby-familievenner.yaml")
    assert fjordby["Aftale"] == "Frivillig familiestøtte i Fjordby"
    assert fjordby["Partnere"] == "Fjordby Kommune | Familiestøtten Fjordby"
    assert fjordby["Slutdato"] == "2027-12-31" and fjordby["Dage til næste dato"] == "403"
    assert fjordby["Budget i alt (kr.)"] == "500000"
    # for people in Excel: Danish words, not the codes the JSON keeps
    assert fjordby["Status"] == "Underskrevet" and fjordby["Sprog"] == "dansk"
    assert fjordby["Sektorer"] == "civilsamfund | offentlig" and fjordby["Varighed"] == "fast periode"
    gadekaer = next(r for r in rows if r["Fil"] == "gadekaer-vaeresteder.yaml")
    assert gadekaer["Varighed"] == "indtil opsigelse" and gadekaer["Hvad næste dato er"] == "Tages op senest"
    assert b"\r\n" in raw


def test_json_register_has_the_main_fields(register):
    document = json.loads((register / "agreements.json").read_text(encoding="utf-8"))
    assert document["generated_for"] == "2026-11-23"
    by_file = {a["file"]: a for a in document["agreements"]}
    assert set(by_file) == {e.name for e in EXAMPLES}
    aaby = by_file["aaby-ungementor.yaml"]
    assert aaby["status"] == "draft" and aaby["language"] == "da"
    assert {p["sector"] for p in aaby["partners"]} == {"public", "civil_society", "private"}
    assert aaby["pdf"] == "aaby-ungementor.pdf" and (register / aaby["pdf"]).exists()


def test_index_lists_every_agreement_with_partners_period_status_days_and_links(register):
    soup = BeautifulSoup((register / "index.html").read_bytes(), "html5lib")
    rows = soup.select("#agreements tbody tr")
    assert len(rows) == len(EXAMPLES)
    for example in EXAMPLES:
        data = load(example).data
        [row] = [r for r in rows if r.th.get_text() == data["title"]]
        text = " ".join(row.get_text(" ").split())
        for partner in data["partners"]:
            assert partner["name"] in text
        assert row.select_one(".status").get_text() in {"Udkast", "Underskrevet", "Afsluttet"}
        hrefs = [a["href"] for a in row.find_all("a")]
        annexes = [
            f"{example.stem}.bilag-{i + 1}.pdf" for i, a in enumerate(data.get("annexes", [])) if "file" in a
        ]
        assert hrefs == [f"{example.stem}.{s}" for s in ("pdf", "docx", "html")] + annexes
        for href in hrefs:  # every link leads to a file the build wrote
            assert (register / href).is_file(), href
        assert all((register / href).exists() for href in hrefs)
    fjordby = next(r for r in rows if "Fjordby" in r.th.get_text())
    assert "1. januar 2026 – 31. december 2027" in fjordby.get_text().replace("\xa0", " ")
    assert fjordby.select("td.num")[0].get_text() == "403"
    assert "(offentlig)" in fjordby.get_text() and "(civilsamfund)" in fjordby.get_text()


def test_index_uses_no_external_resources_and_only_its_own_script(register):
    html = (register / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html5lib")
    assert not soup.find_all(src=True) and not soup.find("link")
    assert all(not a["href"].startswith(("http:", "https:", "//")) for a in soup.find_all("a"))
    [script] = soup.find_all("script")
    digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
    policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert f"script-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy


def test_index_sorts_filters_and_prints_in_a_real_browser(browser, register):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto((register / "index.html").as_uri())
    titles = lambda: page.eval_on_selector_all(  # noqa: E731
        "#agreements tbody tr:not([hidden]) th", "cells => cells.map(c => c.textContent)"
    )
    assert page.is_visible("form.filters")  # the script ran under the page's own CSP
    page.click("th[data-sort='days'] button")
    days = page.eval_on_selector_all(
        "#agreements tbody tr td.num", "cells => cells.map(c => Number(c.textContent))"
    )
    assert days == sorted(days)
    page.click("th[data-sort='days'] button")
    assert page.get_attribute("th[data-sort='days']", "aria-sort") == "descending"
    # the caption says the order the table is in now, not the order it was written in
    assert (
        page.text_content("#agreements caption")
        == "Alle partnerskabsaftaler, sorteret efter «Dage tilbage», faldende"
    )
    page.fill("#q", "åby")
    assert titles() == ["Frivillige mentorer til unge i Åby"]
    url = page.url
    page.press("#q", "Enter")  # the form has a submit button (HTML_CodeSniffer); it filters in place
    assert page.url == url and titles() == ["Frivillige mentorer til unge i Åby"]
    assert page.is_visible("form.filters button[type=submit]")
    assert page.text_content("#count") == f"1 af {len(EXAMPLES)} aftaler vises."
    page.fill("#q", "")
    page.select_option("#status", "signed")
    assert len(titles()) == sum(load(e).data["status"] == "signed" for e in EXAMPLES)
    page.emulate_media(media="print")
    assert not page.is_visible("form.filters")
    assert len(
        page.eval_on_selector_all("#agreements tbody tr", "rows => rows.filter(r => r.offsetParent)")
    ) == len(EXAMPLES)
    context.close()


def test_index_is_accessible(browser, register):  # noqa: F811
    results = run_axe(browser, register / "index.html")
    assert results["violations"] == [], describe(results["violations"])


def test_register_is_written_only_for_a_whole_build(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", str(EXAMPLES[0]), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0
    assert not (tmp_path / "index.html").exists()


def test_csv_cells_that_look_like_formulas_stay_text():
    from partnerskab.register import to_csv

    row = {
        "file": "x.yaml",
        "title": '=HYPERLINK("http://x")',
        "status": "draft",
        "language": "da",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "days_left": 3,
        "partners": [{"name": "@evil", "sector": "public"}],
        "sectors": ["public"],
        "budget_total": 1,
        "financing_total": 1,
        "pdf": "x.pdf",
        "docx": "x.docx",
        "html": "x.html",
    }
    [parsed] = list(csv.DictReader(io.StringIO(to_csv([row]).decode("utf-8-sig"), newline=""), delimiter=";"))
    assert parsed["Aftale"] == '\'=HYPERLINK("http://x")' and parsed["Partnere"] == "'@evil"


def test_an_agreement_that_has_renewed_itself_shows_the_period_it_is_in(register):
    """Skovlund's first period ended 31 July 2026 and renews by a year: on 23 November 2026
    the register shows the period that runs now, and when the first began."""
    soup = BeautifulSoup((register / "index.html").read_text(encoding="utf-8"), "html.parser")
    [row] = [r for r in soup.select("tbody tr") if "skovlund" in str(r)]
    period = " ".join(row.select_one('td[data-label="Periode og næste dato"]').get_text(" ").split())
    assert period.startswith(
        "1. august 2026 – 31. juli 2027, forlænges automatisk (første periode begyndte 1. august 2025)"
    ), period


def test_the_page_template_is_loaded_ahead_and_a_changed_one_is_read_again(tmp_path, monkeypatch):
    """A build of the whole folder loads the register page's template while its first worker
    renders (pipeline._ready_to_finish), and keeps it; a process that lives on (the live
    preview) still writes the page from the template as it is now."""
    import shutil

    from partnerskab import pipeline, register

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    monkeypatch.setattr(register, "TEMPLATES", templates)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    register._environment.cache_clear()
    try:
        pipeline._ready_to_finish(register=False)
        assert register._environment.cache_info().currsize == 0  # a build of named files: not needed
        pipeline._ready_to_finish(register=True)
        assert register._environment.cache_info().currsize == 1
        rows = [register.entry(str(EXAMPLES[0]), load(EXAMPLES[0]).data)]
        on = register.today()
        before = register.to_html(register.with_days_left(rows, on), on).decode()
        page = templates / "index.html.j2"
        page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>ændret</p></body>"), "utf-8")
        after = register.to_html(register.with_days_left(rows, on), on).decode()
    finally:
        register._environment.cache_clear()
    assert "<p>ændret</p>" not in before and "<p>ændret</p>" in after
