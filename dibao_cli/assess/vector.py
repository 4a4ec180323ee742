"""The columnar engine: the rules of rules/ applied to a block of households held as columns (assess/columns.py),
as OpenFisca's formulas are applied over entities. It decides the households `columns.simple_household` lets
through (property passed) when they come out 低保 (below the standard; with 分类施保, the minimum, 特困 candidates
and changed amounts), entering a phase-out (a 低保 household now above the standard), a running phase-out (kept
in it, 停保 when its period is over, or back to 低保 below the standard: `rules.decide` itself, per household),
低保边缘 (with its members covered alone, 单人户, through the per-household path's own `single_covers`), or 不符合
above the 边缘 line (脱贫户 members flagged in both and in 停保); every other
household is left to `assess_household` (None in the block's results), which also keeps explain, notices,
impact and import.

Each figure is the rule's own arithmetic on exact Decimals and integer fen, so a household decided here has
exactly the figures, texts and bytes it has when assessed one at a time (tests/test_engine*.py).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from dibao_cli.assess import explain
from dibao_cli.assess.columns import Memo, frame, household_employment
from dibao_cli.assess.household import single_covers
from dibao_cli.model import Household
from dibao_cli.money import Breakdown, breakdown
from dibao_cli.policy import PolicyAt
from dibao_cli.rules import basis
from dibao_cli.rules import decision as rules
from dibao_cli.rules.benefit import classified, differential, round_benefit, with_minimum
from dibao_cli.rules.income import adjusted_income, employment_deduction, member_income, rigid_deduction
from dibao_cli.rules.property import property_failures
from dibao_cli.rules.members import cannot_work, classified_categories, lost_ability, single_person_ground
from dibao_cli.status import DIBAO, EXIT, INELIGIBLE, MARGINAL, PHASE_OUT, SINGLE_PERSON, STATE_DIBAO

ZERO = Decimal(0)


class Decided:
    """One household decided by the columnar engine: what its JSON and the summary show."""

    __slots__ = ("household", "members", "status", "counted", "excluded", "employment", "rigid", "adjusted",
                 "annual_standard", "per_capita", "breakdown", "total", "reasons", "flags", "phase_out", "singles")

    def __init__(self, household, members, status, counted, excluded, employment, rigid, adjusted, annual_standard,
                 per_capita, breakdown_: Breakdown | None, total, reasons, flags, phase_out=None, singles=()):
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
        self.singles = singles  # SingleCover of each member covered alone (单人户)

    @property
    def benefit_known(self) -> bool:
        """False for a phase-out without the roster's current amount (paid on, but not known here)."""
        return self.total is not None


