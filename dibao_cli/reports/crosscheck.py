"""What `dibao crosscheck` produces: the 疑点清单 as a table, JSON, CSV or a workbook."""

from __future__ import annotations

from dibao_cli.checks.crosscheck import Finding, yuan
from dibao_cli.money import fen_number
from dibao_cli.reports.files import (
    MONEY_FORMAT,
    SheetSpec,
    csv_bytes,
    json_bytes,
    print_cut,
    screen_rows,
)
from dibao_cli.reports.screens import literal, literal_cells

HEADER = ("乡镇", "村(社区)", "户编号", "户主", "成员", "成员身份证号", "疑点", "匹配方式", "比对记录", "来源文件", "来源行",
          "后续处理", "依据", "已发月数", "应追缴(元)", "追缴说明")


def record_text(f: Finding) -> str:
    parts = [f"{k}：{v}" for k, v in f.record.details.items() if v]
    if f.record.name:
        parts.insert(0, f"姓名：{f.record.name}")
    return "；".join(parts)


def row(f: Finding, mask=lambda v: v) -> list:
    h = f.household
    return [h.township or "", h.village or "", h.household_id, h.head_label or "", f.member.name or "",
            mask(f.member.id_number), f.text, f.evidence, record_text(f), f.record.file,
            f.record.row, f.follow_up, f.basis, "" if f.months is None else f.months, yuan(f.recover_fen),
            f.recover_note]


def as_dict(f: Finding) -> dict:
    h = f.household
    return {
        "household_id": h.household_id, "township": h.township, "village": h.village, "head_name": h.head_label,
        "member_name": f.member.name, "member_id": f.member.id_number, "code": f.code, "text": f.text,
        "evidence": f.evidence, "record": {"file": f.record.file, "sheet": f.record.sheet, "row": f.record.row,
                                           "name": f.record.name,
                                           "date": f.record.date.isoformat() if f.record.date else None,
                                           "details": f.record.details},
        "follow_up": f.follow_up, "basis": f.basis, "months_paid_since": f.months,
        "recover": yuan(f.recover_fen) or None, "recover_note": f.recover_note,
    }


def as_json(findings, problems, kind) -> bytes:
    return json_bytes({"kind": kind.key, "label": kind.label, "findings": [as_dict(f) for f in findings],
                       "extract_problems": [p.as_dict() for p in problems]})


def as_csv(findings) -> bytes:
    return csv_bytes(HEADER, (row(f) for f in findings))


def xlsx_row(f: Finding) -> list:
    """A workbook row: the amount to recover as a number (two decimals), not text."""
    values = row(f)
    values[14] = None if f.recover_fen is None else fen_number(f.recover_fen)
    return values


def xlsx_sheets(findings, problems) -> list[SheetSpec]:
    from dibao_cli.problems import FIELDS_ZH, as_row_zh

    return [SheetSpec("疑点清单", HEADER, [xlsx_row(f) for f in findings],
                      widths={6: 30, 8: 40, 9: 30, 11: 36, 12: 36, 15: 36}, formats={14: MONEY_FORMAT}),
            SheetSpec("比对数据的问题", FIELDS_ZH, [as_row_zh(p) for p in problems], widths={0: 40, 6: 40, 7: 40})]


def print_table(console, findings, problems, kind, mask, show_all: bool = False) -> None:
    from rich.table import Table

    if findings:
        table = Table(title=f"疑点清单（与{kind.label}数据比对）", title_justify="left")
        for name in ("村(社区)", "户编号", "户主", "成员", "身份证号", "疑点", "匹配", "来源行", "应追缴(元)"):
            table.add_column(name, overflow="fold", no_wrap=name in ("户编号", "身份证号", "应追缴(元)"))
        shown, cut = screen_rows(findings, show_all)
        for f in shown:
            r = row(f, mask)
            table.add_row(*literal_cells(r[1:7]), "身份证号" if f.evidence == "身份证号" else "姓名+出生日期",
                          literal(f"{f.record.file.split('/')[-1]} 第{f.record.row}行"), literal(r[14]))
        console.print(table)
        if cut:
            matched = ((f.household.township, "按身份证号" if f.evidence == "身份证号" else "按姓名+出生日期") for f in findings)
            print_cut(console, len(findings), len(shown), "条", matched, "疑点清单")
        console.print(f"发现 [bold red]{len(findings)}[/] 条疑点。完整清单（含后续处理、依据、追缴说明）请用 --format xlsx -o 疑点清单.xlsx")
    else:
        console.print(f"[green]名册中没有人出现在{kind.label}数据中。[/]")
    unmatched = sum(1 for p in problems if p.severity == "error")
    if unmatched:
        console.print(f"[yellow]比对数据本身有 {unmatched} 个问题[/]（如身份证号被 Excel 损坏），这些行无法比对，见 xlsx 的“比对数据的问题”表。")
    if len(problems) > unmatched:
        console.print(f"[yellow]比对数据中有 {len(problems) - unmatched} 个日期无法读取[/]：这些行仍参与比对，但不计算应追缴金额，"
                      "见 xlsx 的“比对数据的问题”表。")
