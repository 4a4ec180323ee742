"""What an assessment produces: one HouseholdResult per household (figures, status, reasons, flags) and the
Assessment of a roster. These are the figures every output (table, JSON, workbook, notices, explain) shows."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from dibao_cli.assess.trace import Trace
from dibao_cli.model import Household, Member
from dibao_cli.money import Breakdown, breakdown
from dibao_cli.policy import PolicyAt
from dibao_cli.problems import Problem
from dibao_cli.rules import rigid as rigid_rules
from dibao_cli.rules.income import MemberIncome
from dibao_cli.status import DIBAO, SINGLE_PERSON

ZERO = Decimal(0)

@dataclass
class Reason:
    code: str
    text: str
    basis: str

    def as_dict(self) -> dict:
        return {"code": self.code, "text": self.text, "basis": self.basis}


@dataclass
class Step:
    """One step of `dibao explain`: a title, lines of arithmetic, the basis, and the policy parameters the step
    read (trace.Used: name and dated, cited entry), as recorded while computing."""

    title: str
    lines: list[str]
    basis: str
    parameters: tuple = ()


class Benefit(NamedTuple):
    """A monthly benefit as computed (yuan): exact parts, the minimum when it raised the sum, the one rounded total,
    and the parts as shown (fen, adding up to the total)."""

    differential: Decimal
    classified: Decimal
    unrounded: Decimal
    minimum: Decimal | None
    total: Decimal
    breakdown: Breakdown


@dataclass
class SingleCover:
    member: Member
    ground: str
    own_adjusted: Decimal  # fen
    differential: Decimal  # yuan, unrounded
    classified: Decimal
    total: Decimal  # rounded
    categories: list[str]
    minimum: Decimal | None = None  # the policy's minimum, when it raised this benefit

    @property
    def breakdown(self) -> Breakdown:
        return breakdown(self.differential, self.classified, self.total, self.minimum)


@dataclass
class HouseholdResult:
    household: Household
    members: list[Member]
    covered: list[Member]
    status: str
    incomes: list[MemberIncome]
    counted: int
    excluded: dict[str, int]
    employment_deduction: Decimal
    rigid_deduction: Decimal
    adjusted: Decimal
    area_type: str
    annual_standard: Decimal  # fen per person per year
    per_capita: Decimal  # yuan per month, unrounded
    differential: Decimal = ZERO
    classified: Decimal = ZERO
    total: Decimal = ZERO
    phase_out_start: _dt.date | None = None
    phase_out_end: _dt.date | None = None
    reasons: list[Reason] = field(default_factory=list)
    flags: list[Reason] = field(default_factory=list)
    singles: list[SingleCover] = field(default_factory=list)
    classified_people: list[tuple[Member, list[str]]] = field(default_factory=list)
    trace: Trace | None = None  # the record of the computation, kept when explaining
    minimum_applied: bool = False
    benefit_known: bool = True
    minimum: Decimal | None = None  # the policy's minimum, when it raised the household's benefit
    tekun: list = field(default_factory=list)  # tekun_rules.TekunDecision, one per person assessed for 特困
    rigid: rigid_rules.RigidDecision | None = None  # 刚性支出困难家庭, checked for households above the 边缘 line

    @property
    def steps(self) -> list[Step] | None:
        """The steps of `dibao explain`, rendered from the trace (None when no trace was kept)."""
        if self.trace is None:
            return None
        from dibao_cli.assess.explain import steps

        return steps(self.trace, self)

    @property
    def supported(self) -> list:
        """The members decided 特困供养 (never also covered by 低保)."""
        return [d for d in self.tekun if d.outcome == "supported"]

    @property
    def monthly_standard(self) -> Decimal:
        return self.annual_standard / 1200

    @property
    def breakdown(self) -> Breakdown | None:
        """The benefit as shown, parts adding up to the total; None where the total is not computed from parts
        (phase-out keeps the earlier amount; no benefit)."""
        if self.status == DIBAO:
            return breakdown(self.differential, self.classified, self.total, self.minimum)
        if self.status == SINGLE_PERSON and self.singles:
            parts = [s.breakdown for s in self.singles]
            return Breakdown(*(sum(values) for values in zip(*(b[:5] for b in parts))))
        return None


@dataclass
class Assessment:
    policy: PolicyAt
    day: _dt.date
    results: list[HouseholdResult]
    left_out: list[tuple[Household, list[Problem]]]
    problems: list[Problem]
    pending: list[Household] = field(default_factory=list)  # households that can be decided
    progress: Callable[[int], None] | None = None  # told every PROGRESS_STEP households assessed


SHORT_REASON = {
    "below_standard": "低于标准", "phase_out_back": "恢复低保", "phase_out": "渐退中", "phase_out_ended": "渐退期满",
    "marginal": "低于1.5倍标准", "above_marginal": "收入超过边缘线", "single_person": "单人户", "all_tekun": "全员特困",
    "property_deposits": "存款超限", "property_vehicles": "有机动车", "property_homes": "房产超限",
    "property_business": "有工商登记", "single_person_income": "本人收入超标", "tekun": "特困供养",
    "tekun_can_work": "非特困（有劳动能力）", "tekun_income": "非特困（收入超标）", "tekun_property": "非特困（财产）",
    "tekun_supporter": "非特困（有义务人）", "rigid": "刚性支出困难", "rigid_not_met": "",
}


def short_reasons(r: HouseholdResult) -> str:
    """The reasons in a few words, each once (the table's and the impact comparison's 理由 column)."""
    seen = []
    for reason in r.reasons:
        label = SHORT_REASON.get(reason.code, reason.code)
        if label and label not in seen and reason.code != "above_standard":
            seen.append(label)
    return "、".join(seen)


def tekun_from_results(results) -> list[dict]:
    """The 特困 persons of some results, as the monthly report counts them: 供养方式 and the two parts in fen."""
    return [{"mode": d.mode, "basic_fen": int(d.basic * 100), "care_fen": int(d.care * 100)}
            for r in results for d in r.supported]
