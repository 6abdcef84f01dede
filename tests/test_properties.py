"""Property-based tests (hypothesis): random valid agreements render with their text intact,
and random damage to an example never produces a traceback."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pypandoc
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerskab.check import PLACEHOLDER, check
from partnerskab.load import load
from partnerskab.markdown import escape, prose
from partnerskab.render import READER, render
from partnerskab.text import DECEPTIVE
from partnerskab.typography import typeset

from .conftest import FJORDBY

# Characters a person could type in a Danish agreement, all of which the PDF fonts can show:
# Latin (with combining accents), Greek, Cyrillic, punctuation, currency and arrows.
# Characters outside the fonts get their own clear message (tests/test_robust.py).
RANGES = [(0x20, 0x7F), (0xA0, 0x250), (0x300, 0x500), (0x2010, 0x205F), (0x20A0, 0x20C1), (0x2190, 0x2200)]
ALPHABET = [
    chr(c)
    for start, end in RANGES
    for c in range(start, end)
    if unicodedata.category(chr(c)) not in ("Cc", "Cs", "Cn", "Cf", "Zl", "Zp", "Me")
    and (unicodedata.category(chr(c)) != "Mn" or 0x300 <= c < 0x370)  # combining accents on Latin
    and chr(c) not in "⁁⁃⁓"
    and not re.match(DECEPTIVE, chr(c))  # (U+034F and the like are refused on purpose: PA004)
]
CHARS = st.sampled_from(ALPHABET)


# Hypothesis also tries string constants it finds in the code, «UDFYLD» among them: a value
# that starts with it is a placeholder `new` left (PA020), not a filled-in agreement.
def _filled(text: str) -> bool:
    return bool(text.strip()) and not text.lstrip().startswith(PLACEHOLDER)


TEXT = st.text(CHARS, min_size=1, max_size=30).filter(_filled)
MARKDOWNISH = st.text(st.one_of(CHARS, st.sampled_from(list("*_[]()#-+>:|`{}$@<!\\=~^\n 1."))), max_size=80)
PROSE = st.one_of(TEXT, MARKDOWNISH.filter(_filled))
DATE = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)).map(dt.date.isoformat)


# More examples hunt for more bugs: PARTNERSKAB_RENDER_EXAMPLES=500 make test
RENDER_EXAMPLES = int(os.environ.get("PARTNERSKAB_RENDER_EXAMPLES", "25"))


class QuotingDumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1, where `0E0` or `1e5` is a string it may leave unquoted; in YAML 1.2
    (editors, and our loader) that is a number. Quoting every string keeps text text."""


QuotingDumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
)


def _folded(text: str) -> str:
    return re.sub(r"[^\S\xa0]+", " ", text).strip()


@st.composite
def agreements(draw):
    ids = draw(
        st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), min_size=2, max_size=4, unique=True)
    )
    start, end = sorted(draw(st.lists(DATE, min_size=2, max_size=2, unique=True)))
    budget = draw(st.lists(st.integers(0, 10**8), min_size=1, max_size=4))

    def many(strategy, **kw):
        return draw(st.lists(strategy, **kw))

    return {
        "schema_version": 1,
        "title": draw(TEXT),
        "language": draw(st.sampled_from(["da", "en"])),
        "status": "draft",
        "partners": [
            {
                "id": i,
                "name": draw(TEXT),
                "sector": draw(st.sampled_from(["public", "civil_society", "private"])),
            }
            for i in ids
        ],
        "purpose": {
            "vision": draw(PROSE),
            "aim": draw(PROSE),
            "task": draw(PROSE),
            "target_group": draw(PROSE),
            "goals": [{"text": t} for t in many(TEXT, min_size=1, max_size=2)],
        },
        "activities": [{"name": draw(TEXT), "description": draw(PROSE), "responsible": [ids[0]]}],
        "roles": [{"partner": i, "role": draw(PROSE), "tasks": many(TEXT, max_size=2)} for i in ids],
        "economy": {
            "financing": [{"source": draw(TEXT), "amount": sum(budget)}],
            "budget": [{"item": draw(TEXT), "amount": a} for a in budget],
        },
        "organisation": {
            "project_management": {"model": "single", "leads": [ids[-1]]},
            "responsibility_and_influence": draw(PROSE),
        },
        "resources": [
            {
                "partner": i,
                "description": draw(TEXT),
                "minimum_hours": draw(st.integers(1, 80)),
                "per": draw(st.sampled_from(["week", "month", "year", "period"])),
            }
            for i in ids
        ],
        "duration": {"start": start, "end": end},
        "values": many(TEXT, max_size=2),
        "signatures": [{"partner": i, "name": draw(TEXT), "title": draw(TEXT)} for i in ids],
    }


