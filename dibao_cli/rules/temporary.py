"""临时救助 amounts (《国务院关于全面建立临时救助制度的通知》国发〔2014〕47号; 民发〔2018〕23号).

The most a case can get: the applicable monthly 低保 standard x the policy's months for its type and severity
x the people helped, never above the per-case cap (Qinghai: 5 x the urban standard). The amount granted is
the request (or the approver's figure) as given when it is lower; only the computed amount is rounded, once,
to the policy's unit. Small amounts may be granted by the township first (先行救助) and filed with the county.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dibao_cli.money import plain
from dibao_cli.rules.benefit import round_benefit

KINDS = ("急难型", "支出型")
SEVERITIES = ("一般", "严重")
LEVELS = ("乡镇先行救助", "县级审批")
MONTHS_PARAM = {("急难型", "一般"): "temporary_months_urgent", ("急难型", "严重"): "temporary_months_urgent_severe",
                ("支出型", "一般"): "temporary_months_expense", ("支出型", "严重"): "temporary_months_expense_severe"}
BASIS = "《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）；民发〔2018〕23号"


@dataclass
class Amount:
    monthly_standard: Decimal  # yuan per person per month, applicable to the case
    months: int
    persons: int
    by_months: Decimal  # standard x months x persons
    cap: Decimal  # per-case cap
    maximum: Decimal  # min(by_months, cap), rounded
    granted: Decimal  # min(requested, maximum), rounded once
    capped: bool  # the request or the months were cut to the cap
    level: str  # the level that may approve it
    township_limit: Decimal

    def lines(self) -> list[str]:
        out = [f"月低保标准 {plain(self.monthly_standard)} 元 × {self.months} 个月 × {self.persons} 人 = {plain(self.by_months)} 元",
               f"每案上限 {plain(self.cap)} 元；最多可救助 {plain(self.maximum)} 元"]
        out.append(f"审批金额 {plain(self.granted)} 元" + ("（已按上限）" if self.capped else ""))
        out.append(f"乡镇先行救助限额 {plain(self.township_limit)} 元：由{self.level}")
        return out


def monthly_standard(policy, area_type: str) -> Decimal:
    """The applicable monthly standard in yuan: urban monthly, or rural annual / 12 (unrounded)."""
    return policy.annual_standard_fen(area_type) / 1200


def amount(policy, area_type: str, kind: str, severity: str, persons: int, requested: Decimal | None) -> Amount:
    """The amount rule for one case (see the module docstring)."""
    std = monthly_standard(policy, area_type)
    months = getattr(policy, MONTHS_PARAM[(kind, severity)])
    by_months = std * months * persons
    cap = policy.urban_standard_monthly * policy.temporary_cap_urban_multiple
    maximum = round_benefit(min(by_months, cap), policy.rounding)
    # the rounding is the computed maximum's; a requested or approved figure below it is granted as given
    granted = maximum if requested is None else min(requested, maximum)
    capped = (by_months if requested is None else requested) > maximum
    limit = round_benefit(std * policy.temporary_township_months, policy.rounding)
    level = LEVELS[0] if granted <= limit else LEVELS[1]
    return Amount(std, months, persons, by_months, cap, maximum, granted, capped, level, limit)
