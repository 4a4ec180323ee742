"""刚性支出困难家庭 (青海省, 2025) with hand-computed figures; county line: rural previous-year per-capita
disposable income 15000 元 (a county value in a test policy file); required share 60 %; valid 12 months."""

import datetime as dt
from decimal import Decimal

import pytest

from conftest import DAY, person
from dibao_cli.policy import PolicyAt, load_policy
from dibao_cli.model import Member
from dibao_cli.rules import rigid
from test_rules import one

COUNTY = '''[region]
code = "632521"
[parameters.rural_disposable_income_annual]
"2026-01-01" = { value = 15000, source = "本州统计公报" }
'''


@pytest.fixture
def county(tmp_path):
    path = tmp_path / "county.toml"
    path.write_text(COUNTY, encoding="utf-8")
    return path


def family(medical=8000, **extra):
    """20000 a year for 2 people: 833.33 a month, above 1.5 x 400 = 600 (not 边缘); 10000 a head < 15000."""
    return [person("H", "甲", "1975-01-01", 经营净收入=20000, 医疗支出=medical, **extra),
            person("H", "乙", "1976-01-01", "配偶", seq=12, 教育支出=3000, 基本生活支出=1000)]


def test_rigid_expenses_of_exactly_60_percent_are_recognised(run, tmp_path, county):
    """8000 + 3000 + 1000 = 12000 = 60 % of 20000 -> recognised, valid 2026-11-30 to 2027-11-29."""
    h = one(run, tmp_path, family(), "--policy", county)
    assert h["status"] == "rigid" and h["status_label"] == "刚性支出困难家庭"
    assert h["programmes"] == ["刚性支出困难家庭"] and h["monthly_benefit"]["total"] == "0.00"
    assert h["rigid_expense"] == {"recognised": True, "expenses_12_months": "12000.00", "income_12_months": "20000.00",
                                  "share": "0.6000", "required_share": "0.6", "per_capita_annual_income": "10000.00",
                                  "disposable_income_line": "15000.00", "valid_from": "2026-11-30",
                                  "valid_until": "2027-11-29"}
    assert "rigid_new" in [f["code"] for f in h["flags"]]


def test_rigid_expenses_one_yuan_short_of_60_percent_are_not(run, tmp_path, county):
    """11999 / 20000 = 59.995 % < 60 % -> not recognised, the figures are said."""
    h = one(run, tmp_path, family(medical=7999), "--policy", county)
    assert h["status"] == "ineligible" and h["rigid_expense"]["recognised"] is False
    assert h["reasons"][-1]["code"] == "rigid_not_met" and "59.995%" in h["reasons"][-1]["text"]


def test_income_at_the_disposable_income_line_is_not_recognised(run, tmp_path, county):
    """Per-capita 15000 is not below 15000."""
    rows = [person("H", "甲", "1975-01-01", 经营净收入=30000, 医疗支出=20000),
            person("H", "乙", "1976-01-01", "配偶", seq=12)]
    h = one(run, tmp_path, rows, "--policy", county)
    assert h["status"] == "ineligible" and h["rigid_expense"]["per_capita_annual_income"] == "15000.00"


def test_property_above_the_limits_rules_it_out(run, tmp_path, county):
    h = one(run, tmp_path, family(机动车辆=1), "--policy", county)
    assert h["status"] == "ineligible" and h["rigid_expense"] is None


def test_without_the_disposable_income_line_nothing_is_decided(run, tmp_path):
    h = one(run, tmp_path, family())
    assert h["status"] == "ineligible" and h["rigid_expense"] is None


def test_university_student_is_covered_as_a_single_person(run, tmp_path, county):
    """24000 for 3 people: 666.67 a month (> 600), 8000 a head (< 15000); 14400 = 60 %. The student (本科,
    no income) is covered alone: (400 - 0) x 1 = 400, no 分类施保 category at 21 -> 400 元."""
    rows = [person("H", "甲", "1975-01-01", 经营净收入=24000, 医疗支出=10400),
            person("H", "乙", "1976-01-01", "配偶", seq=12, 教育支出=4000),
            person("H", "丙", "2005-09-09", "子", seq=13, 在校学生="是", 就读学段="本科")]
    h = one(run, tmp_path, rows, "--policy", county)
    assert h["status"] == "single_person" and h["programmes"] == ["低保", "刚性支出困难家庭"]
    assert h["single_person"] == [{"name": "丙", "ground": "在校大学生（本科）", "total": "400.00"}]
    assert h["covered_members"] == 1 and h["monthly_benefit"]["total"] == "400.00"
    assert h["rigid_expense"]["valid_until"] == "2027-11-29"
    off = county.read_text(encoding="utf-8") + ('[parameters.rigid_single_person_students]\n'
                                                '"2026-01-01" = { value = false, source = "本县文件" }\n')
    county.write_text(off, encoding="utf-8")
    h = one(run, tmp_path, rows, "--policy", county)
    assert h["status"] == "rigid" and h["single_person"] == []


