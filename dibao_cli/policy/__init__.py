"""Policy: dated, cited, per-region values (see loader.py), resolved for one assessment date."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from dibao_cli.errors import PolicyInvalid
from dibao_cli.policy.loader import (  # noqa: F401
    Entry,
    Policy,
    load_policy,
    parse_policy_file,
    region_name,
)
from dibao_cli.policy.schema import BY_NAME, PARAMETERS


class PolicyAt:
    """Every parameter of a policy resolved at one date; `entry(name)` gives its citation."""

    def __init__(self, policy: Policy, day: _dt.date):
        self.policy = policy
        self.day = day
        self.entries: dict[str, Entry] = {}
        for param in PARAMETERS:
            if param.optional and not policy.has(param.name, day):
                setattr(self, param.name, None)
                continue
            self.entries[param.name] = policy.entry(param.name, day)
            setattr(self, param.name, self.entries[param.name].value)
        minimum = self.entries["phase_out_minimum_months"]
        months = self.entries["phase_out_months"]
        if months.value < minimum.value:
            raise PolicyInvalid(
                f"政策文件 {months.file}{f' 第 {months.line} 行' if months.line else ''}（phase_out_months）："
                f"渐退期 {months.value} 个月短于规定的下限 {minimum.value} 个月（{minimum.source}）。"
            )
        self._items: dict[str, tuple] = {}
        self._annual: dict[str, Decimal] = {}
        self.memo: dict = {}  # texts derived from this policy (citations...), cached on the policy itself

    def entry(self, name: str) -> Entry | None:
        """The entry in force (None for an optional parameter the policy does not set)."""
        return self.entries.get(name)

    def income_item(self, item: str):
        """(category, entry) or None; cached per item."""
        if item not in self._items:
            self._items[item] = self.policy.income_item(item, self.day)
        return self._items[item]

    def annual_standard_fen(self, area_type: str) -> Decimal:
        """The standard for one person over a year, in fen: rural annual, or urban monthly x 12."""
        value = self._annual.get(area_type)
        if value is None:
            if area_type == "城市":
                value = self.urban_standard_monthly * 1200
            else:
                value = self.rural_standard_annual * 100
            self._annual[area_type] = value
        return value

    def standard_entry(self, area_type: str) -> Entry:
        return self.entries["urban_standard_monthly" if area_type == "城市" else "rural_standard_annual"]

    def citation(self, name: str) -> str:
        """The printable citation of a parameter in force (the county's own document for an unconfirmed default)."""
        entry = self.entries.get(name)
        return self.policy.citation(entry) if entry is not None else ""

    def stale_standards(self, years: int = 2) -> list[str]:
        """Warnings for 低保标准 in force for more than `years` years at this date (standards change every year)."""
        out = []
        for name in ("rural_standard_annual", "urban_standard_monthly"):
            label, unit = BY_NAME[name].label, BY_NAME[name].unit  # one label and unit per parameter: schema.py
            entry = self.entries[name]
            since = entry.since
            try:
                limit = since.replace(year=since.year + years)
            except ValueError:  # 29 February
                limit = since.replace(year=since.year + years, day=28)
            if self.day >= limit:
                age = self.day.year - since.year - ((self.day.month, self.day.day) < (since.month, since.day))
                out.append(f"{label} {entry.value} {unit}自{since.year}年{since.month}月{since.day}日起执行，"
                           f"至今已{age}年以上未更新（出处：{entry.source}）。请按省、州最新文件在本县政策文件中补录新标准；"
                           "补录前出具的通知书引用的是这个旧标准。")
        return out
