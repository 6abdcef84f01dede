"""`build.py diff`: what changed in the agreements since a git revision, in words, as Markdown.

A pull request that edits an agreement shows a YAML diff, which partners who do not read
YAML cannot review. This summary names each change the way the document does: element names
from the schema's titles, partners by name, amounts and dates written the Danish (or the
agreement's) way, list items matched by what they are (a partner by its id, a budget line by
its item and year), not by their place in the list.

Every piece of text from an agreement goes through `markdown.escape`, so a value cannot
start a heading, a list, a table or HTML in the comment it is posted in.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import money, schema
from .context import fixed_amount_text, other_money_text, resource_scope
from .history import HistoryError, load_at, names_at
from .i18n import Formats, language, plural
from .load import Source, load
from .markdown import escape
from .money import AMOUNT_FIELDS
from .paths import agreements_in
from .text import printable

MISSING = object()
SHORT = 160  # prose this short (old and new together) is shown before and after

# The document around the agreements is in Danish; each agreement's part in its own language.
DOCUMENT = {
    "heading": "# Ændringer i partnerskabsaftaler",
    "compared": "Sammenlignet med {base}.",
    "no_files": "Der er ingen aftaler at sammenligne.",
    "nothing": "Ingen ændringer i {count} siden {base}.",
    "unchanged": "Ingen ændringer i {count}.",
    "agreements": {"one": "{n} aftale", "other": "{n} aftaler"},
    "other_agreements": {"one": "{n} anden aftale", "other": "{n} andre aftaler"},
    "failed": "Kunne ikke sammenlignes",
    "failed_all": "Kan ikke sammenligne med {base}: {reason}.",
    "unreadable_base": "kan ikke læses som den var i {base}: linje {line}, kolonne {column}: {message}",
    "unreadable_now": "kan ikke læses: linje {line}, kolonne {column}: {message}",
    "nowhere": "findes hverken i {base} eller i arbejdskopien",
}

WORDS = {
    "da": {
        "new_agreement": "Ny aftale ({status}) mellem {partners}.",
        "deleted": "Aftalen er slettet.",
        "new_item": "Ny {item}",
        "new_item_neuter": "Nyt {item}",
        "removed_item": "{item} fjernet",
        "changed_text": "Ændret tekst i {field}",
        "added": "{field} tilføjet: {value}",
        "removed": "{field} fjernet (var: {value})",
        "added_to": "Tilføjet til {field}: {value}",
        "removed_from": "Fjernet fra {field}: {value}",
        "reordered": "Ny rækkefølge i {field}",
        "changed": "{field} er ændret",
        "total": "{field}, i alt: {old} → {new}",
        "none": "ingen",
        "yes": "ja",
        "no": "nej",
    },
    "en": {
        "new_agreement": "New agreement ({status}) between {partners}.",
        "deleted": "The agreement has been deleted.",
        "new_item": "New {item}",
        "new_item_neuter": "New {item}",
        "removed_item": "{item} removed",
        "changed_text": "Changed text in {field}",
        "added": "{field} added: {value}",
        "removed": "{field} removed (was: {value})",
        "added_to": "Added to {field}: {value}",
        "removed_from": "Removed from {field}: {value}",
        "reordered": "New order in {field}",
        "changed": "{field} has changed",
        "total": "{field}, total: {old} → {new}",
        "none": "none",
        "yes": "yes",
        "no": "no",
    },
}

ENUMS = ("status", "sector", "model", "frequency")  # keys whose values have words in i18n.LABELS
PARTNER_LISTS = ("responsible", "contributors", "leads", "participants")  # lists of partner ids
NO_TITLE = ("amount",)  # a budget or funding line's amount is the line itself
HOURS = ("minimum_hours", "per")  # shown together: «4 timer om ugen»


@dataclass(frozen=True)
class Items:
    """How the items of one list are told apart and named."""

    key: Callable[[dict], object]
    label: Callable[[Differ, dict], str]
    summary: Callable[[Differ, dict], str] | None = None
    neuter: bool = False  # Danish: «nyt mål», not «ny mål»


def _money_label(field: str) -> Callable:
    def label(d: Differ, i: dict) -> str:
        years = i.get("years")
        if isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years):
            return d.plain(i.get(field)) + f" ({d.ours(d.fmt.years(*years))})"
        return d.plain(i.get(field)) + (f" ({d.plain(i['year'])})" if "year" in i else "")

    return label


def _money_summary(d: Differ, i: dict) -> str:
    """A money row as the document says it: the amount (a year, or in all), a share, or how it
    is paid when it is not a fixed amount."""
    try:
        if money.basis(i) != money.FIXED:
            return d.ours(other_money_text(i, d.fmt))
        if "amount" not in i:
            return d.ours(d.fmt.t["share_of"].format(share=d.fmt.percent(i["share"])))
        return d.ours(fixed_amount_text(i["amount"], i, d.fmt))
    except (KeyError, TypeError, ValueError):  # a row that is not valid yet: its amount as typed
        return d.value(("amount",), i.get("amount"))


def _resource_summary(d: Differ, i: dict) -> str:
    try:
        return escape(d.ours(resource_scope(i, d.fmt)))
    except (KeyError, TypeError, ValueError):
        return d.hours(i)


LISTS: dict[tuple, Items] = {
    ("partners",): Items(lambda i: i.get("id"), lambda d, i: d.plain(i.get("name"))),
    ("purpose", "goals"): Items(lambda i: i.get("text"), lambda d, i: d.plain(i.get("text")), neuter=True),
    ("activities",): Items(lambda i: i.get("name"), lambda d, i: d.plain(i.get("name"))),
    ("roles",): Items(lambda i: i.get("partner"), lambda d, i: d.partner(i.get("partner"))),
    ("economy", "financing"): Items(
        lambda i: (i.get("source"), i.get("year"), i.get("years")),
        _money_label("source"),
        _money_summary,
    ),
    ("economy", "budget"): Items(
        lambda i: (i.get("item"), i.get("year"), i.get("years")),
        _money_label("item"),
        _money_summary,
    ),
    ("organisation", "steering_group"): Items(
        lambda i: (i.get("partner"), i.get("name")),
        lambda d, i: f"{d.plain(i.get('name'))} ({d.partner(i.get('partner'))})",
        neuter=True,
    ),
    ("organisation", "meetings"): Items(
        lambda i: i.get("forum"), lambda d, i: d.plain(i.get("forum")), neuter=True
    ),
    ("resources",): Items(
        lambda i: (i.get("partner"), i.get("kind", "hours")),
        lambda d, i: d.partner(i.get("partner")),
        _resource_summary,
    ),
    ("changes", "amendments"): Items(
        lambda i: (i.get("date"), i.get("description")),
        lambda d, i: d.value(("date",), i.get("date"), date=True),
        lambda d, i: d.plain(i.get("description")),
        neuter=True,
    ),
    ("signatures",): Items(
        lambda i: (i.get("partner"), i.get("name")),
        lambda d, i: f"{d.plain(i.get('name'))} ({d.partner(i.get('partner'))})",
    ),
}


def code(text: str) -> str:
    """A Markdown code span that holds `text` as it is, whatever backticks it contains."""
    text = printable(re.sub(r"[\r\n]+", " ", str(text)))
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _count(n: int, words: dict) -> str:
    return plural(n, words, "da_DK").format(n=n)


def _same(value) -> str:
    """A value in a form that compares equal exactly when the values are equal."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _schema_path(path: tuple) -> tuple:
    return tuple(0 if isinstance(part, int) else part for part in path)


