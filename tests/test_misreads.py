"""Cells that must never become figures silently: Excel error values, formulas saved without their
result, bare numbers in date columns and money that is not one number. Each test builds a real file
(the error cells are written into the sheet XML as Excel saves them) and runs the real CLI."""

import re
import zipfile
from pathlib import Path

import pytest

from conftest import DAY, household, person, write_csv, write_ods, write_xlsx

HEADER = ["乡镇", "村(社区)", "户编号", "姓名", "身份证号", "与户主关系", "城乡类别", "工资性收入", "渐退开始日期"]
ROWS = [
    person("H1", "马建国", "1981-03-15", seq=11, 工资性收入=6000),
    person("H1", "韩秀英", "1983-07-02", "配偶", seq=12),
    person("H2", "冶玛", "1950-11-11", seq=12, 工资性收入=600),
]
ERRORS = ["#REF!", "#VALUE!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#N/A"]


def ref(column: str, row: int) -> str:
    """The A1 reference of a HEADER column on a 1-based sheet row."""
    index = HEADER.index(column)
    return f"{chr(65 + index)}{row}"


def patch_xlsx(path: Path, cells: dict[str, str], saved_by_excel: bool = True) -> Path:
    """Replace cells of the first sheet's XML by the given raw XML (as Excel would have saved them: without the
    mark of the writing program, openpyxl, that the formulas' saved results are not calculated, unless not
    `saved_by_excel`)."""
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    assert b' fullCalcOnLoad="1"' in parts["xl/workbook.xml"]
    if saved_by_excel:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b' fullCalcOnLoad="1"', b"")
    sheet = "xl/worksheets/sheet1.xml"
    xml = parts[sheet].decode()
    for cell_ref, raw in cells.items():
        pattern = re.compile(rf'<c r="{cell_ref}"(?: [^>]*)?(?:/>|>.*?</c>)')
        if pattern.search(xml):
            xml = pattern.sub(raw, xml, count=1)
        else:  # the cell was empty: add it at the end of its row (tests only add to the last column)
            row = re.sub(r"\D", "", cell_ref)
            xml = re.sub(rf'(<row r="{row}"[^>]*>.*?)(</row>)', lambda m: m.group(1) + raw + m.group(2), xml, count=1)
    parts[sheet] = xml.encode()
    path.unlink()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def roster(tmp_path, rows=ROWS, name="r.xlsx") -> Path:
    return write_xlsx(tmp_path / name, rows, header=HEADER)


def check(run, path, *extra):
    result = run("check", path, "--format", "json", "--date", DAY, *extra)
    return result, result.json()


def assess(run, path):
    result = run("assess", path, "--format", "json", "--date", DAY, "--region", "632521")
    return result, result.json()


def only(problems, code):
    found = [p for p in problems if p["code"] == code]
    assert len(found) == 1, problems
    return found[0]


@pytest.mark.parametrize("error", ERRORS)
def test_excel_error_value_in_income_is_an_error_not_zero(run, tmp_path, error):
    """`=#REF!*2` in 工资性收入 (python-calamine returns an empty cell for it) leaves the household out."""
    path = patch_xlsx(roster(tmp_path), {ref("工资性收入", 2): f'<c r="{ref("工资性收入", 2)}" t="e"><f>#REF!*2</f>'
                                                             f'<v>{error.replace("&", "&amp;")}</v></c>'})
    result, data = check(run, path)
    assert result.code == 1
    problem = only(data["problems"], "cell_error")
    assert (problem["file"], problem["sheet"], problem["row"], problem["column"], problem["value"],
            problem["household_id"], problem["severity"]) == (str(path), "名册", 2, "工资性收入", error, "H1", "error")
    assert error in problem["problem"] and "公式" in problem["fix"]
    assert data["summary"]["households_with_errors"] == 1
    result, data = assess(run, path)
    assert result.code == 1
    assert [h["household_id"] for h in data["households"]] == ["H2"]
    assert [h["household_id"] for h in data["left_out"]] == ["H1"]


