"""One test per rule, with hand-computed figures; each names the article it checks.

Province defaults (domain.md §11): rural standard 4800 元/年 = 400 元/月, urban 640 元/月, employment
deduction 10 % of wages capped at 1440 元/人·年 (rural only), 分类施保 15 % (60 元 rural, 96 元 urban),
marginal line 1.5 x, phase-out 12 months, rounding to 元 half up, no minimum payment.
"""

import re

import pytest

from conftest import DAY, household, person, write_xlsx


def assess(run, tmp_path, rows, *args, code=0):
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    result = run("assess", path, "--format", "json", "--date", DAY, *args)
    assert result.code == code, result.out + result.err
    return result.json()


def one(run, tmp_path, rows, *args):
    data = assess(run, tmp_path, rows, *args)
    assert len(data["households"]) == 1
    return data["households"][0]


def test_art11_members_not_living_together_are_not_counted(run, tmp_path):
    """民发〔2021〕57号第十一条: only co-resident members count (共同生活 = 否 is left out)."""
    h = one(run, tmp_path, [person("H", "甲", "1970-01-01", 经营净收入=4800),
                            person("H", "乙", "2000-01-01", "子", seq=13, 共同生活="否", 工资性收入=50000)])
    assert h["members"] == 1 and h["annual_income"]["counted"] == "4800.00"
    assert h["per_capita_monthly_income"] == "400.00" and h["status"] == "marginal"


def test_art11_excluded_items_are_listed_not_summed(run, tmp_path):
    """民发〔2021〕57号第十一条: 优待抚恤金, 计生奖扶, 奖学金, 基础养老金 are not household income."""
    h = one(run, tmp_path, [person("H", "甲", "1950-01-01", 经营净收入=1200, 优待抚恤金=6000, 基础养老金=2160,
                                   计划生育奖励扶助金=960, 奖学金=500, 高龄津贴=600)])
    income = h["annual_income"]
    assert income["counted"] == "1200.00" and income["excluded"] == "10220.00"
    assert income["excluded_items"] == {"优待抚恤金": "6000.00", "基础养老金": "2160.00", "计划生育奖励扶助金": "960.00",
                                        "奖学金": "500.00", "高龄津贴": "600.00"}


def test_unknown_income_item_leaves_the_household_out_until_the_policy_names_it(run, tmp_path, ):
    """An item the policy does not know is reported, never silently counted or dropped."""
    from conftest import EXAMPLES

    rows = [person("H", "甲", "1970-01-01", 牧业补助=1200)]
    data = assess(run, tmp_path, rows, code=1)
    assert data["households"] == [] and data["left_out"][0]["household_id"] == "H"
    assert any(p["code"] == "income_item_unknown" and p["column"] == "牧业补助" for p in data["problems"])
    data = assess(run, tmp_path, rows, "--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml")
    assert data["households"][0]["annual_income"]["counted"] == "1200.00"


def test_employment_deduction_is_10_percent_of_wages_capped_per_member(run, tmp_path):
    """民发〔2021〕57号第十一条 就业成本: 6000 -> 600; 20000 -> 2000 capped at 1440 (policy values)."""
    h = one(run, tmp_path, [person("H", "甲", "1980-01-01", 工资性收入=6000),
                            person("H", "乙", "1982-01-01", "配偶", seq=12, 工资性收入=20000)])
    assert h["annual_income"]["employment_deduction"] == "2040.00"
    assert h["annual_income"]["adjusted"] == "23960.00"


def test_employment_deduction_is_for_rural_households_only(run, tmp_path):
    """Seed: 对农村低保对象就业产生的必要成本…适当扣减 (policy: employment_deduction_area_types = 农村)."""
    h = one(run, tmp_path, [person("H", "甲", "1980-01-01", area_type="城市", 工资性收入=6000)])
    assert h["annual_income"]["employment_deduction"] == "0.00" and h["monthly_standard"] == "640.00"


def test_rigid_expense_deduction_when_a_county_turns_it_on(run, tmp_path):
    """民发〔2021〕57号第十一条: rigid expenses may be deducted; off in the province default."""
    rows = [person("H", "甲", "1970-01-01", 经营净收入=12000, 医疗支出=3000, 教育支出=2000)]
    assert one(run, tmp_path, rows)["annual_income"]["rigid_deduction"] == "0.00"
    policy = tmp_path / "c.toml"
    policy.write_text('[region]\ncode = "632521"\n[parameters.rigid_deduction_enabled]\n'
                      '"2026-01-01" = { value = true, source = "test" }\n', encoding="utf-8")
    h = one(run, tmp_path, rows, "--policy", policy)
    assert h["annual_income"]["rigid_deduction"] == "3000.00" and h["annual_income"]["adjusted"] == "9000.00"


