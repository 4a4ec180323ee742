"""`dibao notice`: notices from a roster or from a month in the ledger."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from dibao_cli.cli.check import load_roster
from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    date_option,
    db_option,
    force_option,
    input_options,
    issuer_options,
    month_option,
    policy_options,
    resolve,
    rosters_argument,
)
from dibao_cli.cli.console import console, literal, progress_bar, say
from dibao_cli.cli.ledger import command_line, open_ledger
from dibao_cli.documents.selection import GROUNDS
from dibao_cli.errors import ExitStatus

NOTICE_KINDS = ("auto", "approval", "refusal", "marginal", "phase-out", "termination", "change")


def _results_from_roster(rosters, sheet, all_sheets, encoding, policies, region, day):
    from dibao_cli.assess.household import assess_roster

    policy = resolve(region, policies, day)
    roster = load_roster(rosters, sheet, all_sheets, encoding, day)
    with progress_bar("核算", total=len(roster.households), unit="户") as advance:
        assessment = assess_roster(roster, policy, day, progress=advance)
    return policy, assessment


def warn_left_out(assessment) -> None:
    """Households whose rows have errors are not in a document: say so, and exit 1 at the end."""
    if assessment.left_out:
        ids = [h.household_id for h, _ in assessment.left_out]
        console().print(f"[red]{len(ids)} 户因名册错误未核算，没有包含在内[/]：{literal('、'.join(ids[:30]))}"
                        + ("……" if len(ids) > 30 else "") + "。用 dibao check 查看并修改。")
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument(required=False)
@month_option("不给名册时：按台账中这个月的结果出通知书。")
@click.option("--kind", type=click.Choice(NOTICE_KINDS), default="auto",
              help="通知书种类：auto（按结果自动：新纳入→审批，不符合→不予批准，低保边缘→低保边缘认定，本月进入渐退→渐退，"
                   "渐退期满或不再符合→停保，金额变化→变更）、approval、refusal、marginal、phase-out、termination、change。")
@click.option("--household", "households", multiple=True, metavar="户编号", help="只给这些户出通知书（可多次给）。")
@click.option("-o", "--output", "folder", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="通知书写入的文件夹。")
@click.option("--format", "fmt", type=click.Choice(("html", "docx")), default="html",
              help="html（浏览器打印，A4 每户一页）或 docx（Word/WPS 可编辑）；都另有一个合并打印文件。")
@input_options
@policy_options
@issuer_options
@date_option("核算及发文日期，默认今天。")
@date_option("新纳入户公示（7天）的开始日期；默认取台账中这一户申请登记的公示，再默认同 --date。"
             "审批通知书的落款日期不早于公示期满的次日。", "--publicity-from", "publicity_from")
@click.option("--ground", type=click.Choice(tuple(GROUNDS)), metavar="原因",
              help="按台账出具时，给本月名册中已没有的户出停保通知书并写明原因：死亡、迁出（配合 --household）。")
@db_option
@force_option("文件夹中已有同名文件时覆盖。")
@click.option("--new-number", is_flag=True,
              help="重新编文号：同一决定再次出具时（换格式、重出）默认沿用原文号，加此项则给新文号。")
def notice(rosters, month, kind, households, folder, fmt, sheet, all_sheets, encoding, policies, region, templates,
           bureau, doc_prefix, review_body, phone, on_date, publicity_from, ground, db, force, new_number):
    """出具通知书：审批（确认）、不予批准、低保边缘家庭认定、渐退、停保（终止）、变更（增减发）。

    每份写明发文单位、文号（台账中连续编号，不会重复；同一决定再出沿用原文号，加 --new-number 给新文号）、主送户主、
    人数、月人均收入、标准、金额及起始月份、理由和依据（只引公开文件）；不利决定写明行政复议（60日内）和行政诉讼
    （6个月内）的途径；落款留盖章位置，下方是可剪下的送达回执。审批通知书的落款日期在公示期满之后。
    文件夹中另有合并打印文件（全部通知书.html 或 .docx），包含文件夹中的全部通知书。

    例：dibao notice 名册.xlsx --region 632521 -o 通知书
        dibao notice 名册.xlsx --kind refusal --household GH002 -o 通知书 --format docx
        dibao notice --month 2026-12 --region 632521 -o 12月通知书
    """
    from dibao_cli.documents import selection
    from dibao_cli.documents.issue import Plan, default_issuer
    from dibao_cli.documents.notices import cn_date
    from dibao_cli.documents.numbering import number_and_write
    from dibao_cli.documents.templating import Templates

    day = on_date or _dt.date.today()
    if bool(rosters) == bool(month):
        raise click.UsageError("请给出名册文件，或用 --month 按台账出通知书（二者选一）。")
    if ground and (rosters or not households):
        raise click.UsageError("--ground 只用于按台账出具（--month），并用 --household 指定本月名册中已没有的户。")
    only = set(households) if households else None
    ledger = open_ledger(db, create=not month, write=True, check_tables=("doc_numbers", "audit"))
    try:
        if rosters:
            policy, assessment = _results_from_roster(rosters, sheet, all_sheets, encoding, policies, region, day)
        else:
            from dibao_cli.ledger.monthly import parse_month

            month = parse_month(month)
            ledger.require_month(month)
            policy = resolve(region, policies, day)
        issuer = default_issuer(policy.policy.region, day, bureau, review_body, doc_prefix, phone)
        issuer.publicity_from = publicity_from
        issuer.publicity_days = getattr(policy, "publicity_days", None) or issuer.publicity_days

        def issuer_for(household_id, wanted):
            return _issuer_for(ledger, issuer, household_id, wanted, publicity_from)

        if rosters:
            chosen = selection.from_assessment(ledger, assessment, policy, day, kind, only,
                                               "名册 " + "、".join(map(str, rosters)) + " ", issuer_for)
            inputs = {str(p): "" for p in rosters}
        else:
            chosen = selection.from_ledger(ledger, month, policy, issuer, kind, only, ground, issuer_for)
            inputs = {f"台账 {ledger.path}": month}
        notices, skipped, gone = chosen.notices, chosen.skipped, chosen.gone
        # everything that can refuse the run is checked before a number is given
        plan = Plan(notices, folder, fmt, force)
        run_templates = Templates(templates)
        with progress_bar(f"写入通知书 {len(plan.notices)} 份", total=len(plan.notices), unit="份") as advance:
            written = number_and_write(ledger, plan, issuer.prefix, new_number, run_templates, command_line(), inputs,
                                       policy.policy.digest, progress=advance)
    finally:
        ledger.close()
    out = console()
    for message in policy.policy.notes:
        out.print(f"[yellow]注意[/]：{literal(message)}")
    for message in skipped:
        out.print(f"[yellow]跳过[/]：{literal(message)}")
    for (issued, period, start), count in selection.approval_dates(notices).items():
        note = f"审批通知书 {count} 份落款日期为 {issued}：在公示期（{period}）满后；保障金自 {start} 起发放。"
        if issued != cn_date(day):
            note += (f"发文日期 {cn_date(day)} 早于公示期满，这些审批通知书未用这个日期。如公示已在此前完成，"
                     "请用 --publicity-from 给出公示开始日期（台账中登记过公示的申请，按登记的日期）。")
        out.print(f"[yellow]注意[/]：{literal(note)}")
    if not rosters and gone:
        from dibao_cli.documents.notices import disappeared_csv
        from dibao_cli.reports.files import atomic_write

        listed = Path(folder) / f"待核实-{month}名册中没有的户.csv"
        atomic_write(listed, disappeared_csv(gone), True)
        out.print(f"[yellow]{len(gone)} 户上月在册、本月名册中没有[/]（{literal('、'.join(r['household_id'] for r in gone[:30]))}"
                  f"{'……' if len(gone) > 30 else ''}）：原因不明，未出具通知书，已列入 {literal(listed.name)}。"
                  "请逐户核实：死亡或迁出的，用 --ground 死亡（或迁出）--household 户编号 出具停保通知书；漏报的补进名册后重新导入。")
    if not plan.notices:
        say("没有需要出具的通知书。")
        if rosters:
            warn_left_out(assessment)
        return
    total = len(plan.kept) + len(plan.notices)
    say(f"已写入 {folder}：" + "，".join(f"{k} {v} 份" for k, v in selection.counts_by_title(plan.notices).items())
        + f"，共 {written} 个文件；合并打印文件 {plan.combined.name}（{total} 份）")
    if rosters:
        warn_left_out(assessment)


def _issuer_for(ledger, issuer, household_id: str, kind: str, publicity_from):
    """The issuer for one notice: an approval follows the publicity recorded for the household's application
    in the ledger (dibao apply / step), unless --publicity-from says otherwise."""
    if kind != "approval" or publicity_from is not None:
        return issuer
    import dataclasses

    from dibao_cli.ledger.queries import publicity_days

    recorded = publicity_days(ledger, household_id)
    if not recorded:
        return issuer
    return dataclasses.replace(issuer, publicity_from=_dt.date.fromisoformat(max(recorded)))
