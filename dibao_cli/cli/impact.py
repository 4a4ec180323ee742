"""`dibao impact`: what a reform costs and whom it changes (the comparison is in dibao_cli/assess/impact.py)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from dibao_cli.cli.check import load_roster
from dibao_cli.cli.common import (
    CONTEXT,
    REGION,
    DibaoCommand,
    date_option,
    emit,
    input_options,
    limit_option,
    output_options,
    resolve_format,
    rosters_argument,
)
from dibao_cli.cli.console import console, literal, progress_bar
from dibao_cli.errors import ExitStatus

FORMATS = ("table", "json", "xlsx", "html")


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument()
@input_options
@click.option("--region", type=REGION, metavar="地区代码", help="现行政策的县（区）代码；默认取 dibao.toml，再默认青海省级。")
@click.option("--base-policy", "base_policies", multiple=True, type=click.Path(path_type=Path), metavar="文件",
              help="现行的本地政策文件（默认取 dibao.toml）。")
@click.option("--policy", "policies", multiple=True, type=click.Path(path_type=Path), metavar="方案文件",
              help="方案政策文件（只写要改的项目）；给多个时每个是一个备选方案。")
@click.option("--set", "sets", multiple=True, metavar="参数=数值",
              help="方案中改一个参数，如 rural_standard_annual=6000（与政策文件同样检查）；可给多个。")
@click.option("--grid", metavar="参数=起:止:步长", help="一个参数按步长取多个值，每个值一个方案，如 rural_standard_annual=5400:6600:300。")
@date_option("方案生效日期（--set、--grid 的数值自这一天起）；默认同核算日期。", "--effective")
@date_option("核算日期（两边同一天）；默认为生效日期，再默认今天。")
@output_options(FORMATS)
@click.option("--unit", default="", metavar="单位", help="HTML 中的测算单位，如 共和县民政局。")
@click.option("--templates", type=click.Path(path_type=Path), metavar="文件夹", help="本局修改过的模板所在文件夹。")
@limit_option("屏幕上每张逐户表最多显示的户数（默认 50）。", 50)
def impact(rosters, sheet, all_sheets, encoding, region, base_policies, policies, sets, grid, effective, on_date, fmt,
           output, force, unit, templates, limit):
    """测算调整政策（如提高低保标准）的影响：户数、人数、每月和全年资金、逐户变化，以及金额减少的户。

    名册只读取、核查一次，按现行政策和每个方案各核算一次，两边用同一核算日期。
    退出状态：0 完成；1 有户因名册错误未核算；2 用法错误；3 名册无法读取；4 政策或方案有误；5 输出文件已存在。

    例：dibao impact 名册.xlsx --effective 2027-01-01 --set rural_standard_annual=6000
        dibao impact 名册.xlsx --policy 方案甲.toml --policy 方案乙.toml -o 测算.xlsx
        dibao impact 名册.xlsx --grid rural_standard_annual=5400:6600:300 --format json > 测算.json
        dibao impact 名册.xlsx --policy reform-2027.toml --unit 共和县民政局 -o 测算.html
    """
    from dibao_cli.assess.impact import compare
    from dibao_cli.assess.reforms import build_reforms, reform_policy
    from dibao_cli.policy import PolicyAt
    from dibao_cli.policy.config import choose_policy
    from dibao_cli.reports import impact as impact_report

    day = on_date or effective or _dt.date.today()
    effective = effective or day
    if effective > day:
        raise click.UsageError(f"方案生效日期 {effective.isoformat()} 晚于核算日期 {day.isoformat()}，方案在核算日期还没有生效。"
                               "测算明年的方案只给 --effective（核算日期随之取生效日期）。")
    fmt = resolve_format(fmt, output, FORMATS)
    if fmt == "html" and output is None:
        raise click.UsageError("html 格式需要用 -o 指定输出文件。")
    base_policy = choose_policy(region, base_policies)
    base = PolicyAt(base_policy, day)
    reforms = [(r, PolicyAt(reform_policy(base_policy, r), day))
               for r in build_reforms(base_policy, effective, policies, sets, grid)]
    roster = load_roster(rosters, sheet, all_sheets, encoding, day)
    with progress_bar("核算", total=len(roster.households)) as advance:
        result = compare(roster, base, reforms, day, effective, progress=advance)

    def html() -> None:
        from dibao_cli.documents.templating import render
        from dibao_cli.reports.files import atomic_write

        context = impact_report.html_context(result, "低保政策调整资金测算", unit or base_policy.name)
        atomic_write(output, render("impact.html.j2", templates, autoescape=True, **context).encode("utf-8"), force)

    if fmt == "html":
        html()
    else:
        emit(fmt, output, force, table=lambda: impact_report.print_report(console(), result, limit),
             sheets=lambda: impact_report.xlsx_sheets(result), json=lambda: impact_report.json_chunks(result), csv=None)
    if output is not None:
        falls = sum(len(a.decreases) for a in result.alternatives)
        console().print(f"已写入 {literal(output)}：{len(result.alternatives)} 个方案，{result.households} 户"
                        + (f"；[bold red]有 {falls} 户次月保障金减少，已单独列出[/]" if falls else "；没有金额减少的户") + "。")
    if result.left_out:
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)
