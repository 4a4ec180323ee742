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
from dibao_cli.model import EMPTY, Member, Roster, SheetSummary
from dibao_cli.problems import ERROR, WARNING, Problem
from dibao_cli.idcard import clean_id18
from dibao_cli.reading.apply import (
    ATTRIBUTE,
    INCOME,
    cell_error,
    check_name,
    duplicate_id,
    household_cell,
    household_number,
    join_household,
    read_id,
    target_of,
)
from dibao_cli.reading.columns import HOUSEHOLD, REQUIRED
from dibao_cli.reading.converters import MISS, Slot, plain_check, plain_text
from dibao_cli.reading.header import (
    HEADER_SCAN_ROWS,
    HeaderLayout,
    MergedFill,
    fill_merged,
    find_header,
    first_rows,
)
from dibao_cli.reading import households as _households
from dibao_cli.reading.households import HEAD_RELATIONS
from dibao_cli.reading.sheets import Book, Sheet, _LazySheet, open_book

# Sheets with less XML than this (about 14,000 rows of 18 columns) are read row by row: importing pyarrow and
# fastexcel costs more than the columns save (measured CPU of `check`: 10,000 rows 0.58 s by rows, 0.64 s by
# columns; 20,000 rows 0.91 s and 0.84 s)
COLUMNAR_FROM_BYTES = 8 * 1024 * 1024

NOTE_PREFIXES = ("注", "说明", "备注", "填表", "填报", "制表", "审核", "负责人", "合计", "总计", "小计", "单位负责人")


# --------------------------------------------------------------------------- reading


