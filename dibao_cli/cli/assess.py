"""`dibao assess`, `dibao explain`, `dibao policy show|check`, `dibao init`."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from dibao_cli.cli.base import end_quickly
from dibao_cli.cli.check import load_roster
from dibao_cli.cli.common import (
    CONTEXT,
    REGION,
    DibaoCommand,
    DibaoSubGroup,
    date_option,
    emit,
    force_option,
    input_options,
    limit_option,
    output_options,
    policy_options,
    resolve,
    resolve_format,
    rosters_argument,
)
from dibao_cli.cli.console import clean_screen, console, literal, literal_cells, progress_bar, say
from dibao_cli.errors import ExitStatus

FORMATS = ("table", "json", "csv", "xlsx")


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument()
@input_options
@policy_options
@date_option("核算日期，默认今天。")
@output_options(FORMATS)
@limit_option("屏幕表格最多显示的户数（默认 200）。", 200)
@click.option("--all", "show_all", is_flag=True, help="屏幕表格显示全部户（默认超过 --limit 时只显示前面的户和按乡镇汇总）。")
def assess(rosters, sheet, all_sheets, encoding, policies, region, on_date, fmt, output, force, limit, show_all):
    """核算名册中每一户：收入、扣减、人均收入、认定结果、月保障金及理由。

    退出状态：0 全部核算；1 有户因名册错误未核算；3 文件无法读取；4 政策有误。

    例：dibao assess 名册.xlsx
        dibao assess 名册.xlsx --region 632521 --date 2026-11-30 --format xlsx -o 核算结果.xlsx
        dibao assess 名册.xlsx --format json > 结果.json
    """
    from dibao_cli.assess.household import assess_roster, plan_assessment
    from dibao_cli.reports import assess as assess_report

    day = on_date or _dt.date.today()
    fmt = resolve_format(fmt, output, FORMATS)
    policy = resolve(region, policies, day)
    roster = load_roster(rosters, sheet, all_sheets, encoding, day)
    end_quickly(roster)
    with progress_bar("核算", total=len(roster.households), unit="户") as advance:
        if fmt == "json":  # streamed: each household is assessed, written and dropped, inside this stage
            assessment = plan_assessment(roster, policy, day)
            assessment.progress = advance
            if advance is not None:
                advance(len(assessment.left_out))
            emit(fmt, output, force, table=None, sheets=None, json=lambda: assess_report.json_chunks(assessment),
                 csv=None)
        elif fmt == "xlsx":  # each household assessed once, its rows kept packed and its result dropped
            from dibao_cli.reports import assess_sheets

            assessment = plan_assessment(roster, policy, day)
            assessment.progress = advance
            if advance is not None:
                advance(len(assessment.left_out))
            sheets = assess_sheets.xlsx_sheets(assessment)
        elif fmt == "csv":  # streamed, as JSON: each household is assessed, written and dropped
            from dibao_cli.reports import assess_sheets

            assessment = plan_assessment(roster, policy, day)
            assessment.progress = advance
            if advance is not None:
                advance(len(assessment.left_out))
            emit(fmt, output, force, table=None, sheets=None, json=None,
                 csv=lambda: assess_sheets.csv_pieces(assessment))
        else:
            assessment = assess_roster(roster, policy, day, progress=advance)
    if fmt not in ("json", "csv"):
        emit(fmt, output, force,
             table=lambda: assess_report.print_table(console(), assessment, None if show_all else limit),
             sheets=lambda: sheets, json=None, csv=None)
    if output is not None:
        say(f"已写入 {output}：核算 {len(assessment.pending)} 户，未核算 {len(assessment.left_out)} 户。")
    if assessment.left_out:
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("roster", type=click.Path(path_type=Path), metavar="名册文件")
@click.argument("household_id", metavar="户编号")
@input_options
@policy_options
@date_option("核算日期，默认今天。")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              help="输出格式：text、json（json 的每一步另列用到的政策数值、起始日期和出处）。")
def explain(roster, household_id, sheet, all_sheets, encoding, policies, region, on_date, fmt):
    """逐步说明一户的核算：每个成员的收入项目、扣减、标准及出处、比较、结果和保障金算式。

    例：dibao explain 名册.xlsx GH001 --date 2026-11-30
    """
    from dibao_cli.assess.explain import cn_dates
    from dibao_cli.assess.household import assess_roster
    from dibao_cli.documents.templating import render
    from dibao_cli.errors import NotFound
    from dibao_cli.policy.loader import region_name
    from dibao_cli.reports import assess as assess_report
    from dibao_cli.reports.files import json_bytes

    day = on_date or _dt.date.today()
    policy = resolve(region, policies, day)
    data = load_roster([roster], sheet, all_sheets, encoding, day)
    if household_id not in data.households:
        raise NotFound(f"名册 {roster} 中没有户编号为“{household_id}”的户。")
    assessment = assess_roster(data, policy, day, trace=True, only={household_id})
    if assessment.left_out:
        household, problems = assessment.left_out[0]
        lines = [f"户 {household_id} 有错误，未核算："] + [
            f"  第 {p.row} 行 {p.column}：{p.message}（{p.fix}）" for p in problems]
        click.echo(clean_screen("\n".join(lines)))
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)
    result = assessment.results[0]
    d = assess_report.household_dict(result)
    block = assess_report.policy_block(assessment)
    if fmt == "json":
        d["steps"] = assess_report.explain_steps(result)
        click.echo(json_bytes({"policy": block, "household": d}).decode(), nl=False)
        return
    # a document for people: its dates written the Chinese way (the JSON keeps ISO dates)
    text = render("explain.txt.j2", r=result, d=d, policy=block, region_name=region_name(block["region"]))
    click.echo(clean_screen(cn_dates(text)), nl=False)


@click.group(cls=DibaoSubGroup, context_settings=CONTEXT)
def policy():
    """查看或检查政策参数（低保标准、不计入收入的项目、扣减、财产上限、渐退期、分类施保……）。"""


@policy.command("show", cls=DibaoCommand, context_settings=CONTEXT)
@policy_options
@date_option("查看这一天适用的数值，默认今天。")
def policy_show(policies, region, on_date):
    """显示某地某日适用的每个政策数值及其出处。

    例：dibao policy show --region 632521 --date 2026-11-30
    """
    from rich.table import Table
    from rich.text import Text

    from dibao_cli.policy.loader import region_name
    from dibao_cli.policy.schema import PARAMETERS

    day = on_date or _dt.date.today()
    at = resolve(region, policies, day)
    out = console()
    say(f"地区 {at.policy.region}；政策 {at.policy.name}；日期 {day.isoformat()}；指纹 {at.policy.digest[:12]}")
    for note in at.policy.notes:
        out.print(Text(note, style="dim"))
    table = Table(title="政策参数", title_justify="left", show_lines=False)
    for name in ("类别", "参数", "数值", "起始日期", "来自", "出处（印在通知书上）", "备注（不印）"):
        table.add_column(name, overflow="fold")
    for param in PARAMETERS:
        e = at.entry(param.name)
        if e is None:
            table.add_row(param.group, param.label, "[dim]未设[/]", "", "", "政策文件未设此项，相关监测会跳过并说明")
            continue
        value = e.value
        if isinstance(value, tuple):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = "是" if value else "否"
        elif param.kind == "rounding":
            value = {"1": "元", "0.1": "角", "0.01": "分"}.get(str(value), str(value))
        table.add_row(param.group, param.label, literal(f"{value} {param.unit}".strip()), e.since.isoformat(),
                      *literal_cells((region_name(e.region), at.policy.citation(e), _remark(e))))
    out.print(table)
    items = Table(title="收入项目", title_justify="left")
    for name in ("项目", "类别", "计入", "起始日期", "来自", "出处（印在通知书上）", "备注（不印）"):
        items.add_column(name, overflow="fold")
    for item in at.policy.income_item_names():
        found = at.income_item(item)
        if found is None:
            continue
        category, e = found
        items.add_row(*literal_cells((item, category)), "计入" if e.value else "[yellow]不计入[/]", e.since.isoformat(),
                      *literal_cells((region_name(e.region), at.policy.citation(e), _remark(e))))
    out.print(items)
    unconfirmed = at.policy.unconfirmed(day)
    if unconfirmed:
        out.print(f"[yellow]{len(unconfirmed)} 个数值是默认值，县里尚未确认[/]（备注中标“须县里确认”）；确认前通知书引用"
                  f"{literal(at.policy.local_document())}。")


def _remark(entry) -> str:
    """Staff-only remarks: the note, and whether the county must still confirm the value."""
    parts = [f"[yellow]须县里确认[/]（默认出处：{entry.source}）"] if not entry.confirmed else []
    if entry.note:
        parts.append(entry.note)
    return "；".join(parts)


@policy.command("check", cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="政策文件...")
@date_option("同时检查这一天每个参数都有适用的值。")
def policy_check(files, on_date):
    """检查政策文件：格式、参数名、日期、数值类型、出处；可同时检查某日是否每个参数都有值。

    例：dibao policy check 632521-共和县.toml --date 2026-11-30
    """
    from dibao_cli.policy import PolicyAt, load_policy

    loaded = load_policy(None, list(files))
    day = on_date or _dt.date.today()
    at = PolicyAt(loaded, day)
    out = console()
    say(f"政策文件无误：{'、'.join(str(f) for f in files)}（地区 {loaded.region}，{day.isoformat()} 每个参数都有适用的值）。")
    unconfirmed = loaded.unconfirmed(day)
    if unconfirmed:
        out.print(f"[yellow]注意[/]：{len(unconfirmed)} 个数值没有省级文件依据或尚未确认，须县里按本地文件确认后再出具通知书"
                  f"（确认后在该条中删去 confirmed = false）；确认前通知书引用{literal(loaded.local_document())}：")
        for label, entry in unconfirmed:
            where = f"{entry.file}" + (f" 第 {entry.line} 行" if entry.line else "")
            say(f"  · {label}（{where}）")
    for message in at.stale_standards():
        out.print(f"[yellow]注意[/]：{literal(message)}")


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@click.option("--region", required=True, type=REGION, metavar="地区代码", help="本县（区）代码，如共和县 632521。")
@click.option("--policy", "policies", multiple=True, type=click.Path(path_type=Path), metavar="文件",
              help="本县政策文件（放在本文件夹中）。")
@force_option("dibao.toml 已存在时覆盖。")
def init(region, policies, force):
    """在当前文件夹写入 dibao.toml，记下本县代码和政策文件；以后的命令自动使用。

    例：dibao init --region 632521 --policy 632521-共和县.toml
    """
    from dibao_cli.policy import load_policy
    from dibao_cli.policy.config import CONFIG_NAME, config_text
    from dibao_cli.reports.files import atomic_write

    load_policy(region, list(policies))  # validate before writing
    names = []
    for p in policies:
        try:
            names.append(str(Path(p).resolve().relative_to(Path.cwd().resolve())))
        except ValueError:
            names.append(str(Path(p).resolve()))
    atomic_write(Path(CONFIG_NAME), config_text(region, names).encode("utf-8"), force)
    say(f"已写入 {CONFIG_NAME}：地区 {region}" + (f"，政策文件 {'、'.join(names)}" if names else ""))
