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


def test_explain_json_gives_each_step_the_parameters_it_read_with_their_dated_source(run):
    """民发〔2021〕57号第二十三条 (the benefit and its rounding) and 青海省分类施保规定: `dibao explain --format json`
    lists, per step, the parameters the computation read, each with its value, start date, source and region."""
    data = run("explain", EXAMPLES / "roster.xlsx", "GH007", "--date", "2026-11-30", "--format", "json").json()
    steps = {s["title"]: s for s in data["household"]["steps"]}
    assert steps["家庭成员"]["parameters"] == []
    assert steps["人均收入与标准"]["parameters"] == [{
        "name": "rural_standard_annual", "label": "农村低保标准", "value": "4800", "unit": "元/人·年",
        "since": "2021-01-01", "source": "青海省农村最低生活保障标准（2020年底调整为每人每年4800元）",
        "region": "630000", "confirmed": True}]
    assert [p["name"] for p in steps["扣减"]["parameters"]] == [
        "employment_deduction_area_types", "rigid_deduction_enabled", "employment_deduction_share",
        "employment_deduction_cap_annual"]
    assert steps["扣减"]["parameters"][2]["value"] == "0.10"
    assert steps["扣减"]["parameters"][0]["value"] == ["农村"]
    benefit = {p["name"]: p for p in steps["月保障金"]["parameters"]}
    assert benefit["classified_share"] == {
        "name": "classified_share", "label": "分类施保：每人每月加发低保标准的比例", "value": "0.15", "unit": "",
        "since": "2018-01-01",
        "source": "青海省分类施保规定（2018年）：重度残疾人、重病患者、60周岁以上老年人、未成年人每人每月加发低保标准的15%",
        "region": "630000", "confirmed": True}
    assert (benefit["rounding"]["value"], benefit["rounding"]["since"], benefit["rounding"]["confirmed"]) == (
        "元", "2021-01-01", False)
    assert benefit["classified_disability_grades"]["value"] == [1, 2]
    income = {p["name"]: p for p in steps["家庭收入（近12个月）"]["parameters"]}
    assert (income["income_items.优待抚恤金"]["label"], income["income_items.优待抚恤金"]["value"]) == (
        "收入项目“优待抚恤金”", False)
    assert income["income_items.经营净收入"]["value"] is True
    assert steps["财产核查"]["parameters"][0] == {
        "name": "deposit_limit_months", "label": "存款及金融资产上限：人均不超过月低保标准的倍数", "value": 24,
        "unit": "个月", "since": "2021-01-01", "source": "《最低生活保障审核确认办法》（民发〔2021〕57号）家庭财产状况的规定",
        "region": "630000", "confirmed": False}
