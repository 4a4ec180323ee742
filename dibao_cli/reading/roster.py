"""Reading rosters: one row per household member, grouped into households, every problem reported.

`read_rosters(paths)` returns a Roster: households (with their members), the problems found (each with
file, sheet, row and column), the unknown columns kept, and a summary. It never raises for bad cells;
it raises InputUnreadable only when a file cannot be read as a roster at all.
"""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Callable, Iterable

from dibao_cli import cells
from dibao_cli.errors import InputUnreadable
from dibao_cli.idcard import IdError, parse_id
from dibao_cli.model import EMPTY, Household, Member, Roster, SheetSummary
from dibao_cli.problems import ERROR, WARNING, Problem
from dibao_cli.reading.columns import HOUSEHOLD, REQUIRED
from dibao_cli.reading.converters import MISS, Slot
from dibao_cli.reading.header import (
    HEADER_SCAN_ROWS,
    HeaderLayout,
    MergedFill,
    fill_merged,
    find_header,
    first_rows,
)
from dibao_cli.reading.households import HEAD_RELATIONS, check_household
from dibao_cli.reading import frame
from dibao_cli.reading.columnar import Declined
from dibao_cli.reading.sheets import Book, Sheet, _LazySheet, open_book

NOTE_PREFIXES = ("注", "说明", "备注", "填表", "填报", "制表", "审核", "负责人", "合计", "总计", "小计", "单位负责人")


# --------------------------------------------------------------------------- reading


