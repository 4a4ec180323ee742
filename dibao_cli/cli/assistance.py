"""`dibao assistance import|decide|pay|list`: the 临时救助 register kept in the ledger."""

from __future__ import annotations

from pathlib import Path

import click

from dibao_cli.cli.common import (
    CONTEXT,
    DibaoSubGroup,
    date_option,
    emit,
    encoding_option,
    force_option,
    issuer_options,
    output_file_option,
    output_options,
    policy_options,
    resolve,
    resolve_format,
    rosters_argument,
)
from dibao_cli.cli.console import console, literal, literal_cells, say
from dibao_cli.cli.ledger import command_line, db_option, open_ledger
from dibao_cli.cli.params import AMOUNT
from dibao_cli.errors import ExitStatus

FORMATS = ("table", "json", "csv", "xlsx")
HEADER = ("编号", "户编号", "乡镇", "村(社区)", "救助对象", "人数", "类型", "困难程度", "原因", "申请日期", "申请金额",
          "状态", "审批日期", "审批金额", "审批层级", "发放日期", "说明", "提示")


def _yuan(fen) -> str:
    from dibao_cli.money import fen_text

    return "" if fen is None else fen_text(fen, False)


@click.group("assistance", cls=DibaoSubGroup, context_settings=CONTEXT)
def assistance_group():
    """临时救助：登记申请（导入申请表）、审批、发放，查询和统计。

    例：dibao assistance import 恰卜恰镇-临时救助申请.xlsx
        dibao assistance decide 3 --approve --date 2026-11-20
        dibao assistance decide 4 --refuse --date 2026-11-20 --reason 家庭收入超过规定
        dibao assistance pay 3 --date 2026-11-25
        dibao assistance list --from 2026-11-01 --to 2026-11-30
    """


@assistance_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="申请表...")
@encoding_option()
@policy_options
@db_option
@output_options(FORMATS)
def import_(files, encoding, policies, region, db, fmt, output, force):
    """导入临时救助申请表（每行一件申请；已填审批结果、发放日期的同时登记）。

    有问题的行不导入，并逐条列出文件、工作表、行、列和改法；已导入过的行自动跳过（新填的审批结果、发放日期会补登），
    改好后把整张表重新导入即可。审批金额按政策文件的临时救助规则核对。
    退出状态：0 全部导入；1 有行因问题未导入；3 文件无法读取。
    """
    from dibao_cli.assistance.sheet import import_sheets
    from dibao_cli.policy.config import choose_policy
    from dibao_cli.problems import FIELDS_ZH, as_row_zh
    from dibao_cli.reports.files import SheetSpec, csv_bytes, json_bytes

    fmt = resolve_format(fmt, output, FORMATS)
    if output is not None:
        from dibao_cli.reports.files import refuse_existing

        refuse_existing(output, force)  # before the import: a refused output must not leave the rows recorded
    policy = choose_policy(region, policies)
    ledger = open_ledger(db)
    try:
        result = import_sheets(ledger, list(files), policy, encoding)
        if result.applications or result.decisions or result.payments:
            from dibao_cli.ledger.monthly import file_hash

            ledger.audit(command_line(), {str(p): file_hash(Path(p)) for p in files}, policy.digest)
    finally:
        ledger.close()
    counts = {"applications": result.applications, "decisions": result.decisions, "payments": result.payments,
              "skipped": result.skipped, "errors": result.errors()}
    line = (f"导入：新申请 {result.applications} 件，审批 {result.decisions} 件，发放 {result.payments} 件；"
            f"已有而跳过 {result.skipped} 行；"
            + (f"有问题 {result.errors()} 行（其中 {result.registered_only} 行已登记申请、待改正后重新导入补登）。"
               if result.registered_only else f"有问题未导入 {result.errors()} 行。"))

    def table():
        from rich.table import Table

        if result.problems:
            t = Table(title="问题清单", title_justify="left")
            for name in FIELDS_ZH[:-1]:
                t.add_column(name, overflow="fold")
            for p in result.problems:
                t.add_row(*literal_cells(as_row_zh(p)[:-1]))
            console().print(t)
        say(line)

    emit(fmt, output, force, table=table,
         sheets=lambda: [SheetSpec("问题", FIELDS_ZH, [as_row_zh(p) for p in result.problems], widths={0: 28, 6: 50, 7: 50})],
         json=lambda: json_bytes({"counts": counts, "warnings": result.warnings,
                                  "problems": [p.as_dict() for p in result.problems]}),
         csv=lambda: csv_bytes(FIELDS_ZH, [as_row_zh(p) for p in result.problems]))
    if fmt != "table":
        say(line, stderr=True)
    for warning in result.warnings:
        console(stderr=True).print(f"[yellow]提示[/]：{literal(warning)}")
    if result.errors():
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


