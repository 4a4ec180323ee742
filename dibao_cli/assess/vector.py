"""The columnar engine: the rules of rules/ applied to a block of households held as columns (assess/columns.py),
as OpenFisca's formulas are applied over entities. It decides the households `columns.simple_household` lets
through when they come out 低保 (below the standard, not in a phase-out), 低保边缘 with no member who could be
covered alone (单人户), or 不符合 above the 边缘 line; every other household is left to `assess_household`
(None in the block's results), which also keeps explain, notices, impact and import.

Each figure is the rule's own arithmetic on exact Decimals and integer fen, so a household decided here has
exactly the figures, texts and bytes it has when assessed one at a time (tests/test_engine*.py).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from dibao_cli.assess import explain
from dibao_cli.assess.columns import frame
from dibao_cli.model import Household
from dibao_cli.money import Breakdown, breakdown
from dibao_cli.policy import PolicyAt
from dibao_cli.rules import basis
from dibao_cli.rules import decision as rules
from dibao_cli.rules.benefit import classified, differential, round_benefit, with_minimum
from dibao_cli.rules.income import adjusted_income, rigid_deduction
from dibao_cli.rules.property import property_failures
from dibao_cli.rules.members import cannot_work, classified_categories, single_person_ground
from dibao_cli.status import DIBAO

ZERO = Decimal(0)


class Decided:
    """One household decided by the columnar engine: what its JSON and the summary show."""

    __slots__ = ("household", "members", "status", "counted", "excluded", "employment", "rigid", "adjusted",
                 "annual_standard", "per_capita", "breakdown", "total", "reasons", "flags", "phase_out")

    def __init__(self, household, members, status, counted, excluded, employment, rigid, adjusted, annual_standard,
                 per_capita, breakdown_: Breakdown | None, total, reasons, flags, phase_out=None):
        self.household = household
        self.members = members
        self.status = status
        self.counted = counted
        self.excluded = excluded
        self.employment = employment
        self.rigid = rigid
        self.adjusted = adjusted
        self.annual_standard = annual_standard
        self.per_capita = per_capita
        self.breakdown = breakdown_
        self.total = total
        self.reasons = reasons  # (code, text, basis)
        self.flags = flags
        self.phase_out = phase_out  # (start, end) in a phase-out

    @property
    def benefit_known(self) -> bool:
        """False for a phase-out without the roster's current amount (paid on, but not known here)."""
        return self.total is not None


def assess_block(households: list[Household], policy: PolicyAt, day: _dt.date, lookup) -> list[Decided | None]:
    """The households of a block decided on columns, in order; None where the per-household path decides."""
    cols = frame(households, policy, lookup)
    rigid = rigid_deduction((), policy)  # no listed expenses in a simple household: the rule's own 0
    months, multiplier = policy.phase_out_months, policy.marginal_multiplier
    share, minimum, unit = policy.classified_share, policy.minimum_monthly_benefit, policy.rounding
    lines = {}  # the 边缘 line's text per area type
    out: list[Decided | None] = []
    for household, members, simple, counted, employment, excluded in zip(
            households, cols.members, cols.simple, cols.counted, cols.employment, cols.excluded):
        if not simple:
            out.append(None)
            continue
        area = household.area_type
        annual_std, monthly_std_fen, _, std_text, standard_basis = explain.standard(policy, area)
        n = len(members)
        if (household.deposits is not None or household.vehicles is not None or household.homes is not None
                or household.business is not None) and property_failures(household, n, monthly_std_fen, policy):
            out.append(None)  # property not passed: decided one at a time (with the failures' reasons)
            continue
        adjusted = adjusted_income(counted, employment, rigid)
        per_capita = adjusted / (1200 * n)
        decided = rules.decide(covered=n, supported=0, property_ok=True, adjusted_fen=adjusted,
                               annual_standard_fen=annual_std, members=n, state=household.state,
                               phase_out_start=household.phase_out_start, day=day, phase_out_months=months,
                               marginal_multiplier=multiplier)
        branch = decided.branch
        flags = []
        phase_out = None
        if branch == rules.BELOW and not decided.back_from_phase_out:
            persons = sum(1 for m in members if classified_categories(m, day, policy))
            diff = differential(annual_std, adjusted, n, n)
            extra = classified(annual_std, share, persons)
            raised, applied = with_minimum(diff + extra, minimum)
            total = round_benefit(raised, unit)
            parts = breakdown(diff, extra, total, minimum if applied else None)
            reasons = [("below_standard", explain.comparison_text(per_capita, True, std_text), standard_basis)]
            if all(cannot_work(m, day, policy) for m in members):
                flags = [("tekun_candidate", explain.tekun_candidate_text(m.name), basis.TEKUN) for m in members]
            old = rules.amount_changed(household.state, DIBAO, household.current_benefit, total)
            if old is not None:
                flags.append(("amount_changed", explain.amount_changed_text(old, total), basis.BENEFIT))
        elif branch == rules.PHASE_OUT:  # entering it: a running phase-out is decided one at a time
            start, end = decided.phase_out_start, decided.phase_out_end
            phase_out = (start, end)
            reasons = [("above_standard", explain.comparison_text(per_capita, False, std_text), standard_basis),
                       ("phase_out", explain.phase_out_text(decided.entering_phase_out, start, end, months),
                        explain.phase_out_basis(policy))]
            current = household.current_benefit
            if current is None:
                total = None
                flags = [("benefit_unknown", explain.BENEFIT_UNKNOWN, basis.PHASE_OUT)]
            else:
                total = Decimal(current) / 100
            parts = None
        elif branch == rules.MARGINAL:
            if any(single_person_ground(m, policy) is not None for m in members):
                out.append(None)  # 单人户 candidates: decided one at a time
                continue
            line = lines.get(area) or lines.setdefault(area, explain.marginal_line_text(annual_std / 1200, multiplier))
            reasons = [("marginal", explain.marginal_text(explain.comparison_text(per_capita, False, std_text), line),
                        explain.marginal_basis(policy))]
            total, parts = ZERO, None
        elif branch == rules.ABOVE_MARGINAL:
            line = lines.get(area) or lines.setdefault(area, explain.marginal_line_text(annual_std / 1200, multiplier))
            reasons = [("above_marginal",
                        explain.above_marginal_text(explain.comparison_text(per_capita, False, std_text), line),
                        standard_basis)]
            total, parts = ZERO, None
        else:
            out.append(None)
            continue
        out.append(Decided(household, members, decided.status, counted, excluded, employment, rigid, adjusted,
                           annual_std, per_capita, parts, total, reasons, flags, phase_out))
    return out
