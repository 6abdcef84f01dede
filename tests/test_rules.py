"""Each rule beyond the schema: it fires at the node it concerns, and not on the examples."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from partnerskab.check import check
from partnerskab.load import load
from partnerskab.rules import ERRORS, WARNINGS, check_rules, cvr_is_valid

from .conftest import EXAMPLE_WARNINGS, EXAMPLES, FJORDBY, ROOT, run_cli, seal

TEXT = FJORDBY.read_text(encoding="utf-8")


def _line_of(needle: str, text: str = TEXT) -> int:
    assert needle in text, needle
    return text.split(needle, 1)[0].count("\n") + 1


# (code, [(old, new), ...], the text whose line the problem must point at, in the mutated file)
CASES = [
    (
        "PA101",
        [("    responsible: [fjordby]\n", "    responsible: [fjordbyy]\n")],
        "    responsible: [fjordbyy]",
    ),
    (
        "PA101",
        [("  - partner: familiestotten\n    name: Søren", "  - partner: ukendt\n    name: Søren")],
        "  - partner: ukendt\n    name: Søren",
    ),
    (
        "PA101",
        [
            (
                "      partner: fjordby\n      amount: 250000\n      year: 2027",
                "      partner: kommunen\n      amount: 250000\n      year: 2027",
            )
        ],
        "      partner: kommunen",
    ),
    ("PA102", [("  - id: familiestotten\n", "  - id: fjordby\n")], "  - id: fjordby\n    name: Familie"),
    (
        "PA103",
        [
            (
                "  - partner: familiestotten\n    role: Rekrutterer",
                "  - partner: fjordby\n    role: Rekrutterer",
            )
        ],
        "  - id: familiestotten",
    ),
    (
        "PA104",
        [
            (
                "  - partner: familiestotten\n    description: Koordinator",
                "  - partner: fjordby\n    description: Koordinator",
            )
        ],
        "  - id: familiestotten",
    ),
    (
        "PA105",
        [("  - partner: familiestotten\n    name: Søren", "  - partner: fjordby\n    name: Søren")],
        "  - id: familiestotten",
    ),
    ("PA106", [("  end: 2027-12-31\n", "  end: 2025-12-31\n")], "  end: 2025-12-31"),
    ("PA107", [("    - date: 2026-09-01\n", "    - date: 2028-09-01\n")], "    - date: 2028-09-01"),
    ("PA108", [("    date: 2025-12-12\n", "")], "  - partner: familiestotten\n    name: Søren"),
    ("PA109", [("status: signed", "status: ended")], "  end: 2027-12-31"),
    ("PA110", [("      amount: 180000\n", "      amount: 170000\n")], "    - source: Fjordby"),
    (
        "PA110",
        [
            ("      amount: 185000\n      year: 2027", "      amount: 185000\n      year: 2026"),
            ("      amount: 180000\n      year: 2026", "      amount: 180000\n      year: 2027"),
        ],
        "    - source: Fjordby",
    ),
    ("PA111", [('    cvr: "12345674"\n', '    cvr: "12345678"\n')], '    cvr: "12345678"'),
    ("PA201", [("    sector: civil_society\n", "    sector: public\n")], "  - id: fjordby"),
    (
        "PA202",
        [
            ("      frequency: monthly\n", "      frequency: as_needed\n"),
            ("      frequency: quarterly\n", "      frequency: as_needed\n"),
        ],
        "  project_management:",
    ),
    (
        "PA203",
        [(TEXT[TEXT.index("  decisions:") : TEXT.index("  meetings:")], "")],
        "  project_management:",
    ),
    ("PA204", [(TEXT[TEXT.index("anchoring:") : TEXT.index("\n\nsignatures:")], "")], "schema_version: 1"),
]


@pytest.mark.parametrize("code, edits, at", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_fires_at_its_node(write_agreement, code, edits, at):
    text = TEXT
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    problems = [p for p in check(load(write_agreement(text))) if p.code == code]
    assert problems, check(load(write_agreement(text)))
    assert problems[0].line == _line_of(at, text)
    assert all(p.severity == ("warning" if code in WARNINGS else "error") for p in problems)


LOGO = "      path: ../logos/fjordby-kommune.png\n"


@pytest.mark.parametrize(
    "logo, words",
    [
        ("../logos/findes-ikke.png", "filen findes ikke"),
        ("../../../../etc/hostname", "stien fører uden for repositoriet"),
        ("/etc/hostname", "skriv stien til en fil i repositoriet"),
        ("https://example.org/logo.png", "skriv stien til en fil i repositoriet"),
        ("file:///etc/passwd", "skriv stien til en fil i repositoriet"),
        ("../agreements/aftale.yaml", "ikke et helt PNG- eller JPEG-billede"),
        ("../logos/link.png", "stien fører uden for repositoriet"),
        ("../logos/" + "a" * 300 + ".png", "filen findes ikke"),
    ],
)
def test_logo_paths_stay_inside_the_repository(write_agreement, logo, words):
    path = write_agreement(TEXT.replace(LOGO, f"      path: {logo}\n"))
    (path.parent.parent / "logos" / "link.png").symlink_to("/etc/hostname")
    problems = check(load(path))
    assert [p.code for p in problems] == ["PA112"], problems
    assert words in problems[0].message
    assert problems[0].line == _line_of(f"      path: {logo}", path.read_text(encoding="utf-8"))


def test_every_rule_has_a_test_and_a_readme_entry():
    from .test_real_agreements import RULES  # the rules of issue 9, tested on its examples

    tested = {case[0] for case in CASES} | {"PA112"} | {rule[2] for rule in RULES} | {"PA205", "PA206"}
    tested |= {"PA092"}  # tests/test_faults.py
    tested |= {"PA209"}  # tests/test_check.py: found while loading, not by rules.py
    assert tested == set(ERRORS) | set(WARNINGS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in ERRORS + WARNINGS:
        assert re.search(rf"^\| `{code}` \|", readme, re.M), code


def test_examples_pass_every_rule_without_warnings():
    for example in EXAMPLES:
        codes = [p.code for p in check(load(example))]
        assert codes == EXAMPLE_WARNINGS.get(example.name, []), example


def test_ended_is_judged_against_today():
    source = load(FJORDBY)
    source.data["status"] = "ended"
    assert [p.code for p in check_rules(source, today=dt.date(2027, 6, 1))] == ["PA109"]
    assert check_rules(source, today=dt.date(2028, 1, 1)) == []


@pytest.mark.parametrize(
    "cvr, valid",
    [("12345674", True), ("29140006", True), ("12345678", False), ("1234567", False), ("abcdefgh", False)],
)
def test_cvr_modulus_11(cvr, valid):
    assert cvr_is_valid(cvr) is valid


def test_warnings_fail_only_with_strict(write_agreement):
    path = write_agreement(TEXT.replace("    sector: civil_society\n", "    sector: public\n"))
    seal(path)  # signed, so sealed first
    plain = run_cli("validate", str(path))
    assert plain.returncode == 0 and ": warning: Alle partnere er fra samme sektor" in plain.stdout
    assert run_cli("validate", "--strict", str(path)).returncode == 1


def test_json_and_github_formats(write_agreement):
    path = write_agreement(TEXT.replace('    cvr: "12345674"\n', '    cvr: "12345678"\n'))
    result = run_cli("validate", "--format", "json", str(path), str(FJORDBY))
    assert result.returncode == 1
    [problem] = json.loads(result.stdout)["problems"]
    assert problem == {
        "file": str(path),
        "line": 13,
        "column": 10,
        "path": "partners[0].cvr",
        "severity": "error",
        "code": "PA111",
        "message": problem["message"],
    }
    github = run_cli("validate", "--format", "github", str(path))
    assert github.stdout.startswith(f"::error file={path},line=13,col=10,title=PA111::CVR-nummeret 12345678")