@assistance_group.command("decide")
@click.argument("case_id", type=int, metavar="申请编号")
@click.option("--approve/--refuse", "approve", required=True, help="批准，或不予批准（须写 --reason）。")
@date_option("审批日期。", dest="on", required=True)
@click.option("--amount", type=AMOUNT, metavar="元", help="审批金额；不写则按申请金额，超过规则上限的按上限。")
@click.option("--level", metavar="层级", help="审批层级：乡镇先行救助 或 县级审批（不写按金额确定）。")
@click.option("--reason", default="", metavar="理由", help="不予批准的理由，或批准的说明。")
@policy_options
@db_option
def decide(case_id, approve, on, amount, level, reason, policies, region, db):
    """审批一件临时救助申请：按政策文件的规则核定金额和审批层级，并提示当年累计和同一原因重复救助。

    退出状态：0 已登记；2 金额、层级或理由不符合规定（说明里给出规则和数字）；6 没有这件申请。
    """
    from dibao_cli.assistance import register as reg

    policy = resolve(region, policies, on)
    ledger = open_ledger(db, create=False)
    try:
        decision = reg.decide(ledger, case_id, approve=approve, on=on, policy=policy, amount=amount, level=level,
                              reason=reason)
        ledger.audit(command_line(), {}, policy.policy.digest)
    finally:
        ledger.close()
    case = decision.case
    who = f"{case['household_id']} {case['person'] or '全户'}"
    if not decision.approved:
        say(f"已登记：临时救助申请 {case_id}（{who}）不予批准，{on.isoformat()}。"
            "请出具临时救助不予批准告知书。")
        return
    for text in decision.amount.lines():
        say(f"  {text}")
    say(f"已登记：临时救助申请 {case_id}（{who}）批准 {_yuan(case['amount_fen'])} 元，{case['level']}，"
        f"{on.isoformat()}。" + ("乡镇先行救助的，事后报县级民政部门备案。" if case["level"] == "乡镇先行救助" else ""))
    for warning in decision.warnings:
        console(stderr=True).print(f"[yellow]提示[/]：{literal(warning)}")


@assistance_group.command("pay")
@click.argument("case_id", type=int, metavar="申请编号")
@date_option("发放日期。", dest="on", required=True)
@db_option
def pay(case_id, on, db):
    """登记已批准的临时救助的发放日期。退出状态：0 已登记；2 未批准或日期有误；6 没有这件申请。"""
    from dibao_cli.assistance import register as reg

    ledger = open_ledger(db, create=False)
    try:
        case = reg.pay(ledger, case_id, on)
        ledger.audit(command_line(), {}, None)
    finally:
        ledger.close()
    say(f"已登记：临时救助申请 {case_id}（{case['household_id']}）{_yuan(case['amount_fen'])} 元于 {on.isoformat()} 发放。")


