"""The monthly report's sections beside 低保: 特困供养 (分散 / 集中: persons and money) and 临时救助 (cases,
persons and money by type, each case once, by decision date)."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from dibao_cli import money
from dibao_cli.assess.result import tekun_from_results  # noqa: F401  (kept importable from here)

MODES = ("分散供养", "集中供养")
TEKUN_HEADER = ("供养方式", "人数", "基本生活(元)", "照料护理(元)", "本月合计(元)")
TEMPORARY_HEADER = ("救助类型", "件数", "人数", "金额(元)")


def tekun_rows(people: list[dict], numeric: bool = False) -> list[list]:
    """One row per 供养方式 and a total: persons, basic living, care, month total."""
    rows = []
    totals = [0, 0, 0]
    for mode in MODES:
        chosen = [p for p in people if p["mode"] == mode]
        basic, care = sum(p["basic_fen"] for p in chosen), sum(p["care_fen"] for p in chosen)
        totals = [totals[0] + len(chosen), totals[1] + basic, totals[2] + care]
        rows.append([mode, len(chosen), basic, care, basic + care])
    rows.append(["合计", totals[0], totals[1], totals[2], totals[1] + totals[2]])
    show = (lambda fen: Decimal(fen) / 100) if numeric else money.fen_text
    return [[r[0], r[1], show(r[2]), show(r[3]), show(r[4])] for r in rows]


def temporary_rows(summary: dict, numeric: bool = False) -> list[list]:
    show = (lambda fen: Decimal(fen) / 100) if numeric else money.fen_text
    rows = [[kind, v["cases"], v["persons"], show(v["amount_fen"])] for kind, v in summary["by_kind"].items()]
    t = summary["total"]
    return rows + [["合计", t["cases"], t["persons"], show(t["amount_fen"])]]


def sections(people: list[dict], temporary_summary: dict | None, numeric: bool = False) -> list[dict]:
    """The report's extra sections (a title, a header and rows): 特困 where someone is supported, 临时救助 where the
    ledger has cases approved in the period (a report without either is the 低保 report alone)."""
    out = []
    if people:
        out.append({"title": "特困人员救助供养", "header": TEKUN_HEADER, "rows": tekun_rows(people, numeric)})
    if temporary_summary is not None and temporary_summary["total"]["cases"]:
        out.append({"title": "临时救助（按审批日期，每件只计一次）", "header": TEMPORARY_HEADER,
                    "rows": temporary_rows(temporary_summary, numeric)})
    return out


def month_bounds(month: str) -> tuple[_dt.date, _dt.date]:
    import calendar

    year, mon = int(month[:4]), int(month[5:])
    return _dt.date(year, mon, 1), _dt.date(year, mon, calendar.monthrange(year, mon)[1])



YEAR_HEADER = ("月份", "特困分散供养人数", "特困集中供养人数", "特困供养金(元)", "临时救助件数", "临时救助人数", "临时救助金额(元)")


def year_rows(ledger, year: int) -> list[list]:
    """`dibao report year`: per month (with a ledger month or a 临时救助 decision), 特困 persons by 供养方式 and money,
    and 临时救助 approved that month (cases, persons, money, each case once); a total row (its 特困 persons are
    person-months)."""
    from dibao_cli.assistance.register import summary
    from dibao_cli.ledger import queries
    from dibao_cli.ledger.assistance import tekun_of

    rows = []
    months = set(queries.months_between(ledger, f"{year}-01", f"{year}-12"))
    months |= {d[:7] for d in queries.approved_assistance_days(ledger, f"{year}-01-01", f"{year}-12-31")}
    months = sorted(months)
    for month in months:
        people = tekun_of(ledger, month)
        temp = summary(ledger, *month_bounds(month))["total"]
        rows.append([month, sum(p["mode"] == MODES[0] for p in people), sum(p["mode"] == MODES[1] for p in people),
                     sum(p["basic_fen"] + p["care_fen"] for p in people), temp["cases"], temp["persons"], temp["amount_fen"]])
    total = ["合计"] + [sum(r[i] for r in rows) for i in range(1, 7)]
    # money as numbers in yuan (Decimal, exact to the fen), so the sheet can be summed and prints right-aligned
    return [r[:3] + [Decimal(r[3]) / 100] + r[4:6] + [Decimal(r[6]) / 100] for r in rows + [total]]