def test_a_high_school_student_is_not_a_university_student(run, tmp_path, county):
    rows = [person("H", "甲", "1975-01-01", 经营净收入=24000, 医疗支出=10400),
            person("H", "乙", "1976-01-01", "配偶", seq=12, 教育支出=4000),
            person("H", "丙", "2009-09-09", "子", seq=13, 在校学生="是", 就读学段="高中")]
    assert one(run, tmp_path, rows, "--policy", county)["status"] == "rigid"


def test_recognition_is_valid_12_months_from_the_recorded_date_then_renewed_on_review(run, tmp_path, county):
    h = one(run, tmp_path, family(当前保障类别="刚性支出", 纳入日期="2025-12-01"), "--policy", county)
    assert (h["rigid_expense"]["valid_from"], h["rigid_expense"]["valid_until"]) == ("2025-12-01", "2026-11-30")
    assert h["flags"] == []
    h = one(run, tmp_path, family(当前保障类别="刚性支出", 纳入日期="2025-11-01"), "--policy", county)
    assert (h["rigid_expense"]["valid_from"], h["rigid_expense"]["valid_until"]) == ("2026-11-30", "2027-11-29")
    assert [f["code"] for f in h["flags"]] == ["rigid_renewed"]
    h = one(run, tmp_path, family(medical=1000, 当前保障类别="刚性支出", 纳入日期="2025-12-01"), "--policy", county)
    assert h["status"] == "ineligible" and [f["code"] for f in h["flags"]] == ["rigid_ended"]


def test_rule_called_directly_sums_the_policy_items_of_every_member():
    policy = PolicyAt(load_policy("632521", [_county_file()]), dt.date.fromisoformat(DAY))
    a, b = Member("f", "s", 2), Member("f", "s", 3)
    a.expenses = {"医疗支出": 500000, "其他刚性支出": 100000}
    b.expenses = {"康复支出": 300000, "不认识的支出": 999900}
    decision = rigid.recognise([a, b], 1500000, "农村", policy, dt.date(2026, 3, 1))
    assert decision.spent == 900000 and decision.ratio == Decimal("0.6") and decision.recognised
    assert decision.valid_until == dt.date(2027, 2, 28)


def _county_file():
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "c.toml"
    path.write_text(COUNTY, encoding="utf-8")
    return path


def test_explain_says_the_validity_and_no_dibao_amount(run, tmp_path, county):
    from conftest import write_xlsx

    path = write_xlsx(tmp_path / "r.xlsx", family())
    out = run("explain", path, "H", "--date", DAY, "--region", "632521", "--policy", county)
    assert out.code == 0, out.err
    assert "【结论】刚性支出困难家庭" in out.out and "刚性支出困难家庭：认定有效期 2026年11月30日 至 2027年11月29日" in out.out
    assert "月保障金：" not in out.out


def test_a_rigid_household_with_a_single_person_member_keeps_its_recognition_date(run, tmp_path, county):
    """Valid 12 months: a 刚性支出困难家庭 whose student is covered as 单人保 is recorded as 单人户; recognised on
    2026-03-01 it stays valid to 2027-02-28, with no new recognition notice each month (it used to restart from
    the assessment day, flagged rigid_new every month and never came due)."""
    rows = [person("H", "甲", "1975-01-01", 经营净收入=24000, 医疗支出=10400, 当前保障类别="单人户", 纳入日期="2026-03-01"),
            person("H", "乙", "1976-01-01", "配偶", seq=12, 教育支出=4000),
            person("H", "丙", "2005-09-09", "子", seq=13, 在校学生="是", 就读学段="本科")]
    h = one(run, tmp_path, rows, "--policy", county)
    assert h["status"] == "single_person" and h["monthly_benefit"]["total"] == "400.00"
    assert (h["rigid_expense"]["valid_from"], h["rigid_expense"]["valid_until"]) == ("2026-03-01", "2027-02-28")
    assert h["flags"] == []
