"""Words, the agreement's language, and the Danish (or English) way of writing dates, amounts,
hours, counts and lists by CLDR's rules (below). Element names are not here: they come from
the schema's titles.

Every step imports its words and formats from here, so this module imports no other step.
"""

from __future__ import annotations

import datetime as dt
import decimal

# Dates, numbers, plural forms and lists are written by CLDR's rules for the two languages an
# agreement may be written in (da_DK, en_GB), kept here in a few lines: the same in the
# documents, the register and every message, in the build and in the pre-commit hook alike.
# tests/test_package.py checks them against Babel (a test dependency) over a wide range of
# values. Babel itself was a fifth of a one-agreement build's start (importing it and loading
# its locale data, about 20 ms) and 36 MB of locale data.


# CLDR data for the two languages (as Babel 2.19 has it): decimal and group symbols, month
# names, the long date pattern and the list connectives.
_CLDR = {
    "da_DK": {
        "decimal": ",",
        "group": ".",
        "months": "januar februar marts april maj juni juli august september oktober november december",
        "long_date": "{d}. {month} {y}",
        "list": ("{0} og {1}", "{0}, {1}", "{0} og {1}"),
    },
    "en_GB": {
        "decimal": ".",
        "group": ",",
        "months": "January February March April May June July August September October November December",
        "long_date": "{d} {month} {y}",
        "list": ("{0} and {1}", "{0}, {1}", "{0} and {1}"),
    },
}
# The month names of both languages, in small letters, with the short forms (jan, sept, okt):
# «1. marts» or «15. okt.» at the start of a line is a date (markdown.prose).
MONTH_NAMES = frozenset(
    form
    for data in _CLDR.values()
    for month in data["months"].casefold().split()
    for form in (month, month[:3], month[:4])
)


def decimal_text(value, locale: str) -> str:
    """CLDR's decimal pattern #,##0.###, rounded half to even (Babel's format_decimal)."""
    cldr = _CLDR[locale]
    number = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
    if not number.is_finite():  # the schema's limits keep these out of every document
        raise ValueError(f"not a finite number: {value!r}")
    sign = "-" if number.is_signed() else ""
    # Enough digits for the whole number and three decimals, however large it is.
    context = decimal.Context(prec=max(28, number.adjusted() + 5))
    rounded = abs(number).normalize(context).quantize(decimal.Decimal("0.001"), context=context)
    whole, _, fraction = f"{rounded:f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    fraction = fraction.rstrip("0")
    text = cldr["group"].join([whole, *groups])
    return sign + text + (cldr["decimal"] + fraction if fraction else "")


def long_date(day: dt.date, locale: str) -> str:
    """The long date (Babel's format_date(day, "long")): 1. januar 2026, 1 January 2026."""
    cldr = _CLDR[locale]
    return cldr["long_date"].format(d=day.day, month=cldr["months"].split()[day.month - 1], y=day.year)


def plural_form(n, locale: str) -> str:
    """CLDR plural rules, with the operands as Babel reads them (1.0 is the integer 1)."""
    n = abs(n)
    i = int(n)
    trailing = ""
    if isinstance(n, float) and i != n:
        n = decimal.Decimal(str(n))
    if isinstance(n, decimal.Decimal):
        exponent = n.as_tuple().exponent
        digits = n.as_tuple().digits
        trailing = "".join(map(str, digits[exponent:])) if exponent < 0 else ""
    t = int(trailing.rstrip("0") or 0)
    if locale == "da_DK":  # one: n = 1 or t != 0 and i = 0,1
        return "one" if n == 1 or (t != 0 and i in (0, 1)) else "other"
    return "one" if i == 1 and not trailing else "other"  # en: one: i = 1 and v = 0


def list_text(items: list[str], locale: str) -> str:
    two, middle, end = _CLDR[locale]["list"]
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return two.format(*items)
    text = items[0]
    for item in items[1:-1]:
        text = middle.format(text, item)
    return end.format(text, items[-1])


def language(data) -> str:
    """The agreement's language, used for its messages too; Danish unless it says `en`."""
    return "en" if isinstance(data, dict) and data.get("language") == "en" else "da"


