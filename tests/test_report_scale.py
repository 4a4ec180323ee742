"""Reports at prefecture size: a year's money in the millions of yuan prints exactly in the HTML summary."""

from decimal import Decimal
from pathlib import Path

from dibao_cli.documents import statistics as st
from dibao_cli.documents.templating import render


def test_year_summary_html_prints_totals_of_millions_of_yuan():
    # rows as year_summary returns them for a county whose monthly payments total 5.75 million yuan
    months = [["2026-01", 30000, 75000, 0, 0, 0, 0, 5749999.99], ["2026-02", 30001, 75002, 1, 0, 0, 0, 5750000.01],
              ["合计", "", "", 1, 0, 0, 0, 11500000.0]]
    townships = [["倒淌河镇", 15000, 5750000.5], ["恰卜恰镇", 15001, 5749999.5], ["合计", 30001, 11500000.0]]
    printed_months, printed_townships = st.year_summary_for_print(months, townships)
    assert [m[7] for m in printed_months] == [Decimal("5749999.99"), Decimal("5750000.01"), Decimal("11500000.00")]
    assert [t[2] for t in printed_townships] == [Decimal("5750000.50"), Decimal("5749999.50"), Decimal("11500000.00")]
    assert [m[:7] for m in printed_months] == [m[:7] for m in months]
    html = render("year-report.html.j2", None, autoescape=True, year=2026, month_header=st.YEAR_MONTH_HEADER,
                  months=printed_months, township_header=st.YEAR_TOWNSHIP_HEADER, townships=printed_townships)
    for figure in ("<td>5,749,999.99</td>", "<td>5,750,000.01</td>", "<td>11,500,000.00</td>", "<td>5,750,000.50</td>",
                   "<td>5,749,999.50</td>", "<td>2026年1月</td>"):
        assert figure in html
    assert html.count("<td>11,500,000.00</td>") == 2


def test_publicity_built_while_assessing_still_names_households_with_errors(run, tmp_path):
    # the list is gathered while households are assessed (no result kept): the households left out are still named
    examples = Path(__file__).resolve().parent.parent / "examples"
    out = run("publicity", examples / "messy-roster.xlsx", "--region", "632521", "--date", "2026-12-01", "--all",
              "-o", tmp_path / "p.html")
    assert out.code == 1
    assert "6 户因名册错误未核算，没有包含在内" in out.out and "GH020" in out.out
    assert "最低生活保障对象公示" in (tmp_path / "p.html").read_text(encoding="utf-8")
