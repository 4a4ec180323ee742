"""Reading rosters as staff keep them: every format, title rows, merged and two-row headers, variants."""

import pytest
from openpyxl import Workbook

from conftest import DAY, household, person, pid, write_csv, write_ods, write_xls, write_xlsx

ROWS = [
    person("H1", "马建国", "1981-03-15", seq=11, 工资性收入=6000, 性别="男"),
    person("H1", "韩秀英", "1983-07-02", "配偶", seq=12, 经营净收入="1,200.50", 性别="女"),
    person("H2", "冶玛", "1950-11-11", seq=12, 其他收入=600),
]


def members_json(run, path, *extra):
    result = run("check", path, "--format", "json", "--date", DAY, *extra)
    return result, result.json()


@pytest.mark.parametrize("writer,suffix", [(write_xlsx, "xlsx"), (write_xls, "xls"), (write_ods, "ods"),
                                           (write_csv, "csv")])
def test_every_format_reads_the_same_roster(run, tmp_path, writer, suffix):
    path = writer(tmp_path / f"roster.{suffix}", ROWS)
    result, data = members_json(run, path)
    assert result.code == 0, data["problems"]
    assert data["summary"]["households"] == 2 and data["summary"]["members"] == 3
    assert data["problems"] == []


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_are_detected(run, tmp_path, encoding):
    path = write_csv(tmp_path / "roster.csv", ROWS, encoding=encoding)
    result, data = members_json(run, path)
    assert result.code == 0 and data["summary"]["by_township"] == {"恰卜恰镇": {"households": 2, "members": 3}}


def test_tab_separated_txt(run, tmp_path):
    path = write_csv(tmp_path / "roster.txt", ROWS, delimiter="\t")
    result, data = members_json(run, path)
    assert result.code == 0 and data["summary"]["members"] == 3


def test_wrong_forced_encoding_is_one_clear_sentence(run, tmp_path):
    path = write_csv(tmp_path / "roster.csv", ROWS, encoding="gb18030")
    result = run("check", path, "--encoding", "utf-8")
    assert result.code == 3 and "不是 utf-8 编码" in result.err and "Traceback" not in result.err


