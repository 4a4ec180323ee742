"""Policy: dated, cited, per-region values (see loader.py), resolved for one assessment date."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from dibao_cli.errors import PolicyInvalid
from dibao_cli.policy.loader import Entry, Policy, load_policy, parse_policy_file, region_name  # noqa: F401
from dibao_cli.policy.schema import PARAMETERS


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