class _Reader:
    def __init__(self, on_date: _dt.date, progress: Callable[[int], None] | None):
        self.roster = Roster()
        self.on_date = on_date
        self.progress = progress
        self.seen_ids: dict[str, Member] = {}  # id -> first member with it
        self.use_columnar = os.environ.get("DIBAO_READER", "columnar") != "rows"

    def problem(self, file, sheet, row, column, value, message, fix, severity=ERROR, code="", household=""):
        self.roster.problems.append(
            Problem(file, sheet, row, column, _shown_raw(value), message, fix, severity, code,
                    household or "")
        )

    # ---- sheets
    def read_file(self, path: Path, sheet_name: str | None, all_sheets: bool, encoding: str | None) -> None:
        book = open_book(path, encoding)
        file = str(path)
        self.roster.files.append(file)
        if sheet_name is not None:
            names = [s.name for s in book.sheets]
            if book.kind == "text":
                raise InputUnreadable(f"{file} 是文本文件，没有工作表；请去掉 --sheet。")
            if sheet_name not in names:
                raise InputUnreadable(f"{file} 中没有名为“{sheet_name}”的工作表。现有工作表：{'、'.join(names)}。")
            chosen = [s for s in book.sheets if s.name == sheet_name]
        else:
            chosen = book.sheets
        read_any = False
        skipped_rosters = []
        for sheet in chosen:
            if read_any and not all_sheets and sheet_name is None:
                if self._sheet_has_header(sheet):
                    skipped_rosters.append(sheet.name)
                continue
            if self.read_sheet(book, sheet, required=sheet_name is not None or len(chosen) == 1):
                read_any = True
        if not read_any:
            self._raise_no_header(book, chosen)
        if skipped_rosters:
            self.problem(file, "", None, "", "", f"工作簿中还有 {len(skipped_rosters)} 个名册工作表未读取："
                         f"{'、'.join(skipped_rosters)}", "如需一并读取，请加 --all-sheets；或用 --sheet 指定工作表",
                         WARNING, "sheets_skipped")

    def _sheet_has_header(self, sheet: Sheet) -> bool:
        return find_header(first_rows(sheet.rows())) is not None

    def _raise_no_header(self, book: Book, sheets: list[Sheet]) -> None:
        file = str(book.path)
        where = f"工作表“{sheets[0].name}”" if len(sheets) == 1 and sheets[0].name else "任何工作表"
        missing = "、".join(c.header for c in REQUIRED)
        raise InputUnreadable(
            f"{file} 的{where}中找不到名册表头（前 {HEADER_SCAN_ROWS} 行内没有“{missing}”等列名）。"
            f"请确认这是低保名册，或用 dibao template 生成标准名册后照填。"
        )

    def _columnar(self, sheet: Sheet):
        """(layout, data table, its first column) when the sheet can be read by columns with the same cell
        values, else None."""
        source = sheet.columnar() if self.use_columnar and isinstance(sheet, _LazySheet) else None
        if source is None:
            return None
        head = source.head
        grid = {index: list(head.rows.get(index, ())) for index in range(max(head.rows, default=-1) + 1)}
        layout = find_header(grid)
        if layout is None or set(layout.header_rows) & head.numeric_rows:
            return None
        try:
            table = source.load(layout.header_rows[-1] + 1)
        except Declined:
            return None
        return layout, table, head.first_column

    def read_sheet(self, book: Book, sheet: Sheet, required: bool) -> bool:
        file = str(book.path)
        fast = self._columnar(sheet)
        if fast is not None:
            layout, table, first_column = fast
            first_row = layout.header_rows[-1] + 1

            def read(slots, summary):
                frame.read_table(self, file, sheet.name, table, first_row, first_column, slots, layout.columns,
                                 summary)

            self._read_layout(file, sheet, layout, read)
            return True
        rows = sheet.rows()
        grid = first_rows(rows)
        header_grid = {k: list(v) for k, v in grid.items()}
        merged = sheet.merged
        fill_merged(header_grid, merged)
        layout = find_header(header_grid)
        if layout is None:
            if required:
                self._raise_no_header(book, [sheet])
            return False
        last_header = layout.header_rows[-1]

        def read(slots, summary):
            def data_rows():
                for index in sorted(grid):
                    if index > last_header:
                        yield index, grid[index]
                yield from rows

            self._read_data(file, sheet.name, data_rows(), slots, layout.columns, MergedFill(merged, last_header),
                            summary)

        self._read_layout(file, sheet, layout, read)
        return True

    def _read_layout(self, file: str, sheet: Sheet, layout: HeaderLayout, read: Callable) -> None:
        slots = self._make_slots(file, sheet.name, layout)
        last_header = layout.header_rows[-1]
        summary = SheetSummary(file, sheet.name, last_header + 1, 0, 0,
                               [h for _, c, h in layout.columns if c is None],
                               [c.header for _, c, _ in layout.columns if c is not None and c.key.startswith("income:")])
        self.roster.sheets.append(summary)
        for header in summary.unknown_columns:
            self.problem(file, sheet.name, last_header + 1, header, "", "未识别的列：已保留，但不参与计算",
                         "如果这是收入或支出项目，请把列名改成标准名称（见 dibao template）", WARNING, "unknown_column")
        read(slots, summary)

    def _make_slots(self, file: str, sheet: str, layout: HeaderLayout) -> list[Slot]:
        slots: list[Slot] = []
        seen: dict[str, str] = {}
        header_row = layout.header_rows[-1] + 1
        for index, column, header in layout.columns:
            if column is None:
                continue
            if column.key in seen:
                self.problem(file, sheet, header_row, header, "", f"与“{seen[column.key]}”是同一列，已忽略这一列",
                             "删除重复的列，或改成正确的列名", WARNING, "duplicate_column")
                continue
            seen[column.key] = header
            slots.append(Slot(index, column, header))
        missing = [c.header for c in REQUIRED if c.key not in seen]
        if missing:
            found = "、".join(h for _, _, h in layout.columns)
            raise InputUnreadable(
                f"{file}{'（工作表“' + sheet + '”）' if sheet else ''} 缺少必需的列：{'、'.join(missing)}。"
                f"第 {header_row} 行的列名是：{found}。请补上这些列（列名写法见 dibao template）。"
            )
        return slots

    # ---- rows
    def _read_data(self, file: str, sheet: str, rows, slots: list[Slot], layout_columns, fill,
                   summary: SheetSummary) -> None:
        households = self.roster.households
        seen_ids = self.seen_ids
        progress = self.progress
        id_slot = next(s for s in slots if s.key == "id_number")
        name_slot = next(s for s in slots if s.key == "name")
        hid_slot = next(s for s in slots if s.key == "household_id")
        member_slots = [s for s in slots if s.level != HOUSEHOLD and s.key not in ("id_number",) and s.convert]
        household_slots = [s for s in slots if s.level == HOUSEHOLD and s.convert and s.key != "household_id"]
        width = max(s.index for s in slots) + 1
        unknown = {i: h for i, c, h in layout_columns if c is None}
        plan = []
        for slot in member_slots:
            if slot.attr is not None:
                target, name_ = 0, slot.attr
            elif slot.key.startswith("income:"):
                target, name_ = 1, slot.key[7:]
            else:
                target, name_ = 2, slot.key[8:]
            plan.append((slot.index, slot.memo.get if slot.memo is not None else None, target, name_, slot))
        count = 0
        last_household = None
        last_raw: list = [None] * len(household_slots)
        for index, row in rows:
            count += 1
            if progress is not None and count % 5000 == 0:
                progress(5000)
            if fill.active:
                row = fill.apply(index, row)
            if len(row) < width:
                row = row + [None] * (width - len(row))
            line = index + 1
            raw_name = row[name_slot.index]
            raw_id = row[id_slot.index]
            if raw_name is None and raw_id is None:
                if self._is_blank_or_note(row):
                    continue
                self.problem(file, sheet, line, "", "", "这一行有内容，但没有姓名和身份证号",
                             "补上姓名和身份证号；如果是说明文字，请移到表格下方单独一行的第一列", ERROR, "row_no_person")
                continue
            summary.data_rows += 1
            member = Member(file, sheet, line)
            raw_hid = row[hid_slot.index]
            hid_bad = False
            try:
                if type(raw_hid) is not str or raw_hid[:1] in cells.SUSPECT:
                    cells.refuse_bad(raw_hid)
                household_id = cells.text(raw_hid)
            except cells.CellError as exc:
                self.problem(file, sheet, line, hid_slot.header, raw_hid, exc.message, exc.fix, ERROR, exc.code)
                member.has_error = True
                household_id, hid_bad = None, True
            member.household_id = household_id
            # member-level cells (the memo lookup is inlined: this loop runs for every cell)
            for index_, memo_get, target, name_, slot in plan:
                raw = row[index_]
                if raw is None:
                    continue
                value = MISS if memo_get is None else memo_get(raw if type(raw) is str else (raw, type(raw)), MISS)
                if value is MISS:
                    value = slot.value(raw)
                if value is None:
                    continue
                if type(value) is cells.CellError:
                    self.problem(file, sheet, line, slot.header, raw, value.message, value.fix, value.severity,
                                 value.code, household_id)
                    if value.severity == ERROR:
                        member.has_error = True
                    continue
                if target == 0:
                    setattr(member, name_, value)
                elif value == 0:
                    continue  # a zero amount changes no sum and lists nothing: no dict for it (memory at 1M rows)
                elif target == 1:
                    if member.incomes is EMPTY:
                        member.incomes = {}
                    member.incomes[name_] = value
                else:
                    if member.expenses is EMPTY:
                        member.expenses = {}
                    member.expenses[name_] = value
            self._read_id(file, sheet, line, id_slot, raw_id, member, household_id)
            if member.name is None and not cells.is_bad(raw_name):
                self.problem(file, sheet, line, name_slot.header, "", "姓名为空", "填写成员姓名", ERROR, "name_missing",
                             household_id)
                member.has_error = True
            relation = member.relation
            member.is_head = relation in HEAD_RELATIONS
            for index_extra, header in unknown.items():
                if index_extra < len(row) and row[index_extra] is not None:
                    if member.extra is EMPTY:
                        member.extra = {}
                    value = row[index_extra]
                    member.extra[header] = str(value) if type(value) is cells.BadCell else value
            summary.members += 1
            if household_id is None:
                if not hid_bad:
                    self.problem(file, sheet, line, hid_slot.header, "", "户编号为空：不知道此人属于哪一户",
                                 "填写户编号（同一户的成员填同一个编号，可合并单元格）", ERROR, "household_id_missing")
                member.has_error = True
                self.roster.orphans.append(member)
                continue
            household = households.get(household_id)
            if household is None:
                household = Household(household_id, file, sheet, line)
                households[household_id] = household
            elif household.file != file:
                self.problem(file, sheet, line, hid_slot.header, household_id,
                             f"户编号与另一文件 {household.file} 中的一户相同", "核对户编号；同一户只应出现在一个名册中",
                             WARNING, "household_in_two_files", household_id)
            household.members.append(member)
            if member.has_error:
                household.has_error = True
            # household-level cells: a row of the same household repeating the previous row's cell is skipped
            same = household is last_household
            last_household = household
            for position, slot in enumerate(household_slots):
                raw = row[slot.index]
                if raw is None:
                    continue
                if same and last_raw[position] == raw and type(last_raw[position]) is type(raw):
                    continue
                last_raw[position] = raw
                memo = slot.memo
                value = MISS if memo is None else memo.get(raw if type(raw) is str else (raw, type(raw)), MISS)
                if value is MISS:
                    value = slot.value(raw)
                if isinstance(value, cells.CellError):
                    self.problem(file, sheet, line, slot.header, raw, value.message, value.fix, value.severity,
                                 value.code, household_id)
                    if value.severity == ERROR:
                        household.has_error = True
                    continue
                if value is None:
                    continue
                previous = getattr(household, slot.key)
                if previous is None:
                    setattr(household, slot.key, value)
                elif previous != value:
                    self.problem(file, sheet, line, slot.header, raw,
                                 f"同一户内不一致：本户前面的行是“{_show(previous)}”",
                                 "户级信息只填在户主行，或每行填同样的值", ERROR, "household_conflict", household_id)
                    household.has_error = True
        if progress is not None:
            progress(count % 5000)

    def _read_id(self, file, sheet, line, slot: Slot, raw, member: Member, household_id) -> None:
        try:
            if type(raw) is not str or raw[:1] in cells.SUSPECT:
                cells.refuse_bad(raw)
        except cells.CellError as exc:
            self.problem(file, sheet, line, slot.header, raw, exc.message, exc.fix, ERROR, exc.code, household_id)
            member.has_error = True
            return
        try:
            info = parse_id(raw)
        except IdError as exc:
            self.problem(file, sheet, line, slot.header, raw, exc.message, exc.fix, ERROR, exc.code, household_id)
            member.has_error = True
            return
        member.id_number = info.number
        member.birth = info.birth
        member.male = info.male
        if info.upgraded:
            self.problem(file, sheet, line, slot.header, raw, f"15位旧身份证号，已按国家标准升为18位：{info.number}",
                         "在名册中改填18位号码", WARNING, "id_upgraded", household_id)
        previous = self.seen_ids.get(info.number)
        if previous is None:
            self.seen_ids[info.number] = member
            return
        p_file, p_line, p_household = previous.file, previous.row, previous.household_id or ""
        if p_file != file:
            where, code = f"另一个文件 {p_file} 第 {p_line} 行", "id_duplicate_file"
        elif p_household == (household_id or ""):
            where, code = f"本户第 {p_line} 行", "id_duplicate_household"
        else:
            where, code = f"第 {p_line} 行（户编号 {p_household}）", "id_duplicate_other_household"
        self.problem(file, sheet, line, slot.header, raw, f"身份证号重复：与{where}相同", "同一人只能登记一次；删除重复的行",
                     ERROR, code, household_id)
        member.has_error = True

    @staticmethod
    def _is_blank_or_note(row: list) -> bool:
        filled = [v for v in row if v is not None and (not isinstance(v, str) or v.strip())]
        if not filled:
            return True
        if type(filled[0]) is cells.BadCell:
            return False
        first = cells.text(filled[0]) or ""
        return first.startswith(NOTE_PREFIXES) or len(filled) == 1

    # ---- households
    def check_households(self) -> None:
        for household in self.roster.households.values():
            check_household(household, self.on_date, self.problem)


def _shown_raw(value) -> str:
    """A cell as the clerk typed it: 2026 rather than the reader's 2026.0."""
    if value is None:
        return ""
    if type(value) is float and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _show(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def read_rosters(
    paths: Iterable[Path],
    *,
    sheet: str | None = None,
    all_sheets: bool = False,
    encoding: str | None = None,
    on_date: _dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> Roster:
    """Read one or more roster files into one Roster; problems are collected, not raised."""
    reader = _Reader(on_date or _dt.date.today(), progress)
    for path in paths:
        reader.read_file(Path(path), sheet, all_sheets, encoding)
    reader.check_households()
    return reader.roster
