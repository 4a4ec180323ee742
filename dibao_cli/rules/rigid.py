"""刚性支出困难家庭 (青海省, 2025): households that are not 低保, 特困 or 低保边缘 but whose rigid expenses
over the past 12 months take at least the policy's share of their income.

Recognition: per-capita income below the prefecture's previous-year per-capita disposable income (a policy
value per prefecture), rigid expenses >= share x household income, property within the 低保边缘 rules.
Valid for the policy's months, then due for review.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from dibao_cli.model import Member
from dibao_cli.money import fen_yuan as _yuan
from dibao_cli.rules.income import listed_expenses
from dibao_cli.rules.phase_out import phase_out_end

BASIS = "青海省刚性支出困难家庭认定（2025年）：人均收入低于上年当地居民人均可支配收入，近12个月刚性支出占家庭总收入的规定比例以上，财产符合低保边缘家庭规定"
SINGLE = "青海省刚性支出困难家庭认定（2025年）：家庭中的重病、重残人员和在校大学生可参照单人户纳入低保"
UNIVERSITY = ("大专", "本科", "研究生")


@dataclass
class RigidDecision:
    recognised: bool
    spent: int  # fen over 12 months
    income: int  # counted fen over 12 months
    per_capita: Decimal  # fen per person per year
    line: Decimal  # fen per person per year (previous-year disposable income)
    share: Decimal
    valid_from: _dt.date | None = None
    valid_until: _dt.date | None = None
    text: str = ""

    @property
    def ratio(self) -> Decimal | None:
        return None if self.income == 0 else Decimal(self.spent) / self.income


def disposable_line(policy, area_type: str) -> Decimal | None:
    """The previous-year per-capita disposable income for the area, in fen per year (None: not set)."""
    value = policy.urban_disposable_income_annual if area_type == "城市" else policy.rural_disposable_income_annual
    return None if value is None else value * 100


def rigid_expenses(members: list[Member], policy) -> int:
    return listed_expenses(members, policy.rigid_expense_items)


def recognise(members: list[Member], counted: int, area_type: str, policy, day: _dt.date,
              since: _dt.date | None = None) -> RigidDecision | None:
    """The recognition of a household that passed the property test and is not 低保/特困/边缘, or None when
    the policy sets no disposable-income line or the household has no rigid expenses."""
    line = disposable_line(policy, area_type)
    spent = rigid_expenses(members, policy)
    if line is None or not members or spent <= 0:
        return None
    per_capita = Decimal(counted) / len(members)
    share = policy.rigid_hardship_share
    decision = RigidDecision(False, spent, counted, per_capita, line, share)
    ratio = "家庭收入为 0" if counted == 0 else f"占家庭收入 {_pct(decision.ratio)}"
    below = per_capita < line
    enough = spent >= share * counted
    decision.text = (f"近12个月刚性支出 {_yuan(spent)} 元，{ratio}（规定不低于 {_pct(share)}）；"
                     f"人均年收入 {_yuan(per_capita)} 元，{'低于' if below else '不低于'}上年人均可支配收入 {_yuan(line)} 元")
    if below and enough:
        decision.recognised = True
        decision.valid_from = since or day
        decision.valid_until = phase_out_end(decision.valid_from, policy.rigid_valid_months)
    return decision


def student_ground(member: Member) -> str | None:
    if member.school_level in UNIVERSITY:
        return f"在校大学生（{member.school_level}）"
    return None


def _pct(value: Decimal) -> str:
    """A share as a percentage, cut (never rounded up) to 3 decimals: 59.995 % must not read as 60 %."""
    return f"{(value * 100).quantize(Decimal('0.001'), rounding=ROUND_DOWN).normalize():f}%"