def plural(n, forms, locale: str = "da_DK") -> str:
    """The form that fits the number, by the language's CLDR plural rule: «1 time»,
    «2 timer», «1,5 time». `forms` is {"one": ..., "other": ...}, each a format string that
    may use {n}; a plain string is used for every number."""
    if isinstance(forms, str):
        return forms
    return forms.get(plural_form(n, locale), forms["other"])


LABELS = {
    "da": {
        "locale": "da_DK",
        "lang": "da",
        "region": "DK",
        "document": "Partnerskabsaftale",
        "between": "Partnerskabsaftale mellem",
        "status": {"draft": "Udkast", "signed": "Underskrevet", "ended": "Afsluttet"},
        "status_label": "Status",
        "draft_mark": "UDKAST",
        "version": "Version {n} · {date}",
        "doc_kind": "Partnerskabsaftale",
        "toc_title": "Indhold",
        "key_element": "nøgleelement",
        "key_element_note": "Nøgleelement 1–10 er Socialstyrelsens ti nøgleelementer i en formel partnerskabsaftale.",
        "sector_label": "Sektor",
        "case_number": "Sagsnr.",
        "case_numbers": "Sagsnumre",
        "lead": {
            "single": "Projektledelsen varetages af {leads}.",
            "shared": "Projektledelsen er delt mellem {leads}.",
        },
        "caption": {
            "goals": "Mål, indikatorer og frister",
            "financing": "Finansiering fordelt på kilder",
            "budget": "Budget fordelt på poster",
            "meetings": "Møder, hyppighed og deltagere",
            "resources": "Ressourcer, som hver partner stiller til rådighed",
            "amendments": "Ændringer af aftalen",
        },
        "draft_note": "Aftalen er ikke underskrevet og kan stadig blive ændret.",
        "ended_mark": "AFSLUTTET",
        "ended_note": "Aftalen sluttede {end}.",
        "period": "Aftaleperiode",
        "period_text": "Aftalen gælder fra {start} til {end}.",
        "sector": {"public": "offentlig", "civil_society": "civilsamfund", "private": "privat"},
        "unit": "Afdeling",
        "cvr": "CVR",
        "address": "Adresse",
        "contact": "Kontakt",
        "goal": "Mål",
        "indicator": "Indikator",
        "deadline": "Frist",
        "responsible": "Ansvarlig",
        "contributors": "Bidrager",
        "source": "Kilde",
        "partner": "Partner",
        "year": "År",
        "amount": "Beløb",
        "item": "Post",
        "total": "I alt",
        "total_year": "I alt {year}",
        "currency": "{amount} kr.",
        "percent": "{n}\u00a0%",
        "model": {"shared": "Delt projektledelse", "single": "Projektledelse"},
        "frequency": {
            "weekly": "Ugentligt",
            "biweekly": "Hver 14. dag",
            "monthly": "Månedligt",
            "quarterly": "Kvartalsvis",
            "semiannually": "Halvårligt",
            "yearly": "Årligt",
            "as_needed": "Efter behov",
        },
        "hours": {
            "week": {"one": "{hours} time om ugen", "other": "{hours} timer om ugen"},
            "month": {"one": "{hours} time om måneden", "other": "{hours} timer om måneden"},
            "year": {"one": "{hours} time om året", "other": "{hours} timer om året"},
            "period": {"one": "{hours} time i alt i perioden", "other": "{hours} timer i alt i perioden"},
        },
        "minimum_time": "Mindst",
        "scope": "Omfang",
        "at_least": "Mindst {text}",
        "in_kind_value": "Stilles til rådighed, værdi {amount}",
        "in_kind_free": "Stilles til rådighed",
        "people": {"one": "{n} frivillig", "other": "{n} frivillige"},
        "pool": "En gruppe frivillige",
        "pool_hours": "tilsammen mindst {hours}",
        "months": {"one": "{n} måned", "other": "{n} måneder"},
        "period_open": "Aftalen gælder fra {start}, indtil en af parterne opsiger den.",
        "period_automatic": (
            "Aftalen gælder fra {start} til {end} og forlænges derefter automatisk med {months} ad gangen, "
            "indtil en af parterne opsiger den."
        ),
        "notice": "En opsigelse skal ske senest {months} før en periode udløber.",
        "review_by": "Parterne tager senest {date} stilling til, om aftalen skal fortsætte.",
        "extended": "Aftalen er forlænget til {end} ved tillæg af {date}. Den oprindelige slutdato var {original}.",
        "meta_open": "fra {start}, indtil en af parterne opsiger aftalen",
        "meta_automatic": "{start} – {end}, forlænges automatisk",
        "meta_renewed": "{start} – {end}, forlænges automatisk (første periode begyndte {first})",
        "ended_open": "Aftalen er afsluttet.",
        "per_year": "{amount} om\u00a0året, i\u00a0alt\u00a0{total}",
        "share_of": "{share} af budgettet",
        "share_of_rest": "{share} af resten",
        "other_money": "Ud over beløbene i tabellen:",
        "other_money_only": "Pengene betales sådan:",
        "reimbursed": "betales efter regning",
        "per_result": "{price} pr. {unit}",
        "cap": "højst {amount}",
        "condition": "Betingelse",
        "sides": {"a": "På den ene side", "b": "På den anden side"},
        "between_sides": "Partnerskabsaftale mellem {a} på den ene side og {b} på den anden side",
        "annex": "Bilag {n}",
        "annex_file": "fil: {file}",
        "member": "Medlem",
        "forum": "Forum",
        "sign_place_date": "Sted og dato",
        "sign_place": "Sted",
        "sign_date": "Dato",
        "signed_before_amendments": "Underskrifterne nedenfor blev sat under version {signed} af aftalen. "
        "Ændringerne siden (version {since}) er aftalt som tillæg og står i ændringsloggen bagest i aftalen.",
        "sign_for": "For",
        "approved_by": "Godkendt af",
        "amendment_log": "Bilag: Ændringslog",
        "amendment_log_note": "De aftalte ændringer står i ændringsloggen bagest i aftalen.",
    },
    "en": {
        "locale": "en_GB",
        "lang": "en",
        "region": "GB",
        "document": "Partnership agreement",
        "between": "Partnership agreement between",
        "status": {"draft": "Draft", "signed": "Signed", "ended": "Ended"},
        "status_label": "Status",
        "draft_mark": "DRAFT",
        "version": "Version {n} · {date}",
        "doc_kind": "Partnership agreement",
        "toc_title": "Contents",
        "key_element": "key element",
        "key_element_note": "Key elements 1–10 are Socialstyrelsen’s (the Danish National Board of Social "
        "Services) ten key elements of a formal partnership agreement.",
        "sector_label": "Sector",
        "case_number": "Case no.",
        "case_numbers": "Case numbers",
        "lead": {
            "single": "Project management lies with {leads}.",
            "shared": "Project management is shared between {leads}.",
        },
        "caption": {
            "goals": "Goals, indicators and deadlines",
            "financing": "Financing by source",
            "budget": "Budget by item",
            "meetings": "Meetings, frequency and participants",
            "resources": "Resources each partner provides",
            "amendments": "Amendments to the agreement",
        },
        "draft_note": "This agreement has not been signed and may still change.",
        "ended_mark": "ENDED",
        "ended_note": "The agreement ended on {end}.",
        "period": "Term",
        "period_text": "The agreement runs from {start} to {end}.",
        "sector": {"public": "public", "civil_society": "civil society", "private": "private"},
        "unit": "Department",
        "cvr": "CVR",
        "address": "Address",
        "contact": "Contact",
        "goal": "Goal",
        "indicator": "Indicator",
        "deadline": "Deadline",
        "responsible": "Responsible",
        "contributors": "Contributors",
        "source": "Source",
        "partner": "Partner",
        "year": "Year",
        "amount": "Amount",
        "item": "Item",
        "total": "Total",
        "total_year": "Total {year}",
        "currency": "DKK {amount}",
        "percent": "{n}%",
        "model": {"shared": "Shared project management", "single": "Project management"},
        "frequency": {
            "weekly": "Weekly",
            "biweekly": "Every two weeks",
            "monthly": "Monthly",
            "quarterly": "Quarterly",
            "semiannually": "Every six months",
            "yearly": "Yearly",
            "as_needed": "As needed",
        },
        "hours": {
            "week": {"one": "{hours} hour a week", "other": "{hours} hours a week"},
            "month": {"one": "{hours} hour a month", "other": "{hours} hours a month"},
            "year": {"one": "{hours} hour a year", "other": "{hours} hours a year"},
            "period": {
                "one": "{hours} hour over the whole term",
                "other": "{hours} hours over the whole term",
            },
        },
        "minimum_time": "At least",
        "scope": "Extent",
        "at_least": "At least {text}",
        "in_kind_value": "Provided in kind, worth {amount}",
        "in_kind_free": "Provided in kind",
        "people": {"one": "{n} volunteer", "other": "{n} volunteers"},
        "pool": "A group of volunteers",
        "pool_hours": "together at least {hours}",
        "months": {"one": "{n} month", "other": "{n} months"},
        "period_open": "The agreement runs from {start} until one of the partners terminates it.",
        "period_automatic": (
            "The agreement runs from {start} to {end} and is then renewed automatically for {months} at a "
            "time, until one of the partners terminates it."
        ),
        "notice": "Notice must be given at least {months} before a period ends.",
        "review_by": "By {date} at the latest, the partners decide whether the agreement continues.",
        "extended": "The agreement was extended to {end} by the amendment of {date}. The original end date was {original}.",
        "meta_open": "from {start} until one of the partners terminates it",
        "meta_automatic": "{start} – {end}, renewed automatically",
        "meta_renewed": "{start} – {end}, renewed automatically (the first period began {first})",
        "ended_open": "The agreement has ended.",
        "per_year": "{amount} a\u00a0year, {total} in\u00a0total",
        "share_of": "{share} of the budget",
        "share_of_rest": "{share} of the remainder",
        "other_money": "In addition to the amounts in the table:",
        "other_money_only": "The money is paid as follows:",
        "reimbursed": "paid as billed",
        "per_result": "{price} per {unit}",
        "cap": "at most {amount}",
        "condition": "Condition",
        "sides": {"a": "On the one side", "b": "On the other side"},
        "between_sides": "Partnership agreement between {a} on the one side and {b} on the other",
        "annex": "Annex {n}",
        "annex_file": "file: {file}",
        "member": "Member",
        "forum": "Forum",
        "sign_place_date": "Place and date",
        "sign_place": "Place",
        "sign_date": "Date",
        "signed_before_amendments": "The signatures below were put to version {signed} of the agreement. "
        "The changes since (version {since}) were agreed as amendments and are listed in the amendment log at "
        "the end of the agreement.",
        "sign_for": "For",
        "approved_by": "Approved by",
        "amendment_log": "Appendix: Amendment log",
        "amendment_log_note": (
            "The agreed changes are listed in the amendment log at the end of the agreement."
        ),
    },
}


