"""The texts the columnar engine and its JSON writer make once per distinct value (assess/columns.py `Memo` in
reports/assess_json.py, assess/vector.py's reasons per resolved policy) are the texts made each time: for any amount, int or Decimal,
after the memo was emptied, and for a roster assessed again under a policy whose memo is already full."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import orjson
from hypothesis import given
from hypothesis import strategies as st

from dibao_cli.assess.household import _income_items, plan_assessment
from dibao_cli.assess.vector import assess_block
from dibao_cli.cli.common import resolve
from dibao_cli.reading.roster import read_rosters
from dibao_cli.reports.assess import f2y, y
from dibao_cli.assess.columns import Memo
from dibao_cli.reports.assess_json import _FEN, _YUAN, household_bytes

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 30)

amounts = st.one_of(
    st.integers(-10**9, 10**9),
    st.decimals(min_value=-10**7, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-10**7, max_value=10**7, places=6, allow_nan=False, allow_infinity=False),
    st.integers(-10**6, 10**6).map(lambda n: Decimal(n) / 7),
)


@given(st.lists(amounts, max_size=40))
def test_memoised_money_is_the_text_made_each_time(values):
    for value in values:
        assert _FEN[value] == orjson.dumps(f2y(value))
        assert _YUAN[value] == orjson.dumps(y(value))


@given(st.integers(-10**6, 10**6))
def test_equal_ints_and_decimals_share_one_text(fen):
    for value in (Decimal(fen), Decimal(fen).quantize(Decimal("0.01")), fen, Decimal(fen) * 1):
        assert _FEN[value] == orjson.dumps(f2y(fen))
        assert _YUAN[value] == orjson.dumps(y(fen))


class _Tiny(Memo):
    LIMIT = 3


def test_a_full_memo_is_emptied_and_still_gives_each_text():
    memo = _Tiny(lambda fen: orjson.dumps(f2y(fen)))
    for fen in list(range(-5, 20)) * 2:
        assert memo[fen] == orjson.dumps(f2y(fen))
        assert len(memo) <= _Tiny.LIMIT


def test_a_roster_assessed_again_under_the_same_policy_gives_the_same_bytes():
    roster = read_rosters([ROOT / "examples" / "roster.xlsx"], on_date=DAY)

    def json_of(policy):
        pending = plan_assessment(roster, policy, DAY).pending
        return [None if d is None else household_bytes(d)
                for d in assess_block(pending, policy, DAY, _income_items(policy))]

    policy = resolve(None, (), DAY)
    first = json_of(policy)
    assert sum(1 for b in first if b is not None) > 0
    assert json_of(policy) == first  # the reasons' memo now full
    assert json_of(resolve(None, (), DAY)) == first  # a fresh policy, an empty memo
