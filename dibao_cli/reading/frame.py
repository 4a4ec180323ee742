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
from dibao_cli.model import EMPTY, Member
from dibao_cli.problems import ERROR
from dibao_cli.reading.apply import (
    ATTRIBUTE,
    add_amount,
    cell_error,
    check_name,
    duplicate_id,
    household_cell,
    household_number,
    join_household,
    read_id,
    target_of,
)
from dibao_cli.reading.columnar import column_values
from dibao_cli.reading.columns import HOUSEHOLD
from dibao_cli.reading.households import HEAD_RELATIONS

if TYPE_CHECKING:
    from dibao_cli.reading.converters import Slot

# steps of the row reader, in the order it reports a row's problems
_NO_PERSON, _HOUSEHOLD_ID, _MEMBER, _ID, _NAME, _HOUSEHOLD, _HOUSEHOLD_CELL = range(7)


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
            cleaned.append(household_number(raw))
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
        target, name_ = target_of(slot)
        errors = {c for c, v in enumerate(values) if type(v) is cells.CellError}
        if not errors and target == ATTRIBUTE:  # nearly every column of a real roster: a plain assignment per member
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
                if value is not None and value != 0:
                    add_amount(member, target, name_, value)
            continue
        for i, code in enumerate(codes):
            if code is None:
                continue
            value = values[code]
            if value is None:
                continue
            member = members[i]
            if code in errors:
                cell_error(problem, (positions[i], _MEMBER, order, file, sheet, member.row), slot, raws[code], value,
                           hids[i], member)
            elif target == ATTRIBUTE:
                setattr(member, name_, value)
            elif value != 0:
                add_amount(member, target, name_, value)

    # ID numbers: clean 18-character numbers checked as a column, the rest one by one as before
    id_column = column(id_slot.index)
    fast = _clean_ids(id_column)
    raw_ids = column_values(id_column.combine_chunks() if isinstance(id_column, pa.ChunkedArray) else id_column)
    seen = reader.seen_ids
    for i, member in enumerate(members):
        number = fast[0][i] if fast is not None else None
        if number is None:
            read_id(problem, (positions[i], _ID, 0, file, sheet, member.row), file, id_slot, raw_ids[i], member,
                    hids[i], seen)
            continue
        member.id_number = number
        member.birth = fast[1][i]
        member.male = fast[2][i]
        previous = seen.get(number)
        if previous is None:
            seen[number] = member
        else:
            duplicate_id(problem, (positions[i], _ID, 0, file, sheet, member.row), file, id_slot, raw_ids[i], member,
                         hids[i], previous)

    # names, heads and the columns dibao does not know
    for i, member in enumerate(members):
        if member.name is None:
            raw_name = None if name_raw_codes is None or name_raw_codes[i] is None else name_raws[name_raw_codes[i]]
            check_name(problem, (positions[i], _NAME, 0, file, sheet, member.row), name_slot, raw_name, member, hids[i])
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
        household = join_household(roster, problem, (positions[i], _HOUSEHOLD, 0, file, sheet, member.row), hid_slot,
                                   member, hids[i], hid_bad[i])
        if household is None:
            continue
        owners[i] = household
        owner_numbers[i] = numbers.setdefault(id(household), len(numbers))
    # household-level cells: a row repeating the cell of the row above in the same household says nothing new
    # (the row reader skips it); only the other rows are looked at, column by column
    owner_array = pa.array(owner_numbers, pa.int64())
    for k, slot in enumerate(household_slots):
        key = slot.key
        for i in _rows_to_look_at(hcodes[k], owner_array):
            code = hcodes[k][i]
            value = hvalues[k][code]
            household = owners[i]
            if value is None or (type(value) is not cells.CellError and getattr(household, key) is None):
                if value is not None:  # the household's first value: nothing to compare it with
                    setattr(household, key, value)
                continue
            household_cell(problem, (positions[i], _HOUSEHOLD_CELL, k, file, sheet, members[i].row), slot,
                           hraws[k][code], value, household, hids[i])
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
