"""The tables of `dibao assess`: the CSV and the workbook's sheets (汇总, 户明细, 成员明细, 问题), one row per
household or member, from the assessment's results."""

from __future__ import annotations

from decimal import Decimal

from dibao_cli import money
from dibao_cli.assess.household import Assessment, HouseholdResult
from dibao_cli.problems import FIELDS_ZH, as_row_zh
from dibao_cli.reports.assess import STATUS_ORDER, TEKUN_OUTCOME, Totals, benefit_parts, policy_block, y
from dibao_cli.reports.files import MONEY_FORMAT, SheetSpec, csv_bytes, csv_chunks
from dibao_cli.status import COVERED
from dibao_cli.status import LABEL as STATUS_LABEL

HOUSEHOLD_HEADER = ("户编号", "乡镇", "村(社区)", "户主", "城乡", "共同生活人数", "保障人数", "认定结果", "计入收入(元/年)",
                    "不计入收入(元/年)", "就业成本扣减", "刚性支出扣减", "核算收入(元/年)", "月人均收入", "月低保标准",
                    "差额(元/月)", "分类施保(元/月)", "取整及保底调整(元/月)", "月保障金", "渐退开始", "渐退结束", "理由",
                    "提示")
MONEY_COLUMNS = (8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18)


def household_row(r: HouseholdResult, numeric: bool = False) -> list:
    h = r.household
    parts = benefit_parts(r)
    adjustment = Decimal(parts["minimum_top_up"]) + Decimal(parts["rounding"])
    fen = (r.counted, sum(r.excluded.values()), r.employment_deduction, r.rigid_deduction, r.adjusted)
    values = (r.per_capita, r.monthly_standard, Decimal(parts["differential"]), Decimal(parts["classified"]),
              adjustment, r.total)
    if numeric:  # a whole number of fen over 100 is already the float of that fen (see _fen_number)
        shown = [_fen_number(f) for f in fen] + [money.number(v) for v in values]
    else:
        shown = [y(f / 100) for f in fen] + [y(v) for v in values]
    if not r.benefit_known:
        shown[-1] = None if numeric else ""
    return [h.household_id, h.township or "", h.village or "", h.head_label or "", r.area_type,
            len(r.members), len(r.covered) if r.status in COVERED else 0,
            STATUS_LABEL[r.status], *shown,
            r.phase_out_start.isoformat() if r.phase_out_start else "",
            r.phase_out_end.isoformat() if r.phase_out_end else "",
            "；".join(x.text for x in r.reasons), "；".join(x.text for x in r.flags)]


def _fen_number(fen) -> float:
    """money.number(fen / 100). For an int the quotient is the float nearest that many fen: Decimal(q) * 100
    lies within 2**-52 of the int, so the rounding to the fen gives it back and money.number returns q itself."""
    return fen / 100 if type(fen) is int else money.number(fen / 100)


def as_csv(assessment: Assessment) -> bytes:
    return csv_bytes(HOUSEHOLD_HEADER, (household_row(r) for r in assessment.results))


def csv_pieces(assessment: Assessment):
    """as_csv's bytes in pieces: when the assessment is only planned (`plan_assessment`), households are
    assessed (by the columnar engine where it decides them: assess/decided_result.py), written and dropped a few
    thousand at a time, so memory stays flat."""
    from dibao_cli.reports.rowstore import freeze_heap, thaw_heap

    freeze_heap()
    try:
        yield from csv_chunks(HOUSEHOLD_HEADER, _csv_rows(assessment))
    finally:
        thaw_heap()


def _csv_rows(assessment: Assessment):
    """Each household's CSV row: a household the columnar engine decided has its row made with memos
    (reports/decided_rows.py)."""
    if assessment.results or not assessment.pending:
        for r in assessment.results:
            yield household_row(r)
        return
    from dibao_cli.assess.decided_result import DecidedResult, decided_results
    from dibao_cli.assess.household import _income_items
    from dibao_cli.reports.decided_rows import DecidedRows

    decided = DecidedRows(assessment.policy, assessment.day, None, _income_items(assessment.policy))
    for r in decided_results(assessment):
        yield decided.household_text(r) if type(r) is DecidedResult else household_row(r)


MEMBER_HEADER = ("户编号", "姓名", "身份证号", "与户主关系", "年龄", "共同生活", "特困", "劳动能力", "残疾", "重病",
                 "计入收入(元/年)", "不计入收入(元/年)", "就业成本扣减", "分类施保类别", "单人户")


def _yuan_float(fen) -> float:
    """float(Decimal(fen) / 100): for an int, the correctly rounded quotient, which int / int is too."""
    return fen / 100 if type(fen) is int else float(Decimal(fen) / 100)