class Differ:
    """The changes in one agreement, as lines of Markdown grouped by top-level element."""

    def __init__(self, old: dict, new: dict):
        self.lang = language(new)
        self.fmt = Formats(self.lang)
        self.words = WORDS[self.lang]
        self.names = {**_partner_names(old), **_partner_names(new)}
        self.lines: dict[str | None, list[str]] = {}
        self.group: str | None = None
        self.data = (old, new)  # money totals need the whole economy (shares come from the budget)

    # -- values ---------------------------------------------------------------------------------

    def plain(self, value) -> str:
        """User text as escaped Markdown on one line."""
        if value is None or value is MISSING:
            return self.words["none"]
        if isinstance(value, bool):
            return self.words["yes" if value else "no"]
        if isinstance(value, (dict, list)):
            text = json.dumps(value, ensure_ascii=False, default=str)
            return escape(text if len(text) <= 80 else text[:79] + "…")
        return escape(value)

    def partner(self, pid) -> str:
        return self.plain(self.names.get(pid, pid) if isinstance(pid, str) else pid)

    def ours(self, text: str) -> str:
        """Text we formatted ourselves (a date, an amount): ordinary spaces, no escaping."""
        return text.replace("\u00a0", " ")

    def value(self, path: tuple, value, date: bool = False) -> str:
        key = path[-1] if path else None
        node = schema.node_at(_schema_path(path)) or {}
        if isinstance(value, str) and (date or node.get("format") == "date"):
            try:
                return self.ours(self.fmt.date(value))
            except ValueError:
                return self.plain(value)
        if key in AMOUNT_FIELDS and isinstance(value, int) and not isinstance(value, bool):
            return self.ours(self.fmt.amount(value))
        if key in ENUMS and isinstance(value, str) and value in self.fmt.t[key]:
            return escape(self.fmt.t[key][value])
        if key == "partner":
            return self.partner(value)
        return self.plain(value)

    def hours(self, item: dict) -> str:
        hours, per = item.get("minimum_hours"), item.get("per")
        numeric = isinstance(hours, (int, float)) and not isinstance(hours, bool)
        if numeric and isinstance(per, str) and per in self.fmt.t["hours"]:
            return self.ours(self.fmt.hours(hours, per))
        return self.plain(MISSING if hours is None else hours)

    def title(self, path: tuple) -> str:
        own = schema.title(_schema_path(path), self.lang) if path else ""
        return own or self.plain(path[-1])  # the schema's titles are ours; keys may be anything

    # -- lines ----------------------------------------------------------------------------------

    def add(self, where: list[str], text: str) -> None:
        self.lines.setdefault(self.group, []).append(": ".join([*where, text]) if where else text)

    def compare(self, path: tuple, old, new, where: list[str]) -> None:
        """Add the lines that tell how `old` became `new` at `path`; `where` names the place."""
        if _same(old) == _same(new):
            return
        field = self.title(path)
        node = schema.node_at(_schema_path(path)) or {}
        if isinstance(new, dict) and old is MISSING:
            old = {}
        if isinstance(old, dict) and new is MISSING:
            new = {}
        if isinstance(new, list) and old is MISSING:
            old = []
        if isinstance(old, list) and new is MISSING:
            new = []
        below = where if len(path) <= 1 or isinstance(path[-1], int) else [*where, field]
        if isinstance(old, dict) and isinstance(new, dict):
            self.compare_mappings(path, old, new, below)
        elif isinstance(old, list) and isinstance(new, list):
            self.compare_lists(path, old, new, where, field)
        elif isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
            self.add(where, self.words["changed"].format(field=field))
        elif node.get("contentMediaType") == "text/markdown":
            self.compare_prose(old, new, where, field)
        elif old is MISSING:
            self.add(where, self.words["added"].format(field=field, value=self.value(path, new)))
        elif new is MISSING:
            self.add(where, self.words["removed"].format(field=field, value=self.value(path, old)))
        else:
            change = f"{self.value(path, old)} → {self.value(path, new)}"
            self.add(where if path[-1] in NO_TITLE else [*where, field], change)

    def compare_mappings(self, path: tuple, old: dict, new: dict, where: list[str]) -> None:
        node = schema.node_at(_schema_path(path)) or {}
        keys = [k for k in node.get("properties", {}) if k in old or k in new]
        keys += [k for k in dict.fromkeys([*old, *new]) if k not in keys]
        if any(k in keys for k in HOURS):
            if [old.get(k) for k in HOURS] != [new.get(k) for k in HOURS]:
                field = self.title((*path, "minimum_hours"))
                self.add([*where, field], f"{self.hours(old)} → {self.hours(new)}")
            keys = [k for k in keys if k not in HOURS]
        for key in keys:
            self.compare((*path, key), old.get(key, MISSING), new.get(key, MISSING), where)

    def compare_prose(self, old, new, where: list[str], field: str) -> None:
        if old is MISSING or new is MISSING:
            value = new if old is MISSING else old
            text = self.words["added" if old is MISSING else "removed"]
            shown = self.plain(value) if len(str(value)) <= SHORT else "…"
            self.add(where, text.format(field=field, value=shown))
            return
        change = self.words["changed_text"].format(field=field)
        if len(str(old)) + len(str(new)) <= SHORT:
            change += f": {self.plain(old)} → {self.plain(new)}"
        self.add(where, change)

    def compare_lists(self, path: tuple, old: list, new: list, where: list[str], field: str) -> None:
        spec = LISTS.get(tuple(p for p in path if not isinstance(p, int)))
        if spec and all(isinstance(i, dict) for i in old + new):
            self.compare_items(path, old, new, where, field, spec)
        elif path[-1] in PARTNER_LISTS and all(isinstance(i, str) for i in old + new):
            names = lambda ids: escape(self.fmt.names([self.names.get(i, i) for i in ids]))  # noqa: E731
            self.add(
                [*where, field], f"{names(old) or self.words['none']} → {names(new) or self.words['none']}"
            )
        elif all(isinstance(i, (str, int, float)) for i in old + new):
            before, after = Counter(map(_same, old)), Counter(map(_same, new))
            for item in new:
                if after[_same(item)] > before[_same(item)]:
                    after[_same(item)] -= 1
                    self.add(where, self.words["added_to"].format(field=field, value=self.plain(item)))
            before, after = Counter(map(_same, old)), Counter(map(_same, new))
            for item in old:
                if before[_same(item)] > after[_same(item)]:
                    before[_same(item)] -= 1
                    self.add(where, self.words["removed_from"].format(field=field, value=self.plain(item)))
            if sorted(map(_same, old)) == sorted(map(_same, new)):
                self.add(where, self.words["reordered"].format(field=field))
        else:
            self.add(where, self.words["changed"].format(field=field))

    def compare_items(self, path, old: list, new: list, where: list[str], field: str, spec: Items) -> None:
        before, after = _keyed(old, spec), _keyed(new, spec)
        item_title = schema.title(_schema_path(path) + (0,), self.lang)
        item = item_title[:1].lower() + item_title[1:]
        new_word = self.words["new_item_neuter" if spec.neuter else "new_item"].format(item=item)
        removed_word = self.words["removed_item"].format(item=item_title)

        def named(entry: dict) -> str:
            summary = spec.summary(self, entry) if spec.summary else ""
            return spec.label(self, entry) + (f": {summary}" if summary else "")

        for key, (index, entry) in after.items():
            if key not in before:
                self.add(where, f"{new_word}: {named(entry)}")
            else:
                label = spec.label(self, before[key][1])  # as the reader knew it, even if renamed
                inside = [*where, label] if len(path) == 1 else [*where, field, label]
                self.compare((*path, index), before[key][1], entry, inside)
        for key, (_, entry) in before.items():
            if key not in after:
                self.add(where, f"{removed_word}: {named(entry)}")
        common_before = [k for k in before if k in after]
        common_after = [k for k in after if k in before]
        if common_before != common_after:
            self.add(where, self.words["reordered"].format(field=field))
        if path[-1] in ("budget", "financing"):
            totals = [_total(data, path[-1]) for data in self.data]
            if None not in totals and totals[0] != totals[1]:
                old_total, new_total = (self.ours(self.fmt.amount(t)) for t in totals)
                self.add(where, self.words["total"].format(field=field, old=old_total, new=new_total))

    def changes(self, old: dict, new: dict) -> dict[str | None, list[str]]:
        """Lines per group: None for top-level values (title, status, ...), else the section's key."""
        root = schema.node_at(()) or {}
        keys = [k for k in root.get("properties", {}) if k in old or k in new]
        keys += [k for k in dict.fromkeys([*old, *new]) if k not in keys]
        for key in keys:
            before, after = old.get(key, MISSING), new.get(key, MISSING)
            grouped = isinstance(before, (dict, list)) or isinstance(after, (dict, list))
            self.group = key if grouped else None
            self.compare((key,), before, after, [])
        if not self.lines and _same(old) != _same(new):
            self.lines[None] = [self.words["changed"].format(field=schema.title((), self.lang))]
        return self.lines


