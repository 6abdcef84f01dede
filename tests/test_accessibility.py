"""The HTML meets WCAG 2.1 AA as axe-core and HTML_CodeSniffer see it, in a real headless Chromium:
pa11y's two runners (axe and htmlcs), without pa11y, which needs a Chrome download of its own.

axe-core and HTML_CodeSniffer are vendored in tests/vendor/ (see their READMEs), so nothing is fetched
while the tests run. Chromium is Debian's /usr/bin/chromium, driven by Playwright; `playwright install`
is never needed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .conftest import EXAMPLES, ROOT, missing_program, run_cli

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
HTMLCS = ROOT / "tests" / "vendor" / "html_codesniffer" / "HTMLCS.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require_chromium() -> None:
    if os.access(CHROMIUM, os.X_OK):
        return
    missing_program(f"{CHROMIUM} is missing: install Debian's `chromium` package (.ci/run does)")


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


_SITE: dict[str, Path] = {}


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """Every example and the register, as `make` builds them: `build.py build` over the whole
    agreements/ folder, so index.html and the web fonts (fonts/) lie beside the pages. (`built`
    names the files, and a build of named files writes no register.) Built once per run: pytest
    keeps a fixture imported into another module (tests/test_phone.py) apart, hence _SITE."""
    if "out" not in _SITE:
        out = tmp_path_factory.mktemp("site")
        result = run_cli("build", "--out", str(out))
        assert result.returncode == 0, result.stdout + result.stderr
        assert (out / "index.html").is_file() and (out / "fonts").is_dir()
        _SITE["out"] = out
    return _SITE["out"]


def run_axe(browser, html: Path, viewport: dict | None = None) -> dict:
    """Open `html` from a file:// URL and return axe-core's results for the WCAG 2.1 A and AA rules."""
    # The documents forbid scripts with a Content-Security-Policy; only the test's own axe may run.
    context = browser.new_context(bypass_csp=True, java_script_enabled=True, viewport=viewport)
    try:
        page = context.new_page()
        page.goto(html.resolve().as_uri(), wait_until="load")
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        return page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            TAGS,
        )
    finally:
        context.close()


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation.get('impact')}): {violation['help']}\n    {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            lines.append(f"    - {target}\n      {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def test_axe_is_vendored():
    """The vendored axe.min.js is the version its README names, with its licence beside it."""
    head = AXE.read_text(encoding="utf-8")[:200]
    readme = (AXE.parent / "README.md").read_text(encoding="utf-8")
    version = re.search(r"axe-core (\d+\.\d+\.\d+)", readme)
    assert version, readme
    assert head.startswith(f"/*! axe v{version[1]}\n"), head
    assert (AXE.parent / "LICENSE").is_file()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_html_has_no_wcag_violations(browser, built, example):
    results = run_axe(browser, built / f"{example.stem}.html")
    assert results["testEngine"]["name"] == "axe-core"
    violations = results["violations"]
    assert not violations, f"axe-core found WCAG 2.1 AA violations in {example.stem}.html:\n" + describe(
        violations
    )
    # axe really looked at the document: these rules apply to every page and must have passed.
    assert {"document-title", "html-has-lang", "color-contrast"} <= {rule["id"] for rule in results["passes"]}


def test_axe_reports_a_known_violation(browser, tmp_path):
    """The check can fail: a page without `lang` and with an image without `alt` is reported."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Bad</title></head>"
        "<body><main><h1>Bad</h1><img src='missing.png'></main></body></html>\n",
        encoding="utf-8",
    )
    results = run_axe(browser, page)
    found = {violation["id"] for violation in results["violations"]}
    assert {"html-has-lang", "image-alt"} <= found, describe(results["violations"])
    assert "image-alt" in describe(results["violations"])


# HTML_CodeSniffer's message types, as pa11y names them. Like pa11y's default, the tests fail on
# errors only. Warnings and notices ask a person to look ("check that…"), and the pages give these:
# - H42 «Heading markup should be used if this content is intended as a heading»: the run-in
#   labels (<p><strong>Forpligtelser</strong></p>, <p><strong>Betingelse</strong></p>, «På den ene side»)
#   and «For <partner>» above a signature. They introduce the list or block below them, inside a
#   numbered section; they are not sections of their own, so no heading.
# - G18.Abs (register) «absolutely positioned, the background color can not be determined»: the
#   visually hidden link texts (.visually-hidden), which are never seen.
# - H85.2 (register) «group related options with optgroup»: the status filter has three options.
# - H48 (register) «a navigation section should be a list»: the sentence that links to the CSV
#   and JSON files.
# - Notices restate a WCAG technique for every element of a kind (every <img>, every link, …);
#   they find nothing.
HTMLCS_TYPES = {1: "error", 2: "warning", 3: "notice"}
HTMLCS_ERROR = 1


def run_htmlcs(browser, html: Path, viewport: dict | None = None) -> list[dict]:
    """Open `html` from a file:// URL, run HTML_CodeSniffer's WCAG2AA standard on it (as pa11y's
    htmlcs runner does) and return all its messages: type, code, msg and the element's HTML."""
    context = browser.new_context(bypass_csp=True, java_script_enabled=True, viewport=viewport)
    try:
        page = context.new_page()
        page.goto(html.resolve().as_uri(), wait_until="load")
        page.add_script_tag(content=HTMLCS.read_text(encoding="utf-8"))
        return page.evaluate(
            """() => new Promise((resolve, reject) => {
                HTMLCS.process('WCAG2AA', document, () => resolve(HTMLCS.getMessages().map(m => ({
                    type: m.type,
                    code: m.code,
                    msg: m.msg,
                    html: m.element && m.element.outerHTML ? m.element.outerHTML.slice(0, 300)
                        : String(m.element && m.element.nodeName),
                }))), error => reject(new Error(String(error))), 'en');
            })"""
        )
    finally:
        context.close()


def errors_of(messages: list[dict]) -> list[dict]:
    return [m for m in messages if m["type"] == HTMLCS_ERROR]


def describe_htmlcs(messages: list[dict]) -> str:
    return "\n".join(
        f"{HTMLCS_TYPES.get(m['type'], m['type'])} {m['code']}: {m['msg']}\n    {m['html'][:200]}"
        for m in messages
    )


def test_htmlcs_is_vendored():
    """The vendored HTMLCS.js is the version its README names, with its licence beside it."""
    head = HTMLCS.read_text(encoding="utf-8")[:100]
    readme = (HTMLCS.parent / "README.md").read_text(encoding="utf-8")
    version = re.search(r"html_codesniffer (\d+\.\d+\.\d+)", readme)
    assert version, readme
    assert head.startswith(f"/*! html_codesniffer - v{version[1]} - "), head
    assert "Squiz Pty Ltd" in (HTMLCS.parent / "licence.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.stem)
def test_html_has_no_htmlcs_errors(browser, built, example):
    messages = run_htmlcs(browser, built / f"{example.stem}.html")
    # HTML_CodeSniffer really looked at the page: it has notices for every page (the title, …).
    assert messages, f"HTML_CodeSniffer returned nothing for {example.stem}.html"
    errors = errors_of(messages)
    assert not errors, f"HTML_CodeSniffer (WCAG2AA) found errors in {example.stem}.html:\n" + describe_htmlcs(
        errors
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_register_has_no_htmlcs_errors(browser, site, width):
    """The register on a wide screen (a table) and on a phone (one card per agreement)."""
    messages = run_htmlcs(browser, site / "index.html", viewport={"width": width, "height": 844})
    assert messages
    errors = errors_of(messages)
    assert not errors, "HTML_CodeSniffer (WCAG2AA) found errors in index.html:\n" + describe_htmlcs(errors)


def test_htmlcs_reports_known_errors(browser, tmp_path):
    """The check can fail: a page without `lang` and with an image without `alt` gives errors."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Bad</title></head>"
        "<body><main><h1>Bad</h1><img src='missing.png'></main></body></html>\n",
        encoding="utf-8",
    )
    codes = [m["code"] for m in errors_of(run_htmlcs(browser, page))]
    assert any(".H57." in code for code in codes), codes  # the html element has no lang
    assert any(".H37" in code for code in codes), codes  # the img element has no alt
