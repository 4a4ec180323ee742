"""A roster sheet's data rows read from Arrow columns: each column cleaned once per distinct value, ID
numbers checked as whole columns, members and households built column by column.

The cleaners are the same functions the row reader calls (dibao_cli.cells through converters.Slot, and
idcard.parse_id for every ID number that is not a clean 18-character number), applied to the same cell
values; only the order of the work changes. Problems are collected with the position of the row and
the step of the row reader that would have found them, then sorted, so they come out in the row
reader's order.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from dibao_cli import cells
from dibao_cli.idcard import CHECK_CHARS, WEIGHTS
from dibao_cli.model import EMPTY, Household, Member
from dibao_cli.problems import ERROR, WARNING
from dibao_cli.reading.columnar import column_values
from dibao_cli.reading.columns import HOUSEHOLD
from dibao_cli.reading.households import HEAD_RELATIONS

if TYPE_CHECKING:
    from dibao_cli.reading.converters import Slot

# steps of the row reader, in the order it reports a row's problems
_NO_PERSON, _HOUSEHOLD_ID, _MEMBER, _ID, _NAME, _NO_HOUSEHOLD, _TWO_FILES, _HOUSEHOLD_CELL = range(8)


def _distinct(column) -> tuple[list, list]:
    """(code of each row or None, the distinct cell values) of one Arrow column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_null(array.type):
        return [None] * len(array), []
    encoded = pc.dictionary_encode(array)
    raws = column_values(encoded.dictionary)
    codes = encoded.indices.to_pylist()
    if any(raw is None for raw in raws):  # "" read as an empty cell
        empty = {i for i, raw in enumerate(raws) if raw is None}
        codes = [None if c in empty else c for c in codes]
    return codes, raws


