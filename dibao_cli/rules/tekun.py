"""特困人员救助供养 (《特困人员认定办法》, 民发〔2021〕43号): who is supported, and the monthly support.

A person is decided here only when the roster says something about 特困: they are already supported
(特困 = 是), or the 赡养抚养扶养人 column is filled. Without that column a person who may qualify stays a
candidate for staff to check (the household flag `tekun_candidate`), never a decision.

Amounts are policy figures in yuan per month: basic living standard + care allowance by self-care level.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal

from dibao_cli.model import Member
from dibao_cli.money import fen_yuan as _yuan
from dibao_cli.rules.income import MemberIncome

ZERO = Decimal(0)

ARTICLE_6 = "《特困人员认定办法》（民发〔2021〕43号）第六条：无劳动能力"
ARTICLE_7 = "《特困人员认定办法》（民发〔2021〕43号）第七条：无生活来源（收入低于当地低保标准，财产符合规定）"
ARTICLE_8 = "《特困人员认定办法》（民发〔2021〕43号）第八条：无法定赡养、抚养、扶养义务人，或者其义务人无履行义务能力"
SUPPORT = "《国务院关于进一步健全特困人员救助供养制度的意见》（国发〔2016〕14号）：基本生活标准和照料护理标准"
NOT_BOTH = "《特困人员认定办法》（民发〔2021〕43号）；民发〔2021〕57号：已纳入特困供养的不再纳入低保"

CARE_PARAM = {"全自理": "tekun_care_self_monthly", "半失能": "tekun_care_partial_monthly",
              "全失能": "tekun_care_full_monthly"}
PAYEE = {"分散供养": "本人", "集中供养": "供养机构"}


@dataclass
class TekunDecision:
    """One person's 特困 decision.

    outcome: "supported" (特困供养), "refused" (a condition fails for someone assessed for 特困), or
    "ended" (was 特困, a condition no longer holds: 终止供养)."""

    member: Member
    outcome: str
    existing: bool
    grounds: list[str]
    own_income: int  # fen per year, counted the 特困 way
    mode: str = "分散供养"
    care_level: str | None = None
    basic: Decimal = ZERO  # yuan per month
    care: Decimal = ZERO
    reasons: list[tuple[str, str, str]] = field(default_factory=list)  # (code, text, basis)

    @property
    def total(self) -> Decimal:
        return self.basic + self.care

    @property
    def care_known(self) -> bool:
        return self.care_level is not None

    @property
    def payee(self) -> str:
        return PAYEE[self.mode]


def no_ability_grounds(member: Member, day: _dt.date, policy) -> list[str]:
    """第六条: why a person has no ability to work (age, or the listed disability grades)."""
    out = []
    age = member.age(day)
    if age is not None and age < policy.tekun_child_age:
        out.append(f"未满{policy.tekun_child_age}周岁")
    if age is not None and age >= policy.tekun_elderly_age:
        out.append(f"{policy.tekun_elderly_age}周岁以上")
    grade, kind = member.disability_grade, member.disability_type
    if grade is not None:
        allowed = {"智力": policy.tekun_grades_intellectual_mental, "精神": policy.tekun_grades_intellectual_mental,
                   "肢体": policy.tekun_grades_physical, "视力": policy.tekun_grades_visual}.get(kind or "", ())
        if grade in allowed:
            out.append(f"{kind}{'一二三四'[grade - 1]}级残疾")
    return out


def own_income(income: MemberIncome, policy) -> int:
    """第七条: the person's own counted income less the items 特困 does not count (fen per year)."""
    extra = policy.tekun_income_excluded
    if not extra:
        return income.counted
    return income.counted - sum(fen for item, fen in income.member.incomes.items()
                                if item in extra and _counted(item, policy))


def _counted(item: str, policy) -> bool:
    found = policy.income_item(item)
    return found is not None and bool(found[1].value)


def decide(members: list[Member], incomes: list[MemberIncome], property_failures, policy, day: _dt.date,
           annual_standard_fen: Decimal, cite) -> list[TekunDecision]:
    """The 特困 decision of each member the roster asks about (see the module docstring).

    `property_failures` is called at most once (the household's property test); `cite` formats a policy entry."""
    out = []
    failures = None
    for income in incomes:
        member = income.member
        existing = bool(member.tekun)
        supporter = member.supporter
        if not existing and supporter in (None, "有履行能力"):
            continue
        grounds = no_ability_grounds(member, day, policy)
        decision = TekunDecision(member, "supported", existing, grounds, own_income(income, policy))
        if member.support_mode:
            decision.mode = member.support_mode
        if not grounds:
            decision.reasons.append(("tekun_can_work", f"{member.name} 不属于无劳动能力的情形（未满"
                                     f"{policy.tekun_child_age}周岁、{policy.tekun_elderly_age}周岁以上或规定的残疾等级）",
                                     f"{ARTICLE_6}；{cite(policy.entry('tekun_elderly_age'))}"))
        if decision.own_income >= annual_standard_fen:
            decision.reasons.append(("tekun_income", f"{member.name} 本人年收入 {_yuan(decision.own_income)} 元，"
                                     f"不低于低保标准 {_yuan(annual_standard_fen)} 元/年", ARTICLE_7))
        if failures is None:
            failures = property_failures()
        for _code, text in failures:
            decision.reasons.append(("tekun_property", f"{member.name}：{text}", ARTICLE_7))
        if supporter == "有履行能力":
            decision.reasons.append(("tekun_supporter", f"{member.name} 有具备履行能力的法定赡养、抚养、扶养义务人",
                                     ARTICLE_8))
        if decision.reasons:
            decision.outcome = "ended" if existing else "refused"
            out.append(decision)
            continue
        decision.basic = policy.tekun_basic_monthly
        decision.care_level = member.self_care
        if member.self_care is not None:
            decision.care = getattr(policy, CARE_PARAM[member.self_care])
        out.append(decision)
    return out


def floor_shortfall(policy, monthly_standard: Decimal) -> Decimal | None:
    """The national floor check: the basic living standard below multiplier x the 低保 standard -> the floor."""
    floor = policy.tekun_basic_floor_multiplier * monthly_standard
    return floor if policy.tekun_basic_monthly < floor else None
