"""`build.py review FILE`: advice from Socialstyrelsen's guidance, through the real CLI. Advice
exits 0, whatever it finds thin or missing (a file that cannot be reviewed at all exits 1), and
each point's line says in place, thin or missing, with the guidance's words."""

from __future__ import annotations

import re

import pytest

from partnerskab.check import check
from partnerskab.load import load
from partnerskab.review import MISSING, OK, POINTS, STEPS, THIN, Finding

from .conftest import EXAMPLES, FJORDBY, ROOT, run_cli

TEXT = FJORDBY.read_text(encoding="utf-8")
NORREBY = ROOT / "agreements" / "norreby-reading-friends.yaml"
AABY = ROOT / "agreements" / "aaby-ungementor.yaml"

ANCHORING = (
    "anchoring: >-\n  Børne- og Familieudvalget orienteres hvert halve år. Foreningens bestyrelse følger\n"
    "  partnerskabet på hvert bestyrelsesmøde.\n"
)
SEPARATE = (
    "    separate:\n      - Rekruttering af frivillige (foreningen)\n"
    "      - Visitation af familier (kommunen)\n"
)
JOINT = "    joint:\n      - Optagelse af nye aktiviteter\n      - Fordeling af budgettet mellem årene\n"
STEERING_GROUP = (
    "  steering_group:\n    - partner: fjordby\n      role: Afdelingschef\n      name: Lone Kjær\n"
    "    - partner: familiestotten\n      role: Formand\n      name: Søren Ørum\n"
)
STEERING_MEETING = (
    "    - forum: Styregruppemøde\n      frequency: quarterly\n"
    "      participants: [fjordby, familiestotten]\n"
)
EXPECTATION = "    expectations:\n      - Kommunen henviser familier løbende og giver besked om ændringer.\n"
VISION = "  vision: Alle småbørnsfamilier i Fjordby har et netværk at støtte sig til.\n"


def _mutated(changes: list[tuple[str, str]], text: str = TEXT) -> str:
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _review(path, code: int = 0) -> list[str]:
    """The review's lines; `code`: the exit code expected (1 for a file that cannot be reviewed)."""
    result = run_cli("review", str(path))
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


