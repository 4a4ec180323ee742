"""Shared helpers: write real roster files in every format and run the real CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dibao_cli.cli import main
from dibao_cli.idcard import build_id

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DAY = "2026-11-30"

BASE_HEADER = ["乡镇", "村(社区)", "户编号", "姓名", "身份证号", "与户主关系", "城乡类别"]


def pid(birth: str, seq: int = 11, area: str = "632521") -> str:
    """A valid ID number; odd `seq` for men, even for women."""
    return build_id(area, dt.date.fromisoformat(birth), seq)


def person(hid, name, birth, relation="户主", seq=11, area_type="农村", **extra):
    row = {"乡镇": "恰卜恰镇", "村(社区)": "西台村", "户编号": hid, "姓名": name, "身份证号": pid(birth, seq),
           "与户主关系": relation, "城乡类别": area_type}
    row.update(extra)
    return row


def table(rows: list[dict], header: list[str] | None = None) -> tuple[list[str], list[list]]:
    if header is None:
        header = list(BASE_HEADER)
        for row in rows:
            for key in row:
                if key not in header:
                    header.append(key)
    return header, [[row.get(h) for h in header] for row in rows]


def write_xlsx(path: Path, rows: list[dict], header=None, title_rows=(), sheet="名册") -> Path:
    from openpyxl import Workbook

    header, data = table(rows, header)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for title in title_rows:
        ws.append(list(title) if isinstance(title, (list, tuple)) else [title])
    ws.append(header)
    for row in data:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[dict], encoding="utf-8", header=None, delimiter=",") -> Path:
    header, data = table(rows, header)
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in data)
    return path


def write_xls(path: Path, rows: list[dict], header=None) -> Path:
    """A real Excel 97-2003 file, written with xlwt (the format townships still send)."""
    import xlwt

    header, data = table(rows, header)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名册")
    for c, h in enumerate(header):
        sheet.write(0, c, h)
    for r, row in enumerate(data, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, rows: list[dict], header=None) -> Path:
    """A real OpenDocument spreadsheet, written with odfpy."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    header, data = table(rows, header)
    doc = OpenDocumentSpreadsheet()
    sheet = Table(name="名册")
    for values in [header] + data:
        tr = TableRow()
        for value in values:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                if value is not None:
                    cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        sheet.addElement(tr)
    doc.spreadsheet.addElement(sheet)
    doc.save(str(path))
    return path


class Run:
    def __init__(self, result):
        self.result = result
        self.code = result.exit_code
        self.out = result.stdout
        self.err = result.stderr

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Run the real CLI in a clean working folder (no dibao.toml) with a wide terminal."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args):
        runner = CliRunner()
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False, prog_name="dibao")
        return Run(result)

    return invoke


def household(data: dict, hid: str) -> dict:
    return next(h for h in data["households"] if h["household_id"] == hid)
