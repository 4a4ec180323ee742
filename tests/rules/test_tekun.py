"""rules/tekun.py: 《特困人员认定办法》（民发〔2021〕43号）第六、七、八条 and the support amounts."""

import datetime as dt
from decimal import Decimal

from dibao_cli.rules import tekun
from dibao_cli.rules.income import member_income
from rules.helpers import DAY, member, policy


def _decide(*members):
    p = policy()
    return tekun.decide(list(members), [member_income(m, p) for m in members], lambda: [], p, DAY,
                        p.annual_standard_fen("农村"), lambda entry: entry.source)


def test_article_6_no_ability_to_work_by_age_or_disability():
    """第六条：无劳动能力 (under 16, 60 or over, or the listed disability grades)."""
    p = policy()
    assert tekun.no_ability_grounds(member(born=dt.date(1950, 1, 1)), DAY, p) == ["60周岁以上"]
    assert tekun.no_ability_grounds(member(born=dt.date(2015, 1, 1)), DAY, p) == ["未满16周岁"]
    assert tekun.no_ability_grounds(member(disability_type="肢体", disability_grade=1), DAY, p) == ["肢体一级残疾"]
    assert tekun.no_ability_grounds(member(), DAY, p) == []


def test_articles_6_to_8_supported_with_basic_living_and_care():
    """第六、七、八条 met: 960.00 basic + 850.00 care (全失能) = 1,810.00 元/月, 分散供养 paid to the person."""
    [d] = _decide(member(born=dt.date(1950, 1, 1), supporter="无", self_care="全失能"))
    assert (d.outcome, d.basic, d.care, d.total, d.payee) == ("supported", Decimal(960), Decimal(850), Decimal(1810), "本人")


def test_article_7_income_at_the_standard_refuses():
    """第七条：本人收入低于当地低保标准; 4,800.00 a year is not below 4,800.00."""
    [d] = _decide(member(born=dt.date(1950, 1, 1), supporter="无", incomes={"工资性收入": 480000}))
    assert d.outcome == "refused"
    assert [c for c, _, _ in d.reasons] == ["tekun_income"]


def test_article_8_a_supporter_able_to_support_ends_existing_support():
    """第八条：有具备履行能力的法定义务人 -> an existing 特困 person's support ends."""
    [d] = _decide(member(born=dt.date(1950, 1, 1), tekun=True, supporter="有履行能力"))
    assert (d.outcome, [c for c, _, _ in d.reasons]) == ("ended", ["tekun_supporter"])
    assert tekun.floor_shortfall(policy(), Decimal(640)) is None  # 960 >= 1.3 x 640 (国发〔2016〕14号 floor)


def test_own_income_in_the_reasons_rounds_half_up():
    """《特困人员认定办法》（民发〔2021〕43号）第七条: an own income of 60,450.5 fen reads 604.51 元 (half up), never 604.50."""
    assert tekun._yuan(Decimal("60450.5")) == "604.51"