@settings(
    max_examples=RENDER_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(agreements())
def test_random_valid_agreements_render_with_their_text_intact(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "aftale.yaml"
        path.write_text(
            yaml.dump(data, Dumper=QuotingDumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        source = load(path)
        assert source.data == data
        assert [p for p in check(source) if p.severity == "error"] == []
        workdir = Path(folder) / "work"
        workdir.mkdir()
        documents = render(source.data, workdir)
    assert documents.pdf.startswith(b"%PDF-") and documents.docx.startswith(b"PK")
    html = BeautifulSoup(documents.html, "html5lib")
    text = _folded(html.get_text(" ").replace("\ufe0e", ""))  # pandoc adds VS15 after ↩
    for partner in data["partners"]:  # as typeset: «0'0» is shown «0’0» (typography.py)
        assert _folded(typeset(partner["name"], data["language"])) in text
    assert html.title.get_text() == _folded(data["title"])
    headings = len(html.find_all(re.compile("^h[1-6]$")))
    expected_headings = len(render_headings(data))
    assert headings == expected_headings  # no value added or removed a heading


def render_headings(data: dict) -> list[str]:
    """The headings the template makes for this data: one per section, sub-heading and named item."""
    fixed = [
        "title",
        "partners",
        "purpose",
        "vision",
        "aim",
        "task",
        "target_group",
        "goals",
        "activities",
        "roles",
        "economy",
        "financing",
        "budget",
        "organisation",
        "project_management",
        "responsibility_and_influence",
        "resources",
        "duration",
        "signatures",
    ]
    named = len(data["activities"]) + len(data["roles"])
    return fixed + ["values"] * bool(data.get("values")) + ["x"] * named


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(CHARS, max_size=40), min_size=1, max_size=40))
def test_escaped_text_reads_back_as_exactly_that_text(values):
    markdown = "\n\n".join(f"::: {{.v}}\nX{escape(v)}\n:::" for v in values)
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "--sandbox", "-f", READER, "-t", "json"],
        input=markdown.encode(),
        capture_output=True,
        check=True,
    )
    blocks = json.loads(result.stdout)["blocks"]
    assert len(blocks) == len(values)  # one block per value: nothing split or merged
    for block, value in zip(blocks, values, strict=True):
        assert block["t"] == "Div"
        [para] = block["c"][1]
        assert para["t"] == "Para"
        assert _inline_text(para["c"]) == "X" + _folded(value)


def _inline_text(inlines) -> str:
    out = []
    for inline in inlines:
        if inline["t"] == "Str":
            out.append(inline["c"])
        elif inline["t"] in ("Space", "SoftBreak"):
            out.append(" ")
        else:
            raise AssertionError(f"unexpected {inline['t']}: {inline}")
    return "".join(out)


@settings(max_examples=40, deadline=None)
@given(MARKDOWNISH)
def test_prose_only_makes_the_allowed_blocks_and_inlines(value):
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "--sandbox", "-f", READER, "-t", "json"],
        input=prose(value).encode(),
        capture_output=True,
        check=True,
    )
    allowed_blocks = {"Para", "Plain", "BulletList", "OrderedList"}
    allowed_inlines = {"Str", "Space", "SoftBreak", "Emph", "Strong", "Link"}

    def walk(node):
        if isinstance(node, dict) and "t" in node:
            kind = node["t"]
            assert kind in allowed_blocks | allowed_inlines, node
            if kind == "Link":
                assert node["c"][2][0].startswith(("http://", "https://", "mailto:"))
        if isinstance(node, dict):
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(json.loads(result.stdout)["blocks"])


FJORDBY_LINES = FJORDBY.read_text(encoding="utf-8").split("\n")
JUNK = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "- ",
            ": ",
            "&a ",
            "*a",
            "!!python/name:os.system",
            "---",
            "{",
            "[",
            "'",
            '"',
            "\t",
            "  ",
            "~",
            "null",
            "2026-13-45",
        ]
    ),
)


@st.composite
def damaged(draw):
    lines = list(FJORDBY_LINES)
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "indent", "dedent"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        elif action == "dedent":
            lines[i] = lines[i][2:]
        else:
            column = draw(st.integers(0, len(lines[i])))
            junk = draw(JUNK)
            end = column if action == "insert" else min(len(lines[i]), column + draw(st.integers(0, 10)))
            lines[i] = lines[i][:column] + junk + lines[i][end:]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damaged())
def test_random_damage_never_gives_a_traceback(write_agreement, text):
    path = write_agreement(text)
    problems = check(load(path))
    line_count = text.count("\n") + 1
    for problem in problems:
        assert 1 <= problem.line <= line_count + 1
        assert problem.column >= 1
        assert problem.message and "\n" not in problem.message
        assert problem.severity in ("error", "warning")
