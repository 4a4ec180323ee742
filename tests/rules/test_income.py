"""rules/income.py: 民发〔2021〕57号第十一条 counted and excluded income, employment and rigid deductions."""

from decimal import Decimal

from dibao_cli.rules.income import adjusted_income, employment_deduction, member_income, rigid_deduction
from rules.helpers import member, policy


def test_article_11_counts_wages_and_leaves_out_excluded_items():
    """民发〔2021〕57号第十一条: wages counted; 基础养老金 not counted (十四五 rule in the province's file)."""
    income = member_income(member(incomes={"工资性收入": 600000, "基础养老金": 24000}), policy())
    assert (income.counted, income.excluded, income.by_category) == (600000, {"基础养老金": 24000}, {"工资性收入": 600000})


def test_article_11_employment_cost_is_a_capped_share_of_wages_in_rural_households():
    """民发〔2021〕57号第十一条 就业成本: 10 % of 6,000.00 = 600.00; of 20,000.00 capped at 1,440.00; urban: none."""
    p = policy()
    small = member_income(member(incomes={"工资性收入": 600000}), p)
    large = member_income(member(incomes={"工资性收入": 2000000}), p)
    assert employment_deduction(small, "农村", p) == Decimal(60000)
    assert employment_deduction(large, "农村", p) == Decimal(144000)
    assert employment_deduction(small, "城市", p) == 0


def test_article_11_adjusted_income_is_counted_minus_deductions_never_below_zero():
    """民发〔2021〕57号第十一条: counted − employment cost − rigid expenses, not below 0."""
    assert adjusted_income(600000, Decimal(60000), Decimal(0)) == Decimal(540000)
    assert adjusted_income(10000, Decimal(60000), Decimal(0)) == 0

def test_article_11_rigid_expenses_are_deducted_only_where_the_policy_enables_it():
    """民发〔2021〕57号第十一条 (刚性支出 may be deducted): the province leaves it off."""
    assert rigid_deduction([member(expenses={"医疗支出": 500000})], policy()) == 0
