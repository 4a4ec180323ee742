"""Reading other departments' extracts (deaths, vehicles, businesses, payroll, real estate, pensions).

They come in the same messy shapes as rosters (title rows, GB18030 CSV, IDs in scientific notation), so
they go through the same file reader and cell cleaners; each kind names its usual columns.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from dibao_cli import cells
from dibao_cli.errors import InputUnreadable, UsageInvalid
from dibao_cli.idcard import IdError, parse_id
from dibao_cli.problems import ERROR, WARNING, Problem
from dibao_cli.reading.columns import header_key
from dibao_cli.reading.header import first_match
from dibao_cli.reading.sheets import open_book

ID_ALIASES = ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "id", "id_number")
NAME_ALIASES = ("姓名", "名字", "name")


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    id_aliases: tuple[str, ...]
    name_aliases: tuple[str, ...]
    date_aliases: tuple[str, ...]
    detail_aliases: tuple[tuple[str, tuple[str, ...]], ...]  # (shown label, aliases)
    code: str
    text: str
    follow_up: str
    basis: str
    full_recovery: bool  # True: the whole benefit since the date may be undue


KINDS = {
    "death": Kind("death", "死亡/殡葬", ID_ALIASES + ("死者身份证号", "逝者身份证号"), NAME_ALIASES + ("死者姓名", "逝者姓名"),
                  ("死亡日期", "死亡时间", "火化日期", "火化时间", "殡葬日期"),
                  (("死亡原因", ("死亡原因",)), ("火化地点", ("殡仪馆", "火化地点"))),
                  "death", "成员已死亡（户籍/殡葬数据）", "核减该成员，重新核算本户保障金；单人户停保",
                  "民发〔2021〕57号（动态管理）：家庭成员变化应及时调整保障", False),
    "vehicle": Kind("vehicle", "车辆", ID_ALIASES + ("所有人身份证号", "车主身份证号"), NAME_ALIASES + ("所有人", "车主", "机动车所有人"),
                    ("登记日期", "初次登记日期", "注册登记日期"),
                    (("号牌号码", ("号牌号码", "车牌号", "车牌号码")), ("车辆类型", ("车辆类型", "车型"))),
                    "vehicle", "名下有登记的机动车辆", "按家庭财产核查：核实车辆用途，超过规定的不符合低保条件",
                    "民发〔2021〕57号：家庭财产（机动车辆）", True),
    "business": Kind("business", "市场主体", ID_ALIASES + ("法定代表人身份证号", "经营者身份证号", "负责人身份证号"),
                     NAME_ALIASES + ("法定代表人", "经营者", "负责人"), ("成立日期", "登记日期", "注册日期"),
                     (("名称", ("企业名称", "字号名称", "名称", "主体名称")), ("类型", ("类型", "主体类型", "企业类型"))),
                     "business", "登记有企业、个体工商户或合作社", "按家庭财产和经营收入核查",
                     "民发〔2021〕57号：家庭财产（市场主体）和经营净收入", True),
    "payroll": Kind("payroll", "财政供养", ID_ALIASES, NAME_ALIASES, ("入职日期", "参加工作时间", "参加工作日期", "起薪日期"),
                    (("单位", ("单位", "工作单位", "单位名称")), ("月工资", ("月工资", "应发工资", "工资"))),
                    "payroll", "是财政供养人员（有工资收入）", "工资性收入应计入家庭收入，重新核算",
                    "民发〔2021〕57号第十一条：工资性收入", True),
    "real_estate": Kind("real_estate", "不动产", ID_ALIASES + ("权利人证件号", "权利人身份证号"),
                        NAME_ALIASES + ("权利人", "权利人姓名"), ("登记日期", "登簿日期"),
                        (("坐落", ("坐落", "房屋坐落", "地址")), ("面积", ("面积", "建筑面积"))),
                        "real_estate", "名下有登记的不动产", "按家庭财产（房产）核查",
                        "民发〔2021〕57号：家庭财产（房屋）", True),
    "pension": Kind("pension", "社保/养老金", ID_ALIASES, NAME_ALIASES, ("开始领取日期", "待遇开始日期", "领取日期"),
                    (("险种", ("险种", "养老金类别", "待遇类别")), ("月养老金", ("月养老金", "月领取金额", "月待遇"))),
                    "pension", "领取养老金", "按转移性收入核查（城乡居民基础养老金以外的养老金计入收入）",
                    "民发〔2021〕57号第十一条：转移净收入", True),
}


@dataclass
class Record:
    """One row of an extract: normalised ID (or None), name, date, details, where it was read."""

    file: str
    sheet: str
    row: int
    id_number: str | None
    name: str | None
    birth: _dt.date | None
    date: _dt.date | None
    details: dict[str, str] = field(default_factory=dict)


@dataclass
class Extract:
    kind: Kind
    file: str
    records: list[Record]
    problems: list[Problem]


def generic_kind(key_column: str, mapping: dict[str, str]) -> Kind:
    """A kind described on the command line: --key names the ID column, --columns maps 姓名/日期/others."""
    name = mapping.pop("姓名", None)
    date = mapping.pop("日期", None)
    details = tuple((label, (column,)) for label, column in mapping.items())
    return Kind("generic", "其他部门数据", (key_column,), (name,) if name else (), (date,) if date else (), details,
                "generic", "在其他部门数据中出现", "按该部门数据的性质核查", "民发〔2021〕57号（动态管理）：部门信息比对", True)


def _find(header: list, aliases: tuple[str, ...]) -> int | None:
    wanted = {header_key(a, simplified=True) for a in aliases}
    for index, raw in enumerate(header):
        if raw is not None and header_key(raw) in wanted:
            return index
    return None


def _layout(row: list, kind: Kind):
    """The columns of an extract's header row, or None when the row has neither the ID column nor name and birth."""
    id_col = _find(row, kind.id_aliases)
    name_col = _find(row, kind.name_aliases) if kind.name_aliases else None
    if id_col is None and (name_col is None or _find(row, ("出生日期", "出生年月")) is None):
        return None
    return (id_col, name_col, _find(row, kind.date_aliases) if kind.date_aliases else None,
            _find(row, ("出生日期", "出生年月")),
            [(label, _find(row, aliases)) for label, aliases in kind.detail_aliases],
            [str(v) for v in row])


