"""The workbook and CSV rows of a household the columnar engine decided, made with memos (reports/decided_rows.py), are
the rows assess_sheets.household_row and member_rows make of the same result with its members' figures (the
rules applied member by member): every cell equal and of the same type, on the examples under both policies, on
generated clean, messy and mixed rosters, and on random households; the memos also when they are emptied on the
way."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibao_cli.assess.decided_result import DecidedResult, decided_results
from dibao_cli.assess.household import _income_items, plan_assessment
from dibao_cli.cli.common import resolve
from dibao_cli.reading.roster import read_rosters
from dibao_cli.reports import assess_sheets, decided_rows
from dibao_cli.reports.decided_rows import DecidedRows
from test_engine_random import rosters

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 30)
COUNTY = ROOT / "examples" / "632521-共和县.toml"
POLICIES = {"province": resolve(None, (), DAY), "county": resolve("632521", (COUNTY,), DAY)}
MASK = lambda v: (v or "")[:6] + "********"  # noqa: E731 (a masking like the CLI's, to see it applied)


def _typed(rows: list) -> list:
    """The cells with their types: 1 == 1.0 == True in Python, never in a spreadsheet."""
    return [[(type(v).__name__, v) for v in row] for row in rows]


def _compare(roster, policy) -> int:
    """Both ways give the same rows for every decided household; how many households were compared."""
    expected = [r for r in decided_results(plan_assessment(roster, policy, DAY), member_figures=True)
                if type(r) is DecidedResult]
    bare = [r for r in decided_results(plan_assessment(roster, policy, DAY)) if type(r) is DecidedResult]
    assert [r.household.household_id for r in bare] == [r.household.household_id for r in expected]
    made = DecidedRows(policy, DAY, MASK, _income_items(policy))
    for full, r in zip(expected, bare):
        assert _typed([made.household(r)]) == _typed([assess_sheets.household_row(full, numeric=True)])
        assert _typed([made.household_text(r)]) == _typed([assess_sheets.household_row(full)])
        assert _typed(made.members(r)) == _typed(assess_sheets.member_rows(full, DAY, MASK))
    return len(expected)


@pytest.mark.parametrize("which", sorted(POLICIES))
@pytest.mark.parametrize("name", ["roster.xlsx", "messy-roster.xlsx", "tiered-roster.xlsx"])
def test_examples_give_the_same_rows_both_ways(name, which):
    compared = _compare(read_rosters([ROOT / "examples" / name], on_date=DAY), POLICIES[which])
    if name == "roster.xlsx":
        assert compared >= 15


@pytest.mark.parametrize("flags", [(), ("--messy",), ("--messy", "--mixed")], ids=["clean", "messy", "mixed"])
def test_generated_rosters_give_the_same_rows_both_ways(tmp_path, flags, monkeypatch):
    path = tmp_path / "roster.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), "3000", str(path), *flags],
                   check=True)
    roster = read_rosters([path], on_date=DAY)
    assert _compare(roster, POLICIES["province"]) > 500
    monkeypatch.setattr(decided_rows, "MEMO_LIMIT", 3)  # the memos emptied every few households
    assert _compare(roster, POLICIES["county"]) > 500


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(roster=rosters(), which=st.sampled_from(sorted(POLICIES)))
def test_random_households_give_the_same_rows_both_ways(roster, which):
    _compare(roster, POLICIES[which])


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.integers(-(10**15), 10**15), st.decimals(-(10**12), 10**12, places=3)))
def test_money_texts_of_whole_fen_are_the_rounded_ones(fen):
    """The short cuts give the very texts of the rounding they skip."""
    from decimal import Decimal

    from dibao_cli.reports.assess import f2y, y

    assert decided_rows._fen_text(fen) == y(fen / 100)
    if type(fen) is int:
        other = fen // 3
        assert y(Decimal(f2y(fen)) + Decimal(f2y(other))) == f2y(fen + other)
        assert y(Decimal(f2y(fen))) == f2y(fen)
