"""rules/temporary.py: 临时救助 amounts (国发〔2014〕47号; 民发〔2018〕23号)."""

from decimal import Decimal

from dibao_cli.rules import temporary
from rules.helpers import policy


def test_urgent_case_is_months_of_the_standard_capped_and_rounded_once():
    """国发〔2014〕47号: 400.00 x 2 months x 3 people = 2,400.00 ≤ cap 5 x 640.00 = 3,200.00; township limit 800.00."""
    a = temporary.amount(policy(), "农村", "急难型", "一般", 3, None)
    assert (a.by_months, a.cap, a.maximum, a.granted, a.capped) == (
        Decimal(2400), Decimal(3200), Decimal("2400.00"), Decimal("2400.00"), False)
    assert (a.township_limit, a.level) == (Decimal("800.00"), "县级审批")
    small = temporary.amount(policy(), "农村", "急难型", "一般", 1, Decimal("500.50"))
    assert (small.granted, small.level) == (Decimal("500.50"), "乡镇先行救助")


def test_amounts_shown_round_half_up_to_the_fen_once():
    """民发〔2018〕23号: the figures a clerk reads are the amounts rounded half up to the fen (604.505 -> 604.51,
    where rounding half to even would show 604.50), the same rounding as every other amount shown."""
    half = Decimal("604.505")
    a = temporary.Amount(half, 1, 1, half, Decimal("1209.01"), half, half, False, "乡镇先行救助", Decimal("0.005"))
    assert a.lines() == ["月低保标准 604.51 元 × 1 个月 × 1 人 = 604.51 元",
                         "每案上限 1209.01 元；最多可救助 604.51 元",
                         "审批金额 604.51 元",
                         "乡镇先行救助限额 0.01 元：由乡镇先行救助"]