@assistance_group.command("list")
@date_option("从这一天起（按审批日期，未审批的按申请日期）。", "--from", "start")
@date_option("到这一天止。", "--to", "end")
@click.option("--status", type=click.Choice(("open", "approved", "refused")), help="只列这一状态：open 待审批、approved 已批准、refused 不予批准。")
@db_option
@output_options(FORMATS)
def list_(start, end, status, db, fmt, output, force):
    """列出临时救助申请和审批结果，并按救助类型统计已批准的件数、人数和金额（每件只计一次）。"""
    from dibao_cli.assistance import register as reg
    from dibao_cli.ledger import assistance as store
    from dibao_cli.reports.files import SheetSpec, csv_bytes, json_bytes

    fmt = resolve_format(fmt, output, FORMATS)
    ledger = open_ledger(db, create=False)
    try:
        rows = store.cases(ledger, start.isoformat() if start else None, end.isoformat() if end else None, status)
        import datetime as _dt

        stats = reg.summary(ledger, start or _dt.date.min, end or _dt.date.max)
    finally:
        ledger.close()

    def row(c):
        return [c["id"], c["household_id"], c["township"], c["village"], c["person"] or "全户", c["persons"], c["kind"],
                c["severity"], c["cause"], c["applied_on"], _yuan(c["requested_fen"]), reg.STATUS_LABEL[c["status"]],
                c["decided_on"] or "", _yuan(c["amount_fen"]), c["level"] or "", c["paid_on"] or "", c["reason"],
                c["warnings"]]

    def stats_json():
        return {kind: {"cases": v["cases"], "persons": v["persons"], "amount": _yuan(v["amount_fen"])}
                for kind, v in (*stats["by_kind"].items(), ("合计", stats["total"]))}

    def table():
        from rich.table import Table

        t = Table(title="临时救助（全部列见 --format xlsx）", title_justify="left")
        shown = (0, 1, 4, 5, 6, 8, 9, 11, 13, 14, 15)
        for index in shown:
            t.add_column(HEADER[index], overflow="fold", no_wrap=index in (0, 1, 9, 13, 15))
        for c in rows:
            values = row(c)
            t.add_row(*literal_cells(values[i] for i in shown))
        console().print(t)
        s = Table(title="已批准（按审批日期）", title_justify="left")
        for name in ("救助类型", "件数", "人数", "金额(元)"):
            s.add_column(name, justify="left" if name == "救助类型" else "right")
        for kind, v in stats_json().items():
            s.add_row(literal(kind), str(v["cases"]), str(v["persons"]), v["amount"])
        console().print(s)

    keys = ("id", "household_id", "township", "village", "person", "persons", "kind", "severity", "cause", "applied_on",
            "requested", "status", "decided_on", "amount", "level", "paid_on", "reason", "warnings")
    emit(fmt, output, force, table=table,
         sheets=lambda: [SheetSpec("临时救助", HEADER, [row(c) for c in rows], widths={8: 16, 16: 30, 17: 40}),
                         SheetSpec("统计", ("救助类型", "件数", "人数", "金额(元)"),
                                   [[k, v["cases"], v["persons"], v["amount"]] for k, v in stats_json().items()])],
         json=lambda: json_bytes({"cases": [dict(zip(keys, [c["id"], c["household_id"], c["township"], c["village"],
                                                           c["person"], c["persons"], c["kind"], c["severity"], c["cause"],
                                                           c["applied_on"], _yuan(c["requested_fen"]) or None, c["status"],
                                                           c["decided_on"], _yuan(c["amount_fen"]) or None, c["level"],
                                                           c["paid_on"], c["reason"], c["warnings"]])) for c in rows],
                                  "totals": stats_json()}),
         csv=lambda: csv_bytes(HEADER, [row(c) for c in rows]))


