"""Rules the JSON Schema cannot say: references, sums, dates, CVR numbers, and the advice of
Socialstyrelsen's guidance. Each rule has a stable code, is listed in the README and has a test.

Rules run only on schema-valid data, so they can rely on its shape. Errors fail validation;
warnings (codes PA2xx) come from the guidance and fail only with --strict.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from . import glyphs, money, timeline
from .assets import find_annex, find_logo
from .i18n import Formats, language
from .load import Source, strings
from .messages import BUILD, RULES
from .problems import Problem, dotted

ERRORS = [
    "PA092",
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
    "PA115",
    "PA116",
    "PA117",
    "PA118",
    "PA119",
    "PA120",
    "PA121",
    "PA122",
    "PA123",
    "PA124",
    "PA125",
    "PA126",
    "PA127",
]
WARNINGS = ["PA201", "PA202", "PA203", "PA204", "PA205", "PA206", "PA207", "PA208", "PA209"]
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


class Report:
    """The problems found in one agreement, in its language."""

    def __init__(self, source: Source):
        self.source = source
        self.lang = language(source.data)
        self.words = RULES[self.lang]
        self.fmt = Formats(self.lang)
        self.problems: list[Problem] = []

    def add(self, code: str, path: tuple, key: str | None = None, **params) -> None:
        """One problem; `key` picks a variant of the code's message (e.g. PA107_open)."""
        severity = "warning" if code in WARNINGS else "error"
        message = self.words[key or code].format(path=dotted(path), **params)
        position = self.source.position(path)
        self.problems.append(Problem(self.source.path, *position, code, message, severity, dotted(path)))

    def day(self, value: dt.date | None) -> str:
        return self.fmt.date(value.isoformat()) if value else ""


def check_rules(source: Source, today: dt.date | None = None) -> list[Problem]:
    data = source.data
    report = Report(source)
    add, words, fmt = report.add, report.words, report.fmt
    today = today or dt.date.today()

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
    # A partner contributes when it brings a resource of any kind or is named on a financing row.
    contributing = {item["partner"] for item in data["resources"]}
    contributing |= {row["partner"] for row in data["economy"]["financing"] if "partner" in row}
    for code, covered in (
        ("PA103", {item["partner"] for item in data["roles"]}),
        ("PA104", contributing),
        ("PA105", {item["partner"] for item in data["signatures"]}),
    ):
        for i, partner in enumerate(partners):
            if partner["id"] not in covered and ids.index(partner["id"]) == i:
                add(code, ("partners", i), name=partner["name"])

    sides = [p.get("side") for p in partners]
    if any(sides) and (None in sides or set(sides) != {"a", "b"}):
        at = next((i for i, side in enumerate(sides) if side is None), None)
        add("PA127", ("partners", at) if at is not None else ("partners",))

    _glyph_rule(report, data)
    _resource_rules(report, data)
    _duration_rules(report, data, today)
    _money_rules(report, data)

    for i, partner in enumerate(partners):
        if "cvr" in partner and not cvr_is_valid(partner["cvr"]):
            add("PA111", ("partners", i, "cvr"), cvr=partner["cvr"])
    for i, partner in enumerate(partners):
        if "logo" in partner:
            _, why = find_logo(Path(source.path), partner["logo"]["path"])
            if why:
                reason = words[f"PA112_{why}"]
                up = "../" + partner["logo"]["path"]  # a path written from the project, not the agreement
                if why == "missing" and not find_logo(Path(source.path), up)[1]:
                    reason += words["PA112_from_project"].format(up=up)
                add("PA112", ("partners", i, "logo", "path"), file=partner["logo"]["path"], why=reason)
    for i, annex in enumerate(data.get("annexes", [])):
        if "file" in annex:
            _, why = find_annex(Path(source.path), annex["file"])
            if why:
                reason = words.get(f"PA124_{why}") or words[f"PA112_{why}"]  # annex words first
                add("PA124", ("annexes", i, "file"), file=annex["file"], why=reason)

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
    return report.problems


