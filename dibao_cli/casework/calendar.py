"""Working days in mainland China: weekends and statutory holidays off, 调休 weekend days on.

The State Council's yearly arrangements come from the chinese-calendar package (it holds exactly the
published arrangements and says which years it has, instead of guessing years not yet published). A
county adds or corrects days in its policy file's [calendar] table; a year that either source covers is
"known". Counting past the known years falls back to weekends and the fixed-date holidays and records a warning, so a deadline
computed on a guess is never shown as if it were certain.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from dibao_cli.errors import DibaoError, ExitStatus

ONE_DAY = _dt.timedelta(days=1)
# statutory holidays on fixed solar dates (全国年节及纪念日放假办法, 国务院令第798号): used only for years
# whose arrangement is not known yet; the lunar festivals and 调休 of such years cannot be guessed
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))
YEARS_BEYOND = 10  # counting further past the known arrangements than this is a mistyped date, not a deadline


class DateOutOfRange(DibaoError):
    """A date so far from the known holiday arrangements that it must be a typing error."""

    status = ExitStatus.USAGE


@dataclass
class WorkCalendar:
    holidays: frozenset  # days off that would otherwise be working days (and weekend days inside a holiday)
    workdays: frozenset  # weekend days that are working days (调休)
    known_years: frozenset
    package_last_year: int = 0
    source: str = ""
    warnings: list[str] = field(default_factory=list)

    def is_known(self, day: _dt.date) -> bool:
        return day.year in self.known_years

    def last_known_year(self) -> int | None:
        return max(self.known_years) if self.known_years else None

    def check(self, day: _dt.date) -> _dt.date:
        """The day itself, or DateOutOfRange when it lies before the known years or far beyond them."""
        if self.known_years and not min(self.known_years) <= day.year <= max(self.known_years) + YEARS_BEYOND:
            raise DateOutOfRange(f"日期 {day.isoformat()} 离已知的节假日安排（{min(self.known_years)}–{max(self.known_years)} 年）"
                                 "太远，无法推算工作日：请核对日期是否写错。")
        return day

    def is_workday(self, day: _dt.date) -> bool:
        if not self.is_known(day):
            self.check(day)
            self._warn(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year > self.package_last_year and (day.month, day.day) in FIXED_HOLIDAYS:
            return False
        return day.weekday() < 5

    def _warn(self, day: _dt.date) -> None:
        last = self.last_known_year()
        message = (f"{day.year} 年的节假日安排尚未录入（已知到 {last} 年），涉及 {day.year} 年的期限只按周末和元旦、劳动节、国庆节推算，"
                   f"可能不准。请在本县政策文件的 [calendar] 中补录 {day.year} 年的放假和调休上班日。")
        if message not in self.warnings:
            self.warnings.append(message)

    def add_workdays(self, start: _dt.date, count: int) -> _dt.date:
        """The `count`-th working day after `start` (the start day itself is not counted)."""
        day = start
        left = count
        while left > 0:
            day += ONE_DAY
            if self.is_workday(day):
                left -= 1
        return day

    def workdays_between(self, start: _dt.date, end: _dt.date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is before `start`."""
        if end == start:
            return 0
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return sign * count


def build_calendar(policy=None) -> WorkCalendar:
    """The package's arrangements, overridden by the policy files' [calendar] days."""
    import chinese_calendar

    holidays = set(chinese_calendar.holidays)
    workdays = set(chinese_calendar.workdays)
    known = {d.year for d in holidays}
    package_last_year = max(known)
    version = getattr(chinese_calendar, "__version__", "")
    source = f"国务院办公厅历年部分节假日安排（chinese-calendar {version}，{min(known)}–{max(known)} 年）"
    if policy is not None:
        for day, entry in policy.calendar_days().items():
            known.add(day.year)
            if entry.value:
                holidays.discard(day)
                if day.weekday() >= 5:
                    workdays.add(day)
            else:
                workdays.discard(day)
                holidays.add(day)
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(known), package_last_year, source)
