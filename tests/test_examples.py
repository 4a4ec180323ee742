"""The shipped examples, figure by figure, and the outputs a clerk files (xlsx, csv, explain)."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import DAY, EXAMPLES, household

ROSTER = EXAMPLES / "roster.xlsx"

# (household, status, per-capita monthly income, differential, classified, total), province policy at 2026-11-30
EXPECTED = [
    ("GH001", "dibao", "216.67", "550.00", "60.00", "610.00"),
    ("GH002", "ineligible", "1940.00", "0.00", "0.00", "0.00"),
    ("GH003", "phase_out", "571.11", "0.00", "0.00", "480.00"),
    ("GH004", "exit", "1027.50", "0.00", "0.00", "0.00"),
    ("GH005", "phase_out", "775.00", "0.00", "0.00", "420.00"),
    ("GH006", "single_person", "455.56", "400.00", "60.00", "460.00"),
    ("GH007", "dibao", "83.33", "633.33", "120.00", "753.00"),
    ("GH008", "ineligible", "773.33", "0.00", "0.00", "0.00"),
    ("GH009", "ineligible", "125.00", "0.00", "0.00", "0.00"),
    ("GH010", "ineligible", "1015.56", "0.00", "0.00", "0.00"),
    ("GH011", "dibao", "50.00", "350.00", "60.00", "410.00"),
    ("GH012", "ineligible", "606.67", "0.00", "0.00", "0.00"),
    ("GH013", "dibao", "500.00", "280.00", "0.00", "280.00"),
    ("GH014", "dibao", "300.00", "680.00", "96.00", "776.00"),
    ("GH015", "dibao", "320.83", "158.33", "0.00", "158.00"),
    ("GH016", "marginal", "564.58", "0.00", "0.00", "0.00"),
    ("GH017", "ineligible", "83.33", "0.00", "0.00", "0.00"),
    ("GH018", "ineligible", "250.00", "0.00", "0.00", "0.00"),
    ("GH019", "dibao", "50.00", "700.00", "120.00", "820.00"),
    ("GH020", "ineligible", "1880.00", "0.00", "0.00", "0.00"),
    ("GH021", "dibao", "175.00", "450.00", "60.00", "510.00"),
    ("GH022", "dibao", "66.67", "1000.00", "120.00", "1120.00"),
    ("GH023", "marginal", "404.17", "0.00", "0.00", "0.00"),
    ("GH024", "dibao", "210.42", "758.33", "120.00", "878.00"),
    ("GH025", "single_person", "487.78", "400.00", "0.00", "400.00"),
    ("GH026", "marginal", "550.00", "0.00", "0.00", "0.00"),
    ("GH027", "dibao", "187.50", "425.00", "60.00", "485.00"),
    ("GH028", "dibao", "0.00", "800.00", "120.00", "920.00"),
    ("GH029", "dibao", "263.33", "410.00", "60.00", "470.00"),
    ("GH030", "marginal", "400.00", "0.00", "0.00", "0.00"),
    ("GH031", "dibao", "125.00", "1030.00", "192.00", "1222.00"),
    ("GH032", "marginal", "450.00", "0.00", "0.00", "0.00"),
]


@pytest.fixture
def result(run):
    out = run("assess", ROSTER, "--date", DAY, "--format", "json")
    assert out.code == 0
    return out.json()


@pytest.mark.parametrize("hid,status,per_capita,differential,classified,total", EXPECTED)
def test_example_roster_figure_by_figure(result, hid, status, per_capita, differential, classified, total):
    h = household(result, hid)
    assert (h["status"], h["per_capita_monthly_income"]) == (status, per_capita)
    # the shown parts add up to the shown total: what 差额 and 分类施保 leave is the one rounding (province: to the 元)
    rounding = Decimal(total) - Decimal(differential) - Decimal(classified) if status in ("dibao", "single_person") else 0
    assert h["monthly_benefit"] == {"differential": differential, "classified": classified, "minimum_top_up": "0.00",
                                    "rounding": f"{rounding:.2f}", "total": total}


def test_example_summary_and_flags(result):
    assert len(result["households"]) == 32 and result["left_out"] == []
    assert result["summary"]["dibao"] == {"label": "低保", "households": 14, "members": 33, "monthly_benefit": "9412.00"}
    flags = {(h["household_id"], f["code"]) for h in result["households"] for f in h["flags"]}
    assert ("GH010", "lifted_out_not_covered") in flags
    assert ("GH011", "tekun_candidate") in flags and ("GH028", "tekun_candidate") in flags
    assert ("GH014", "tekun_member") in flags
    assert ("GH027", "amount_changed") in flags  # 380 -> 485
    assert household(result, "GH007")["annual_income"]["excluded"] == "12480.00"
    assert household(result, "GH008")["annual_income"]["employment_deduction"] == "2880.00"
    assert household(result, "GH021")["members"] == 2  # a son who does not live with them


def test_messy_roster_damage_is_all_found(run):
    out = run("check", EXAMPLES / "messy-roster.xlsx", "--date", DAY, "--format", "json")
    assert out.code == 1
    found = sorted((p["row"], p["code"]) for p in out.json()["problems"] if p["severity"] == "error")
    assert found == [(17, "id_excel_number"), (26, "id_duplicate_household"), (32, "id_excel_number"),
                     (43, "household_id_missing"), (49, "id_checksum"), (66, "household_conflict"),
                     (68, "birth_mismatch")]
    # cleaned silently: full-width digits, "12,000.00", Chinese date text, traditional headers, merged 户编号
    assess = run("assess", EXAMPLES / "messy-roster.xlsx", "--date", DAY, "--format", "json").json()
    assert household(assess, "GH001")["annual_income"]["counted"] == "8400.00"
    assert household(assess, "GH002")["annual_income"]["counted"] == "48000.00"
    assert household(assess, "GH003")["status"] == "phase_out"


def test_check_clean_example_exit_0(run):
    out = run("check", ROSTER, "--date", DAY)
    assert out.code == 0 and "32 户，75 人" in out.out


def test_check_outputs_csv_and_xlsx(run, tmp_path):
    out = run("check", EXAMPLES / "messy-roster.xlsx", "--format", "csv", "--date", DAY)
    assert out.out.startswith("\ufeff文件,工作表,行,列,值,级别,问题,修改方法,户编号")
    rows = list(csv.reader(io.StringIO(out.out.lstrip("\ufeff"))))
    assert len(rows) == 1 + len(run("check", EXAMPLES / "messy-roster.xlsx", "--format", "json").json()["problems"])
    target = tmp_path / "问题.xlsx"
    assert run("check", EXAMPLES / "messy-roster.xlsx", "-o", target).code == 1
    wb = load_workbook(target)
    assert wb.sheetnames == ["汇总", "问题"] and wb["问题"]["G2"].value


def test_outputs_never_overwrite_without_force(run, tmp_path):
    target = tmp_path / "结果.xlsx"
    target.write_bytes(b"keep me")
    out = run("assess", ROSTER, "--date", DAY, "-o", target)
    assert out.code == 5 and target.read_bytes() == b"keep me" and "--force" in out.err
    assert run("assess", ROSTER, "--date", DAY, "-o", target, "--force").code == 0
    assert target.read_bytes()[:2] == b"PK"


def test_assess_xlsx_a_clerk_can_file(run, tmp_path):
    target = tmp_path / "结果.xlsx"
    assert run("assess", ROSTER, "--date", DAY, "-o", target).code == 0
    wb = load_workbook(target)
    assert wb.sheetnames == ["汇总", "户明细", "成员明细", "问题"]
    detail = wb["户明细"]
    assert detail["A1"].value == "户编号" and detail.freeze_panes == "A2"
    row = next(r for r in detail.iter_rows(min_row=2, values_only=True) if r[0] == "GH001")
    assert row[7] == "低保" and row[18] == 610 and detail["S2"].number_format == "#,##0.00"
    header = next(detail.iter_rows(max_row=1, values_only=True))
    assert header[15:19] == ("差额(元/月)", "分类施保(元/月)", "取整及保底调整(元/月)", "月保障金")
    gh007 = next(r for r in detail.iter_rows(min_row=2, values_only=True) if r[0] == "GH007")
    assert gh007[15:19] == (633.33, 120, -0.33, 753)  # the parts on the sheet add up to the amount paid
    assert wb["成员明细"].max_row == 76


def test_assess_csv_has_bom_and_one_row_per_household(run):
    out = run("assess", ROSTER, "--date", DAY, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out.out.lstrip("\ufeff"))))
    assert out.out.startswith("\ufeff户编号") and len(rows) == 33
    assert rows[1][:8] == ["GH001", "恰卜恰镇", "西台村", "马建国", "农村", "3", "3", "低保"]


def test_assess_table_masks_nothing_private_and_summarises(run):
    out = run("assess", ROSTER, "--date", DAY)
    assert out.code == 0 and "9412.00" in out.out and "6325211" not in out.out


def test_explain_shows_every_step_with_its_basis(run):
    out = run("explain", ROSTER, "GH007", "--date", DAY)
    assert out.code == 0
    text = out.out
    for needle in ("优待抚恤金 6,000.00 元 —— 不计入", "基础养老金 2,160.00 元 —— 不计入", "月人均收入 = 2,000.00 ÷ 12 ÷ 2 = 83.33 元",
                   "差额：(年标准 4,800.00 × 2 人 − 核算收入 2,000.00) ÷ 12 ÷ 2 人 × 2 人 = 633.33 元", "分类施保：400.00 × 0.15 × 2 人 = 120.00 元",
                   "四舍五入到元（只取整一次）：753.00 元/月", "民发〔2021〕57号第二十三条", "2021年1月1日起执行"):
        assert needle in text, needle
    data = run("explain", ROSTER, "GH007", "--date", DAY, "--format", "json").json()
    assert [s["title"] for s in data["household"]["steps"]] == [
        "家庭成员", "家庭收入（近12个月）", "扣减", "人均收入与标准", "财产核查", "月保障金"]


def test_explain_unknown_household_exit_6(run):
    out = run("explain", ROSTER, "GH999", "--date", DAY)
    assert out.code == 6 and "GH999" in out.err


def test_template_round_trip(run, tmp_path):
    target = tmp_path / "模板.xlsx"
    assert run("template", "-o", target).code == 0
    wb = load_workbook(target)
    ws = wb["名册"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["乡镇", "村(社区)", "户编号", "户主姓名"] and "当前月保障金" in headers
    assert ws["F1"].comment is not None
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"城市,农村"' in lists and '"有,部分丧失,完全丧失,无"' in lists
    assert run("check", target).code == 0