def _keyed(items: list[dict], spec: Items) -> dict:
    """{(key, n): (index, item)}: the n-th item with that key, so duplicate keys still pair up."""
    seen: Counter = Counter()
    out = {}
    for index, item in enumerate(items):
        key = _same(spec.key(item))
        out[(key, seen[key])] = (index, item)
        seen[key] += 1
    return out


def _total(data: dict, section: str) -> int | None:
    """The sum of the fixed amounts as the documents count it (money.py): a yearly row once for
    each year, a share as its computed amount; None when the rows are not valid enough."""
    economy = data.get("economy") if isinstance(data, dict) else None
    try:
        if section == "budget":
            rows = economy["budget"]
            _check_amounts(rows)
            return money.total(rows)
        _check_amounts(economy["financing"])
        _check_amounts(economy["budget"])
        return money.financing_totals(economy)[None]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _check_amounts(rows) -> None:
    for row in rows:
        amount = row.get("amount")
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)):
            raise ValueError(amount)
        share = row.get("share")
        if money.basis(row) == money.FIXED and amount is None and not isinstance(share, (int, float)):
            raise ValueError(row)


def _partner_names(data) -> dict:
    partners = data.get("partners") if isinstance(data, dict) else None
    if not isinstance(partners, list):
        return {}
    return {
        p["id"]: p["name"]
        for p in partners
        if isinstance(p, dict) and isinstance(p.get("id"), str) and isinstance(p.get("name"), str)
    }


