"""rules/decision.py: the status decision, one condition per article, and the tree that puts them together."""

import datetime as dt
from decimal import Decimal

from dibao_cli.rules import decision as rules
from rules.helpers import DAY

STANDARD = Decimal(480000)  # 4,800.00 元 a year: 400.00 a month


def decide(adjusted, members=2, state=None, start=None, covered=2, supported=0, property_ok=True):
    return rules.decide(covered=covered, supported=supported, property_ok=property_ok, adjusted_fen=Decimal(adjusted),
                        annual_standard_fen=STANDARD, members=members, state=state, phase_out_start=start, day=DAY,
                        phase_out_months=12, marginal_multiplier=Decimal("1.5"))


def test_below_standard_民发2021_57_is_dibao_and_exactly_at_the_standard_is_not():
    """民发〔2021〕57号：家庭人均收入低于当地低保标准 (compared on exact annual fen, never rounded first)."""
    assert decide(959999) == rules.Decision("dibao", rules.BELOW)
    assert decide(960000) == rules.Decision("marginal", rules.MARGINAL)
    assert rules.below_standard(Decimal(959999), STANDARD, 2) and not rules.below_standard(Decimal(960000), STANDARD, 2)


def test_all_tekun_特困人员认定办法_comes_first():
    """《特困人员认定办法》: no one left to cover -> 特困 (when someone is supported), never 低保."""
    assert decide(0, covered=0, supported=2) == rules.Decision("tekun", rules.ALL_TEKUN)
    assert decide(0, covered=0, supported=0) == rules.Decision("ineligible", rules.ALL_TEKUN)


def test_property_民发2021_57_fails_before_income_is_compared():
    """民发〔2021〕57号：家庭财产状况符合规定, checked before income."""
    assert decide(0, property_ok=False) == rules.Decision("ineligible", rules.PROPERTY)
    assert rules.stop_for_property("低保") and not rules.stop_for_property(None)


def test_phase_out_青海_a_current_household_above_the_standard_gets_12_months():
    """青海省民政厅：人均收入超过低保标准的给予不少于1年的渐退期."""
    entering = decide(1000000, state="低保")
    assert entering == rules.Decision("phase_out", rules.PHASE_OUT, False, DAY, dt.date(2027, 11, 29), True)
    running = decide(1000000, state="渐退期", start=dt.date(2026, 1, 1))
    assert running == rules.Decision("phase_out", rules.PHASE_OUT, False, dt.date(2026, 1, 1), dt.date(2026, 12, 31), False)
    ended = decide(1000000, state="渐退期", start=dt.date(2025, 11, 1))
    assert ended == rules.Decision("exit", rules.PHASE_OUT_ENDED, False, dt.date(2025, 11, 1), dt.date(2026, 10, 31), False)
    back = decide(100000, state="渐退期", start=dt.date(2026, 1, 1))
    assert back == rules.Decision("dibao", rules.BELOW, back_from_phase_out=True)


def test_marginal_国办发2023_39_is_below_one_and_a_half_times_the_standard():
    """国办发〔2023〕39号 低保边缘家庭: 1.5 x 9,600.00 = 14,400.00 a year for two people."""
    assert decide(1439999) == rules.Decision("marginal", rules.MARGINAL)
    assert decide(1440000) == rules.Decision("ineligible", rules.ABOVE_MARGINAL)


def test_single_person_and_amount_change_民发2021_57():
    """民发〔2021〕57号单人户 (own income below the standard); 第二十三条 a changed amount gets a change notice."""
    assert rules.single_person_income_below(Decimal(479999), STANDARD)
    assert not rules.single_person_income_below(Decimal(480000), STANDARD)
    assert rules.amount_changed("低保", "dibao", 30000, Decimal("310.00")) == Decimal("300.00")
    assert rules.amount_changed("低保", "dibao", 31000, Decimal("310.00")) is None
    assert rules.amount_changed(None, "dibao", 30000, Decimal("310.00")) is None
