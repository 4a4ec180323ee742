"""特困人员救助供养 (《特困人员认定办法》, 民发〔2021〕43号), one test per article with hand-computed figures.

Province defaults: rural 低保 standard 4800 元/年 = 400 元/月; 特困 basic living 960 元/月; care allowance
全自理 340, 半失能 510, 全失能 850 元/月; national floor check 1.3 x the 低保 standard.
"""

import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook

from conftest import DAY, person, write_xlsx
from dibao_cli.policy import PolicyAt, load_policy
from dibao_cli.model import Member
from dibao_cli.idcard import parse_id
from dibao_cli.rules import tekun
from test_rules import assess, one

POLICY = PolicyAt(load_policy(), dt.date.fromisoformat(DAY))


def member(birth: str, **values) -> Member:
    from conftest import pid

    m = Member("f.xlsx", "名册", 2)
    info = parse_id(pid(birth))
    m.id_number, m.birth, m.name = info.number, info.birth, values.pop("name", "甲")
    m.incomes = values.pop("incomes", {})
    for key, value in values.items():
        setattr(m, key, value)
    return m


def test_art6_no_ability_to_work_age_and_disability_grades():
    """第六条: under 16, 60 and over; 智力/精神 grades 1-3, 肢体 1-2, 视力 1 (policy values)."""
    day = dt.date.fromisoformat(DAY)
    assert tekun.no_ability_grounds(member("2011-01-01"), day, POLICY) == ["未满16周岁"]
    assert tekun.no_ability_grounds(member("2010-11-30"), day, POLICY) == []  # 16 on the day
    assert tekun.no_ability_grounds(member("1966-11-30"), day, POLICY) == ["60周岁以上"]
    assert tekun.no_ability_grounds(member("1980-01-01", disability_type="智力", disability_grade=3), day,
                                    POLICY) == ["智力三级残疾"]
    assert tekun.no_ability_grounds(member("1980-01-01", disability_type="肢体", disability_grade=3), day, POLICY) == []
    assert tekun.no_ability_grounds(member("1980-01-01", disability_type="视力", disability_grade=2), day, POLICY) == []
    assert tekun.no_ability_grounds(member("1980-01-01", disability_type="视力", disability_grade=1), day,
                                    POLICY) == ["视力一级残疾"]


def test_art6_7_8_elder_with_care_level_in_a_dibao_household(run, tmp_path):
    """A 76-year-old 特困 (半失能) in a 低保 household: 960 + 510 = 1470 元; the household's 低保 covers the others.

    Income 1200 + 6000 wages - 600 employment cost = 6600 a year over 3 people (the 特困 member counts in the
    household): 183.33 a month; (400 x 3 x 12 - 6600) x 2 / 36 = 433.33 + 分类施保 60 for the child = 493 元."""
    rows = [person("H", "甲", "1950-03-01", 赡养抚养扶养人="无履行能力", 自理能力="半失能", 其他收入=1200, 基础养老金=2160),
            person("H", "乙", "1980-05-05", "子", seq=13, 工资性收入=6000),
            person("H", "丙", "2015-06-06", "孙子", seq=15)]
    h = one(run, tmp_path, rows)
    assert h["status"] == "dibao" and h["members"] == 3 and h["covered_members"] == 2
    assert h["monthly_benefit"] == {"differential": "433.33", "classified": "60.00", "minimum_top_up": "0.00",
                                    "rounding": "-0.33", "total": "493.00"}
    assert h["programmes"] == ["低保", "特困供养"]
    [t] = h["tekun"]
    assert t["name"] == "甲" and t["outcome"] == "supported" and t["no_ability_grounds"] == ["60周岁以上"]
    assert t["own_annual_income"] == "1200.00" and t["support_mode"] == "分散供养" and t["payee"] == "本人"
    assert t["monthly"] == {"basic": "960.00", "care": "510.00", "total": "1470.00"}
    assert "tekun_new" in [f["code"] for f in h["flags"]]
    reason = next(r for r in h["reasons"] if r["code"] == "tekun")
    assert "民发〔2021〕43号" in reason["basis"] and "1,470.00 元/月" in reason["text"]


