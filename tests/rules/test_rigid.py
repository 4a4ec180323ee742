"""rules/rigid.py: 青海省刚性支出困难家庭认定（2025年）."""

from decimal import Decimal

from dibao_cli.rules import rigid
from rules.helpers import member, policy


def test_no_disposable_income_line_means_no_recognition():
    """青海省刚性支出困难家庭认定（2025年）: without the prefecture's line in force nothing is recognised."""
    p = policy()
    assert p.rural_disposable_income_annual is None
    assert rigid.recognise([member(expenses={"医疗支出": 600000})], 1000000, "农村", p, p.day) is None


def test_student_ground_and_share_shown_without_rounding_up():
    """青海省刚性支出困难家庭认定（2025年）: college students may be covered alone; 59.995 % never reads as 60 %."""
    assert rigid.student_ground(member(school_level="本科")) == "在校大学生（本科）"
    assert rigid.student_ground(member(school_level="高中")) is None
    assert rigid._pct(Decimal("0.59995")) == "59.995%"
    assert rigid._pct(Decimal("0.599999")) == "59.999%"


def test_amounts_in_the_recognition_text_round_half_up():
    """青海省刚性支出困难家庭认定（2025年）: a per-capita income of 60,450.5 fen reads 604.51 元 (half up, as every
    amount shown), not 604.50 (half to even)."""
    assert rigid._yuan(Decimal("60450.5")) == "604.51"
    assert rigid._yuan(Decimal("123456750.5")) == "1,234,567.51"