def test_a_plain_error_value_without_formula_is_an_error_too(run, tmp_path):
    path = patch_xlsx(roster(tmp_path), {ref("工资性收入", 4): f'<c r="{ref("工资性收入", 4)}" t="e"><v>#N/A</v></c>'})
    result, data = check(run, path)
    problem = only(data["problems"], "cell_error")
    assert result.code == 1 and (problem["row"], problem["value"], problem["household_id"]) == (4, "#N/A", "H2")


@pytest.mark.parametrize("column,value_row", [("身份证号", 3), ("姓名", 3), ("户编号", 3), ("城乡类别", 3),
                                              ("村(社区)", 3), ("渐退开始日期", 3)])
def test_error_value_in_any_column_dibao_reads(run, tmp_path, column, value_row):
    cell = ref(column, value_row)
    path = patch_xlsx(roster(tmp_path), {cell: f'<c r="{cell}" t="e"><f>VLOOKUP(A1,Z:Z,2,0)</f><v>#N/A</v></c>'})
    result, data = check(run, path)
    assert result.code == 1
    problem = only(data["problems"], "cell_error")
    assert (problem["row"], problem["column"], problem["value"]) == (3, column, "#N/A")
    assert [p["code"] for p in data["problems"] if p["severity"] == "error"] == ["cell_error"]


def test_formula_without_cached_value_says_open_and_save(run, tmp_path):
    """openpyxl writes formulas with no result, as any program that never ran Excel does."""
    rows = [dict(r) for r in ROWS]
    rows[2]["工资性收入"] = "=300*2"
    path = roster(tmp_path, rows)
    result, data = check(run, path)
    assert result.code == 1
    problem = only(data["problems"], "formula_uncached")
    assert (problem["row"], problem["column"], problem["value"], problem["household_id"]) == (4, "工资性收入", "=300*2", "H2")
    assert "Excel 或 WPS 打开" in problem["fix"] and "保存" in problem["fix"]
    result, data = assess(run, path)
    assert result.code == 1 and [h["household_id"] for h in data["left_out"]] == ["H2"]


def test_formula_element_without_any_value_element_is_uncached(run, tmp_path):
    cell = ref("工资性收入", 2)
    path = patch_xlsx(roster(tmp_path), {cell: f'<c r="{cell}"><f>SUM(B2:B9)</f></c>'})
    result, data = check(run, path)
    problem = only(data["problems"], "formula_uncached")
    assert result.code == 1 and (problem["row"], problem["value"]) == (2, "=SUM(B2:B9)")


@pytest.mark.parametrize("saved_by_excel", [True, False], ids=["saved by Excel", "calculated by its writing program"])
def test_formula_with_a_cached_number_stays_accepted(run, tmp_path, saved_by_excel):
    """A formula's saved result is read, also in a workbook marked to be calculated when opened when that result is
    not the placeholder 0 (Apache POI and EPPlus calculate and save real results under that mark)."""
    plain = roster(tmp_path, name="plain.xlsx")
    cell = ref("工资性收入", 2)
    cached = patch_xlsx(roster(tmp_path, name="cached.xlsx"), {cell: f'<c r="{cell}"><f>3000*2</f><v>6000</v></c>'},
                        saved_by_excel)
    shared = patch_xlsx(roster(tmp_path, name="shared.xlsx"),
                        {cell: f'<c r="{cell}"><f t="shared" ref="{cell}:{cell}" si="0">3000*2</f><v>6000</v></c>'},
                        saved_by_excel)
    result, data = check(run, cached)
    assert result.code == 0 and data["problems"] == []
    expected = assess(run, plain)[1]["households"]
    for path in (cached, shared):
        result, data = assess(run, path)
        assert result.code == 0
        assert data["households"] == [dict(h, file=str(path)) if "file" in h else h for h in expected]


