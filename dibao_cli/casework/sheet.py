"""Importing what townships record on paper: application steps and visits, one row per event.

Files are opened with the roster reader's `open_book` (any format it reads), headers are matched with
its `header_key` normalisation, cells are cleaned with its cell cleaners, and every problem is a
`Problem` naming file, sheet, row, column and the fix, as for rosters. A sheet with a 事项 column is an
application sheet (受理 registers an application; other rows are its steps); a sheet with 走访类型 is a
visit sheet. Good rows are recorded, bad rows are reported and left out; a row already in the ledger is
skipped, so the corrected sheet can simply be imported again.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from dibao_cli import cells
from dibao_cli.casework import applications as apps
from dibao_cli.casework import visits
from dibao_cli.errors import DibaoError, InputUnreadable
from dibao_cli.idcard import IdError
from dibao_cli.problems import ERROR, Problem
from dibao_cli.reading.columns import Column
from dibao_cli.reading.sheets import open_book
from dibao_cli.registers import HEADER_SCAN_ROWS, Counted, HeaderRow, Register, Sheet, cell, id_number

ACCEPT = ("受理", "受理申请", "申请受理", "申请")

APPLICATION_COLUMNS = (
    Column("household_id", "户编号", "text", aliases=("户号", "家庭编号"), required=True, note="申请家庭的户编号"),
    Column("applicant", "申请人", "name", aliases=("申请人姓名", "姓名"), note="受理行必填"),
    Column("applicant_id", "身份证号", "id", aliases=("申请人身份证号", "身份证号码", "公民身份号码"), note="申请人身份证号"),
    Column("township", "乡镇", "text", aliases=("乡镇街道", "街道")),
    Column("village", "村(社区)", "text", aliases=("村", "社区", "村社区")),
    Column("programmes", "申请类别", "text", aliases=("申请项目", "救助类别"),
           note="低保、特困、边缘、刚性支出，可写多个（一次申请、分类审核认定）"),
    Column("close_relative", "近亲属备案", "text", aliases=("近亲属", "是否近亲属"),
           note="低保经办人员近亲属、村干部近亲属；不是则留空"),
    Column("step", "事项", "text", aliases=("办理事项", "环节", "办理环节"), required=True,
           note="受理、" + "、".join(apps.STEPS.values())),
    Column("date", "日期", "date", aliases=("办理日期", "时间"), required=True, note="这件事发生的日期"),
    Column("people", "经办人", "text", aliases=("调查人", "办理人", "工作人员"), note="入户调查须填两人以上，用逗号分开"),
    Column("result", "结果", "text", aliases=("审批结果", "审批意见"), note="县级审批填“批准”或“不予批准”"),
    Column("note", "说明", "prose", aliases=("备注", "理由", "情况"), note="异议内容、延期理由等"),
)
VISIT_COLUMNS = (
    Column("household_id", "户编号", "text", aliases=("户号", "家庭编号"), required=True),
    Column("township", "乡镇", "text", aliases=("乡镇街道", "街道")),
    Column("village", "村(社区)", "text", aliases=("村", "社区", "村社区")),
    Column("date", "走访日期", "date", aliases=("日期", "入户日期"), required=True),
    Column("visitors", "走访人", "text", aliases=("走访人员", "调查人"), required=True, note="两人以上用逗号分开"),
    Column("kind", "走访类型", "text", aliases=("类型", "走访类别"), required=True, note="、".join(visits.KINDS)),
    Column("findings", "发现情况", "prose", aliases=("情况", "发现", "走访情况")),
    Column("change:成员", "成员变化", "prose", aliases=("家庭成员变化",)),
    Column("change:收入", "收入变化", "prose"),
    Column("change:财产", "财产变化", "prose"),
    Column("change:照料", "照料等级", "text", aliases=("自理能力", "照料护理等级")),
    Column("outcome", "处理结果", "text", aliases=("结果",), note="、".join(visits.OUTCOMES)),
    Column("signals", "信号编号", "text", aliases=("信号",), note="核实的信号编号（dibao visits due 列出），可留空"),
)
KINDS = (("application", APPLICATION_COLUMNS), ("visit", VISIT_COLUMNS))


REGISTERS = tuple(Register(kind, columns) for kind, columns in KINDS)
REQUIRED = {r.kind: r.required for r in REGISTERS}


@dataclass
class ImportResult(Counted):
    files: list[str] = field(default_factory=list)
    sheets: list[tuple[str, str, str]] = field(default_factory=list)  # file, sheet, kind
    applications: int = 0
    steps: int = 0
    visits: int = 0
    skipped: int = 0  # already in the ledger
    closed_signals: int = 0
    problems: list[Problem] = field(default_factory=list)


KIND_LABEL = {"application": "申请办理记录", "visit": "入户走访记录"}


def _near_miss(candidates: list[HeaderRow]) -> HeaderRow | None:
    """The row that is most nearly a header (two or more required columns of a kind, not all), or None."""
    best = None
    for candidate in candidates:
        have = len(REQUIRED[candidate.kind]) - len(candidate.missing)
        if have >= 2 and candidate.missing and (best is None or len(candidate.keys) > len(best.keys)):
            best = candidate
    return best


def _shown(raw) -> str:
    """A cell as the problem list shows it: invisible characters as a visible mark."""
    if raw is None:
        return ""
    return "".join("\ufffd" if unicodedata.category(ch) in HIDDEN else ch for ch in str(raw))


_CONVERT = {"text": cells.text, "prose": cells.prose, "name": cells.name, "date": cells.record_date, "id": cells.text}
HIDDEN = ("Cc", "Cf")  # control and format characters (NUL, bell, zero-width space...): never typed on purpose


def _convert(column: Column, raw, today: _dt.date):
    """The cell's clean value, or CellError: also for invisible characters and a date still to come."""
    if isinstance(raw, str):  # checked before cleaning, which would drop them
        hidden = next((ch for ch in raw if not ch.isspace() and unicodedata.category(ch) in HIDDEN), None)
        if hidden is not None:
            raise cells.CellError("hidden_character", f"含有看不见的控制字符（U+{ord(hidden):04X}）",
                                  "删去这一格里看不见的字符（可把内容重新输入一遍）后重新导入")
    value = _CONVERT[column.kind](raw)
    if isinstance(value, _dt.date) and value > today:
        raise cells.CellError("date_future", f"日期 {value.isoformat()} 晚于今天（{today.isoformat()}），记录的应是已经发生的事",
                              "核对年、月、日")
    elif isinstance(value, _dt.date):
        try:
            _calendar().check(value)
        except DibaoError as exc:
            raise cells.CellError("date_range", exc.message, "核对年、月、日") from None
    return value


