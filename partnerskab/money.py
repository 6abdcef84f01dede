"""What the money rows of an agreement add up to. Rules, documents, the register and `diff`
all count through here, so a yearly amount, a share or a payment per result means the same
thing everywhere.

- A row with `years: [FIRST, LAST]` is that amount each year, FIRST to LAST inclusive: it
  counts as one row per year in every sum and check.
- A financing row's `basis` is `fixed` (the default), `reimbursed` (paid as billed, `amount`
  is a cap) or `per_result` (`unit_price` per `unit`, up to `cap`). Only fixed rows are money
  the partnership can count on, so only they are compared with the budget.
- A fixed row with a `share` and no `amount` gets its amount from the budget: the share of what
  the fixed rows without a share leave uncovered (with no such rows, the whole budget). The
  amounts are rounded to whole kroner so that they add up exactly (largest remainder).

Works on schema-valid data only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

FIXED, REIMBURSED, PER_RESULT = "fixed", "reimbursed", "per_result"
# The fields that hold whole kroner, wherever they stand.
AMOUNT_FIELDS = ("amount", "value", "unit_price", "cap")


def basis(row: dict) -> str:
    return row.get("basis", FIXED)


def years_of(row: dict) -> list[int | None]:
    """The years a row counts in: one, each of a range, or [None] for a row without a year."""
    if "years" in row:
        first, last = row["years"]
        return list(range(first, last + 1)) if first <= last else []
    return [row.get("year")]


def share_amounts(financing: list[dict], budget: list[dict]) -> dict[int, int]:
    """Index -> computed amount, for fixed financing rows with a share and no amount."""
    shared = [i for i, row in enumerate(financing) if _computed(row)]
    if not shared:
        return {}
    pool = share_pool(financing, budget)
    exact = {i: pool * financing[i]["share"] / 100 for i in shared}
    amounts = {i: int(value) for i, value in exact.items()}
    target = round(sum(exact.values()))
    by_remainder = sorted(shared, key=lambda i: (-(exact[i] - amounts[i]), i))
    for i in by_remainder[: max(target - sum(amounts.values()), 0)]:
        amounts[i] += 1
    return amounts


def share_pool(financing: list[dict], budget: list[dict]) -> int:
    """What the shares are shares of: the budget, less the fixed amounts of rows without a share."""
    covered = sum(
        row["amount"] * len(years_of(row))
        for row in financing
        if basis(row) == FIXED and "amount" in row and "share" not in row
    )
    return max(total(budget) - covered, 0)


def _computed(row: dict) -> bool:
    return basis(row) == FIXED and "share" in row and "amount" not in row


def amount_of(row: dict, index: int, computed: dict[int, int]) -> int | None:
    """A fixed row's amount each year: written, or computed from its share."""
    if basis(row) != FIXED:
        return None
    return row["amount"] if "amount" in row else computed.get(index)


def counted(rows: list[dict], computed: dict[int, int] | None = None) -> Iterator[tuple[int | None, int]]:
    """(year or None, amount) for each year each fixed row counts in."""
    computed = computed or {}
    for index, row in enumerate(rows):
        amount = amount_of(row, index, computed)
        if amount is None:
            continue
        for year in years_of(row):
            yield year, amount


def totals(rows: list[dict], computed: dict[int, int] | None = None) -> dict:
    """The sum of the counted rows under None, and per year where rows give one."""
    out: dict = defaultdict(int)
    out[None] += 0
    for year, amount in counted(rows, computed):
        out[None] += amount
        if year is not None:
            out[year] += amount
    return out


def total(rows: list[dict], computed: dict[int, int] | None = None) -> int:
    return totals(rows, computed)[None]


def financing_totals(economy: dict) -> dict:
    return totals(economy["financing"], share_amounts(economy["financing"], economy["budget"]))


def has_fixed(financing: list[dict]) -> bool:
    return any(basis(row) == FIXED for row in financing)