def test_formula_results_saved_by_a_program_that_does_not_calculate_are_not_figures(run, tmp_path):
    """A workbook marked to be calculated when opened (xlsxwriter, openpyxl): its formulas' saved results are
    placeholders, and each formula is reported as one without its result, never read as a figure."""
    cell = ref("工资性收入", 2)
    path = patch_xlsx(roster(tmp_path), {cell: f'<c r="{cell}"><f>3000*2</f><v>0</v></c>'}, saved_by_excel=False)
    result, data = check(run, path)
    problem = only(data["problems"], "formula_uncached")
    assert result.code == 1 and (problem["row"], problem["column"], problem["value"]) == (2, "工资性收入", "=3000*2")


def test_a_row_of_formulas_without_result_and_nothing_else_is_not_a_person(run, tmp_path):
    """A total row under the roster, its sum never calculated (a file no spreadsheet program saved): no name, no ID
    number, no data of anyone; it is passed over as a note row is."""
    rows = [dict(r) for r in ROWS] + [{"工资性收入": 1}]
    last = len(rows) + 1
    cell = ref("工资性收入", last)
    path = patch_xlsx(write_xlsx(tmp_path / "total.xlsx", rows, header=HEADER),
                      {cell: f'<c r="{cell}"><f>SUM({ref("工资性收入", 2)}:{ref("工资性收入", last - 1)})</f></c>'})
    result, data = check(run, path)
    assert result.code == 0 and data["problems"] == []


def test_error_text_in_csv_is_an_error(run, tmp_path):
    """A CSV saved from Excel keeps the error as text: it is refused in text columns too."""
    rows = [dict(r) for r in ROWS]
    rows[0]["工资性收入"] = "#DIV/0!"
    rows[1]["村(社区)"] = "#REF!"
    result, data = check(run, write_csv(tmp_path / "r.csv", rows, header=HEADER))
    assert result.code == 1
    found = sorted((p["row"], p["column"], p["value"]) for p in data["problems"] if p["code"] == "cell_error")
    assert found == [(2, "工资性收入", "#DIV/0!"), (3, "村(社区)", "#REF!")]


def test_error_cells_in_xls(run, tmp_path):
    import xlwt

    path = tmp_path / "r.xls"
    errors = {(1, HEADER.index("工资性收入")): "#REF!", (3, HEADER.index("城乡类别")): 0x2A}  # 0x2A is #N/A
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名册")
    from conftest import table

    header, data = table(ROWS, HEADER)
    for c, h in enumerate(header):
        sheet.write(0, c, h)
    for r, row in enumerate(data, start=1):
        for c, value in enumerate(row):
            if (r, c) in errors:
                sheet.row(r).set_cell_error(c, errors[r, c])
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    result, data = check(run, path)
    assert result.code == 1
    found = sorted((p["row"], p["column"], p["value"]) for p in data["problems"] if p["code"] == "cell_error")
    assert found == [(2, "工资性收入", "#REF!"), (4, "城乡类别", "#N/A")]


def test_error_cells_in_ods(run, tmp_path):
    """LibreOffice saves an error result as calcext:value-type="error" with the error text."""
    path = write_ods(tmp_path / "r.ods", ROWS, header=HEADER)
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    xml = parts["content.xml"].decode()
    xml = xml.replace("<office:document-content ",
                      '<office:document-content xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:'
                      'xmlns:calcext:1.0" ', 1)
    bad = ('<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" '
           'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>')
    xml = xml.replace('<table:table-cell office:value-type="float" office:value="6000"><text:p>6000</text:p>'
                      '</table:table-cell>', bad, 1)
    assert bad in xml
    parts["content.xml"] = xml.encode()
    path.unlink()
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), parts.pop("mimetype"))
        for name, data in parts.items():
            zf.writestr(name, data, zipfile.ZIP_DEFLATED)
    result, data = check(run, path)
    assert result.code == 1
    problem = only(data["problems"], "cell_error")
    assert (problem["row"], problem["column"], problem["value"]) == (2, "工资性收入", "#DIV/0!")


