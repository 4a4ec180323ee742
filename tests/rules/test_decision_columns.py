"""rules/decision.py over columns (the columnar engine): `branches` decides as `decide` for households with someone
to cover, no 特困 person, property passed and no phase-out running."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dibao_cli.rules import decision

DAY = dt.date(2026, 11, 30)


def test_qinghai_order_below_standard_phase_out_then_the_marginal_line():
    """民发〔2021〕57号 (below the standard: 低保), 青海省渐退 (a 低保 household above it), 国办发〔2023〕39号 (边缘 below
    1.5 x the standard), else 不符合; rural standard 4800 元/年 for two people."""
    got = decision.branches([Decimal(959999), Decimal(960000), Decimal(960000), Decimal(1439999), Decimal(1440000)],
                            [Decimal(480000)] * 5, [2] * 5, ["无", "无", "低保", "边缘", None], Decimal("1.5"))
    assert got == [decision.BELOW, decision.MARGINAL, decision.PHASE_OUT, decision.MARGINAL, decision.ABOVE_MARGINAL]


@settings(max_examples=400, deadline=None)
@given(adjusted=st.decimals(0, 10**8, places=2), standard=st.sampled_from((Decimal(480000), Decimal(768000), Decimal(1))),
       members=st.integers(1, 9), state=st.sampled_from((None, "低保", "无", "边缘", "特困")),
       multiplier=st.sampled_from((Decimal("1.5"), Decimal(2), Decimal("1.25"))))
def test_branches_decide_as_decide(adjusted, standard, members, state, multiplier):
    scalar = decision.decide(covered=members, supported=0, property_ok=True, adjusted_fen=adjusted,
                             annual_standard_fen=standard, members=members, state=state, phase_out_start=None, day=DAY,
                             phase_out_months=12, marginal_multiplier=multiplier)
    assert decision.branches([adjusted], [standard], [members], [state], multiplier) == [scalar.branch]
    if scalar.branch == decision.PHASE_OUT:
        start, end, entering = decision.phase_out_period(state, None, DAY, 12)
        assert (scalar.phase_out_start, scalar.phase_out_end, scalar.entering_phase_out) == (start, end, entering)
        assert (start, entering) == (DAY, True)
