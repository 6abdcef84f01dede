"""Rules the JSON Schema cannot say: references, sums, dates, CVR numbers, and the advice of
Socialstyrelsen's guidance. Each rule has a stable code, is listed in the README and has a test.

Rules run only on schema-valid data, so they can rely on its shape. Errors fail validation;
warnings (codes PA2xx) come from the guidance and fail only with --strict.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from .assets import find_logo
from .i18n import Formats, language
from .load import Source
from .problems import Problem, dotted

MESSAGES = {
    "da": {
        "PA101": "«{ref}» er ikke en af aftalens partnere. Brug et af disse id'er: {known} ({path})",
        "PA102": "Partner-id'et «{ref}» bruges af flere partnere. Hvert id skal være unikt ({path})",
        "PA103": "{name} har ingen rolle under «Roller, forventninger, forpligtelser og opgaver» (roles)",
        "PA104": "{name} har ingen ressourcer med minimumstidsforbrug under «Ressourcer og minimumstidsforbrug» (resources)",
        "PA105": "{name} har ingen underskriver under «Underskrift» (signatures)",
        "PA106": "Aftalens varighed: Slutdatoen ({end}) skal ligge efter startdatoen ({start}) ({path})",
        "PA107": "Tillægget er dateret {date}, uden for aftalens varighed ({start} til {end}) ({path})",
        "PA108": "Aftalen er markeret som underskrevet (status: signed), men {who} mangler en dato ({path})",
        "PA109": "Aftalen er markeret som afsluttet (status: ended), men slutdatoen {end} er ikke passeret ({path})",
        "PA110": "Finansieringen ({financing}) svarer ikke til budgettet ({budget}){year} ({path})",
        "PA110_year": " for {year}",
        "PA111": "CVR-nummeret {cvr} er ikke gyldigt: kontrolcifferet passer ikke. Tjek det på virk.dk ({path})",
        "PA112": "Logoet «{file}» kan ikke bruges: {why} ({path})",
        "PA112_not_relative": "skriv stien til en fil i repositoriet set fra aftalens mappe, fx ../logos/logo.png",
        "PA112_outside": "stien fører uden for repositoriet",
        "PA112_missing": "filen findes ikke",
        "PA112_too_large": "filen er større end 2 MB",
        "PA112_not_image": "filen er ikke et PNG- eller JPEG-billede",
        "PA201": "Alle partnere er fra samme sektor ({sector}). Ifølge vejledningen går partnerskaber på tværs af sektorer (partners)",
        "PA202": "Der er ingen faste møder. Vejledningen anbefaler regelmæssig kommunikation og hyppige statusmøder (organisation.meetings)",
        "PA203": "Der står ikke, hvilke beslutninger der træffes i fællesskab, og hvilke hver partner træffer selv (organisation.decisions)",
        "PA204": "Der står ikke, hvordan partnerskabet er forankret hos ledelse og bagland (anchoring)",
    },
    "en": {
        "PA101": "«{ref}» is not one of the partners to the agreement. Use one of these ids: {known} ({path})",
        "PA102": "The partner id «{ref}» is used by more than one partner. Each id must be unique ({path})",
        "PA103": "{name} has no role under «Roles, expectations, obligations and tasks» (roles)",
        "PA104": "{name} has no resources with a minimum time under «Resources and minimum time» (resources)",
        "PA105": "{name} has no signatory under «Signatures» (signatures)",
        "PA106": "Duration of the agreement: the end date ({end}) must be after the start date ({start}) ({path})",
        "PA107": "The amendment is dated {date}, outside the agreement's duration ({start} to {end}) ({path})",
        "PA108": "The agreement is marked as signed (status: signed), but {who} has no date ({path})",
        "PA109": "The agreement is marked as ended (status: ended), but the end date {end} has not passed ({path})",
        "PA110": "The funding ({financing}) does not match the budget ({budget}){year} ({path})",
        "PA110_year": " for {year}",
        "PA111": "The CVR number {cvr} is not valid: its check digit does not match. Check it on virk.dk ({path})",
        "PA112": "The logo «{file}» cannot be used: {why} ({path})",
        "PA112_not_relative": "give the path of a file in the repository, seen from the agreement's folder, e.g. ../logos/logo.png",
        "PA112_outside": "the path leads outside the repository",
        "PA112_missing": "the file does not exist",
        "PA112_too_large": "the file is larger than 2 MB",
        "PA112_not_image": "the file is not a PNG or JPEG image",
        "PA201": "All partners are from the same sector ({sector}). The guidance says partnerships cross sectors (partners)",
        "PA202": "There are no regular meetings. The guidance recommends regular communication and frequent status meetings (organisation.meetings)",
        "PA203": "The agreement does not say which decisions are made jointly and which by each partner (organisation.decisions)",
        "PA204": "The agreement does not say how the partnership is anchored with leadership and the organisations behind it (anchoring)",
    },
}

ERRORS = [
    "PA101",
    "PA102",
    "PA103",
    "PA104",
    "PA105",
    "PA106",
    "PA107",
    "PA108",
    "PA109",
    "PA110",
    "PA111",
    "PA112",
]
WARNINGS = ["PA201", "PA202", "PA203", "PA204"]
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def cvr_is_valid(cvr: str) -> bool:
    """Modulus 11: the weighted digit sum of a CVR number is divisible by 11."""
    return (
        len(cvr) == 8
        and cvr.isdigit()
        and sum(int(d) * w for d, w in zip(cvr, CVR_WEIGHTS, strict=True)) % 11 == 0
    )


def partner_references(data: dict) -> Iterator[tuple[tuple, str]]:
    """Every place that names a partner by id: (JSON path, id)."""
    for section in ("roles", "resources", "signatures"):
        for i, item in enumerate(data[section]):
            yield (section, i, "partner"), item["partner"]
    for i, activity in enumerate(data["activities"]):
        for key in ("responsible", "contributors"):
            for j, ref in enumerate(activity.get(key, [])):
                yield ("activities", i, key, j), ref
    organisation = data["organisation"]
    for j, ref in enumerate(organisation["project_management"]["leads"]):
        yield ("organisation", "project_management", "leads", j), ref
    for i, member in enumerate(organisation.get("steering_group", [])):
        yield ("organisation", "steering_group", i, "partner"), member["partner"]
    for i, meeting in enumerate(organisation.get("meetings", [])):
        for j, ref in enumerate(meeting["participants"]):
            yield ("organisation", "meetings", i, "participants", j), ref
    for i, source in enumerate(data["economy"]["financing"]):
        if "partner" in source:
            yield ("economy", "financing", i, "partner"), source["partner"]


def check_rules(source: Source, today: dt.date | None = None) -> list[Problem]:
    data = source.data
    lang = language(data)
    words = MESSAGES[lang]
    fmt = Formats(lang)
    today = today or dt.date.today()
    problems: list[Problem] = []

    def add(code: str, path: tuple, **params) -> None:
        severity = "warning" if code in WARNINGS else "error"
        message = words[code].format(path=dotted(path), **params)
        problems.append(Problem(source.path, *source.position(path), code, message, severity, dotted(path)))

    partners = data["partners"]
    ids = [p["id"] for p in partners]
    known = ", ".join(dict.fromkeys(ids))
    counts = Counter(ids)
    for i, partner in enumerate(partners):
        if counts[partner["id"]] > 1 and ids.index(partner["id"]) != i:
            add("PA102", ("partners", i, "id"), ref=partner["id"])
    for path, ref in partner_references(data):
        if ref not in counts:
            add("PA101", path, ref=ref, known=known)
    for key, code in (("roles", "PA103"), ("resources", "PA104"), ("signatures", "PA105")):
        covered = {item["partner"] for item in data[key]}
        for i, partner in enumerate(partners):
            if partner["id"] not in covered and ids.index(partner["id"]) == i:
                add(code, ("partners", i), name=partner["name"])

    duration = data["duration"]
    start, end = dt.date.fromisoformat(duration["start"]), dt.date.fromisoformat(duration["end"])
    if end <= start:
        add("PA106", ("duration", "end"), start=fmt.date(duration["start"]), end=fmt.date(duration["end"]))
    for i, amendment in enumerate((data.get("changes") or {}).get("amendments", [])):
        if not start <= dt.date.fromisoformat(amendment["date"]) <= end:
            add(
                "PA107",
                ("changes", "amendments", i, "date"),
                date=fmt.date(amendment["date"]),
                start=fmt.date(duration["start"]),
                end=fmt.date(duration["end"]),
            )
    if data["status"] == "signed":
        for i, signature in enumerate(data["signatures"]):
            if not signature.get("date"):
                add("PA108", ("signatures", i), who=signature["name"])
    if data["status"] == "ended" and end >= today:
        add("PA109", ("duration", "end"), end=fmt.date(duration["end"]))

    economy = data["economy"]
    financing, budget = _totals(economy["financing"]), _totals(economy["budget"])
    if financing[None] != budget[None]:
        add(
            "PA110",
            ("economy", "financing"),
            financing=fmt.amount(financing[None]),
            budget=fmt.amount(budget[None]),
            year="",
        )
    elif set(financing) != {None} and set(budget) != {None}:
        for year in sorted(y for y in set(financing) | set(budget) if y is not None):
            if financing.get(year, 0) != budget.get(year, 0):
                add(
                    "PA110",
                    ("economy", "financing"),
                    financing=fmt.amount(financing.get(year, 0)),
                    budget=fmt.amount(budget.get(year, 0)),
                    year=words["PA110_year"].format(year=year),
                )

    for i, partner in enumerate(partners):
        if "cvr" in partner and not cvr_is_valid(partner["cvr"]):
            add("PA111", ("partners", i, "cvr"), cvr=partner["cvr"])

    for i, partner in enumerate(partners):
        if "logo" in partner:
            _, why = find_logo(Path(source.path), partner["logo"]["path"])
            if why:
                add(
                    "PA112",
                    ("partners", i, "logo", "path"),
                    file=partner["logo"]["path"],
                    why=words[f"PA112_{why}"],
                )

    sectors = {p["sector"] for p in partners}
    if len(sectors) == 1:
        add("PA201", ("partners",), sector=fmt.t["sector"][sectors.pop()])
    organisation = data["organisation"]
    if not any(m["frequency"] != "as_needed" for m in organisation.get("meetings", [])):
        add("PA202", ("organisation",))
    decisions = organisation.get("decisions", {})
    if not (decisions.get("joint") or decisions.get("separate")):
        add("PA203", ("organisation",))
    if not data.get("anchoring"):
        add("PA204", ())
    return problems


def _totals(rows: list[dict]) -> dict:
    """Sum of all rows under None, and per year where rows give one."""
    totals: dict = defaultdict(int)
    for row in rows:
        totals[None] += row["amount"]
        if "year" in row:
            totals[row["year"]] += row["amount"]
    return totals
