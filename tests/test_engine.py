"""The columnar engine (assess/columns.py, assess/vector.py, reports/assess_json.py) and the per-household engine
(assess/household.py with `household_dict`) write byte-identical JSON: on the examples under both policies, on
generated clean, messy and mixed rosters, on a roster written to hit every branch the columnar engine claims,
and (tests/test_engine_random.py) on random households."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from dibao_cli.assess.household import _income_items, assess_roster, plan_assessment
from dibao_cli.assess.vector import assess_block
from dibao_cli.cli.common import resolve
from dibao_cli.idcard import build_id
from dibao_cli.reading.roster import read_rosters
from dibao_cli.reports import assess as assess_report
from dibao_cli.reports import assess_json

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 30)
COUNTY = ROOT / "examples" / "632521-共和县.toml"


def _policy(county: bool):
    return resolve("632521", (COUNTY,), DAY) if county else resolve(None, (), DAY)


def documents(roster, policy) -> tuple[bytes, bytes, bytes]:
    """(columnar, per household, from a kept assessment) JSON of one roster; every household the columnar
    engine decides is written from its figures (the real writer, counted on its way)."""
    written = []
    writer = assess_json.household_pieces
    assess_json.household_pieces = lambda d, *end: written.append(d.household.household_id) or writer(d, *end)
    try:
        columnar = b"".join(assess_report.json_chunks(plan_assessment(roster, policy, DAY), columnar=True))
    finally:
        assess_json.household_pieces = writer
    assert written == [d.household.household_id for d in decided(roster, policy) if d is not None]
    per_household = b"".join(assess_report.json_chunks(plan_assessment(roster, policy, DAY), columnar=False))
    kept = assess_report.as_json(assess_roster(roster, policy, DAY))
    return columnar, per_household, kept


def decided(roster, policy) -> list:
    """What the columnar engine decided for each pending household (None: left to the per-household path)."""
    assessment = plan_assessment(roster, policy, DAY)
    return assess_block(assessment.pending, policy, DAY, _income_items(policy))


@pytest.mark.parametrize("county", [False, True])
@pytest.mark.parametrize("name", ["roster.xlsx", "messy-roster.xlsx", "tiered-roster.xlsx"])
def test_examples_give_the_same_json_from_both_engines(name, county):
    roster = read_rosters([ROOT / "examples" / name], on_date=DAY)
    columnar, per_household, kept = documents(roster, _policy(county))
    assert columnar == per_household == kept
    assert columnar.count(b'"household_id"') >= 8


def test_the_example_roster_is_mostly_decided_on_columns():
    statuses = Counter(d.status if d else None for d in decided(read_rosters([ROOT / "examples" / "roster.xlsx"],
                                                                              on_date=DAY), _policy(False)))
    assert statuses["dibao"] >= 10 and statuses["marginal"] >= 3 and statuses["phase_out"] >= 1
    assert statuses["ineligible"] >= 1


@pytest.mark.parametrize("flags", [(), ("--messy",), ("--messy", "--mixed")], ids=["clean", "messy", "mixed"])
def test_generated_rosters_give_the_same_json_from_both_engines(tmp_path, flags):
    path = tmp_path / "roster.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), "6000", str(path), *flags],
                   check=True)
    roster = read_rosters([path], on_date=DAY)
    policy = _policy(False)
    columnar, per_household, kept = documents(roster, policy)
    assert columnar == per_household == kept
    results = decided(roster, policy)
    assert sum(1 for d in results if d is not None) > 0.6 * len(results)  # the columnar engine does the bulk


# --- a roster hitting every branch the columnar engine decides ---------------------------------------------------

HEADER = ["乡镇", "村(社区)", "户编号", "户主姓名", "姓名", "身份证号", "与户主关系", "性别", "出生日期", "城乡类别",
          "残疾类别", "残疾等级", "重病", "劳动能力", "共同生活", "脱贫户", "特困", "工资性收入", "经营净收入",
          "基础养老金", "高龄津贴", "存款及金融资产", "机动车辆", "房产套数", "工商登记", "当前保障类别", "渐退开始日期",
          "当前月保障金"]

# (household id, area, state, current benefit, property (deposits, vehicles, homes, business) or None,
#  members: (name, born, labour, disability grade, serious illness, co-resident, 特困, wage, business income,
#  basic pension, old-age allowance))
HOUSEHOLDS = [
    # 低保 with an employment deduction, an elderly member (分类施保) and a change of amount
    ("B01", "农村", "低保", 500, None, [("甲一", dt.date(1950, 3, 1), "部分丧失", None, "否", "是", "否", 3000, 0, 2160, 0),
                                      ("甲二", dt.date(1980, 5, 2), "有", None, "否", "是", "否", 3000, 0, 0, 0)]),
    # 低保, no one able to work: 特困 candidates
    ("B02", "农村", "无", None, None, [("乙一", dt.date(1990, 1, 9), "无", None, "否", "是", "否", 0, 0, 0, 0),
                                     ("乙二", dt.date(1940, 7, 1), "完全丧失", None, "否", "是", "否", 0, 0, 0, 1200)]),
    # 低保 in a city (no employment deduction there), just below the standard: the county's minimum applies
    ("B03", "城市", "无", None, None, [("丙一", dt.date(1985, 2, 2), "有", None, "否", "是", "否", 7600, 0, 0, 0)]),
    # 低保 whose amount does not change, property filled in and passing, a member not living with the household
    ("B04", "农村", "低保", 400, (0, 0, 1, "否"), [
        ("丁一", dt.date(1975, 4, 4), "有", None, "否", "是", "否", 0, 0, 0, 0),
        ("丁二", dt.date(1978, 8, 8), "有", None, "否", "否", "否", 50000, 0, 0, 0)]),
    # 低保 with wages capped (10 % over 1440 元) and a fractional fen deduction
    ("B05", "农村", "边缘", None, None, [("戊一", dt.date(1970, 1, 1), "有", None, "否", "是", "否", 20000, 0, 0, 0),
                                      ("戊二", dt.date(1972, 1, 1), "有", None, "否", "是", "否", 1234.56, 0, 0, 0),
                                      ("戊三", dt.date(2015, 6, 1), None, None, "否", "是", "否", 0, 0, 0, 0)]),
    # 低保边缘: between the standard and 1.5 times it, no one who could be covered alone
    ("B06", "农村", "无", None, None, [("己一", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 0, 6000, 0, 0),
                                     ("己二", dt.date(1982, 1, 1), "部分丧失", None, "否", "是", "否", 0, 6000, 0, 0)]),
    # 不符合: above the 边缘 line
    ("B07", "城市", "边缘", None, None, [("庚一", dt.date(1980, 1, 1), "完全丧失", None, "否", "是", "否", 100000, 0, 0, 0)]),
    # entering a phase-out, with and without the current amount
    ("B08", "农村", "低保", 350, None, [("辛一", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 0, 9000, 0, 0)]),
    ("B09", "农村", "低保", None, None, [("壬一", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 0, 9000, 0, 0)]),
    # 低保边缘 with a member covered alone (单人户), and with one whose own income is too high for it
    ("B10", "农村", "无", None, None, [("子一", dt.date(1980, 1, 1), "完全丧失", 2, "否", "是", "否", 0, 3000, 0, 0),
                                     ("子二", dt.date(1982, 1, 1), "部分丧失", None, "否", "是", "否", 0, 9000, 0, 0)]),
    ("B11", "农村", "边缘", None, None, [("卯一", dt.date(1980, 1, 1), "有", None, "是", "是", "否", 0, 6000, 0, 0),
                                      ("卯二", dt.date(1982, 1, 1), "有", None, "否", "是", "否", 0, 5000, 0, 0)]),
    # a running phase-out (start dates in PHASE_OUT_STARTS; 12 months end 2026-11-30 for a start on 2025-12-01):
    # still in it on its last day, with and without the current amount, 渐退期 or 低保 with a start date
    ("R01", "农村", "渐退期", 200, None, [("辰一", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 0, 9000, 0, 0)]),
    ("R02", "城市", "渐退期", None, None, [("辰二", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 0, 12000, 0, 0)]),
    ("R03", "城市", "低保", 300, None, [("辰三", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 24000, 0, 0, 0),
                                     ("辰四", dt.date(1950, 1, 1), "完全丧失", None, "否", "是", "否", 0, 0, 0, 0)]),
    ("R04", "农村", "低保", None, None, [("辰五", dt.date(1980, 1, 1), "部分丧失", None, "否", "是", "否", 0, 9000, 0, 0)]),
    # the period over on its first day out: 停保 (脱贫户 members flagged: no one is covered now)
    ("R05", "农村", "渐退期", 200, None, [("巳一", dt.date(1980, 1, 1), "部分丧失", None, "否", "是", "否", 0, 9000, 0, 0)]),
    ("R06", "城市", "低保", None, None, [("巳二", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 12000, 0, 0, 0)]),
    # income back below the standard during it: 低保 again (an amount change only for a 低保 state)
    ("R07", "农村", "渐退期", 200, None, [("午一", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 0, 1000, 0, 0),
                                       ("午二", dt.date(1945, 1, 1), "部分丧失", None, "否", "是", "否", 0, 0, 0, 0)]),
    ("R08", "城市", "低保", 100, None, [("午三", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 3000, 0, 0, 0)]),
    ("R09", "农村", "渐退期", None, None, [("午四", dt.date(1940, 1, 1), "完全丧失", None, "否", "是", "否", 0, 0, 0, 0)]),
    # 渐退期 without a start date: the rule's own dates from the day
    ("R10", "农村", "渐退期", 150, None, [("未一", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 0, 9000, 0, 0)]),
    # decided one at a time: a 特困 member, property failed (also in a running phase-out)
    ("P01", "农村", "无", None, None, [("癸一", dt.date(1940, 1, 1), "完全丧失", None, "否", "是", "是", 0, 0, 0, 0)]),
    ("P03", "农村", "渐退期", 200, (0, 2, 1, "否"), [
        ("丑一", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 0, 9000, 0, 0)]),
    ("P04", "农村", "无", None, (0, 2, 1, "否"), [("寅一", dt.date(1980, 1, 1), "有", None, "否", "是", "否", 0, 0, 0, 0)]),
]

LAST_DAY_IN, FIRST_DAY_OUT = dt.date(2025, 12, 1), dt.date(2025, 11, 30)  # starts of a phase-out ending on DAY, before
PHASE_OUT_STARTS = {"R01": LAST_DAY_IN, "R02": LAST_DAY_IN, "R03": dt.date(2026, 3, 1), "R04": LAST_DAY_IN,
                    "R05": FIRST_DAY_OUT, "R06": FIRST_DAY_OUT, "R07": dt.date(2026, 1, 1), "R08": LAST_DAY_IN,
                    "R09": FIRST_DAY_OUT, "P03": dt.date(2026, 1, 1)}


LIFTED_OUT = {"B01", "B06", "B07", "B08", "B10", "R04", "R05", "R07"}  # 脱贫户: flagged members only where the household is not covered


def write_branch_roster(path: Path) -> None:
    sequence = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for hid, area, state, benefit, prop, members in HOUSEHOLDS:
            deposits, vehicles, homes, business = prop or ("", "", "", "")
            for index, (name, born, labour, grade, ill, co, tekun, wage, biz, pension, old_age) in enumerate(members):
                sequence += 2
                out.writerow(["恰卜恰镇", "西台村", hid, members[0][0], name, build_id("632521", born, sequence + 1),
                              "户主" if index == 0 else "子", "男", born.isoformat(), area, "肢体" if grade else "",
                              f"{grade}级" if grade else "", ill, labour or "", co, "是" if hid in LIFTED_OUT else "否", tekun, wage or "", biz or "",
                              pension or "", old_age or "", deposits, vehicles, homes, business, state,
                              PHASE_OUT_STARTS.get(hid, ""), benefit or ""])


@pytest.mark.parametrize("county", [False, True])
def test_every_branch_the_columnar_engine_claims_gives_the_same_json(tmp_path, county):
    path = tmp_path / "branches.csv"
    write_branch_roster(path)
    roster = read_rosters([path], on_date=DAY)
    assert roster.error_count() == 0
    policy = _policy(county)
    columnar, per_household, kept = documents(roster, policy)
    assert columnar == per_household == kept
    by_id = {d.household.household_id: d for d in decided(roster, policy) if d is not None}
    # the P households go through assess_household
    assert sorted(by_id) == [f"B{i:02d}" for i in range(1, 12)] + [f"R{i:02d}" for i in range(1, 11)]
    codes = {hid: (d.status, [c for c, _, _ in d.reasons], [c for c, _, _ in d.flags]) for hid, d in by_id.items()}
    assert codes["B01"] == ("dibao", ["below_standard"], ["amount_changed"])
    assert codes["B02"] == ("dibao", ["below_standard"], ["tekun_candidate", "tekun_candidate"])
    assert codes["B04"] == ("dibao", ["below_standard"], [])
    assert codes["B06"] == ("marginal", ["marginal"], ["lifted_out_not_covered"])
    assert codes["B07"] == ("ineligible", ["above_marginal"], ["lifted_out_not_covered"])
    assert codes["B08"] == ("phase_out", ["above_standard", "phase_out"], [])
    assert codes["B09"] == ("phase_out", ["above_standard", "phase_out"], ["benefit_unknown"])
    assert codes["B10"] == ("single_person", ["marginal", "single_person"], ["lifted_out_not_covered"])
    assert codes["B11"] == ("marginal", ["marginal", "single_person_income"], [])
    assert [(c.member.name, c.ground) for c in by_id["B10"].singles] == [("子一", "肢体二级残疾")]
    assert by_id["B01"].breakdown.classified == 6000  # one elderly member: 15 % of 400.00
    assert by_id["B01"].excluded == {"基础养老金": 216000}
    assert by_id["B05"].employment == Decimal("156345.6")  # capped at 1440 元; 10 % of 1234.56 元 in exact fen
    assert codes["R01"] == codes["R03"] == ("phase_out", ["above_standard", "phase_out"], [])
    assert codes["R02"] == codes["R04"] == ("phase_out", ["above_standard", "phase_out"], ["benefit_unknown"])
    assert codes["R05"] == ("exit", ["above_standard", "phase_out_ended"], ["lifted_out_not_covered"])
    assert codes["R06"] == ("exit", ["above_standard", "phase_out_ended"], [])
    assert codes["R07"] == ("dibao", ["below_standard", "phase_out_back"], [])
    assert codes["R08"] == ("dibao", ["below_standard", "phase_out_back"], ["amount_changed"])
    assert codes["R09"] == ("dibao", ["below_standard", "phase_out_back"], ["tekun_candidate"])
    assert codes["R10"] == ("phase_out", ["above_standard", "phase_out"], [])
    assert by_id["R01"].phase_out == (LAST_DAY_IN, DAY) and by_id["R01"].total == 200
    assert by_id["R02"].total is None
    assert by_id["R05"].phase_out == (FIRST_DAY_OUT, DAY - dt.timedelta(days=1)) and by_id["R05"].total == 0
    assert by_id["R10"].phase_out == (DAY, dt.date(2027, 11, 29))
    assert by_id["B03"].breakdown.minimum_top_up == (2333 if county else 0)  # 6.67 元 raised to the county's 30 元


def test_households_a_per_household_rule_applies_to_are_left_to_the_per_household_path():
    """The columnar engine's predicate: 特困 people, supporters, listed expenses, a 刚性支出 or 单人户 state, or
    no co-resident member send a household to `assess_household` (a running phase-out does not)."""
    from dibao_cli.assess.columns import simple_household
    from dibao_cli.model import Household, Member

    def case(state=None, lifted_out=None, phase_out_start=None, **member_values):
        m = Member("名册.csv", "名册", 2)
        for key, value in member_values.items():
            setattr(m, key, value)
        h = Household("X1", "名册.csv", "名册", 2)
        h.state, h.lifted_out, h.phase_out_start, h.area_type = state, lifted_out, phase_out_start, "农村"
        h.members.append(m)
        return simple_household(h, [x for x in h.members if x.co_resident is not False])

    assert case() and case(state="低保") and case(state="边缘") and case(lifted_out=False) and case(lifted_out=True)
    assert not case(tekun=True)
    assert not case(supporter="无")
    assert not case(expenses={"医疗支出": 100})
    assert case(state="渐退期") and case(state="低保", phase_out_start=DAY)
    assert not case(state="刚性支出") and not case(state="单人户")
    assert not case(co_resident=False)


@pytest.mark.parametrize("heads", [(), (True,), (True, True), (False, True, False)])
def test_the_head_written_by_the_template_is_the_households_head_label(heads):
    from dibao_cli.model import Household, Member
    from dibao_cli.reports.assess_json import _head_label

    h = Household("X1", "名册.csv", "名册", 2)
    h.head_name = "户主栏"
    for index, is_head in enumerate(heads):
        m = Member("名册.csv", "名册", 2 + index)
        m.name, m.is_head = f"成员{index}", is_head
        h.members.append(m)
    assert _head_label(h) == h.head_label


def test_the_engine_switch_reaches_the_json_command(run, monkeypatch):
    """DIBAO_ENGINE=household makes `assess --format json` assess every household one at a time (no columnar
    chunk is written), with the same bytes as the columnar engine."""
    written = []
    real = assess_json.columnar_chunks

    def spy(*args):
        for chunk in real(*args):
            written.append(chunk)
            yield chunk

    monkeypatch.setattr(assess_json, "columnar_chunks", spy)
    args = ("assess", ROOT / "examples" / "roster.xlsx", "--date", DAY.isoformat(), "--format", "json")
    columnar = run(*args)
    assert columnar.code == 0 and written
    written.clear()
    monkeypatch.setenv("DIBAO_ENGINE", "household")
    per_household = run(*args)
    assert per_household.code == 0 and written == []
    assert per_household.out == columnar.out
