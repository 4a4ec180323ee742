"""Words for what the assessment decided: the reasons (every output shows them) and the steps of
`dibao explain`, each rendered from the figures the computation recorded (assess/trace.py), so a sentence can
never show a figure the computation did not produce.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import replace
from decimal import Decimal

from dibao_cli.assess.result import HouseholdResult, Reason, Step
from dibao_cli.assess.trace import Record, Trace, resolved
from dibao_cli.money import exact, fen_yuan, unit_name
from dibao_cli.money import yuan as yuan_text
from dibao_cli.rules import basis
from dibao_cli.rules import tekun as tekun_rules
from dibao_cli.status import COVERED


def yuan(fen) -> str:
    """A fen amount shown in yuan (dibao_cli.money: half up to the fen; the figures stay exact)."""
    return fen_yuan(fen)


def money(value: Decimal) -> str:
    """A yuan amount shown with two decimals (dibao_cli.money: half up, the benefit's rounding rule)."""
    return yuan_text(value)


def cn_date(day: _dt.date) -> str:
    """A date the way a Chinese document writes it (2026年11月30日)."""
    return f"{day.year}年{day.month}月{day.day}日"


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def cn_dates(text: str) -> str:
    """ISO dates inside a text written the Chinese way (2026-11-30 -> 2026年11月30日)."""
    return _ISO.sub(lambda m: f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日", text)


def cite(policy, entry) -> str:
    """The citation of a policy entry (source, region, date in force), built once per entry and kept on the
    resolved policy itself (keyed by the entry, never by an object's id), so it lives and dies with the policy."""
    memo = resolved(policy).memo
    key = ("cite", entry)
    text = memo.get(key)
    if text is None:
        from dibao_cli.policy.loader import region_name

        since = entry.since
        text = memo[key] = (f"{entry.source}（{region_name(entry.region)}，{cn_date(since)}起执行"
                            + ("；默认值，须县里确认" if not entry.confirmed else "") + "）")
    return text


def standard(policy, area: str) -> tuple:
    """(annual fen, monthly fen, entry, text, basis) of the standard for an area type, built once per resolved
    policy and area (a hot path at 1M rows: called with the PolicyAt itself)."""
    memo = policy.memo
    key = ("standard", area)
    found = memo.get(key)
    if found is None:
        annual = policy.annual_standard_fen(area)
        entry = policy.standard_entry(area)
        text = f"{'城市' if area == '城市' else '农村'}低保标准 {money(annual / 1200)} 元/人·月"
        found = memo[key] = (annual, annual / 12, entry, text, f"{basis.STANDARD}；标准出处：{cite(policy, entry)}")
    return found


# --- reasons ---------------------------------------------------------------------------------------------------

def comparison(result: HouseholdResult, below: bool, standard_text: str) -> str:
    return comparison_text(result.per_capita, below, standard_text)


def comparison_text(per_capita: Decimal, below: bool, standard_text: str) -> str:
    return f"家庭月人均收入 {money(per_capita)} 元{'低于' if below else '不低于'}{standard_text}"


def marginal_line(result: HouseholdResult, multiplier) -> str:
    return marginal_line_text(result.monthly_standard, multiplier)


def marginal_line_text(monthly_standard: Decimal, multiplier) -> str:
    return f"标准的 {multiplier} 倍（{money(monthly_standard * multiplier)} 元）"


def marginal_text(comparison_: str, line: str) -> str:
    return f"{comparison_}，但低于{line}：低保边缘家庭"


def above_marginal_text(comparison_: str, line: str) -> str:
    return f"{comparison_}，也不低于{line}：不符合"


def marginal_basis(policy) -> str:
    return f"{basis.MARGINAL}；{cite(policy, policy.entry('marginal_multiplier'))}"


def phase_out_text(entering: bool, start: _dt.date, end: _dt.date, months: int) -> str:
    started = "本次进入渐退期" if entering else "仍在渐退期内"
    return f"{started}：{start.isoformat()} 至 {end.isoformat()}（{months} 个月），期间按原金额发放"


def phase_out_basis(policy) -> str:
    return f"{basis.PHASE_OUT}；{cite(policy, policy.entry('phase_out_months'))}"


BENEFIT_UNKNOWN = "渐退期按原金额发放，但名册没有“当前月保障金”：请补填"
PHASE_OUT_BACK = "渐退期内收入又低于标准：恢复正常保障"


def phase_out_ended_text(start: _dt.date, end: _dt.date) -> str:
    return f"渐退期 {start.isoformat()} 至 {end.isoformat()} 已满，收入仍不低于标准：停止保障（停保），书面告知"


def lifted_out_text(member) -> str:
    return f"脱贫户成员 {member.name} {member.labour}劳动能力，未纳入低保或特困：请核实是否应纳入"


def tekun_candidate_text(name) -> str:
    return (f"{name} 无劳动能力、家庭人均收入低于低保标准，且户内无有劳动能力的成员：可能符合特困供养条件，"
            "请核实户外有无履行能力的法定赡养抚养义务人")


def amount_changed_text(old: Decimal, total: Decimal) -> str:
    return f"月保障金由 {money(old)} 元变为 {money(total)} 元：应发变更通知"


def tekun_supported_text(d) -> str:
    """The sentence for a person decided 特困供养 (a reason, and a line of the explain step)."""
    care = (f"照料护理 {money(d.care)} 元（{d.care_level}）" if d.care_known
            else "照料护理标准待评估（名册“自理能力”未填）")
    supporter = '无法定义务人' if d.member.supporter == '无' else '法定义务人无履行能力' if d.member.supporter else '已认定'
    return (f"{d.member.name} 认定为特困供养人员（{'、'.join(d.grounds)}；本人年收入 {yuan(d.own_income)} 元低于低保标准；"
            f"财产符合规定；{supporter}），{d.mode}：基本生活 {money(d.basic)} 元 + {care} = {money(d.total)} 元/月，"
            f"发给{d.payee}")


def tekun_lines(decisions) -> list[str]:
    out = []
    for d in decisions:
        if d.outcome == "supported":
            out.append(tekun_supported_text(d))
        else:
            out.extend(text for _code, text, _why in d.reasons)
    return out


def single_person_reason(single, single_basis: str) -> Reason:
    return Reason("single_person", f"{single.member.name}（{single.ground}）按单人户纳入：本人月收入 "
                  f"{yuan(single.own_adjusted / 12)} 元，{single.breakdown.equation()}/月", single_basis)


# --- the steps of `dibao explain`, from the trace --------------------------------------------------------------

TEKUN_BASIS = f"{tekun_rules.ARTICLE_6}；{tekun_rules.ARTICLE_7}；{tekun_rules.ARTICLE_8}；{tekun_rules.SUPPORT}"


def _members(record: Record, r: HouseholdResult, policy) -> Step:
    day = record.inputs["day"]
    supported = {d.member for d in r.supported}
    lines = []
    for member in record.inputs["household"].members:
        age = member.age(day)
        tag = "" if member.co_resident is not False else "（不共同生活，不计入）"
        lines.append(f"{member.name}，{member.relation or ''}，{age if age is not None else '?'} 岁{tag}"
                     + ("，特困供养人员" if member.tekun or member in supported else ""))
    members = record.result[0]
    # the members the decision covers (a 单人户 covers only its 单人保 members; none when not covered at all)
    covered = r.covered if r.status in COVERED else []
    named = f"（{'、'.join(m.name for m in covered)}）" if 0 < len(covered) < len(members) else ""
    return Step("家庭成员", lines + [f"共同生活成员 {len(members)} 人，保障对象 {len(covered)} 人{named}"],
                f"{basis.MEMBERS}；{basis.AGE}")


def _income(record: Record, r: HouseholdResult, policy) -> Step:
    lines = []
    for income in record.inputs["incomes"]:
        for item, fen in income.member.incomes.items():
            try:
                entry = record.parameter(f"income_items.{item}")
            except KeyError:
                lines.append(f"{income.member.name}：{item} {yuan(fen)} 元 —— 政策中没有此项目")
                continue
            verdict = "计入" if entry.value else "不计入"
            lines.append(f"{income.member.name}：{item} {yuan(fen)} 元 —— {verdict}（{cite(policy, entry)}）")
    counted, excluded = record.result
    lines.append(f"计入收入合计 {yuan(counted)} 元/年；不计入 {yuan(sum(excluded.values()))} 元/年")
    return Step("家庭收入（近12个月）", lines, f"{basis.INCOME}；{basis.EXCLUDED}")


def _deductions(record: Record, r: HouseholdResult, policy) -> Step:
    share = record.parameter("employment_deduction_share")
    cap = record.parameter("employment_deduction_cap_annual").value
    lines = []
    for income in record.inputs["incomes"]:
        if income.employment_deduction:
            lines.append(f"{income.member.name}：工资性收入 {yuan(income.by_category.get('工资性收入', 0))} 元 × "
                         f"{share.value}，每人每年最多 {money(cap)} 元 → 扣减 {yuan(income.employment_deduction)} 元")
    if not lines:
        areas = record.parameter("employment_deduction_area_types").value
        lines.append(f"无就业成本扣减（适用：{'、'.join(areas)}；需有工资性收入）")
    counted = record.inputs["counted"]
    employment, rigid, adjusted = record.result
    enabled = record.parameter("rigid_deduction_enabled").value
    lines.append(f"刚性支出扣减 {yuan(rigid)} 元" + ("" if enabled else "（政策未启用）"))
    lines.append(f"核算收入 = {yuan(counted)} − {yuan(employment)} − {yuan(rigid)} = {yuan(adjusted)} 元/年")
    return Step("扣减", lines, f"{basis.EMPLOYMENT}（{cite(policy, share)}）；{basis.RIGID}")


def _per_capita(record: Record, r: HouseholdResult, policy) -> Step:
    area = record.inputs["area_type"]
    std = record.parameter("urban_standard_monthly" if area == "城市" else "rural_standard_annual")
    return Step("人均收入与标准", [
        f"月人均收入 = {yuan(record.inputs['adjusted'])} ÷ 12 ÷ {record.inputs['members']} = {money(record.result)} 元",
        f"{area}低保标准 {money(record.inputs['annual_standard'] / 1200)} 元/人·月"
        + ("（年标准 ÷ 12）" if area != "城市" else "") + f"，{cn_date(std.since)}起执行",
    ], f"{basis.STANDARD}；{cite(policy, std)}")


def _tekun(record: Record, r: HouseholdResult, policy) -> Step:
    return Step("特困供养", tekun_lines(record.result), TEKUN_BASIS)


def _property(record: Record, r: HouseholdResult, policy) -> Step:
    failures = record.result
    if failures:
        return Step("财产核查", [t for _, t in failures] + ["结论：财产不符合规定 → 不符合"], basis.PROPERTY)
    return Step("财产核查", ["存款、车辆、房产、工商登记均未超过政策上限"], basis.PROPERTY)


def _benefit(record: Record, r: HouseholdResult, policy) -> Step:
    i, out = record.inputs, record.result
    n, covered, people = i["members"], i["covered"], i["classified_people"]
    share = record.parameter("classified_share")
    rounding = record.parameter("rounding")
    lines = [
        # from the exact annual figures, as computed: (400.00 − 83.33) × 2 would give 633.34, not 633.33
        f"差额：(年标准 {yuan(i['annual_standard'])} × {n} 人 − 核算收入 {yuan(i['adjusted'])}) ÷ 12 ÷ {n} 人"
        f" × {covered} 人 = {money(out.differential)} 元",
        f"分类施保：{money(i['annual_standard'] / 1200)} × {share.value} × {len(people)} 人 = "
        f"{money(out.classified)} 元" + "".join(f"；{m.name}（{'、'.join(c)}）" for m, c in people),
    ]
    if out.minimum is not None:
        lines.append(f"合计 {exact(out.unrounded)} 元，低于每户最低 {money(out.minimum)} 元，按最低金额发放："
                     f"{money(out.total)} 元/月")
    else:
        lines.append(f"合计 {exact(out.unrounded)} 元，四舍五入到{unit_name(rounding.value)}（只取整一次）："
                     f"{money(out.total)} 元/月")
    lines.append(f"月保障金 = {out.breakdown.equation()}")
    minimum = f"每户最低金额：{cite(policy, record.parameter('minimum_monthly_benefit'))}；" \
        if out.minimum is not None else ""
    return Step("月保障金", lines, f"{basis.BENEFIT}；{basis.CLASSIFIED}；{cite(policy, share)}；{minimum}"
                f"取整：{cite(policy, rounding)}")


def _phase_out(record: Record, r: HouseholdResult, policy) -> Step:
    return Step("渐退期", [cn_dates(x.text) for x in record.result[-1:]], basis.PHASE_OUT)


def _decision(record: Record, r: HouseholdResult, policy) -> Step:
    """低保边缘 or not: the comparison with the 边缘 line (the policy's multiplier and its source), then what
    followed from it (单人户, 刚性支出), each with its own basis; a 单人保 amount raised to the minimum cites it."""
    cited = [f"{basis.MARGINAL}；{cite(policy, record.parameter('marginal_multiplier'))}"]
    for reason in record.result:
        if reason.code not in ("marginal", "above_marginal") and reason.basis not in cited:
            cited.append(reason.basis)
    if any(single.minimum is not None for single in r.singles):
        cited.append(f"每户最低金额：{cite(policy, record.parameter('minimum_monthly_benefit'))}")
    return Step("认定", [cn_dates(x.text) for x in record.result], "；".join(cited))


RENDER = {"members": _members, "income": _income, "deductions": _deductions, "per_capita": _per_capita,
          "tekun": _tekun, "property": _property, "benefit": _benefit, "phase_out": _phase_out,
          "decision": _decision}
ORDER = tuple(RENDER)  # the order a reader follows (特困 is decided before the deductions, shown after them)


def steps(trace: Trace, result: HouseholdResult) -> list[Step]:
    """The steps of `dibao explain`, each rendered from its record (the status decision itself is shown through
    the reasons it led to)."""
    records = sorted((r for r in trace.records if r.step in RENDER), key=lambda record: ORDER.index(record.step))
    return [replace(RENDER[record.step](record, result, trace.policy), parameters=record.parameters)
            for record in records]