def _clean_ids(column):
    """Numbers, birth dates and sex of the clean 18-character ID numbers (None where the cell needs parse_id)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    shaped = pc.fill_null(pc.match_substring_regex(array, r"^[0-9]{17}[0-9Xx]$"), False)
    text = pc.if_else(shaped, array, pa.scalar("000000190001010000"))
    total = None
    for position, weight in enumerate(WEIGHTS):
        digit = pc.cast(pc.utf8_slice_codeunits(text, position, position + 1), pa.int64())
        term = pc.multiply(digit, weight)
        total = term if total is None else pc.add(total, term)
    expected = pc.take(pa.array(list(CHECK_CHARS)), pc.subtract(total, pc.multiply(pc.divide(total, 11), 11)))
    upper = pc.utf8_upper(text)
    last = pc.utf8_slice_codeunits(upper, 17, 18)
    good = pc.and_(shaped, pc.equal(last, expected))
    digits = pc.utf8_slice_codeunits(text, 6, 14)
    births = pc.strptime(digits, format="%Y%m%d", unit="s", error_is_null=True)
    year = pc.cast(pc.utf8_slice_codeunits(text, 6, 10), pa.int64())
    good = pc.and_(pc.and_(good, pc.is_valid(births)), pc.greater_equal(year, 1000))
    # strptime rolls 20230230 over to 2023-03-02: a real date prints back as the same digits
    good = pc.and_(good, pc.fill_null(pc.equal(pc.strftime(births, format="%Y%m%d"), digits), False))
    male = pc.equal(pc.bit_wise_and(pc.cast(pc.utf8_slice_codeunits(text, 16, 17), pa.int64()), 1), 1)
    numbers = pc.if_else(good, upper, pa.scalar(None, pa.string())).to_pylist()
    dates = pc.cast(pc.if_else(good, births, pa.scalar(None, births.type)), pa.date32()).to_pylist()
    return numbers, dates, male.to_pylist()


def read_table(reader, file: str, sheet: str, table, first_row: int, first_column: int, slots: list["Slot"],
               layout_columns, summary) -> None:
    """Fill the reader's roster from one sheet's data rows (an Arrow table whose row 0 is `first_row`)."""
    import pyarrow as pa

    problems: list = []
    roster = reader.roster

    def problem(position, step, sub, *args, **kwargs):
        before = len(roster.problems)
        reader.problem(*args, **kwargs)
        problems.append(((position, step, sub), roster.problems.pop()))
        assert len(roster.problems) == before

    total = table.num_rows

    def column(index: int):
        position = index - first_column
        if position < 0 or position >= table.num_columns:
            return pa.nulls(table.num_rows)
        return table.column(position)

    id_slot = next(s for s in slots if s.key == "id_number")
    name_slot = next(s for s in slots if s.key == "name")
    hid_slot = next(s for s in slots if s.key == "household_id")
    member_slots = [s for s in slots if s.level != HOUSEHOLD and s.key not in ("id_number",) and s.convert]
    household_slots = [s for s in slots if s.level == HOUSEHOLD and s.convert and s.key != "household_id"]

    # rows with a person: a name or an ID number
    import pyarrow.compute as pc

    def present(index: int):
        col = column(index)
        valid = pc.is_valid(col)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            valid = pc.and_(valid, pc.fill_null(pc.not_equal(col, ""), False))
        return valid

    person = pc.or_(present(name_slot.index), present(id_slot.index))
    others = pc.indices_nonzero(pc.invert(person)).to_pylist()
    if others:
        width = first_column + table.num_columns
        for position in others:
            row = [None] * first_column + [column_values(table.column(i).slice(position, 1))[0]
                                           for i in range(table.num_columns)]
            row += [None] * (width - len(row))
            if reader._is_blank_or_note(row):
                continue
            problem(position, _NO_PERSON, 0, file, sheet, first_row + position + 1, "", "",
                    "这一行有内容，但没有姓名和身份证号",
                    "补上姓名和身份证号；如果是说明文字，请移到表格下方单独一行的第一列", ERROR, "row_no_person")
        positions = pc.indices_nonzero(person)
        table = table.take(positions)
        positions = positions.to_pylist()
    else:
        positions = range(total)
    count = table.num_rows
    summary.data_rows += count
    summary.members += count
    members = [Member(file, sheet, first_row + p + 1) for p in positions]

    # household numbers
    codes, raws = _distinct(column(hid_slot.index))
    cleaned = []
    for raw in raws:
        try:
            if type(raw) is not str or raw[:1] in cells.SUSPECT:
                cells.refuse_bad(raw)
            cleaned.append(cells.text(raw))
        except cells.CellError as exc:
            cleaned.append(exc)
    hids: list = [None] * count
    hid_bad = [False] * count
    for i, code in enumerate(codes):
        if code is None:
            continue
        value = cleaned[code]
        if type(value) is cells.CellError:
            problem(positions[i], _HOUSEHOLD_ID, 0, file, sheet, members[i].row, hid_slot.header, raws[code],
                    value.message, value.fix, ERROR, value.code)
            members[i].has_error = True
            hid_bad[i] = True
        else:
            hids[i] = value
    for member, hid in zip(members, hids):
        member.household_id = hid

    # member-level cells, one column at a time
    name_raw_codes = name_raws = None
    for order, slot in enumerate(member_slots):
        codes, raws = _distinct(column(slot.index))
        values = [None if raw is None else slot.value(raw) for raw in raws]
        if slot is name_slot:
            name_raw_codes, name_raws = codes, raws
        if slot.attr is not None:
            target, name_ = 0, slot.attr
        elif slot.key.startswith("income:"):
            target, name_ = 1, slot.key[7:]
        else:
            target, name_ = 2, slot.key[8:]
        errors = {c for c, v in enumerate(values) if type(v) is cells.CellError}
        if not errors and target == 0:  # nearly every column of a real roster: a plain assignment per member
            setter = getattr(Member, name_).__set__
            if None not in codes and None not in values:  # every row filled: assigned without a Python loop
                deque(map(setter, members, map(values.__getitem__, codes)), maxlen=0)
                continue
            for member, code in zip(members, codes):
                if code is not None:
                    value = values[code]
                    if value is not None:
                        setter(member, value)
            continue
        if not errors:  # an income or expense column without a bad cell: the items that are not 0
            for member, code in zip(members, codes):
                if code is None:
                    continue
                value = values[code]
                if value is None or value == 0:
                    continue
                if target == 1:
                    if member.incomes is EMPTY:
                        member.incomes = {}
                    member.incomes[name_] = value
                else:
                    if member.expenses is EMPTY:
                        member.expenses = {}
                    member.expenses[name_] = value
            continue
        for i, code in enumerate(codes):
            if code is None:
                continue
            value = values[code]
            if value is None:
                continue
            member = members[i]
            if code in errors:
                problem(positions[i], _MEMBER, order, file, sheet, member.row, slot.header, raws[code], value.message,
                        value.fix, value.severity, value.code, hids[i])
                if value.severity == ERROR:
                    member.has_error = True
                continue
            if target == 0:
                setattr(member, name_, value)
            elif value == 0:
                continue
            elif target == 1:
                if member.incomes is EMPTY:
                    member.incomes = {}
                member.incomes[name_] = value
            else:
                if member.expenses is EMPTY:
                    member.expenses = {}
                member.expenses[name_] = value

    # ID numbers: clean 18-character numbers checked as a column, the rest one by one as before
    id_column = column(id_slot.index)
    fast = _clean_ids(id_column)
    raw_ids = column_values(id_column.combine_chunks() if isinstance(id_column, pa.ChunkedArray) else id_column)
    seen = reader.seen_ids
    for i, member in enumerate(members):
        number = fast[0][i] if fast is not None else None
        if number is None:
            _slow_id(reader, problem, positions[i], file, sheet, member.row, id_slot, raw_ids[i], member, hids[i])
            continue
        member.id_number = number
        member.birth = fast[1][i]
        member.male = fast[2][i]
        previous = seen.get(number)
        if previous is None:
            seen[number] = member
        else:
            _duplicate(problem, positions[i], file, sheet, member.row, id_slot, raw_ids[i], member, hids[i], previous)

    # names, heads and the columns dibao does not know
    for i, member in enumerate(members):
        if member.name is None:
            raw_name = None if name_raw_codes is None or name_raw_codes[i] is None else name_raws[name_raw_codes[i]]
            if not cells.is_bad(raw_name):
                problem(positions[i], _NAME, 0, file, sheet, member.row, name_slot.header, "", "姓名为空", "填写成员姓名",
                        ERROR, "name_missing", hids[i])
                member.has_error = True
        member.is_head = member.relation in HEAD_RELATIONS
    for index, column_, header in layout_columns:
        if column_ is not None:
            continue
        col = column(index)
        values = column_values(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col)
        for member, value in zip(members, values):
            if value is not None:
                if member.extra is EMPTY:
                    member.extra = {}
                member.extra[header] = value

    # households, in the order their first member appears
    households = roster.households
    hcodes, hraws, hvalues = [], [], []
    for slot in household_slots:
        codes, raws = _distinct(column(slot.index))
        hcodes.append(codes)
        hraws.append(raws)
        hvalues.append([None if raw is None else slot.value(raw) for raw in raws])
    owners: list = [None] * count  # each member's household (None: no household number)
    numbers: dict = {}  # household -> its number in this sheet, to compare rows as columns
    owner_numbers: list = [None] * count
    for i, member in enumerate(members):
        household_id = hids[i]
        position = positions[i]
        if household_id is None:
            if not hid_bad[i]:
                problem(position, _NO_HOUSEHOLD, 0, file, sheet, member.row, hid_slot.header, "",
                        "户编号为空：不知道此人属于哪一户", "填写户编号（同一户的成员填同一个编号，可合并单元格）", ERROR,
                        "household_id_missing")
            member.has_error = True
            roster.orphans.append(member)
            continue
        household = households.get(household_id)
        if household is None:
            household = Household(household_id, file, sheet, member.row)
            households[household_id] = household
        elif household.file != file:
            problem(position, _TWO_FILES, 0, file, sheet, member.row, hid_slot.header, household_id,
                    f"户编号与另一文件 {household.file} 中的一户相同", "核对户编号；同一户只应出现在一个名册中",
                    WARNING, "household_in_two_files", household_id)
        household.members.append(member)
        if member.has_error:
            household.has_error = True
        owners[i] = household
        owner_numbers[i] = numbers.setdefault(id(household), len(numbers))
    # household-level cells: a row repeating the cell of the row above in the same household says nothing new
    # (the row reader skips it); only the other rows are looked at, column by column
    owner_array = pa.array(owner_numbers, pa.int64())
    for k, slot in enumerate(household_slots):
        for i in _rows_to_look_at(hcodes[k], owner_array):
            code = hcodes[k][i]
            household = owners[i]
            member = members[i]
            value = hvalues[k][code]
            if type(value) is cells.CellError:
                problem(positions[i], _HOUSEHOLD_CELL, k, file, sheet, member.row, slot.header, hraws[k][code],
                        value.message, value.fix, value.severity, value.code, hids[i])
                if value.severity == ERROR:
                    household.has_error = True
                continue
            if value is None:
                continue
            previous = getattr(household, slot.key)
            if previous is None:
                setattr(household, slot.key, value)
            elif previous != value:
                from dibao_cli.reading.roster import _show

                problem(positions[i], _HOUSEHOLD_CELL, k, file, sheet, member.row, slot.header, hraws[k][code],
                        f"同一户内不一致：本户前面的行是“{_show(previous)}”",
                        "户级信息只填在户主行，或每行填同样的值", ERROR, "household_conflict", hids[i])
                household.has_error = True
    problems.sort(key=lambda item: item[0])
    roster.problems.extend(p for _, p in problems)
    if reader.progress is not None:
        reader.progress(total)


def _rows_to_look_at(codes: list, owners) -> list[int]:
    """Rows whose household cell the row reader looks at: a member with a household and a filled cell, unless
    the member above (with a household) is of the same household and the last filled cell above is the same."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = len(codes)
    if total == 0:
        return []
    code = pa.array(codes, pa.int64())
    code = pc.if_else(pc.is_null(owners), pa.scalar(None, pa.int64()), code)  # rows without a household say nothing

    def above(array):
        shifted = pa.concat_arrays([pa.nulls(1, pa.int64()), array.slice(0, total - 1)])
        return pc.fill_null_forward(shifted)

    same_household = pc.fill_null(pc.equal(above(owners), owners), False)
    same_cell = pc.fill_null(pc.equal(above(code), code), False)
    look = pc.and_(pc.is_valid(code), pc.invert(pc.and_(same_household, same_cell)))
    return pc.indices_nonzero(look).to_pylist()


