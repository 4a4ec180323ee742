"""Assessing households: the steps of the computation in order, each figure with its reason and basis. The
decision itself is in rules/ (rules/decision.py for the status); the wording in assess/explain.py.

`assess_roster(roster, policy_at)` returns an Assessment: a HouseholdResult per household that can be
decided, and the households left out because their rows have errors (never guessed). With `trace=True` each
result keeps the record of its computation (assess/trace.py) that `dibao explain` is rendered from.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from decimal import Decimal

from dibao_cli.assess import explain
from dibao_cli.assess.explain import cite, money, yuan  # noqa: F401 - money, yuan re-exported
from dibao_cli.assess.plan import plan_assessment, unknown_items  # noqa: F401 - re-exported
from dibao_cli.assess.result import (  # noqa: F401 - re-exported
    Assessment,
    Benefit,
    HouseholdResult,
    Reason,
    SingleCover,
    Step,
)
from dibao_cli.assess.trace import Trace, TracingPolicy
from dibao_cli.model import Household, Member, Roster
from dibao_cli.money import CENT  # noqa: F401 - re-exported
from dibao_cli.policy import PolicyAt
from dibao_cli.rules import basis
from dibao_cli.rules import decision as rules
from dibao_cli.rules import rigid as rigid_rules
from dibao_cli.rules import tekun as tekun_rules
from dibao_cli.rules.benefit import classified, differential, round_benefit, with_minimum
from dibao_cli.rules.income import adjusted_income, employment_deduction, member_income, rigid_deduction
from dibao_cli.rules.members import (
    cannot_work,
    classified_categories,
    co_resident_members,
    covered_members,
    lost_ability,
    single_person_ground,
)
from dibao_cli.rules.property import property_failures
from dibao_cli.status import COVERED, STATE_SINGLE_PERSON
from dibao_cli.status import CURRENT_DIBAO_STATES as CURRENT_DIBAO

ZERO = Decimal(0)


def assess_household(household: Household, policy: PolicyAt, day: _dt.date, trace: bool = False) -> HouseholdResult:
    """Every step of the decision for one household at `day` (recorded step by step when `trace`)."""
    tracer = None
    annual_std, monthly_std_fen, _, std_text, standard_basis = explain.standard(policy, household.area_type)
    if trace:
        tracer = Trace(policy)
        policy = TracingPolicy(policy, tracer)  # every parameter a rule reads is noted in the record
        lookup = None  # income items read through the tracing policy
    else:
        lookup = _income_items(policy)
    members = co_resident_members(household)
    area = household.area_type

    # 1-2. members and counted income; 特困 people decided first (never also 低保)
    incomes = all_incomes = [member_income(m, policy, lookup) for m in members]
    if tracer is not None:
        tracer.record("income")  # the income items read so far; figures filled in below, once 特困 is decided
    decisions = _tekun(household, members, incomes, policy, day, annual_std, monthly_std_fen)
    supported = ()
    if decisions:
        supported = {d.member for d in decisions if d.outcome == "supported"}
        covered = [m for m in members if m not in supported]
        if supported and not policy.tekun_member_in_household:
            members = covered
            incomes = [i for i in incomes if i.member not in supported]
    else:
        covered = covered_members(members)
    if tracer is not None:
        if decisions:
            tracer.record("tekun", decisions, members=members)
        tracer.record("members", (members, covered), household=household, day=day)
    counted = 0
    excluded: dict[str, int] = {}
    for income in incomes:
        counted += income.counted
        if income.excluded:
            for item, fen in income.excluded.items():
                excluded[item] = excluded.get(item, 0) + fen
    if tracer is not None:
        tracer.complete("income", (counted, excluded), incomes=incomes, all_incomes=all_incomes)
    # 3. deductions
    employment = ZERO
    for income in incomes:
        income.employment_deduction = deduction = employment_deduction(income, area, policy)
        employment += deduction
    rigid = rigid_deduction(members, policy)
    adjusted = adjusted_income(counted, employment, rigid)
    # 4. per-capita monthly income
    n = len(members)
    per_capita = adjusted / (1200 * n) if n else ZERO
    if tracer is not None:
        for name in ("employment_deduction_share", "employment_deduction_cap_annual",
                     "employment_deduction_area_types", "rigid_deduction_enabled"):
            policy.entry(name)  # cited by the step
        tracer.record("deductions", (employment, rigid, adjusted), incomes=incomes, counted=counted)
        policy.standard_entry(area)
        tracer.record("per_capita", per_capita, adjusted=adjusted, members=n, area_type=area, annual_standard=annual_std)
    result = HouseholdResult(household, members, covered, "ineligible", incomes, counted, excluded, employment, rigid,
                             adjusted, area, annual_std, per_capita, trace=tracer, tekun=decisions)
    if decisions:
        _tekun_report(result, policy)

    # 5. property test (only when someone is left to cover)
    failures = property_failures(household, n, monthly_std_fen, policy) if covered else []
    if tracer is not None and covered:
        tracer.record("property", failures, household=household, members=n)
    state = household.state
    decided = rules.decide(covered=len(covered), supported=len(supported), property_ok=not failures,
                           adjusted_fen=adjusted, annual_standard_fen=annual_std, members=n, state=state,
                           phase_out_start=household.phase_out_start, day=day,
                           phase_out_months=policy.phase_out_months, marginal_multiplier=policy.marginal_multiplier)
    if tracer is not None:  # the status decision (rules/decision.py) with what it compared
        policy.standard_entry(area)
        tracer.record("status", decided, covered=len(covered), supported=len(supported), property_ok=not failures,
                      adjusted=adjusted, annual_standard=annual_std, members=n, state=state, day=day)
    result.status = decided.status
    branch = decided.branch
    if branch == rules.ALL_TEKUN:
        result.reasons.append(Reason("all_tekun", "共同生活成员都已是特困供养人员，不再纳入低保", basis.TEKUN))
        _flags(result, policy, day)
        return result
    if branch == rules.PROPERTY:
        for code, text in failures:
            result.reasons.append(Reason(code, text, basis.PROPERTY))
        if rules.stop_for_property(state):
            result.flags.append(Reason("stop_current", "现为低保对象，财产不符合规定：应停止保障并书面告知理由", basis.PROPERTY))
        _flags(result, policy, day)
        return result

    comparison = explain.comparison(result, branch == rules.BELOW, std_text)
    if branch == rules.BELOW:
        # 6. 低保 with the differential benefit and 分类施保
        result.reasons.append(Reason("below_standard", comparison, standard_basis))
        if decided.back_from_phase_out:
            result.reasons.append(Reason("phase_out_back", explain.PHASE_OUT_BACK, basis.PHASE_OUT))
        _household_benefit(result, policy, day)
    elif branch in (rules.PHASE_OUT, rules.PHASE_OUT_ENDED):
        # 7. phase-out
        start, end = result.phase_out_start, result.phase_out_end = decided.phase_out_start, decided.phase_out_end
        result.reasons.append(Reason("above_standard", comparison, standard_basis))
        if branch == rules.PHASE_OUT_ENDED:
            result.reasons.append(Reason("phase_out_ended", explain.phase_out_ended_text(start, end), basis.PHASE_OUT))
        else:
            result.reasons.append(Reason("phase_out", explain.phase_out_text(decided.entering_phase_out, start, end,
                                                                             policy.phase_out_months),
                                         explain.phase_out_basis(policy)))
            current = household.current_benefit
            if current is None:
                result.benefit_known = False
                result.flags.append(Reason("benefit_unknown", explain.BENEFIT_UNKNOWN, basis.PHASE_OUT))
            else:
                result.total = Decimal(current) / 100
        if tracer is not None:
            tracer.record("phase_out", result.reasons, start=start, end=end)
    else:
        multiplier = policy.marginal_multiplier
        if branch == rules.MARGINAL:
            # 8. 低保边缘, with 单人户 for severely ill or disabled members
            result.reasons.append(Reason("marginal", explain.marginal_text(comparison, explain.marginal_line(result, multiplier)),
                                         explain.marginal_basis(policy)))
            _single_persons(result, policy, day)
        else:
            # 9. not eligible
            result.reasons.append(Reason("above_marginal",
                                         explain.above_marginal_text(comparison, explain.marginal_line(result, multiplier)),
                                         standard_basis))
            _rigid(result, policy, day)
        if tracer is not None:
            tracer.record("decision", result.reasons)
    _flags(result, policy, day)
    return result


def _household_benefit(result: HouseholdResult, policy: PolicyAt, day: _dt.date) -> None:
    """民发〔2021〕57号第二十三条 and 青海分类施保, then minimum and rounding."""
    n, covered = len(result.members), result.covered
    result.differential = differential(result.annual_standard, result.adjusted, n, len(covered))
    people = [(m, classified_categories(m, day, policy)) for m in covered]
    result.classified_people = [(m, c) for m, c in people if c]
    result.classified = classified(result.annual_standard, policy.classified_share, len(result.classified_people))
    unrounded = result.differential + result.classified
    raised, result.minimum_applied = with_minimum(unrounded, policy.minimum_monthly_benefit)
    result.minimum = policy.minimum_monthly_benefit if result.minimum_applied else None
    result.total = round_benefit(raised, policy.rounding)
    if result.trace is not None:
        policy.entry("rounding")
        result.trace.record("benefit", Benefit(result.differential, result.classified, unrounded, result.minimum,
                                               result.total, result.breakdown),
                            annual_standard=result.annual_standard, adjusted=result.adjusted, members=n,
                            covered=len(covered), classified_people=result.classified_people)


def _rigid(result: HouseholdResult, policy: PolicyAt, day: _dt.date) -> None:
    """青海刚性支出困难家庭 (2025) for a household above the 边缘 line whose property passed, then its 单人保 members."""
    household = result.household
    # a 刚性支出 household with a 单人保 member is recorded as 单人户; above the 边缘 line that cover exists only
    # through the recognition, so its date is the recognition's
    current = household.state in ("刚性支出", "单人户")
    since = household.enrolled_on if current else None
    decision = rigid_rules.recognise(result.members, result.counted, result.area_type, policy, day, since)
    if decision is not None and decision.recognised and decision.valid_until < day:
        decision = rigid_rules.recognise(result.members, result.counted, result.area_type, policy, day)
        result.flags.append(Reason("rigid_renewed", f"认定有效期已满，复核仍符合条件：重新认定，有效期 "
                                   f"{decision.valid_from.isoformat()} 至 {decision.valid_until.isoformat()}", rigid_rules.BASIS))
    if decision is None:
        if current:
            result.flags.append(Reason("rigid_unknown", "现为刚性支出困难家庭，但名册没有刚性支出或政策未设上年人均可支配收入：无法复核",
                                       rigid_rules.BASIS))
        return
    result.rigid = decision
    citation = (f"{rigid_rules.BASIS}；{cite(policy, policy.entry('rigid_hardship_share'))}；"
            f"{cite(policy, policy.entry('urban_disposable_income_annual' if result.area_type == '城市' else 'rural_disposable_income_annual'))}")
    if not decision.recognised:
        result.reasons.append(Reason("rigid_not_met", f"不符合刚性支出困难家庭条件：{decision.text}", citation))
        if current:
            result.flags.append(Reason("rigid_ended", "现为刚性支出困难家庭，复核已不符合条件：应书面告知并退出", citation))
        return
    result.status = "rigid"
    result.reasons.append(Reason("rigid", f"刚性支出困难家庭：{decision.text}；认定有效期 {decision.valid_from.isoformat()} 至 "
                                 f"{decision.valid_until.isoformat()}", citation))
    if not current:
        result.flags.append(Reason("rigid_new", "符合刚性支出困难家庭条件：应出具认定通知，纳入低收入人口动态监测", citation))
    _single_persons(result, policy, day, rigid=True)


def _single_persons(result: HouseholdResult, policy: PolicyAt, day: _dt.date, rigid: bool = False) -> None:
    """Each severely ill or disabled member of a marginal household, as a household of one on own income; in a
    刚性支出困难家庭 also university students where the policy lets them in."""
    supported = {d.member for d in result.supported}
    incomes = [i for i in result.incomes if not (i.member in supported or (i.member.tekun and not result.tekun))]
    result.singles, reasons = single_covers(incomes, result.annual_standard, policy, day, rigid)
    result.reasons.extend(reasons)
    if result.singles:
        result.status = "single_person"
        result.covered = [s.member for s in result.singles]
        result.differential = sum((s.differential for s in result.singles), ZERO)
        result.classified = sum((s.classified for s in result.singles), ZERO)
        result.total = sum((s.total for s in result.singles), ZERO)
        result.classified_people = [(s.member, s.categories) for s in result.singles if s.categories]


def single_covers(incomes, annual_standard: Decimal, policy: PolicyAt, day: _dt.date, rigid: bool = False
                  ) -> tuple[list[SingleCover], list[Reason]]:
    """民发〔2021〕57号单人户 for the members of `incomes` (MemberIncome, their employment deductions set) who may be
    covered alone: each one's cover, and the reasons in order (own income too high, then each cover)."""
    single_basis = f"{basis.SINGLE_PERSON}；{rigid_rules.SINGLE}" if rigid else basis.SINGLE_PERSON
    students = rigid and policy.rigid_single_person_students
    singles: list[SingleCover] = []
    reasons: list[Reason] = []
    for income in incomes:
        member = income.member
        ground = single_person_ground(member, policy)
        if ground is None and students:
            ground = rigid_rules.student_ground(member)
        if ground is None:
            continue
        own = income.adjusted
        if not rules.single_person_income_below(own, annual_standard):
            reasons.append(Reason("single_person_income", f"{member.name}（{ground}）本人收入不低于标准，不按单人户纳入",
                                  single_basis))
            continue
        categories = classified_categories(member, day, policy)
        diff = differential(annual_standard, own, 1, 1)
        extra = classified(annual_standard, policy.classified_share, 1 if categories else 0)
        raised, raised_to_minimum = with_minimum(diff + extra, policy.minimum_monthly_benefit)
        total = round_benefit(raised, policy.rounding)
        singles.append(SingleCover(member, ground, own, diff, extra, total, categories,
                                   policy.minimum_monthly_benefit if raised_to_minimum else None))
    reasons.extend(explain.single_person_reason(single, single_basis) for single in singles)
    return singles, reasons