def test_dibao_household_moving_to_tekun_is_a_transfer(run, tmp_path):
    """A 低保 person living alone, no supporter, 全失能, in an institution: 低保 -> 特困 (转类), 960 + 850 = 1810 元
    paid to the institution; the 低保 benefit stops (never both)."""
    rows = [person("H", "丁", "1945-01-01", 当前保障类别="低保", 当前月保障金=460, 赡养抚养扶养人="无", 自理能力="全失能",
                   供养方式="集中供养", 经营净收入=600)]
    data = assess(run, tmp_path, rows)
    h = data["households"][0]
    assert h["status"] == "tekun" and h["status_label"] == "特困供养" and h["programmes"] == ["特困供养"]
    assert h["covered_members"] == 0 and h["monthly_benefit"]["total"] == "0.00"
    assert h["tekun"][0]["monthly"] == {"basic": "960.00", "care": "850.00", "total": "1810.00"}
    assert h["tekun"][0]["payee"] == "供养机构"
    assert [f["code"] for f in h["flags"]] == ["transfer_to_tekun"]
    assert data["summary"]["tekun"] == {"label": "特困供养", "households": 1, "members": 1, "monthly_benefit": "0.00"}
    assert data["programmes"]["tekun"] == {"label": "特困供养", "persons": 1, "monthly_support": "1810.00", "by_mode": {
        "分散供养": {"persons": 0, "monthly_support": "0.00"}, "集中供养": {"persons": 1, "monthly_support": "1810.00"}}}


def test_art7_income_at_the_standard_ends_support_and_the_person_falls_back_to_dibao_rules(run, tmp_path):
    """第七条: own income 6000 >= 4800 a year -> 特困 ends; 500 a month < 1.5 x 400 -> 低保边缘."""
    h = one(run, tmp_path, [person("H", "戊", "1950-01-01", 特困="是", 财产净收入=6000)])
    assert h["tekun"][0]["outcome"] == "ended" and h["tekun"][0]["monthly"] is None
    assert [r["code"] for r in h["tekun"][0]["reasons"]] == ["tekun_income"]
    assert h["status"] == "marginal" and "tekun_ended" in [f["code"] for f in h["flags"]]
    assert "tekun_member" not in [f["code"] for f in h["flags"]]


def test_art7_tekun_does_not_count_items_the_household_counts(run, tmp_path):
    """第七条: 高龄津贴 is not 特困 income even where the county counts it for 低保: 4000 + 1200 = 5200 for the
    household (above 4800) but 4000 own income for 特困 (below) -> supported, 全自理 960 + 340 = 1300."""
    policy = tmp_path / "c.toml"
    policy.write_text('[region]\ncode = "632521"\n[income_items."高龄津贴"]\ncategory = "转移净收入"\n'
                      '"2021-01-01" = { value = "计入", source = "本县文件" }\n', encoding="utf-8")
    h = one(run, tmp_path, [person("H", "己", "1940-01-01", 赡养抚养扶养人="无", 自理能力="全自理", 其他收入=4000,
                                   高龄津贴=1200)], "--policy", policy)
    assert h["annual_income"]["counted"] == "5200.00"
    assert h["tekun"][0]["own_annual_income"] == "4000.00"
    assert h["tekun"][0]["monthly"]["total"] == "1300.00" and h["status"] == "tekun"


def test_art6_a_person_able_to_work_is_refused_and_decided_for_dibao(run, tmp_path):
    """第六条: 45 years old, no listed disability -> not 特困 even with no supporter; 低保 (400 - 100) = 300."""
    h = one(run, tmp_path, [person("H", "庚", "1981-01-01", 赡养抚养扶养人="无", 经营净收入=1200)])
    assert h["tekun"][0]["outcome"] == "refused" and h["tekun"][0]["reasons"][0]["code"] == "tekun_can_work"
    assert h["status"] == "dibao" and h["monthly_benefit"]["total"] == "300.00" and h["programmes"] == ["低保"]


