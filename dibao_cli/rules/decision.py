"""The status of a household (低保, 渐退, 停保, 低保边缘, 不符合), decided in the order the rules are applied.

Each condition is one small function citing its article; `decide` puts them together. Amounts are annual fen
(exact Decimals), compared whole: nothing is rounded before a comparison. Nothing here writes text (the reasons
and `dibao explain` are worded in assess/explain.py from what is decided here).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import NamedTuple

from dibao_cli.rules.phase_out import phase_out_end
from dibao_cli.status import CURRENT_DIBAO_STATES, DIBAO, EXIT, INELIGIBLE, STATE_DIBAO, STATE_PHASE_OUT, TEKUN
from dibao_cli.status import MARGINAL as MARGINAL_STATUS
from dibao_cli.status import PHASE_OUT as PHASE_OUT_STATUS

# how the decision was reached (a reason code follows from each)
ALL_TEKUN = "all_tekun"
PROPERTY = "property"
BELOW = "below_standard"
PHASE_OUT = "phase_out"
PHASE_OUT_ENDED = "phase_out_ended"
MARGINAL = "marginal"
ABOVE_MARGINAL = "above_marginal"


class Decision(NamedTuple):
    status: str  # dibao_cli.status
    branch: str  # one of the constants above
    back_from_phase_out: bool = False  # 低保 again during a phase-out
    phase_out_start: _dt.date | None = None
    phase_out_end: _dt.date | None = None
    entering_phase_out: bool = False  # the phase-out starts with this assessment


def all_tekun(covered: int) -> bool:
    """《特困人员认定办法》（民发〔2021〕43号）; 民发〔2021〕57号: people supported as 特困 are not also 低保; a household
    whose co-resident members are all 特困 has no one left to cover."""
    return covered == 0


def below_standard(adjusted_fen: Decimal, annual_standard_fen: Decimal, members: int) -> bool:
    """民发〔2021〕57号: household per-capita income below the local standard, i.e. the adjusted annual income
    below the annual standard for every co-resident member."""
    return adjusted_fen < annual_standard_fen * members


def below_marginal(adjusted_fen: Decimal, annual_standard_fen: Decimal, members: int, multiplier: Decimal) -> bool:
    """国办发〔2023〕39号 低保边缘家庭: per-capita income below the policy's multiple of the standard."""
    return adjusted_fen < annual_standard_fen * members * multiplier


def currently_dibao(state: str | None) -> bool:
    """The roster records the household as 低保 now (normal cover or phase-out)."""
    return state in CURRENT_DIBAO_STATES


def in_phase_out(state: str | None, phase_out_start: _dt.date | None) -> bool:
    """The roster records a phase-out already running: state 渐退期, or 低保 with a phase-out start date."""
    return state == STATE_PHASE_OUT or (state == STATE_DIBAO and phase_out_start is not None)


def phase_out_period(state: str | None, start: _dt.date | None, day: _dt.date, months: int) -> tuple:
    """青海省民政厅: a 低保 household whose income rose above the standard keeps its benefit for a phase-out of
    the policy's months (not less than one year). (start, end, entering): a running phase-out keeps its start;
    otherwise it starts on `day`."""
    running = in_phase_out(state, start)
    if not running or start is None:
        start = day
    return start, phase_out_end(start, months), start == day and not running


def phase_out_over(day: _dt.date, end: _dt.date) -> bool:
    """青海省民政厅: when the phase-out has ended and income is still above the standard, cover stops (停保)."""
    return day > end


def single_person_income_below(own_adjusted_fen: Decimal, annual_standard_fen: Decimal) -> bool:
    """民发〔2021〕57号单人户: a member covered alone is assessed as a household of one on own income."""
    return own_adjusted_fen < annual_standard_fen


def stop_for_property(state: str | None) -> bool:
    """民发〔2021〕57号: a 低保 household whose property no longer passes is stopped, with written reasons."""
    return currently_dibao(state)


def amount_changed(state: str | None, status: str, current_fen: int | None, total: Decimal) -> Decimal | None:
    """民发〔2021〕57号第二十三条: a 低保 household whose monthly amount changes gets a change notice; the old amount
    (yuan) when it changed, else None."""
    if state != STATE_DIBAO or status != DIBAO or current_fen is None:
        return None
    old = Decimal(current_fen) / 100
    return old if old != total else None


def decide(*, covered: int, supported: int, property_ok: bool, adjusted_fen: Decimal, annual_standard_fen: Decimal,
           members: int, state: str | None, phase_out_start: _dt.date | None, day: _dt.date, phase_out_months: int,
           marginal_multiplier: Decimal) -> Decision:
    """The decision tree, in the order of the rules above: 特困 first, then property, then income against the
    standard (低保), then phase-out for a current 低保 household, then the 低保边缘 line."""
    if all_tekun(covered):
        return _TEKUN if supported else _NO_ONE
    if not property_ok:
        return _PROPERTY
    if below_standard(adjusted_fen, annual_standard_fen, members):
        return _BACK if in_phase_out(state, phase_out_start) else _BELOW
    if currently_dibao(state):
        start, end, entering = phase_out_period(state, phase_out_start, day, phase_out_months)
        if phase_out_over(day, end):
            return Decision(EXIT, PHASE_OUT_ENDED, False, start, end, entering)
        return Decision(PHASE_OUT_STATUS, PHASE_OUT, False, start, end, entering)
    if below_marginal(adjusted_fen, annual_standard_fen, members, marginal_multiplier):
        return _MARGINAL
    return _ABOVE_MARGINAL


# the decisions that carry no dates, made once (a hot path at 1M households)
_TEKUN, _NO_ONE = Decision(TEKUN, ALL_TEKUN), Decision(INELIGIBLE, ALL_TEKUN)
_PROPERTY = Decision(INELIGIBLE, PROPERTY)
_BELOW, _BACK = Decision(DIBAO, BELOW), Decision(DIBAO, BELOW, back_from_phase_out=True)
_MARGINAL, _ABOVE_MARGINAL = Decision(MARGINAL_STATUS, MARGINAL), Decision(INELIGIBLE, ABOVE_MARGINAL)


def branches(adjusted_fen: list, annual_standards_fen: list, members: list[int], states: list, marginal_multiplier: Decimal
             ) -> list[str]:
    """`decide` over columns of households that have someone to cover, no 特困 person and property passed (the
    columnar engine's households): each household's branch, tested in `decide`'s order (below the standard:
    低保; a current 低保 household above it: its phase-out starts; then the 边缘 line). The phase-out's dates are
    then the same for every household entering one (`phase_out_period` from the day); a household whose
    phase-out is already running (`in_phase_out`) has its own dates and is decided by `decide` itself."""
    return [BELOW if below_standard(a, s, n) else PHASE_OUT if currently_dibao(state)
            else MARGINAL if below_marginal(a, s, n, marginal_multiplier) else ABOVE_MARGINAL
            for a, s, n, state in zip(adjusted_fen, annual_standards_fen, members, states)]
