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
