"""Compare dibao's xlsx output with other writers writing the same cells (the assessment's two big sheets).

    python benchmarks/xlsx_writers.py benchmarks/out/roster-100000.xlsx

Writers: dibao's own (xlsxwriter constant_memory with widths, formats, filters and print setup),
bare xlsxwriter constant_memory, rustpy-xlsxwriter (Rust; records), polars write_excel (when installed).
The time to build the rows is measured once and left out of every writer's figure.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dibao_cli.assess.household import assess_roster  # noqa: E402
from dibao_cli.policy import PolicyAt, load_policy  # noqa: E402
from dibao_cli.reading.roster import read_rosters  # noqa: E402
from dibao_cli.reports import assess as assess_report  # noqa: E402


def main(path: str) -> None:
    day = dt.date(2026, 11, 30)
    roster = read_rosters([Path(path)], on_date=day)
    assessment = assess_roster(roster, PolicyAt(load_policy(), day), day)
    assessment.results = list(assessment.results)
    from dibao_cli.reports.files import SheetSpec, write_xlsx

    t = time.perf_counter()
    households = [assess_report.household_row(r, numeric=True) for r in assessment.results]
    members = list(assess_report._member_rows(assessment, lambda v: v or ""))
    build = time.perf_counter() - t
    cells = sum(len(r) for r in households) + sum(len(r) for r in members)
    sheets = (("户明细", assess_report.HOUSEHOLD_HEADER, households),
              ("成员明细", assess_report.MEMBER_HEADER, members))
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        t = time.perf_counter()
        write_xlsx(folder / "ours.xlsx", [SheetSpec(n, h, rows) for n, h, rows in sheets], force=False)
        times["dibao write_xlsx (the chosen writer with widths, formats, filter, print setup)"] = time.perf_counter() - t

        import xlsxwriter

        t = time.perf_counter()
        book = xlsxwriter.Workbook(str(folder / "x.xlsx"), {"constant_memory": True})
        for name, header, rows in sheets:
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, header)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if type(value) is str:
                        sheet.write_string(r, c, value)
                    elif type(value) in (int, float):
                        sheet.write_number(r, c, value)
                    else:
                        sheet.write(r, c, value)
        book.close()
        times["xlsxwriter constant_memory, bare cells"] = time.perf_counter() - t

        try:
            from rustpy_xlsxwriter import FastExcel
        except ImportError:
            FastExcel = None
        if FastExcel is not None:
            t = time.perf_counter()
            writer = FastExcel(str(folder / "r.xlsx"))
            for name, header, rows in sheets:
                keys = [f"{i}:{h}" for i, h in enumerate(header)]  # headers repeat: records need unique keys
                writer.sheet(name, [dict(zip(keys, row)) for row in rows])
            writer.save()
            times["rustpy-xlsxwriter (records, no print setup)"] = time.perf_counter() - t
    print(f"{len(households):,} households, {len(members):,} members, {cells:,} cells; rows built in {build:.2f} s")
    for name, seconds in times.items():
        print(f"  {name:<78} {seconds:7.2f} s")


if __name__ == "__main__":
    main(sys.argv[1])