def _fen_float(fen) -> float:
    return fen / 100 if type(fen) is int else money.fen_number(fen)


def member_rows(r: HouseholdResult, day, mask) -> list[list]:
    """The 成员明细 rows of one household's result."""
    income_by_member = {id(i.member): i for i in r.incomes}
    classified = {id(m): c for m, c in r.classified_people}
    singles = {id(s.member) for s in r.singles}
    tekun = {id(d.member): TEKUN_OUTCOME[d.outcome] for d in r.tekun}
    rows = []
    for m in r.household.members:
        income = income_by_member.get(id(m))
        rows.append([r.household.household_id, m.name, mask(m.id_number), m.relation or "", m.age(day),
                     "否" if m.co_resident is False else "是", tekun.get(id(m), "是" if m.tekun else ""), m.labour or "",
                     f"{m.disability_type or ''}{m.disability_grade or ''}{'级' if m.disability_grade else ''}",
                     "是" if m.serious_illness else "",
                     _yuan_float(income.counted) if income else None,
                     _yuan_float(sum(income.excluded.values())) if income else None,
                     _fen_float(income.employment_deduction) if income else None,
                     "、".join(classified.get(id(m), [])), "是" if id(m) in singles else ""])
    return rows


def _planned_rows(assessment: Assessment, mask, running: Totals, households, members) -> None:
    """The rows of a planned assessment's households, each assessed here once: a household the columnar engine
    decided has its rows made with memos (reports/decided_rows.py), any other as `member_rows` makes them."""
    from dibao_cli.assess.decided_result import DecidedResult, decided_results
    from dibao_cli.assess.household import _income_items
    from dibao_cli.reports.decided_rows import DecidedRows

    day = assessment.day
    decided = DecidedRows(assessment.policy, day, mask, _income_items(assessment.policy))
    for r in decided_results(assessment):
        running.add(r)
        if type(r) is DecidedResult:
            households.append(decided.household(r))
            members.extend(decided.members(r))
        else:
            households.append(household_row(r, numeric=True))
            members.extend(member_rows(r, day, mask))


def xlsx_sheets(assessment: Assessment, mask=lambda v: v or "") -> list[SheetSpec]:
    """The workbook's four sheets. When the assessment is only planned (`plan_assessment`), each household is
    assessed here, once: its rows are kept packed (RowStore) and the result dropped, so a province's result
    never holds every household's result and rows at once; the totals are added up on the way."""
    from dibao_cli.reports.rowstore import RowStore, freeze_heap

    freeze_heap()  # thawed when the workbook is written (workbook.write_xlsx)
    running = Totals()
    households, members = RowStore(), RowStore()
    day = assessment.day
    if assessment.results or not assessment.pending:
        for r in assessment.results:
            running.add(r)
            households.append(household_row(r, numeric=True))
            members.extend(member_rows(r, day, mask))
    else:
        from dibao_cli.reports import parallel_rows

        def make_rows(part, running, households, members):
            _planned_rows(part, mask, running, households, members)

        if parallel_rows.can_split(assessment):
            parallel_rows.planned_rows(assessment, make_rows, running, households, members)
        else:
            make_rows(assessment, running, households, members)
    policy = policy_block(assessment)
    summary_rows = [["核算日期", policy["date"]], ["地区", policy["region"]], ["政策", policy["name"]],
                    ["政策指纹", policy["hash"][:16]], [], ["认定结果", "户数", "人数", "月保障金(元)"]]
    by_status = running.as_dict()
    for status in STATUS_ORDER:
        t = by_status[status]
        summary_rows.append([t["label"], t["households"], t["members"], float(Decimal(t["monthly_benefit"]))])
    summary_rows.append(["有错误未核算", len(assessment.left_out), sum(len(h.members) for h, _ in assessment.left_out), None])
    tekun = running.programmes()["tekun"]
    for mode, t in tekun["by_mode"].items():
        summary_rows.append([f"特困{mode}（人）", None, t["persons"], float(Decimal(t["monthly_support"]))])
    money_formats = {i: MONEY_FORMAT for i in MONEY_COLUMNS}
    return [
        SheetSpec("汇总", ["项目", "户数", "人数", "月保障金(元)"], summary_rows, widths={1: 40},
                  formats={3: MONEY_FORMAT}),
        SheetSpec("户明细", HOUSEHOLD_HEADER, households, widths={21: 36, 22: 30}, formats=money_formats,
                  size=len(households)),
        SheetSpec("成员明细", MEMBER_HEADER, members, formats={10: MONEY_FORMAT, 11: MONEY_FORMAT, 12: MONEY_FORMAT},
                  size=len(members)),
        SheetSpec("问题", FIELDS_ZH, (as_row_zh(p) for p in assessment.problems), widths={0: 40, 6: 40, 7: 40}),
    ]