class Formats:
    """Danish (or English) ways of writing dates, amounts, hours, counts and lists."""

    def __init__(self, lang: str):
        self.lang = lang
        self.t = LABELS[lang]
        self.locale = self.t["locale"]

    def plain_date(self, iso: str | None) -> str:
        """1. januar 2026, with ordinary spaces: for a line in a terminal."""
        return long_date(dt.date.fromisoformat(iso), self.locale) if iso else ""

    def date(self, iso: str | None) -> str:
        """1. januar 2026, with no-break spaces so a date never splits across lines."""
        return self.plain_date(iso).replace(" ", "\u00a0")

    def number(self, value) -> str:
        """1.234,5 in Danish, 1,234.5 in English: at most three decimals."""
        return decimal_text(value, self.locale)

    def quantity(self, value) -> str:
        """A limit or a count as a reader writes it: 1.000.000, 20.000 and 0,01; a year or a
        whole number below 10.000 stays as it is (2100)."""
        return str(value) if isinstance(value, int) and abs(value) < 10000 else self.number(value)

    def amount(self, value: int) -> str:
        text = self.t["currency"].format(amount=self.number(value))
        return text.replace(" ", "\u00a0")

    def percent(self, share) -> str:
        """60 % (Danish, with a no-break space) or 60% (English); decimals only when given."""
        return self.t["percent"].format(n=self.number(share))

    def count(self, n, forms) -> str:
        """A number with the word that fits it: count(1, t["people"]) -> «1 frivillig»."""
        return plural(n, forms, self.locale).format(n=self.number(n))

    def hours(self, hours: float, per: str) -> str:
        return plural(hours, self.t["hours"][per], self.locale).format(hours=self.number(hours))

    def years(self, first: int, last: int) -> str:
        """2011–2014, or 2011 when the range is one year."""
        return str(first) if first == last else f"{first}\u2013{last}"

    def names(self, names: list[str]) -> str:
        return list_text(list(names), self.locale) if names else ""
