"""`dibao crosscheck` and `dibao monitor`."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

import click

from dibao_cli.cli.check import load_roster
from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    date_option,
    db_option,
    emit,
    input_options,
    month_option,
    output_options,
    policy_options,
    resolve,
    resolve_format,
    rosters_argument,
)
from dibao_cli.cli.console import console, progress_bar, say
from dibao_cli.errors import ExitStatus

FORMATS = ("table", "json", "csv", "xlsx")
KIND_NAMES = {"死亡": "death", "殡葬": "death", "death": "death", "车辆": "vehicle", "vehicle": "vehicle",
              "市场主体": "business", "business": "business", "财政供养": "payroll", "payroll": "payroll",
              "不动产": "real_estate", "real_estate": "real_estate", "社保": "pension", "养老金": "pension",
              "pension": "pension", "generic": "generic"}


def _ledger_if_any(db):
    from dibao_cli.ledger.store import Ledger, ledger_path

    if db is None and not os.environ.get("DIBAO_DB") and not (Path.cwd() / "dibao.db").exists():
        return None
    return Ledger(ledger_path(db), create=False)


def _columns(ctx, param, value):
    """--columns checked when the command line is read: a wrong mapping is a usage error (exit 2)."""
    from dibao_cli.errors import UsageInvalid
    from dibao_cli.reading.extract import parse_mapping

    try:
        return parse_mapping(value)
    except UsageInvalid as exc:
        raise click.BadParameter(exc.message.removeprefix("--columns 中的"), ctx=ctx, param=param) from None


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument()
@click.option("--against", required=True, type=click.Path(path_type=Path), metavar="比对文件",
              help="其他部门提供的数据文件（.xlsx/.xls/.csv）。")
@click.option("--kind", required=True, type=click.Choice(tuple(KIND_NAMES)), metavar="类别",
              help="数据类别：死亡、殡葬、车辆、市场主体、财政供养、不动产、社保、养老金，或 generic（配合 --key、--columns）。")
@click.option("--key", metavar="列名", help="generic 时：比对文件中身份证号所在的列名。")
@click.option("--columns", callback=_columns, metavar="对应关系", help="generic 时：其他列的含义，如 \"姓名=户主姓名,日期=登记时间,单位=工作单位\"。")
@click.option("--name-birth", is_flag=True, help="比对文件没有身份证号的行，按姓名+出生日期匹配（证据较弱，须核实）。")
@click.option("--against-encoding", metavar="编码", help="比对文件为 CSV 时的编码（默认自动识别）。")
@input_options
@policy_options
@date_option("比对日期（算追缴月数），默认今天。")
@db_option
@output_options(FORMATS)
@click.option("--show-id", is_flag=True, help="屏幕上显示完整身份证号（默认打码）。")
@click.option("--all", "show_all", is_flag=True, help="屏幕表格显示全部疑点（默认超过 300 条时只显示前 100 条和按乡镇汇总）。")
def crosscheck(rosters, against, kind, key, columns, name_birth, against_encoding, sheet, all_sheets, encoding,
               policies, region, on_date, db, fmt, output, force, show_id, show_all):
    """与其他部门数据比对，列出疑点清单：户、成员、发现了什么、对应记录及其文件和行、后续处理、应追缴金额。

    按身份证号匹配（同号不同名会注明）；记录有日期且早于本月的，给出此后已发月数和应追缴金额
    （有台账时按台账，否则按名册的当前月保障金）。
    退出状态：0 没有疑点；1 有疑点；3 文件无法读取。

    例：dibao crosscheck 名册.xlsx --against 殡葬数据.xlsx --kind 殡葬
        dibao crosscheck 名册.xlsx --against 车辆.csv --kind 车辆 --format xlsx -o 疑点清单.xlsx
        dibao crosscheck 名册.xlsx --against 公积金.xlsx --kind generic --key 证件号码 --columns "姓名=职工姓名,日期=开户日期"
    """
    from dibao_cli.checks.crosscheck import crosscheck as run_crosscheck
    from dibao_cli.idcard import mask_id
    from dibao_cli.reading.extract import KINDS, generic_kind, read_extract
    from dibao_cli.reports import crosscheck as crosscheck_report

    day = on_date or _dt.date.today()
    fmt = resolve_format(fmt, output, FORMATS)
    kind_key = KIND_NAMES[kind]
    if kind_key == "generic":
        if not key:
            raise click.UsageError("--kind generic 需要用 --key 指定身份证号所在的列名。")
        the_kind = generic_kind(key, columns)
    else:
        the_kind = KINDS[kind_key]
    policy = resolve(region, policies, day)
    roster = load_roster(rosters, sheet, all_sheets, encoding, day)
    with progress_bar(f"读取比对文件 {against.name}"):
        extract = read_extract(against, the_kind, against_encoding)
    ledger = _ledger_if_any(db)
    try:
        with progress_bar("比对"):
            findings = run_crosscheck(roster, extract, day, policy, name_birth=name_birth,
                                      ledger_paid=ledger.paid_months if ledger else None)
        if ledger:  # casework: findings get ids; closed ones are not reported again
            from dibao_cli.casework.signals import crosscheck_as_dict, track
            from dibao_cli.cli.ledger import command_line
            from dibao_cli.ledger.monthly import file_hash

            findings, line = track(ledger, "crosscheck", findings, day, crosscheck_as_dict)
            ledger.audit(command_line(), {str(against): file_hash(against)}, policy.policy.digest)
            say(line, stderr=True)
    finally:
        if ledger:
            ledger.close()
    mask = (lambda v: v or "") if show_id else mask_id
    emit(fmt, output, force,
         table=lambda: crosscheck_report.print_table(console(), findings, extract.problems, the_kind, mask,
                                                           show_all),
         sheets=lambda: crosscheck_report.xlsx_sheets(findings, extract.problems),
         json=lambda: crosscheck_report.as_json(findings, extract.problems, the_kind),
         csv=lambda: crosscheck_report.as_csv(findings))
    if fmt == "xlsx":
        say(f"已写入 {output}：{len(findings)} 条疑点。")
    if findings:
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument()
@click.option("--previous", type=click.Path(path_type=Path), metavar="上月名册", help="上月名册，用来发现收入大幅下降和成员变化。")
@month_option("改用台账中这个月的数据作为“上月”（如 2026-11）。")
@input_options
@policy_options
@date_option("监测日期，默认今天。")
@db_option
@output_options(FORMATS)
@click.option("--all", "show_all", is_flag=True, help="屏幕表格显示全部信号（默认超过 300 条时只显示前 100 条和按乡镇汇总）。")
def monitor(rosters, previous, month, sheet, all_sheets, encoding, policies, region, on_date, db, fmt, output, force,
            show_all):
    """监测预警：列出需要重点走访的户，按村分组，每条写明信号、数字和依据。

    刚性支出困难家庭候选；收入大幅下降、成员变化（需要上月数据）；脱贫户丧失劳动能力成员未纳入；特困候选；
    应按单人户纳入的重病重残成员；可能的孤儿和事实无人抚养儿童；生活不能自理需要照料的人；
    困难残疾人生活补贴、重度残疾人护理补贴候选（金额取自政策文件）。
    退出状态：0 没有信号；1 有信号。

    例：dibao monitor 名册-12月.xlsx --previous 名册-11月.xlsx
        dibao monitor 名册-12月.xlsx --month 2026-11 --format xlsx -o 走访重点.xlsx
    """
    from dibao_cli.assess.household import assess_roster
    from dibao_cli.checks.monitor import monitor as run_monitor
    from dibao_cli.checks.monitor import previous_from_assessment, previous_from_ledger
    from dibao_cli.reports import monitor as monitor_report

    if previous is not None and month is not None:
        raise click.UsageError("--previous 和 --month 只能用一个。")
    day = on_date or _dt.date.today()
    fmt = resolve_format(fmt, output, FORMATS)
    policy = resolve(region, policies, day)
    roster = load_roster(rosters, sheet, all_sheets, encoding, day)
    with progress_bar("核算", total=len(roster.households), unit="户") as advance:
        assessment = assess_roster(roster, policy, day, progress=advance)
    before = None
    if previous is not None:
        before = previous_from_assessment(assess_roster(load_roster([previous], sheet, all_sheets, encoding, day),
                                                        policy, day))
    elif month is not None:
        from dibao_cli.ledger.monthly import parse_month
        from dibao_cli.ledger.store import Ledger, ledger_path

        ledger = Ledger(ledger_path(db), create=False)
        try:
            ledger.require_month(parse_month(month))
            before = previous_from_ledger(ledger, parse_month(month))
        finally:
            ledger.close()
    with progress_bar("监测"):
        signals, notes = run_monitor(assessment, before)
    left_out = [h.household_id for h, _ in assessment.left_out]
    if left_out:  # never a silent gap: a household with errors is not monitored, and the clerk is told
        notes = [*notes, f"{len(left_out)} 户因名册错误未核算，没有监测：{'、'.join(left_out[:30])}"
                 + ("……" if len(left_out) > 30 else "") + "。用 dibao check 查看并修改。"]
    ledger = _ledger_if_any(db)
    if ledger:  # casework: signals get ids; closed ones are not reported again
        from dibao_cli.casework.signals import track
        from dibao_cli.cli.ledger import command_line
        from dibao_cli.ledger.monthly import file_hash

        try:
            signals, line = track(ledger, "monitor", signals, day, lambda s: s.as_dict())
            ledger.audit(command_line(), {str(r): file_hash(r) for r in rosters}, policy.policy.digest)
        finally:
            ledger.close()
        notes = [*notes, line]
    emit(fmt, output, force, table=lambda: monitor_report.print_table(console(), signals, notes, show_all),
         sheets=lambda: monitor_report.xlsx_sheets(signals, notes), json=lambda: monitor_report.as_json(signals, notes),
         csv=lambda: monitor_report.as_csv(signals))
    if fmt == "xlsx":
        say(f"已写入 {output}：{len(signals)} 条信号。")
    if signals or left_out:
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)