def _glyph_rule(report: Report, data: dict) -> None:
    """PA092: a character the PDF's fonts cannot show (an emoji, Chinese), at its value, so
    that what `validate` accepts, `build` builds."""
    for path, text in strings(data):
        if glyphs.SAFE.issuperset(text):
            continue
        missing = glyphs.unshowable(text)
        if missing:
            codes = ", ".join(f"U+{ord(c):04X}" for c in missing)
            message = BUILD[report.lang]["missing_glyph"].format(text="".join(missing), codes=codes, where="")
            report.add("PA092", path, "PA092", message=message)


# The fields each kind of resource may have besides partner, kind and description.
RESOURCE_FIELDS = {
    "hours": ("minimum_hours", "per", "hours_text"),
    "in_kind": ("value",),
    "volunteers": ("people", "minimum_hours", "per"),
}


def _resource_rules(report: Report, data: dict) -> None:
    names = {p["id"]: p["name"] for p in reversed(data["partners"])}
    commits_time = False
    for i, resource in enumerate(data["resources"]):
        kind = resource.get("kind", "hours")
        allowed = {"partner", "kind", "description", *RESOURCE_FIELDS[kind]}
        hint = report.words["PA115_hours_only" if kind == "hours" else f"PA115_{kind}"]
        for field in resource:
            if field not in allowed:
                report.add("PA115", ("resources", i, field), field=field, kind=kind, hint=hint)
        if kind == "hours" and "hours_text" in resource:
            if "minimum_hours" in resource:
                hint = report.words["PA115_hours"]
                report.add("PA115", ("resources", i, "hours_text"), field="hours_text", kind=kind, hint=hint)
            else:
                name = names.get(resource["partner"], resource["partner"])
                report.add("PA205", ("resources", i, "hours_text"), name=name, text=resource["hours_text"])
        commits_time = commits_time or kind in ("hours", "volunteers")
    if not commits_time:
        report.add("PA206", ("resources",))


def _duration_rules(report: Report, data: dict, today: dt.date) -> None:
    add, day = report.add, report.day
    duration = data["duration"]
    term = timeline.term(data)
    if term.mode == timeline.UNTIL_TERMINATED:
        renewal = ("duration", "renewal")
        for path, key in (
            (("duration", "end"), "PA122_end"),
            ((*renewal, "period_months"), "PA122_period"),
            ((*renewal, "notice_months"), "PA122_period"),
        ):
            if path[-1] in (duration if len(path) == 2 else duration["renewal"]):
                add("PA122", path, field=path[-1], hint=report.words[key])
    if term.mode == timeline.AUTOMATIC and term.notice_months and term.period_months:
        if term.notice_months >= term.period_months:
            months = report.fmt.t["months"]
            add(
                "PA125",
                ("duration", "renewal", "notice_months"),
                notice=report.fmt.count(term.notice_months, months),
                period=report.fmt.count(term.period_months, months),
            )
    if term.end is not None and term.end <= term.start:
        add("PA106", ("duration", "end"), start=day(term.start), end=day(term.end))
    if term.review_by is not None and term.review_by <= term.start:
        add(
            "PA106",
            ("duration", "review_by"),
            "PA106_review",
            start=day(term.start),
            review_by=day(term.review_by),
        )

    last = term.last_day
    for i, amendment in enumerate((data.get("changes") or {}).get("amendments", [])):
        date = dt.date.fromisoformat(amendment["date"])
        path = ("changes", "amendments", i, "date")
        if last is None and date < term.start:
            add("PA107", path, "PA107_open", date=day(date), start=day(term.start))
        elif last is not None and not term.start <= date <= last:
            add("PA107", path, date=day(date), start=day(term.start), end=day(last))
    for extension in term.extensions:
        path = ("changes", "amendments", extension.index, "extends_to")
        if term.mode == timeline.UNTIL_TERMINATED:
            add("PA123", path, "PA123_open")
        elif extension.previous_end is not None and extension.extends_to <= extension.previous_end:
            add("PA123", path, extends_to=day(extension.extends_to), end=day(extension.previous_end))
        elif extension.previous_end is not None and extension.date > extension.previous_end:
            add("PA207", path, date=day(extension.date), end=day(extension.previous_end))

    if data["status"] == "signed":
        for i, signature in enumerate(data["signatures"]):
            if not signature.get("date"):
                add("PA108", ("signatures", i), who=signature["name"])
    if data["status"] == "ended" and term.mode == timeline.FIXED and last is not None and last >= today:
        add("PA109", ("duration", "end"), end=day(last))

    for i, goal in enumerate(data["purpose"]["goals"]):
        if goal.get("deadline") and last is not None:
            deadline = dt.date.fromisoformat(goal["deadline"])
            if deadline > last:
                path = ("purpose", "goals", i, "deadline")
                add("PA208", path, deadline=day(deadline), end=day(last))


