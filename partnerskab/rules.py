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
from .messages import BUILD
from .problems import Problem, dotted

MESSAGES = {
    "da": {
        "PA101": "«{ref}» er ikke en af aftalens partnere. Brug et af disse id'er: {known} ({path})",
        "PA102": "Partner-id'et «{ref}» bruges af flere partnere. Hvert id skal være unikt ({path})",
        "PA103": "{name} har ingen rolle under «Roller, forventninger, forpligtelser og opgaver» (roles)",
        "PA104": "{name} bidrager ikke med noget: partneren har ingen ressourcer under «Ressourcer og minimumstidsforbrug» (resources) og er ikke nævnt under «Finansiering» (economy.financing)",
        "PA105": "{name} har ingen underskriver under «Underskrift» (signatures)",
        "PA106": "Aftalens varighed: Slutdatoen ({end}) skal ligge efter startdatoen ({start}) ({path})",
        "PA106_review": "Aftalens varighed: Datoen for, hvornår aftalen tages op ({review_by}), skal ligge efter startdatoen ({start}) ({path})",
        "PA107": "Tillægget er dateret {date}, uden for aftalens varighed ({start} til {end}) ({path})",
        "PA107_open": "Tillægget er dateret {date}, før aftalen begynder ({start}) ({path})",
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
        "PA112_not_image": "filen er ikke et helt PNG- eller JPEG-billede",
        "PA112_too_many_pixels": "billedet har mere end 25 megapixel eller er over 16.384 pixel bredt eller højt; gem det i en mindre størrelse, fx 1000 pixel bredt",
        "PA115": "«{field}» passer ikke til en ressource af arten {kind}: {hint} ({path})",
        "PA115_hours": "skriv timerne i minimum_hours og per, eller med ord i hours_text, ikke begge dele",
        "PA115_in_kind": "lokaler, materialer og udstyr har en beskrivelse og evt. en værdi (value), ikke timer eller antal frivillige",
        "PA115_volunteers": "en gruppe frivillige har en beskrivelse, evt. et antal (people) og timer (minimum_hours og per), ikke en værdi",
        "PA115_hours_only": "timer har minimum_hours og per (eller hours_text); brug kind: in_kind til en værdi og kind: volunteers til et antal frivillige",
        "PA116": "Andelene (share) giver tilsammen {sum}, ikke 100 ({path})",
        "PA117": "Året {year} ligger uden for aftalens varighed ({start} til {end}) ({path})",
        "PA117_open": "Året {year} ligger før aftalen begynder ({start}) ({path})",
        "PA118": "År (fra og til): det første år ({first}) ligger efter det sidste ({last}) ({path})",
        "PA119": "Skriv enten «year» (ét år) eller «years» (fra og til), ikke begge ({path})",
        "PA120": "«{field}» passer ikke til betalingsformen {basis}: {hint} ({path})",
        "PA120_fixed": "et fast beløb har amount og evt. share; unit_price, unit, cap og condition hører til basis: per_result",
        "PA120_reimbursed": "ved betaling efter regning er amount loftet; share, unit_price, unit, cap og condition hører ikke til",
        "PA120_per_result": "en betaling pr. resultat har unit_price, unit, condition og evt. cap; amount og share hører ikke til",
        "PA121": "Et beløb, der regnes ud fra en andel, gælder hele budgettet. Skriv beløbet (amount), hvis andelen kun gælder bestemte år ({path})",
        "PA122": "Aftalen løber, indtil en part opsiger den (renewal.mode: until_terminated), så «{field}» skal slettes. {hint} ({path})",
        "PA122_end": "Der er ingen slutdato; skriv i review_by, hvornår parterne tager stilling til at fortsætte",
        "PA122_period": "Perioder og varsel hører til automatisk forlængelse; skriv varslet i termination",
        "PA123": "Tillægget forlænger aftalen til {extends_to}, men aftalen gælder allerede til {end}. En forlængelse skal ligge efter den slutdato, den forlænger ({path})",
        "PA123_open": "Aftalen løber, indtil en part opsiger den, så den kan ikke forlænges til en dato. Slet extends_to ({path})",
        "PA124": "Bilaget «{file}» kan ikke bruges: {why} ({path})",
        "PA124_too_large": "filen er større end 20 MB",
        "PA125": "Varslet ({notice}) skal være kortere end perioden, aftalen forlænges med ({period}) ({path})",
        "PA126": "Beløbet ({amount}) passer ikke til andelen: {share} af {pool} er {expected} ({path})",
        "PA126_budget": "budgettet ({amount})",
        "PA126_rest": "det, som de faste beløb ikke dækker ({amount})",
        "PA127": "Når partnerne står på hver sin side (side), skal hver partner have en side, og der skal være partnere på begge sider, a og b ({path})",
        "PA124_not_relative": "skriv stien til en fil i repositoriet set fra aftalens mappe, fx ../bilag/budget.pdf",
        "PA124_missing": "der er ingen fil med det navn (en mappe kan ikke være et bilag)",
        "PA092": "{message} ({path})",
        "PA201": "Alle partnere er fra samme sektor ({sector}). Ifølge vejledningen går partnerskaber på tværs af sektorer (partners)",
        "PA202": "Der er ingen faste møder. Vejledningen anbefaler regelmæssig kommunikation og hyppige statusmøder (organisation.meetings)",
        "PA203": "Der står ikke, hvilke beslutninger der træffes i fællesskab, og hvilke hver partner træffer selv (organisation.decisions)",
        "PA204": "Der står ikke, hvordan partnerskabet er forankret hos ledelse og bagland (anchoring)",
        "PA205": "{name} har aftalt timerne med ord («{text}»), ikke med et tal. Det kan ikke måles; skriv et mindste antal timer i minimum_hours og per, hvis I kan ({path})",
        "PA206": "Ingen partner forpligter sig til tid: der er hverken timer eller frivillige under «Ressourcer og minimumstidsforbrug». Vejledningen taler om «parternes levering af ressourcer (herunder minimumtidsforbrug)» (resources)",
        "PA207": "Tillægget af {date} forlænger aftalen, men aftalen sluttede allerede {end}. Aftalen har altså ikke gældt i perioden imellem ({path})",
        "PA208": "Fristen for målet ({deadline}) ligger efter aftalens slutdato ({end}) ({path})",
    },
    "en": {
        "PA101": "«{ref}» is not one of the partners to the agreement. Use one of these ids: {known} ({path})",
        "PA102": "The partner id «{ref}» is used by more than one partner. Each id must be unique ({path})",
        "PA103": "{name} has no role under «Roles, expectations, obligations and tasks» (roles)",
        "PA104": "{name} contributes nothing: the partner has no resources under «Resources and minimum time» (resources) and is not named under «Funding» (economy.financing)",
        "PA105": "{name} has no signatory under «Signatures» (signatures)",
        "PA106": "Duration of the agreement: the end date ({end}) must be after the start date ({start}) ({path})",
        "PA106_review": "Duration of the agreement: the review date ({review_by}) must be after the start date ({start}) ({path})",
        "PA107": "The amendment is dated {date}, outside the agreement's duration ({start} to {end}) ({path})",
        "PA107_open": "The amendment is dated {date}, before the agreement starts ({start}) ({path})",
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
        "PA112_not_image": "the file is not a whole PNG or JPEG image",
        "PA112_too_many_pixels": "the image has more than 25 megapixels or is over 16,384 pixels wide or tall; save it smaller, e.g. 1000 pixels wide",
        "PA115": "«{field}» does not fit a resource of the kind {kind}: {hint} ({path})",
        "PA115_hours": "give the hours as minimum_hours and per, or in words as hours_text, not both",
        "PA115_in_kind": "premises, materials and equipment have a description and maybe a value, not hours or a number of volunteers",
        "PA115_volunteers": "a group of volunteers has a description, maybe a number (people) and hours (minimum_hours and per), not a value",
        "PA115_hours_only": "hours have minimum_hours and per (or hours_text); use kind: in_kind for a value and kind: volunteers for a number of volunteers",
        "PA116": "The shares add up to {sum}, not 100 ({path})",
        "PA117": "The year {year} lies outside the agreement's duration ({start} to {end}) ({path})",
        "PA117_open": "The year {year} lies before the agreement starts ({start}) ({path})",
        "PA118": "Years (from and to): the first year ({first}) is after the last ({last}) ({path})",
        "PA119": "Write either «year» (one year) or «years» (from and to), not both ({path})",
        "PA120": "«{field}» does not fit the basis {basis}: {hint} ({path})",
        "PA120_fixed": "a fixed amount has amount and maybe share; unit_price, unit, cap and condition belong to basis: per_result",
        "PA120_reimbursed": "when paid as billed, amount is the cap; share, unit_price, unit, cap and condition do not belong",
        "PA120_per_result": "a payment per result has unit_price, unit, condition and maybe cap; amount and share do not belong",
        "PA121": "An amount computed from a share covers the whole budget. Write the amount if the share applies to certain years only ({path})",
        "PA122": "The agreement runs until a partner terminates it (renewal.mode: until_terminated), so «{field}» must be removed. {hint} ({path})",
        "PA122_end": "There is no end date; give in review_by the date by which the partners decide whether to go on",
        "PA122_period": "Periods and notice belong to automatic renewal; write the notice in termination",
        "PA123": "The amendment extends the agreement to {extends_to}, but it already runs until {end}. An extension must be after the end it extends ({path})",
        "PA123_open": "The agreement runs until a partner terminates it, so it cannot be extended to a date. Remove extends_to ({path})",
        "PA124": "The annex «{file}» cannot be used: {why} ({path})",
        "PA124_too_large": "the file is larger than 20 MB",
        "PA125": "The notice ({notice}) must be shorter than the period the agreement is renewed for ({period}) ({path})",
        "PA126": "The amount ({amount}) does not match the share: {share} of {pool} is {expected} ({path})",
        "PA126_budget": "the budget ({amount})",
        "PA126_rest": "what the fixed amounts do not cover ({amount})",
        "PA127": "When the partners stand on two sides (side), every partner must have a side, and there must be partners on both sides, a and b ({path})",
        "PA124_not_relative": "give the path of a file in the repository, seen from the agreement's folder, e.g. ../bilag/budget.pdf",
        "PA124_missing": "there is no file of that name (a folder cannot be an annex)",
        "PA092": "{message} ({path})",
        "PA201": "All partners are from the same sector ({sector}). The guidance says partnerships cross sectors (partners)",
        "PA202": "There are no regular meetings. The guidance recommends regular communication and frequent status meetings (organisation.meetings)",
        "PA203": "The agreement does not say which decisions are made jointly and which by each partner (organisation.decisions)",
        "PA204": "The agreement does not say how the partnership is anchored with leadership and the organisations behind it (anchoring)",
        "PA205": "{name} agreed the hours in words («{text}»), not as a number. That cannot be measured; give a minimum number of hours in minimum_hours and per if you can ({path})",
        "PA206": "No partner commits time: there are neither hours nor volunteers under «Resources and minimum time». The guidance speaks of «the partners' delivery of resources (including minimum time)» (resources)",
        "PA207": "The amendment of {date} extends the agreement, but the agreement had already ended on {end}. So it did not apply in the period between ({path})",
        "PA208": "The goal's deadline ({deadline}) is after the agreement's end date ({end}) ({path})",
    },
}

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
WARNINGS = ["PA201", "PA202", "PA203", "PA204", "PA205", "PA206", "PA207", "PA208"]
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
        self.words = MESSAGES[self.lang]
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
                add(
                    "PA112",
                    ("partners", i, "logo", "path"),
                    file=partner["logo"]["path"],
                    why=words[f"PA112_{why}"],
                )
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
