"""Early warning (及早发现、及时帮扶): households and people the follow-up visits should see first.

Each signal names the household, the member where there is one, the figures behind it and the basis.
Signals that need a figure the policy does not set are skipped, and the output says which and why.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal

from dibao_cli.assess.household import Assessment, HouseholdResult, money, yuan
from dibao_cli.status import COVERED, MARGINAL, SINGLE_PERSON, STATE_RIGID, STATE_SINGLE_PERSON, TEKUN

RIGID_ITEMS = ("医疗支出", "教育支出", "康复支出")

B_RIGID = "青海省刚性支出困难家庭认定（2025年）：人均收入低于上年人均可支配收入，近12个月刚性支出占家庭收入的规定比例以上"
B_DROP = "青海省民政厅：及时发现收入大幅缩减导致基本生活出现严重困难的家庭"
B_CHILD = "国务院办公厅关于加强困境儿童保障工作的意见；事实无人抚养儿童保障政策：父母双方死亡、失踪、重残、重病等"
B_CARE = "青海省民政厅：为社会救助家庭中生活不能自理的老年人、未成年人、残疾人提供生活照料等服务"
B_LIVING = "困难残疾人生活补贴：低保家庭中的残疾人"
B_CARE_SUBSIDY = "重度残疾人护理补贴：残疾等级为一级、二级且需要长期照护的残疾人"
B_SINGLE = "民发〔2021〕57号单人户规定；青海省民政厅：低收入家庭中的重病、重残人员参照“单人户”纳入低保"


@dataclass
class Signal:
    household_id: str
    township: str
    village: str
    head_name: str
    member: str
    code: str
    label: str
    figures: str
    basis: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _signal(r: HouseholdResult, code, label, figures, basis, member=None) -> Signal:
    h = r.household
    return Signal(h.household_id, h.township or "", h.village or "", h.head_label or "",
                  member.name if member is not None else "", code, label, figures, basis)


def rigid_hardship(r: HouseholdResult, policy, day) -> Signal | None:
    """刚性支出困难: not covered or marginal; per-capita income below last year's disposable income; rigid
    expenses of the past 12 months at least the policy's share of household income."""
    if r.rigid is not None and r.rigid.recognised:
        if r.household.state == STATE_RIGID:
            return None  # already recognised (`review` lists it when due)
    elif r.status in COVERED or r.status in (MARGINAL, TEKUN) or not r.members:
        return None
    line = policy.urban_disposable_income_annual if r.area_type == "城市" else policy.rural_disposable_income_annual
    if line is None:
        return None
    per_capita = Decimal(r.counted) / len(r.members)
    if per_capita >= line * 100:
        return None
    spent = sum(m.expenses.get(item, 0) for m in r.members for item in RIGID_ITEMS)
    share = policy.rigid_hardship_share
    if spent <= 0 or spent < share * r.counted:
        return None
    ratio = "收入为 0" if r.counted == 0 else f"占家庭收入 {Decimal(spent) / r.counted:.0%}"
    return _signal(r, "rigid_hardship", "刚性支出困难家庭候选",
                   f"近12个月刚性支出 {yuan(spent)} 元，{ratio}（规定 {share:.0%}）；人均年收入 {yuan(per_capita)} 元，"
                   f"低于上年人均可支配收入 {money(line)} 元", B_RIGID)


def changes(r: HouseholdResult, previous: dict | None, policy) -> list[Signal]:
    """Sharp income fall and member changes against last month (`previous`: counted fen and member IDs)."""
    if previous is None:
        return []
    out = []
    before = previous["counted"]
    share = policy.income_drop_share
    if before > 0 and r.counted <= before * (1 - share):
        out.append(_signal(r, "income_drop", "收入大幅下降",
                           f"计入收入由 {yuan(before)} 元降到 {yuan(r.counted)} 元/年（降幅 {1 - Decimal(r.counted) / before:.0%}，"
                           f"提示线 {share:.0%}）", B_DROP))
    now = {m.id_number for m in r.household.members}
    added, removed = now - previous["members"], previous["members"] - now
    if added or removed:
        out.append(_signal(r, "members_changed", "家庭成员变化",
                           f"比上月增加 {len(added)} 人、减少 {len(removed)} 人：核实变化原因，重新核算", B_DROP))
    return out


def flags_as_signals(r: HouseholdResult) -> list[Signal]:
    """The assessment's own flags that call for a visit (脱贫户 left out, 特困 candidates)."""
    labels = {"lifted_out_not_covered": "脱贫户成员丧失劳动能力未纳入", "tekun_candidate": "特困供养候选"}
    return [_signal(r, flag.code, labels[flag.code], flag.text, flag.basis) for flag in r.flags if flag.code in labels]


