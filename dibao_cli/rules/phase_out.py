"""Phase-out (渐退期, Qinghai: at least 12 months) dates."""

from __future__ import annotations

import calendar
import datetime as _dt


def add_months(day: _dt.date, months: int) -> _dt.date:
    """The same day `months` later, clamped to the month's end (Jan 31 + 1 -> Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def phase_out_end(start: _dt.date, months: int) -> _dt.date:
    """The last day of a phase-out of `months` months that starts on `start` (start 2026-03-01, 12 -> 2027-02-28)."""
    return add_months(start, months) - _dt.timedelta(days=1)
