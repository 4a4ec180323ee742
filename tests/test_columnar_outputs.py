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


def _describe(path):
    book = openpyxl.load_workbook(path)
    out = {"sheets": book.sheetnames}
    for ws in book.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    value = c.value.date() if hasattr(c.value, "date") and not isinstance(c.value, str) else c.value
                    cells[c.coordinate] = (value, c.number_format, bool(c.alignment.wrap_text), c.font.b)
        widths = {k: round(v.width, 2) for k, v in ws.column_dimensions.items() if v.width}
        heights = {k: v.height for k, v in ws.row_dimensions.items() if v.height}
        out[ws.title] = (cells, widths, heights, ws.freeze_panes, ws.auto_filter.ref, ws.page_setup.orientation,
                         str(ws.page_setup.paperSize), ws.print_title_rows, ws.oddFooter.center.text,
                         ws.print_options.gridLines, ws.page_setup.fitToHeight,
                         ws.page_margins.left, ws.page_margins.top)
    return out


def test_the_assessment_workbook_is_the_same_from_either_writer(tmp_path, monkeypatch):
    """The Rust writer (plain sheets) and xlsxwriter give the same cells, formats, widths, heights, frozen
    row, filter and print setup for the assessment's result."""
    import datetime as dt
    from pathlib import Path

    from dibao_cli.assess.household import assess_roster
    from dibao_cli.policy import PolicyAt, load_policy
    from dibao_cli.reading.roster import read_rosters
    from dibao_cli.reports import assess_sheets
    from dibao_cli.reports import fastbook

    examples = Path(__file__).resolve().parent.parent / "examples"
    day = dt.date(2026, 11, 30)
    described = []
    used = []
    real = fastbook.write
    monkeypatch.setattr(fastbook, "write", lambda *a: used.append(1) or real(*a))
    for use_rust in (True, False):
        monkeypatch.setattr(fastbook, "available", lambda use=use_rust: use)
        roster = read_rosters([examples / "messy-roster.xlsx", examples / "roster.xlsx"], on_date=day)
        assessment = assess_roster(roster, PolicyAt(load_policy(), day), day)
        path = tmp_path / f"{use_rust}.xlsx"
        write_xlsx(path, assess_sheets.xlsx_sheets(assessment), force=False)
        described.append(_describe(path))
    assert used == [1]  # the first workbook came from the Rust writer
    assert described[0]["sheets"] == ["汇总", "户明细", "成员明细", "问题"]
    for name in described[0]["sheets"]:
        assert described[0][name] == described[1][name], name
