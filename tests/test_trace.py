"""The recorded trace of an assessment (assess/trace.py): each step's inputs, the parameters it read with their
dated source, and its result; explain is rendered from it, and recording changes no figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import EXAMPLES
from dibao_cli.assess.household import assess_household, assess_roster
from dibao_cli.cli.assess import resolve
from dibao_cli.reading.roster import read_rosters
from dibao_cli.reports.assess import household_dict
from rules.helpers import DAY, household, member, policy


def test_each_step_records_the_parameters_it_read_with_their_dated_source():
    """民发〔2021〕57号第二十三条: a 低保 household's benefit step records 分类施保 and the rounding unit it used."""
    h = household(member("甲", born=dt.date(1950, 1, 1), incomes={"工资性收入": 100000}), member("乙"),
                  deposits=0, vehicles=0, homes=1)
    r = assess_household(h, policy(), DAY, trace=True)
    assert (r.status, r.total) == ("dibao", Decimal("785.00"))
    assert [record.step for record in r.trace] == ["income", "members", "deductions", "per_capita", "property",
                                                   "status", "benefit"]
    benefit = r.trace.get("benefit")
    share = benefit.parameter("classified_share")
    assert (share.value, share.since, share.region) == (Decimal("0.15"), dt.date(2018, 1, 1), "630000")
    assert share.source
    assert benefit.parameter("rounding").value == Decimal(1)
    assert (benefit.result.total, benefit.result.breakdown) == (r.total, r.breakdown)
    assert benefit.inputs["covered"] == 2 and benefit.inputs["adjusted"] == Decimal(90000)
    status = r.trace.get("status")
    assert status.result.status == "dibao"
    assert {u.name for u in status.parameters} >= {"phase_out_months", "marginal_multiplier", "rural_standard_annual"}
    assert {u.name for u in r.trace.get("property").parameters} >= {"deposit_limit_months", "max_vehicles", "max_homes"}
    unknown = assess_household(household(member()), policy(), DAY, trace=True)  # no property filled in
    assert unknown.trace.get("property").parameters == ()  # nothing compared, nothing read
    assert r.trace.get("income").parameter("income_items.工资性收入").value is True
    # the 月保障金 step is the benefit record, worded
    step = next(s for s in r.steps if s.title == "月保障金")
    assert step.lines[-1] == f"月保障金 = {r.breakdown.equation()}" == "月保障金 = 差额 725.00 + 分类施保 60.00 = 785.00 元"


def test_nothing_is_recorded_unless_asked():
    r = assess_household(household(member()), policy(), DAY)
    assert (r.trace, r.steps) == (None, None)


def test_recording_changes_no_figure_reason_or_flag():
    """Every household of the example rosters: the JSON with and without a trace is the same."""
    day = dt.date(2026, 11, 30)
    for roster, region, files in (("roster.xlsx", "632521", (EXAMPLES / "632521-共和县.toml",)),
                                  ("tiered-roster.xlsx", "632521", (EXAMPLES / "632521-共和县.toml",))):
        data = read_rosters([EXAMPLES / roster], on_date=day)
        at = resolve(region, files, day)
        plain = [household_dict(r) for r in assess_roster(data, at, day).results]
        traced = assess_roster(data, at, day, trace=True).results
        assert [household_dict(r) for r in traced] == plain
        assert all(r.steps for r in traced)
