"""`dibao visit`, `dibao visits due`, `dibao visits sheet`: household visits."""

from __future__ import annotations

import datetime as _dt

import click

from dibao_cli.cli.casework import (
    FORMATS,
    MAX_WITHIN_DAYS,
    parse_people_option,
    policy_and_calendar,
    warn_calendar,
)
from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    DibaoSubGroup,
    date_option,
    db_option,
    emit,
    force_option,
    month_option,
    output_file_option,
    output_options,
    policy_options,
    resolve_format,
    templates_option,
    within_option,
)
from dibao_cli.cli.console import console, literal, literal_cells, say
from dibao_cli.cli.ledger import command_line, open_ledger
from dibao_cli.errors import ExitStatus


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("household_id", metavar="户编号")
@date_option("走访日期。", dest="on", required=True, bounded=False)
@click.option("--by", "visitors", required=True, metavar="姓名", help="走访人，多人用逗号分开（入户调查、县级核查至少两人）。")
@click.option("--kind", required=True, metavar="类型", help="走访类型：入户调查、定期回访、信号核实、特困核查、县级核查。")
@click.option("--findings", default="", metavar="文字", help="发现的情况。")
@click.option("--members", "members_change", default="", metavar="文字", help="家庭成员变化（如 次子外出务工）。")
@click.option("--income", "income_change", default="", metavar="文字", help="收入变化。")
@click.option("--property", "property_change", default="", metavar="文字", help="财产变化（住房、牲畜、车辆）。")
@click.option("--care", "care_level", default="", metavar="等级", help="照料等级：全自理、半失能、全失能（特困核查）。")
@click.option("--outcome", "result", default="无变化", show_default=True, metavar="结果",
              help="处理结果：无变化、有变化已记录、转介其他救助、已受理申请。")
@click.option("--signal", "signal_ids", multiple=True, type=int, metavar="编号",
              help="核实的信号编号（可给多个；不给时关闭这一户所有未关闭的信号）。")
@db_option
def visit(household_id, on, visitors, kind, findings, members_change, income_change, property_change, care_level,
          result, signal_ids, db):
    """登记一次入户走访：走访人、类型、发现的情况和处理结果。

    走访会关闭这一户未关闭的监测和比对信号；这一户有办理中的申请时，入户调查和县级核查同时登记为申请的办理步骤。
    退出状态：0 已登记；2 内容不合要求。

    例：dibao visit GH101 --date 2026-10-10 --by 王芳,李强 --kind 入户调查 --findings 住房为土木结构
        dibao visit GH004 --date 2026-12-03 --by 王芳 --kind 信号核实 --income 务工收入减少 --outcome 有变化已记录
    """
    from dibao_cli.casework import visits
    from dibao_cli.casework.calendar import build_calendar

    build_calendar().check(on)
    kind_value = visits.visit_kind(kind)
    outcome = visits.outcome(result)
    ledger = open_ledger(db)
    try:
        done = visits.record_visit(ledger, household_id=household_id, on=on, visitors=parse_people_option(visitors),
                                   kind=kind_value, findings=findings,
                                   changes={"成员": members_change, "收入": income_change, "财产": property_change,
                                            "照料": care_level},
                                   result=outcome, signal_ids=list(signal_ids) or None, source="dibao visit")
        if done.visit_id is not None:
            ledger.audit(command_line(), {}, None)
    finally:
        ledger.close()
    if done.visit_id is None:
        say(f"{household_id} {on.isoformat()} 的{kind_value}已登记过，未重复登记。")
        return
    say(f"已登记走访 {done.visit_id}：{household_id} {on.isoformat()} {kind_value}，结果：{outcome}。")
    if done.step:
        say(f"同时登记为办理中申请的“{done.step}”。")
    if done.closed_signals:
        say(f"已关闭信号：{'、'.join(str(i) for i in done.closed_signals)}。")


@click.group("visits", cls=DibaoSubGroup, context_settings=CONTEXT)
def visits_group():
    """入户走访：到期清单和入户调查表。"""


DUE_HEADER = ("乡镇", "村(社区)", "走访人", "户编号", "户主或申请人", "事项", "原因", "期限", "逾期")


def _due_row(v) -> list:
    return [v.township, v.village, v.visitor, v.household_id, v.head_name, v.kind, v.reason,
            v.due.isoformat() if v.due else "", "是" if v.overdue else ""]


