"""What `dibao check` shows: a summary of the roster and its problems, as a table, JSON, CSV or xlsx.

`check` validates exactly as `assess` and `import` do: the roster's own problems plus those that depend on
the policy (an income item the policy does not list, a missing 城乡类别), through the same
`plan_assessment`, so a household that `assess` would leave out is always reported by `check`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from dibao_cli.model import NO_HOUSEHOLD, Roster
from dibao_cli.problems import ERROR, FIELDS_ZH, WARNING, Problem, as_row_zh
from dibao_cli.reports.files import SheetSpec, csv_bytes, json_bytes
from dibao_cli.reports.screens import literal, literal_cells


@dataclass
class CheckResult:
    roster: Roster
    problems: list[Problem]
    households_with_errors: int

    def error_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == ERROR)

    def warning_count(self) -> int:
        return sum(1 for p in self.problems if p.severity == WARNING)


def validate(roster: Roster, policy, day: _dt.date) -> CheckResult:
    """The roster's problems and the households `assess`/`import` would leave out under this policy."""
    from dibao_cli.assess.household import plan_assessment

    plan = plan_assessment(roster, policy, day)
    return CheckResult(roster, plan.problems, len(plan.left_out))


def summary(result: CheckResult) -> dict:
    """The roster's figures (worked out once per result: the file and the screen show the same)."""
    made = result.__dict__.get("_summary")
    if made is None:
        made = result.__dict__["_summary"] = _summary(result)
    return made


def _summary(result: CheckResult) -> dict:
    roster = result.roster
    return {
        "files": roster.files,
        "sheets": [{"file": s.file, "sheet": s.sheet, "header_row": s.header_row, "members": s.members,
                    "unknown_columns": s.unknown_columns} for s in roster.sheets],
        "households": len(roster.households),
        "members": roster.member_count,
        "members_without_household": len(roster.orphans),
        "by_township": {k: {"households": h, "members": m} for k, (h, m) in roster.by_township().items()},
        "errors": result.error_count(),
        "warnings": result.warning_count(),
        "households_with_errors": result.households_with_errors,
    }


def as_json(result: CheckResult) -> bytes:
    return json_bytes({"summary": summary(result), "problems": [p.as_dict() for p in result.problems]})


def as_csv(result: CheckResult) -> bytes:
    return csv_bytes(FIELDS_ZH, (as_row_zh(p) for p in result.problems))


def xlsx_sheets(result: CheckResult) -> list[SheetSpec]:
    s = summary(result)
    rows = [["文件数", len(s["files"])], ["户数", s["households"]], ["人数", s["members"]],
            ["错误", s["errors"]], ["警告", s["warnings"]], ["有错误的户", s["households_with_errors"]], [], ["乡镇", "户数", "人数"]]
    rows += [[k, v["households"], v["members"]] for k, v in s["by_township"].items()]
    return [
        SheetSpec("汇总", ["项目", "数量", ""], rows, widths={0: 24, 1: 12}),
        SheetSpec("问题", FIELDS_ZH, (as_row_zh(p) for p in result.problems),
                  widths={0: 28, 1: 12, 2: 6, 3: 14, 4: 22, 5: 6, 6: 50, 7: 50, 8: 12}),
    ]


def print_summary(console, result: CheckResult) -> None:
    from rich.table import Table

    s = summary(result)
    orphans = s["members_without_household"]
    console.print(f"名册：{len(s['files'])} 个文件，{s['households']} 户，{s['members']} 人"
                  + (f"（其中 {orphans} 人未填户编号，不属于任何一户）" if orphans else ""))
    if s["by_township"]:
        table = Table(title="按乡镇", title_justify="left")
        table.add_column("乡镇")
        table.add_column("户数", justify="right")
        table.add_column("人数", justify="right")
        for township, v in s["by_township"].items():
            table.add_row(literal(township), "" if township == NO_HOUSEHOLD else str(v["households"]), str(v["members"]))
        console.print(table)
    if s["errors"] or s["warnings"]:
        console.print(f"发现 [bold red]{s['errors']}[/] 个错误、[yellow]{s['warnings']}[/] 个警告"
                      f"（{s['households_with_errors']} 户有错误，核算时将被排除）。")
    else:
        console.print("[green]没有发现问题。[/]")


def print_table(console, result: CheckResult, mask, limit: int | None = None) -> None:
    from rich.table import Table

    problems = result.problems if limit is None else result.problems[:limit]
    if problems:
        table = Table(title="问题清单", title_justify="left", show_lines=False)
        for name in FIELDS_ZH[:-1]:
            table.add_column(name, overflow="fold")
        for problem in problems:
            row = literal_cells(as_row_zh(problem, mask)[:-1])
            row[5] = f"[red]{row[5]}[/]" if problem.severity == "error" else f"[yellow]{row[5]}[/]"
            table.add_row(*row)
        console.print(table)
        if len(problems) < len(result.problems):
            console.print(f"（屏幕上只显示前 {len(problems)} 个问题；完整清单请用 --format xlsx -o 问题清单.xlsx）")
    print_summary(console, result)
