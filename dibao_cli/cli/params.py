"""Parameter types of the command line: dates, months, region codes and counts, checked when the line is read
(a wrong value is a usage error, exit 2)."""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation

import click

from dibao_cli.errors import DibaoError, UsageInvalid

FIRST_YEAR, LAST_YEAR = 1900, 2099  # dates and months a command line may name


class DateType(click.ParamType):
    """A date on the command line: 2026-11-30 (and the other ways a roster may write one)."""

    name = "日期"

    def __init__(self, bounded: bool = True):
        self.bounded = bounded  # casework dates have their own, more precise check against the holiday calendar

    def convert(self, value, param, ctx):
        if isinstance(value, _dt.date):
            return value
        from dibao_cli import cells

        try:
            day = cells.date(value)
        except cells.CellError:
            day = None
        if day is None:
            self.fail(f"“{value}”不是日期，请写成 2026-11-30", param, ctx)
        if self.bounded and not FIRST_YEAR <= day.year <= LAST_YEAR:  # 9999-12-31: a typo, and an overflow
            self.fail(f"日期 {day.isoformat()} 超出可处理的范围（{FIRST_YEAR}–{LAST_YEAR} 年），请核对年份", param, ctx)
        return day


class MonthType(click.ParamType):
    """A month on the command line: 2026-12 (or 202612); the one parser every --month uses."""

    name = "月份"

    def convert(self, value, param, ctx):
        from dibao_cli.ledger.monthly import parse_month

        try:
            month = parse_month(value)
        except UsageInvalid as exc:
            self.fail(exc.message, param, ctx)
        if not FIRST_YEAR <= int(month[:4]) <= LAST_YEAR:
            self.fail(f"月份 {month} 超出可处理的范围（{FIRST_YEAR}–{LAST_YEAR} 年），请核对年份", param, ctx)
        return month


class RegionType(click.ParamType):
    """A region code on the command line (632521): a wrong one is a usage error, exit 2."""

    name = "地区代码"

    def convert(self, value, param, ctx):
        from dibao_cli.policy.loader import check_region

        value = str(value).strip()
        try:
            check_region(value)
        except DibaoError as exc:
            self.fail(exc.message, param, ctx)
        return value


DATE = DateType()
CALENDAR_DATE = DateType(bounded=False)
MONTH = MonthType()
REGION = RegionType()

class CountType(click.ParamType):
    """A whole number not below 0 (--limit, --within): -5 is a usage error, not an empty list."""

    name = "整数"

    def __init__(self, maximum: int | None = None):
        self.maximum = maximum

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"应为不小于 0 的整数，这里是“{value}”", param, ctx)
        if number < 0:
            self.fail(f"应为不小于 0 的整数，这里是 {number}", param, ctx)
        if self.maximum is not None and number > self.maximum:
            self.fail(f"应为 0 到 {self.maximum} 之间的整数，这里是 {number}", param, ctx)
        return number


COUNT = CountType(maximum=10**9)  # more than any roster has rows; a longer number is a typo (and overflows SQLite)
DAYS = CountType(maximum=3660)  # --within: at most ten years ahead


class AmountType(click.ParamType):
    """An amount in yuan on the command line: 1200, 1200.5, 1,200.50 (commas only between groups of three digits),
    optionally with 元; more than 0 and at most two decimals. The value is a Decimal."""

    name = "金额"
    PLAIN = re.compile(r"(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d+)?")

    def convert(self, value, param, ctx):
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().removesuffix("元").strip()
        if not self.PLAIN.fullmatch(text):  # nan, inf, 1e3 and a decimal comma (6000,50) are not amounts
            self.fail(f"“{value}”不是金额，请写成 1200 或 1200.50（小数点用“.”）", param, ctx)
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:
            self.fail(f"“{value}”不是金额，请写成 1200 或 1200.50", param, ctx)
        if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            self.fail(f"“{value}”应为大于 0、最多两位小数的金额（元）", param, ctx)
        return amount


AMOUNT = AmountType()