def _heading(data: dict, path: str) -> str:
    title = data.get("title")
    title = title if isinstance(title, str) and title.strip() else Path(path).stem
    return f"## {escape(title)} ({code(path)})"


def _new_agreement(data: dict) -> str:
    lang = language(data)
    fmt, words = Formats(lang), WORDS[lang]
    status = data.get("status")
    status = fmt.t["status"].get(status, status) if isinstance(status, str) else words["none"]
    names = fmt.names(list(_partner_names(data).values())) or words["none"]
    return words["new_agreement"].format(status=escape(status), partners=escape(names))


def describe(old: dict | None, new: dict | None, path: str) -> list[str]:
    """The Markdown lines for one agreement: a heading, then its changes (None: absent)."""
    if old is None:
        return [_heading(new, path), "", _new_agreement(new)]
    if new is None:
        return [_heading(old, path), "", WORDS[language(old)]["deleted"]]
    lines = [_heading(new, path)]
    differ = Differ(old, new)
    groups = differ.changes(old, new)
    lang = differ.lang
    for group, bullets in sorted(groups.items(), key=lambda kv: kv[0] is not None):
        if group is not None:
            lines += ["", f"### {schema.title((group,), lang) or escape(group)}"]
        lines += [""] + [f"- {b}" for b in bullets]
    return lines