def test_per_capita_income_exactly_at_the_standard_is_not_below_it(run, tmp_path):
    """Per-capita income < standard -> 低保; 14400 / 12 / 3 = 400.00 = standard -> 边缘, not 低保."""
    h = one(run, tmp_path, [person("H", "甲", "1970-01-01", 经营净收入=8400),
                            person("H", "乙", "1972-01-01", "配偶", seq=12, 经营净收入=6000),
                            person("H", "丙", "1998-01-01", "子", seq=13)])
    assert h["per_capita_monthly_income"] == "400.00" and h["status"] == "marginal"


def test_art23_differential_and_classified_once_per_person(run, tmp_path):
    """第二十三条 差额 + 青海分类施保: (400 - 216.67) x 3 = 550; minor +60; an ill 60+ person +60 once."""
    h = one(run, tmp_path, [person("H", "甲", "1981-03-15", 工资性收入=6000, 经营净收入=2400),
                            person("H", "乙", "1960-07-02", "配偶", seq=12, 重病="是", 残疾等级="一级", 残疾类别="肢体"),
                            person("H", "丙", "2014-09-10", "子", seq=13)])
    assert h["status"] == "dibao" and h["annual_income"]["adjusted"] == "7800.00"
    assert h["monthly_benefit"] == {"differential": "550.00", "classified": "120.00", "minimum_top_up": "0.00",
                                    "rounding": "0.00", "total": "670.00"}


def test_urban_classified_is_15_percent_of_the_urban_standard(run, tmp_path):
    h = one(run, tmp_path, [person("H", "甲", "2015-01-01", area_type="城市")])
    assert h["monthly_benefit"] == {"differential": "640.00", "classified": "96.00", "minimum_top_up": "0.00",
                                    "rounding": "0.00", "total": "736.00"}


@pytest.mark.parametrize("income,unit,total", [
    (3318, "元", "124.00"),  # (4800 - 3318) / 12 = 123.50 -> half up to 124, not banker's 124/122 confusion
    (3330, "元", "123.00"),  # 122.50 -> 123 (half up, not to even)
    (3318, "角", "123.50"),
    (3317, "分", "123.58"),  # 123.5833… -> 123.58
])
def test_rounding_once_half_up_to_the_policy_unit(run, tmp_path, income, unit, total):
    """Rounding is one setting (元/角/分, half up), applied once to the final amount."""
    policy = tmp_path / "c.toml"
    policy.write_text('[region]\ncode = "632521"\n[parameters.rounding]\n'
                      f'"2026-01-01" = {{ value = "{unit}", source = "test" }}\n', encoding="utf-8")
    h = one(run, tmp_path, [person("H", "甲", "1980-01-01", 经营净收入=income)], "--policy", policy)
    assert h["monthly_benefit"]["total"] == total


def test_minimum_payment_raises_a_small_benefit(run, tmp_path):
    """A county minimum (30 元 in the 共和县 example) raises a positive benefit below it."""
    from conftest import EXAMPLES

    rows = [person("H", "甲", "1980-01-01", 经营净收入=4700)]  # (4800 - 4700) / 12 = 8.33
    assert one(run, tmp_path, rows)["monthly_benefit"]["total"] == "8.00"
    h = one(run, tmp_path, rows, "--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml")
    assert h["monthly_benefit"]["total"] == "30.00"


@pytest.mark.parametrize("field,value,code", [
    ("存款及金融资产", 19200.01, "property_deposits"),
    ("机动车辆", 1, "property_vehicles"),
    ("房产套数", 2, "property_homes"),
    ("工商登记", "是", "property_business"),
])
def test_property_test_fails_with_the_item_named(run, tmp_path, field, value, code):
    """家庭财产: deposits above 24 months of the standard per person (2 x 24 x 400 = 19200), a car, a second
    home or a registered business -> 不符合, whatever the income."""
    rows = [person("H", "甲", "1970-01-01", **{field: value}), person("H", "乙", "1972-01-01", "配偶", seq=12)]
    h = one(run, tmp_path, rows)
    assert h["status"] == "ineligible" and h["reasons"][0]["code"] == code and h["monthly_benefit"]["total"] == "0.00"


def test_deposits_exactly_at_the_limit_pass(run, tmp_path):
    rows = [person("H", "甲", "1970-01-01", 存款及金融资产=19200), person("H", "乙", "1972-01-01", "配偶", seq=12)]
    assert one(run, tmp_path, rows)["status"] == "dibao"


PHASE = dict(当前保障类别="渐退期", 当前月保障金=480, 经营净收入=6000)


