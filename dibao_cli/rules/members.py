"""Who counts in a household, and what each member is (age, ability to work, 分类施保 categories)."""

from __future__ import annotations

import datetime as _dt

from dibao_cli.model import Household, Member


def co_resident_members(household: Household) -> list[Member]:
    """民发〔2021〕57号第十一条: the household is its co-resident members (共同生活 not 否)."""
    return [m for m in household.members if m.co_resident is not False]


def covered_members(members: list[Member]) -> list[Member]:
    """Members already supported as 特困 are not covered by 低保 (《特困人员认定办法》)."""
    return [m for m in members if not m.tekun]


def cannot_work(member: Member, day: _dt.date, policy) -> bool:
    """《特困人员认定办法》第六条 no ability to work: 完全丧失/无, or, where the roster is blank, under the policy's
    child age (16) or at or over its elderly age (60)."""
    if member.labour in ("完全丧失", "无"):
        return True
    if member.labour is None:
        age = member.age(day)
        return age is not None and (age < policy.tekun_child_age or age >= policy.tekun_elderly_age)
    return False


def lost_ability(member: Member) -> bool:
    """Fully or partly lost the ability to work (the provincial 脱贫人口 rule)."""
    return member.labour in ("完全丧失", "部分丧失")


def classified_categories(member: Member, day: _dt.date, policy) -> list[str]:
    """青海省分类施保 (2018): the categories a person falls in (paid once even if in several)."""
    out = []
    wanted = policy.classified_categories
    if "重度残疾" in wanted and member.disability_grade in policy.classified_disability_grades:
        out.append("重度残疾")
    if "重病" in wanted and member.serious_illness:
        out.append("重病")
    age = member.age(day)
    if age is not None:
        if "老年" in wanted and age >= policy.classified_elderly_age:
            out.append("老年")
        if "未成年" in wanted and age < policy.classified_minor_age:
            out.append("未成年")
    return out


def single_person_ground(member: Member, policy) -> str | None:
    """民发〔2021〕57号单人户: why this member may be covered alone, or None."""
    if member.disability_grade in policy.single_person_disability_grades:
        return f"{member.disability_type or ''}{'一二三四'[member.disability_grade - 1]}级残疾"
    if member.disability_grade == 3 and member.disability_type in policy.single_person_grade3_types:
        return f"三级{member.disability_type}残疾"
    if policy.single_person_serious_illness and member.serious_illness:
        return "重病"
    return None