def _unreadable(source: Source, template: str, base: str) -> str | None:
    if not source.problems and isinstance(source.data, dict):
        return None
    first = source.problems[0] if source.problems else None
    line, column, message = (first.line, first.column, first.message) if first else (1, 1, "")
    return DOCUMENT[template].format(base=code(base), line=line, column=column, message=escape(message))


def default_files(folder: Path, base: str) -> list[str]:
    """Every agreement in `folder` now or at `base`, so that one deleted since is reported too;
    shown relative to where we stand, like the other commands show them."""
    names = {p.name for p in agreements_in(folder)}
    try:
        names |= {name for name in names_at(base, folder) if name.endswith((".yaml", ".yml"))}
    except HistoryError:
        pass  # diff_markdown reports it for each file
    here = Path.cwd()
    return [
        str((folder / name).relative_to(here)) if (folder / name).is_relative_to(here) else str(folder / name)
        for name in sorted(names)
    ]


def diff_markdown(files: list[str], base: str) -> str:
    """Markdown for a pull request: per changed agreement, what changed since `base`."""
    return diff_report(files, base)[0]


# Left to right, so an escaped mark («\\`» in user text) is never taken for a code span's.
_MARKS = re.compile(r"\\([!-/:-@\[-`{-~])|`([^`\n]*)`")


