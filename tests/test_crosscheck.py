"""Cross-checks against other departments' extracts: matching, evidence, recovery, messy extracts."""

import csv

from openpyxl import Workbook

from conftest import DAY, EXAMPLES, person, pid, write_xlsx

ROSTER = EXAMPLES / "roster.xlsx"
COUNTY = ["--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml"]


def ids():
    from dibao_cli.reading.roster import read_rosters

    roster = read_rosters([ROSTER])
    return {m.name: m.id_number for h in roster.households.values() for m in h.members}


def extract_xlsx(path, header, rows, title=None):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_death_in_a_two_person_household_recovers_the_difference(run, tmp_path):
    """Death (殡葬) on 2026-06-15 of GH007's head: Jul-Nov = 5 months; the widow alone gets
    400 + 60 = 460 instead of 500, so 5 x 40 = 200 元 may have been overpaid."""
    path = extract_xlsx(tmp_path / "殡葬.xlsx", ["姓名", "身份证号", "火化日期", "殡仪馆"],
                        [["杨国庆", ids()["杨国庆"], "2026-06-15", "共和县殡仪馆"]], title="2026年殡葬数据")
    out = run("crosscheck", ROSTER, "--against", path, "--kind", "殡葬", "--date", DAY, "--format", "json")
    assert out.code == 1
    finding = out.json()["findings"][0]
    assert (finding["household_id"], finding["member_name"], finding["code"]) == ("GH007", "杨国庆", "death")
    assert finding["record"]["row"] == 3 and finding["record"]["file"].endswith("殡葬.xlsx")
    assert finding["months_paid_since"] == 5 and finding["recover"] == "200.00"
    assert "每月多发 40.00 元" in finding["recover_note"]


def test_vehicle_from_a_gb18030_csv_recovers_the_full_amount(run, tmp_path):
    """车辆 registered 2026-08-20 for a 低保 household (GH027, 380 元/月): Sep-Nov, 3 x 380 = 1140."""
    path = tmp_path / "车辆.csv"
    with open(path, "w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["所有人", "所有人身份证号", "号牌号码", "车辆类型", "初次登记日期"])
        writer.writerow(["苏文斌", ids()["苏文斌"], "青E12345", "小型轿车", "2026/8/20"])
    data = run("crosscheck", ROSTER, "--against", path, "--kind", "车辆", "--date", DAY, "--format", "json").json()
    finding = data["findings"][0]
    assert finding["code"] == "vehicle" and finding["record"]["details"]["号牌号码"] == "青E12345"
    assert finding["months_paid_since"] == 3 and finding["recover"] == "1140.00"


def test_damaged_ids_in_the_extract_are_reported_and_a_name_mismatch_is_named(run, tmp_path):
    path = extract_xlsx(tmp_path / "市场主体.xlsx", ["经营者", "经营者身份证号", "字号名称", "成立日期"], [
        ["许国栋", 6.32521197110201e17, "国栋商店", "2025-01-01"],
        ["许国柱", ids()["许国栋"], "国栋商店", "2025-01-01"],
    ])
    data = run("crosscheck", ROSTER, "--against", path, "--kind", "市场主体", "--date", DAY, "--format", "json").json()
    assert [p["code"] for p in data["extract_problems"]] == ["id_excel_number"]
    assert data["extract_problems"][0]["row"] == 2
    finding = data["findings"][0]
    assert finding["code"] == "business_name_mismatch" and "许国柱" in finding["text"]


def test_name_and_birth_match_is_weaker_evidence(run, tmp_path):
    path = extract_xlsx(tmp_path / "死亡.xlsx", ["姓名", "身份证号", "出生日期", "死亡日期"],
                        [["冶玛", None, "1950-11-11", "2026-10-01"]])
    plain = run("crosscheck", ROSTER, "--against", path, "--kind", "死亡", "--date", DAY, "--format", "json")
    assert plain.code == 0 and plain.json()["findings"] == []
    weak = run("crosscheck", ROSTER, "--against", path, "--kind", "死亡", "--name-birth", "--date", DAY, "--format", "json")
    assert weak.code == 1 and weak.json()["findings"][0]["evidence"].startswith("姓名+出生日期")


def test_generic_extract_with_key_and_columns(run, tmp_path):
    path = extract_xlsx(tmp_path / "公积金.xlsx", ["职工姓名", "证件号码", "开户日期", "单位"],
                        [["林丽", ids()["林丽"], "2024-03-01", "县医院"]])
    out = run("crosscheck", ROSTER, "--against", path, "--kind", "generic", "--key", "证件号码",
              "--columns", "姓名=职工姓名,日期=开户日期,单位=单位", "--date", DAY, "--format", "json")
    finding = out.json()["findings"][0]
    assert finding["household_id"] == "GH008" and finding["record"]["details"] == {"单位": "县医院"}
    assert finding["months_paid_since"] is None  # GH008 is not covered: nothing to recover


def test_recovery_from_the_ledger_where_one_exists(run, tmp_path):
    rows = [person("H1", "冶玛", "1950-11-11", seq=12, 其他收入=600)]
    for month in ("2026-09", "2026-10", "2026-11"):
        write_xlsx(tmp_path / f"{month}.xlsx", rows)
        assert run("import", tmp_path / f"{month}.xlsx", "--month", month, "--db", tmp_path / "l.db").code == 0
    path = extract_xlsx(tmp_path / "死亡.xlsx", ["姓名", "身份证号", "死亡日期"], [["冶玛", pid("1950-11-11", 12), "2026-09-20"]])
    out = run("crosscheck", tmp_path / "2026-11.xlsx", "--against", path, "--kind", "死亡", "--date", DAY, "--db",
              tmp_path / "l.db", "--format", "json")
    finding = out.json()["findings"][0]
    assert finding["months_paid_since"] == 2 and finding["recover"] == "820.00"  # Oct + Nov, 410 each
    assert finding["recover_note"].startswith("按台账")


def test_xlsx_and_table_outputs_mask_ids_on_screen(run, tmp_path):
    path = extract_xlsx(tmp_path / "财政供养.xlsx", ["姓名", "身份证号", "单位", "月工资", "入职日期"],
                        [["林丽", ids()["林丽"], "县医院", 4200, "2020-09-01"]])
    table = run("crosscheck", ROSTER, "--against", path, "--kind", "财政供养", "--date", DAY)
    assert table.code == 1 and ids()["林丽"] not in table.out and ids()["林丽"][-4:] in table.out
    out = tmp_path / "疑点.xlsx"
    assert run("crosscheck", ROSTER, "--against", path, "--kind", "财政供养", "-o", out).code == 1
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames == ["疑点清单", "比对数据的问题"] and wb["疑点清单"]["C2"].value == "GH008"


def test_extract_without_an_id_column_is_one_clear_sentence(run, tmp_path):
    path = extract_xlsx(tmp_path / "x.xlsx", ["甲", "乙"], [[1, 2]])
    out = run("crosscheck", ROSTER, "--against", path, "--kind", "车辆")
    assert out.code == 3 and "找不到车辆数据的身份证号列" in out.err