def _calendar():
    from dibao_cli.casework.calendar import build_calendar

    global _CALENDAR
    if _CALENDAR is None:
        _CALENDAR = build_calendar()
    return _CALENDAR


_CALENDAR = None


class _Row:
    def __init__(self, values: dict, headers: dict, line: int, raw: dict):
        self.values = values
        self.headers = headers
        self.line = line
        self.raw = raw

    def get(self, key, default=None):
        return self.values.get(key, default)


def import_events(ledger, paths: list[Path], encoding: str | None = None, today: _dt.date | None = None) -> ImportResult:
    result = ImportResult()
    for path in paths:
        _import_file(ledger, Path(path), encoding, result, today or _dt.date.today())
    return result


def _import_file(ledger, path: Path, encoding, result: ImportResult, today: _dt.date) -> None:
    book = open_book(path, encoding)
    file = str(path)
    result.files.append(file)
    read_any = False
    near = []
    for one in book.sheets:
        start = len(result.problems)
        sheet = Sheet(one, REGISTERS)
        if sheet.header is None:
            miss = _near_miss(sheet.candidates)
            if miss is not None:
                near.append((sheet.name, miss.kind, miss.row, [c.header for c in miss.missing]))
            continue
        read_any = True
        kind = sheet.header.kind
        result.sheets.append((file, sheet.name, kind))
        slots = sheet.slots(file, result.problems)
        parsed = []
        for index, row in sheet.data():
            values, headers, raw_of, bad = {}, {}, {}, False
            for col_index, column, header in slots:
                raw = cell(row, col_index)
                headers[column.key] = header
                raw_of[column.key] = raw
                try:
                    value = _convert(column, raw, today)
                except cells.CellError as exc:
                    code = f"id_{exc.code}" if column.kind == "id" else exc.code  # masked on screen
                    result.problems.append(Problem(file, sheet.name, index + 1, header, _shown(raw), exc.message, exc.fix,
                                                   ERROR, code, cells.text(row[slots[0][0]]) or ""))
                    bad = True
                    continue
                if value is not None:
                    values[column.key] = value
            if bad:
                continue
            parsed.append(_Row(values, headers, index + 1, raw_of))
        if kind == "application":
            # acceptances first, then the steps in date order, so a sheet in any order reads the same
            parsed.sort(key=lambda r: (r.get("step") not in ACCEPT, r.get("date") or _dt.date.min, r.line))
            for row in parsed:
                _application_row(ledger, file, sheet.name, row, result)
        else:
            parsed.sort(key=lambda r: (r.get("date") or _dt.date.min, r.line))
            for row in parsed:
                _visit_row(ledger, file, sheet.name, row, result)
        result.problems[start:] = sorted(result.problems[start:], key=lambda p: p.row)  # in the sheet's order
    if near and not read_any:
        name, kind, row, missing = near[0]
        need = "、".join(c.header for c in REQUIRED[kind])
        raise InputUnreadable(f"{file} 工作表“{name}”第 {row + 1} 行像是{KIND_LABEL[kind]}的表头，但缺少"
                              f"{'、'.join(f'“{h}”' for h in missing)}列。请在表头加上{'这一列' if len(missing) == 1 else '这些列'}（必需的列：{need}）。")
    for name, kind, row, missing in near:
        for header in missing:
            result.problems.append(Problem(file, name, row + 1, header, "", f"缺少“{header}”列，这张工作表没有导入",
                                           f"在表头加上“{header}”列后重新导入", ERROR, "missing_column"))
    if not read_any:
        need = "；".join("、".join(c.header for c in REQUIRED[k]) for k, _ in KINDS)
        raise InputUnreadable(f"{file} 中找不到办理记录或走访记录的表头（前 {HEADER_SCAN_ROWS} 行内没有“{need}”等列名）。"
                              "请按 dibao 自带的示例表（申请办理记录、入户走访记录）填写。")