def _money_rules(report: Report, data: dict) -> None:
    add, fmt, words, day = report.add, report.fmt, report.words, report.day
    economy = data["economy"]
    term = timeline.term(data)
    last = term.last_day

    for section in ("financing", "budget"):
        for i, row in enumerate(economy[section]):
            here = ("economy", section, i)
            if "year" in row and "years" in row:
                add("PA119", (*here, "years"))
            if "years" in row and row["years"][0] > row["years"][1]:
                add("PA118", (*here, "years"), first=row["years"][0], last=row["years"][1])
            key = "years" if "years" in row else "year"
            for year in money.years_of(row) if key in row else []:
                if year < term.start.year or (last is not None and year > last.year):
                    if last is None:
                        add("PA117", (*here, key), "PA117_open", year=year, start=day(term.start))
                    else:
                        add("PA117", (*here, key), year=year, start=day(term.start), end=day(last))
                    break

    shares = []
    for i, row in enumerate(economy["financing"]):
        here = ("economy", "financing", i)
        basis = money.basis(row)
        allowed = BASIS_FIELDS[basis]
        for field in row:
            if field in BASIS_ONLY and field not in allowed:
                hint = words[f"PA120_{basis}"]
                add("PA120", (*here, field), field=field, basis=basis, hint=hint)
        if basis == money.FIXED and "share" in row:
            shares.append(row["share"])
            if "amount" not in row and ("year" in row or "years" in row):
                add("PA121", (*here, "share"))
    if shares and abs(sum(shares) - 100) > 1e-9:
        add("PA116", ("economy", "financing"), sum=fmt.percent(sum(shares)))
    pool = money.share_pool(economy["financing"], economy["budget"])
    whole = pool == money.total(economy["budget"])
    for i, row in enumerate(economy["financing"]):
        if money.basis(row) != money.FIXED or "share" not in row or "amount" not in row:
            continue
        years = len(money.years_of(row)) or 1
        expected = pool * row["share"] / 100
        if abs(row["amount"] * years - expected) > years:  # a krone a year for rounding
            add(
                "PA126",
                ("economy", "financing", i, "amount"),
                amount=fmt.amount(row["amount"] * years),
                share=fmt.percent(row["share"]),
                pool=words["PA126_budget" if whole else "PA126_rest"].format(amount=fmt.amount(pool)),
                expected=fmt.amount(round(expected)),
            )

    if not money.has_fixed(economy["financing"]):
        return  # only payments as billed or per result: nothing fixed to compare with the budget
    financing, budget = money.financing_totals(economy), money.totals(economy["budget"])
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


# Financing fields that belong to one basis or another (source, partner, year and years fit all).
BASIS_ONLY = ("amount", "share", "unit_price", "unit", "cap", "condition")
BASIS_FIELDS = {
    money.FIXED: ("amount", "share"),
    money.REIMBURSED: ("amount",),
    money.PER_RESULT: ("unit_price", "unit", "cap", "condition"),
}
