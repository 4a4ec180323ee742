"""Workbooks longer than Excel's last row go on in continuation sheets, each with its header."""

from __future__ import annotations

import openpyxl

from dibao_cli.reports import workbook
from dibao_cli.reports.files import MONEY_FORMAT, SheetSpec, write_xlsx


def test_a_sheet_past_the_last_row_goes_on_in_continuation_sheets(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "EXCEL_ROWS", 40)  # the real limit takes a million rows to reach
    rows = [[f"H{i:04d}", i * 100.5] for i in range(100)]
    path = tmp_path / "long.xlsx"
    write_xlsx(path, [SheetSpec("户明细", ["户编号", "月保障金"], rows, formats={1: MONEY_FORMAT},
                                footer=[("制表：民政局", "right")])], force=False)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["户明细", "户明细（续2）", "户明细（续3）"]
    seen = []
    for ws in book.worksheets:
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        assert ws.max_row <= 40
        header_at = next(i for i, r in enumerate(values) if r[:2] == ["户编号", "月保障金"])
        data = [r[:2] for r in values[header_at + 1:] if r[0] and r[0].startswith("H")]
        seen += data
        assert ws.auto_filter.ref is not None
    assert seen == rows
    last = [list(r) for r in book.worksheets[-1].iter_rows(values_only=True)]
    assert last[-1][0] == "制表：民政局"
    assert [r[0] for r in [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]].count("制表：民政局") == 0


def test_a_sheet_within_the_limit_is_one_sheet(tmp_path):
    path = tmp_path / "short.xlsx"
    write_xlsx(path, [SheetSpec("户明细", ["户编号"], [["H1"], ["H2"]])], force=False)
    assert openpyxl.load_workbook(path).sheetnames == ["户明细"]
    assert workbook.EXCEL_ROWS == 1_048_576
