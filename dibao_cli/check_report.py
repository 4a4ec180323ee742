"""What `dibao check` shows: a summary of the roster and its problems, as a table, JSON, CSV or xlsx."""

from __future__ import annotations

from dibao_cli.outputs import SheetSpec, csv_bytes, json_bytes
from dibao_cli.problems import FIELDS_ZH, as_row_zh
from dibao_cli.roster import Roster


def summary(roster: Roster) -> dict:
    return {
        "files": roster.files,
        "sheets": [{"file": s.file, "sheet": s.sheet, "header_row": s.header_row, "members": s.members,
                    "unknown_columns": s.unknown_columns} for s in roster.sheets],
        "households": len(roster.households),
        "members": roster.member_count,
        "by_township": {k: {"households": h, "members": m} for k, (h, m) in roster.by_township().items()},
        "errors": roster.error_count(),
        "warnings": roster.warning_count(),
        "households_with_errors": sum(1 for h in roster.households.values() if h.has_error),
    }


def as_json(roster: Roster) -> bytes:
    return json_bytes({"summary": summary(roster), "problems": [p.as_dict() for p in roster.problems]})


def as_csv(roster: Roster) -> bytes:
    return csv_bytes(FIELDS_ZH, (as_row_zh(p) for p in roster.problems))


def xlsx_sheets(roster: Roster) -> list[SheetSpec]:
    s = summary(roster)
    rows = [["文件数", len(s["files"])], ["户数", s["households"]], ["人数", s["members"]],
            ["错误", s["errors"]], ["警告", s["warnings"]], ["有错误的户", s["households_with_errors"]], [], ["乡镇", "户数", "人数"]]
    rows += [[k, v["households"], v["members"]] for k, v in s["by_township"].items()]
    return [
        SheetSpec("汇总", ["项目", "数量", ""], rows, widths={0: 24, 1: 12}),
        SheetSpec("问题", FIELDS_ZH, (as_row_zh(p) for p in roster.problems),
                  widths={0: 28, 1: 12, 2: 6, 3: 14, 4: 22, 5: 6, 6: 50, 7: 50, 8: 12}),
    ]


def print_summary(console, roster: Roster) -> None:
    from rich.table import Table

    s = summary(roster)
    console.print(f"名册：{len(s['files'])} 个文件，{s['households']} 户，{s['members']} 人")
    if s["by_township"]:
        table = Table(title="按乡镇", title_justify="left")
        table.add_column("乡镇")
        table.add_column("户数", justify="right")
        table.add_column("人数", justify="right")
        for township, v in s["by_township"].items():
            table.add_row(township, str(v["households"]), str(v["members"]))
        console.print(table)
    if s["errors"] or s["warnings"]:
        console.print(f"发现 [bold red]{s['errors']}[/] 个错误、[yellow]{s['warnings']}[/] 个警告"
                      f"（{s['households_with_errors']} 户有错误，核算时将被排除）。")
    else:
        console.print("[green]没有发现问题。[/]")


def print_table(console, roster: Roster, mask, limit: int | None = None) -> None:
    from rich.table import Table

    problems = roster.problems if limit is None else roster.problems[:limit]
    if problems:
        table = Table(title="问题清单", title_justify="left", show_lines=False)
        for name in FIELDS_ZH[:-1]:
            table.add_column(name, overflow="fold")
        for problem in problems:
            row = as_row_zh(problem, mask)[:-1]
            row[5] = f"[red]{row[5]}[/]" if problem.severity == "error" else f"[yellow]{row[5]}[/]"
            table.add_row(*[str(v) for v in row])
        console.print(table)
        if len(problems) < len(roster.problems):
            console.print(f"（屏幕上只显示前 {len(problems)} 个问题；完整清单请用 --format xlsx -o 问题清单.xlsx）")
    print_summary(console, roster)
