"""Schema checks: every problem names the element in words and points at the right node."""

from __future__ import annotations

import re

import pytest

from partnerskab.check import check
from partnerskab.load import load
from partnerskab.schema import resolve, schema

from .conftest import EXAMPLE_WARNINGS, EXAMPLES, FJORDBY, run_cli

PROBLEM_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (error|warning): \S.*$")


def _required_paths(node=None, path=()):
    """Every (parent path, required key) in the schema, with index 0 for list items."""
    node = resolve(node or schema())
    for key in node.get("required", []):
        yield path, key
    for key, child in node.get("properties", {}).items():
        yield from _required_paths(child, path + (key,))
    items = node.get("items")
    if isinstance(items, dict):
        yield from _required_paths(items, path + (0,))


def _drop_key(text: str, source, path: tuple) -> str:
    """Remove the key at `path` and its whole block from the YAML text."""
    lines = text.split("\n")
    line, column = source.key_positions[path]
    start = line - 1
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) >= column
    ):
        end += 1
    prefix = lines[start][: column - 1]
    del lines[start:end]
    if "-" in prefix:  # the key stood on the item's dash line: move the dash to the next key
        assert start < len(lines) and lines[start][: column - 1].strip() == "", "item has one key only"
        lines[start] = prefix + lines[start][column - 1 :]
    return "\n".join(lines)


def _expected_line(text: str, source, parent: tuple) -> int:
    """The line a missing key is reported on: the first line of the mapping that lacks it."""
    if not parent:
        return next(i for i, ln in enumerate(text.split("\n"), 1) if ln.strip() and not ln.startswith("#"))
    if isinstance(parent[-1], int):  # a list item: its dash line
        return source.positions[parent][0]
    return source.key_positions[parent][0] + 1  # a block mapping under its key


FJORDBY_TEXT = FJORDBY.read_text(encoding="utf-8")
FJORDBY_SOURCE = load(FJORDBY)
CASES = [
    (parent, key) for parent, key in _required_paths() if parent + (key,) in FJORDBY_SOURCE.key_positions
]


def test_cases_cover_every_top_level_element():
    assert {key for parent, key in CASES if not parent} == set(schema()["required"])
    assert len(CASES) > 40


@pytest.mark.parametrize("parent, key", CASES, ids=[".".join(map(str, p + (k,))) for p, k in CASES])
def test_missing_required_element_is_reported_at_its_mapping(write_agreement, parent, key):
    text = _drop_key(FJORDBY_TEXT, FJORDBY_SOURCE, parent + (key,))
    path = write_agreement(text)
    problems = [p for p in check(load(path)) if p.code == "PA010"]
    assert len(problems) == 1, problems
    [problem] = problems
    assert problem.line == _expected_line(text, FJORDBY_SOURCE, parent)
    assert "mangler" in problem.message and f"{key})" in problem.message


def test_missing_duration_says_so_in_plain_danish(write_agreement):
    text = _drop_key(FJORDBY_TEXT, FJORDBY_SOURCE, ("duration",))
    [problem] = check(load(write_agreement(text)))
    assert problem.message == "Aftalens varighed mangler (duration)"
    assert (problem.line, problem.column) == (3, 1)


