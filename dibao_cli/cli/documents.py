"""`dibao notice`, `dibao publicity`, `dibao templates copy`, `dibao report monthly|year`."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from dibao_cli.cli.assess import resolve
from dibao_cli.cli.check import load_roster
from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    DibaoSubGroup,
    date_option,
    db_option,
    input_options,
    issuer_options,
    month_option,
    policy_options,
)
from dibao_cli.cli.console import console, progress_bar
from dibao_cli.cli.ledger import command_line, open_ledger
from dibao_cli.errors import ExitStatus, NotFound

NOTICE_KINDS = ("auto", "approval", "refusal", "marginal", "phase-out", "termination", "change")
GROUNDS = {"死亡": "你户保障对象已死亡", "迁出": "你户已迁出本县（区）"}


def _refuse_unknown(only, known: set, where: str) -> None:
    """--household naming a household that is not there: exit 6 with its number, never "nothing to issue"."""
    missing = sorted(only - known) if only else []
    if missing:
        raise NotFound(f"{where}中没有户编号为“{'”“'.join(missing[:10])}”的户" + ("等" if len(missing) > 10 else "")
                       + "。请核对 --household 的户编号。")


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
        console().print(f"[red]{len(ids)} 户因名册错误未核算，没有包含在内[/]：{'、'.join(ids[:30])}"
                        + ("……" if len(ids) > 30 else "") + "。用 dibao check 查看并修改。")
        raise SystemExit(ExitStatus.PROBLEMS_FOUND)


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("rosters", nargs=-1, type=click.Path(path_type=Path), metavar="[名册文件...]")
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
@click.option("--force", is_flag=True, help="文件夹中已有同名文件时覆盖。")
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
    from dibao_cli.cli.console import progress_bar
    from dibao_cli.documents.issue import (
        Plan,
        choose,
        default_issuer,
        ledger_kind,
        notice_from_ledger,
        notice_from_result,
        write_notices,
    )
    from dibao_cli.documents.notices import cn_date
    from dibao_cli.documents.templating import Templates

    day = on_date or _dt.date.today()
    if bool(rosters) == bool(month):
        raise click.UsageError("请给出名册文件，或用 --month 按台账出通知书（二者选一）。")
    if ground and (rosters or not households):
        raise click.UsageError("--ground 只用于按台账出具（--month），并用 --household 指定本月名册中已没有的户。")
    only = set(households) if households else None
    gone = []
    ledger = open_ledger(db, create=not month, write=True, check_tables=("doc_numbers", "audit"))
    try:
        if rosters:
            policy, assessment = _results_from_roster(rosters, sheet, all_sheets, encoding, policies, region, day)
            issuer = default_issuer(policy.policy.region, day, bureau, review_body, doc_prefix, phone)
            issuer.publicity_from = publicity_from
            issuer.publicity_days = getattr(policy, "publicity_days", None) or issuer.publicity_days
            _refuse_unknown(only, {r.household.household_id for r in assessment.results}
                            | {h.household_id for h, _ in assessment.left_out}, "名册 " + "、".join(map(str, rosters)) + " ")
            chosen, skipped = choose(assessment.results, kind, only)
            last = ledger.latest_month(before=f"{day:%Y-%m}") if any(k == "change" for _, k in chosen) else None
            earlier = ledger.households_of(last) if last else {}  # for what changed since the last imported month
            # numbers are given when the notices are written (below)
            notices = [notice_from_result(r, k, _issuer_for(ledger, issuer, r.household.household_id, k, publicity_from),
                                          "", policy, earlier.get(r.household.household_id) if k == "change" else None)
                       for r, k in chosen]
            inputs = {str(p): "" for p in rosters}
            policy_hash = policy.policy.digest
        else:
            from dibao_cli.ledger.monthly import parse_month

            month = parse_month(month)
            ledger.require_month(month)
            policy = resolve(region, policies, day)
            issuer = default_issuer(policy.policy.region, day, bureau, review_body, doc_prefix, phone)
            issuer.publicity_from = publicity_from
            issuer.publicity_days = getattr(policy, "publicity_days", None) or issuer.publicity_days
            rows = ledger.households_of(month)
            before_month = ledger.latest_month(before=month)
            before = ledger.households_of(before_month) if before_month else {}
            events = ledger.events_of(month)
            _refuse_unknown(only, set(rows) | set(before), f"台账 {month} 月及上月")
            chosen, skipped = [], []
            gone = [before[hid] for hid, kinds in events.items() if "disappeared" in kinds and hid in before
                    and (only is None or hid in only)]
            for hid, row in rows.items():
                if only is not None and hid not in only or ground:
                    continue
                wanted = ledger_kind(row, events.get(hid, []), before.get(hid)) if kind == "auto" else kind
                if wanted is not None:
                    chosen.append((row, wanted))
            if ground:  # households the clerk has checked: gone from the roster because of death or moving away
                unknown = sorted(only - {r["household_id"] for r in gone})
                if unknown:
                    raise click.UsageError(f"{'、'.join(unknown)} 不是上月在册、{month} 名册中没有的户，不能用 --ground 出停保通知书。")
                chosen = [(r, "termination") for r in gone]
                gone = []
            notices = []  # numbers are given when the notices are written (below)
            for row, wanted in chosen:
                if ground:
                    notices.append(notice_from_ledger(row, wanted, issuer, "", None, policy, None, ground=GROUNDS[ground]))
                    continue
                previous = before.get(row["household_id"])
                notices.append(notice_from_ledger(row, wanted,
                                                  _issuer_for(ledger, issuer, row["household_id"], wanted, publicity_from),
                                                  "", previous["total_fen"] if previous else None, policy, previous))
            inputs = {f"台账 {ledger.path}": month}
            policy_hash = policy.policy.digest
        # everything that can refuse the run is checked before a number is given
        plan = Plan(notices, folder, fmt, force)
        run_templates = Templates(templates)
        stage = progress_bar(f"写入通知书 {len(plan.notices)} 份", total=len(plan.notices), unit="份")
        with stage as advance, ledger.transaction():
            if plan.notices:
                decisions = [(fp, n["household_id"], n["kind"]) for fp, n in zip(plan.fingerprints, plan.notices)]
                for n, number in zip(plan.notices, ledger.decision_numbers(issuer.prefix, decisions, new_number)):
                    n["doc_number"] = f"{issuer.prefix}{number}号"
            written = write_notices(plan.notices, folder, fmt, force, run_templates, progress=advance, plan=plan)
            ledger.audit(command_line(), inputs, policy_hash)
    finally:
        ledger.close()
    out = console()
    for message in policy.policy.notes:
        out.print(f"[yellow]注意[/]：{message}")
    for message in skipped:
        out.print(f"[yellow]跳过[/]：{message}")
    groups: dict[tuple, int] = {}
    for n in notices:
        if n["kind"] == "approval":
            key = (n["issued_on"], n["publicity_period"], n["start_month"])
            groups[key] = groups.get(key, 0) + 1
    for (issued, period, start), count in groups.items():
        note = f"审批通知书 {count} 份落款日期为 {issued}：在公示期（{period}）满后；保障金自 {start} 起发放。"
        if issued != cn_date(day):
            note += (f"发文日期 {cn_date(day)} 早于公示期满，这些审批通知书未用这个日期。如公示已在此前完成，"
                     "请用 --publicity-from 给出公示开始日期（台账中登记过公示的申请，按登记的日期）。")
        out.print(f"[yellow]注意[/]：{note}")
    if not rosters and gone:
        from dibao_cli.documents.notices import disappeared_csv
        from dibao_cli.reports.files import atomic_write

        listed = Path(folder) / f"待核实-{month}名册中没有的户.csv"
        atomic_write(listed, disappeared_csv(gone), True)
        out.print(f"[yellow]{len(gone)} 户上月在册、本月名册中没有[/]（{'、'.join(r['household_id'] for r in gone[:30])}"
                  f"{'……' if len(gone) > 30 else ''}）：原因不明，未出具通知书，已列入 {listed.name}。"
                  "请逐户核实：死亡或迁出的，用 --ground 死亡（或迁出）--household 户编号 出具停保通知书；漏报的补进名册后重新导入。")
    counts: dict[str, int] = {}
    for n in plan.notices:
        counts[n["title"]] = counts.get(n["title"], 0) + 1
    if not plan.notices:
        out.print("没有需要出具的通知书。")
        if rosters:
            warn_left_out(assessment)
        return
    total = len(plan.kept) + len(plan.notices)
    out.print(f"已写入 {folder}：" + "，".join(f"{k} {v} 份" for k, v in counts.items())
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


@click.group("templates", cls=DibaoSubGroup, context_settings=CONTEXT)
def templates_group():
    """通知书、公示、报表模板的管理。"""


@templates_group.command("copy", cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹")
@click.option("--force", is_flag=True, help="文件夹中已有同名文件时覆盖。")
def templates_copy(folder, force):
    """把自带模板复制到一个文件夹，供本局修改；以后用 --templates 文件夹（或放在工作文件夹的 templates/ 下）即可生效。
    同时复制示例：县级政策文件 632521-共和县.toml 和年终复核脚本 year-end-review.sh。

    例：dibao templates copy 本局模板
    """
    from dibao_cli.documents.issue import write_failed
    from dibao_cli.documents.templating import shipped_examples, shipped_templates
    from dibao_cli.errors import OutputRefused

    source = shipped_templates()
    files = [p for p in sorted(source.iterdir()) if p.is_file() and p.suffix in (".j2", ".docx")]
    examples = shipped_examples()
    files += [examples / name for name in EXAMPLE_FILES if (examples / name).is_file()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failed(folder, exc) from None
    clashes = [p.name for p in files if (folder / p.name).exists()]
    if clashes and not force:
        raise OutputRefused(f"{folder} 中已有 {'、'.join(clashes)}，未覆盖。加 --force 覆盖。")
    from dibao_cli.reports.files import atomic_write

    for path in files:  # atomic: a full disk leaves no empty or half-copied file
        atomic_write(folder / path.name, path.read_bytes(), True)
    console().print(f"已复制 {len(files)} 个文件到 {folder}：{'、'.join(p.name for p in files)}")
    if (folder / "year-end-review.sh").exists():
        console().print(f"年终复核脚本：bash {folder / 'year-end-review.sh'} 名册文件夹 [年份] [输出文件夹]")


EXAMPLE_FILES = ("year-end-review.sh", "632521-共和县.toml")


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("rosters", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="名册文件...")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="公示文件：.html（每村一页，打印张贴）或 .xlsx（每村一张表）。")
@date_option("公示开始日期（公示 7 天），默认今天。", "--from", "start")
@click.option("--all", "include_all", is_flag=True, help="公示全部保障对象（默认只公示本次新纳入的）。")
@input_options
@policy_options
@issuer_options
@date_option("核算日期，默认今天。")
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
def publicity(rosters, output, start, include_all, sheet, all_sheets, encoding, policies, region, templates, bureau,
              doc_prefix, review_body, phone, on_date, force):
    """生成村（社区）公示名单：只有姓名、保障人数、月保障金和公示期，不含身份证号、住址、收入、疾病和残疾情况。

    例：dibao publicity 名册.xlsx --region 632521 --from 2026-12-01 --phone 0974-8512345 -o 公示.html
    """
    from dibao_cli.documents import publicity as pub
    from dibao_cli.documents.issue import default_issuer
    from dibao_cli.documents.notices import cn_date
    from dibao_cli.documents.templating import render
    from dibao_cli.reports.files import atomic_write, write_xlsx

    day = on_date or _dt.date.today()
    start = start or day
    policy = resolve(region, policies, day)
    roster = load_roster(rosters, sheet, all_sheets, encoding, day)
    with progress_bar("核算", total=len(roster.households), unit="户") as advance:
        assessment, items = pub.entries_from_roster(roster, policy, day, include_all, progress=advance)
    del roster
    issuer = default_issuer(policy.policy.region, day, bureau, review_body, doc_prefix, phone)
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(output, pub.xlsx_sheets(items, start, issuer.phone, issuer.bureau, cn_date(day)), force)
    elif suffix in (".html", ".htm"):
        first, last = pub.period(start)
        villages = [{"township": t, "village": v, "entries": group} for (t, v), group in pub.by_village(items).items()]
        html = render("publicity.html.j2", templates, autoescape=True, records=len(items), villages=villages,
                      first=first, last=last,
                      phone=issuer.phone, bureau=issuer.bureau, issued_on=cn_date(day))
        atomic_write(output, html.encode("utf-8"), force)
    else:
        raise click.UsageError("公示文件请用 .html 或 .xlsx 结尾。")
    console().print(f"已写入 {output}：{len(pub.by_village(items))} 个村（社区），{len(items)} 户（人）。")
    warn_left_out(assessment)


@click.group("report", cls=DibaoSubGroup, context_settings=CONTEXT)
def report_group():
    """统计报表：民政统计月报、年度汇总。"""


@report_group.command("monthly", cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("rosters", nargs=-1, type=click.Path(path_type=Path), metavar="[名册文件...]")
@month_option("按台账中这个月出月报（如 2026-12）。")
@click.option("--previous", type=click.Path(path_type=Path), metavar="上月名册", help="不用台账时：上月名册（算新增、退出）。")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="月报文件：.xlsx（带表头信息）或 .html（含本年趋势图）。")
@click.option("--unit", metavar="单位", help="填报单位（默认 --bureau 或本县民政局）。")
@click.option("--filled-by", default="", metavar="姓名", help="填表人。")
@date_option("填报日期（默认今天）。", "--filled-on")
@input_options
@policy_options
@issuer_options
@date_option("名册模式的核算日期（默认今天）。")
@db_option
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
def report_monthly(rosters, month, previous, output, unit, filled_by, filled_on, sheet, all_sheets, encoding, policies, region,
                   templates, bureau, doc_prefix, review_body, phone, on_date, db, force):
    """民政统计月报：城市低保、农村低保分别成表（表头有表号、制表机关、填报单位、统计期、单位，见政策文件 [documents]），
    每个乡镇一行另加合计——户数、人数（女性、老年人、未成年人、残疾人）、劳动能力、本月新增和退出、
    本月支出（差额、分类施保、渐退期分列）、本年累计、月人均补助。

    例：dibao report monthly --month 2026-12 --region 632521 -o 12月月报.xlsx
        dibao report monthly 名册-12月.xlsx --previous 名册-11月.xlsx --region 632521 -o 月报.html
    """
    from dibao_cli.documents import statistics as st
    from dibao_cli.documents.issue import default_issuer
    from dibao_cli.documents.notices import cn_date
    from dibao_cli.documents.templating import render
    from dibao_cli.ledger.monthly import month_end, parse_month, reporting_period
    from dibao_cli.reports.files import SheetSpec, atomic_write, write_xlsx

    if bool(rosters) == bool(month):
        raise click.UsageError("请给出名册文件，或用 --month 按台账出月报（二者选一）。")
    today = filled_on or _dt.date.today()
    trend = []
    ytd: dict | None = None
    if month:
        month = parse_month(month)
        day = month_end(month)
        policy = resolve(region, policies, day)
        ledger = open_ledger(db, create=False)
        try:
            ledger.require_month(month)
            current = st.from_ledger(ledger, month)
            before_month = ledger.latest_month(before=month)
            before = st.from_ledger(ledger, before_month) if before_month else []
            ytd = {area: st.year_to_date(ledger, month, area) for area in st.AREAS}
            trend = st.trend(ledger, month)
            from dibao_cli.assistance import (  # 特困, 临时救助
                register as tiered_register,
            )
            from dibao_cli.assistance import statistics as tiered_st
            from dibao_cli.ledger.assistance import tekun_of

            tiered_people = tekun_of(ledger, month)
            tiered_temporary = tiered_register.summary(ledger, *tiered_st.month_bounds(month))
            from dibao_cli.casework.signals import (
                month_section,  # signals raised, visited, closed, overdue
            )

            casework = month_section(ledger, policy, month)
        finally:
            ledger.close()
        note = "" if before_month else "台账中没有上月数据，本月新增、退出按 0 计。"
        period = reporting_period(month, policy.report_cutoff_day)
    else:
        day = on_date or today
        policy = resolve(region, policies, day)
        from dibao_cli.assistance import (
            statistics as tiered_st,  # 特困 section (临时救助 needs the ledger)
        )

        assessment, current, tiered_people = st.from_roster(load_roster(rosters, sheet, all_sheets, encoding, day), policy, day)
        tiered_temporary = None
        casework = None  # the signals are kept in the ledger: only the --month report has them
        before = None
        if previous is not None:
            _, before, _ = st.from_roster(load_roster([previous], sheet, all_sheets, encoding, day), policy, day)
        note = ("名册模式：“本年累计”一列只含本月（名册中没有前几个月的发放记录）。"
                + ("" if previous else "未给上月名册，本月新增、退出按 0 计。"))
        period = f"{day.year}年{day.month}月"
    unit = unit or default_issuer(policy.policy.region, day, bureau, review_body, doc_prefix, phone).bureau
    columns = [(key, "本年累计(元，仅本月)" if key == "year_to_date" and ytd is None else label) for key, label in st.COLUMNS]
    header = [label for _, label in columns]
    reports = []
    for area in st.AREAS:
        rows, total = st.month_rows(st.by_area(current, area), st.by_area(before, area), day,
                                    ytd[area] if ytd is not None else None)
        reports.append({"area": area, "title": f"{area}最低生活保障情况统计月报", "rows": rows, "total": total,
                        "head": st.header_block(policy, area, unit, period)})
    if output.suffix.lower() == ".xlsx":
        money_formats = {i + 1: "#,##0.00" for i, (key, _) in enumerate(st.COLUMNS) if key in st.MONEY or key == "average"}
        sheets = []
        for report in reports:
            head = report["head"]
            preamble = [[f"表　　号：{head['form'] or '＿＿＿＿'}", "", "", f"制表机关：{head['authority']}", "", "",
                         f"批准机关及文号：{head['approval'] or '＿＿＿＿'}"],
                        [f"填报单位：{unit}", "", "", f"统计期：{period}", "", "", f"单位：{head['measure']}"],
                        [f"填表人：{filled_by}", "", "", "审核人：", "", "", f"填报日期：{cn_date(today)}"]]
            if note:
                preamble.append([f"注：{note}"])
            sheets.append(SheetSpec(f"{report['area']}低保", ["乡镇", *header],
                                    st.table_rows(report["rows"], report["total"], numeric=True),
                                    widths={0: 12, **{i + 1: 11 if key in st.MONEY or key == "average" else 6
                                                      for i, (key, _) in enumerate(st.COLUMNS)}},
                                    formats=money_formats, title=f"{report['title']}（{period}）", preamble=preamble))
        # 特困 and 临时救助: the same head and foot as the 低保 sheets, money as numbers with two decimals
        tiered_preamble = [[f"填报单位：{unit}　　统计期：{period}　　单位：人、件、元"],
                           [f"填表人：{filled_by}　　审核人：＿＿＿＿　　填报日期：{cn_date(today)}"]]
        extra = [SheetSpec(s["title"][:4], s["header"], s["rows"], widths={0: 14}, preamble=tiered_preamble,
                           formats={i: "#,##0.00" for i, h in enumerate(s["header"]) if "(元)" in h},
                           title=f"{s['title']}（{period}）")
                 for s in tiered_st.sections(tiered_people, tiered_temporary, numeric=True)]
        if casework is not None:
            extra.append(SheetSpec("信号核实", casework["header"], casework["rows"], widths={0: 14},
                                   title=f"{casework['title']}（{casework['first']}至{casework['last']}）",
                                   preamble=[[f"注：{casework['note']}"]]))
        write_xlsx(output, sheets + extra, force)
        st.print_setup(output, {sheet.name: len(sheet.preamble) + 2 for sheet in sheets + extra})
    elif output.suffix.lower() in (".html", ".htm"):
        html = render("monthly-report.html.j2", templates, autoescape=True, title=f"最低生活保障情况统计月报（{period}）",
                      unit=unit, period=period, filled_by=filled_by, filled_on=cn_date(today), header=header,
                      reports=[dict(r, table=st.table_rows(r["rows"], r["total"])) for r in reports], trend=trend,
                      note=note, tiered=tiered_st.sections(tiered_people, tiered_temporary),
                      casework=casework)
        atomic_write(output, html.encode("utf-8"), force)
    else:
        raise click.UsageError("月报文件请用 .xlsx 或 .html 结尾。")
    said = []
    for report in reports:
        v = report["total"].values
        said.append(f"{report['area']}低保 {len(report['rows'])} 个乡镇，合计 {v['households']} 户 {v['persons']} 人，"
                    f"本月支出 {st.fen_text(v['total'])} 元")
    console().print(f"已写入 {output}：" + "；".join(said) + "。")
    if ytd is None:
        console().print("[yellow]注意[/]：名册模式的“本年累计”只含本月。要得到完整的本年累计，先用 dibao import 把各月名册导入台账，"
                        "再用 dibao report monthly --month 出月报。")
    if rosters:
        warn_left_out(assessment)


@report_group.command("year", cls=DibaoCommand, context_settings=CONTEXT)
@click.option("--year", "year", type=int, required=True, metavar="年份", help="年份，如 2026。")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="文件",
              help="年度汇总：.xlsx（按月、按乡镇两张表，金额为数字，带合计行）或 .html（打印）。")
@click.option("--templates", "templates", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹",
              help="用这个文件夹里的模板。")
@db_option
@click.option("--force", is_flag=True, help="文件已存在时覆盖。")
def report_year(year, output, templates, db, force):
    """年度汇总（按台账）：每月的保障户数、人数、新增、退出、进入渐退期、渐退期满停保、支出；各乡镇全年情况；均带合计行。

    例：dibao report year --year 2026 -o 2026年度汇总.xlsx
        dibao report year --year 2026 -o 2026年度汇总.html
    """
    from dibao_cli.documents import statistics as st
    from dibao_cli.documents.templating import render
    from dibao_cli.reports.files import SheetSpec, atomic_write, write_xlsx

    ledger = open_ledger(db, create=False)
    try:
        months, townships = st.year_summary(ledger, year)
        from dibao_cli.assistance import (
            statistics as tiered_st,  # 特困 and 临时救助 by month
        )

        tiered_rows = tiered_st.year_rows(ledger, year)
    finally:
        ledger.close()
    if not months:
        raise click.UsageError(f"台账中没有 {year} 年的数据。")
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(output, [SheetSpec("按月", st.YEAR_MONTH_HEADER, months, formats={7: "#,##0.00"},
                                      widths={0: 10, **{i: 9 for i in range(1, 7)}, 7: 14},
                                      title=f"{year}年最低生活保障年度汇总（按月）"),
                            SheetSpec("按乡镇", st.YEAR_TOWNSHIP_HEADER, townships, formats={2: "#,##0.00"},
                                      widths={0: 16, 1: 12, 2: 16}, title=f"{year}年各乡镇情况"),
                            SheetSpec("特困与临时救助", tiered_st.YEAR_HEADER, tiered_rows, formats={3: "#,##0.00", 6: "#,##0.00"},
                                      title=f"{year}年特困人员救助供养和临时救助（按月）")], force)
        st.print_setup(output, {"按月": 2, "按乡镇": 2, "特困与临时救助": 2}, landscape=False)
    elif suffix in (".html", ".htm"):
        months, townships = st.year_summary_for_print(months, townships)
        html = render("year-report.html.j2", templates, autoescape=True, year=year,
                      month_header=st.YEAR_MONTH_HEADER, months=months, township_header=st.YEAR_TOWNSHIP_HEADER,
                      townships=townships)
        atomic_write(output, html.encode("utf-8"), force)
    else:
        raise click.UsageError("年度汇总请用 .xlsx 或 .html 结尾。")
    console().print(f"已写入 {output}：{len(months) - 1} 个月，{len(townships) - 1} 个乡镇。")