def _slow_id(reader, problem, position, file, sheet, line, slot, raw, member, household_id) -> None:
    """The row reader's ID check, for a cell that is not a clean 18-character number."""
    from dibao_cli.idcard import IdError, parse_id

    try:
        if type(raw) is not str or raw[:1] in cells.SUSPECT:
            cells.refuse_bad(raw)
    except cells.CellError as exc:
        problem(position, _ID, 0, file, sheet, line, slot.header, raw, exc.message, exc.fix, ERROR, exc.code,
                household_id)
        member.has_error = True
        return
    try:
        info = parse_id(raw)
    except IdError as exc:
        problem(position, _ID, 0, file, sheet, line, slot.header, raw, exc.message, exc.fix, ERROR, exc.code,
                household_id)
        member.has_error = True
        return
    member.id_number = info.number
    member.birth = info.birth
    member.male = info.male
    if info.upgraded:
        problem(position, _ID, 1, file, sheet, line, slot.header, raw, f"15位旧身份证号，已按国家标准升为18位：{info.number}",
                "在名册中改填18位号码", WARNING, "id_upgraded", household_id)
    previous = reader.seen_ids.get(info.number)
    if previous is None:
        reader.seen_ids[info.number] = member
        return
    _duplicate(problem, position, file, sheet, line, slot, raw, member, household_id, previous)


def _duplicate(problem, position, file, sheet, line, slot, raw, member, household_id, previous) -> None:
    p_file, p_line, p_household = previous.file, previous.row, previous.household_id or ""
    if p_file != file:
        where, code = f"另一个文件 {p_file} 第 {p_line} 行", "id_duplicate_file"
    elif p_household == (household_id or ""):
        where, code = f"本户第 {p_line} 行", "id_duplicate_household"
    else:
        where, code = f"第 {p_line} 行（户编号 {p_household}）", "id_duplicate_other_household"
    problem(position, _ID, 2, file, sheet, line, slot.header, raw, f"身份证号重复：与{where}相同",
            "同一人只能登记一次；删除重复的行", ERROR, code, household_id)
    member.has_error = True