def plain_text(markdown: str) -> str:
    """The report for a terminal: the same lines without Markdown's escapes and code marks
    («§ 18-midler», not «§ 18\\-midler»). Headings and bullets read well as they are."""
    return _MARKS.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), markdown)


def diff_report(files: list[str], base: str) -> tuple[str, bool]:
    """(the Markdown, whether any agreement could be compared at all): not when `base` is no
    revision, or when none of the files named is there now or at `base`."""
    out = [DOCUMENT["heading"], "", DOCUMENT["compared"].format(base=code(base))]
    sections: list[list[str]] = []
    failures: list[tuple[str, str, bool]] = []  # (path, reason as Markdown, about git rather than the file)
    unchanged = 0
    for path in files:
        try:
            old = load_at(base, path)
        except HistoryError as exc:
            failures.append((path, escape(exc.reason("da")), exc.key != "not_a_file"))
            continue
        new = load(path) if Path(path).is_file() else None
        if old is None and new is None:
            failures.append((path, DOCUMENT["nowhere"].format(base=code(base)), False))
            continue
        reason = (old and _unreadable(old, "unreadable_base", base)) or (
            new and _unreadable(new, "unreadable_now", base)
        )
        if reason:
            failures.append((path, reason, False))
        elif old and new and _same(old.data) == _same(new.data):
            unchanged += 1
        else:
            sections.append(describe(old and old.data, new and new.data, path))
    for section in sections:
        out += ["", *section]
    reasons = {reason for _, reason, about_git in failures if about_git}
    if len(failures) == len(files) and len(reasons) == 1 and all(about_git for *_, about_git in failures):
        out += ["", DOCUMENT["failed_all"].format(base=code(base), reason=reasons.pop())]
    elif failures:
        out += ["", f"## {DOCUMENT['failed']}", ""]
        out += [f"- {code(path)}: {reason}" for path, reason, _ in failures]
    if not files:
        out += ["", DOCUMENT["no_files"]]
    elif not sections and not failures:
        count = _count(unchanged, DOCUMENT["agreements"])
        out += ["", DOCUMENT["nothing"].format(count=count, base=code(base))]
    elif unchanged:  # after a rule, so it does not read as part of the last agreement
        out += [
            "",
            "---",
            "",
            DOCUMENT["unchanged"].format(count=_count(unchanged, DOCUMENT["other_agreements"])),
        ]
    compared = not files or len(failures) < len(files)
    return "\n".join(out) + "\n", compared