def single_person_uncovered(r: HouseholdResult) -> list[Signal]:
    if r.status != SINGLE_PERSON or r.household.state == STATE_SINGLE_PERSON:
        return []
    return [_signal(r, "single_person_uncovered", "重病重残成员可按单人户纳入", s.ground + f"，月保障金 {money(s.total)} 元",
                    B_SINGLE, s.member) for s in r.singles]


def children(r: HouseholdResult, day: _dt.date) -> list[Signal]:
    """Minors with no adult in the household able to raise them (事实无人抚养 or orphan candidates)."""
    ages = {id(m): m.age(day) for m in r.members}
    minors = [m for m in r.members if ages[id(m)] is not None and ages[id(m)] < 18]
    if not minors:
        return []
    carers = [m for m in r.members if ages[id(m)] is not None and 18 <= ages[id(m)] < 60 and m.labour != "完全丧失"
              and m.disability_grade not in (1, 2) and not m.serious_illness]
    if carers:
        return []
    adults = [m for m in r.members if ages[id(m)] is not None and ages[id(m)] >= 18]
    why = "户内没有成年人" if not adults else "户内成年人都是老年、重残、重病或丧失劳动能力"
    return [_signal(r, "child_without_carer", "可能是孤儿或事实无人抚养儿童", f"{m.age(day)} 岁；{why}：请核实父母情况",
                    B_CHILD, m) for m in minors]


def care_needs(r: HouseholdResult, day: _dt.date) -> list[Signal]:
    out = []
    for m in r.members:
        age = m.age(day)
        age = 0 if age is None else age
        if m.labour == "完全丧失" and (m.disability_grade in (1, 2) or age >= 80):
            reason = f"{m.disability_type or ''}{'一二三四'[m.disability_grade - 1]}级残疾" if m.disability_grade else f"{age} 岁"
            out.append(_signal(r, "care_need", "生活可能不能自理", f"{reason}，完全丧失劳动能力：评估照料、陪护服务需求",
                               B_CARE, m))
    return out


def disability_subsidies(r: HouseholdResult, policy) -> list[Signal]:
    out = []
    for m in r.members:
        if not m.disability_grade or m.incomes.get("残疾人两项补贴"):
            continue
        if r.status in COVERED:
            amount = policy.disability_living_subsidy_monthly
            out.append(_signal(r, "disability_living_subsidy", "困难残疾人生活补贴候选",
                               "纳入低保（含单人户）的残疾人" + (f"，每月 {money(amount)} 元" if amount is not None else "（政策未设金额）"),
                               B_LIVING, m))
        if m.disability_grade in (1, 2):
            amount = policy.disability_care_subsidy_monthly
            out.append(_signal(r, "disability_care_subsidy", "重度残疾人护理补贴候选",
                               f"残疾等级{'一二'[m.disability_grade - 1]}级" + (f"，每月 {money(amount)} 元" if amount is not None
                                                                        else "（政策未设金额）"), B_CARE_SUBSIDY, m))
    return out


def monitor(assessment: Assessment, previous: dict[str, dict] | None = None) -> tuple[list[Signal], list[str]]:
    """All signals, grouped by township and village, and notes on checks that were skipped."""
    policy, day = assessment.policy, assessment.day
    notes = []
    if policy.rural_disposable_income_annual is None or policy.urban_disposable_income_annual is None:
        notes.append("政策文件未设上年城乡居民人均可支配收入（rural_disposable_income_annual / urban_disposable_income_annual），"
                     "相应的刚性支出困难家庭监测已跳过；请在本县政策文件中按统计公报补上。")
    if previous is None:
        notes.append("没有上月数据（--previous 或 --month），未检查收入下降和成员变化。")
    signals: list[Signal] = []
    for r in assessment.results:
        hardship = rigid_hardship(r, policy, day)
        if hardship:
            signals.append(hardship)
        signals.extend(changes(r, previous.get(r.household.household_id) if previous is not None else None, policy))
        signals.extend(flags_as_signals(r))
        signals.extend(single_person_uncovered(r))
        signals.extend(children(r, day))
        signals.extend(care_needs(r, day))
        signals.extend(disability_subsidies(r, policy))
    signals.sort(key=lambda s: (s.township, s.village, s.household_id))
    return signals, notes


def previous_from_assessment(assessment: Assessment) -> dict[str, dict]:
    return {r.household.household_id: {"counted": r.counted, "members": {m.id_number for m in r.household.members}}
            for r in assessment.results}


def previous_from_ledger(ledger, month: str) -> dict[str, dict]:
    members = ledger.members_of(month)
    return {hid: {"counted": row["counted_fen"], "members": members.get(hid, set())}
            for hid, row in ledger.households_of(month).items()}
