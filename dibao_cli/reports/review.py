"""What `dibao review` produces: the due list as a table, JSON, CSV, or a workbook with one sheet per
township (what a township clerk prints)."""

from __future__ import annotations

import datetime as _dt
import json

from dibao_cli.checks.review import DueItem, ReviewCase
from dibao_cli.reports.files import (
    SheetSpec,
    csv_bytes,
    json_bytes,
    print_cut,
    screen_rows,
)
from dibao_cli.reports.screens import literal, literal_cells
from dibao_cli.reports.tally import tally_line

HEADER = ("乡镇", "村(社区)", "户编号", "户主", "事项", "到期日", "说明", "依据")


def cases_from_ledger(ledger, month: str) -> list[ReviewCase]:
    def day(text):
        return _dt.date.fromisoformat(text) if text else None

    from dibao_cli.ledger.assistance import tekun_of

    tekun: dict[str, int] = {}  # 特困 people supported that month, per household
    for p in tekun_of(ledger, month):
        tekun[p["household_id"]] = tekun.get(p["household_id"], 0) + 1
    return [ReviewCase(r["household_id"], r["township"], r["village"], r["head_name"], r["status"],
                       day(r["phase_out_end"]), day(r["last_check"]), bool(r["can_work"]), day(r["enrolled_on"]),
                       any(reason.get("code") == "rigid" for reason in json.loads(r["reasons"] or "[]")),
                       tekun.get(r["household_id"], 0))
            for r in ledger.households_of(month).values()]


def row(item: DueItem) -> list:
    return [item.township, item.village, item.household_id, item.head_name, item.label,
            item.due.isoformat() if item.due else "", item.detail, item.basis]


def as_json(items: list[DueItem], source: str, as_of: _dt.date, within: int) -> bytes:
    return json_bytes({"source": source, "as_of": as_of.isoformat(), "within_days": within,
                       "items": [i.as_dict() for i in items]})


def as_csv(items: list[DueItem]) -> bytes:
    return csv_bytes(HEADER, (row(i) for i in items))


def xlsx_sheets(items: list[DueItem], as_of: _dt.date, within: int) -> list[SheetSpec]:
    """One sheet per township: what a township clerk prints."""
    townships: dict[str, list[DueItem]] = {}
    for item in items:
        townships.setdefault(item.township or "未填乡镇", []).append(item)
    sheets = [SheetSpec(name, HEADER, [row(i) for i in group], widths={6: 40, 7: 40},
                        title=f"{name} 到期核查清单（截至 {as_of.isoformat()}，含今后 {within} 天内到期）")
              for name, group in sorted(townships.items())]
    return sheets or [SheetSpec("核查清单", HEADER, [], title=f"截至 {as_of.isoformat()} 没有到期的核查")]


def print_table(console, items: list[DueItem], source: str, as_of: _dt.date, within: int, show_all: bool = False) -> None:
    """The due list; a long list (a province's month) shows a summary per township and its first rows."""
    from rich.table import Table

    console.print(f"来源：{literal(source)}；截至 {as_of.isoformat()}，含今后 {within} 天内到期")
    if not items:
        console.print("[green]没有到期的核查。[/]")
        return
    shown, cut = screen_rows(items, show_all)
    table = Table(title="到期核查", title_justify="left")
    for index, name in enumerate(HEADER[:-1]):
        table.add_column(name, overflow="fold", no_wrap=index in (2, 5))
    for item in shown:
        table.add_row(*literal_cells(row(item)[:-1]))
    console.print(table)
    if cut:
        print_cut(console, len(items), len(shown), "项", ((i.township, i.label) for i in items), "核查清单")
    console.print(tally_line((item.label for item in items), "户"))