@assistance_group.command("notice")
@rosters_argument(required=False, metavar="[名册...]")
@click.option("--case", "cases", multiple=True, type=int, metavar="申请编号", help="临时救助申请编号（可写多次）：出具审批通知书或不予批准告知书。")
@click.option("--household", "households", multiple=True, metavar="户编号", help="给了名册时只出具这些户的（可写多次）。")
@output_file_option("写入这个 HTML 文件（每份通知一页，可直接打印）。")
@force_option()
@date_option("发文日期和核算日期，默认今天。")
@click.option("--sheet", metavar="工作表", help="名册只读这个工作表。")
@policy_options
@issuer_options
@db_option
def notice(rosters, cases, households, output, force, on_date, sheet, policies, region, templates, bureau, doc_prefix,
           review_body, phone, db):
    """出具特困供养审批/终止通知书、刚性支出困难家庭认定通知书（给名册），临时救助审批通知书/不予批准告知书（--case）。

    文号从台账按前缀连续编号（默认“××民救〔年份〕”）。
    退出状态：0 已写出；2 没有可出具的通知；6 没有这件申请或这一户。
    例：dibao assistance notice 名册.xlsx --region 632521 -o 特困通知.html
        dibao assistance notice --case 3 --case 4 --region 632521 -o 临时救助通知.html
    """
    import datetime as _dt

    from dibao_cli.assistance import issuing
    from dibao_cli.documents.issue import default_issuer
    from dibao_cli.documents.templating import render
    from dibao_cli.reports.files import refuse_existing, write_output

    if not rosters and not cases:
        raise click.UsageError("请给出名册文件（特困、刚性支出通知），或用 --case 指定临时救助申请。")
    refuse_existing(output, force)  # before any 文号 is allocated: a refused output must not leave a gap
    day = on_date or _dt.date.today()
    policy = resolve(region, policies, day)
    issuer = default_issuer(policy.policy.region, day, bureau, review_body, doc_prefix, phone)
    if doc_prefix is None:
        issuer.prefix = issuer.prefix.replace("民低", "民救")
    found = []
    if rosters:
        from dibao_cli.assess.household import assess_roster
        from dibao_cli.cli.check import load_roster

        assessment = assess_roster(load_roster(rosters, sheet, False, None, day), policy, day,
                                   only=set(households) if households else None)
        found = issuing.from_assessment(assessment, households, issuer, policy)
    ledger = open_ledger(db)
    try:
        found += issuing.from_cases(ledger, cases, issuer, policy)
        issuing.number(ledger, found, issuer.prefix)
        ledger.audit(command_line(), {}, policy.policy.digest)
    finally:
        ledger.close()
    write_output(output, render("notice-tiered.html.j2", templates, autoescape=True, notices=found).encode("utf-8"), force)
    say(f"已写入 {output}：{len(found)} 份通知（" + "、".join(sorted({n['title'] for n in found})) + "）。")


@assistance_group.command("publicity")
@rosters_argument(metavar="名册...")
@date_option("公示开始日期（公示期 7 天）。", "--from", "start", required=True)
@output_file_option("写入这个 HTML 文件（每村一页）。")
@force_option()
@date_option("核算日期，默认今天。")
@click.option("--sheet", metavar="工作表", help="名册只读这个工作表。")
@policy_options
@issuer_options
def publicity(rosters, start, output, force, on_date, sheet, policies, region, templates, bureau, doc_prefix, review_body,
              phone):
    """特困人员救助供养公示名单：本次新认定的特困人员，每村一页，只有姓名和类别（不公示金额：照料护理标准会透露自理能力）。

    退出状态：0 已写出；2 没有新认定的特困人员。
    例：dibao assistance publicity 名册-11月.xlsx --from 2026-12-01 --region 632521 -o 特困公示.html
    """
    import datetime as _dt

    from dibao_cli.assess.household import assess_roster
    from dibao_cli.assistance.issuing import newly_supported
    from dibao_cli.cli.check import load_roster
    from dibao_cli.documents.issue import default_issuer
    from dibao_cli.documents.notices import cn_date
    from dibao_cli.documents.templating import render
    from dibao_cli.reports.files import write_output

    day = on_date or _dt.date.today()
    policy = resolve(region, policies, day)
    issuer = default_issuer(policy.policy.region, day, bureau, review_body, doc_prefix, phone)
    assessment = assess_roster(load_roster(rosters, sheet, False, None, day), policy, day)
    villages = newly_supported(assessment)
    if not villages:
        raise click.UsageError("名册中没有新认定的特困人员，不需要公示。")
    last = start + _dt.timedelta(days=6)
    html = render("publicity-tekun.html.j2", templates, autoescape=True, records=sum(map(len, villages.values())),
                  first=cn_date(start), last=cn_date(last),
                  bureau=issuer.bureau, phone=issuer.phone, issued_on=cn_date(day),
                  villages=[{"township": t, "village": v, "names": sorted(names)} for (t, v), names in sorted(villages.items())])
    write_output(output, html.encode("utf-8"), force)
    say(f"已写入 {output}：{len(villages)} 个村（社区），{sum(len(n) for n in villages.values())} 人。")
