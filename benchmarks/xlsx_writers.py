"""Compare dibao's xlsx output with xlsxwriter (constant_memory) writing the same cells.

    python benchmarks/xlsx_writers.py benchmarks/out/roster-100000.xlsx
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dibao_cli.reports import assess as assess_report  # noqa: E402
from dibao_cli.assess.household import assess_roster  # noqa: E402
from dibao_cli.policy import PolicyAt, load_policy  # noqa: E402
from dibao_cli.reading.roster import read_rosters  # noqa: E402


def main(path: str) -> None:
    day = dt.date(2026, 11, 30)
    roster = read_rosters([Path(path)], on_date=day)
    assessment = assess_roster(roster, PolicyAt(load_policy(), day), day)
    from dibao_cli.reports.files import write_xlsx

    with tempfile.TemporaryDirectory() as folder:
        t = time.perf_counter()
        write_xlsx(Path(folder) / "ours.xlsx", assess_report.xlsx_sheets(assessment), force=False)
        ours = time.perf_counter() - t
    households = [assess_report.household_row(r, numeric=True) for r in assessment.results]
    members = list(assess_report._member_rows(assessment, lambda v: v or ""))
    import xlsxwriter

    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        book = xlsxwriter.Workbook(str(Path(folder) / "x.xlsx"), {"constant_memory": True})
        money = book.add_format({"num_format": "#,##0.00"})
        for name, header, rows in (("户明细", assess_report.HOUSEHOLD_HEADER, households),
                                   ("成员明细", assess_report.MEMBER_HEADER, members)):
            sheet = book.add_worksheet(name)
            sheet.write_row(0, 0, header)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if isinstance(value, float):
                        sheet.write_number(r, c, value, money)
                    else:
                        sheet.write(r, c, value)
        book.close()
    theirs = time.perf_counter() - t
    print(f"dibao xlsx output {ours:.2f} s; xlsxwriter constant_memory {theirs:.2f} s; "
          f"ratio {ours / theirs:.2f}")


if __name__ == "__main__":
    main(sys.argv[1])
