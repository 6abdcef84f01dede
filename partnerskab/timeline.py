"""When an agreement runs: its start, the end it has now, how it goes on, and the next date
someone must act on. Rules, documents, `status` and the register all ask this module, so they
agree about an open-ended or renewing agreement.

Three forms (schema: duration.renewal.mode):
- fixed (no renewal): from `start` to `end`; amendments with `extends_to` move the end.
- until_terminated: from `start` until a partner gives notice; `review_by` is the date by which
  the partners decide whether to go on. There is no end date.
- automatic: `end` closes the first period; then the agreement renews by itself for
  `period_months` at a time, and notice must be given `notice_months` before a period ends.

Works on schema-valid data only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

FIXED, UNTIL_TERMINATED, AUTOMATIC = "fixed", "until_terminated", "automatic"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier); the last day of a month stays the last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:  # no agreement runs that long; stay a date
        return dt.date.max if months > 0 else dt.date.min
    last = calendar.monthrange(year, month + 1)[1]
    at_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month + 1, last if at_month_end else min(day.day, last))


@dataclass(frozen=True)
class Extension:
    index: int  # in changes.amendments
    date: dt.date  # the amendment's own date
    extends_to: dt.date
    previous_end: dt.date | None  # the end it extends


@dataclass(frozen=True)
class Term:
    mode: str
    start: dt.date
    end: dt.date | None  # as written: the agreed end, or the end of the first period
    review_by: dt.date | None = None
    period_months: int | None = None
    notice_months: int | None = None
    extensions: list[Extension] = field(default_factory=list)

    @property
    def effective_end(self) -> dt.date | None:
        """The end with every extension applied: for `automatic`, the end of the first period."""
        ends = [self.end, *(e.extends_to for e in self.extensions)]
        known = [d for d in ends if d is not None]
        return max(known) if known else None

    @property
    def extended(self) -> bool:
        return self.effective_end is not None and self.end is not None and self.effective_end > self.end

    @property
    def last_day(self) -> dt.date | None:
        """The last day the agreement can run as written, for rules about dates: None when it
        has no last day (it runs until terminated, or renews automatically)."""
        return self.effective_end if self.mode == FIXED else None

    def _periods_after_first(self, on: dt.date) -> int:
        """How many renewals have begun by `on` (0: the first period is running)."""
        periods = 0
        while add_months(self.effective_end, periods * self.period_months) < on and periods < 100_000:
            periods += 1
        return periods

    def period_end(self, on: dt.date) -> dt.date | None:
        """The end of the period running on `on` (or the first period, before the start)."""
        end = self.effective_end
        if self.mode == FIXED:
            return end
        if self.mode == UNTIL_TERMINATED or end is None or not self.period_months:
            return None
        return add_months(end, self._periods_after_first(on) * self.period_months)

    def renewed_period(self, on: dt.date) -> tuple[dt.date, dt.date] | None:
        """(first day, last day) of the renewal running on `on`, counted from the end of the
        first period (so a month end clamped in one period does not shift the next); None while
        the first period runs or when the agreement does not renew itself."""
        if self.mode != AUTOMATIC or self.effective_end is None or not self.period_months:
            return None
        periods = self._periods_after_first(on)
        if periods == 0:
            return None
        previous_end = add_months(self.effective_end, (periods - 1) * self.period_months)
        this_end = add_months(self.effective_end, periods * self.period_months)
        return previous_end + dt.timedelta(days=1), this_end

    def next_date(self, on: dt.date) -> tuple[dt.date | None, str]:
        """The next date someone must act on, and what it is: "end" (the agreement or its
        current period ends), "notice" (last day to give notice before a period ends) or
        "review" (the partners decide whether to go on). A fixed agreement with a review date
        before its end reminds of that date until it has passed. Never in the past for a
        renewing agreement (the rules keep its notice shorter than its period); a fixed
        agreement's end may be past."""
        if self.mode == UNTIL_TERMINATED:
            return self.review_by, "review"
        if self.mode == FIXED:
            end = self.effective_end
            if self.review_by and on <= self.review_by and (end is None or self.review_by < end):
                return self.review_by, "review"  # the partners decide before the end comes
            return end, "end"
        candidates: list[tuple[dt.date, str]] = []
        if self.review_by and self.review_by >= on:
            candidates.append((self.review_by, "review"))
        period_end = self.period_end(on)
        if period_end is not None:
            if self.notice_months:
                notice = add_months(period_end, -self.notice_months)
                if notice < on:  # too late for this period: the next one's notice counts
                    notice = add_months(add_months(period_end, self.period_months or 0), -self.notice_months)
                candidates.append((notice, "notice"))
            else:
                candidates.append((period_end, "end"))
        return min(candidates) if candidates else (None, "end")


def term(data: dict) -> Term:
    duration = data["duration"]
    renewal = duration.get("renewal") or {}
    mode = renewal.get("mode", FIXED)
    end = dt.date.fromisoformat(duration["end"]) if duration.get("end") else None
    extensions: list[Extension] = []
    amendments = (data.get("changes") or {}).get("amendments", [])
    current = end
    dated = sorted(
        (dt.date.fromisoformat(a["date"]), i, dt.date.fromisoformat(a["extends_to"]))
        for i, a in enumerate(amendments)
        if a.get("extends_to")
    )
    for date, index, extends_to in dated:
        extensions.append(Extension(index, date, extends_to, current))
        if current is None or extends_to > current:
            current = extends_to
    return Term(
        mode=mode,
        start=dt.date.fromisoformat(duration["start"]),
        end=end,
        review_by=dt.date.fromisoformat(duration["review_by"]) if duration.get("review_by") else None,
        period_months=renewal.get("period_months"),
        notice_months=renewal.get("notice_months"),
        extensions=extensions,
    )
