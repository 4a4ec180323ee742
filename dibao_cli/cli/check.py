"""`dibao check` and `dibao template`."""

from __future__ import annotations

from pathlib import Path

import click

from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    date_option,
    emit,
    force_option,
    input_options,
    limit_option,
    output_file_option,
    output_options,
    policy_options,
    resolve_format,
    rosters_argument,
)
from dibao_cli.cli.base import end_quickly
from dibao_cli.cli.console import console, progress_bar, say
from dibao_cli.errors import ExitStatus

FORMATS = ("table", "json", "csv", "xlsx")


def load_roster(paths, sheet, all_sheets, encoding, on_date, while_loading=None):
    """Read rosters with a progress bar (shared by every command that reads rosters); `while_loading` as in
    read_rosters."""
    from dibao_cli.reading.roster import read_rosters

    with progress_bar("读取名册") as advance:
        return read_rosters([Path(p) for p in paths], sheet=sheet, all_sheets=all_sheets, encoding=encoding,
                            on_date=on_date, progress=advance, while_loading=while_loading)


def problem_value(show_id: bool):
    """Masks ID numbers in problem values shown on screen."""
    from dibao_cli.idcard import mask_id

    def mask(problem):
        if show_id or not (problem.code.startswith("id_") or problem.column in ("身份证号",)):
            return problem.value
        if problem.code in ("cell_error", "formula_uncached"):
            return problem.value  # an error value or a formula, not a number to hide
        return mask_id(problem.value)

    return mask


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument()
@input_options
@policy_options
@date_option("核查日期（算年龄、选政策数值用），默认今天。")
@output_options(FORMATS)
@click.option("--show-id", is_flag=True, help="屏幕上显示完整身份证号（默认打码）。")
@click.option("--fail-on-warning", is_flag=True, help="只有警告时也以状态码 1 退出。")
@limit_option("屏幕表格最多显示的问题数（默认 200）。", 200)
def check(rosters, sheet, all_sheets, encoding, policies, region, on_date, fmt, output, force, show_id, fail_on_warning,
          limit):
    """检查名册：列出每一个问题（文件、工作表、行、列、值、问题、修改方法）。

    按与 assess、import 相同的政策（--region、--policy）检查：核算时会被排除的户，这里一定报告。

    退出状态：0 没有错误；1 有错误（或加 --fail-on-warning 时有警告）；
    3 文件无法读取；4 政策有误；2 用法错误。

    例：dibao check 名册.xlsx
        dibao check 各村/*.xlsx --format xlsx -o 问题清单.xlsx
    """
    import datetime as _dt

    from dibao_cli.cli.common import resolve
    from dibao_cli.reports import check as check_report

    day = on_date or _dt.date.today()
    fmt = resolve_format(fmt, output, FORMATS)
    policy = resolve(region, policies, day)
    roster = load_roster(rosters, sheet, all_sheets, encoding, day)
    end_quickly(roster)
    result = check_report.validate(roster, policy, day)
    emit(fmt, output, force, table=lambda: check_report.print_table(console(), result, problem_value(show_id), limit),
         sheets=lambda: check_report.xlsx_sheets(result), json=lambda: check_report.as_json(result),
         csv=lambda: check_report.as_csv(result))
    if output is not None:
        check_report.print_summary(console(), result)
    errors, warnings = result.error_count(), result.warning_count()
    if errors or (fail_on_warning and warnings):
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@output_file_option("写入的 .xlsx 文件。")
@force_option("文件已存在时覆盖它。")
def template(output, force):
    """生成空白标准名册：每个可识别的列、列说明（批注）和下拉选项。

    例：dibao template -o 名册模板.xlsx
    """
    from dibao_cli.reading.template import template_bytes
    from dibao_cli.reports.files import atomic_write

    if output.suffix.lower() != ".xlsx":  # an Excel workbook named .csv or .xls would not open as what it says
        raise click.UsageError(f"空白名册是 Excel 工作簿，文件名须以 .xlsx 结尾（这里是“{output.name}”），如 -o 名册模板.xlsx。")
    atomic_write(output, template_bytes(), force)
    say(f"已生成空白名册：{output}")