@visits_group.command("due", cls=DibaoCommand, context_settings=CONTEXT)
@date_option("按这一天计算，默认今天。", bounded=False)
@within_option("列出这么多天内到期的走访（默认 30 天）。", 30)
@month_option("定期回访按台账中这个月的名册（默认最近一个月）。")
@policy_options
@db_option
@output_options(FORMATS)
def visits_due(on_date, within, month, policies, region, db, fmt, output, force):
    """按村和走访人列出到期的走访：申请的入户调查和县级核查、监测信号的核实、定期回访。

    走访人取这一户上次走访的人；没有走访过的，申请取其经办人，都没有的写“未指定”。
    退出状态：0 没有到期的走访；1 有到期的走访。

    例：dibao visits due --within 14
        dibao visits due --format xlsx -o 本周走访.xlsx
    """
    from dibao_cli.casework.visits import due_visits
    from dibao_cli.ledger.monthly import parse_month
    from dibao_cli.reports.files import SheetSpec, csv_bytes, json_bytes

    fmt = resolve_format(fmt, output, FORMATS)
    if not 0 <= within <= MAX_WITHIN_DAYS:
        raise click.UsageError(f"--within 应为 0 到 {MAX_WITHIN_DAYS} 天之间的天数，这里是 {within}。")
    policy, calendar = policy_and_calendar(region, policies)
    day = calendar.check(on_date or _dt.date.today())
    ledger = open_ledger(db, create=False)
    try:
        found = due_visits(ledger, policy, calendar, day, within, parse_month(month) if month else None)
    finally:
        ledger.close()

    def table():
        from rich.table import Table

        if not found:
            console().print(f"[green]{within} 天内没有到期的走访。[/]")
            return
        current, t = None, None
        for v in found:
            key = (v.township, v.village, v.visitor)
            if key != current:
                if t is not None:
                    console().print(t)
                current = key
                t = Table(title=literal(f"{v.township}{v.village}  走访人：{v.visitor}"), title_justify="left")
                for name in ("户编号", "户主或申请人", "事项", "原因", "期限"):
                    t.add_column(name, overflow="fold")
            due = v.due.isoformat() if v.due else "尽快"
            t.add_row(*literal_cells([v.household_id, v.head_name, v.kind, v.reason]), f"[red]{due} 已逾期[/]" if v.overdue else due)
        console().print(t)
        say(f"共 {len(found)} 项，其中逾期 {sum(1 for v in found if v.overdue)} 项。")

    emit(fmt, output, force, table=table,
         sheets=lambda: [SheetSpec("到期走访", DUE_HEADER, [_due_row(v) for v in found], widths={6: 50},
                                   title=f"到期走访（{day.isoformat()} 起 {within} 天）")],
         json=lambda: json_bytes({"as_of": day.isoformat(), "within_days": within,
                                  "visits": [v.as_dict() for v in found]}),
         csv=lambda: csv_bytes(DUE_HEADER, [_due_row(v) for v in found]))
    warn_calendar(calendar)
    if found:
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


@visits_group.command("sheet", cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("households", nargs=-1, required=True, metavar="户编号...")
@output_file_option("入户调查表：.html（用浏览器打印）或 .docx（用 Word、WPS 打开修改后打印），每户一页。")
@click.option("--format", "fmt", type=click.Choice(("html", "docx")), metavar="格式",
              help="html 或 docx（默认按文件名后缀）。")
@force_option()
@click.option("--title", type=click.Choice(("入户调查表", "特困入户核查表")), default="入户调查表", show_default=True,
              help="表名：入户调查表，或特困人员核查用的特困入户核查表（自理能力、供养方式、照料人一栏必填）。")
@month_option("用台账中这个月的名册预填（默认最近一个月）。")
@date_option("打印日期（算年龄），默认今天。", bounded=False)
@templates_option()
@db_option
def visits_sheet(households, output, fmt, force, title, month, on_date, templates, db):
    """打印入户调查表：每户一页，按台账预填家庭成员和办理中的申请，其余由走访人现场填写。

    退出状态：0 已写入；5 文件已存在；6 台账中没有这一户；8 模板有误。

    例：dibao visits sheet GH101 GH004 -o 入户调查表.html
        dibao visits sheet GH101 --title 特困入户核查表 --format docx -o 特困入户核查表.docx
    """
    from dibao_cli.casework.visits import sheet_context, sheet_docx
    from dibao_cli.documents.notices import cn_date
    from dibao_cli.documents.templating import render
    from dibao_cli.ledger.monthly import parse_month
    from dibao_cli.reports.files import write_output

    suffix = output.suffix.lower()
    fmt = fmt or ("docx" if suffix == ".docx" else "html" if suffix in (".html", ".htm") else None)
    if fmt is None:
        raise click.UsageError("入户调查表输出 .html 或 .docx 文件：请把 -o 的文件名改为以 .html 或 .docx 结尾。")
    if (fmt == "docx") != (suffix == ".docx"):
        raise click.UsageError(f"--format {fmt} 与文件名 {output.name} 的后缀不符：请把文件名改为以 .{fmt} 结尾。")
    day = on_date or _dt.date.today()
    ledger = open_ledger(db, create=False)
    try:
        pages = [sheet_context(ledger, hid, day, parse_month(month) if month else None) for hid in households]
    finally:
        ledger.close()
    if fmt == "docx":
        data = sheet_docx(pages, title, cn_date(day), templates)
    else:
        data = render("visit-sheet.html.j2", templates, autoescape=True, households=pages, printed_on=cn_date(day),
                      title=title, tekun=title == "特困入户核查表").encode("utf-8")
    write_output(output, data, force)
    say(f"已写入 {output}：{len(pages)} 户{title}。")