def _problem(result, file, sheet, row: _Row, key: str, message: str, fix: str, headers_default: str = "") -> None:
    header = row.headers.get(key, headers_default)
    raw = row.raw.get(key)
    code = "id_casework" if key == "applicant_id" else "casework"  # an id_ problem's value is masked on screen
    result.problems.append(Problem(file, sheet, row.line, header, _shown(raw), message, fix, ERROR,
                                   code, row.get("household_id") or ""))


def _missing(result, file, sheet, row: _Row, keys: dict[str, str]) -> bool:
    for key, label in keys.items():
        if not row.get(key):
            _problem(result, file, sheet, row, key, f"{label}没有填写", f"填写{label}", label)
            return True
    return False


def _application_row(ledger, file, sheet, row: _Row, result: ImportResult) -> None:
    from dibao_cli.ledger import casework as store

    if _missing(result, file, sheet, row, {"household_id": "户编号", "step": "事项", "date": "日期"}):
        return
    hid, step, day = row.get("household_id"), row.get("step"), row.get("date")
    source = f"{file}|{sheet}|{row.line}"
    if step in ACCEPT:
        if _missing(result, file, sheet, row, {"applicant": "申请人"}):
            return
        try:
            applicant_id = id_number(row.get("applicant_id"))
        except IdError as exc:
            _problem(result, file, sheet, row, "applicant_id", f"身份证号有误：{exc.message}", exc.fix)
            return
        try:
            programmes = apps.parse_programmes(row.get("programmes"))
        except DibaoError as exc:
            _problem(result, file, sheet, row, "programmes", exc.message, "改为 " + "、".join(apps.PROGRAMMES))
            return
        try:
            relative = apps.parse_relative(row.get("close_relative"))
        except DibaoError as exc:
            _problem(result, file, sheet, row, "close_relative", exc.message, "改为 " + "、".join(apps.RELATIVE_KINDS) + "，或留空")
            return
        _, created = apps.register(ledger, household_id=hid, applicant=row.get("applicant"), applicant_id=applicant_id,
                                   township=row.get("township") or "", village=row.get("village") or "",
                                   programmes=programmes, accepted_on=day, close_relative=relative, source=source)
        if created:
            result.applications += 1
        else:
            result.skipped += 1
        return
    try:
        key = apps.step_key(step)
    except DibaoError as exc:
        _problem(result, file, sheet, row, "step", exc.message, "改为表头批注中列出的事项之一")
        return
    app = store.application_for(ledger, hid, day.isoformat())
    if app is None:
        _problem(result, file, sheet, row, "household_id", "台账中没有这一户在这一天以前受理的申请",
                 "先登记受理（事项填“受理”，或用 dibao apply），或核对户编号和日期")
        return
    try:
        created = apps.record_step(ledger, app, key, day, people=apps.parse_people(row.get("people")),
                                   result=row.get("result") or "", note=row.get("note") or "", source=source)
    except DibaoError as exc:
        column = {"home_visit": "people", "county_visit": "people", "decision": "result", "extension": "note"}.get(key, "date")
        if key == "decision" and (row.get("result") or "").strip() in apps.DECISIONS:
            column = "date"  # the result is clear: a step missing before it, or the date
        _problem(result, file, sheet, row, column, exc.message, "按上面的说明改正这一行后重新导入")
        return
    if created:
        result.steps += 1
    else:
        result.skipped += 1


