"""rules/benefit.py: 民发〔2021〕57号第二十三条 差额, 青海分类施保, the minimum and the one rounding."""

from decimal import Decimal

from dibao_cli.rules.benefit import classified, differential, round_benefit, with_minimum


def test_differential_article_23_is_standard_minus_per_capita_income_times_covered():
    """民发〔2021〕57号第二十三条: (400.00 − 1000.00 ÷ 12 ÷ 2) × 2 = 716.666… 元, unrounded."""
    assert differential(Decimal(480000), Decimal(100000), 2, 2) == Decimal(480000 * 2 - 100000) * 2 / 2400
    assert round_benefit(differential(Decimal(480000), Decimal(100000), 2, 2), Decimal(1)) == Decimal("717.00")
    assert differential(Decimal(480000), Decimal(100000), 2, 1) == Decimal(860000) / 2400  # one 特困 member
    assert differential(Decimal(480000), Decimal(0), 0, 0) == 0


def test_classified_qinghai_2018_is_share_of_the_standard_per_person():
    """青海省分类施保（2018年）: 15 % of 400.00 for each of 2 people = 120.00 元."""
    assert classified(Decimal(480000), Decimal("0.15"), 2) == Decimal("120.00")
    assert classified(Decimal(480000), Decimal("0.15"), 0) == 0


def test_minimum_raises_only_a_positive_benefit_and_rounding_is_once_half_up():
    """民发〔2021〕57号第二十三条 with the county's minimum and rounding unit."""
    assert with_minimum(Decimal("12.5"), Decimal(30)) == (Decimal(30), True)
    assert with_minimum(Decimal(0), Decimal(30)) == (Decimal(0), False)
    assert with_minimum(Decimal("45.5"), Decimal(30)) == (Decimal("45.5"), False)
    assert round_benefit(Decimal("390.005"), Decimal("0.01")) == Decimal("390.01")
    assert round_benefit(Decimal("390.45"), Decimal("0.1")) == Decimal("390.50")
    assert round_benefit(Decimal("390.5"), Decimal(1)) == Decimal("391.00")
