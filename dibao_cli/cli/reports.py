"""`dibao report monthly` and `dibao report year`."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from dibao_cli.cli.check import load_roster
from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    DibaoSubGroup,
    date_option,
    db_option,
    force_option,
    input_options,
    issuer_options,
    month_option,
    output_file_option,
    policy_options,
    resolve,
    rosters_argument,
    templates_option,
)
from dibao_cli.cli.console import console, say
from dibao_cli.cli.documents import warn_left_out
from dibao_cli.cli.ledger import open_ledger


@click.group("report", cls=DibaoSubGroup, context_settings=CONTEXT)
def report_group():
    """统计报表：民政统计月报、年度汇总。"""


@report_group.command("monthly", cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument(required=False)
@month_option("按台账中这个月出月报（如 2026-12）。")
@click.option("--previous", type=click.Path(path_type=Path), metavar="上月名册", help="不用台账时：上月名册（算新增、退出）。")
@output_file_option("月报文件：.xlsx（带表头信息）或 .html（含本年趋势图）。")
@click.option("--unit", metavar="单位", help="填报单位（默认 --bureau 或本县民政局）。")
@click.option("--filled-by", default="", metavar="姓名", help="填表人。")
@date_option("填报日期（默认今天）。", "--filled-on")
@input_options
@policy_options
@issuer_options
@date_option("名册模式的核算日期（默认今天）。")
@db_option
@force_option("文件已存在时覆盖。")
def report_monthly(rosters, month, previous, output, unit, filled_by, filled_on, sheet, all_sheets, encoding, policies, region,
                   templates, bureau, doc_prefix, review_body, phone, on_date, db, force):
    """民政统计月报：城市低保、农村低保分别成表（表头有表号、制表机关、填报单位、统计期、单位，见政策文件 [documents]），
    每个乡镇一行另加合计——户数、人数（女性、老年人、未成年人、残疾人）、劳动能力、本月新增和退出、
    本月支出（差额、分类施保、渐退期分列）、本年累计、月人均补助。

    例：dibao report monthly --month 2026-12 --region 632521 -o 12月月报.xlsx
        dibao report monthly 名册-12月.xlsx --previous 名册-11月.xlsx --region 632521 -o 月报.html
    """
    from dibao_cli import monthly_report
    from dibao_cli.documents.issue import default_issuer
    from dibao_cli.documents.notices import cn_date
    from dibao_cli.ledger.monthly import month_end, parse_month
    from dibao_cli.reports.files import atomic_write, write_xlsx

    if bool(rosters) == bool(month):
        raise click.UsageError("请给出名册文件，或用 --month 按台账出月报（二者选一）。")
    today = filled_on or _dt.date.today()
    if month:
        month = parse_month(month)
        day = month_end(month)
        policy = resolve(region, policies, day)
        ledger = open_ledger(db, create=False)
        try:
            figures = monthly_report.from_ledger(ledger, month, policy)
        finally:
            ledger.close()
    else:
        day = on_date or today
        policy = resolve(region, policies, day)
        figures = monthly_report.from_rosters(
            load_roster(rosters, sheet, all_sheets, encoding, day), policy, day,
            (lambda: load_roster([previous], sheet, all_sheets, encoding, day)) if previous is not None else None)
    unit = unit or default_issuer(policy.policy.region, day, bureau, review_body, doc_prefix, phone).bureau
    reports = monthly_report.area_reports(figures, policy, unit)
    if output.suffix.lower() == ".xlsx":
        from dibao_cli.documents.statistics import print_setup

        sheets = monthly_report.xlsx_sheets(figures, reports, unit, filled_by, cn_date(today))
        write_xlsx(output, sheets, force)
        print_setup(output, {sheet.name: len(sheet.preamble) + 2 for sheet in sheets})
    elif output.suffix.lower() in (".html", ".htm"):
        html = monthly_report.html(figures, reports, unit, filled_by, cn_date(today), templates)
        atomic_write(output, html.encode("utf-8"), force)
    else:
        raise click.UsageError("月报文件请用 .xlsx 或 .html 结尾。")
    say(f"已写入 {output}：" + "；".join(monthly_report.summary(reports)) + "。")
    if figures.year_to_date is None:
        console().print("[yellow]注意[/]：名册模式的“本年累计”只含本月。要得到完整的本年累计，先用 dibao import 把各月名册导入台账，"
                        "再用 dibao report monthly --month 出月报。")
    if rosters:
        warn_left_out(figures.assessment)


@report_group.command("year", cls=DibaoCommand, context_settings=CONTEXT)
@click.option("--year", "year", type=int, required=True, metavar="年份", help="年份，如 2026。")
@output_file_option("年度汇总：.xlsx（按月、按乡镇两张表，金额为数字，带合计行）或 .html（打印）。")
@templates_option("用这个文件夹里的模板。")
@db_option
@force_option("文件已存在时覆盖。")
def report_year(year, output, templates, db, force):
    """年度汇总（按台账）：每月的保障户数、人数、新增、退出、进入渐退期、渐退期满停保、支出；各乡镇全年情况；均带合计行。

    例：dibao report year --year 2026 -o 2026年度汇总.xlsx
        dibao report year --year 2026 -o 2026年度汇总.html
    """
    from dibao_cli.documents import statistics as st
    from dibao_cli.documents.templating import render
    from dibao_cli.reports.files import SheetSpec, atomic_write, write_xlsx

    ledger = open_ledger(db, create=False)
    try:
        months, townships = st.year_summary(ledger, year)
        from dibao_cli.assistance import (
            statistics as tiered_st,  # 特困 and 临时救助 by month
        )

        tiered_rows = tiered_st.year_rows(ledger, year)
    finally:
        ledger.close()
    if not months:
        raise click.UsageError(f"台账中没有 {year} 年的数据。")
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(output, [SheetSpec("按月", st.YEAR_MONTH_HEADER, months, formats={7: "#,##0.00"},
                                      widths={0: 10, **{i: 9 for i in range(1, 7)}, 7: 14},
                                      title=f"{year}年最低生活保障年度汇总（按月）"),
                            SheetSpec("按乡镇", st.YEAR_TOWNSHIP_HEADER, townships, formats={2: "#,##0.00"},
                                      widths={0: 16, 1: 12, 2: 16}, title=f"{year}年各乡镇情况"),
                            SheetSpec("特困与临时救助", tiered_st.YEAR_HEADER, tiered_rows, formats={3: "#,##0.00", 6: "#,##0.00"},
                                      title=f"{year}年特困人员救助供养和临时救助（按月）")], force)
        st.print_setup(output, {"按月": 2, "按乡镇": 2, "特困与临时救助": 2}, landscape=False)
    elif suffix in (".html", ".htm"):
        months, townships = st.year_summary_for_print(months, townships)
        html = render("year-report.html.j2", templates, autoescape=True, year=year,
                      month_header=st.YEAR_MONTH_HEADER, months=months, township_header=st.YEAR_TOWNSHIP_HEADER,
                      townships=townships)
        atomic_write(output, html.encode("utf-8"), force)
    else:
        raise click.UsageError("年度汇总请用 .xlsx 或 .html 结尾。")
    say(f"已写入 {output}：{len(months) - 1} 个月，{len(townships) - 1} 个乡镇。")
