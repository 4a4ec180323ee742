"""The assessment workbook as `dibao assess -o` writes it (each household assessed once, its rows kept
packed) has the same cells, formats, widths and row heights as the workbook xlsxwriter writes from the full
list of results; sheets past the row limit go on in continuation sheets that Excel can open."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dibao_cli.reports.files import MONEY_FORMAT, SheetSpec, write_xlsx
from dibao_cli.reports.rowstore import CHUNK, RowStore

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-30"


def _generate(tmp_path: Path, n: int, *flags: str) -> Path:
    path = tmp_path / f"roster-{n}{''.join(flags)}.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), str(n), str(path), *flags],
                   check=True)
    return path


def _describe(path: Path) -> dict:
    """Every cell (value, number format, wrapping, bold), column widths, row heights and sheet setup."""
    book = openpyxl.load_workbook(path)
    out = {"sheets": book.sheetnames}
    for ws in book.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    cells[c.coordinate] = (c.value, c.number_format, bool(c.alignment.wrap_text),
                                           c.alignment.vertical, c.font.b)
        widths = {k: round(v.width, 2) for k, v in ws.column_dimensions.items() if v.width}
        heights = {k: v.height for k, v in ws.row_dimensions.items() if v.height}
        out[ws.title] = (cells, widths, heights, sorted(str(m) for m in ws.merged_cells.ranges), ws.freeze_panes,
                         ws.auto_filter.ref, ws.print_title_rows,
                         ws.page_setup.orientation, ws.page_setup.fitToHeight)
    return out


def _old_writer(roster: Path, out: Path, monkeypatch) -> None:
    """The workbook from the whole list of results (assess_roster), written by xlsxwriter."""
    from dibao_cli.assess.household import assess_roster
    from dibao_cli.policy import PolicyAt, load_policy
    from dibao_cli.reading.roster import read_rosters
    from dibao_cli.reports import assess_sheets
    from dibao_cli.reports import fastbook

    day = dt.date(2026, 11, 30)
    assessment = assess_roster(read_rosters([roster], on_date=day), PolicyAt(load_policy(), day), day)
    assert assessment.results
    with monkeypatch.context() as m:
        m.setattr(fastbook, "available", lambda: False)
        write_xlsx(out, assess_sheets.xlsx_sheets(assessment), force=False)


@pytest.mark.parametrize(("flags", "exit_code"), [((), 0), (("--messy",), 1)], ids=["clean", "messy"])
def test_assess_workbook_has_every_cell_of_the_old_writer(tmp_path, run, monkeypatch, flags, exit_code):
    roster = _generate(tmp_path, 2500, *flags)
    new = tmp_path / "new.xlsx"
    result = run("assess", roster, "--date", DAY, "-o", new)
    assert result.code == exit_code, result.err
    old = tmp_path / "old.xlsx"
    _old_writer(roster, old, monkeypatch)
    described, expected = _describe(new), _describe(old)
    assert described["sheets"] == ["汇总", "户明细", "成员明细", "问题"]
    for name in described["sheets"]:
        assert described[name] == expected[name], name
    households = described["户明细"]
    assert len(households[2]) > 100  # rows with wrapped reasons are taller: heights were measured


def _sheet_rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_both_big_sheets_past_the_limit_go_on_in_sheets_excel_opens(tmp_path):
    """Households and members each past the row limit (40 here, as a test passes it; Excel's is 1,048,576):
    every part has the header, no part is past the limit, names fit Excel's 31, the XML parses, no row is
    lost or reordered."""
    households, members = RowStore(), RowStore()
    expected_households = [[f"H{i:05d}", i * 1.5, "月人均收入低于标准；" * (i % 4)] for i in range(100)]
    expected_members = [[f"H{i // 3:05d}", f"成员{i}", i % 90] for i in range(250)]
    households.extend(expected_households)
    members.extend(expected_members)
    long_name = "某某县某某乡镇某某村民委员会低保对象成员明细表格"  # continuation suffixes must shorten it
    path = tmp_path / "big.xlsx"
    write_xlsx(path, [SheetSpec("汇总", ["项目", "户数"], [["低保", 100]]),
                      SheetSpec("户明细", ["户编号", "月保障金", "理由"], households, widths={2: 12},
                                formats={1: MONEY_FORMAT}, size=len(households)),
                      SheetSpec(long_name, ["户编号", "姓名", "年龄"], members, size=len(members))],
               force=False, sheet_rows=40)
    book = openpyxl.load_workbook(path)
    names = book.sheetnames
    assert names[:4] == ["汇总", "户明细", "户明细（续2）", "户明细（续3）"]
    assert len(names) == 4 + 7  # 250 members, 38 a sheet under the header and title: 7 parts
    assert all(len(n.encode("utf-16-le")) // 2 <= 31 for n in names)
    assert len(set(n.lower() for n in names)) == len(names)
    for ws in book.worksheets:
        assert ws.max_row <= 40
    seen_households, seen_members = [], []
    for ws in book.worksheets[1:]:
        values = _sheet_rows(ws)
        header_at = next(i for i, r in enumerate(values) if r[0] == "户编号")
        data = [[v if v is not None else "" for v in r] for r in values[header_at + 1:]]
        if values[header_at][1] == "月保障金":
            seen_households += data
            assert ws.auto_filter.ref is not None
        else:
            seen_members += [r[:3] for r in data]
    assert seen_households == [[h, m, t] for h, m, t in expected_households]
    assert seen_members == expected_members
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                ElementTree.fromstring(z.read(name))  # well-formed


def test_a_sheet_just_within_the_limit_stays_one_sheet(tmp_path):
    rows = RowStore()
    rows.extend([f"H{i}", i] for i in range(39))  # 39 rows and the header: 40, the limit given
    path = tmp_path / "fits.xlsx"
    write_xlsx(path, [SheetSpec("户明细", ["户编号", "人数"], rows, size=len(rows))], force=False, sheet_rows=40)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["户明细"]
    assert book.active.max_row == 40


cells = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                  st.decimals(allow_nan=False, allow_infinity=False, places=2), st.dates())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(cells, max_size=6), max_size=2 * CHUNK + 5, min_size=0))
def test_packed_rows_come_back_as_they_went_in(rows):
    store = RowStore()
    store.extend(rows)
    for _ in range(2):  # gone through as often as asked
        back = list(store)
        assert back == rows
        assert [[type(v) for v in r] for r in back] == [[type(v) for v in r] for r in rows]
    assert len(store) == len(rows)
    assert store.widest == max(map(len, rows), default=0)


def test_packed_rows_keep_exact_money():
    store = RowStore()
    store.append(["H1", Decimal("0.10"), 0.1 + 0.2, 10**30])
    assert list(store) == [["H1", Decimal("0.10"), 0.1 + 0.2, 10**30]]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.integers(min_value=-(10**15), max_value=10**15),
                 st.decimals(min_value=-(10**12), max_value=10**12, places=3)))
def test_money_cells_of_whole_fen_are_the_rounded_ones(fen):
    """The short cuts for whole fen give the very floats of the rounding they skip."""
    from dibao_cli import money
    from dibao_cli.reports.assess_sheets import _fen_float, _fen_number, _yuan_float

    assert _fen_number(fen) == money.number(fen / 100)
    assert _yuan_float(fen) == float(Decimal(fen) / 100)
    assert _fen_float(fen) == money.fen_number(fen)


@pytest.mark.parametrize("kind", ["list", "packed"])
def test_progress_counts_each_row_once_though_wrapped_rows_are_measured_first(tmp_path, kind):
    from dibao_cli.reports.rowstore import Counted

    rows = [[f"H{i}", "理由很长，" * (i % 9)] for i in range(2500)]
    if kind == "packed":
        store = RowStore()
        store.extend(rows)
    counted = []
    source = rows if kind == "list" else store
    spec = SheetSpec("户明细", ["户编号", "理由"], Counted(source, counted.append), widths={1: 20}, size=len(rows))
    write_xlsx(tmp_path / "p.xlsx", [spec], force=False)
    assert sum(counted) == 2500
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert [list(r) for r in ws.iter_rows(min_row=2, values_only=True)] == [[h, t or None] for h, t in rows]
    assert ws.row_dimensions[3].height is None  # one line: no height of its own
    assert ws.row_dimensions[4].height == 33  # two lines of wrapped text


def test_continuation_sheets_are_the_same_from_either_writer(tmp_path, monkeypatch):
    """Past the row limit the Rust writer's continuation sheets have the cells, widths, row heights, frozen
    header, filter and print titles of xlsxwriter's."""
    from dibao_cli.reports import fastbook

    def sheets():
        households, members = RowStore(), RowStore()
        households.extend([f"H{i:05d}", i * 1.25, "家庭月人均收入低于标准；" * (i % 5)] for i in range(90))
        members.extend([f"H{i // 3:05d}", f"成员{i}", i % 90] for i in range(130))
        return [SheetSpec("户明细", ["户编号", "月保障金(元/月)", "理由"], households, widths={2: 14},
                          formats={1: MONEY_FORMAT}, size=len(households)),
                SheetSpec("成员明细", ["户编号", "姓名", "年龄"], members, size=len(members))]

    write_xlsx(tmp_path / "rust.xlsx", sheets(), force=False, sheet_rows=40)
    with monkeypatch.context() as m:
        m.setattr(fastbook, "available", lambda: False)
        write_xlsx(tmp_path / "xlsxwriter.xlsx", sheets(), force=False, sheet_rows=40)
    rust, other = _describe(tmp_path / "rust.xlsx"), _describe(tmp_path / "xlsxwriter.xlsx")
    assert rust["sheets"] == other["sheets"] == ["户明细", "户明细（续2）", "户明细（续3）", "成员明细", "成员明细（续2）",
                                                 "成员明细（续3）", "成员明细（续4）"]
    for name in rust["sheets"]:
        assert rust[name] == other[name], name
    assert rust["户明细（续2）"][0]["A1"] == ("户明细（续2）", "General", False, None, True)