def assess_block(households: list[Household], policy: PolicyAt, day: _dt.date, lookup) -> list[Decided | None]:
    """The households of a block decided on columns, in order; None where the per-household path decides."""
    cols = frame(households, policy, lookup)
    out: list[Decided | None] = [None] * len(households)
    rigid = rigid_deduction((), policy)  # no listed expenses in a simple household: the rule's own 0
    figures = _figures(policy, rigid)
    benefits = _benefits(policy, rigid)
    multiplier, months = policy.marginal_multiplier, policy.phase_out_months
    # a phase-out starting today: the same dates for every household entering one
    start, end, entering = rules.phase_out_period(None, None, day, months)
    # a policy without a phase-out: entering one is decided one at a time
    no_entering = rules.phase_out_over(day, end)
    lines: dict = {}  # the 边缘 line's text per area type
    said = _reasons_memo(policy)  # (branch, per-capita income, area type) -> the household's first reason
    phase_out_reason = None  # the same for every household entering a phase-out today
    periods: dict = {}  # a running phase-out's (entering, start, end) -> its reason
    members_col, counted_col, wages_col, excluded_col = cols.members, cols.counted, cols.wages, cols.excluded
    for row, simple in enumerate(cols.simple):
        if not simple:
            continue
        household = households[row]
        people = members_col[row]
        n = len(people)
        area = household.area_type
        state = household.state
        count = counted_col[row]
        wages = wages_col[row]
        (deduction, adjusted_fen, per_capita, branch, annual_std, monthly_std_fen, std_text,
         standard_basis) = figures[(area, n, count, wages, rules.currently_dibao(state))]
        # a running phase-out (its own dates, from the roster): `rules.decide` for this household below
        running = rules.in_phase_out(state, household.phase_out_start)
        if branch == rules.PHASE_OUT and no_entering and not running:
            continue
        if (household.deposits is not None or household.vehicles is not None or household.homes is not None
                or household.business is not None) and property_failures(household, n, monthly_std_fen, policy):
            continue  # property not passed: decided one at a time (with the failures' reasons)
        decided = None
        if running:  # the decision tree itself, as `assess_household` calls it for this household
            decided = rules.decide(covered=n, supported=0, property_ok=True, adjusted_fen=adjusted_fen,
                                   annual_standard_fen=annual_std, members=n, state=state,
                                   phase_out_start=household.phase_out_start, day=day, phase_out_months=months,
                                   marginal_multiplier=multiplier)
            branch = decided.branch
            if branch not in RUNNING_BRANCHES:
                continue  # not met here: decided one at a time
        key = (branch, per_capita, area)
        reason = said.get(key)
        if reason is None:
            if len(said) >= MEMO_LIMIT:
                said.clear()
            if branch == rules.BELOW:
                reason = ("below_standard", explain.comparison_text(per_capita, True, std_text), standard_basis)
            elif branch in RUNNING_BRANCHES:  # a phase-out, entering, running or ended
                reason = ("above_standard", explain.comparison_text(per_capita, False, std_text), standard_basis)
            else:
                line = lines.get(area) or lines.setdefault(
                    area, explain.marginal_line_text(annual_std / 1200, multiplier))
                comparison = explain.comparison_text(per_capita, False, std_text)
                if branch == rules.MARGINAL:
                    reason = ("marginal", explain.marginal_text(comparison, line), explain.marginal_basis(policy))
                else:
                    reason = ("above_marginal", explain.above_marginal_text(comparison, line), standard_basis)
            said[key] = reason
        reasons = [reason]
        flags = []
        phase_out = None
        singles = ()
        if branch == rules.BELOW:
            persons = 0
            for m in people:
                if classified_categories(m, day, policy):
                    persons += 1
            total, parts = benefits[(area, n, count, wages, persons)]
            for m in people:
                if not cannot_work(m, day, policy):
                    break
            else:
                flags = [("tekun_candidate", explain.tekun_candidate_text(m.name), basis.TEKUN) for m in people]
            old = rules.amount_changed(state, DIBAO, household.current_benefit, total)
            if old is not None:
                flags.append(("amount_changed", explain.amount_changed_text(old, total), basis.BENEFIT))
            if decided is not None and decided.back_from_phase_out:
                reasons.append(PHASE_OUT_BACK)
            status = DIBAO
        elif branch == rules.PHASE_OUT_ENDED:  # a running phase-out whose period is over: 停保
            phase_out = (decided.phase_out_start, decided.phase_out_end)
            reasons.append(_ended_reason(*phase_out))
            total, parts = ZERO, None
            if household.lifted_out:  # 脱贫户 members who lost the ability to work: no one is covered now
                flags = [("lifted_out_not_covered", explain.lifted_out_text(m), basis.LIFTED_OUT)
                         for m in people if lost_ability(m)]
            status = EXIT
        elif branch == rules.PHASE_OUT:  # entering it, or running
            if decided is None:
                phase_out = (start, end)
                if phase_out_reason is None:
                    phase_out_reason = ("phase_out", explain.phase_out_text(entering, start, end, months),
                                        explain.phase_out_basis(policy))
                reasons.append(phase_out_reason)
            else:
                phase_out = (decided.phase_out_start, decided.phase_out_end)
                key = (decided.entering_phase_out, *phase_out)
                found = periods.get(key)
                if found is None:
                    found = periods[key] = ("phase_out", explain.phase_out_text(*key, months),
                                            explain.phase_out_basis(policy))
                reasons.append(found)
            current = household.current_benefit
            if current is None:
                total = None
                flags = [("benefit_unknown", explain.BENEFIT_UNKNOWN, basis.PHASE_OUT)]
            else:
                total = Decimal(current) / 100
            parts = None
            status = PHASE_OUT
        else:
            total, parts = ZERO, None
            if branch == rules.MARGINAL:
                status = MARGINAL
                if any(single_person_ground(m, policy) is not None for m in people):  # 单人户 candidates
                    singles, more = _single_covers(people, area, annual_std, policy, day, lookup)
                    reasons.extend((r.code, r.text, r.basis) for r in more)
                    if singles:
                        status, total = SINGLE_PERSON, sum((c.total for c in singles), ZERO)
                        parts = Breakdown(*(sum(values) for values in zip(*(c.breakdown[:5] for c in singles))))
            else:
                status = INELIGIBLE
            if household.lifted_out:  # 脱贫户 members who lost the ability to work, covered by nothing
                covered = {id(c.member) for c in singles} if status == SINGLE_PERSON else ()
                flags = [("lifted_out_not_covered", explain.lifted_out_text(m), basis.LIFTED_OUT)
                         for m in people if lost_ability(m) and id(m) not in covered]
        out[row] = Decided(household, people, status, count, excluded_col[row], deduction, rigid, adjusted_fen,
                           annual_std, per_capita, parts, total, reasons, flags, phase_out, singles)
    return out


