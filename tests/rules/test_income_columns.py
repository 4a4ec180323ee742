"""rules/income.py over columns (the columnar engine): 民发〔2021〕57号第十一条 income and 就业成本 give, member by
member, what the scalar rules give."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dibao_cli.assess.household import _income_items
from dibao_cli.rules.income import ItemKinds, employment_deduction, employment_deductions, income_parts, member_income
from rules.helpers import member, policy

ITEMS = ("工资性收入", "经营净收入", "转移净收入", "基础养老金", "高龄津贴", "优待抚恤金", "草原生态保护补助奖励")


def test_article_11_income_parts_are_counted_wage_and_excluded_items():
    """民发〔2021〕57号第十一条: wages and business income counted, the wage part kept for 就业成本; 基础养老金 not
    counted, an excluded item of 0 not listed."""
    parts = income_parts({"工资性收入": 600000, "经营净收入": 120000, "基础养老金": 24000, "高龄津贴": 0},
                         ItemKinds(_income_items(policy())))
    assert parts == (720000, 600000, {"基础养老金": 24000})


def test_article_11_employment_cost_over_a_column_of_members():
    """民发〔2021〕57号第十一条 就业成本: 10 % of wages, capped at 1,440.00 a member, rural households only."""
    got = employment_deductions([600000, 2000000, 600000, 0, -5000, 123456], ["农村", "农村", "城市", "农村", "农村", "农村"],
                                policy())
    assert got == [Decimal(60000), Decimal(144000), 0, 0, 0, Decimal("12345.6")]


fen = st.integers(-10**9, 10**9)


@settings(max_examples=300, deadline=None)
@given(incomes=st.dictionaries(st.sampled_from(ITEMS), fen, max_size=len(ITEMS)),
       area=st.sampled_from(("农村", "城市")))
def test_article_11_the_column_forms_agree_with_the_scalar_rules(incomes, area):
    p = policy()
    scalar = member_income(member(incomes=incomes), p)
    counted, wage, excluded = income_parts(incomes, ItemKinds(p.income_item))
    assert (counted, excluded or {}) == (scalar.counted, scalar.excluded)
    assert employment_deductions([wage], [area], p) == [employment_deduction(scalar, area, p)]