def test_missing_end_date_names_the_element(write_agreement):
    text = _drop_key(FJORDBY_TEXT, FJORDBY_SOURCE, ("duration", "end"))
    [problem] = check(load(write_agreement(text)))
    assert problem.message == "Aftalens varighed: Slutdato mangler (duration.end)"


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "      amount: 180000\n",
            "      amount: mange penge\n",
            "Beløb skal være et helt tal, ikke en tekst (economy.budget[0].amount)",
        ),
        (
            "  start: 2026-01-01\n",
            "  start: 1. januar 2026\n",
            "Startdato skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2026-01-31, "
            "ikke «1. januar 2026» (duration.start)",
        ),
        (
            "status: signed\n",
            "status: underskrevet\n",
            "Status skal være en af: draft (udkast), signed (underskrevet) eller ended (afsluttet), "
            "ikke «underskrevet». Mente du «signed»? (status)",
        ),
        (
            '    cvr: "12345674"\n',
            "    cvr: 12345674\n",
            'CVR-nummer skal være en tekst. Sæt værdien i anførselstegn, fx "12345674" (partners[0].cvr)',
        ),
        (
            "    per: week\n",
            "    per: uge\n",
            "Pr. skal være en af: week (om ugen), month (om måneden), year (om året) eller period "
            "(i hele perioden), ikke «uge». Mente du «week»? (resources[0].per)",
        ),
        # The Danish word for a value, or a word close to none of them.
        (
            "    sector: civil_society\n",
            "    sector: civilsamfund\n",
            "Sektor skal være en af: public (offentlig), civil_society (civilsamfund) eller private "
            "(privat), ikke «civilsamfund». Mente du «civil_society»? (partners[1].sector)",
        ),
        (
            "    sector: civil_society\n",
            "    sector: forening\n",
            "Sektor skal være en af: public (offentlig), civil_society (civilsamfund) eller private "
            "(privat), ikke «forening» (partners[1].sector)",
        ),
        # A reference to a partner, written with æ, ø or å: the id it is close to.
        (
            "  - partner: familiestotten\n",
            "  - partner: familiestøtten\n",
            "Partner skal være en partners kort navn (id) med små bogstaver a-z, tal, bindestreg og "
            "understreg, ikke «familiestøtten». Mente du «familiestotten»? (roles[1].partner)",
        ),
        (
            "  - partner: familiestotten\n",
            "  - partner: Foreningen\n",
            "Partner skal være en partners kort navn (id) med små bogstaver a-z, tal, bindestreg og "
            "understreg, ikke «Foreningen». Aftalens partnere har disse kort navne: fjordby, familiestotten "
            "(roles[1].partner)",
        ),
        (
            "  termination: Aftalen",
            "  terminaton: Aftalen",
            "Ukendt felt «terminaton» i Aftalens varighed. Mente du «termination»?",
        ),
        (
            "    responsible: [fjordby]\n",
            "    responsible: fjordby\n",
            "Ansvarlig skal være en liste, ikke en tekst (activities[1].responsible)",
        ),
        (
            "    minimum_hours: 4\n",
            "    minimum_hours: 0\n",
            "Mindste antal timer skal være mindst 0,01, ikke 0 (resources[0].minimum_hours)",
        ),
        (
            "      email: mae@fjordby.example\n",
            "      email: mae.fjordby.example\n",
            "E-mail skal være en e-mailadresse, fx navn@eksempel.dk, ikke «mae.fjordby.example» "
            "(partners[0].contact.email)",
        ),
        (
            "      year: 2026\n",
            "      year: 26\n",
            "År skal være mindst 2000, ikke 26 (economy.financing[0].year)",
        ),
        (
            "    contributors: [fjordby]\n",
            "    contributors: [fjordby, fjordby]\n",
            "Bidrager nævner den samme værdi flere gange (activities[0].contributors)",
        ),
        (
            "      amount: 45000\n",
            "      amount: 10000000000000000000000000\n",
            "Beløb må højst være 1.000.000.000.000, ikke 10000000000000000000000000 "
            "(economy.budget[1].amount)",
        ),
        (
            "      amount: 45000\n",
            "      amount: 1e400\n",
            "Beløb skal være et helt tal uden punktum, decimaler eller e, ikke «1e400» "
            "(economy.budget[1].amount)",
        ),
        (
            "    minimum_hours: 4\n",
            "    minimum_hours: 0.000001\n",
            "Mindste antal timer skal være mindst 0,01, ikke 0.000001 (resources[0].minimum_hours)",
        ),
        (
            "  vision: Alle",
            "  vision: ' '\n  x: Alle",
            "Vision er ikke udfyldt: der står ingen tekst (purpose.vision)",
        ),
        # A number typed inside the template's quotes is a text; the message says to remove them.
        (
            "      amount: 45000\n",
            '      amount: "45000"\n',
            "Beløb skal være et tal, men anførselstegnene gør det til en tekst. Fjern dem, så der kun "
            "står 45000 (economy.budget[1].amount)",
        ),
        (
            "    minimum_hours: 4\n",
            '    minimum_hours: "4"\n',
            "Mindste antal timer skal være et tal, men anførselstegnene gør det til en tekst. Fjern dem, "
            "så der kun står 4 (resources[0].minimum_hours)",
        ),
        # Amounts as people write them on paper: what to type instead.
        *[
            (
                "      amount: 45000\n",
                f"      amount: {typed}\n",
                "Beløb: skriv tallet med cifre alene, uden punktummer, mellemrum og «kr.», fx 45000, "
                f"ikke «{shown}» (economy.budget[1].amount)",
            )
            for typed, shown in [
                ("45.000 kr.", "45.000 kr."),
                ('"45.000,00"', "45.000,00"),
                ("45000 kr", "45000 kr"),
                ("45,000", "45,000"),
                ("45 000 DKK", "45 000 DKK"),
                ("DKK 45000", "DKK 45000"),
                ("kr. 45.000", "kr. 45.000"),
                ("45_000", "45_000"),
            ]
        ],
        (
            "    minimum_hours: 4\n",
            "    minimum_hours: 7,5\n",
            "Mindste antal timer: skriv et decimaltal med punktum, fx 7.5, ikke «7,5» "
            "(resources[0].minimum_hours)",
        ),
        # The right form, but no such day.
        (
            "  end: 2027-12-31\n",
            "  end: 2027-02-30\n",
            "Slutdato: datoen «2027-02-30» findes ikke. Tjek måned og dag (ÅÅÅÅ-MM-DD) (duration.end)",
        ),
        (
            "  end: 2027-12-31\n",
            "  end: 2026-13-01\n",
            "Slutdato: datoen «2026-13-01» findes ikke. Tjek måned og dag (ÅÅÅÅ-MM-DD) (duration.end)",
        ),
        (
            "  - id: familiestotten\n",
            "  - id: Familiestøtten\n",
            "Kort navn (id) må kun bestå af små bogstaver a-z, tal, bindestreg og understreg, "
            "ikke «Familiestøtten» (partners[1].id)",
        ),
    ],
)
def test_wrong_values_are_explained_in_words(write_agreement, old, new, expected):
    assert old in FJORDBY_TEXT
    text = FJORDBY_TEXT.replace(old, new, 1)
    line = FJORDBY_TEXT.split(old, 1)[0].count("\n") + 1
    messages = [(p.line, p.message) for p in check(load(write_agreement(text)))]
    assert (line, expected) in messages


