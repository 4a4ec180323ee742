"""Assessing households: the steps of the computation in order, each figure with its reason and basis.

`assess_roster(roster, policy_at)` returns an Assessment: a HouseholdResult per household that can be
decided, and the households left out because their rows have errors (never guessed).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from dibao_cli.model import Household, Member, Roster
from dibao_cli.money import CENT, Breakdown, breakdown, exact, fen_yuan, unit_name  # noqa: F401 - CENT re-exported
from dibao_cli.money import yuan as yuan_text
from dibao_cli.policy import PolicyAt
from dibao_cli.problems import ERROR, WARNING, Problem
from dibao_cli.rules import basis
from dibao_cli.rules import rigid as rigid_rules
from dibao_cli.rules import tekun as tekun_rules
from dibao_cli.rules.benefit import (
    classified,
    differential,
    round_benefit,
    with_minimum,
)
from dibao_cli.rules.income import (
    MemberIncome,
    adjusted_income,
    employment_deduction,
    member_income,
    rigid_deduction,
)
from dibao_cli.rules.members import (
    cannot_work,
    classified_categories,
    co_resident_members,
    covered_members,
    lost_ability,
    single_person_ground,
)
from dibao_cli.rules.phase_out import phase_out_end
from dibao_cli.rules.property import property_failures
from dibao_cli.status import COVERED, STATE_SINGLE_PERSON
from dibao_cli.status import CURRENT_DIBAO_STATES as CURRENT_DIBAO

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
    """One step of `dibao explain`: a title, lines of arithmetic, and the basis."""

    title: str
    lines: list[str]
    basis: str


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
    steps: list[Step] | None = None
    minimum_applied: bool = False
    benefit_known: bool = True
    minimum: Decimal | None = None  # the policy's minimum, when it raised the household's benefit
    tekun: list = field(default_factory=list)  # tekun_rules.TekunDecision, one per person assessed for 特困
    rigid: rigid_rules.RigidDecision | None = None  # 刚性支出困难家庭, checked for households above the 边缘 line

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
        if self.status == "dibao":
            return breakdown(self.differential, self.classified, self.total, self.minimum)
        if self.status == "single_person" and self.singles:
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


def yuan(fen) -> str:
    """A fen amount shown in yuan (dibao_cli.money: half up to the fen; the figures stay exact)."""
    return fen_yuan(fen)


def money(value: Decimal) -> str:
    """A yuan amount shown with two decimals (dibao_cli.money: half up, the benefit's rounding rule)."""
    return yuan_text(value)


def _cite(policy: PolicyAt, entry) -> str:
    """The citation of a policy entry (source, region, date in force), built once per entry and kept on the
    resolved policy itself, so it lives and dies with the policy the entry belongs to."""
    key = ("cite", id(entry))  # the policy holds the entry, so its id cannot be reused while this memo lives
    text = policy.memo.get(key)
    if text is None:
        from dibao_cli.policy.loader import region_name

        since = entry.since
        text = policy.memo[key] = (f"{entry.source}（{region_name(entry.region)}，{since.year}年{since.month}月{since.day}日起执行"
                                   + ("；默认值，须县里确认" if not entry.confirmed else "") + "）")
    return text


def _standard(policy: PolicyAt, area: str) -> tuple:
    """The standard for an area type with its texts, built once per policy and area (a hot path at 1M rows)."""
    key = ("standard", area)
    found = policy.memo.get(key)
    if found is None:
        annual = policy.annual_standard_fen(area)
        entry = policy.standard_entry(area)
        text = f"{'城市' if area == '城市' else '农村'}低保标准 {money(annual / 1200)} 元/人·月"
        found = policy.memo[key] = (annual, annual / 12, entry, text,
                                    f"{basis.STANDARD}；标准出处：{_cite(policy, entry)}")
    return found


def assess_household(household: Household, policy: PolicyAt, day: _dt.date, trace: bool = False) -> HouseholdResult:
    """Every step of the decision for one household at `day`."""
    steps: list[Step] | None = [] if trace else None
    members = co_resident_members(household)
    area = household.area_type
    annual_std, monthly_std_fen, std_entry, std_text, standard_basis = _standard(policy, area)

    # 1-2. members and counted income; 特困 people decided first (never also 低保)
    incomes = [member_income(m, policy) for m in members]
    decisions = _tekun(household, members, incomes, policy, day, annual_std, monthly_std_fen)
    if decisions:
        supported = {id(d.member) for d in decisions if d.outcome == "supported"}
        covered = [m for m in members if id(m) not in supported]
        if supported and not policy.tekun_member_in_household:
            members = covered
            incomes = [i for i in incomes if id(i.member) not in supported]
    else:
        covered = covered_members(members)
    counted = sum(i.counted for i in incomes)
    excluded: dict[str, int] = {}
    for income in incomes:
        for item, fen in income.excluded.items():
            excluded[item] = excluded.get(item, 0) + fen
    # 3. deductions
    for income in incomes:
        income.employment_deduction = employment_deduction(income, area, policy)
    employment = sum((i.employment_deduction for i in incomes), ZERO)
    rigid = rigid_deduction(members, policy)
    adjusted = adjusted_income(counted, employment, rigid)
    # 4. per-capita monthly income
    n = len(members)
    per_capita = adjusted / (1200 * n) if n else ZERO
    result = HouseholdResult(household, members, covered, "ineligible", incomes, counted, excluded, employment, rigid,
                             adjusted, area, annual_std, per_capita, steps=steps, tekun=decisions)
    if steps is not None:
        _trace_income(result, policy, day)
    if decisions:
        _tekun_report(result, policy)

    if not covered:
        if result.supported:
            result.status = "tekun"
        result.reasons.append(Reason("all_tekun", "共同生活成员都已是特困供养人员，不再纳入低保", basis.TEKUN))
        _flags(result, policy, day)
        return result

    # 5. property test
    failures = property_failures(household, n, monthly_std_fen, policy)
    if failures:
        for code, text in failures:
            result.reasons.append(Reason(code, text, basis.PROPERTY))
        if household.get("state") in CURRENT_DIBAO:
            result.flags.append(Reason("stop_current", "现为低保对象，财产不符合规定：应停止保障并书面告知理由", basis.PROPERTY))
        _step(result, "财产核查", [t for _, t in failures] + ["结论：财产不符合规定 → 不符合"], basis.PROPERTY)
        _flags(result, policy, day)
        return result
    _step(result, "财产核查", ["存款、车辆、房产、工商登记均未超过政策上限"], basis.PROPERTY)

    below = adjusted < annual_std * n
    comparison = f"家庭月人均收入 {money(per_capita)} 元{'低于' if below else '不低于'}{std_text}"
    state = household.get("state")
    start = household.get("phase_out_start")
    in_phase_out = state == "渐退期" or (state == "低保" and start is not None)

    if below:
        # 6. 低保 with the differential benefit and 分类施保
        result.status = "dibao"
        result.reasons.append(Reason("below_standard", comparison, standard_basis))
        if in_phase_out:
            result.reasons.append(Reason("phase_out_back", "渐退期内收入又低于标准：恢复正常保障", basis.PHASE_OUT))
        _household_benefit(result, policy, day)
    elif state in CURRENT_DIBAO:
        # 7. phase-out
        months = policy.phase_out_months
        if not in_phase_out or start is None:
            start = day
        end = phase_out_end(start, months)
        result.phase_out_start, result.phase_out_end = start, end
        if day > end:
            result.status = "exit"
            result.reasons.append(Reason("above_standard", comparison, standard_basis))
            result.reasons.append(Reason("phase_out_ended", f"渐退期 {start.isoformat()} 至 {end.isoformat()} 已满，"
                                         "收入仍不低于标准：停止保障（停保），书面告知", basis.PHASE_OUT))
        else:
            result.status = "phase_out"
            result.reasons.append(Reason("above_standard", comparison, standard_basis))
            started = "本次进入渐退期" if start == day and not in_phase_out else "仍在渐退期内"
            result.reasons.append(Reason("phase_out", f"{started}：{start.isoformat()} 至 {end.isoformat()}（{months} 个月），"
                                         "期间按原金额发放", f"{basis.PHASE_OUT}；{_cite(policy, policy.entry('phase_out_months'))}"))
            current = household.get("current_benefit")
            if current is None:
                result.benefit_known = False
                result.flags.append(Reason("benefit_unknown", "渐退期按原金额发放，但名册没有“当前月保障金”：请补填",
                                           basis.PHASE_OUT))
            else:
                result.total = Decimal(current) / 100
                result.covered = covered
        _step(result, "渐退期", [r.text for r in result.reasons[-1:]], basis.PHASE_OUT)
    else:
        multiplier = policy.marginal_multiplier
        if adjusted < annual_std * n * multiplier:
            # 8. 低保边缘, with 单人户 for severely ill or disabled members
            result.status = "marginal"
            result.reasons.append(Reason("marginal", f"{comparison}，但低于标准的 {multiplier} 倍"
                                         f"（{money(result.monthly_standard * multiplier)} 元）：低保边缘家庭",
                                         f"{basis.MARGINAL}；{_cite(policy, policy.entry('marginal_multiplier'))}"))
            _single_persons(result, policy, day)
        else:
            # 9. not eligible
            result.reasons.append(Reason("above_marginal", f"{comparison}，也不低于标准的 {multiplier} 倍"
                                         f"（{money(result.monthly_standard * multiplier)} 元）：不符合",
                                         standard_basis))
            _rigid(result, policy, day)
        _step(result, "认定", [r.text for r in result.reasons], basis.STANDARD)
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
    if result.steps is not None:
        lines = [
            # from the exact annual figures, as computed: (400.00 − 83.33) × 2 would give 633.34, not 633.33
            f"差额：(年标准 {yuan(result.annual_standard)} × {n} 人 − 核算收入 {yuan(result.adjusted)}) ÷ 12 ÷ {n} 人"
            f" × {len(covered)} 人 = {money(result.differential)} 元",
            f"分类施保：{money(result.monthly_standard)} × {policy.classified_share} × {len(result.classified_people)} 人 = "
            f"{money(result.classified)} 元" + "".join(f"；{m.name}（{'、'.join(c)}）" for m, c in result.classified_people),
        ]
        if result.minimum_applied:
            lines.append(f"合计 {exact(unrounded)} 元，低于每户最低 {money(policy.minimum_monthly_benefit)} 元，按最低金额发放："
                         f"{money(result.total)} 元/月")
        else:
            lines.append(f"合计 {exact(unrounded)} 元，四舍五入到{unit_name(policy.rounding)}（只取整一次）：{money(result.total)} 元/月")
        lines.append(f"月保障金 = {result.breakdown.equation()}")
        _step(result, "月保障金", lines, f"{basis.BENEFIT}；{basis.CLASSIFIED}；{_cite(policy, policy.entry('classified_share'))}；"
              f"取整：{_cite(policy, policy.entry('rounding'))}")


def _rigid(result: HouseholdResult, policy: PolicyAt, day: _dt.date) -> None:
    """青海刚性支出困难家庭 (2025) for a household above the 边缘 line whose property passed, then its 单人保 members."""
    household = result.household
    # a 刚性支出 household with a 单人保 member is recorded as 单人户; above the 边缘 line that cover exists only
    # through the recognition, so its date is the recognition's
    current = household.get("state") in ("刚性支出", "单人户")
    since = household.get("enrolled_on") if current else None
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
    cite = (f"{rigid_rules.BASIS}；{_cite(policy, policy.entry('rigid_hardship_share'))}；"
            f"{_cite(policy, policy.entry('urban_disposable_income_annual' if result.area_type == '城市' else 'rural_disposable_income_annual'))}")
    if not decision.recognised:
        result.reasons.append(Reason("rigid_not_met", f"不符合刚性支出困难家庭条件：{decision.text}", cite))
        if current:
            result.flags.append(Reason("rigid_ended", "现为刚性支出困难家庭，复核已不符合条件：应书面告知并退出", cite))
        return
    result.status = "rigid"
    result.reasons.append(Reason("rigid", f"刚性支出困难家庭：{decision.text}；认定有效期 {decision.valid_from.isoformat()} 至 "
                                 f"{decision.valid_until.isoformat()}", cite))
    if not current:
        result.flags.append(Reason("rigid_new", "符合刚性支出困难家庭条件：应出具认定通知，纳入低收入人口动态监测", cite))
    _single_persons(result, policy, day, rigid=True)


def _single_persons(result: HouseholdResult, policy: PolicyAt, day: _dt.date, rigid: bool = False) -> None:
    """Each severely ill or disabled member of a marginal household, as a household of one on own income; in a
    刚性支出困难家庭 also university students where the policy lets them in."""
    single_basis = f"{basis.SINGLE_PERSON}；{rigid_rules.SINGLE}" if rigid else basis.SINGLE_PERSON
    students = rigid and policy.rigid_single_person_students
    supported = {id(d.member) for d in result.supported}
    for income in result.incomes:
        member = income.member
        if id(member) in supported or (member.tekun and not result.tekun):
            continue
        ground = single_person_ground(member, policy)
        if ground is None and students:
            ground = rigid_rules.student_ground(member)
        if ground is None:
            continue
        own = income.adjusted
        if own >= result.annual_standard:
            result.reasons.append(Reason("single_person_income", f"{member.name}（{ground}）本人收入不低于标准，不按单人户纳入",
                                         single_basis))
            continue
        categories = classified_categories(member, day, policy)
        diff = differential(result.annual_standard, own, 1, 1)
        extra = classified(result.annual_standard, policy.classified_share, 1 if categories else 0)
        raised, raised_to_minimum = with_minimum(diff + extra, policy.minimum_monthly_benefit)
        total = round_benefit(raised, policy.rounding)
        result.singles.append(SingleCover(member, ground, own, diff, extra, total, categories,
                                          policy.minimum_monthly_benefit if raised_to_minimum else None))
    if result.singles:
        result.status = "single_person"
        result.covered = [s.member for s in result.singles]
        result.differential = sum((s.differential for s in result.singles), ZERO)
        result.classified = sum((s.classified for s in result.singles), ZERO)
        result.total = sum((s.total for s in result.singles), ZERO)
        result.classified_people = [(s.member, s.categories) for s in result.singles if s.categories]
        for single in result.singles:
            result.reasons.append(Reason(
                "single_person",
                f"{single.member.name}（{single.ground}）按单人户纳入：本人月收入 {yuan(single.own_adjusted / 12)} 元，"
                f"{single.breakdown.equation()}/月",
                single_basis))


def _flags(result: HouseholdResult, policy: PolicyAt, day: _dt.date) -> None:
    """Flags beside the status: 脱贫户 members left out, 特困 candidates, 特困 members, amount changes."""
    household = result.household
    covered_ids = {id(m) for m in result.covered} if result.status in COVERED else set()
    if household.get("lifted_out"):
        for member in result.members:
            if lost_ability(member) and id(member) not in covered_ids and not member.tekun and \
                    not any(d.member is member for d in result.supported):
                result.flags.append(Reason(
                    "lifted_out_not_covered",
                    f"脱贫户成员 {member.name} {member.labour}劳动能力，未纳入低保或特困：请核实是否应纳入",
                    basis.LIFTED_OUT))
    decided = {id(d.member) for d in result.tekun}
    if result.members and all(cannot_work(m, day) for m in result.members) and result.adjusted < result.annual_standard * len(result.members):
        for member in result.members:
            if not member.tekun and id(member) not in decided:
                result.flags.append(Reason(
                    "tekun_candidate",
                    f"{member.name} 无劳动能力、家庭人均收入低于低保标准，且户内无有劳动能力的成员：可能符合特困供养条件，"
                    "请核实户外有无履行能力的法定赡养抚养义务人",
                    basis.TEKUN))
    for member in result.members:
        if member.tekun and not any(d.member is member and d.outcome == "ended" for d in result.tekun):
            result.flags.append(Reason("tekun_member", f"{member.name} 已是特困供养人员，不纳入低保保障人数，收入和人口仍按共同生活计算",
                                       basis.TEKUN))
    current = household.get("current_benefit")
    if household.get("state") == "低保" and result.status in ("dibao",) and current is not None:
        old = Decimal(current) / 100
        if old != result.total:
            result.flags.append(Reason("amount_changed", f"月保障金由 {money(old)} 元变为 {money(result.total)} 元：应发变更通知",
                                       basis.BENEFIT))


def _tekun(household: Household, members: list[Member], incomes, policy: PolicyAt, day: _dt.date,
           annual_std: Decimal, monthly_std_fen: Decimal) -> list:
    """《特困人员认定办法》: the people the roster asks about (already 特困, or supporters filled in)."""
    if not any(m.tekun or m.supporter is not None for m in members):
        return []
    return tekun_rules.decide(members, incomes, lambda: property_failures(household, len(members), monthly_std_fen, policy),
                              policy, day, annual_std, lambda entry: _cite(policy, entry))


def _tekun_report(result: HouseholdResult, policy: PolicyAt) -> None:
    """特困 decisions as reasons, flags (转类, 终止, floor check) and an explain step."""
    state = result.household.get("state")
    lines = []
    for d in result.tekun:
        name = d.member.name
        if d.outcome == "supported":
            care = (f"照料护理 {money(d.care)} 元（{d.care_level}）" if d.care_known
                    else "照料护理标准待评估（名册“自理能力”未填）")
            text = (f"{name} 认定为特困供养人员（{'、'.join(d.grounds)}；本人年收入 {yuan(d.own_income)} 元低于低保标准；"
                    f"财产符合规定；{'无法定义务人' if d.member.supporter == '无' else '法定义务人无履行能力' if d.member.supporter else '已认定'}），"
                    f"{d.mode}：基本生活 {money(d.basic)} 元 + {care} = {money(d.total)} 元/月，发给{d.payee}")
            result.reasons.append(Reason("tekun", text, f"{tekun_rules.ARTICLE_6}；{tekun_rules.ARTICLE_7}；"
                                         f"{tekun_rules.ARTICLE_8}；{tekun_rules.SUPPORT}；"
                                         f"标准出处：{_cite(policy, policy.entry('tekun_basic_monthly'))}"
                                         + (f"；{_cite(policy, policy.entry(tekun_rules.CARE_PARAM[d.care_level]))}"
                                            if d.care_known else "")))
            lines.append(text)
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
                lines.append(text)
            if d.outcome == "ended":
                result.flags.append(Reason("tekun_ended", f"{d.member.name} 不再符合特困供养条件：应终止特困供养并书面告知理由；"
                                           "符合低保条件的转入低保（转类）", tekun_rules.ARTICLE_7))
    if result.supported:
        floor = tekun_rules.floor_shortfall(policy, result.monthly_standard)
        if floor is not None:
            result.flags.append(Reason("tekun_below_floor", f"特困人员基本生活标准 {money(policy.tekun_basic_monthly)} 元低于低保标准的 "
                                       f"{policy.tekun_basic_floor_multiplier} 倍（{money(floor)} 元）：请核对本县标准",
                                       _cite(policy, policy.entry("tekun_basic_floor_multiplier"))))
    _step(result, "特困供养", lines, f"{tekun_rules.ARTICLE_6}；{tekun_rules.ARTICLE_7}；{tekun_rules.ARTICLE_8}；"
          f"{tekun_rules.SUPPORT}")


def _step(result: HouseholdResult, title: str, lines: list[str], basis_text: str) -> None:
    if result.steps is not None:
        result.steps.append(Step(title, lines, basis_text))


def _trace_income(result: HouseholdResult, policy: PolicyAt, day: _dt.date) -> None:
    household = result.household
    lines = []
    for member in household.members:
        age = member.age(day)
        tag = "" if member.co_resident is not False else "（不共同生活，不计入）"
        lines.append(f"{member.name}，{member.relation or ''}，{age if age is not None else '?'} 岁{tag}"
                     + ("，特困供养人员" if member.tekun or any(d.member is member for d in result.supported) else ""))
    _step(result, "家庭成员", lines + [f"共同生活成员 {len(result.members)} 人，保障对象 {len(result.covered)} 人"],
          f"{basis.MEMBERS}；{basis.AGE}")
    lines = []
    for income in result.incomes:
        for item, fen in income.member.incomes.items():
            found = policy.income_item(item)
            if found is None:
                lines.append(f"{income.member.name}：{item} {yuan(fen)} 元 —— 政策中没有此项目")
                continue
            category, entry = found
            verdict = "计入" if entry.value else "不计入"
            lines.append(f"{income.member.name}：{item} {yuan(fen)} 元 —— {verdict}（{_cite(policy, entry)}）")
    lines.append(f"计入收入合计 {yuan(result.counted)} 元/年；不计入 {yuan(sum(result.excluded.values()))} 元/年")
    _step(result, "家庭收入（近12个月）", lines, f"{basis.INCOME}；{basis.EXCLUDED}")
    lines = []
    for income in result.incomes:
        if income.employment_deduction:
            lines.append(f"{income.member.name}：工资性收入 {yuan(income.by_category.get('工资性收入', 0))} 元 × "
                         f"{policy.employment_deduction_share}，每人每年最多 {money(policy.employment_deduction_cap_annual)} 元"
                         f" → 扣减 {yuan(income.employment_deduction)} 元")
    if not lines:
        lines.append(f"无就业成本扣减（适用：{'、'.join(policy.employment_deduction_area_types)}；需有工资性收入）")
    lines.append(f"刚性支出扣减 {yuan(result.rigid_deduction)} 元" + ("" if policy.rigid_deduction_enabled else "（政策未启用）"))
    lines.append(f"核算收入 = {yuan(result.counted)} − {yuan(result.employment_deduction)} − {yuan(result.rigid_deduction)}"
                 f" = {yuan(result.adjusted)} 元/年")
    _step(result, "扣减", lines, f"{basis.EMPLOYMENT}（{_cite(policy, policy.entry('employment_deduction_share'))}）；{basis.RIGID}")
    std = policy.standard_entry(result.area_type)
    _step(result, "人均收入与标准", [
        f"月人均收入 = {yuan(result.adjusted)} ÷ 12 ÷ {len(result.members)} = {money(result.per_capita)} 元",
        f"{result.area_type}低保标准 {money(result.monthly_standard)} 元/人·月"
        + ("（年标准 ÷ 12）" if result.area_type != "城市" else "") + f"，{std.since.isoformat()} 起执行",
    ], f"{basis.STANDARD}；{_cite(policy, std)}")


def unknown_items(roster: Roster, policy: PolicyAt) -> list[str]:
    return [item for item in roster.income_items() if policy.income_item(item) is None]


def plan_assessment(roster: Roster, policy: PolicyAt, day: _dt.date, only: set[str] | None = None) -> Assessment:
    """Sort households into those that can be decided (`pending`) and those left out with their problems.

    Nothing is assessed yet: `assess_roster` assesses and keeps every result (tables, xlsx, explain);
    `iter_results` assesses one household at a time for streamed output (JSON of a whole province)."""
    problems = list(roster.problems)
    by_household: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.severity == ERROR and problem.household_id:
            by_household.setdefault(problem.household_id, []).append(problem)
    unknown = set(unknown_items(roster, policy))
    for item in sorted(unknown):
        problems.append(Problem("", "", None, item, "", f"收入项目“{item}”不在政策的收入项目中，无法判断是否计入",
                                "在本县政策文件 [income_items] 中写明它计入还是不计入，或把列名改成标准名称",
                                WARNING, "income_item_unknown"))
    assessment = Assessment(policy, day, [], [], problems)
    for household in roster.households.values():
        if only is not None and household.household_id not in only:
            continue
        own = list(by_household.get(household.household_id, []))
        if household.has_error and not own:
            own = [Problem(household.file, household.sheet, household.row, "", "", "本户有错误", "见问题清单")]
        new = []
        if household.area_type is None:
            new.append(Problem(household.file, household.sheet, household.row, "城乡类别", "",
                               "城乡类别为空：不知道适用城市还是农村标准", "填写“城市”或“农村”", ERROR, "area_type_missing",
                               household.household_id))
        if unknown:
            items = sorted({item for m in household.members for item, fen in m.incomes.items() if fen and item in unknown})
            if items:
                new.append(Problem(household.file, household.sheet, household.row, "、".join(items), "",
                                   "有政策未列明的收入项目，本户暂不核算", "在政策文件中写明这些项目计入还是不计入", ERROR,
                                   "income_item_unknown", household.household_id))
        problems.extend(new)
        own.extend(new)
        if own:
            assessment.left_out.append((household, own))
        else:
            assessment.pending.append(household)
    return assessment


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