@pytest.mark.parametrize("value", [2026, 3, 45000, "2026", "45000"])
def test_bare_number_in_a_date_column_is_an_error_not_1905(run, tmp_path, value):
    rows = [dict(r) for r in ROWS]
    rows[2]["渐退开始日期"] = value
    path = roster(tmp_path, rows)
    result, data = check(run, path)
    assert result.code == 1
    problem = only(data["problems"], "date_number")
    assert (problem["row"], problem["column"], problem["value"]) == (4, "渐退开始日期", str(value))
    result, data = assess(run, path)
    assert result.code == 1 and [h["household_id"] for h in data["left_out"]] == ["H2"]
    assert [h["household_id"] for h in data["households"]] == ["H1"]


def test_real_date_cells_and_date_text_are_dates(run, tmp_path):
    import datetime as dt

    rows = [dict(r) for r in ROWS]
    rows[0]["渐退开始日期"] = dt.date(2026, 6, 1)
    rows[2]["渐退开始日期"] = "2026年6月1日"
    result, data = check(run, roster(tmp_path, rows))
    assert not [p for p in data["problems"] if p["column"] == "渐退开始日期"]


@pytest.mark.parametrize("value", ["6000,50", "6000 2400", "1e2", "1_200", "1,2000", "12,34.5", "6000，50", "1.2.3",
                                   "6000元2400元", "1元2"])
@pytest.mark.parametrize("writer,suffix", [(write_xlsx, "xlsx"), (write_csv, "csv")])
def test_money_that_is_not_one_number_is_an_error(run, tmp_path, value, writer, suffix):
    rows = [dict(r) for r in ROWS]
    rows[0]["工资性收入"] = value
    path = writer(tmp_path / f"r.{suffix}", rows, header=HEADER)
    result, data = check(run, path)
    assert result.code == 1
    problem = only(data["problems"], "money_format")
    assert (problem["row"], problem["column"], problem["value"]) == (2, "工资性收入", value)
    result, data = assess(run, path)
    assert [h["household_id"] for h in data["left_out"]] == ["H1"]


@pytest.mark.parametrize("value,number", [("1,200.50", 1200.5), ("12,345,678", 12345678), ("6000元", 6000),
                                          ("¥6,000", 6000), (" 6000 ", 6000), ("6,000.00", 6000)])
def test_money_with_separators_in_the_right_places_is_accepted(run, tmp_path, value, number):
    rows = [dict(r) for r in ROWS]
    rows[2]["工资性收入"] = value
    path = write_csv(tmp_path / "r.csv", rows, header=HEADER)
    result, data = check(run, path)
    assert result.code == 0 and data["problems"] == []
    rows[2]["工资性收入"] = number
    typed = write_csv(tmp_path / "typed.csv", rows, header=HEADER)
    got, expected = household(assess(run, path)[1], "H2"), household(assess(run, typed)[1], "H2")
    assert got["annual_income"] == expected["annual_income"] and got["monthly_benefit"] == expected["monthly_benefit"]


def test_error_cells_in_another_departments_extract_are_reported_not_matched(run, tmp_path):
    """A death extract whose ID is an uncached formula and whose date is #N/A: reported, never a crash."""
    from openpyxl import Workbook

    from conftest import EXAMPLES
    from dibao_cli.reading.roster import read_rosters

    roster = EXAMPLES / "roster.xlsx"
    ids = {m.name: m.id_number for h in read_rosters([roster]).households.values() for m in h.members}
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "火化日期"])
    ws.append(["杨国庆", "=A1&B1", "2026-06-15"])
    ws.append(["杨国庆", ids["杨国庆"], "#N/A"])
    path = tmp_path / "殡葬.xlsx"
    wb.save(path)
    result = run("crosscheck", roster, "--against", path, "--kind", "殡葬", "--date", DAY, "--format", "json")
    data = result.json()
    assert [(p["code"], p["row"], p["value"], p["severity"]) for p in data["extract_problems"]] == [
        ("formula_uncached", 2, "=A1&B1", "error"), ("cell_error", 3, "#N/A", "warning")]
    assert [(f["code"], f["record"]["row"]) for f in data["findings"]] == [("death", 3)]