def _flags(result: HouseholdResult, policy: PolicyAt, day: _dt.date) -> None:
    """Flags beside the status: 脱贫户 members left out, 特困 candidates, 特困 members, amount changes."""
    household = result.household
    if household.lifted_out:
        covered = set(result.covered) if result.status in COVERED else set()
        supported = {d.member for d in result.supported}
        for member in result.members:
            if lost_ability(member) and member not in covered and not member.tekun and member not in supported:
                result.flags.append(Reason("lifted_out_not_covered", explain.lifted_out_text(member), basis.LIFTED_OUT))
    members = result.members
    # the cheap comparison first: both tests only read
    if members and rules.below_standard(result.adjusted, result.annual_standard, len(members)) and \
            all(cannot_work(m, day, policy) for m in members):
        decided = {d.member for d in result.tekun}
        for member in members:
            if not member.tekun and member not in decided:
                result.flags.append(Reason("tekun_candidate", explain.tekun_candidate_text(member.name), basis.TEKUN))
    for member in members:
        if member.tekun and not any(d.member is member and d.outcome == "ended" for d in result.tekun):
            result.flags.append(Reason("tekun_member", f"{member.name} 已是特困供养人员，不纳入低保保障人数，收入和人口仍按共同生活计算",
                                       basis.TEKUN))
    old = rules.amount_changed(household.state, result.status, household.current_benefit, result.total)
    if old is not None:
        result.flags.append(Reason("amount_changed", explain.amount_changed_text(old, result.total), basis.BENEFIT))