def test_art8_supporter_unknown_stays_a_candidate_not_a_decision(run, tmp_path):
    """第八条: without the 赡养抚养扶养人 column the person is a candidate (flag), never decided."""
    h = one(run, tmp_path, [person("H", "辛", "1950-11-11", 劳动能力="完全丧失", 其他收入=600)])
    assert h["tekun"] == [] and h["status"] == "dibao" and h["flags"][0]["code"] == "tekun_candidate"


def test_county_can_leave_tekun_members_out_of_the_household(run, tmp_path):
    """Setting tekun_member_in_household = false: the elder of the first test leaves the household: 6000 - 600 =
    5400 over 2 people = 225 a month; (400 - 225) x 2 = 350 + 60 = 410."""
    policy = tmp_path / "c.toml"
    policy.write_text('[region]\ncode = "632521"\n[parameters.tekun_member_in_household]\n'
                      '"2026-01-01" = { value = false, source = "本县文件" }\n', encoding="utf-8")
    rows = [person("H", "甲", "1950-03-01", 赡养抚养扶养人="无履行能力", 自理能力="半失能", 其他收入=1200),
            person("H", "乙", "1980-05-05", "子", seq=13, 工资性收入=6000),
            person("H", "丙", "2015-06-06", "孙子", seq=15)]
    h = one(run, tmp_path, rows, "--policy", policy)
    assert h["members"] == 2 and h["monthly_benefit"]["total"] == "410.00"


def test_basic_standard_below_the_national_floor_is_flagged(run, tmp_path):
    """The floor check: urban 640 x 1.3 = 832; a county figure of 800 is flagged, the amount stays 800."""
    policy = tmp_path / "c.toml"
    policy.write_text('[region]\ncode = "632521"\n[parameters.tekun_basic_monthly]\n'
                      '"2026-01-01" = { value = 800, source = "本县文件" }\n', encoding="utf-8")
    h = one(run, tmp_path, [person("H", "壬", "1950-01-01", area_type="城市", 赡养抚养扶养人="无")], "--policy", policy)
    assert h["tekun"][0]["monthly"] == {"basic": "800.00", "care": None, "total": "800.00"}
    codes = [f["code"] for f in h["flags"]]
    assert "tekun_below_floor" in codes and "tekun_care_unknown" in codes
    assert Decimal("832") == POLICY.tekun_basic_floor_multiplier * 640


def test_explain_shows_the_tekun_step_and_table_the_totals(run, tmp_path):
    rows = [person("H", "丁", "1945-01-01", 赡养抚养扶养人="无", 自理能力="全失能", 供养方式="集中")]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    out = run("explain", path, "H", "--date", DAY)
    assert out.code == 0, out.err
    assert "【5. 特困供养】" in out.out and "特困供养：丁 1810.00 元/月（集中供养，发给供养机构）" in out.out
    assert "月保障金：" not in out.out and "基本生活 960.00 元 + 照料护理 850.00 元（全失能） = 1,810.00 元/月，发给供养机构" in out.out
    out = run("assess", path, "--date", DAY)
    assert out.code == 0 and "特困集中供养（人）" in out.out and "1810.00" in out.out


def test_template_has_the_tekun_columns_with_drop_downs(run, tmp_path):
    target = tmp_path / "模板.xlsx"
    assert run("template", "-o", target).code == 0
    ws = load_workbook(target)["名册"]
    headers = [c.value for c in ws[1]]
    assert {"自理能力", "供养方式", "赡养抚养扶养人", "就读学段", "基本生活支出", "其他刚性支出"} <= set(headers)
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert {'"全自理,半失能,全失能"', '"分散供养,集中供养"', '"无,无履行能力,有履行能力"'} <= lists


def test_unknown_self_care_value_is_a_cell_error_with_the_fix(run, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [person("H", "丁", "1945-01-01", 自理能力="很好")])
    out = run("check", path, "--format", "json")
    problem = next(p for p in out.json()["problems"] if p["column"] == "自理能力")
    assert problem["row"] == 2 and "全自理、半失能、全失能" in problem["fix"]
