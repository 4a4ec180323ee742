"""`dibao apply`, `dibao step`, `dibao record`, `dibao cases`: applications and their steps."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from dibao_cli.cli.casework import (
    FORMATS,
    next_line,
    parse_people_option,
    policy_and_calendar,
    time_left,
    warn_calendar,
)
from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    date_option,
    db_option,
    emit,
    encoding_option,
    force_option,
    issuer_options,
    output_options,
    policy_options,
    resolve,
    resolve_format,
)
from dibao_cli.cli.console import console, literal_cells, say
from dibao_cli.cli.ledger import command_line, open_ledger
from dibao_cli.errors import ExitStatus


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("household_id", metavar="户编号")
@click.option("--applicant", required=True, metavar="姓名", help="申请人姓名。")
@click.option("--id", "applicant_id", metavar="身份证号", help="申请人身份证号。")
@date_option("受理日期。", "--accepted", required=True, bounded=False)
@click.option("--programme", "programmes", default="低保", show_default=True, metavar="类别",
              help="申请类别：低保、特困、边缘、刚性支出，可写多个用逗号分开（一次申请、分类审核认定）。")
@click.option("--relative", metavar="类别", help="申请家庭成员是低保经办人员或村干部的近亲属时填：经办人员 或 村干部（单独登记）。")
@click.option("--township", metavar="乡镇", default="", help="乡镇（街道）。")
@click.option("--village", metavar="村", default="", help="村（社区）。")
@policy_options
@date_option("按这一天显示剩余期限，默认今天。", bounded=False)
@db_option
def apply(household_id, applicant, applicant_id, accepted, programmes, relative, township, village, policies, region,
          on_date, db):
    """登记一件申请（受理），并给出启动调查的期限。

    之后的办理步骤用 dibao step 登记，或把乡镇的办理记录表用 dibao record 导入。
    退出状态：0 已登记（同一户同一天的申请已登记过时也为 0，不重复登记）。

    例：dibao apply GH101 --applicant 张三 --accepted 2026-09-29 --programme 低保,特困
        dibao apply GH102 --applicant 李四 --accepted 2026-10-08 --relative 村干部
    """
    from dibao_cli.casework import applications as apps
    from dibao_cli.idcard import IdError, parse_id

    policy, calendar = policy_and_calendar(region, policies)
    for day in (accepted, on_date):
        if day is not None:
            calendar.check(day)
    if applicant_id:
        try:
            applicant_id = parse_id(applicant_id).number
        except IdError as exc:
            raise click.UsageError(f"--id 身份证号有误：{exc.message}。{exc.fix}。") from None
    programme_text = apps.parse_programmes(programmes)
    relative_kind = apps.parse_relative(relative)
    ledger = open_ledger(db)
    try:
        app_id, created = apps.register(ledger, household_id=household_id, applicant=applicant,
                                        applicant_id=applicant_id or "", township=township, village=village,
                                        programmes=programme_text, accepted_on=accepted, close_relative=relative_kind,
                                        source="dibao apply")
        state = apps.state_of(ledger, app_id, policy, calendar, on_date or _dt.date.today())
        if created:
            ledger.audit(command_line(), {}, policy.digest)
    finally:
        ledger.close()
    word = "已登记" if created else "已登记过（未重复登记）"
    say(f"{word}申请 {app_id}：{household_id} {applicant}，{programme_text.replace(',', '、')}，"
        f"受理日期 {accepted.isoformat()}。")
    if relative_kind:
        say(f"{relative_kind}：单独登记，县级民政部门须入户核查。")
    say(next_line(state) + f"；办结总期限 {state.overall_due.isoformat()}。")
    warn_calendar(calendar)


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("application_id", type=int, metavar="申请编号")
@click.argument("step", metavar="事项")
@date_option("这件事发生的日期。", dest="on", required=True, bounded=False)
@click.option("--by", "people", metavar="姓名", help="经办人或调查人，多人用逗号分开（入户调查至少两人）。")
@click.option("--result", default="", metavar="结果", help="县级审批的结果：批准 或 不予批准。")
@click.option("--note", default="", metavar="说明", help="说明：异议内容、延期理由等。")
@click.option("--notice", "notice_folder", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="县级审批时：把审批通知书或不予批准告知书写入这个文件夹（不予批准的同时登记“书面告知”）。")
@click.option("--format", "fmt", type=click.Choice(("html", "docx")), default="html", show_default=True,
              help="通知书格式：html 或 docx。")
@click.option("--roster", "rosters", multiple=True, type=click.Path(path_type=Path), metavar="名册",
              help="出通知书时用这份名册中这一户的家庭情况（默认用台账最近一个月的核算结果）。")
@click.option("--reason", "reasons", multiple=True, metavar="理由",
              help="不予批准的理由（县级核查、公示异议查实的情况等），写入告知书，可多次给。")
@force_option("通知书文件夹中已有同名文件时覆盖。")
@policy_options
@issuer_options
@date_option("按这一天显示剩余期限，默认今天。", "--today", "on_date", bounded=False)
@db_option
def step(application_id, step, on, people, result, note, notice_folder, fmt, rosters, reasons, force, policies, region,
         templates, bureau, doc_prefix, review_body, phone, on_date, db):
    """登记申请的一个办理步骤，并给出下一步和期限。

    事项：启动调查、入户调查、信息核对、乡镇审核意见、公示、公示异议、重新调查、县级入户核查、
    县级审批（--result 批准/不予批准）、书面告知、延期（--note 写明理由）、撤回申请。
    退出状态：0 已登记；2 事项或内容不合要求；6 没有这件申请。

    例：dibao step 1 启动调查 --date 2026-10-09
        dibao step 1 入户调查 --date 2026-10-10 --by 王芳,李强
        dibao step 1 县级审批 --date 2026-10-22 --result 批准
        dibao step 2 县级审批 --date 2026-10-22 --result 不予批准 --reason 公示期间群众反映家中有经营性车辆，经核实属实 \
            --notice 告知书 --region 632521
    """
    from dibao_cli.casework import applications as apps
    from dibao_cli.casework import decision_papers

    policy, calendar = policy_and_calendar(region, policies)
    for day in (on, on_date):
        if day is not None:
            calendar.check(day)
    key = apps.step_key(step)
    if (notice_folder is not None or rosters or reasons) and key != "decision":
        raise click.UsageError("--notice、--roster、--reason 只用于“县级审批”：出具审批通知书或不予批准告知书。")
    if (rosters or reasons) and notice_folder is None:
        raise click.UsageError("--roster、--reason 用于出具通知书：请同时用 --notice 给出通知书写入的文件夹。")
    code = apps.DECISIONS.get(result.strip()) if key == "decision" else None
    if reasons and code != "refused":
        raise click.UsageError("--reason 只用于不予批准（--result 不予批准）。")
    written, refusal_recorded = [], False
    ledger = open_ledger(db, create=False)
    try:
        app = apps.get_application(ledger, application_id)
        paper = None
        if notice_folder is not None and code is not None:
            decision_papers.refuse_repeat(ledger, application_id, code, on)
            paper = _decision_paper(ledger, app, code, on, rosters, reasons, region, policies, bureau, review_body,
                                    doc_prefix, phone)  # checked before anything is recorded
        created = apps.record_step(ledger, app, key, on, people=parse_people_option(people), result=result, note=note,
                                   source="dibao step")
        if paper is not None:
            decision_papers.require_decision(ledger, application_id, created, on, code, result)
            written, refusal_recorded = decision_papers.issue(ledger, app, paper, on, notice_folder, fmt, force,
                                                              templates)
        state = apps.state_of(ledger, application_id, policy, calendar, on_date or _dt.date.today())
        if created or written:
            ledger.audit(command_line(), {str(p): "" for p in rosters}, policy.digest)
    finally:
        ledger.close()
    word = "已登记" if created else "已登记过（未重复登记）"
    say(f"{word}：申请 {application_id} {apps.STEPS[key]} {on.isoformat()}。")
    if written:
        notice = paper[0]
        say(f"已写入 {written[0]}：{notice['title']}（{notice['doc_number']}，落款日期 {notice['issued_on']}）。")
        if refusal_recorded:
            say(f"已登记：申请 {application_id} {apps.STEPS['refusal_notice']} {on.isoformat()}"
                "（告知书打印、盖章后送达申请人，送达回执交回存档）。")
    say(next_line(state))
    if key == "decision" and state.status == "approved":
        say("请在下月名册中把这一户的当前保障类别改为批准的类别，导入台账后按月核算发放。"
            + ("" if written else "审批通知书可用 --notice 文件夹 出具（或导入后用 dibao notice）。"))
    if key == "decision" and code == "refused" and not written:
        say("请出具不予批准告知书：重新运行这条命令并加 --notice 文件夹（可用 --reason 写明理由），"
            "会同时登记“书面告知”。")
    warn_calendar(calendar)


def _decision_paper(ledger, app, code, on, rosters, reasons, region, policies, bureau, review_body, doc_prefix, phone):
    """The decision's paper before it is numbered: the policy on the decision day, the issuer (with the publicity
    recorded for the application), and the household as the roster given describes it."""
    from dibao_cli.casework.decision_papers import prepare
    from dibao_cli.casework.decisions import KIND
    from dibao_cli.cli.documents import _issuer_for
    from dibao_cli.documents.issue import default_issuer

    policy = resolve(region, policies, on)
    issuer = default_issuer(policy.policy.region, on, bureau, review_body, doc_prefix, phone)
    issuer.publicity_days = getattr(policy, "publicity_days", None) or issuer.publicity_days
    issuer = _issuer_for(ledger, issuer, app["household_id"], KIND[code], None)
    assessment = None
    if rosters:
        from dibao_cli.assess.household import assess_roster
        from dibao_cli.cli.check import load_roster

        assessment = assess_roster(load_roster(rosters, None, False, None, on), policy, on)
    return prepare(ledger, app, code, issuer, policy, assessment, reasons)


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="记录表...")
@encoding_option()
@db_option
@output_options(FORMATS)
def record(files, encoding, db, fmt, output, force):
    """导入乡镇填写的办理记录表和入户走访记录表（每行一件事）。

    有“事项”列的工作表是申请办理记录：事项为“受理”的行登记申请，其余行按户编号登记到这一户办理中的申请；
    有“走访类型”列的工作表是入户走访记录。有问题的行不导入，并逐条列出文件、工作表、行、列和改法；
    已导入过的行自动跳过，改好后把整张表重新导入即可。
    退出状态：0 全部导入；1 有行因问题未导入；3 文件无法读取。

    例：dibao record 恰卜恰镇-申请办理记录.xlsx 恰卜恰镇-入户走访记录.xlsx
        dibao record 办理记录.xlsx --format xlsx -o 导入问题.xlsx
    """
    from dibao_cli.casework.sheet import import_events
    from dibao_cli.cli.check import problem_value
    from dibao_cli.problems import FIELDS_ZH, as_row_zh
    from dibao_cli.reports.files import SheetSpec, csv_bytes, json_bytes

    fmt = resolve_format(fmt, output, FORMATS)
    if output is not None:
        from dibao_cli.reports.files import refuse_existing

        refuse_existing(output, force)  # before the import: a refused output must not leave half the work done
    ledger = open_ledger(db)
    try:
        result = import_events(ledger, list(files), encoding)
        if result.applications or result.steps or result.visits:
            from dibao_cli.ledger.monthly import file_hash

            ledger.audit(command_line(), {str(p): file_hash(Path(p)) for p in files}, None)
    finally:
        ledger.close()
    counts = {"applications": result.applications, "steps": result.steps, "visits": result.visits,
              "skipped": result.skipped, "closed_signals": result.closed_signals, "errors": result.errors()}
    line = (f"导入：新申请 {result.applications} 件，办理步骤 {result.steps} 个，走访 {result.visits} 次，"
            f"关闭信号 {result.closed_signals} 条；已有而跳过 {result.skipped} 行；有问题未导入 {result.errors()} 行。")

    def table():
        from rich.table import Table

        if result.problems:
            t = Table(title="问题清单", title_justify="left")
            for name in FIELDS_ZH[:-1]:
                t.add_column(name, overflow="fold")
            shown = problem_value(False)  # ID numbers masked on screen, in full in the files written with -o
            for p in result.problems:
                t.add_row(*literal_cells(as_row_zh(p, shown)[:-1]))
            console().print(t)
        say(line)

    emit(fmt, output, force, table=table,
         sheets=lambda: [SheetSpec("问题", FIELDS_ZH, [as_row_zh(p) for p in result.problems],
                                   widths={0: 28, 1: 12, 2: 6, 3: 14, 4: 22, 5: 6, 6: 50, 7: 50, 8: 12})],
         json=lambda: json_bytes({"counts": counts, "problems": [p.as_dict() for p in result.problems]}),
         csv=lambda: csv_bytes(FIELDS_ZH, [as_row_zh(p) for p in result.problems]))
    if fmt != "table":
        say(line, stderr=True)
    if result.errors():
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


CASE_HEADER = ("申请编号", "乡镇", "村(社区)", "户编号", "申请人", "申请类别", "受理日期", "下一步", "期限", "剩余工作日",
               "办结总期限", "说明")


def _case_row(state) -> list:
    a = state.app
    return [a["id"], a["township"], a["village"], a["household_id"], a["applicant"], a["programmes"].replace(",", "、"),
            a["accepted_on"], state.next_step, state.due.isoformat() if state.due else "",
            "" if state.days_left is None else state.days_left, state.overall_due.isoformat(), "；".join(state.notes)]


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@date_option("按这一天计算剩余期限，默认今天。", bounded=False)
@click.option("--township", metavar="乡镇", help="只列这个乡镇的申请。")
@policy_options
@db_option
@output_options(FORMATS)
def cases(on_date, township, policies, region, db, fmt, output, force):
    """列出办理中的申请：下一步、期限、剩余工作日，逾期的排在最前。

    期限按工作日计算（周末和法定节假日不算，调休上班日算），期限天数取自政策文件。
    退出状态：0 没有逾期；1 有逾期的申请（供脚本使用）。

    例：dibao cases
        dibao cases --township 恰卜恰镇 --format xlsx -o 办理中的申请.xlsx
    """
    from dibao_cli.casework.applications import states
    from dibao_cli.reports.files import SheetSpec, csv_bytes, json_bytes

    fmt = resolve_format(fmt, output, FORMATS)
    policy, calendar = policy_and_calendar(region, policies)
    day = calendar.check(on_date or _dt.date.today())
    ledger = open_ledger(db, create=False)
    try:
        found = [s for s in states(ledger, policy, calendar, day) if not township or s.app["township"] == township]
    finally:
        ledger.close()
    overdue = sum(1 for s in found if s.overdue)

    def table():
        from rich.table import Table

        if not found:
            console().print("[green]没有办理中的申请。[/]")
            return
        t = Table(title=f"办理中的申请（{day.isoformat()}）", title_justify="left")
        for name in ("编号", "乡镇", "村(社区)", "户编号", "申请人", "类别", "受理", "下一步", "期限", "剩余", "说明"):
            t.add_column(name, overflow="fold")
        for s in found:
            row = _case_row(s)
            left = time_left(s)
            cells = literal_cells([row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8]])
            t.add_row(*cells, f"[red]{left}[/]" if s.overdue else left, *literal_cells([row[11]]))
        console().print(t)
        say(f"共 {len(found)} 件，其中逾期 {overdue} 件。")

    emit(fmt, output, force, table=table,
         sheets=lambda: [SheetSpec("办理中的申请", CASE_HEADER, [_case_row(s) for s in found],
                                   widths={7: 20, 11: 50}, title=f"办理中的申请（{day.isoformat()}）")],
         json=lambda: json_bytes({"as_of": day.isoformat(), "calendar": calendar.source,
                                  "calendar_warnings": calendar.warnings, "cases": [s.as_dict() for s in found]}),
         csv=lambda: csv_bytes(CASE_HEADER, [_case_row(s) for s in found]))
    warn_calendar(calendar)
    if overdue:
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)