def _visit_row(ledger, file, sheet, row: _Row, result: ImportResult) -> None:
    if _missing(result, file, sheet, row, {"household_id": "户编号", "date": "走访日期", "visitors": "走访人",
                                           "kind": "走访类型"}):
        return
    try:
        kind = visits.visit_kind(row.get("kind"))
    except DibaoError as exc:
        _problem(result, file, sheet, row, "kind", exc.message, "改为 " + "、".join(visits.KINDS))
        return
    try:
        outcome = visits.outcome(row.get("outcome") or "无变化")
    except DibaoError as exc:
        _problem(result, file, sheet, row, "outcome", exc.message, "改为 " + "、".join(visits.OUTCOMES))
        return
    signal_ids = None
    if row.get("signals"):
        try:
            signal_ids = [int(s) for s in apps.parse_people(row.get("signals"))]
        except ValueError:
            _problem(result, file, sheet, row, "signals", "信号编号应为数字", "填写 dibao visits due 列出的信号编号，多个用逗号分开")
            return
    changes = {k.split(":", 1)[1]: row.get(k) for k in row.values if k.startswith("change:")}
    try:
        done = visits.record_visit(ledger, household_id=row.get("household_id"), on=row.get("date"),
                                   visitors=apps.parse_people(row.get("visitors")), kind=kind,
                                   findings=row.get("findings") or "", changes=changes, result=outcome,
                                   township=row.get("township") or "", village=row.get("village") or "",
                                   signal_ids=signal_ids, source=f"{file}|{sheet}|{row.line}")
    except DibaoError as exc:
        column = "signals" if "信号" in exc.message else "visitors"
        _problem(result, file, sheet, row, column, exc.message, "按上面的说明改正这一行后重新导入")
        return
    if done.visit_id is None:
        result.skipped += 1
        return
    result.visits += 1
    result.steps += 1 if done.step else 0
    result.closed_signals += len(done.closed_signals)