def test_error_value_in_the_id_column_is_shown_on_screen(run, tmp_path):
    cell = ref("身份证号", 3)
    path = patch_xlsx(roster(tmp_path), {cell: f'<c r="{cell}" t="e"><v>#N/A</v></c>'})
    result = run("check", path, "--date", DAY)
    assert result.code == 1
    line = next(line for line in result.out.splitlines() if "#N/A" in line)
    assert "身份证号" in line and "错误" in line


def test_import_refuses_a_roster_with_an_error_cell_and_skips_the_household(run, tmp_path):
    """The ledger never records a benefit computed from #REF!: import refuses, --skip-invalid leaves H1 out."""
    path = patch_xlsx(roster(tmp_path), {ref("工资性收入", 2): f'<c r="{ref("工资性收入", 2)}" t="e"><f>#REF!*2</f>'
                                                             '<v>#REF!</v></c>'})
    db = tmp_path / "l.db"
    refused = run("import", path, "--month", "2026-11", "--db", db, "--date", DAY)
    assert refused.code == 1 and "名册有 1 个错误，未导入" in refused.err
    skipped = run("import", path, "--month", "2026-11", "--db", db, "--date", DAY, "--skip-invalid")
    assert skipped.code == 1 and "1 户因名册错误未导入" in skipped.out and "H1" in skipped.out
    history = run("history", "H2", "--db", db, "--format", "json")
    assert history.code == 0 and [r["month"] for r in history.json()] == ["2026-11"]
    assert run("history", "H1", "--db", db, "--format", "json").code == 6  # not in the ledger


def test_invisible_characters_in_names_never_reach_the_outputs(run, tmp_path):
    """A NUL or a zero-width space pasted into a name or a village shows as nothing in Excel: dibao keeps the
    text as it looks, in the JSON, the ledger and the notices, and the household is assessed as usual."""
    import json

    from conftest import person, write_csv, write_xlsx

    rows = [person("H1", "马\u200b六", "1950-03-01", 经营净收入=1200)]
    write_xlsx(tmp_path / "r.xlsx", rows)  # an xlsx may hold a zero-width space; a NUL comes through CSV
    rows[0]["村(社区)"] = "西台\x00村"
    path = write_csv(tmp_path / "r.csv", rows)
    result = run("assess", path, "--format", "json", "--date", "2026-11-30")
    assert result.code == 0
    household = json.loads(result.out)["households"][0]
    assert household["village"] == "西台村"
    assert household["head_name"] == "马六"
    assert household["status"] == "dibao"
    assert "\x00" not in result.out and "\u200b" not in result.out


@pytest.mark.parametrize("amount", [6000.001, 6000.005, 4000.001, 123456.789])
def test_a_number_cell_with_a_fraction_of_a_fen_is_an_error_not_rounded(run, tmp_path, amount):
    """A numeric cell of 6000.005 used to become 6000.00 or 6000.01 without a word; it is an error now."""
    rows = [dict(r) for r in ROWS]
    rows[0]["工资性收入"] = amount
    path = write_xlsx(tmp_path / "名册.xlsx", rows, header=HEADER)
    result, data = check(run, path)
    assert result.code == 1
    problem = only(data["problems"], "money_decimals")
    assert (problem["row"], problem["column"], problem["household_id"]) == (2, "工资性收入", "H1")


def test_a_formula_sum_with_binary_noise_is_still_exact(run, tmp_path):
    """0.1 + 0.2 is stored as 0.30000000000000004; the sheet shows 0.3 and so does dibao (30 fen)."""
    rows = [dict(r) for r in ROWS]
    rows[2]["工资性收入"] = 600 + 0.1 + 0.2
    path = write_xlsx(tmp_path / "名册.xlsx", rows, header=HEADER)
    result, data = assess(run, path)
    assert result.code == 0
    assert household(data, "H2")["annual_income"]["counted"] == "600.30"
