"""Importing a 临时救助 application sheet: one row per application, with its decision and payment if known.

Files are opened with the roster reader's `open_book`, headers matched with `header_key`, cells cleaned with
the roster's cell cleaners, and every problem is a `Problem` naming file, sheet, row, column and the fix.
Good rows are recorded; bad rows are reported and left out; a row already in the ledger is skipped (its
decision or payment is added when the sheet now has one), so a corrected sheet can be imported again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dibao_cli import cells
from dibao_cli.assistance import register as reg
from dibao_cli.errors import DibaoError, InputUnreadable
from dibao_cli.idcard import IdError
from dibao_cli.ledger import assistance as store
from dibao_cli.problems import ERROR, Problem
from dibao_cli.reading.columns import Column
from dibao_cli.reading.sheets import open_book
from dibao_cli.registers import HEADER_SCAN_ROWS, Counted, HeaderRow, Register, Sheet, cell, id_number

COLUMNS = (
    Column("household_id", "户编号", "text", aliases=("户号", "家庭编号"), required=True, note="申请家庭的户编号"),
    Column("person", "救助对象", "name", aliases=("姓名", "申请人", "救助对象姓名"), note="按人救助时填姓名；按户救助留空"),
    Column("person_id", "身份证号", "id", aliases=("身份证号码", "公民身份号码"), note="救助对象或申请人的身份证号"),
    Column("township", "乡镇", "text", aliases=("乡镇街道", "街道")),
    Column("village", "村(社区)", "text", aliases=("村", "社区", "村社区")),
    Column("area_type", "城乡类别", "text", aliases=("城乡",), required=True, note="城市或农村：决定适用的低保标准"),
    Column("persons", "救助人数", "count", aliases=("人数",), note="按户救助时的受助人数；留空按 1 人"),
    Column("kind", "救助类型", "text", aliases=("类型", "救助类别"), required=True, values=reg.temporary.KINDS,
           note="急难型 或 支出型"),
    Column("severity", "困难程度", "text", aliases=("程度",), values=reg.temporary.SEVERITIES, note="一般 或 严重；留空按一般"),
    Column("cause", "困难原因", "prose", aliases=("原因", "致困原因", "救助原因"), required=True,
           note="如 火灾、交通事故、重病住院、子女上学"),
    Column("requested", "申请金额", "money", aliases=("申请救助金额",), note="元；留空按可救助的最高金额"),
    Column("applied_on", "申请日期", "date", aliases=("受理日期",), required=True),
    Column("result", "审批结果", "text", aliases=("审批意见", "结果"), values=("批准", "不予批准"), note="批准 或 不予批准；未审批留空"),
    Column("amount", "审批金额", "money", aliases=("救助金额", "批准金额"), note="元；批准时留空按规则计算"),
    Column("decided_on", "审批日期", "date", aliases=("批准日期",)),
    Column("level", "审批层级", "text", aliases=("审批级别",), values=reg.temporary.LEVELS,
           note="乡镇先行救助 或 县级审批；留空按金额确定"),
    Column("reason", "说明", "prose", aliases=("不予批准理由", "理由", "备注")),
    Column("paid_on", "发放日期", "date", aliases=("支付日期",)),
)
REGISTER = Register("application", COLUMNS)
REQUIRED = REGISTER.required
_CONVERT = {"text": cells.text, "prose": cells.prose, "name": cells.name, "date": cells.record_date, "id": cells.text, "money": cells.money,
            "count": cells.count}


@dataclass
class ImportResult(Counted):
    files: list[str] = field(default_factory=list)
    applications: int = 0
    decisions: int = 0
    payments: int = 0
    skipped: int = 0
    registered_only: int = 0  # rows with a problem whose application was registered (the decision was not)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def import_sheets(ledger, paths: list[Path], policy, encoding: str | None = None) -> ImportResult:
    """`policy` is the Policy (its values are taken at each decision's date)."""
    result = ImportResult()
    for path in paths:
        _import_file(ledger, Path(path), policy, encoding, result)
    return result


_GROUPED = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")


def _decimal_comma(raw) -> bool:
    """A text amount whose comma is not a thousands separator (6000,50 or 6000，50): read as 600050 otherwise."""
    if not isinstance(raw, str):
        return False
    text = unicodedata.normalize("NFKC", raw).strip().lstrip("'").removesuffix("元").strip().lstrip("-")
    return "," in text and not _GROUPED.fullmatch(text)


def _shown(raw) -> str:
    """A cell as the clerk typed it: the reader gives whole numbers as floats (0 -> 0.0)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _import_file(ledger, path: Path, policy, encoding, result: ImportResult) -> None:
    book = open_book(path, encoding)
    file = str(path)
    result.files.append(file)
    read_any = False
    near = None  # (sheet, row index, missing headers) of the row closest to a header
    for one in book.sheets:
        sheet = Sheet(one, (REGISTER,))
        if sheet.header is None:
            partial = _partial_header(sheet.candidates)
            if partial is not None and (near is None or len(partial.missing) < len(near[2])):
                near = (sheet.name, partial.row, [c.header for c in partial.missing])
            continue
        read_any = True
        slots = sheet.slots(file, result.problems)
        for index, row in sheet.data():
            _row(ledger, file, sheet.name, index + 1, row, slots, policy, result)
    if not read_any and near is not None:
        raise InputUnreadable(f"{file} 工作表“{near[0]}”第 {near[1] + 1} 行的表头缺少“{'”“'.join(near[2])}”列。"
                              "请补上这些列（列名见 dibao 自带的示例表）后重新导入。")
    if not read_any:
        raise InputUnreadable(f"{file} 中找不到临时救助申请表的表头（前 {HEADER_SCAN_ROWS} 行内没有"
                              f"“{'、'.join(c.header for c in REQUIRED)}”这些列）。请按 dibao 自带的示例表填写。")


def _partial_header(candidates: list[HeaderRow]) -> HeaderRow | None:
    """The row with most required columns, when it has at least two."""
    best, most = None, 0
    for candidate in candidates:
        have = len(REQUIRED) - len(candidate.missing)
        if have >= 2 and (best is None or have > most):
            best, most = candidate, have
    return best


def _row(ledger, file, sheet, line, row, slots, policy, result: ImportResult) -> None:
    from dibao_cli.policy import PolicyAt

    values, headers, raws = {}, {}, {}
    household = None
    for col_index, column, header in slots:
        raw = cell(row, col_index)
        headers[column.key], raws[column.key] = header, raw
        if column.kind == "money" and _decimal_comma(raw):
            result.problems.append(Problem(file, sheet, line, header, str(raw), "金额中的逗号不是千位分隔（小数点应写“.”）",
                                           "填写以元为单位的数字，如 6000.50 或 6,000.50", ERROR, "money_format",
                                           household or ""))
            return
        try:
            value = _CONVERT[column.kind](raw)
        except cells.CellError as exc:
            result.problems.append(Problem(file, sheet, line, header, str(raw), exc.message, exc.fix, ERROR, exc.code,
                                           household or ""))
            return
        if value is not None:
            values[column.key] = value
        if column.key == "household_id":
            household = value

    registered = False

    def fail(key: str, message: str, fix: str) -> None:
        raw = raws.get(key)
        header = headers.get(key) or next((c.header for c in COLUMNS if c.key == key), key)
        if registered:  # the application was received and is in the register; only its decision or payment is not
            result.registered_only += 1
            message += "（申请已登记，审批未登记）" if key != "paid_on" else "（申请和审批已登记，发放未登记）"
        result.problems.append(Problem(file, sheet, line, header, _shown(raw), message, fix, ERROR,
                                       "assistance", values.get("household_id") or ""))

    for column in REQUIRED:
        if column.key not in values:
            fail(column.key, f"{column.header}没有填写", f"填写{column.header}（{column.note or '必填'}）")
            return
    if values.get("persons") is not None and values["persons"] < 1:
        fail("persons", "救助人数至少为 1", "填写受助人数（按户救助时填全户受助人数）；按人救助的留空按 1 人")
        return
    try:
        person_id = id_number(values.get("person_id"))
    except IdError as exc:
        fail("person_id", f"身份证号有误：{exc.message}", exc.fix)
        return
    requested = values.get("requested")
    try:
        case_id, created = reg.register(
            ledger, household_id=values["household_id"], person=values.get("person") or "", person_id=person_id,
            township=values.get("township") or "", village=values.get("village") or "", area_type=values["area_type"],
            persons=values.get("persons", 1), kind=values["kind"], severity=values.get("severity"),
            cause=values["cause"], applied_on=values["applied_on"],
            requested=None if requested is None else Decimal(requested) / 100, source=f"{file}|{sheet}|{line}")
    except DibaoError as exc:
        key = ("area_type" if "城乡" in exc.message else "kind" if "救助类型" in exc.message
               else "severity" if "困难程度" in exc.message else "persons" if "人数" in exc.message else "cause")
        fail(key, exc.message, "按说明改正这一行后重新导入")
        return
    if created:
        result.applications += 1
    registered = True
    case = store.get(ledger, case_id)
    decided = _decision(ledger, case, values, policy, fail, result, PolicyAt)
    if decided is None:
        return
    if values.get("paid_on") and case["paid_on"] is None:
        try:
            reg.pay(ledger, case_id, values["paid_on"])
        except DibaoError as exc:
            fail("paid_on", exc.message, "核对审批结果和发放日期")
            return
        result.payments += 1
        decided = True
    if not created and not decided:
        result.skipped += 1


def _decision(ledger, case, values, policy, fail, result, policy_at):
    """True when a decision was recorded now, False when there is none to record, None on a problem."""
    text = values.get("result")
    if not text or case["status"] != "open":
        return False
    if text not in reg.APPROVE + reg.REFUSE:
        fail("result", f"审批结果“{text}”不认识", "填写 批准 或 不予批准；未审批留空")
        return None
    on = values.get("decided_on")
    if on is None:
        fail("decided_on", "有审批结果但没有审批日期", "填写审批日期")
        return None
    if text in reg.REFUSE and not (values.get("reason") or "").strip():
        fail("reason", "不予批准须写明理由", "在“说明”列填写不予批准的理由（告知书据此说明）")
        return None
    amount = values.get("amount")
    try:
        decision = reg.decide(ledger, case["id"], approve=text in reg.APPROVE, on=on, policy=policy_at(policy, on),
                              amount=None if amount is None else Decimal(amount) / 100, level=values.get("level"),
                              reason=values.get("reason") or "")
    except DibaoError as exc:
        key = ("amount" if "金额" in exc.message and "限额" not in exc.message else "level" if "层级" in exc.message
               or "限额" in exc.message else "reason" if "理由" in exc.message else "decided_on")
        fail(key, exc.message, "按说明改正这一行后重新导入")
        return None
    result.decisions += 1
    for warning in decision.warnings:
        result.warnings.append(f"{case['household_id']} {case['person'] or '全户'}（申请 {case['id']}）：{warning}")
    return True
