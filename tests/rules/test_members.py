"""rules/members.py: 民发〔2021〕57号第十一条 co-resident members, ability to work, 分类施保 categories, 单人户."""

import datetime as dt

from dibao_cli.rules.members import (
    cannot_work,
    classified_categories,
    co_resident_members,
    covered_members,
    lost_ability,
    single_person_ground,
)
from rules.helpers import DAY, household, member, policy


def test_article_11_household_is_its_co_resident_members_and_tekun_are_not_covered():
    """民发〔2021〕57号第十一条 共同生活的家庭成员; 《特困人员认定办法》: 特困 people are not covered by 低保."""
    a, b, c = member("甲"), member("乙", co_resident=False), member("丙", tekun=True)
    assert co_resident_members(household(a, b, c)) == [a, c]
    assert covered_members([a, c]) == [a]


def test_ability_to_work_from_the_roster_or_the_policy_ages():
    """《特困人员认定办法》第六条 (no ability to work: under 16, 60 or over); the provincial 脱贫人口 rule (lost ability)."""
    p = policy()
    assert cannot_work(member(labour="完全丧失"), DAY, p)
    assert cannot_work(member(born=dt.date(1966, 11, 30)), DAY, p)  # 60 today
    assert not cannot_work(member(born=dt.date(1966, 12, 1)), DAY, p)  # 59
    assert cannot_work(member(born=dt.date(2010, 12, 1)), DAY, p)  # 15
    assert not cannot_work(member(born=dt.date(2010, 11, 30)), DAY, p)  # 16 today
    assert not cannot_work(member(born=dt.date(1950, 1, 1), labour="健全"), DAY, p)
    assert lost_ability(member(labour="部分丧失")) and not lost_ability(member(labour="健全"))


def test_classified_qinghai_2018_categories():
    """青海省分类施保（2018年）: 重度残疾 (grade 1-2), 重病, 老年 (60+), 未成年 (under 18)."""
    p = policy()
    assert classified_categories(member(born=dt.date(1950, 1, 1), disability_grade=1), DAY, p) == ["重度残疾", "老年"]
    assert classified_categories(member(born=dt.date(2010, 1, 1), serious_illness=True), DAY, p) == ["重病", "未成年"]
    assert classified_categories(member(born=dt.date(1980, 1, 1), disability_grade=3), DAY, p) == []


def test_single_person_ground_民发2021_57():
    """民发〔2021〕57号单人户: grade 1-2 disability, grade 3 intellectual or mental, serious illness."""
    p = policy()
    assert single_person_ground(member(disability_type="肢体", disability_grade=2), p) == "肢体二级残疾"
    assert single_person_ground(member(disability_type="智力", disability_grade=3), p) == "三级智力残疾"
    assert single_person_ground(member(disability_type="肢体", disability_grade=3), p) is None
    assert single_person_ground(member(serious_illness=True), p) == "重病"