@pytest.mark.parametrize("start,status,end", [
    ("2025-12-01", "phase_out", "2026-11-30"),  # ends exactly on the assessment date: still in phase-out
    ("2025-11-30", "exit", "2026-11-29"),       # ended the day before: exit
    ("2026-03-01", "phase_out", "2027-02-28"),
])
def test_phase_out_keeps_the_amount_for_12_months_then_exits(run, tmp_path, start, status, end):
    """Seed: 不少于1年的渐退期; the household keeps its amount until the last day, then 停保."""
    h = one(run, tmp_path, [person("H", "甲", "1970-01-01", 渐退开始日期=start, **PHASE)])
    assert h["status"] == status and h["phase_out"] == {"start": start, "end": end}
    assert h["monthly_benefit"]["total"] == ("480.00" if status == "phase_out" else "0.00")


def test_phase_out_starts_at_the_assessment_date(run, tmp_path):
    h = one(run, tmp_path, [person("H", "甲", "1970-01-01", 当前保障类别="低保", 当前月保障金=300, 经营净收入=6000)])
    assert h["status"] == "phase_out" and h["phase_out"] == {"start": DAY, "end": "2027-11-29"}
    assert h["monthly_benefit"]["total"] == "300.00"


def test_back_to_dibao_when_income_falls_during_phase_out(run, tmp_path):
    h = one(run, tmp_path, [person("H", "甲", "1970-01-01", 当前保障类别="渐退期", 渐退开始日期="2026-06-01",
                                   当前月保障金=480, 经营净收入=3600)])
    assert h["status"] == "dibao" and h["monthly_benefit"]["total"] == "100.00"
    assert [r["code"] for r in h["reasons"]] == ["below_standard", "phase_out_back"]


def test_phase_out_without_a_current_amount_is_flagged_not_guessed(run, tmp_path):
    h = one(run, tmp_path, [person("H", "甲", "1970-01-01", 当前保障类别="低保", 经营净收入=6000)])
    assert h["status"] == "phase_out" and h["monthly_benefit"]["total"] is None
    assert h["flags"][0]["code"] == "benefit_unknown"


@pytest.mark.parametrize("extra,ground", [
    ({"残疾等级": "二级", "残疾类别": "视力"}, "视力二级残疾"),
    ({"残疾等级": "三级", "残疾类别": "精神"}, "三级精神残疾"),
    ({"重病": "是"}, "重病"),
])
def test_single_person_household_in_a_marginal_family(run, tmp_path, extra, ground):
    """单人户: a marginal household's severely disabled or ill member is covered alone on own income.
    Household 16400 / 36 = 455.56 (marginal); the member has 1200 of own income -> (4800 - 1200) / 12 = 300."""
    rows = [person("H", "甲", "1976-04-04", 工资性收入=14000),
            person("H", "乙", "1978-09-09", "配偶", seq=12, 经营净收入=2600),
            person("H", "丙", "2001-01-15", "子", seq=13, 经营净收入=1200, **extra)]
    h = one(run, tmp_path, rows)
    classified = "60.00" if ground != "三级精神残疾" else "0.00"
    assert h["status"] == "single_person" and h["covered_members"] == 1
    assert h["single_person"] == [{"name": "丙", "ground": ground,
                                   "total": f"{300 + int(float(classified))}.00"}]


def test_single_person_whose_own_income_is_above_the_standard_is_not_covered(run, tmp_path):
    rows = [person("H", "甲", "1976-04-04", 工资性收入=9000),
            person("H", "丙", "2001-01-15", "子", seq=13, 经营净收入=5000, 重病="是")]
    h = one(run, tmp_path, rows)
    assert h["status"] == "marginal" and h["reasons"][-1]["code"] == "single_person_income"


def test_tekun_member_is_not_covered_but_counts_in_the_household(run, tmp_path):
    """《特困人员认定办法》: a 特困 person is not also 低保; urban 10800 / 36 = 300 -> (640 - 300) x 2 = 680."""
    rows = [person("H", "甲", "1958-03-30", area_type="城市", 转移净收入=4800),
            person("H", "乙", "1955-07-07", "兄弟", seq=13, area_type="城市", 特困="是"),
            person("H", "丙", "1990-02-02", "女", seq=12, area_type="城市", 工资性收入=6000)]
    h = one(run, tmp_path, rows)
    assert h["members"] == 3 and h["covered_members"] == 2
    assert h["monthly_benefit"] == {"differential": "680.00", "classified": "96.00", "minimum_top_up": "0.00",
                                    "rounding": "0.00", "total": "776.00"}
    assert "tekun_member" in [f["code"] for f in h["flags"]]


