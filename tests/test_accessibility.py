"""The HTML meets WCAG 2.1 AA as axe-core sees it, in a real headless Chromium.

axe-core is vendored in tests/vendor/axe-core/ (see its README), so nothing is fetched while the tests
run. Chromium is Debian's /usr/bin/chromium, driven by Playwright; `playwright install` is never needed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .conftest import EXAMPLES, ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
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
    reason = f"{CHROMIUM} is missing: install Debian's `chromium` package (.ci/run does)"
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def run_axe(browser, html: Path) -> dict:
    """Open `html` from a file:// URL and return axe-core's results for the WCAG 2.1 A and AA rules."""
    # The documents forbid scripts with a Content-Security-Policy; only the test's own axe may run.
    context = browser.new_context(bypass_csp=True, java_script_enabled=True)
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
