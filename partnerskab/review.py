"""`python build.py review FILE`: how far one agreement follows Socialstyrelsen's guidance.

`validate` says whether an agreement is well-formed. `review` gives advice only: which points of
the guidance (the four steps of the Tringuide and the five points under «Tilrettelæggelse af
partnerskaber») the agreement addresses, which it covers thinly and which it leaves out, each with
the guidance's own words and the YAML field to fill in. It never fails CI: the exit code stays 0.

The points are the table POINTS below, read top to bottom: (id, step, title, check, advice). A
check gets schema-valid data and returns a Finding. «Thin» means present but very short (a prose
field under THIN_WORDS words) or covering only some partners or activities.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import NamedTuple

from . import money
from .check import check
from .i18n import language, plural
from .load import load
from .markdown import escape
from .text import printable

OK, THIN, MISSING, NOT_APPLICABLE = "ok", "thin", "missing", "not_applicable"
THIN_WORDS = 8  # a prose field with fewer words says too little to act on
FREQUENT = {"weekly", "biweekly", "monthly"}  # «hyppige statusmøder»
REGULAR = FREQUENT | {"quarterly"}  # «regelmæssig kommunikation»; half-yearly is not
FIXED = REGULAR | {"semiannually", "yearly"}  # a fixed forum at all, i.e. not only as_needed
VOLUNTEER = re.compile(r"frivillig|volunt", re.IGNORECASE)


class Gap(NamedTuple):
    """What to fill in: one YAML field (or alternatives), and for whom or why, if it is thin."""

    fields: tuple[str, ...]
    names: tuple[str, ...] = ()  # the partners, activities or signatories that lack it
    words: int | None = None  # the text is there but has only this many words


class Finding(NamedTuple):
    status: str
    gaps: tuple[Gap, ...] = ()
    why: str = ""  # for NOT_APPLICABLE: a key in WORDS saying why the point does not apply


class Point(NamedTuple):
    id: str
    step: str
    title_da: str
    title_en: str
    check: Callable[[dict], Finding]
    advice_da: str
    advice_en: str


# --- small helpers the checks share ------------------------------------------------------------


def gap(*fields: str, names=(), words: int | None = None) -> Gap:
    return Gap(tuple(fields), tuple(names), words)


def _grade(gaps, missing: bool = False) -> Finding:
    """Missing when the check says so; thin when anything is left to fill in; else in place."""
    gaps = tuple(g for g in gaps if g)
    return Finding(MISSING if missing else THIN if gaps else OK, gaps)


def _words(text) -> int:
    return len(re.findall(r"\w+", text)) if isinstance(text, str) else 0


def _get(data: dict, dotted: str):
    node = data
    for key in dotted.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _short(data: dict, field: str) -> Gap | None:
    """A gap when the prose field is there but too short to say much."""
    text = _get(data, field)
    count = _words(text)
    return gap(field, words=count) if text and count < THIN_WORDS else None


def _text(data: dict, field: str) -> Gap | None:
    """A gap when the prose field is absent or too short."""
    return _short(data, field) if _get(data, field) else gap(field)


def _partners(data: dict) -> dict[str, str]:
    """Partner id -> name, each id once."""
    names: dict[str, str] = {}
    for partner in data["partners"]:
        names.setdefault(partner["id"], partner["name"])
    return names


def _lacking(data: dict, section: str, has=lambda entry: True, funders_too: bool = True) -> list[str]:
    """Names of the partners with no entry in `section` for which `has(entry)` holds; without
    `funders_too`, a partner that only funds is not counted as lacking."""
    covered = {entry["partner"] for entry in data.get(section, []) if has(entry)}
    if not funders_too:
        covered |= _funders_only(data)
    return [name for pid, name in _partners(data).items() if pid not in covered]


def _funders_only(data: dict) -> set[str]:
    """Partners whose part is money only: named on a financing row, with no resources and no
    activity of their own. Tasks, hours and competences do not apply to them."""
    funders = {row["partner"] for row in data["economy"]["financing"] if "partner" in row}
    bringing = {r["partner"] for r in data["resources"]}
    acting = {p for a in data["activities"] for p in a["responsible"]}
    return funders - bringing - acting


def _all(data: dict, names: list[str]) -> bool:
    return len(names) == len(_partners(data))


def _meetings(data: dict, frequencies=FIXED) -> list[dict]:
    return [m for m in data["organisation"].get("meetings", []) if m["frequency"] in frequencies]


# --- Tringuide, trin 1: Den bærende idé ----------------------------------------------------------


def expectations(data: dict) -> Finding:
    """The aim says what the partnership is for; every partner says what it expects."""
    lacking = _lacking(data, "roles", lambda r: r.get("expectations"))
    gaps = [_short(data, "purpose.aim"), lacking and gap("roles[].expectations", names=lacking)]
    return _grade(gaps, missing=_all(data, lacking))


def project_management(data: dict) -> Finding:
    """Someone leads (two or more if shared), and every partner sits in a forum somewhere."""
    organisation = data["organisation"]
    lead = organisation["project_management"]
    seen = set(lead["leads"]) | {m["partner"] for m in organisation.get("steering_group", [])}
    seen |= {p for m in organisation.get("meetings", []) for p in m["participants"]}
    absent = [name for pid, name in _partners(data).items() if pid not in seen]
    gaps = [
        lead["model"] == "shared" and len(lead["leads"]) < 2 and gap("organisation.project_management.leads"),
        absent and gap("organisation.steering_group", "organisation.meetings[].participants", names=absent),
    ]
    return _grade(gaps)


def decisions(data: dict) -> Finding:
    """Both lists: what is decided together, and what each partner decides alone."""
    given = data["organisation"].get("decisions") or {}
    absent = [key for key in ("joint", "separate") if not given.get(key)]
    return _grade([gap(f"organisation.decisions.{key}") for key in absent], missing=len(absent) == 2)


# --- Trin 2: Udvikling af konceptet --------------------------------------------------------------


def activity_plans(data: dict) -> Finding:
    """Every activity says who staffs it and by which methods."""
    activities = data["activities"]
    gaps = []
    for key in ("staffing", "methods"):
        lacking = [a["name"] for a in activities if not a.get(key)]
        gaps.append(lacking and gap(f"activities[].{key}", names=lacking))
    return _grade(gaps, missing=not any(a.get("staffing") or a.get("methods") for a in activities))


def costs(data: dict) -> Finding:
    """A budget that adds up to something, broken into more than one post; unless the money is
    paid as billed, when there is no budget to break down."""
    budget = data["economy"]["budget"]
    nothing = money.total(budget) == 0
    thin = nothing or len(budget) < 2
    if thin and any(money.basis(row) == money.REIMBURSED for row in data["economy"]["financing"]):
        return Finding(NOT_APPLICABLE, why="why_reimbursed")
    return _grade([thin and gap("economy.budget")], missing=nothing)


def competences(data: dict) -> Finding:
    """Every partner describes what it brings (a partner that only funds brings its money)."""
    lacking = _lacking(data, "resources", lambda r: _words(r.get("description")), funders_too=False)
    return _grade([lacking and gap("resources[].description", names=lacking)], missing=_all(data, lacking))


def communication(data: dict) -> Finding:
    """How and to whom the partnership is made known."""
    return _grade([_text(data, "communication")], missing=not data.get("communication"))


# --- Trin 3: Rolle- og arbejdsfordeling ----------------------------------------------------------


def division_of_work(data: dict) -> Finding:
    """Every partner has tasks or obligations (the schema already requires a responsible partner
    for each activity)."""
    lacking = _lacking(data, "roles", lambda r: r.get("tasks") or r.get("obligations"), funders_too=False)
    gaps = [lacking and gap("roles[].tasks", "roles[].obligations", names=lacking)]
    return _grade(gaps, missing=_all(data, lacking))


def status_meetings(data: dict) -> Finding:
    """A forum meeting at least monthly, and more than one level: two fora or a steering group."""
    fixed = _meetings(data)
    if not fixed:
        return Finding(MISSING, (gap("organisation.meetings"),))
    gaps = [
        not _meetings(data, FREQUENT) and gap("organisation.meetings[].frequency"),
        len(fixed) < 2
        and not data["organisation"].get("steering_group")
        and gap("organisation.meetings", "organisation.steering_group"),
    ]
    return _grade(gaps)


def volunteers(data: dict) -> Finding:
    """Volunteers are mentioned in what the civil-society partners bring or do, or in staffing,
    or a partner brings a group of volunteers. Where no partner brings volunteers at all, the
    point does not apply."""
    if any(r.get("kind") == "volunteers" for r in data["resources"]):
        return _grade([])
    civil = {p["id"] for p in data["partners"] if p["sector"] == "civil_society"} or set(_partners(data))
    texts = [r["description"] for r in data["resources"] if r["partner"] in civil]
    for role in data["roles"]:
        if role["partner"] in civil:
            texts += [role["role"], *role.get("tasks", []), *role.get("obligations", [])]
    texts += [a.get("staffing", "") for a in data["activities"]]
    found = any(VOLUNTEER.search(text) for text in texts)
    if not found:
        return Finding(NOT_APPLICABLE, why="why_no_volunteers")
    return _grade([])


# --- Trin 4: Den endelige partnerskabsaftale -----------------------------------------------------


def signed(data: dict) -> Finding:
    """Status signed (or ended) and a date on every signature; half signed is not signed."""
    undated = [s["name"] for s in data["signatures"] if not s.get("date")]
    gaps = [
        data["status"] not in ("signed", "ended") and gap("status: signed"),
        undated and gap("signatures[].date", names=undated),
    ]
    return _grade(gaps, missing=any(gaps))


def time_set_aside(data: dict) -> Finding:
    """Every partner commits a minimum number of hours, its own or its volunteers' (a partner
    that only funds commits money, not time)."""
    lacking = _lacking(data, "resources", lambda r: r.get("minimum_hours"), funders_too=False)
    gaps = [lacking and gap("resources[].minimum_hours", names=lacking)]
    return _grade(gaps, missing=_all(data, lacking))


def adjustment(data: dict) -> Finding:
    """An evaluation to learn from, and a procedure for changing the agreement."""
    gaps = [_text(data, "duration.evaluation"), _text(data, "changes.procedure")]
    return _grade(gaps, missing=not _get(data, "duration.evaluation") and not _get(data, "changes.procedure"))


def backing(data: dict) -> Finding:
    """The anchoring text: who backs the partnership at home, and how they are kept informed."""
    return _grade([_text(data, "anchoring")], missing=not data.get("anchoring"))


# --- Tilrettelæggelse af partnerskaber: the five points ------------------------------------------


def shared_vision(data: dict) -> Finding:
    """A vision worth the name, and every partner both has a role and contributes resources."""
    no_role = _lacking(data, "roles")
    no_resources = _lacking(data, "resources", funders_too=False)
    gaps = [
        _short(data, "purpose.vision"),
        no_role and gap("roles", names=no_role),
        no_resources and gap("resources", names=no_resources),
    ]
    return _grade(gaps)


def differences(data: dict) -> Finding:
    """Values say how differences are handled; partners from several sectors make it matter, so
    without values that is thin, and with one sector and no values it is missing."""
    if data.get("values"):
        return _grade([])
    several = len({p["sector"] for p in data["partners"]}) > 1
    return _grade([gap("values")], missing=not several)


def regular_communication(data: dict) -> Finding:
    """A forum meeting at least quarterly; only half-yearly or yearly meetings are thin."""
    if not _meetings(data):
        return Finding(MISSING, (gap("organisation.meetings"),))
    return _grade([not _meetings(data, REGULAR) and gap("organisation.meetings[].frequency")])


def leadership(data: dict) -> Finding:
    """Anchoring with leadership (required) and a steering group where leaders meet."""
    steering_group = data["organisation"].get("steering_group")
    gaps = [_text(data, "anchoring"), not steering_group and gap("organisation.steering_group")]
    return _grade(gaps, missing=not data.get("anchoring"))


def clear_roles(data: dict) -> Finding:
    """Every partner has obligations or tasks, and it is clear who decides what."""
    lacking = _lacking(data, "roles", lambda r: r.get("obligations") or r.get("tasks"), funders_too=False)
    given = data["organisation"].get("decisions") or {}
    absent = [key for key in ("joint", "separate") if not given.get(key)]
    gaps = [lacking and gap("roles[].obligations", "roles[].tasks", names=lacking)]
    gaps += [gap(f"organisation.decisions.{key}") for key in absent]
    return _grade(gaps, missing=_all(data, lacking) and len(absent) == 2)


# --- The table -----------------------------------------------------------------------------------

STEPS = {
    "trin1": ("Trin 1: Den bærende idé", "Step 1: The core idea"),
    "trin2": ("Trin 2: Udvikling af konceptet", "Step 2: Developing the concept"),
    "trin3": ("Trin 3: Rolle- og arbejdsfordeling", "Step 3: Roles and division of work"),
    "trin4": ("Trin 4: Den endelige partnerskabsaftale", "Step 4: The final partnership agreement"),
    "success": ("Fem punkter for, at partnerskabet lykkes", "Five points for a partnership to succeed"),
}

_INVEST_DA = (
    "Sørg for at afsætte den fornødne tid og ressourcer til partnerskabet, herunder til løbende at "
    "udvikle og justere partnerskabet og rollefordelingen i fællesskab."
)
_INVEST_EN = (
    "Make sure to set aside the time and resources the partnership needs, including for developing "
    "and adjusting the partnership and the division of roles together as you go."
)

POINTS = [
    Point(
        "T1.1",
        "trin1",
        "Forventninger, værdi og udbytte er afstemt",
        "Expectations, value and benefit are aligned",
        expectations,
        "Afstem forventninger til partnerskabet, herunder hvilken værdi og hvilket udbytte partnerskabet "
        "skal bidrage til, og hvad parterne kan sammen og hver for sig.",
        "Align expectations for the partnership, including what value and benefit it should contribute "
        "to, and what the partners can do together and each on their own.",
    ),
    Point(
        "T1.2",
        "trin1",
        "Projektledelse, og hvordan alle er repræsenteret",
        "Project management, and how everyone is represented",
        project_management,
        "Afklar, hvem der har projektledelsen, hvordan alle aktører er repræsenteret, og om der eventuelt "
        "skal være delt projektledelse.",
        "Clarify who has the project management, how all parties are represented, and whether the "
        "project management should be shared.",
    ),
    Point(
        "T1.3",
        "trin1",
        "Beslutninger i fællesskab og hver for sig",
        "Decisions made jointly and separately",
        decisions,
        "Afklar også, hvem der kan tage hvilke beslutninger, og hvornår beslutninger kan tages hver for "
        "sig, og hvornår de skal tages i fællesskab.",
        "Also clarify who can make which decisions, and when decisions can be made separately and when "
        "they must be made jointly.",
    ),
    Point(
        "T2.1",
        "trin2",
        "Aktiviteternes bemanding og metoder",
        "How the activities are staffed, and their methods",
        activity_plans,
        "Fastlæg aktiviteterne, herunder hvordan de bemandes, hvordan de gennemføres og med hvilke metoder.",
        "Settle the activities, including how they are staffed, how they are carried out and with which "
        "methods.",
    ),
    Point(
        "T2.2",
        "trin2",
        "Omkostningerne er afklaret",
        "The costs are clarified",
        costs,
        "Afklar omkostningerne. Aftalen bør rumme «de økonomiske aftaler, herunder finansiering og budget».",
        "Clarify the costs. The agreement should contain «the financial arrangements, including funding "
        "and budget».",
    ),
    Point(
        "T2.3",
        "trin2",
        "Hver partners kompetencer og ressourcer",
        "Each partner's competences and resources",
        competences,
        "Beskriv tydeligt hver partners kompetencer og ressourcer, som bringes ind i samarbejdet, så der er "
        "klarhed om, hvad der tilsammen rådes over.",
        "Describe clearly the competences and resources each partner brings into the collaboration, so it "
        "is clear what you have at your disposal together.",
    ),
    Point(
        "T2.4",
        "trin2",
        "Formidling: hvordan og til hvem",
        "Communication: how and to whom",
        communication,
        "Afklar, hvordan projektet formidles og til hvem.",
        "Clarify how the project is communicated, and to whom.",
    ),
    Point(
        "T3.1",
        "trin3",
        "Opgaver og ansvar er fordelt mellem partnerne",
        "Tasks and responsibility are divided between the partners",
        division_of_work,
        "Beskriv aktiviteterne og deres delelementer. Fordel opgaveløsningen og ansvaret, så det giver "
        "mening i forhold til kommunerne og de frivillige organisationers forskellige kompetencer og "
        "ressourcer.",
        "Describe the activities and their parts. Divide the tasks and the responsibility so that it makes "
        "sense given the different competences and resources of the municipalities and the voluntary "
        "organisations.",
    ),
    Point(
        "T3.2",
        "trin3",
        "Hyppige statusmøder på flere niveauer",
        "Frequent status meetings at several levels",
        status_meetings,
        "Sæt tid af til hyppige statusmøder – gerne både for frivillige, professionelle og praktikere samt "
        "på ledelsesniveau, så alle partnerskabets lag inkluderes løbende.",
        "Set aside time for frequent status meetings – preferably both for volunteers, professionals and "
        "practitioners and at management level, so that every layer of the partnership is included "
        "throughout.",
    ),
    Point(
        "T3.3",
        "trin3",
        "Frivillige er overvejet",
        "Volunteers are considered",
        volunteers,
        "Overvej behov for rekruttering af eventuelle frivillige, og overvej, hvilke opgaver det giver "
        "mening for frivillige at varetage.",
        "Consider whether volunteers need to be recruited, and which tasks it makes sense for volunteers "
        "to take on.",
    ),
    Point(
        "T4.1",
        "trin4",
        "Aftalen er underskrevet",
        "The agreement is signed",
        signed,
        "Udform og underskriv en formaliseret partnerskabsaftale, der tager hensyn til de tre tidligere "
        "trin.",
        "Draw up and sign a formal partnership agreement that takes the three previous steps into account.",
    ),
    Point(
        "T4.2",
        "trin4",
        "Tid og ressourcer er afsat af hver partner",
        "Each partner sets aside time and resources",
        time_set_aside,
        _INVEST_DA,
        _INVEST_EN,
    ),
    Point(
        "T4.3",
        "trin4",
        "Plads til at evaluere og justere undervejs",
        "Room to evaluate and adjust along the way",
        adjustment,
        _INVEST_DA,
        _INVEST_EN,
    ),
    Point(
        "T4.4",
        "trin4",
        "Opbakning i baglandet, og hvordan det holdes orienteret",
        "Backing at home, and how it is kept informed",
        backing,
        "Sørg for opbakning til projektet hos andre aktører samt i hver af parternes bagland, fx i form af "
        "politisk og faglig ledelse. Afklar også, hvordan disse løbende informeres om partnerskabets "
        "fremdrift.",
        "Make sure the project has backing from other parties and in each partner's own organisation, "
        "e.g. from political and professional leadership. Also clarify how they are kept informed of the "
        "partnership's progress.",
    ),
    Point(
        "S1",
        "success",
        "Gensidig afhængighed og fælles vision",
        "Mutual dependence and a shared vision",
        shared_vision,
        "Der skal være strategisk afhængighed mellem parterne. Det indebærer, at der er behov for begge "
        "parters bidrag, og at begge kan drage nytte af samarbejdet. Derfor skal parterne i en vis "
        "udstrækning have en fælles vision, som de hver især bidrager til.",
        "There must be strategic interdependence between the partners: both partners' contributions are "
        "needed, and both can benefit from the collaboration. So the partners must to some extent share a "
        "vision to which each of them contributes.",
    ),
    Point(
        "S2",
        "success",
        "Hensyn til forskellighed",
        "Respect for differences",
        differences,
        "Samarbejdsparterne kan have forskellige kerneopgaver, målsætninger, økonomiske ressourcer, "
        "organisationskulturer mv. Forskelligheden kan potentielt skabe udfordringer for partnerskabet. "
        "Aftalen kan have «et værdisæt eller dogmeregler for selve partnerskabet og samarbejdet».",
        "The partners may have different core tasks, objectives, financial resources, organisational "
        "cultures and so on. The differences can create challenges for the partnership. The agreement can "
        "include «a set of values or ground rules for the partnership and the collaboration».",
    ),
    Point(
        "S3",
        "success",
        "Regelmæssig kommunikation",
        "Regular communication",
        regular_communication,
        "Forskelligheden betyder, at der er behov for regelmæssig kommunikation for at opbygge tillid.",
        "The differences mean that regular communication is needed to build trust.",
    ),
    Point(
        "S4",
        "success",
        "Ledelsesopbakning",
        "Leadership support",
        leadership,
        "Ledelsesopbakning er vigtig for, at projektets formål er tydeligt og formidles internt i "
        "organisationen. Desuden skal ledelsen sikre, at der afsættes de nødvendige ressourcer til "
        "partnerskabet. Manglende opbakning kan begrænse handlerum og engagement fra parterne.",
        "Leadership support matters so that the project's purpose is clear and is communicated inside the "
        "organisation. The leadership must also make sure that the necessary resources are set aside for "
        "the partnership. Lack of support can limit the partners' room for action and engagement.",
    ),
    Point(
        "S5",
        "success",
        "Klare aftaler og roller",
        "Clear agreements and roles",
        clear_roles,
        "Det er nødvendigt at lave klare aftaler om tilrettelæggelsen af partnerskabet og dets aktiviteter "
        "samt at have en forventningsafstemning og tydeligt definerede roller for parterne.",
        "Clear agreements are needed on how the partnership and its activities are organised, together "
        "with aligned expectations and clearly defined roles for the partners.",
    ),
]

# Advice a file cannot show; printed as a reminder so the review does not look complete without it.
NOT_IN_THE_FILE = [
    (
        "Skab åben dialog om eventuelle bekymringer om samarbejdet (trin 1).",
        "Talk openly about any concerns about the collaboration (step 1).",
    ),
    (
        "Lær hinanden at kende, og afsæt god tid til møder i starten (trin 1).",
        "Get to know each other, and set aside plenty of time for meetings at the start (step 1).",
    ),
    (
        "Sørg for, at alle parter er involveret tidligt for at sikre fælles ejerskab (trin 1).",
        "Make sure all partners are involved early, so the project is owned jointly (step 1).",
    ),
    (
        "Afklar uoverensstemmelser tidligt og løbende (trin 3).",
        "Clear up disagreements early and as you go (step 3).",
    ),
]

WORDS = {
    "da": {
        OK: "✓ på plads",
        THIN: "~ tyndt",
        MISSING: "✗ mangler",
        NOT_APPLICABLE: "– gælder ikke",
        "why_no_volunteers": "ingen partner bringer frivillige",
        "why_reimbursed": "udgifterne betales efter regning",
        "summary_na": " {n} gælder ikke her.",
        "header": "# Vejledningstjek: «{title}» ({file})",
        "intro": "Aftalen er holdt op mod Socialstyrelsens vejledning om partnerskaber: Tringuidens fire "
        "trin og punkterne under «Tilrettelæggelse af partnerskaber».",
        "advice": "Vejledningen: «{advice}»",
        "fill": "Udfyld: {fields}",
        "or": " eller ",
        "locale": "da_DK",
        "words": "kun {n} ord",
        "not_in_file": "## Det kan filen ikke vise – tal om det sammen",
        "summary": "I alt: {ok} på plads, {thin} tyndt, {missing} mangler.",
        "advice_only": "Det er kun råd ud fra vejledningen. Om aftalen er i orden, afgør "
        "`python build.py validate`.",
        "rule_errors": "Bemærk: `python build.py validate {file}` finder {n} fejl, der skal rettes.",
        "broken": "# Vejledningstjek: {file}\n\nAftalen kan ikke holdes op mod vejledningen, før disse "
        "fejl er rettet. Kør `python build.py validate {file}` for at se dem med linje og kolonne:\n",
    },
    "en": {
        OK: "✓ in place",
        THIN: "~ thin",
        MISSING: "✗ missing",
        NOT_APPLICABLE: "– does not apply",
        "why_no_volunteers": "no partner brings volunteers",
        "why_reimbursed": "the costs are paid as billed",
        "summary_na": {"one": " {n} does not apply here.", "other": " {n} do not apply here."},
        "header": "# Guidance review: «{title}» ({file})",
        "intro": "The agreement is checked against Socialstyrelsen's guidance on partnerships: the four "
        "steps of the Tringuide and the points under «Tilrettelæggelse af partnerskaber» (organising "
        "partnerships). The guidance is quoted in translation from Danish.",
        "advice": "The guidance: “{advice}”",
        "fill": "Fill in: {fields}",
        "or": " or ",
        "locale": "en_GB",
        "words": {"one": "only {n} word", "other": "only {n} words"},
        "not_in_file": "## What the file cannot show – talk about it together",
        "summary": "In total: {ok} in place, {thin} thin, {missing} missing.",
        "advice_only": "This is advice from the guidance only. Whether the agreement is valid is decided "
        "by `python build.py validate`.",
        "rule_errors": {
            "one": "Note: `python build.py validate {file}` finds {n} error to fix.",
            "other": "Note: `python build.py validate {file}` finds {n} errors to fix.",
        },
        "broken": "# Guidance review: {file}\n\nThe agreement cannot be checked against the guidance until "
        "these errors are fixed. Run `python build.py validate {file}` to see them with line and column:\n",
    },
}


def _gap_text(g: Gap, words: dict) -> str:
    text = words["or"].join(f"`{field}`" for field in g.fields)
    if g.names:
        text += f" (for {', '.join(escape(name) for name in g.names)})"  # the agreement's text
    elif g.words is not None:
        text += f" ({plural(g.words, words['words'], words['locale']).format(n=g.words)})"
    return text


def review_data(data: dict, file: str, rule_errors: int = 0) -> str:
    """The review of schema-valid data, in the agreement's language."""
    lang = language(data)
    words = WORDS[lang]
    # The review is Markdown (a pull request comment): the agreement's text is escaped, as in diff.py.
    header = words["header"].format(title=escape(data["title"]), file=escape(printable(file)))
    lines = [header, "", words["intro"]]
    if rule_errors:
        counted = plural(rule_errors, words["rule_errors"], words["locale"])
        lines += ["", counted.format(file=printable(shlex.quote(file)), n=rule_errors)]
    counts = {OK: 0, THIN: 0, MISSING: 0, NOT_APPLICABLE: 0}
    step = None
    for point in POINTS:
        if point.step != step:
            step = point.step
            lines += ["", f"## {STEPS[step][lang == 'en']}", ""]
        finding = point.check(data)
        counts[finding.status] += 1
        title = point.title_en if lang == "en" else point.title_da
        if finding.status == NOT_APPLICABLE:
            lines.append(f"- {words[finding.status]}: {title} ({words[finding.why]})")
            continue
        lines.append(f"- {words[finding.status]}: {title}")
        if finding.status != OK:
            advice = point.advice_en if lang == "en" else point.advice_da
            lines.append(f"  - {words['advice'].format(advice=advice)}")
            fields = "; ".join(_gap_text(g, words) for g in finding.gaps)
            lines.append(f"  - {words['fill'].format(fields=fields)}")
    lines += ["", words["not_in_file"], ""]
    lines += [f"- {da if lang == 'da' else en}" for da, en in NOT_IN_THE_FILE]
    summary = words["summary"].format(**counts)
    if counts[NOT_APPLICABLE]:
        summary += plural(counts[NOT_APPLICABLE], words["summary_na"], words["locale"]).format(
            n=counts[NOT_APPLICABLE]
        )
    lines += ["", summary, words["advice_only"]]
    return "\n".join(lines) + "\n"


def review_file(path: str) -> str:
    """The review of one file; a file with load or schema problems gets those instead, since the
    points cannot be judged on a broken structure. Never raises for a bad file."""
    return review(path)[0]


def review(path: str) -> tuple[str, bool]:
    """(the review of one file, whether it could be reviewed at all): False for a file that
    cannot be read or whose structure is broken, which gets its problems instead of a review."""
    source = load(path)
    problems = check(source)
    lang = language(source.data)
    broken = [p for p in problems if p.severity == "error" and p.code.startswith("PA0")]
    if broken or not isinstance(source.data, dict):
        head = WORDS[lang]["broken"].format(file=printable(shlex.quote(path)))
        return head + "\n" + "".join(f"- {_problem_line(p)}\n" for p in broken or problems), False
    rule_errors = sum(p.severity == "error" for p in problems)
    return review_data(source.data, path, rule_errors), True


def _problem_line(p) -> str:
    """Problem.text() as Markdown: the place as code, the message (with the agreement's own
    values in it) escaped."""
    code = f" [{p.code}]" if p.code else ""
    return f"`{printable(p.file)}:{p.line}:{p.column}`: {p.severity}: {escape(printable(p.message))}{code}"
