"""The columnar reader against the row reader: the same JSON from `assess --format json` and the same
`check` output, on the examples and on generated rosters (clean, messy, and with cells of mixed kinds
that make the columnar path hand the sheet to the row reader)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from dibao_cli.cli import main
from dibao_cli.reading.roster import _Reader
from dibao_cli.reading.sheets import open_book

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))
DAY = "2026-11-30"


@pytest.fixture(autouse=True, params=["loaded after the scan", "loaded while scanned"])
def loader(request, monkeypatch):
    """Each comparison twice: the columns loaded in this process after the sheet's scan, and loaded by a child
    process while this one scans (as large sheets are)."""
    from dibao_cli.reading import columnar

    if request.param == "loaded while scanned":
        monkeypatch.setattr(columnar, "PARALLEL_FROM_BYTES", 0)
    return request.param


def _run(args: list[str], reader: str) -> tuple[int, str]:
    old = os.environ.get("DIBAO_READER")
    os.environ["DIBAO_READER"] = reader
    try:
        result = CliRunner().invoke(main, args)
    finally:
        if old is None:
            del os.environ["DIBAO_READER"]
        else:
            os.environ["DIBAO_READER"] = old
    return result.exit_code, result.output


def _same(tmp_path: Path, roster: Path) -> None:
    outputs = {}
    for reader in ("rows", "columnar"):
        out = tmp_path / f"{reader}.json"
        code, _ = _run(["assess", str(roster), "--date", DAY, "--format", "json", "-o", str(out), "--force"], reader)
        check = _run(["check", str(roster), "--date", DAY], reader)
        check_json = tmp_path / f"{reader}-check.json"
        check_code, _ = _run(["check", str(roster), "--date", DAY, "--format", "json", "-o", str(check_json),
                              "--force"], reader)
        outputs[reader] = (code, out.read_bytes() if out.exists() else None, check, check_code,
                           check_json.read_bytes() if check_json.exists() else None)
    assert outputs["rows"] == outputs["columnar"]


def _columnar_taken(path: Path) -> bool:
    reader = _Reader(dt.date(2026, 11, 30), None)
    reader.use_columnar = True
    reader.columnar_from_bytes = 0
    return reader._columnar(open_book(path).sheets[0]) is not None


def _generate(tmp_path: Path, n: int, *flags: str) -> Path:
    path = tmp_path / f"roster-{n}{''.join(flags)}.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), str(n), str(path), *flags],
                   check=True)
    return path


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_read_the_same_by_columns(tmp_path, example):
    _same(tmp_path, example)


def test_clean_benchmark_roster_is_read_by_columns_with_the_same_results(tmp_path):
    roster = _generate(tmp_path, 10000)
    assert _columnar_taken(roster)
    _same(tmp_path, roster)


def test_a_small_roster_is_read_by_rows_unless_told_otherwise(tmp_path):
    """Below COLUMNAR_FROM_BYTES of sheet XML the row reader costs less than importing the columnar libraries."""
    from dibao_cli.reading.roster import COLUMNAR_FROM_BYTES

    roster = _generate(tmp_path, 1000)
    old = os.environ.pop("DIBAO_READER", None)
    try:
        reader = _Reader(dt.date(2026, 11, 30), None)
    finally:
        if old is not None:
            os.environ["DIBAO_READER"] = old
    assert reader.use_columnar and reader.columnar_from_bytes == COLUMNAR_FROM_BYTES
    assert reader._columnar(open_book(roster).sheets[0]) is None
    assert _columnar_taken(roster)


def test_messy_benchmark_roster_is_read_by_columns_with_the_same_problems(tmp_path):
    roster = _generate(tmp_path, 10000, "--messy")
    assert _columnar_taken(roster)
    _same(tmp_path, roster)
    code, output = _run(["check", str(roster), "--date", DAY], "columnar")
    assert code == 1
    assert "身份证号校验码不符" in output


def _with_bad_cells(source: Path, out: Path, in_header: bool = False, extra: dict | None = None) -> Path:
    """The roster with Excel error values and formulas saved without their result in every kind of column: the ID
    number, the name, both in one row, the household number, household-level columns (a first member's row and a
    later one's), money, a date, a column dibao does not know; and a row holding nothing but an error value."""
    from openpyxl import load_workbook

    book = load_workbook(source)
    sheet = book.active
    sheet.cell(1, 19).value = "#REF!" if in_header else "联系人备注"
    for r in range(2, sheet.max_row + 1, 7):
        sheet.cell(r, 19).value = f"备注{r}"
    marks = {(5, 6): "#N/A", (9, 5): "#REF!", (12, 5): "#VALUE!", (12, 6): "#N/A", (20, 3): "#DIV/0!",
             (30, 10): "#N/A", (31, 17): "=Q30", (40, 13): "=M39*2", (41, 9): "=TODAY()", (50, 19): "#NULL!",
             (60, 14): "#NUM!", (2, 1): "#N/A", (3, 18): "=R2"}
    for c in range(1, 20):
        sheet.cell(70, c).value = None
    marks[(70, 13)] = "#N/A"
    marks.update(extra or {})
    for (r, c), value in marks.items():
        sheet.cell(r, c).value = value  # openpyxl writes "#N/A" as an error value, "=…" as a formula without result
    book.save(out)
    return out


def test_error_values_and_formulas_without_result_are_read_by_columns_as_by_rows(tmp_path):
    roster = _with_bad_cells(_generate(tmp_path, 3000), tmp_path / "bad-cells.xlsx")
    from dibao_cli.reading import sheetscan

    with zipfile.ZipFile(roster) as zf:  # the cells are what Excel saves: t="e", and <f> without a value
        flags = sheetscan.scan_xlsx_sheet(roster, zf, "xl/worksheets/sheet1.xml", "x").flags
    assert sum(len(v) for v in flags.values()) == 14
    assert {b.kind for v in flags.values() for b in v.values()} == {"error", "uncached"}
    assert _columnar_taken(roster)
    _same(tmp_path, roster)
    code, output = _run(["check", str(roster), "--date", DAY], "columnar")
    assert code == 1
    for said in ("单元格是 Excel 错误值 #N/A", "单元格是 Excel 错误值 #DIV/0!", "没有保存公式的计算结果", "这一行有内容，但没有姓名和身份证号"):
        assert said in output, said


@pytest.mark.parametrize("where", ["in the header", "#NAME? (fastexcel refuses it)"])
def test_an_error_value_the_columns_cannot_take_hands_the_sheet_to_the_row_reader(tmp_path, where):
    header = where == "in the header"
    roster = _with_bad_cells(_generate(tmp_path, 300), tmp_path / "bad.xlsx", header, None if header else {(8, 19): "#NAME?"})
    assert not _columnar_taken(roster)
    _same(tmp_path, roster)


def test_rows_of_formulas_without_result_after_the_last_value_are_reported(tmp_path):
    """A household copied by formulas at the bottom of the sheet, in a file no spreadsheet program has saved: the
    workbook readers end with the last row holding a value, yet these rows are the sheet's and are reported."""
    from openpyxl import Workbook

    header = ["户编号", "姓名", "身份证号", "与户主关系", "性别", "城乡类别", "当前保障类别"]
    path = tmp_path / "formulas-last.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    sheet.append(header)
    sheet.append(["H1", "张三", "632521199001010032", "户主", "男", "农村", "低保"])
    sheet.append(["H1", "李四", "632521199102020045", "配偶", "女", "农村", "低保"])
    for r in (2, 3):
        sheet.append([f"=原始!{c}{r}" for c in "ABCDEFG"])
    book.create_sheet("原始")
    book.save(path)
    _same(tmp_path, path)
    code, output = _run(["check", str(path), "--date", DAY], "columnar")
    assert code == 1
    assert output.count("没有保存公式的计算结果") == 10  # the two rows' cells the roster reads, each reported
    assert "名册：1 个文件，1 户，4 人" in output


def test_a_dimension_that_does_not_start_at_the_values_hands_the_sheet_to_the_row_reader(tmp_path):
    """<dimension> says the used area starts one column right of where the values do (and ends one column right):
    the columns must not be placed from it."""
    source = _generate(tmp_path, 300)
    shifted = tmp_path / "shifted.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(shifted, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:R301"/>' in data
                data = data.replace(b'<dimension ref="A1:R301"/>', b'<dimension ref="B1:S301"/>')
            zout.writestr(info, data)
    assert _columnar_taken(source)
    assert not _columnar_taken(shifted)
    _same(tmp_path, shifted)


@pytest.mark.parametrize("saved, result", [(False, None), (True, None), (False, 36000)],
                         ids=["as written by xlsxwriter", "as saved by Excel", "calculated by the writing program"])
def test_formula_results_a_program_saved_without_calculating_are_not_figures(tmp_path, saved, result):
    """xlsxwriter saves 0 as the result of a formula given without one and marks the workbook to be calculated when
    opened: such a result is not the formula's, and the cell is reported as a formula without its result. A program
    that calculates (Apache POI, EPPlus) saves the real result under the same mark: it is read."""
    import xlsxwriter

    path = tmp_path / "placeholder.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("名册")
    sheet.write_row(0, 0, ["户编号", "姓名", "身份证号", "与户主关系", "性别", "城乡类别", "工资性收入", "当前保障类别"])
    sheet.write_row(1, 0, ["H1", "张三", "632521199001010032", "户主", "男", "农村"])
    sheet.write_formula(1, 6, "=3000*12", None, *([] if result is None else [result]))  # without: <v>0</v>
    sheet.write(1, 7, "低保")
    book.close()
    if saved:
        _as_saved_by_a_spreadsheet_program(path)
    assert _columnar_taken(path)  # the placeholder is put aside in the columns, as the row reader puts it aside
    _same(tmp_path, path)
    code, output = _run(["check", str(path), "--date", DAY], "columnar")
    if saved or result:  # the saved result is the formula's (as Excel saved it, the placeholder stands for it)
        assert code == 0 and "没有保存公式的计算结果" not in output
    else:
        assert code == 1
        assert "工资性收入" in output and "没有保存公式的计算结果" in output and "=3000*12" in output


@pytest.mark.parametrize("literal", ["#SPILL!", "#CALC!"])
def test_an_error_value_of_newer_excel_is_named_with_its_cell(tmp_path, literal):
    """The workbook readers refuse a sheet holding an error value they do not know: the clerk is told which cell,
    not that the file is damaged."""
    source = _with_bad_cells(_generate(tmp_path, 300), tmp_path / "bad.xlsx")
    newer = tmp_path / "newer.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(newer, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert data.count(b'<c r="S50" t="e"><v>#NULL!</v></c>') == 1
                data = data.replace(b"<v>#NULL!</v>", f"<v>{literal}</v>".encode())
            zout.writestr(info, data)
    for reader in ("rows", "columnar"):
        code, output = _run(["check", str(newer), "--date", DAY], reader)
        assert code == 3
        assert output == (f"错误：{newer} 的工作表“名册”中 S50 单元格是 Excel 错误值 {literal}（公式出错），dibao 读取表格的"
                          f"程序库不认识这种错误值，整张工作表无法读取。请改正 S50 的公式（或直接填入正确的值）后保存，再重新读取。\n")


def test_cells_of_mixed_kinds_hand_the_sheet_to_the_row_reader(tmp_path):
    roster = _generate(tmp_path, 10000, "--messy", "--mixed")
    assert not _columnar_taken(roster)
    _same(tmp_path, roster)


def test_help_and_version_do_not_load_the_columnar_libraries():
    for args in (["--version"], ["--help"], ["assess", "--help"]):
        code = ("import sys; from dibao_cli.cli import main\n"
                f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
                "loaded = [m for m in ('polars', 'pyarrow', 'fastexcel') if m in sys.modules]\n"
                "print('loaded:' + ','.join(loaded))")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert result.stdout.strip().splitlines()[-1] == "loaded:"


def test_id_numbers_checked_as_a_column_match_the_cell_parser(tmp_path):
    """Clean-looking 18-character numbers whose date does not exist (20230230, 19000229) or whose year is
    before 1000 are still refused, as the cell parser refuses them; 15-digit numbers are upgraded."""
    import xlsxwriter

    from dibao_cli.idcard import check_char

    def make(birth: str, seq: str = "001") -> str:
        first17 = f"632521{birth}{seq}"
        return first17 + check_char(first17)

    ids = [make("20230230"), make("19000229"), make("09990101"), make("20240229"), make("19900101", "002")[:17] + "x",
           "632521900101001", make("19800101"), make("19800101"), " " + make("19850101")]
    path = tmp_path / "ids.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("名册")
    sheet.write_row(0, 0, ["户编号", "姓名", "身份证号", "与户主关系", "城乡类别"])
    for row, number in enumerate(ids, start=1):
        sheet.write_row(row, 0, [f"H{row}", f"张{row}", number, "户主", "农村"])
    workbook.close()
    assert _columnar_taken(path)
    _same(tmp_path, path)
    code, output = _run(["check", str(path), "--date", DAY], "columnar")
    assert "身份证号中的出生日期 20230230 不存在" in output
    assert "身份证号中的出生日期 19000229 不存在" in output
    assert "15位旧身份证号" in output
    assert "身份证号重复" in output


# --------------------------------------------------------------------------- random rosters

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dibao_cli.model import HOUSEHOLD_FIELDS  # noqa: E402

_TEXT_CELLS = ["户主", "配偶", " 子 ", "本人", "男", "女", "M", "农村", "城镇", "乡", "有", "部分丧失劳动能力", "二级", "五级",
               "是", "否", "低保户", "特困供养", "#REF!", "＃N/A", "", "  ", "'632521199001010024", "１２００", "1,200.50",
               "1200元", "-5", "abc", "2024-03-01", "2024/3/1", "2024年3月1日", "20240301", "1905-07-18", "张 三", "王五",
               "H1", "H2", "H3", "632521199001010024", "632521199001010025", "63252119900101002x", "632521900101001",
               "632521202302300011", "注：以上信息属实", "合计"]
_NUMBER_CELLS = [0, 1, 2.5, 1200, 1200.555, -3, 0.1, 10**13, 2026, 632521199001011234]
_HEADER = ["户编号", "姓名", "身份证号", "与户主关系", "性别", "出生日期", "城乡类别", "劳动能力", "残疾等级", "工资性收入",
           "当前保障类别", "当前月保障金", "户主姓名", "备注栏"]


# formulas as Excel saves them: with an error value, without their result, or with a result of the column's kind
_BAD_CELLS = [("=NA()", "#N/A"), ("=#REF!+1", "#REF!"), ("=1/0", "#DIV/0!"), ("=\"a\"+1", "#VALUE!"), ("=A2", "")]
_TEXT = st.lists(st.one_of(st.none(), st.sampled_from(_TEXT_CELLS), st.sampled_from(_BAD_CELLS + [("=\"户主\"", "户主")])),
                 min_size=12, max_size=12)
_NUMBERS = st.lists(st.one_of(st.none(), st.sampled_from(_NUMBER_CELLS), st.sampled_from(_BAD_CELLS + [("=1+1", 2), ("=A2*0", 0)])),
                    min_size=12, max_size=12)
_MIXED = st.lists(st.one_of(st.none(), st.sampled_from(_TEXT_CELLS), st.sampled_from(_NUMBER_CELLS)),
                  min_size=12, max_size=12)
_ONE_KIND = st.lists(st.one_of(_TEXT, _TEXT, _NUMBERS), min_size=len(_HEADER), max_size=len(_HEADER))
_ANY_KIND = st.lists(st.one_of(_TEXT, _NUMBERS, _MIXED), min_size=len(_HEADER), max_size=len(_HEADER))


def _dump(roster):
    def member(m):
        return tuple(getattr(m, k) for k in m.__slots__ if k not in ("incomes", "expenses", "extra")) + (
            dict(m.incomes), dict(m.expenses), dict(m.extra))

    return ([tuple(vars(p).values()) if hasattr(p, "__dict__") else tuple(p) for p in roster.problems],
            [(h.household_id, h.row, h.has_error, tuple(getattr(h, f) for f in HOUSEHOLD_FIELDS),
              [member(m) for m in h.members]) for h in roster.households.values()],
            [member(m) for m in roster.orphans],
            [vars(s) for s in roster.sheets])


def _as_saved_by_a_spreadsheet_program(path: Path) -> None:
    """The workbook as Excel saves it once calculated: the formulas' saved results are theirs (xlsxwriter marks its
    workbooks to be calculated on opening, its results being placeholders; sheetscan.xlsx_workbook)."""
    with zipfile.ZipFile(path) as zin:
        parts = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in parts:
            if info.filename == "xl/workbook.xml":
                assert b' fullCalcOnLoad="1"' in data
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            zout.writestr(info, data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(one_kind=st.booleans(), data=st.data(),
       households=st.lists(st.sampled_from(["H1", "H2", "H3", None, "H1 "]), min_size=12, max_size=12))
def test_random_rosters_read_the_same_by_columns_and_by_rows(tmp_path, one_kind, data, households):
    """Messy cells of every kind (error literals typed as text, error values and formulas without their result or
    with a placeholder result, full-width digits, dates that do not exist, duplicated and 15-digit IDs, notes and blank household numbers):
    the two engines give the same members, households and problems. Columns of one kind each are read by columns;
    a mixed column hands the sheet to the row reader."""
    import xlsxwriter

    columns = data.draw(_ONE_KIND if one_kind else _ANY_KIND)

    path = tmp_path / "random.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})
    sheet = workbook.add_worksheet("名册")
    sheet.write_row(0, 0, _HEADER)
    columns[0] = households
    for c, cells in enumerate(columns):
        for r, value in enumerate(cells, start=1):
            if value is None:
                continue
            if isinstance(value, tuple):  # a formula and what the file keeps as its result
                sheet.write_formula(r, c, value[0], None, value[1])
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    workbook.close()
    saved = data.draw(st.booleans())  # else as xlsxwriter left it: a saved result of 0 is its placeholder
    if saved:
        _as_saved_by_a_spreadsheet_program(path)
    day = dt.date(2026, 11, 30)
    if one_kind and saved:
        assert _columnar_taken(path)
    dumps = []
    for columnar in (False, True):
        reader = _Reader(day, None)
        reader.use_columnar = columnar
        reader.columnar_from_bytes = 0
        try:
            reader.read_file(path, None, False, None)
        except Exception as exc:  # both engines must refuse the same file the same way
            dumps.append(("refused", type(exc).__name__, str(exc)))
            continue
        reader.check_households()
        dumps.append(_dump(reader.roster))
    assert dumps[0] == dumps[1]


def test_plain_text_is_its_own_clean_value():
    """The columnar reader keeps a text, name or household-number cell matching frame._PLAIN as it is, without
    calling the cleaner: true for every character the pattern allows, and for a cell made of them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from dibao_cli import cells
    from dibao_cli.reading import frame
    from dibao_cli.reading.apply import household_number

    chars = [chr(c) for c in range(0x4E00, 0x9FA6)] + [chr(c) for c in range(128) if chr(c).isalnum()]
    refused = ["张 三", "张三 ", "Ａ", "·", "张\u3000三", "'张", "#REF!", "H-1", "", "Ⅱ", "①"]
    matched = pc.match_substring_regex(pa.array(chars + refused), frame._PLAIN).to_pylist()
    assert matched == [True] * len(chars) + [False] * len(refused)
    for char in chars:
        assert cells.text(char) is char and cells.name(char) is char and household_number(char) is char
    whole = "".join(chars)
    assert cells.text(whole) is whole and cells.name(whole) is whole and household_number(whole) is whole
