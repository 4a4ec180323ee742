"""Reform impact (`dibao impact`): one roster, read and checked once, assessed under the policy in force
and under one or more reforms; what changes, for whom, and what it costs.

A reform is a list of policy files laid on top of the policy in force (reforms.py). Both sides are assessed
on the same day with the same household facts, so every difference comes from the policy alone.

Money is integer fen. The monthly benefit is split as the monthly report splits it: 差额, 分类施保 (each
rounded half up to the fen), 渐退期发放 (paid at the former amount), and 取整及保底调整 (what rounding and the
minimum add), which add up to the total. Annual money is the monthly money x 12 (the roster's households
and amounts held for a year).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal

from dibao_cli import money
from dibao_cli.assess.household import assess_household, plan_assessment
from dibao_cli.assess.reforms import SET_SOURCE, Difference, Reform, differences
from dibao_cli.assess.result import short_reasons
from dibao_cli.policy import PolicyAt
from dibao_cli.status import COVERED, EXIT, INELIGIBLE, MARGINAL, PHASE_OUT
from dibao_cli.status import LABEL as STATUS_LABEL

LEFT_OUT = "left_out"
BASE_ORDER = (*COVERED, EXIT, MARGINAL, INELIGIBLE)
MONTHS_PER_YEAR = 12


def status_order() -> list[str]:
    """Every status the engine has, in report order, then households left out for errors."""
    return [*BASE_ORDER, *(s for s in STATUS_LABEL if s not in BASE_ORDER), LEFT_OUT]


def status_label(status: str) -> str:
    return "有错误未核算" if status == LEFT_OUT else STATUS_LABEL.get(status, status)


# ---------------------------------------------------------------------------------------------- comparison
def _fen(value: Decimal) -> int:
    return money.to_fen(value)


class Money:
    """Covered households, persons and monthly fen of one side, for one township or the total."""

    __slots__ = ("households", "persons", "differential", "classified", "phase_out", "adjustment", "total", "unknown")
    FIELDS = __slots__

    def __init__(self):
        for name in self.FIELDS:
            setattr(self, name, 0)

    def add(self, other: "Money") -> None:
        for name in self.FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def annual(self) -> int:
        return self.total * MONTHS_PER_YEAR


class Side:
    """One household under one policy."""

    __slots__ = ("status", "total", "differential", "classified", "covered", "result")

    def __init__(self, status, total, differential, classified, covered, result):
        self.status, self.total, self.differential, self.classified = status, total, differential, classified
        self.covered, self.result = covered, result

    @property
    def reasons(self) -> str:
        if self.result is None:
            return "名册有错误，未核算"
        return "；".join(r.text for r in self.result.reasons)

    @property
    def short_reasons(self) -> str:
        if self.result is None:
            return "名册有错误"
        return short_reasons(self.result)

    def detached(self) -> "Side":
        """The same figures without the assessment behind them (kept for a listed household)."""
        return Side(self.status, self.total, self.differential, self.classified, self.covered, None)

    @property
    def paid(self) -> int:
        """Monthly fen paid (0 when not covered or not known)."""
        return self.total or 0


def _side(household, policy: PolicyAt, day: _dt.date, pending: set) -> Side:
    if household not in pending:
        return Side(LEFT_OUT, None, 0, 0, 0, None)
    r = assess_household(household, policy, day)
    if r.status not in COVERED:
        return Side(r.status, 0, 0, 0, 0, r)
    total = int(r.total * 100) if r.benefit_known else None
    if r.status == PHASE_OUT:
        return Side(r.status, total, 0, 0, len(r.covered), r)
    return Side(r.status, total, _fen(r.differential), _fen(r.classified), len(r.covered), r)


def _count(money: dict[str, Money], township: str, side: Side) -> None:
    if side.status not in COVERED:
        return
    m = money.get(township)
    if m is None:
        m = money[township] = Money()
    m.households += 1
    m.persons += side.covered
    if side.total is None:
        m.unknown += 1
        return
    if side.status == PHASE_OUT:
        m.phase_out += side.total
    else:
        m.differential += side.differential
        m.classified += side.classified
        m.adjustment += side.total - side.differential - side.classified
    m.total += side.total


class Change:
    """A household whose status or amount differs between the two sides."""

    __slots__ = ("household", "persons", "before", "after", "before_reasons", "after_reasons", "before_short",
                 "after_short")

    def __init__(self, household, persons: int, before: Side, after: Side):
        self.household, self.persons = household, persons
        self.before_reasons, self.after_reasons = before.reasons, after.reasons
        self.before_short, self.after_short = before.short_reasons, after.short_reasons
        self.before, self.after = before.detached(), after.detached()

    @property
    def delta(self) -> int:
        return self.after.paid - self.before.paid

    @property
    def falls(self) -> bool:
        """The household gets less than before (or an amount that cannot be known)."""
        if self.before.paid == 0:
            return False
        return self.after.total is None or self.after.paid < self.before.paid


@dataclass
class Alternative:
    reform: Reform
    policy: PolicyAt
    differences: list[Difference]
    transitions: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (before, after) -> [households, persons]
    money: dict[str, Money] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def decreases(self) -> list[Change]:
        return [c for c in self.changes if c.falls]


@dataclass
class Impact:
    day: _dt.date
    effective: _dt.date
    base: PolicyAt
    base_money: dict[str, Money]
    alternatives: list[Alternative]
    households: int
    persons: int
    left_out: int

    @property
    def townships(self) -> list[str]:
        names = set(self.base_money)
        for alt in self.alternatives:
            names.update(alt.money)
        return sorted(names)


def total(money: dict[str, Money]) -> Money:
    out = Money()
    for m in money.values():
        out.add(m)
    return out


def compare(roster, base: PolicyAt, reforms: list[tuple[Reform, PolicyAt]], day: _dt.date, effective: _dt.date,
            progress=None) -> Impact:
    """Assess every household of the roster once under the policy in force and once under each reform."""
    alternatives = [Alternative(reform, policy, differences(base, policy)) for reform, policy in reforms]
    for alt in alternatives:
        if not alt.differences:
            dated = any(f.path != SET_SOURCE for f in alt.reform.files)
            alt.notes.append(f"本方案在 {day.isoformat()} 与现行政策没有差别" + (
                "（方案文件中的日期是否晚于核算日期？可用 --effective 指定生效日期）。" if dated else "。"))
    base_plan = plan_assessment(roster, base, day)
    base_pending = set(base_plan.pending)  # the households themselves: no id() to go stale
    pendings = []
    for alt in alternatives:
        plan = plan_assessment(roster, alt.policy, day)
        pendings.append(base_pending if len(plan.pending) == len(base_plan.pending) and
                        all(h in base_pending for h in plan.pending) else set(plan.pending))
    base_money: dict[str, Money] = {}
    households = persons = 0
    for index, household in enumerate(roster.households.values()):
        township = household.township or "（未填乡镇）"
        before = _side(household, base, day, base_pending)
        _count(base_money, township, before)
        n = len(before.result.members) if before.result is not None else len(household.members)
        households += 1
        persons += n
        for alt, pending in zip(alternatives, pendings):
            after = _side(household, alt.policy, day, pending)
            _count(alt.money, township, after)
            key = (before.status, after.status)
            cell = alt.transitions.get(key)
            if cell is None:
                alt.transitions[key] = [1, n]
            else:
                cell[0] += 1
                cell[1] += n
            if after.status != before.status or after.total != before.total:
                alt.changes.append(Change(household, n, before, after))
        if progress is not None and index % 1000 == 999:
            progress(1000)
    return Impact(day, effective, base, base_money, alternatives, households, persons, len(base_plan.left_out))

