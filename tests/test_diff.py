"""`build.py diff`: the changes since a git revision, in words, as Markdown for a pull request.
Each test has its own git repository with a copy of the examples."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerskab.diff import code, default_files, describe, diff_markdown
from partnerskab.history import names_at
from partnerskab.load import load

from .conftest import EXAMPLES, FJORDBY, run_cli
from .test_history import AABY, BUDGET, FUNDING, NORREBY, commit, edit, make_repo

FJORDBY_REL = "agreements/fjordby-familievenner.yaml"
ALL = [AABY, FJORDBY_REL, NORREBY]
ABY_BIBLIOTEK = (
    "  - id: familiestotten\n",
    "  - id: bibliotek\n    name: Åby Bibliotek\n    sector: public\n  - id: familiestotten\n",
)


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "repo")


def diff(repo, *args: str, code: int = 0) -> list[str]:
    result = run_cli("diff", *args, cwd=repo)
    assert result.returncode == code, result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


def section(lines: list[str], heading: str) -> list[str]:
    """The lines under one heading, up to the next heading or rule."""
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith(("#", "---"))), len(lines))
    return [line for line in lines[start:end] if line]


def test_each_kind_of_change_in_words(repo):
    edit(
        repo,
        FJORDBY_REL,
        BUDGET,
        FUNDING,
        ABY_BIBLIOTEK,
        ("status: signed\n", "status: ended\n"),
        ("  end: 2027-12-31\n", "  end: 2028-06-30\n"),
        ("    Partnerskabet skal give udsatte", "    Partnerskabet skal give alle udsatte"),
    )
    lines = diff(repo, "--base", "HEAD", *ALL)
    assert lines[0] == "# Ændringer i partnerskabsaftaler"
    assert "## Frivillig familiestøtte i Fjordby (`agreements/fjordby-familievenner.yaml`)" in lines
    heading = lines.index("## Frivillig familiestøtte i Fjordby (`agreements/fjordby-familievenner.yaml`)")
    assert lines[heading + 2] == "- Status: Underskrevet → Afsluttet"
    assert section(lines, "### Aftalens partnere") == ["- Ny partner: Åby Bibliotek"]
    assert section(lines, "### Formål, vision og mål") == ["- Ændret tekst i Formål"]
    assert section(lines, "### Økonomi: finansiering og budget") == [
        "- Finansiering: Fjordby Kommune, § 18\\-midler (2026): 250.000 kr. → 270.000 kr.",
        "- Finansiering, i alt: 500.000 kr. → 520.000 kr.",
        "- Budget: Koordinator, 10 timer om ugen (2026): 180.000 kr. → 200.000 kr.",
        "- Budget, i alt: 500.000 kr. → 520.000 kr.",
    ]
    assert section(lines, "### Aftalens varighed") == ["- Slutdato: 31. december 2027 → 30. juni 2028"]
    assert lines[-1] == "Ingen ændringer i 2 andre aftaler."
    assert "aaby-ungementor" not in "\n".join(lines)


def test_items_are_matched_by_what_they_are_not_where_they_stand(repo):
    path = repo / FJORDBY_REL
    text = path.read_text(encoding="utf-8")
    first = "  - partner: fjordby\n    name: Jens Jensen\n"
    start = text.index(first)
    end = text.index("  - partner: familiestotten\n    name: Søren Ørum\n    title: Formand\n    date:")
    second = text[end:]
    text = text[:start] + second + text[start:end]  # the two signatures swap places
    text = text.replace("  - Vi siger det højt, når vi undrer os.\n", "")
    text = text.replace("    minimum_hours: 4\n", "    minimum_hours: 6\n")
    text = text.replace("    responsible: [fjordby]\n", "    responsible: [fjordby, familiestotten]\n")
    text = text.replace("      - Henvise mindst 50 familier", "      - Henvise mindst 60 familier")
    path.write_text(text, encoding="utf-8")
    lines = diff(repo, "--base", "HEAD", FJORDBY_REL)
    assert section(lines, "### Underskrift") == ["- Ny rækkefølge i Underskrift"]
    assert section(lines, "### Værdisæt") == [
        "- Fjernet fra Værdisæt: Vi siger det højt, når vi undrer os\\."
    ]
    assert section(lines, "### Ressourcer og minimumstidsforbrug") == [
        "- Fjordby Kommune: Mindste antal timer: 4 timer om ugen → 6 timer om ugen"
    ]
    assert section(lines, "### Aktiviteter") == [
        "- Visitation: Ansvarlig: Fjordby Kommune → Fjordby Kommune og Familiestøtten Fjordby"
    ]
    assert section(lines, "### Roller, forventninger, forpligtelser og opgaver") == [
        "- Fjordby Kommune: Tilføjet til Forpligtelser: Henvise mindst 60 familier i aftaleperioden\\.",
        "- Fjordby Kommune: Fjernet fra Forpligtelser: Henvise mindst 50 familier i aftaleperioden\\.",
    ]


def test_new_and_removed_items_and_amendments(repo):
    edit(
        repo,
        FJORDBY_REL,
        ("    - text: 30 nye frivillige", "    - text: 35 nye frivillige"),
        (
            "      approved_by: Styregruppen\n",
            "      approved_by: Styregruppen\n    - date: 2026-10-01\n"
            "      description: Ny frist for kurset.\n      approved_by: Styregruppen\n",
        ),
        ("    date: 2025-12-12\n", ""),
    )
    lines = diff(repo, "--base", "HEAD", FJORDBY_REL)
    assert section(lines, "### Formål, vision og mål") == [
        "- Nyt mål: 35 nye frivillige er uddannet som familievenner\\.",
        "- Mål fjernet: 30 nye frivillige er uddannet som familievenner\\.",
    ]
    assert section(lines, "### Ændringer af aftalen") == [
        "- Nyt tillæg: 1. oktober 2026: Ny frist for kurset\\."
    ]
    assert section(lines, "### Underskrift") == [
        "- Søren Ørum (Familiestøtten Fjordby): Dato fjernet (var: 12. december 2025)"
    ]


def test_a_draft_becoming_signed(repo):
    edit(repo, AABY, ("status: draft\n", "status: signed\n"))
    lines = diff(repo, "--base", "HEAD", AABY)
    assert lines[-3:] == [
        "## Frivillige mentorer til unge i Åby (`agreements/aaby-ungementor.yaml`)",
        "",
        "- Status: Udkast → Underskrevet",
    ]


def test_english_agreement_in_english(repo):
    edit(
        repo,
        NORREBY,
        ("status: signed\n", "status: draft\n"),
        ("  end: 2027-02-28\n", "  end: 2027-06-30\n"),
    )
    lines = diff(repo, "--base", "HEAD", *ALL)
    assert lines[0] == "# Ændringer i partnerskabsaftaler"
    assert "- Status: Signed → Draft" in lines
    assert section(lines, "### Duration of the agreement") == ["- End date: 28 February 2027 → 30 June 2027"]
    assert lines[-1] == "Ingen ændringer i 2 andre aftaler."


def test_english_amounts_and_new_items(repo):
    edit(
        repo,
        NORREBY,
        ("  budget:\n", "  budget:\n    - item: Books\n      amount: 1500\n"),
        ("      amount: 30000\n", "      amount: 32000\n"),
    )
    lines = diff(repo, "--base", "HEAD", NORREBY)
    assert section(lines, "### Finances: funding and budget") == [
        "- New budget item: Books: DKK 1,500",
        "- Budget: Courses and supervision for volunteers: DKK 30,000 → DKK 32,000",
        "- Budget, total: DKK 220,000 → DKK 223,500",
    ]


def test_user_text_cannot_break_the_markdown(repo):
    edit(
        repo,
        FJORDBY_REL,
        (
            "  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til.\n",
            '  vision: "# Overskrift\\n\\n<script>alert(1)</script> | a | [x](javascript:alert(1)) @alle"\n',
        ),
        ("    name: Familiestøtten Fjordby\n", '    name: "<img src=x onerror=alert(1)>\\n## Falsk"\n'),
        ("title: Frivillig familiestøtte i Fjordby\n", 'title: "`kode` *fed* <b>x</b>"\n'),
    )
    text = "\n".join(diff(repo, "--base", "HEAD", FJORDBY_REL))
    assert not re.search(
        r"(?<!\\)[<>\[\]*`|]",
        text.replace("`HEAD`", "").replace("`agreements/fjordby-familievenner.yaml`", ""),
    )
    assert "\\<script\\>" in text
    assert "\\# Overskrift \\<script\\>alert\\(1\\)\\</script\\> \\| a \\|" in text
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[:2] == [
        "# Ændringer i partnerskabsaftaler",
        "## \\`kode\\` \\*fed\\* \\<b\\>x\\</b\\> (`agreements/fjordby-familievenner.yaml`)",
    ]
    assert all(h.startswith(("# Ændringer", "## \\`kode", "### ")) for h in headings), headings
    renamed = "\\<img src\\=x onerror\\=alert\\(1\\)\\> \\#\\# Falsk"
    assert f"- Familiestøtten Fjordby: Navn: Familiestøtten Fjordby → {renamed}" in text


def test_code_spans_hold_any_path():
    assert code("agreements/a.yaml") == "`agreements/a.yaml`"
    assert code("a`b.yaml") == "``a`b.yaml``"
    assert code("`a``") == "``` `a`` ```"
    assert code("a\nb") == "`a b`"


def test_new_and_deleted_agreements(repo):
    shutil.copy(repo / FJORDBY_REL, repo / "agreements" / "ny.yaml")
    (repo / AABY).unlink()
    lines = diff(repo, "--base", "HEAD", "agreements/ny.yaml", AABY)
    assert section(lines, "## Frivillig familiestøtte i Fjordby (`agreements/ny.yaml`)") == [
        "Ny aftale (Underskrevet) mellem Fjordby Kommune og Familiestøtten Fjordby."
    ]
    assert section(lines, "## Frivillige mentorer til unge i Åby (`agreements/aaby-ungementor.yaml`)") == [
        "Aftalen er slettet."
    ]


def test_nothing_changed(repo):
    edit(repo, FJORDBY_REL, ("# Fiktivt eksempel: en kommune og en forening.\n", "# Kun en kommentar.\n"))
    assert diff(repo, "--base", "HEAD", *ALL) == [
        "# Ændringer i partnerskabsaftaler",
        "",
        "Sammenlignet med `HEAD`.",
        "",
        "Ingen ændringer i 3 aftaler siden `HEAD`.",
    ]


def test_base_defaults_to_head(repo):
    edit(repo, AABY, ("status: draft\n", "status: signed\n"))
    assert diff(repo, AABY) == diff(repo, "--base", "HEAD", AABY)


def test_an_earlier_revision(repo):
    edit(repo, AABY, ("status: draft\n", "status: signed\n"))
    commit(repo, "Underskrevet")
    assert "- Status: Udkast → Underskrevet" in diff(repo, "--base", "HEAD~1", AABY)
    assert diff(repo, "--base", "HEAD", AABY)[-1] == "Ingen ændringer i 1 aftale siden `HEAD`."


def test_unknown_revision_is_one_clear_line(repo):
    lines = diff(repo, "--base", "origin/findes-ikke", *ALL, code=1)  # nothing could be compared
    assert lines[-1].startswith(
        "Kan ikke sammenligne med `origin/findes-ikke`: revisionen «origin/findes\\-ikke» findes ikke"
    )
    assert len(lines) == 5


def test_not_a_git_repository(tmp_path):
    folder = tmp_path / "ikke-git"
    folder.mkdir()
    shutil.copy(FJORDBY, folder / "aftale.yaml")
    result = run_cli("diff", "aftale.yaml", cwd=folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Kan ikke sammenligne med `HEAD`:" in result.stdout
    assert "ligger ikke i et git\\-repositorium" in result.stdout


def test_invalid_yaml_on_either_side(repo):
    broken = ("status: signed\n", "status: [signed\n")
    edit(repo, FJORDBY_REL, broken)
    lines = diff(repo, "--base", "HEAD", FJORDBY_REL, AABY)
    [line] = section(lines, "## Kunne ikke sammenlignes")
    assert line.startswith("- `agreements/fjordby-familievenner.yaml`: kan ikke læses: linje ")
    commit(repo, "Fejl")
    edit(repo, FJORDBY_REL, ("status: [signed\n", "status: signed\n"))
    lines = diff(repo, "--base", "HEAD", FJORDBY_REL, AABY)
    [line] = section(lines, "## Kunne ikke sammenlignes")
    assert line.startswith("- `agreements/fjordby-familievenner.yaml`: kan ikke læses som den var i `HEAD`: ")
    assert lines[-1] == "Ingen ændringer i 1 anden aftale."


def test_a_file_in_neither_version(repo):
    lines = diff(repo, "--base", "HEAD", "agreements/findes-ikke.yaml", code=1)
    assert section(lines, "## Kunne ikke sammenlignes") == [
        "- `agreements/findes-ikke.yaml`: findes hverken i `HEAD` eller i arbejdskopien"
    ]


# Any shape the YAML can take (the schema is not checked first) gives lines, never an exception.
_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12), st.just("2026-01-01"))
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_EXAMPLE = load(FJORDBY).data
_KEYS = st.sampled_from(list(_EXAMPLE) + ["unknown"])


@given(
    st.lists(st.tuples(_KEYS, st.sampled_from([None, 0, "amount", "partner", "date"]), _values), max_size=4)
)
def test_any_shape_gives_lines_not_an_exception(changes):
    new = json.loads(json.dumps(_EXAMPLE))
    for key, inner, value in changes:
        target = new.get(key)
        if inner is None or not isinstance(target, (list, dict)) or not target:
            new[key] = value
        elif isinstance(target, list):
            target[0] = (
                value if inner == 0 else {**target[0], inner: value} if isinstance(target[0], dict) else value
            )
        else:
            target[str(inner)] = value
    lines = describe(_EXAMPLE, new, "a.yaml")
    assert lines[0].startswith("## ")
    assert all("\n" not in line for line in lines)
    if new != _EXAMPLE:
        assert any(line.startswith("- ") for line in lines), lines


def test_default_files_include_those_deleted_since_base(repo, monkeypatch):
    """The CLI can list every agreement now or at base, so a deletion shows up without naming it."""
    monkeypatch.chdir(repo)
    (repo / AABY).unlink()
    shutil.copy(repo / FJORDBY_REL, repo / "agreements" / "ny.yaml")
    (repo / "agreements" / "noter.txt").write_text("ikke en aftale", encoding="utf-8")
    folder = repo / "agreements"
    examples = [f"agreements/{p.name}" for p in EXAMPLES]
    assert default_files(folder, "HEAD") == sorted([*examples, "agreements/ny.yaml"])
    assert default_files(folder, "findes-ikke") == sorted([*examples, "agreements/ny.yaml"])[1:]  # not Åby
    assert "Aftalen er slettet." in diff_markdown(default_files(folder, "HEAD"), "HEAD")
    (repo / "nyt").mkdir()
    assert names_at("HEAD", repo / "nyt") == []


def test_the_exit_code_says_whether_anything_was_compared(repo):
    """0 when at least one agreement was compared (the others are listed as not comparable);
    1 when none could be: a file that is neither here nor at REV."""
    assert run_cli("diff", "findes-ikke.yaml", cwd=repo).returncode == 1
    lines = diff(repo, "--base", "HEAD", AABY, "findes-ikke.yaml")
    assert "## Kunne ikke sammenlignes" in lines


def test_text_format_is_the_same_report_without_markdown_marks(repo):
    """`--format text` for a terminal: the lines of the Markdown report, without escapes and
    code marks; the Markdown stays the default (the pull request's comment)."""
    title = ("title: Frivillig familiestøtte i Fjordby\n", "title: Familiestøtte (§ 18-midler)\n")
    edit(repo, FJORDBY_REL, BUDGET, title)
    markdown = diff(repo, "--base", "HEAD", FJORDBY_REL)
    text = diff(repo, "--base", "HEAD", "--format", "text", FJORDBY_REL)
    assert any("\\" in line for line in markdown) and not any("\\" in line or "`" in line for line in text)
    assert len(text) == len(markdown)
    assert any("180.000 kr. → 200.000 kr." in line for line in text), text
    assert f"## Familiestøtte (§ 18-midler) ({FJORDBY_REL})" in text


def test_text_format_keeps_backticks_that_were_typed():
    from partnerskab.diff import plain_text
    from partnerskab.markdown import escape

    typed = "Familievenner – brug `build.py` og Børn`s læsning"
    assert plain_text(f"## {escape(typed)} (`agreements/x.yaml`)") == f"## {typed} (agreements/x.yaml)"


def test_a_revision_with_control_characters_is_printed_harmlessly():
    """The revision as typed comes back in git's reason: its escape sequences are shown as
    \\x1b, never sent to the terminal, in Markdown and in text."""
    hostile = "x\x1b]0;pwned\x07"
    for form in ([], ["--format", "text"]):
        result = run_cli("diff", *form, "--base", hostile)
        assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stdout + result.stderr
        assert "findes ikke i git" in result.stdout + result.stderr
