"""`dibao import`, `dibao history`, `dibao review`, `dibao log`; the ledger helpers other commands share."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from dibao_cli.cli.base import end_quickly
from dibao_cli.cli.check import load_roster
from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    date_option,
    db_option,
    emit,
    input_options,
    limit_option,
    month_option,
    output_options,
    policy_on,
    policy_options,
    resolve,
    resolve_format,
    rosters_argument,
    within_option,
)
from dibao_cli.cli.console import console, literal, literal_cells, progress_bar, say
from dibao_cli.errors import ExitStatus

REVIEW_FORMATS = ("table", "json", "csv", "xlsx")
EVENT_LABELS = {"new": "新纳入", "exit": "停保", "transfer": "转类", "phase_out_started": "进入渐退期",
                "back_to_dibao": "恢复低保", "amount_changed": "金额变化", "member_added": "成员增加",
                "member_removed": "成员减少", "linked": "户编号变更", "disappeared": "本月未出现",
                "new_marginal": "新认定边缘", "not_assessed": "未核算（保留上月结果）",
                "new_tekun": "新认定特困", "tekun_ended": "终止特困供养", "new_rigid": "新认定刚性支出困难",
                "rigid_ended": "退出刚性支出困难"}


def open_ledger(db, create=True, write=None, check_tables=None):
    """The ledger; `create` for commands that may start one (import), `write` for commands that write to it
    (default: the same as `create`; checked for damaged pages first, all of it or only `check_tables`).
    Reading commands work on a read-only ledger and never create one."""
    from dibao_cli.ledger.store import Ledger, ledger_path

    return Ledger(ledger_path(db), create=create, write=write, check_tables=check_tables)


# The options the audit log records: what was done to which household, month and files, never who a person is.
# Names, ID numbers, visitors (--by), notes, findings and reasons (free text) are left out; the ledger's own
# tables hold them, under the township rule on a shared ledger.
AUDITED_OPTIONS = frozenset((
    "rosters", "files", "against", "previous", "cases", "output", "folder", "notice_folder", "policies",
    "templates", "db", "month", "township", "village", "region", "on_date", "on", "accepted", "publicity_from",
    "household_id", "households", "application_id", "case_id", "signal_ids", "step", "kind", "programmes",
    "relative", "approve", "amount", "level", "care_level", "result", "ground", "fmt", "sheet", "all_sheets",
    "encoding", "replace", "skip_invalid", "force", "new_number", "doc_prefix", "start", "end", "status",
    "within", "key", "name_birth", "show_all", "show_id", "against_encoding"))


def command_line() -> str:
    """The command as the audit log records it: its path and the options given that name no person."""
    ctx = click.get_current_context()
    parts = [ctx.command_path]
    for name, value in ctx.params.items():
        if value in (None, False, ()) or name not in AUDITED_OPTIONS:
            continue
        if isinstance(value, tuple):
            value = " ".join(str(v) for v in value)
        if name == "db":
            from dibao_cli.ledger.postgres import redact

            value = redact(str(value))  # a connection string's password never reaches the audit log
        parts.append(name if value is True else f"{name}={value}")
    return " ".join(parts)


@click.command("import", cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument()
@month_option("导入的月份，如 2026-12。", required=True)
@input_options
@policy_options
@date_option("核算日期，默认该月最后一天（政策设了统计截止日时为该月的截止日）。")
@db_option
@click.option("--skip-invalid", is_flag=True, help="名册有错误时，先导入没有错误的户，并列出未导入的户。")
@click.option("--replace", is_flag=True, help="该月已导入时用这份名册替换（旧版本保留在历史中）。")
@click.option("--township", metavar="乡镇", help="只导入这个乡镇的名册，该月其他乡镇的数据保持不变（几个乡镇可同时导入同一个月）。")
def import_(rosters, month, sheet, all_sheets, encoding, policies, region, on_date, db, skip_invalid, replace,
            township):
    """把一个月的名册核算后存入台账：每户的结果、成员、渐退期、变化（新增、停保、转类、成员增减）。

    上月台账中的结果（低保、渐退期及开始日期、月保障金）自动带到本月；名册中的写法与台账不一致时会提示。
    同时运行的几个导入按月份顺序排队。导入（或 --replace）较早的月份后，以后已导入的月份用它们原来的名册文件
    重新计算；原文件已移走或改动时，会列出这些月份并提示重新导入。
    --skip-invalid 跳过的户如上月在台账中，本月保留上月结果并注明“未核算”，不算停保。
    退出状态：0 已导入；1 名册有错误未导入（或用 --skip-invalid 时有户被跳过）；7 该月已导入（加 --replace）。

    例：dibao import 名册-2026-12.xlsx --month 2026-12
        dibao import 各乡镇/*.xlsx --month 2026-12 --skip-invalid
    """
    from dibao_cli.ledger.monthly import parse_month
    from dibao_cli.monthly_import import recompute_later

    month = parse_month(month)
    options = {"files": [str(Path(p).resolve()) for p in rosters], "sheet": sheet, "all_sheets": all_sheets,
               "encoding": encoding, "policies": [str(Path(p).resolve()) for p in policies or ()], "region": region,
               "date": on_date.isoformat() if on_date else None, "skip_invalid": skip_invalid}
    if township:
        options["township"] = township.strip()
    ledger = open_ledger(db)  # checks the ledger's pages before anything is written
    recomputed, manual = [], []
    try:
        ticket = ledger.register_import(month)  # later months imported at the same time wait for this one
        try:
            report, day = _import(ledger, month, options, replace, ticket)
        finally:
            ledger.unregister_import(ticket)
        recomputed, manual = recompute_later(
            ledger, report, lambda ledger, later, options, ticket: _import(ledger, later, options, True, ticket))
    finally:
        ledger.close()
    out = console()
    say(f"已导入 {month}（核算日期 {day.isoformat()}）：{report.households} 户，{report.members} 人"
        + ("；替换了该月原有数据（原版本保留在历史中）" if report.replaced else "") + f"。台账：{ledger.path}")
    if report.events:
        say("本月变化：" + "，".join(f"{EVENT_LABELS.get(k, k)} {v} 户" for k, v in sorted(report.events.items())))
    for warning in report.warnings[:50]:
        out.print("[yellow]提示[/] " + literal(f"户 {warning.household_id} {warning.column}“{warning.value}”：{warning.message}"
                                              + (f"。{warning.fix}" if warning.code == "paid_after_phase_out" else "")))
    if len(report.warnings) > 50:
        say(f"……另有 {len(report.warnings) - 50} 条提示")
    for later, again in recomputed:
        basis = "本月原来的数据" if report.replaced else "本月导入之前的台账"
        say(f"以后的月份 {later} 原先是按{basis}计算的，已用它原来的名册文件重新计算：{again.households} 户"
            + ("；变化：" + "，".join(f"{EVENT_LABELS.get(k, k)} {v} 户" for k, v in sorted(again.events.items()))
               if again.events else ""))
    if manual:
        from dibao_cli.ledger.store import month_ranges

        months = [m for m, _ in manual]
        out.print(f"[yellow]注意[/]：台账中以后的月份 {month_ranges(months)} 是按 {month} 月原来的数据（或尚无该月时）计算的，"
                  "渐退期、新纳入、停保和金额变化可能不对，且无法自动重新计算（"
                  + literal("；".join(f"{m}：{why}" for m, why in manual)) + "）。"
                  f"请按月份顺序用 --replace 重新导入这些月份的名册，如：dibao import 名册-{months[0]}.xlsx "
                  f"--month {months[0]} --replace")
    if report.skipped:
        out.print(f"[red]{len(report.skipped)} 户因名册错误未导入[/]：{literal('、'.join(report.skipped[:30]))}"
                  + ("……" if len(report.skipped) > 30 else "") + "。用 dibao check 查看。")
        if report.carried:
            say(f"其中 {len(report.carried)} 户上月在台账中，本月未核算、保留上月结果（不算停保）："
                + "、".join(report.carried[:30]) + ("……" if len(report.carried) > 30 else "")
                + "。改正名册后请用 --replace 重新导入本月。")
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


def _import(ledger, month, options, replace, ticket):
    """Read the rosters named in `options` and import them as `month` (also used to compute a month again)."""
    from dibao_cli.ledger.monthly import EarlyRead, import_month, month_end, reporting_day
    from dibao_cli.policy import PolicyAt
    from dibao_cli.policy.config import choose_policy

    on_date = _dt.date.fromisoformat(options["date"]) if options.get("date") else None
    chosen = choose_policy(options.get("region"), tuple(Path(p) for p in options.get("policies") or ()))
    day = on_date or month_end(month)
    if on_date is None:  # the policy may close the month on an earlier day (统计截止日)
        cutoff = PolicyAt(chosen, day).report_cutoff_day
        if cutoff:
            day = reporting_day(month, cutoff)
    policy = policy_on(chosen, day)
    paths = [Path(p) for p in options["files"]]
    early = EarlyRead(ledger, month, paths, options.get("township"))
    roster = load_roster(paths, options.get("sheet"), options.get("all_sheets"), options.get("encoding"), day,
                         while_loading=early.read)
    with progress_bar(f"核算并存入台账（{month}）"):
        report = import_month(ledger, roster, policy, month, day, paths,
                              options.get("skip_invalid"), replace, command_line(), ticket=ticket, options=options,
                              township=options.get("township"), early=early,
                              on_wait=lambda months: click.echo(
                                  f"等待 {'、'.join(months)} 月的导入完成后再导入 {month} 月……", err=True))
    if not report.later:  # the last month this command imports (later ones are computed again, each its roster)
        end_quickly(roster)
    return report, day


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("household_id", metavar="户编号")
@db_option
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", help="输出格式：table、json。")
def history(household_id, db, fmt):
    """显示一户在台账中的逐月记录：认定结果、人数、收入、保障金、渐退期、变化事件。

    户编号变更过的户（户主去世或迁出后换了户主）会连同原户编号的记录一起显示。
    例：dibao history GH003
    """
    from dibao_cli.errors import NotFound
    from dibao_cli.reports.files import json_bytes

    ledger = open_ledger(db, create=False)
    try:
        rows = ledger.history(household_id)
    finally:
        ledger.close()
    if not rows:
        raise NotFound(f"台账中没有户编号为“{household_id}”的户。")
    if fmt == "json":
        click.echo(json_bytes(rows).decode(), nl=False)
        return
    from decimal import Decimal

    from rich.table import Table

    from dibao_cli import money
    from dibao_cli.status import LABEL as STATUS_LABEL

    table = Table(title=literal(f"户 {household_id} 的台账记录"), title_justify="left")
    for name in ("月份", "户编号", "户主", "结果", "人数", "保障", "月人均收入", "月保障金", "渐退期", "变化"):
        table.add_column(name, overflow="fold")
    for r in rows:
        total = "" if r["total_fen"] is None else money.fen_text(r["total_fen"], False)
        phase = f"{r['phase_out_start']}～{r['phase_out_end']}" if r["phase_out_start"] else ""
        status = STATUS_LABEL.get(r["status"], r["status"]) + ("（本月未核算，沿用上月）" if not r.get("assessed", 1) else "")
        table.add_row(*literal_cells((r["month"], r["household_id"], r["head_name"], status)),
                      str(r["members"]), str(r["covered"]), money.plain(Decimal(r["per_capita"])), total, phase,
                      literal("；".join(r["events"])))
    console().print(table)


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument(required=False)
@month_option("按台账中这个月的数据（默认最近导入的月份）。")
@date_option("到期判断的日期，默认今天。", "--as-of", "as_of")
@within_option("列出今后多少天内到期的（默认 30 天，最多 3660 天），已过期的总会列出。", 30, maximum=True)
@input_options
@policy_options
@db_option
@output_options(REVIEW_FORMATS)
@click.option("--all", "show_all", is_flag=True, help="屏幕表格显示全部事项（默认超过 300 项时只显示前 100 项和按乡镇汇总）。")
def review(rosters, month, as_of, within, sheet, all_sheets, encoding, policies, region, db, fmt, output, force,
           show_all):
    """列出到期要做的核查：渐退期满复核、渐退期满仍在发放、定期核查（稳定户每年、收入不稳定户每半年）、单人户复核、从未核查的户、特困供养年度核查、刚性支出困难家庭有效期满复核。

    不给名册时按台账；给了名册时按名册自己的渐退开始日期、上次核查日期等列（不用台账）。
    退出状态：0 没有到期事项；1 有到期事项；6 台账中没有 --month 指定的月份。

    例：dibao review --within 30
        dibao review --month 2026-12 --format xlsx -o 核查清单.xlsx
        dibao review 名册.xlsx --as-of 2026-12-31
    """
    from dibao_cli.checks.review import due_items
    from dibao_cli.reports import review as review_report

    as_of = as_of or _dt.date.today()
    fmt = resolve_format(fmt, output, REVIEW_FORMATS)
    policy = resolve(region, policies, as_of)
    left_out: list[str] = []
    if rosters:
        from dibao_cli.assess.household import assess_roster
        from dibao_cli.checks.review import cases_from_assessment

        roster = load_roster(rosters, sheet, all_sheets, encoding, as_of)
        with progress_bar("核算", total=len(roster.households), unit="户") as advance:
            assessment = assess_roster(roster, policy, as_of, progress=advance)
            cases = cases_from_assessment(assessment)
        left_out = [h.household_id for h, _ in assessment.left_out]
        source = "名册：" + "、".join(str(r) for r in rosters)
    else:
        from dibao_cli.checks.review import cases_from_ledger_rows
        from dibao_cli.ledger.monthly import parse_month

        month = parse_month(month) if month else None
        ledger = open_ledger(db, create=False)
        try:
            if month is None:
                month = ledger.latest_month()
                if month is None:
                    raise click.UsageError(f"台账 {ledger.path} 中还没有任何月份；请先用 dibao import 导入，或给出名册文件。")
            cases = cases_from_ledger_rows(ledger.review_rows(month))
            source = f"台账 {ledger.path}，{month} 月"
        finally:
            ledger.close()
    items = due_items(cases, as_of, within, policy)
    emit(fmt, output, force, table=lambda: review_report.print_table(console(), items, source, as_of, within,
                                                                        show_all),
         sheets=lambda: review_report.xlsx_sheets(items, as_of, within),
         json=lambda: review_report.as_json(items, source, as_of, within), csv=lambda: review_report.as_csv(items))
    if fmt == "xlsx":
        say(f"已写入 {output}：{len(items)} 项到期核查。")
    if left_out:  # never a silent gap: these households could not be checked for a due review
        console(stderr=True).print(f"[red]{len(left_out)} 户因名册错误未核算，没有列出其到期核查[/]："
                                   f"{literal('、'.join(left_out[:30]))}" + ("……" if len(left_out) > 30 else "")
                                   + "。用 dibao check 查看并修改。")
    if items or left_out:
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


@click.command("log", cls=DibaoCommand, context_settings=CONTEXT)
@db_option
@limit_option("显示最近多少条（默认 50）。", 50)
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", help="输出格式：table、json。")
def log_(db, limit, fmt):
    """显示台账的操作记录：时间、操作人、命令、输入文件指纹、政策指纹、dibao 版本。

    例：dibao log --limit 20
    """
    from rich.table import Table

    ledger = open_ledger(db, create=False)
    try:
        rows = ledger.log(limit)
    finally:
        ledger.close()
    import json

    if fmt == "json":
        keys = ("at", "os_user", "command", "inputs", "policy_hash", "dibao_version")
        click.echo(json.dumps([dict(zip(keys, r)) | {"inputs": json.loads(r[3])} for r in rows], ensure_ascii=False,
                              indent=2))
        return
    table = Table(title="操作记录", title_justify="left")
    for name in ("时间", "操作人", "命令", "输入文件（SHA-256 前12位）", "政策指纹", "版本"):
        table.add_column(name, overflow="fold")
    for at, user, command, inputs, policy_hash, version in rows:
        files = "；".join(f"{k} {v[:12]}" for k, v in json.loads(inputs).items())
        table.add_row(*literal_cells((at, user, command, files, (policy_hash or "")[:12], version)))
    console().print(table)