def test_lifted_out_member_who_lost_ability_to_work_is_flagged(run, tmp_path):
    """Seed: 脱贫人口中完全或部分丧失劳动能力…纳入农村低保或特困 — not covered -> flag."""
    rows = [person("H", "甲", "1972-09-19", 脱贫户="是", 工资性收入=30000),
            person("H", "乙", "1945-05-20", "父亲", seq=13, 劳动能力="完全丧失")]
    h = one(run, tmp_path, rows)
    assert h["status"] == "ineligible" and [f["code"] for f in h["flags"]] == ["lifted_out_not_covered"]


def test_tekun_candidate_when_nobody_can_work_and_income_is_low(run, tmp_path):
    """《特困人员认定办法》: no ability to work, income below the standard -> candidate for staff to check."""
    h = one(run, tmp_path, [person("H", "甲", "1950-11-11", 劳动能力="完全丧失", 其他收入=600)])
    assert h["status"] == "dibao" and h["flags"][0]["code"] == "tekun_candidate"


def test_households_with_row_errors_are_left_out_never_guessed(run, tmp_path):
    rows = [person("H1", "甲", "1970-01-01"), dict(person("H2", "乙", "1970-01-01", seq=13), 身份证号="6.32521E+17")]
    data = assess(run, tmp_path, rows, code=1)
    assert [h["household_id"] for h in data["households"]] == ["H1"]
    assert data["left_out"][0]["household_id"] == "H2"
    assert data["left_out"][0]["problems"][0]["code"] == "id_excel_number"


def test_missing_area_type_leaves_the_household_out(run, tmp_path):
    data = assess(run, tmp_path, [person("H", "甲", "1970-01-01", area_type=None)], code=1)
    assert data["left_out"][0]["problems"][0]["code"] == "area_type_missing"


def test_amount_change_is_flagged_for_a_change_notice(run, tmp_path):
    h = one(run, tmp_path, [person("H", "甲", "1970-01-01", 当前保障类别="低保", 当前月保障金=300, 经营净收入=2400)])
    assert h["monthly_benefit"]["total"] == "200.00"
    assert h["flags"][0]["code"] == "amount_changed"


def test_a_benefit_of_390_01_is_shown_as_390_01_everywhere(run, tmp_path):
    """(4800 - 119.94) / 12 = 390.005: paid 390.01 (half up to the 分); shown with the same rule, parts adding up
    (it was shown as 差额 390.00 + 分类施保 0.00 and "合计 390.00 … 390.01")."""
    policy = tmp_path / "c.toml"
    policy.write_text('[region]\ncode = "632521"\n[parameters.rounding]\n'
                      '"2026-01-01" = { value = "分", source = "本县文件" }\n', encoding="utf-8")
    rows = [person("H", "甲", "1980-01-01", 经营净收入="119.94")]
    h = one(run, tmp_path, rows, "--policy", policy)
    assert h["monthly_benefit"] == {"differential": "390.01", "classified": "0.00", "minimum_top_up": "0.00",
                                    "rounding": "0.00", "total": "390.01"}
    text = run("explain", tmp_path / "r.xlsx", "H", "--policy", policy, "--date", DAY).out
    assert "  差额：(年标准 4,800.00 × 1 人 − 核算收入 119.94) ÷ 12 ÷ 1 人 × 1 人 = 390.01 元\n" in text
    assert "  合计 390.005 元，四舍五入到分（只取整一次）：390.01 元/月\n" in text
    assert "  月保障金 = 差额 390.01 + 分类施保 0.00 = 390.01 元\n" in text
    assert "  月保障金：390.01 元（差额 390.01 元，分类施保 0.00 元）\n" in text
    assert re.findall(r"390\.\d+", text) == ["390.01", "390.005", "390.01", "390.01", "390.01", "390.01", "390.01"]


def test_rounding_to_the_yuan_is_shown_as_its_own_part(run, tmp_path):
    """Province: rounding to the 元. 差额 (4800 - 3318) / 12 = 123.50 -> 124; shown 123.50 + 取整 0.50 = 124.00."""
    h = one(run, tmp_path, [person("H", "甲", "1980-01-01", 经营净收入=3318)])
    assert h["monthly_benefit"] == {"differential": "123.50", "classified": "0.00", "minimum_top_up": "0.00",
                                    "rounding": "0.50", "total": "124.00"}


def test_a_minimum_top_up_is_shown_as_its_own_part(run, tmp_path):
    """共和县 example: minimum 30 元; (4800 - 4700) / 12 = 8.33 raised to 30: 8.33 + 补足 21.67 = 30.00."""
    from conftest import EXAMPLES

    rows = [person("H", "甲", "1980-01-01", 经营净收入=4700)]
    h = one(run, tmp_path, rows, "--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml")
    assert h["monthly_benefit"] == {"differential": "8.33", "classified": "0.00", "minimum_top_up": "21.67",
                                    "rounding": "0.00", "total": "30.00"}
