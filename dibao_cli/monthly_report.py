"""The monthly statistics report (民政统计月报) put together: 低保 by township and area from the ledger or from
rosters, with the sections of the other programmes beside it (特困 and 临时救助, signals followed up), as a
workbook or a printable page. It stands above documents/, assistance/ and casework/ because it combines them."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from dibao_cli.documents import statistics as st


@dataclass
class MonthlyFigures:
    """What the report of one month is made of (before it is laid out)."""

    day: _dt.date  # the day ages and the policy are taken on
    period: str  # 统计期, as printed
    current: list
    before: list | None
    year_to_date: dict | None  # per area and township; None in roster mode (the roster holds this month only)
    note: str
    tiered_people: list
    tiered_temporary: dict | None = None  # 临时救助 is kept in the ledger only
    casework: dict | None = None  # so are the signals
    trend: list = field(default_factory=list)
    assessment: object = None  # roster mode: the assessment of this month's roster (its left-out households)


def from_ledger(ledger, month: str, policy) -> MonthlyFigures:
    """A month that is in the ledger, with the months before it in the same year and the other programmes."""
    from dibao_cli.assistance import register as tiered_register  # 临时救助
    from dibao_cli.assistance import statistics as tiered_st  # 特困
    from dibao_cli.casework.signals import month_section  # signals raised, visited, closed, overdue
    from dibao_cli.ledger.assistance import tekun_of
    from dibao_cli.ledger.monthly import month_end, reporting_period

    ledger.require_month(month)
    current = st.from_ledger(ledger, month)
    before_month = ledger.latest_month(before=month)
    before = st.from_ledger(ledger, before_month) if before_month else []
    ytd = {area: st.year_to_date(ledger, month, area) for area in st.AREAS}
    trend = st.trend(ledger, month)
    tiered_people = tekun_of(ledger, month)
    tiered_temporary = tiered_register.summary(ledger, *tiered_st.month_bounds(month))
    casework = month_section(ledger, policy, month)
    note = "" if before_month else "台账中没有上月数据，本月新增、退出按 0 计。"
    return MonthlyFigures(month_end(month), reporting_period(month, policy.report_cutoff_day), current, before, ytd,
                          note, tiered_people, tiered_temporary, casework, trend)


def from_rosters(roster, policy, day: _dt.date, previous_roster=None) -> MonthlyFigures:
    """This month's roster (and last month's, for who came and who left), assessed on `day`. `previous_roster` may
    be a function that reads it, so that it is read only after this month's roster is done with."""
    assessment, current, tiered_people = st.from_roster(roster, policy, day)
    before = None
    if previous_roster is not None:
        _, before, _ = st.from_roster(previous_roster() if callable(previous_roster) else previous_roster, policy, day)
    note = ("名册模式：“本年累计”一列只含本月（名册中没有前几个月的发放记录）。"
            + ("" if previous_roster is not None else "未给上月名册，本月新增、退出按 0 计。"))
    return MonthlyFigures(day, f"{day.year}年{day.month}月", current, before, None, note, tiered_people,
                          assessment=assessment)


def header(figures: MonthlyFigures) -> list[str]:
    """The column labels of the 低保 tables."""
    return ["本年累计(元，仅本月)" if key == "year_to_date" and figures.year_to_date is None else label
            for key, label in st.COLUMNS]


def area_reports(figures: MonthlyFigures, policy, unit: str) -> list[dict]:
    """One report per area (城市, 农村): its townships' rows, the total and the form's head."""
    reports = []
    for area in st.AREAS:
        rows, total = st.month_rows(st.by_area(figures.current, area), st.by_area(figures.before, area), figures.day,
                                    figures.year_to_date[area] if figures.year_to_date is not None else None)
        reports.append({"area": area, "title": f"{area}最低生活保障情况统计月报", "rows": rows, "total": total,
                        "head": st.header_block(policy, area, unit, figures.period)})
    return reports


def xlsx_sheets(figures: MonthlyFigures, reports: list[dict], unit: str, filled_by: str, filled_on: str) -> list:
    """The workbook: a sheet per area with the form's head and foot, then 特困, 临时救助 and the signals."""
    from dibao_cli.assistance import statistics as tiered_st
    from dibao_cli.reports.files import SheetSpec

    period, note = figures.period, figures.note
    labels = header(figures)
    money_formats = {i + 1: "#,##0.00" for i, (key, _) in enumerate(st.COLUMNS) if key in st.MONEY or key == "average"}
    sheets = []
    for report in reports:
        head = report["head"]
        preamble = [[f"表　　号：{head['form'] or '＿＿＿＿'}", "", "", f"制表机关：{head['authority']}", "", "",
                     f"批准机关及文号：{head['approval'] or '＿＿＿＿'}"],
                    [f"填报单位：{unit}", "", "", f"统计期：{period}", "", "", f"单位：{head['measure']}"],
                    [f"填表人：{filled_by}", "", "", "审核人：", "", "", f"填报日期：{filled_on}"]]
        if note:
            preamble.append([f"注：{note}"])
        sheets.append(SheetSpec(f"{report['area']}低保", ["乡镇", *labels],
                                st.table_rows(report["rows"], report["total"], numeric=True),
                                widths={0: 12, **{i + 1: 11 if key in st.MONEY or key == "average" else 6
                                                  for i, (key, _) in enumerate(st.COLUMNS)}},
                                formats=money_formats, title=f"{report['title']}（{period}）", preamble=preamble))
    # 特困 and 临时救助: the same head and foot as the 低保 sheets, money as numbers with two decimals
    tiered_preamble = [[f"填报单位：{unit}　　统计期：{period}　　单位：人、件、元"],
                       [f"填表人：{filled_by}　　审核人：＿＿＿＿　　填报日期：{filled_on}"]]
    extra = [SheetSpec(s["title"][:4], s["header"], s["rows"], widths={0: 14}, preamble=tiered_preamble,
                       formats={i: "#,##0.00" for i, h in enumerate(s["header"]) if "(元)" in h},
                       title=f"{s['title']}（{period}）")
             for s in tiered_st.sections(figures.tiered_people, figures.tiered_temporary, numeric=True)]
    casework = figures.casework
    if casework is not None:
        extra.append(SheetSpec("信号核实", casework["header"], casework["rows"], widths={0: 14},
                               title=f"{casework['title']}（{casework['first']}至{casework['last']}）",
                               preamble=[[f"注：{casework['note']}"]]))
    return sheets + extra


def html(figures: MonthlyFigures, reports: list[dict], unit: str, filled_by: str, filled_on: str, templates) -> str:
    """The printable page (templates/monthly-report.html.j2), with this year's trend when the ledger has it."""
    from dibao_cli.assistance import statistics as tiered_st
    from dibao_cli.documents.templating import render

    return render("monthly-report.html.j2", templates, autoescape=True,
                  title=f"最低生活保障情况统计月报（{figures.period}）", unit=unit, period=figures.period,
                  filled_by=filled_by, filled_on=filled_on, header=header(figures),
                  reports=[dict(r, table=st.table_rows(r["rows"], r["total"])) for r in reports], trend=figures.trend,
                  note=figures.note, tiered=tiered_st.sections(figures.tiered_people, figures.tiered_temporary),
                  casework=figures.casework)


def summary(reports: list[dict]) -> list[str]:
    """One sentence per area: townships, households, persons and the month's spending."""
    said = []
    for report in reports:
        v = report["total"].values
        said.append(f"{report['area']}低保 {len(report['rows'])} 个乡镇，合计 {v['households']} 户 {v['persons']} 人，"
                    f"本月支出 {st.fen_text(v['total'])} 元")
    return said