def test_english_enum_messages_give_the_values_and_a_guess(write_agreement):
    text = FJORDBY_TEXT.replace("language: da", "language: en").replace(
        "    per: week\n", "    per: weeks\n", 1
    )
    messages = [p.message for p in check(load(write_agreement(text)))]
    assert (
        "Per must be one of: week, month, year, period, not «weeks». Did you mean «week»? (resources[0].per)"
        in messages
    )


def test_english_agreement_gets_english_messages(write_agreement):
    text = FJORDBY_TEXT.replace("language: da", "language: en")
    text = _drop_key(text, FJORDBY_SOURCE, ("duration", "end"))
    [problem] = check(load(write_agreement(text)))
    assert problem.message == "Duration of the agreement: End date is missing (duration.end)"


def test_examples_are_valid():
    result = run_cli("validate")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().split("\n")[-1] == f"{len(EXAMPLES)} aftaler er i orden."
    warnings = [line for line in result.stdout.split("\n") if ": warning: " in line]
    assert len(warnings) == sum(map(len, EXAMPLE_WARNINGS.values()))
    one = run_cli("validate", str(FJORDBY))
    assert one.stdout.strip() == "1 aftale er i orden."  # the word fits the number (Babel's rule)


def test_all_problems_in_all_files_in_one_run_with_path_line_column(tmp_path):
    bad1 = tmp_path / "en.yaml"
    bad1.write_text(
        FJORDBY_TEXT.replace("status: signed", "status: x").replace("amount: 180000", "amount: -1"),
        encoding="utf-8",
    )
    bad2 = tmp_path / "to.yaml"
    bad2.write_text("a: 1\na: 2\n", encoding="utf-8")
    result = run_cli("validate", str(bad1), str(FJORDBY), str(bad2))
    assert result.returncode == 1
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 3
    for line in lines:
        assert PROBLEM_LINE.match(line), line
    assert [line.split(":")[0] for line in lines] == [str(bad1), str(bad1), str(bad2)]


def test_usage_error_exits_2():
    assert run_cli("validate", "--no-such-flag").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    assert run_cli().returncode == 2


def test_words_after_a_hash_in_an_unquoted_text_are_a_warning_at_the_hash(write_agreement):
    """YAML reads « #4 i bilaget» as a comment: the document would say less than was typed."""
    termination = re.search(r"^  termination: .*$", FJORDBY_TEXT, flags=re.M).group()
    text = FJORDBY_TEXT.replace(termination, "  termination: Med varsel, se punkt #4 i bilaget", 1)
    text = text.replace("  - id: fjordby\n", "  - id: fjordby  # kommunen\n", 1)  # a code may have one
    text = text.replace("    per: week\n", "    per: week  # om ugen\n", 1)
    line = text.split("  termination: Med varsel")[0].count("\n") + 1
    problems = check(load(write_agreement(text)))
    [warning] = [p for p in problems if p.code == "PA209"]
    column = "  termination: Med varsel, se punkt #4".index("#") + 1
    assert (warning.line, warning.column, warning.severity) == (line, column, "warning")
    assert warning.message == (
        "Opsigelse: « #» begynder en kommentar i YAML, så «#4 i bilaget» kommer ikke med i aftalen. "
        "Skal det med, så sæt hele teksten i anførselstegn (duration.termination)"
    )
    quoted = FJORDBY_TEXT.replace(termination, '  termination: "Med varsel, se punkt #4 i bilaget"', 1)
    assert not [p for p in check(load(write_agreement(quoted))) if p.code == "PA209"]