def test_title_rows_and_notes_below_are_skipped(run, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", ROWS, title_rows=["共和县低保名册", ["填报单位：恰卜恰镇", None, "2026年11月"]])
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active.append([])
    wb.active.append(["注：收入为近12个月合计"])
    wb.save(path)
    result, data = members_json(run, path)
    assert result.code == 0 and data["summary"]["members"] == 3
    assert data["summary"]["sheets"][0]["header_row"] == 3


def test_two_row_merged_header_traditional_characters_and_merged_household_ids(run, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["戶編號", "姓名", "公民身份號碼", "與戶主關係", "城鄉類別", "收入情況（元/年）", None])
    ws.append([None, None, None, None, None, "工資性收入", "經營淨收入"])
    ws.merge_cells("F1:G1")
    for col in "ABCDE":
        ws.merge_cells(f"{col}1:{col}2")
    ws.append(["H1", "马建国", pid("1981-03-15", 11), "户主", "农村", 6000, None])
    ws.append([None, "韩秀英", pid("1983-07-02", 12), "配偶", "农村", None, 1200])
    ws.merge_cells("A3:A4")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    result, data = members_json(run, path)
    assert result.code == 0, data["problems"]
    assert data["summary"]["households"] == 1 and data["summary"]["members"] == 2
    # the income columns were recognised under the merged group header
    assess = run("assess", path, "--format", "json", "--date", DAY).json()
    assert household(assess, "H1")["annual_income"]["counted"] == "7200.00"


def test_unknown_columns_are_kept_and_listed(run, tmp_path):
    rows = [dict(ROWS[0], 联系人="王五")]
    result, data = members_json(run, write_xlsx(tmp_path / "r.xlsx", rows))
    assert data["summary"]["sheets"][0]["unknown_columns"] == ["联系人"]
    assert any(p["code"] == "unknown_column" and p["column"] == "联系人" for p in data["problems"])


def test_multi_sheet_workbook_all_sheets_and_sheet_choice(run, tmp_path):
    from openpyxl import Workbook

    from conftest import table

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in (("西台村", ROWS[:2]), ("东巴村", ROWS[2:]), ("说明", None)):
        ws = wb.create_sheet(name)
        if rows is None:
            ws.append(["本工作簿每村一个工作表"])
            continue
        header, data = table(rows, list(ROWS[0].keys()) + ["经营净收入", "其他收入"])
        ws.append(header)
        for row in data:
            ws.append(row)
    path = tmp_path / "villages.xlsx"
    wb.save(path)
    first, data = members_json(run, path)
    assert data["summary"]["members"] == 2
    assert any(p["code"] == "sheets_skipped" and "东巴村" in p["problem"] for p in data["problems"])
    _, data = members_json(run, path, "--all-sheets")
    assert data["summary"]["members"] == 3 and data["summary"]["households"] == 2
    _, data = members_json(run, path, "--sheet", "东巴村")
    assert data["summary"]["members"] == 1
    missing = run("check", path, "--sheet", "加拉村")
    assert missing.code == 3 and "西台村、东巴村、说明" in missing.err


def test_household_values_that_disagree_are_an_error(run, tmp_path):
    rows = [dict(ROWS[0], 当前保障类别="低保"), dict(ROWS[1], 当前保障类别="无")]
    result, data = members_json(run, write_xlsx(tmp_path / "r.xlsx", rows))
    assert result.code == 1
    problem = next(p for p in data["problems"] if p["code"] == "household_conflict")
    assert problem["row"] == 3 and problem["column"] == "当前保障类别"


def test_household_value_on_head_row_only_is_fine(run, tmp_path):
    rows = [dict(ROWS[0], 当前保障类别="低保"), dict(ROWS[1])]
    result, data = members_json(run, write_xlsx(tmp_path / "r.xlsx", rows))
    assert result.code == 0


@pytest.mark.parametrize("mutate,code,row", [
    (lambda rows: rows.append(dict(rows[1])), "id_duplicate_household", 5),
    (lambda rows: rows[2].update(户编号="H1", 与户主关系="户主"), "head_count", 2),
    (lambda rows: rows[1].update(户编号=None), "household_id_missing", 3),
    (lambda rows: rows[0].update(出生日期="1981-03-16"), "birth_mismatch", 2),
    (lambda rows: rows[0].update(性别="女"), "sex_mismatch", 2),
    (lambda rows: rows[0].update(身份证号=6.32521198103151e17), "id_excel_number", 2),
    (lambda rows: rows[0].update(工资性收入="六千"), "money_format", 2),
    (lambda rows: rows[2].update(姓名=None), "name_missing", 4),
])
def test_each_problem_names_its_row_and_code(run, tmp_path, mutate, code, row):
    rows = [dict(r) for r in ROWS]
    mutate(rows)
    result, data = members_json(run, write_xlsx(tmp_path / "r.xlsx", rows))
    assert result.code == 1
    found = [p for p in data["problems"] if p["code"] == code]
    assert found and found[0]["row"] == row and found[0]["file"].endswith("r.xlsx") and found[0]["fix"]


def test_same_id_in_two_households_and_in_two_files(run, tmp_path):
    other = [person("H9", "马建国", "1981-03-15", seq=11)]
    a = write_xlsx(tmp_path / "a.xlsx", ROWS)
    b = write_xlsx(tmp_path / "b.xlsx", other)
    _, data = members_json(run, a, b)
    assert [p["code"] for p in data["problems"]] == ["id_duplicate_file"]
    rows = ROWS + [person("H3", "马建国", "1981-03-15", seq=11)]
    _, data = members_json(run, write_xlsx(tmp_path / "c.xlsx", rows))
    assert [p["code"] for p in data["problems"]] == ["id_duplicate_other_household"]


def test_head_under_16_is_a_warning(run, tmp_path):
    rows = [person("H1", "才让加", "2012-01-01", seq=11)]
    result, data = members_json(run, write_xlsx(tmp_path / "r.xlsx", rows))
    assert result.code == 0 and data["problems"][0]["code"] == "head_minor"
    assert run("check", tmp_path / "r.xlsx", "--fail-on-warning", "--date", DAY).code == 1


def test_15_digit_id_is_a_warning_with_the_18_digit_number(run, tmp_path):
    rows = [dict(ROWS[2], 身份证号="632521501111122")]
    result, data = members_json(run, write_xlsx(tmp_path / "r.xlsx", rows))
    assert result.code == 0 and data["problems"][0]["code"] == "id_upgraded"