class _Reader:
    def __init__(self, on_date: _dt.date, progress: Callable[[int], None] | None,
                 while_loading: Callable[[], None] | None = None):
        self.roster = Roster()
        self.on_date = on_date
        self.progress = progress
        self.while_loading = while_loading  # the caller's work for while a child loads a sheet (run once, see load)
        self._seen_ids: dict[str, Member] = {}  # id -> first member with it
        self._new_ids: list[tuple[list, list]] = []  # (numbers, members) of a sheet read by columns, not yet in it
        # households read by columns that check_household would find nothing in: id -> number of members then
        self.quiet: dict[int, int] = {}
        # DIBAO_READER: "rows" or "columnar" forces one reader (the tests compare them); by default a sheet is read
        # by columns from COLUMNAR_FROM_BYTES of XML on, where that costs less than reading it row by row
        mode = os.environ.get("DIBAO_READER", "")
        self.use_columnar = mode != "rows"
        self.columnar_from_bytes = 0 if mode == "columnar" else COLUMNAR_FROM_BYTES

    @property
    def seen_ids(self) -> dict[str, Member]:
        """Each ID number read -> the first member with it."""
        if self._new_ids:
            for numbers, members in self._new_ids:
                self._seen_ids.update(zip(numbers, members))
            self._new_ids.clear()
        return self._seen_ids

    def add_new_ids(self, numbers: list, members: list) -> None:
        """Numbers not read before, each once, of these members: added to seen_ids only when it is next asked for
        (a roster of one sheet never asks)."""
        self._new_ids.append((numbers, members))

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
        """(layout, data table, its first column, the loader whose child screens the IDs or None, the cells holding
        an error value or a formula without its result by table column and row) when the sheet can be read by
        columns with the same cell values, else None."""
        source = (sheet.columnar(self.columnar_from_bytes) if self.use_columnar and isinstance(sheet, _LazySheet)
                  else None)
        if source is None:
            return None
        head = source.head
        grid = {index: list(head.rows.get(index, ())) for index in range(max(head.rows, default=-1) + 1)}
        layout = find_header(grid)
        if layout is None or set(layout.header_rows) & head.numeric_rows:
            return None
        from dibao_cli.reading.columnar import Declined

        ids = [index - head.first_column for index, column, _ in layout.columns
               if column is not None and column.key == "id_number"]
        # the household-level columns, read last (frame.read_table)
        later = tuple(index - head.first_column for index, column, _ in layout.columns
                      if column is not None and column.level == HOUSEHOLD and column.key != "household_id"
                      and index >= head.first_column)
        try:
            table, loading, bad = source.load(layout.header_rows[-1] + 1, ids[0] if len(ids) == 1 else None, later,
                                              self._while_loading)
        except Declined:
            return None
        return layout, table, head.first_column, loading, bad

    def _while_loading(self) -> None:
        """The caller's work for while a child loads a sheet's rows, the first time one does (then never again)."""
        work, self.while_loading = self.while_loading, None
        if work is not None:
            work()

    def read_sheet(self, book: Book, sheet: Sheet, required: bool) -> bool:
        file = str(book.path)
        fast = self._columnar(sheet)
        if fast is not None:
            layout, table, first_column, loading, bad = fast
            first_row = layout.header_rows[-1] + 1

            from dibao_cli.reading import frame

            def read(slots, summary):
                frame.read_table(self, file, sheet.name, table, first_row, first_column, slots, layout.columns,
                                 summary, loading, bad)

            try:
                self._read_layout(file, sheet, layout, read)
            finally:
                if loading is not None:
                    loading.cancel()
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
        # This loop runs for every row of every roster read by rows: the common case (a clean cell, a clean ID
        # number, a row of the household before) is inlined; anything else goes through the helpers the columnar
        # reader shares (reading/apply.py), so that both readers report the same problems in the same order.
        roster = self.roster
        problem = self.problem
        seen_ids = self.seen_ids
        remember_id = seen_ids.setdefault
        households = roster.households
        progress = self.progress
        id_slot = next(s for s in slots if s.key == "id_number")
        name_slot = next(s for s in slots if s.key == "name")
        hid_slot = next(s for s in slots if s.key == "household_id")
        member_slots = [s for s in slots if s.level != HOUSEHOLD and s.key not in ("id_number",) and s.convert]
        household_slots = [s for s in slots if s.level == HOUSEHOLD and s.convert and s.key != "household_id"]
        width = max(s.index for s in slots) + 1
        unknown = {i: h for i, c, h in layout_columns if c is None}
        id_index, name_index, hid_index = id_slot.index, name_slot.index, hid_slot.index
        # a column whose cells are nearly all distinct and their own clean values (names, dates) is not looked up
        plan = [(slot.index, plain_check(slot.column), slot.memo.get if slot.memo is not None else None,
                 *target_of(slot), slot) for slot in member_slots]
        household_plan = [(position, slot.index, slot.memo.get if slot.memo is not None else None, slot.key, slot)
                          for position, slot in enumerate(household_slots)]
        CellError = cells.CellError  # noqa: N806 (looked up once, not per cell)
        active = fill.active
        count = data_rows = members = 0
        last_household = None
        household_count = len(household_slots)
        last_raw: list = [None] * household_count
        last_hid = None  # the household number cell of the row before, when it was its own clean value
        try:
            for index, row in rows:
                count += 1
                if progress is not None and count % 5000 == 0:
                    progress(5000)
                if active:
                    row = fill.apply(index, row)
                if len(row) < width:
                    row = row + [None] * (width - len(row))
                line = index + 1
                raw_name = row[name_index]
                raw_id = row[id_index]
                if raw_name is None and raw_id is None:
                    if self._is_blank_or_note(row):
                        continue
                    problem(file, sheet, line, "", "", "这一行有内容，但没有姓名和身份证号",
                            "补上姓名和身份证号；如果是说明文字，请移到表格下方单独一行的第一列", ERROR, "row_no_person")
                    continue
                data_rows += 1
                member = Member(file, sheet, line)
                raw_hid = row[hid_index]
                hid_bad = False
                where = (file, sheet, line)
                if type(raw_hid) is str and (raw_hid == last_hid or plain_text(raw_hid)):  # its own clean value
                    household_id = last_hid = raw_hid
                else:
                    try:
                        household_id = household_number(raw_hid)
                    except CellError as exc:
                        problem(file, sheet, line, hid_slot.header, raw_hid, exc.message, exc.fix, ERROR, exc.code)
                        member.has_error = True
                        household_id, hid_bad = None, True
                member.household_id = household_id
                # member-level cells (the memo lookup is inlined: this loop runs for every cell)
                for index_, plain, memo_get, target, name_, slot in plan:
                    raw = row[index_]
                    if raw is None:
                        continue
                    if plain is not None:
                        value = raw if plain(raw) else slot.value(raw)
                    else:
                        kind = type(raw)
                        value = memo_get(raw if kind is str or kind is float else (raw, kind), MISS)
                        if value is MISS:
                            value = slot.value(raw)
                    if value is None:
                        continue
                    if type(value) is CellError:
                        cell_error(problem, where, slot, raw, value, household_id, member)
                        continue
                    if target == ATTRIBUTE:
                        setattr(member, name_, value)
                    elif value != 0:  # a zero amount changes no sum and lists nothing: no dict for it (memory at 1M rows)
                        if target == INCOME:
                            items = member.incomes
                            if items is EMPTY:
                                items = member.incomes = {}
                        else:
                            items = member.expenses
                            if items is EMPTY:
                                items = member.expenses = {}
                        items[name_] = value
                clean = clean_id18(raw_id) if type(raw_id) is str else None
                if clean is not None:  # a clean 18-character number (nearly every row)
                    number = member.id_number = clean[0]
                    member.birth = clean[1]
                    member.male = clean[2]
                    previous = remember_id(number, member)
                    if previous is not member:
                        duplicate_id(problem, where, file, id_slot, raw_id, member, household_id, previous)
                else:
                    read_id(problem, where, file, id_slot, raw_id, member, household_id, seen_ids)
                if member.name is None:
                    check_name(problem, where, name_slot, raw_name, member, household_id)
                member.is_head = member.relation in HEAD_RELATIONS
                if unknown:
                    for index_extra, header in unknown.items():
                        if index_extra < len(row) and row[index_extra] is not None:
                            if member.extra is EMPTY:
                                member.extra = {}
                            value = row[index_extra]
                            member.extra[header] = str(value) if type(value) is cells.BadCell else value
                members += 1
                household = households.get(household_id) if household_id is not None else None
                if household is not None and household.file == file:  # a row of a household begun before
                    household.members.append(member)
                    if member.has_error:
                        household.has_error = True
                else:
                    household = join_household(roster, problem, where, hid_slot, member, household_id, hid_bad)
                    if household is None:
                        continue
                # household-level cells: a row of the same household repeating the household's previous filled cell
                # is skipped; a household's first row compares with nothing (a value repeating the household above
                # is this household's value all the same)
                same = household is last_household
                if not same:
                    last_household = household
                    last_raw = [None] * household_count
                for position, index_, memo_get, key, slot in household_plan:
                    raw = row[index_]
                    if raw is None:
                        continue
                    if same:
                        last = last_raw[position]
                        if last == raw and type(last) is type(raw):
                            continue
                    last_raw[position] = raw
                    if memo_get is None:  # a name: nearly all distinct, nearly all plain
                        value = raw if type(raw) is str and plain_text(raw) else slot.value(raw)
                    else:
                        kind = type(raw)
                        value = memo_get(raw if kind is str or kind is float else (raw, kind), MISS)
                        if value is MISS:
                            value = slot.value(raw)
                    if value is None or (type(value) is not CellError and getattr(household, key) is None):
                        if value is not None:  # the household's first value: nothing to compare it with
                            setattr(household, key, value)
                        continue
                    household_cell(problem, where, slot, raw, value, household, household_id)
        finally:
            summary.data_rows += data_rows
            summary.members += members
        if progress is not None:
            progress(count % 5000)

    @staticmethod
    def _is_blank_or_note(row: list) -> bool:
        filled = [v for v in row if v is not None and (not isinstance(v, str) or v.strip())]
        if not filled:
            return True
        if type(filled[0]) is cells.BadCell:
            # formulas without their result and nothing else (a total row of a file no spreadsheet program saved):
            # no person's data to report
            return all(type(v) is cells.BadCell and v.kind == "uncached" for v in filled)
        first = cells.text(filled[0]) or ""
        return first.startswith(NOTE_PREFIXES) or len(filled) == 1

    # ---- households
    def check_households(self) -> None:
        _households.check_households(self.roster.households.values(), self.on_date, self.problem, self.quiet)


def _shown_raw(value) -> str:
    """A cell as the clerk typed it: 2026 rather than the reader's 2026.0."""
    if value is None:
        return ""
    if type(value) is float and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def read_rosters(
    paths: Iterable[Path],
    *,
    sheet: str | None = None,
    all_sheets: bool = False,
    encoding: str | None = None,
    on_date: _dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    while_loading: Callable[[], None] | None = None,
) -> Roster:
    """Read one or more roster files into one Roster; problems are collected, not raised.

    `while_loading`: work of the caller's that needs no roster (reading the ledger, hashing the files), run in this
    process while a child process loads a large sheet's rows, instead of waiting idle; run at most once, and not at
    all when no sheet is loaded that way (the caller then does it after)."""
    reader = _Reader(on_date or _dt.date.today(), progress, while_loading)
    for path in paths:
        reader.read_file(Path(path), sheet, all_sheets, encoding)
    reader.check_households()
    return reader.roster