class _IncomeItems(dict):
    """policy.income_item as a table, filled as items are met (one per resolved policy, kept in its memo): the
    same answers without a call per item of every member."""

    __slots__ = ("policy",)

    def __init__(self, policy: PolicyAt):
        super().__init__()
        self.policy = policy

    def __missing__(self, item: str):
        found = self[item] = self.policy.income_item(item)
        return found


def _income_items(policy: PolicyAt):
    table = policy.memo.get(_IncomeItems)
    if table is None:
        table = policy.memo[_IncomeItems] = _IncomeItems(policy)
    return table.__getitem__


def _tekun(household: Household, members: list[Member], incomes, policy: PolicyAt, day: _dt.date,
           annual_std: Decimal, monthly_std_fen: Decimal) -> list:
    """《特困人员认定办法》: the people the roster asks about (already 特困, or supporters filled in)."""
    if not any(m.tekun or m.supporter is not None for m in members):
        return []
    return tekun_rules.decide(members, incomes, lambda: property_failures(household, len(members), monthly_std_fen, policy),
                              policy, day, annual_std, lambda entry: cite(policy, entry))


def _tekun_report(result: HouseholdResult, policy: PolicyAt) -> None:
    """特困 decisions as reasons and flags (转类, 终止, floor check)."""
    state = result.household.state
    for d in result.tekun:
        name = d.member.name
        if d.outcome == "supported":
            result.reasons.append(Reason("tekun", explain.tekun_supported_text(d),
                                         f"{explain.TEKUN_BASIS}；标准出处：{cite(policy, policy.entry('tekun_basic_monthly'))}"
                                         + (f"；{cite(policy, policy.entry(tekun_rules.CARE_PARAM[d.care_level]))}"
                                            if d.care_known else "")))
            if not d.care_known:
                result.flags.append(Reason("tekun_care_unknown", f"{name}：名册未填“自理能力”，照料护理标准待生活自理能力评估后确定",
                                           tekun_rules.SUPPORT))
            if not d.existing and state in CURRENT_DIBAO + (STATE_SINGLE_PERSON,):
                result.flags.append(Reason("transfer_to_tekun", f"{name} 现为低保对象，符合特困供养条件：由低保转为特困供养（转类），"
                                           "不再重复享受低保", tekun_rules.NOT_BOTH))
            elif not d.existing:
                result.flags.append(Reason("tekun_new", f"{name} 符合特困供养条件：应出具特困供养审批通知", tekun_rules.ARTICLE_8))
        else:
            for code, text, why in d.reasons:
                result.reasons.append(Reason(code, text, why))
            if d.outcome == "ended":
                result.flags.append(Reason("tekun_ended", f"{d.member.name} 不再符合特困供养条件：应终止特困供养并书面告知理由；"
                                           "符合低保条件的转入低保（转类）", tekun_rules.ARTICLE_7))
    if result.supported:
        floor = tekun_rules.floor_shortfall(policy, result.monthly_standard)
        if floor is not None:
            result.flags.append(Reason("tekun_below_floor", f"特困人员基本生活标准 {money(policy.tekun_basic_monthly)} 元低于低保标准的 "
                                       f"{policy.tekun_basic_floor_multiplier} 倍（{money(floor)} 元）：请核对本县标准",
                                       cite(policy, policy.entry("tekun_basic_floor_multiplier"))))


PROGRESS_STEP = 1000


def iter_results(assessment: Assessment, trace: bool = False):
    """Assess the pending households one at a time (nothing is kept)."""
    policy, day, progress = assessment.policy, assessment.day, assessment.progress
    if progress is None:
        for household in assessment.pending:
            yield assess_household(household, policy, day, trace)
        return
    for count, household in enumerate(assessment.pending, start=1):
        yield assess_household(household, policy, day, trace)
        if count % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
    progress(len(assessment.pending) % PROGRESS_STEP)


def assess_roster(roster: Roster, policy: PolicyAt, day: _dt.date, trace: bool = False,
                  only: set[str] | None = None, progress: Callable[[int], None] | None = None) -> Assessment:
    """Assess every household that can be decided; list the others with their problems. `progress(n)` is told
    as households are assessed (for a progress bar)."""
    assessment = plan_assessment(roster, policy, day, only)
    assessment.progress = progress
    if progress is not None:
        progress(len(assessment.left_out))  # left out: done with, as far as progress goes
    assessment.results = list(iter_results(assessment, trace))
    return assessment