def _section(lines: list[str], heading: str) -> list[str]:
    """The point lines under one `## heading`, up to the next heading."""
    start = lines.index(f"## {heading}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start:end] if line]


def _point(lines: list[str], title: str) -> list[str]:
    """A point's own line and the indented lines under it."""
    starts = [
        i
        for i, line in enumerate(lines)
        if re.fullmatch(rf"- [✓~✗–] [^:]+: {re.escape(title)}( \([^)]+\))?", line)
    ]
    assert len(starts) == 1, (title, lines)
    block = [lines[starts[0]]]
    for line in lines[starts[0] + 1 :]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


def _advice(title: str, lang: str = "da") -> str:
    point = next(p for p in POINTS if title in (p.title_da, p.title_en))
    return point.advice_en if lang == "en" else point.advice_da


def test_fjordby_trin_4_is_in_place():
    lines = _review(FJORDBY.relative_to(ROOT))
    assert (
        lines[0] == "# Vejledningstjek: «Frivillig familiestøtte i Fjordby» "
        "(agreements/fjordby\\-familievenner\\.yaml)"
    )
    assert _section(lines, "Trin 4: Den endelige partnerskabsaftale") == [
        "- ✓ på plads: Aftalen er underskrevet",
        "- ✓ på plads: Tid og ressourcer er afsat af hver partner",
        "- ✓ på plads: Plads til at evaluere og justere undervejs",
        "- ✓ på plads: Opbakning i baglandet, og hvordan det holdes orienteret",
    ]
    assert _point(lines, "Aktiviteternes bemanding og metoder") == [
        "- ~ tyndt: Aktiviteternes bemanding og metoder",
        "  - Vejledningen: «Fastlæg aktiviteterne, herunder hvordan de bemandes, hvordan de gennemføres og "
        "med hvilke metoder.»",
        "  - Udfyld: `activities[].staffing` (for Visitation); `activities[].methods` (for Visitation)",
    ]
    assert "I alt: 18 på plads, 1 tyndt, 0 mangler." in lines
    assert lines[-1].startswith("Det er kun råd ud fra vejledningen.")


def test_missing_anchoring_is_missing_with_the_guidance(write_agreement):
    lines = _review(write_agreement(_mutated([(ANCHORING, "")])))
    assert _point(lines, "Opbakning i baglandet, og hvordan det holdes orienteret") == [
        "- ✗ mangler: Opbakning i baglandet, og hvordan det holdes orienteret",
        "  - Vejledningen: «Sørg for opbakning til projektet hos andre aktører samt i hver af parternes "
        "bagland, fx i form af politisk og faglig ledelse. Afklar også, hvordan disse løbende informeres om "
        "partnerskabets fremdrift.»",
        "  - Udfyld: `anchoring`",
    ]
    block = _point(lines, "Ledelsesopbakning")
    assert block[0] == "- ✗ mangler: Ledelsesopbakning"
    assert block[1].startswith(
        "  - Vejledningen: «Ledelsesopbakning er vigtig for, at projektets formål er tydeligt"
    )
    assert block[2] == "  - Udfyld: `anchoring`"
    assert "I alt: 16 på plads, 1 tyndt, 2 mangler." in lines


COMMUNICATION = (
    "communication: >-\n  Partnerskabet formidles på kommunens hjemmeside, i foreningens nyhedsbrev og til\n"
    "  sundhedsplejersker og pædagoger på et fælles informationsmøde.\n"
)
VALUES = (
    "values:\n  - Vi møder familierne som ligeværdige.\n"
    "  - Den frivillige er ikke en forlængelse af kommunen.\n"
    "  - Vi siger det højt, når vi undrer os.\n"
)
NO_MEETINGS = [
    ("frequency: monthly", "frequency: as_needed"),
    ("frequency: quarterly", "frequency: as_needed"),
]
RARE_MEETINGS = [
    ("frequency: monthly", "frequency: semiannually"),
    ("frequency: quarterly", "frequency: yearly"),
]

# changes to the Fjordby example -> the point's title, status word and the fields on its "Udfyld:" line
CASES = [
    pytest.param(
        [(SEPARATE, "")],
        "Beslutninger i fællesskab og hver for sig",
        "~ tyndt",
        "`organisation.decisions.separate`",
        id="no-separate-decisions",
    ),
    pytest.param(
        [(SEPARATE, "")],
        "Klare aftaler og roller",
        "~ tyndt",
        "`organisation.decisions.separate`",
        id="no-separate-decisions-clear-roles",
    ),
    pytest.param(
        [(SEPARATE, ""), (JOINT, ""), ("  decisions:\n", "")],
        "Beslutninger i fællesskab og hver for sig",
        "✗ mangler",
        "`organisation.decisions.joint`; `organisation.decisions.separate`",
        id="no-decisions",
    ),
    pytest.param(
        [(VISION, "  vision: Netværk til alle.\n")],
        "Gensidig afhængighed og fælles vision",
        "~ tyndt",
        "`purpose.vision` (kun 3 ord)",
        id="short-vision",
    ),
    pytest.param(
        [(EXPECTATION, "")],
        "Forventninger, værdi og udbytte er afstemt",
        "~ tyndt",
        "`roles[].expectations` (for Familiestøtten Fjordby)",
        id="one-partner-without-expectations",
    ),
    pytest.param(
        [("    staffing: Frivillige familievenner, støttet af foreningens koordinator.\n", "")],
        "Aktiviteternes bemanding og metoder",
        "~ tyndt",
        "`activities[].staffing` (for Familievenner, Visitation); `activities[].methods` (for Visitation)",
        id="no-staffing",
    ),
    pytest.param(
        [(COMMUNICATION, "")],
        "Formidling: hvordan og til hvem",
        "✗ mangler",
        "`communication`",
        id="no-communication",
    ),
    pytest.param(
        NO_MEETINGS,
        "Hyppige statusmøder på flere niveauer",
        "✗ mangler",
        "`organisation.meetings`",
        id="as-needed",
    ),
    pytest.param(
        NO_MEETINGS, "Regelmæssig kommunikation", "✗ mangler", "`organisation.meetings`", id="as-needed-s3"
    ),
    pytest.param(
        RARE_MEETINGS,
        "Regelmæssig kommunikation",
        "~ tyndt",
        "`organisation.meetings[].frequency`",
        id="only-yearly-meetings",
    ),
    pytest.param(
        [(STEERING_GROUP, ""), (STEERING_MEETING, "")],
        "Hyppige statusmøder på flere niveauer",
        "~ tyndt",
        "`organisation.meetings` eller `organisation.steering_group`",
        id="one-level-of-meetings",
    ),
    pytest.param(
        [(STEERING_GROUP, "")],
        "Ledelsesopbakning",
        "~ tyndt",
        "`organisation.steering_group`",
        id="no-steering-group",
    ),
    pytest.param(
        [("  evaluation: Midtvejsevaluering i juni 2026 og slutevaluering i december 2027.\n", "")],
        "Plads til at evaluere og justere undervejs",
        "~ tyndt",
        "`duration.evaluation`",
        id="no-evaluation",
    ),
    pytest.param(
        [("status: signed", "status: draft")],
        "Aftalen er underskrevet",
        "✗ mangler",
        "`status: signed`",
        id="draft",
    ),
    pytest.param([(VALUES, "")], "Hensyn til forskellighed", "~ tyndt", "`values`", id="no-values"),
    pytest.param(
        [(VALUES, ""), ("sector: civil_society", "sector: public")],
        "Hensyn til forskellighed",
        "✗ mangler",
        "`values`",
        id="no-values-one-sector",
    ),
]


@pytest.mark.parametrize(("changes", "title", "status", "fields"), CASES)
def test_a_gap_shows_status_advice_and_field(write_agreement, changes, title, status, fields):
    lines = _review(write_agreement(_mutated(changes)))
    assert _point(lines, title) == [
        f"- {status}: {title}",
        f"  - Vejledningen: «{_advice(title)}»",
        f"  - Udfyld: {fields}",
    ]


def test_no_volunteers_mentioned_is_not_reported_as_missing(write_agreement):
    """Issue 9: a point that does not apply is said to not apply, not reported as missing."""
    lines = _review(write_agreement(re.sub("(?i)frivillig", "deltager", TEXT)))
    assert _point(lines, "Frivillige er overvejet") == [
        "- – gælder ikke: Frivillige er overvejet (ingen partner bringer frivillige)",
    ]
    assert lines[-2].endswith(" 1 gælder ikke her.")


def test_draft_example_is_not_signed():
    lines = _review(AABY)
    assert _point(lines, "Aftalen er underskrevet") == [
        "- ✗ mangler: Aftalen er underskrevet",
        "  - Vejledningen: «Udform og underskriv en formaliseret partnerskabsaftale, der tager hensyn til de "
        "tre tidligere trin.»",
        "  - Udfyld: `status: signed`; "
        "`signatures[].date` (for Lærke Østergaard, Signe Bækgaard, Jørgen Ålund)",
    ]


def test_the_agreements_text_cannot_write_markdown_into_the_review(write_agreement):
    """The review is posted as a pull request comment: a title or a partner's name with HTML, a
    link, an image, an HTML comment or a mention is shown as written, as diff shows it."""
    hostile = (
        "T <img src=x onerror=alert(1)> [klik](https://evil.example) ![t](https://e.example/t.png) "
        "<!-- x --> @octocat </details>"
    )
    text = FJORDBY.read_text(encoding="utf-8").replace(
        "title: Frivillig familiestøtte i Fjordby", f"title: '{hostile}'"
    )
    text = text.replace("name: Familiestøtten Fjordby", f"name: 'U {hostile}'", 1)
    text = text.replace("status: signed", "status: draft")
    path = write_agreement(text)
    result = run_cli("review", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    for raw in ("<img", "](https", "![t]", "<!--", "</details>", "@octocat"):  # each unescaped
        assert not re.search(r"(?<!\\)" + re.escape(raw), result.stdout), raw
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in result.stdout.splitlines()[0]
    broken = write_agreement(
        text.replace("language: da", "language: da\nukendt: '<img src=x> [a](http://e)'")
    )
    result = run_cli("review", str(broken))
    assert result.returncode == 1  # a broken structure cannot be reviewed
    assert not re.search(r"(?<!\\)(<img|\]\(http)", result.stdout), result.stdout


def test_english_agreement_gets_english_review(write_agreement):
    lines = _review(NORREBY.relative_to(ROOT))
    text = "\n".join(lines)
    assert lines[0] == (
        "# Guidance review: «Reading Friends for children in Nørreby» "
        "(agreements/norreby\\-reading\\-friends\\.yaml)"
    )
    assert _section(lines, "Step 4: The final partnership agreement") == [
        "- ✓ in place: The agreement is signed",
        "- ✓ in place: Each partner sets aside time and resources",
        "- ✓ in place: Room to evaluate and adjust along the way",
        "- ✓ in place: Backing at home, and how it is kept informed",
    ]
    assert "In total: 18 in place, 1 thin, 0 missing." in lines
    for danish in ("på plads", "tyndt", "mangler", "Vejledningen", "Udfyld", "Trin "):
        assert danish not in text, danish

    anchoring = (
        "anchoring: >-\n"
        "  The Children and Education Committee is briefed every six months. The association's\n"
        "  board follows the partnership at each board meeting.\n"
    )
    english = NORREBY.read_text(encoding="utf-8")
    lines = _review(write_agreement(_mutated([(anchoring, "")], english)))
    assert _point(lines, "Leadership support") == [
        "- ✗ missing: Leadership support",
        "  - The guidance: “Leadership support matters so that the project's purpose is clear and is "
        "communicated inside the organisation. The leadership must also make sure that the necessary "
        "resources are set aside for the partnership. Lack of support can limit the partners' room for "
        "action and engagement.”",
        "  - Fill in: `anchoring`",
    ]


def test_invalid_file_says_run_validate_and_exits_1(write_agreement):
    path = write_agreement(
        _mutated([("schema_version: 1", "schema_version: 2"), ("  start: 2026-01-01\n", "")])
    )
    lines = _review(path, code=1)
    assert lines[0] == f"# Vejledningstjek: {path}"
    assert f"Kør `python build.py validate {path}` for at se dem med linje og kolonne:" in lines[2]
    schema_version = "Skemaversion skal være 1, ikke «2» \\(schema\\_version\\)"
    assert f"- `{path}:3:17`: error: {schema_version} [PA014]" in lines
    assert any(line.startswith(f"- `{path}:") and "\\(duration\\.start\\)" in line for line in lines)
    assert not any(line.startswith("## ") for line in lines)


def test_invalid_english_file_is_told_in_english(write_agreement):
    english = NORREBY.read_text(encoding="utf-8")
    lines = _review(write_agreement(_mutated([("schema_version: 1", "schema_version: 2")], english)), code=1)
    assert lines[2].startswith(
        "The agreement cannot be checked against the guidance until these errors are fixed."
    )


def test_missing_file_gets_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "findes-ikke.yaml"
    result = run_cli("review", str(path))
    assert result.returncode == 1  # bad input; advice alone never fails
    assert result.stderr == ""
    missing = f"- `{path}:1:1`: error: Filen kan ikke læses\\: filen findes ikke [PA002]"
    assert missing in result.stdout.splitlines()
    assert "python build.py validate" in result.stdout


def test_rule_errors_are_noted_but_the_review_still_runs(write_agreement):
    path = write_agreement(
        _mutated([("      amount: 25000\n      year: 2027", "      amount: 26000\n      year: 2027")])
    )
    lines = _review(path)
    assert f"Bemærk: `python build.py validate {path}` finder 1 fejl, der skal rettes." in lines
    assert "## Trin 1: Den bærende idé" in lines


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_point_is_counted_once(example):
    lines = _review(example)
    summary = next(line for line in lines if line.startswith(("I alt:", "In total:")))
    counts = [int(n) for n in re.findall(r"\d+", summary)]
    assert sum(counts) == len(POINTS)
    assert sum(bool(re.match(r"- [✓~✗] ", line)) for line in lines) == len(POINTS)


def test_the_table():
    """Each point has a unique id, a known step, both languages, and a check that returns a Finding."""
    assert len({p.id for p in POINTS}) == len(POINTS)
    assert {p.step for p in POINTS} == set(STEPS)
    for example in EXAMPLES:
        data = load(example).data
        assert not [p for p in check(load(example)) if p.severity == "error"]
        for point in POINTS:
            assert point.title_da and point.title_en and point.advice_da and point.advice_en
            finding = point.check(data)
            assert isinstance(finding, Finding) and finding.status in (OK, THIN, MISSING)
            assert (finding.status == OK) == (not finding.gaps), point.id