def read_extract(path: Path, kind: Kind, encoding: str | None = None) -> Extract:
    """Read every sheet of an extract that has the kind's ID (or name) column."""
    book = open_book(Path(path), encoding)
    file = str(path)
    records: list[Record] = []
    problems: list[Problem] = []
    found_any = False
    for sheet in book.sheets:
        rows = sheet.rows()
        found = first_match(rows, lambda row: _layout(row, kind))
        if found is None:
            continue
        found_any = True
        id_col, name_col, date_col, birth_col, detail_cols, header = found[2]
        for index, row in rows:
            line = index + 1
            if not any(v is not None and str(v).strip() for v in row):
                continue

            def cell(col):
                value = row[col] if col is not None and col < len(row) else None
                return None if cells.is_bad(value) else value  # error values and uncached formulas say nothing

            raw_id = row[id_col] if id_col is not None and id_col < len(row) else None
            number = None
            try:
                cells.refuse_bad(raw_id)
            except cells.CellError as error:
                problems.append(Problem(file, sheet.name, line, header[id_col], str(raw_id), error.message,
                                        "请提供数据的部门改正这个单元格后重新导出", ERROR, error.code))
                raw_id = None
            if raw_id is not None:
                try:
                    number = parse_id(raw_id).number
                except IdError as exc:
                    problems.append(Problem(file, sheet.name, line, header[id_col], str(raw_id), exc.message,
                                            f"请提供数据的部门{exc.fix.replace('照原始证件', '按原始登记')}", ERROR, exc.code))
            name = cells.name(cell(name_col))

            def read_date(col, use):
                # an unreadable date is never a silent blank: the row is still matched, and the clerk is told
                if col is None or col >= len(row):
                    return None
                try:
                    cells.refuse_bad(row[col])
                    return (cells.date if col == birth_col else cells.record_date)(row[col])
                except cells.CellError as error:
                    raw = row[col]
                    shown = cells.text(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else str(raw)
                    problems.append(Problem(file, sheet.name, line, header[col], shown,
                                            f"{error.message}：这一行仍参与比对，但{use}",
                                            f"请提供数据的部门改正这个单元格后重新导出（{error.fix}）",
                                            WARNING, error.code))
                    return None

            date = read_date(date_col, "没有日期，不计算已发月数和应追缴金额")
            birth = read_date(birth_col, "不能按姓名和出生日期匹配")
            if number is None and (name is None or birth is None):
                continue
            details = {label: cells.text(cell(col)) or "" for label, col in detail_cols if col is not None}
            records.append(Record(file, sheet.name, line, number, name, birth, date, details))
    if not found_any:
        raise InputUnreadable(
            f"{file} 中找不到{kind.label.removesuffix('数据')}数据的身份证号列（可用列名：{'、'.join(kind.id_aliases[:4])}）。"
            "其他列名请用 --kind generic --key 列名 指定。")
    return Extract(kind, file, records, problems)


def parse_mapping(text: str | None) -> dict[str, str]:
    """--columns "姓名=户主姓名,日期=登记时间,单位=工作单位"."""
    mapping: dict[str, str] = {}
    for part in (text or "").replace("，", ",").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise UsageInvalid(f"--columns 中的“{part}”应写成 含义=列名，如 姓名=户主姓名")
        label, column = (p.strip() for p in part.split("=", 1))
        mapping[label] = column
    return mapping