def test_a_group_written_as_a_text_names_its_fields(write_agreement):
    logo = "    logo:\n      path: ../logos/fjordby-kommune.png\n      alt: Fjordby Kommunes logo\n"
    text = FJORDBY_TEXT.replace(logo, "    logo: ../logos/fjordby-kommune.png\n", 1)
    assert text != FJORDBY_TEXT
    messages = [p.message for p in check(load(write_agreement(text)))]
    assert any(
        m.startswith("Logo skal være en gruppe af felter (path: …, alt: …), ikke en tekst") for m in messages
    ), messages


def test_a_logo_path_written_from_the_project_folder_gets_the_path_it_meant(tmp_path):
    from .conftest import agreements_folder

    folder = agreements_folder(tmp_path)
    text = FJORDBY_TEXT.replace("path: ../logos/fjordby-kommune.png", "path: logos/fjordby-kommune.png", 1)
    path = folder / "sti.yaml"
    path.write_text(text, encoding="utf-8")
    messages = [p.message for p in check(load(path))]
    assert any(
        "Logoet «logos/fjordby-kommune.png» kan ikke bruges: filen findes ikke. Stien regnes fra aftalens "
        "mappe: mente du «../logos/fjordby-kommune.png»?" in m
        for m in messages
    ), messages


def test_a_field_after_a_no_break_space_is_named_for_it(write_agreement):
    """Copied from Word: «\u00a0title: …» is a field named «\u00a0title» to YAML, and the agreement
    has no title. (Where it breaks the indentation, the loader says so: tests/test_load.py.)"""
    text = FJORDBY_TEXT.replace("\ntitle: ", "\n\u00a0title: ", 1)
    assert text != FJORDBY_TEXT
    messages = [p.message for p in check(load(write_agreement(text)))]
    assert (
        "Der står et hårdt mellemrum (U+00A0) foran eller i feltet «title», så YAML læser det som en del "
        "af navnet. Slet mellemrummene, og skriv dem igen med mellemrumstasten" in messages
    ), messages


@pytest.mark.parametrize(
    "old, new, said, not_said",
    [
        # an amount with thousands separators in quotes: the digits, not «remove the quotes»
        ("      amount: 45000\n", '      amount: "45.000"\n', "fx 45000", "Fjern dem"),
        # a Danish phrase that names no value: no guess
        ("    per: week\n", "    per: om dagen\n", "Pr. skal være en af", "Mente du"),
        (
            "      frequency: monthly\n",
            "      frequency: hver dag\n",
            "Hyppighed skal være en af",
            "Mente du",
        ),
    ],
)
def test_messages_say_nothing_untrue(write_agreement, old, new, said, not_said):
    assert old in FJORDBY_TEXT, old
    problems = check(load(write_agreement(FJORDBY_TEXT.replace(old, new, 1))))
    messages = " | ".join(p.message for p in problems)
    assert said in messages and not_said not in messages, messages


def test_a_partner_reference_hint_never_suggests_what_was_written(write_agreement):
    text = FJORDBY_TEXT.replace("  - id: familiestotten\n", "  - id: Familiestotten\n", 1)
    text = text.replace("  - partner: familiestotten\n", "  - partner: Familiestotten\n")
    messages = [p.message for p in check(load(write_agreement(text)))]
    assert not any("Mente du «Familiestotten»" in m for m in messages), messages


def test_partners_that_are_not_a_list_and_a_wrong_reference_are_the_schemas_messages(write_agreement):
    """The hint for «partner: Fjordby» reads the agreement's ids; `partners: 5` has none."""
    text = FJORDBY_TEXT.replace("partners:\n", "partners: 5\nx_partners:\n", 1)
    text = text.replace("  - partner: fjordby\n", "  - partner: Fjordby\n", 1)
    messages = [p.message for p in check(load(write_agreement(text)))]
    assert "Aftalens partnere skal være en liste, ikke et helt tal (partners)" in messages
    assert any(m.startswith("Partner skal være en partners kort navn (id)") for m in messages), messages
