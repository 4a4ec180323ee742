"""What `dibao monitor` produces: signals grouped by village for the follow-up visits."""

from __future__ import annotations

from dibao_cli.checks.monitor import Signal
from dibao_cli.reports.files import (
    SheetSpec,
    csv_bytes,
    json_bytes,
    print_cut,
    screen_rows,
)
from dibao_cli.reports.screens import literal, literal_cells
from dibao_cli.reports.tally import tally_line

HEADER = ("乡镇", "村(社区)", "户编号", "户主", "成员", "信号", "情况", "依据")


def row(s: Signal) -> list:
    return [s.township, s.village, s.household_id, s.head_name, s.member, s.label, s.figures, s.basis]


def as_json(signals, notes) -> bytes:
    return json_bytes({"notes": notes, "signals": [s.as_dict() for s in signals]})


def as_csv(signals) -> bytes:
    return csv_bytes(HEADER, (row(s) for s in signals))


def xlsx_sheets(signals, notes) -> list[SheetSpec]:
    villages: dict[str, list[Signal]] = {}
    for s in signals:
        villages.setdefault(f"{s.township}{s.village}" or "未填村", []).append(s)
    sheets = [SheetSpec(name, HEADER, [row(s) for s in group], widths={6: 40, 7: 40}, title=f"{name} 走访重点")
              for name, group in villages.items()]
    sheets.append(SheetSpec("说明", ("说明",), [[n] for n in notes] or [["全部监测均已执行"]], widths={0: 100}))
    return sheets


def print_table(console, signals, notes, show_all: bool = False) -> None:
    from rich.table import Table

    for note in notes:
        console.print(f"[yellow]注意[/]：{literal(note)}")
    if not signals:
        console.print("[green]没有发现需要重点走访的户。[/]")
        return
    shown, cut = screen_rows(signals, show_all)
    current = None
    table = None
    for s in shown:
        key = (s.township, s.village)
        if key != current:
            if table is not None:
                console.print(table)
            current = key
            table = Table(title=literal(f"{s.township}{s.village}"), title_justify="left")
            for name in ("户编号", "户主", "成员", "信号", "情况"):
                table.add_column(name, overflow="fold", no_wrap=name == "户编号")
        table.add_row(*literal_cells((s.household_id, s.head_name, s.member, s.label, s.figures)))
    console.print(table)
    if cut:
        print_cut(console, len(signals), len(shown), "条", ((s.township, s.label) for s in signals), "走访重点")
    console.print(tally_line(s.label for s in signals))