def _figures(policy: PolicyAt, rigid: Decimal) -> Memo:
    """A simple household's figures by (area type, co-resident members, counted fen, wage earners' wages, whether
    the roster records it as 低保 now (`rules.currently_dibao`, all `rules.branches` reads of its state)):
    (employment deduction, adjusted income, per-capita monthly income, branch, and the area's standard as
    `explain.standard` gives it: annual fen, monthly fen, text, basis), by the rules once per distinct
    input: the employment deduction summed over the wage earners (assess/columns.py), `adjusted_income`, and
    `rules.branches` (the branch of a household not in a running phase-out). `rigid` is the policy's own.
    tests/test_engine_memo_rules.py compares it with the rules for any state."""
    employment_of = household_employment(policy)
    multiplier = policy.marginal_multiplier

    def make(policy):
        def figures(key):
            area, n, counted, wages, dibao_now = key
            employment = ZERO if wages is None else employment_of[(area, wages)]
            adjusted = adjusted_income(counted, employment, rigid)
            annual, monthly, _, text, why = explain.standard(policy, area)
            state = STATE_DIBAO if dibao_now else None
            branch = rules.branches([adjusted], [annual], [n], [state], multiplier)[0]
            return employment, adjusted, adjusted / (1200 * n), branch, annual, monthly, text, why

        return figures

    return Memo.of(policy, "figures", make)


def _benefits(policy: PolicyAt, rigid: Decimal) -> Memo:
    """A 低保 household's (total, breakdown) by (area type, co-resident members, counted fen, wage earners' wages,
    persons counted for 分类施保): 差额 (`differential`, every member covered), 分类施保 (`classified`), the
    minimum (`with_minimum`) and the one rounding (`round_benefit`), once per distinct input."""
    employment_of = household_employment(policy)
    share, minimum, unit = policy.classified_share, policy.minimum_monthly_benefit, policy.rounding

    def make(policy):
        def benefit(key):
            area, n, counted, wages, persons = key
            employment = ZERO if wages is None else employment_of[(area, wages)]
            adjusted = adjusted_income(counted, employment, rigid)
            annual = explain.standard(policy, area)[0]
            diff = differential(annual, adjusted, n, n)
            extra = classified(annual, share, persons)
            raised, applied = with_minimum(diff + extra, minimum)
            total = round_benefit(raised, unit)
            return total, breakdown(diff, extra, total, minimum if applied else None)

        return benefit

    return Memo.of(policy, "benefits", make)


RUNNING_BRANCHES = (rules.BELOW, rules.PHASE_OUT, rules.PHASE_OUT_ENDED)  # a running phase-out's, decided here
# the reasons `assess_household` gives a household back below the standard, and one whose phase-out is over
PHASE_OUT_BACK = ("phase_out_back", explain.PHASE_OUT_BACK, basis.PHASE_OUT)


def _ended_reason(start: _dt.date, end: _dt.date) -> tuple:
    return ("phase_out_ended", explain.phase_out_ended_text(start, end), basis.PHASE_OUT)


MEMO_LIMIT = 1 << 16  # reasons remembered per resolved policy (emptied past it: memory stays flat)


def _reasons_memo(policy: PolicyAt) -> dict:
    """The first reason of a decided household by (branch, per-capita income, area type): its text depends on
    nothing else under one resolved policy, and a roster has far fewer distinct incomes than households."""
    found = policy.memo.get(_reasons_memo)
    if found is None:
        found = policy.memo[_reasons_memo] = {}
    return found


def _single_covers(people, area: str, annual_std, policy, day: _dt.date, lookup):
    """民发〔2021〕57号单人户 in a 低保边缘 household: each member's own income by the scalar rules (only in these
    households), then `single_covers` as the per-household path calls it."""
    incomes = [member_income(m, policy, lookup) for m in people]
    for income in incomes:
        income.employment_deduction = employment_deduction(income, area, policy)
    return single_covers(incomes, annual_std, policy, day)
