"""A roster sheet's data rows read from Arrow columns: each column cleaned once per distinct value, ID
numbers checked as whole columns (idscreen; by the loader's child while this process builds the members, when a
child loaded the sheet), members and households built column by column.

The cleaners are the same functions the row reader calls (dibao_cli.cells through converters.Slot, and
idcard.parse_id for every ID number that is not a clean 18-character number), applied to the same cell
values; only the order of the work changes. Problems are collected with the position of the row and
the step of the row reader that would have found them, then sorted, so they come out in the row
reader's order.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import attrgetter, is_
from typing import TYPE_CHECKING

from dibao_cli import cells
from dibao_cli.model import EMPTY, members_from_columns
from dibao_cli.problems import ERROR
from dibao_cli.reading.apply import (
    ATTRIBUTE,
    EXPENSE,
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
from dibao_cli.reading.amounts import amount_items
from dibao_cli.reading.columnar import ENCODED, column_values
from dibao_cli.reading.columns import HOUSEHOLD
from dibao_cli.reading.converters import plain_date
from dibao_cli.reading import grouping
from dibao_cli.reading.idscreen import clean_ids as _clean_ids, from_loader as _screened
from dibao_cli.reading.households import HEAD_RELATIONS, quiet_by_codes, quiet_households

if TYPE_CHECKING:
    from dibao_cli.reading.converters import Slot

# steps of the row reader, in the order it reports a row's problems
_NO_PERSON, _HOUSEHOLD_ID, _MEMBER, _ID, _NAME, _HOUSEHOLD, _HOUSEHOLD_CELL = range(7)


def _distinct(column, plain: bool = False, listed: bool = True, encoded=None, bad=None) -> tuple[list | None, list,
                                                                                               list | None, object]:
    """(code of each row or None, the distinct cell values, with `plain` whether each distinct value is plain
    text (_PLAIN) or None, and the codes as an Arrow array, null where None) of one Arrow column; without `listed`
    the codes only as an Arrow array (None for the list). `encoded`: the column's dictionary encoding, made by the
    loader's child with the same function. `bad`: row -> cells.BadCell, the column's cells holding an error value
    or a formula without its result (empty in the column), each a distinct value of its own."""
    import pyarrow as pa

    codes, raws, chinese, indices = _encoded(column, plain, listed, encoded)
    if not bad:
        return codes, raws, chinese, indices
    listing = codes if codes is not None else ([None] * len(column) if indices is None else indices.to_pylist())
    added: dict = {}  # equal cells have one code, as equal values do (a household's cell repeated is not news)
    for row, cell in bad.items():
        code = added.get(cell)
        if code is None:
            code = added[cell] = len(raws)
            raws.append(cell)
            if chinese is not None:
                chinese.append(False)
        listing[row] = code
    return listing if listed else None, raws, chinese, pa.array(listing, pa.int32())


def _encoded(column, plain: bool, listed: bool, encoded) -> tuple[list | None, list, list | None, object]:
    """_distinct without the bad cells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_null(array.type):
        return [None] * len(array) if listed else None, [], None, None
    if encoded is None:
        encoded = pc.dictionary_encode(array)
    raws = column_values(encoded.dictionary)
    indices = encoded.indices
    if None in raws:  # "" read as an empty cell
        empty = pa.array([raw is None for raw in raws], pa.bool_())
        indices = pc.if_else(pc.fill_null(empty.take(indices), False), pa.scalar(None, indices.type), indices)
    chinese = None
    if plain and len(raws) > 256 and pa.types.is_string(encoded.dictionary.type):
        chinese = pc.fill_null(pc.match_substring_regex(encoded.dictionary, _PLAIN), False).to_pylist()
    return indices.to_pylist() if listed else None, raws, chinese, indices


# text the text, name and household-number cleaners give back unchanged: ASCII letters and digits and Chinese
# characters only (no space, full-width letter, apostrophe, "#" or unprintable character; each is its own NFKC form)
_PLAIN = r"^[0-9A-Za-z\x{4e00}-\x{9fa5}]+$"


def _distinct_values(column, slot, listed: bool = True, encoded=None, bad=None) -> tuple[list | None, list, list,
                                                                                      object]:
    """(code of each row or None, the distinct cell values, their clean values, the codes as an Arrow array) of
    one column: each distinct value cleaned once; in a text or name column, plain values are their own clean values
    (a large roster has tens of thousands of distinct names), and so are dates from 1910 to 2099 in a date column."""
    codes, raws, chinese, indices = _distinct(column, slot.column.kind in ("text", "name"), listed, encoded, bad)
    value = slot.value
    if slot.column.kind == "date":  # a date from 1910 to 2099 is its own clean value (nearly all are)
        return codes, raws, [raw if plain_date(raw) else (None if raw is None else value(raw)) for raw in raws], indices
    if chinese is None:
        return codes, raws, [None if raw is None else value(raw) for raw in raws], indices
    return (codes, raws, [raw if plain else (None if raw is None else value(raw)) for raw, plain in zip(raws, chinese)],
            indices)


def read_table(reader, file: str, sheet: str, table, first_row: int, first_column: int, slots: list["Slot"],
               layout_columns, summary, loading=None, flagged=None) -> None:
    """Fill the reader's roster from one sheet's data rows (an Arrow table whose row 0 is `first_row`). `loading` is
    the columnar.ParallelLoad that loaded them, whose child screens the ID column meanwhile (see idscreen). `flagged`:
    table column -> row -> cells.BadCell, the cells holding an error value or a formula without its result (empty
    in the table), read as the row reader reads them (columnar.bad_cells)."""
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

    flagged = flagged or {}
    person = pc.or_(present(name_slot.index), present(id_slot.index))
    marked = {row for index in (name_slot.index, id_slot.index) for row in flagged.get(index - first_column, ())}
    if marked:  # a bad name or ID cell is not an empty one: the row has a person (whose cell is reported)
        mask = [False] * total
        for row in marked:
            mask[row] = True
        person = pc.or_(person, pa.array(mask, pa.bool_()))
    others = pc.indices_nonzero(pc.invert(person)).to_pylist()
    if others:
        width = first_column + table.num_columns
        for position in others:
            row = [None] * first_column + [column_values(table.column(i).slice(position, 1))[0]
                                           for i in range(table.num_columns)]
            row += [None] * (width - len(row))
            for index, cells_ in flagged.items():
                if position in cells_:
                    row[first_column + index] = cells_[position]
            if reader._is_blank_or_note(row):
                continue
            problem(position, _NO_PERSON, 0, file, sheet, first_row + position + 1, "", "",
                    "这一行有内容，但没有姓名和身份证号",
                    "补上姓名和身份证号；如果是说明文字，请移到表格下方单独一行的第一列", ERROR, "row_no_person")
        screen_rows = pc.indices_nonzero(person)
        table = table.take(screen_rows)
        positions = screen_rows.to_pylist()
        if flagged:  # counted among the rows kept
            kept = {position: k for k, position in enumerate(positions)}
            flagged = {index: {kept[r]: cell for r, cell in cells_.items() if r in kept}
                       for index, cells_ in flagged.items()}
    else:
        positions = range(total)
        screen_rows = None
    count = table.num_rows
    summary.data_rows += count
    summary.members += count
    # each member's row as Excel shows it
    rows = [first_row + 1 + p for p in positions] if others else range(first_row + 1, first_row + 1 + count)

    def bad_of(index: int):
        return flagged.get(index - first_column)

    # household numbers
    codes, raws, plain, hid_indices = _distinct(column(hid_slot.index), True, bad=bad_of(hid_slot.index))
    cleaned = []
    refused = False
    all_plain = plain is not None and all(plain)  # every number its own clean value (nearly always)
    for k, raw in enumerate(() if all_plain else raws):
        if plain is not None and plain[k]:
            cleaned.append(raw)  # what household_number gives back for it
            continue
        try:
            cleaned.append(household_number(raw))
        except cells.CellError as exc:
            cleaned.append(exc)
            refused = True
    if all_plain:
        cleaned = raws
    hid_bad: set[int] = set()  # rows whose household number cell is bad
    if hid_indices is not None and hid_indices.null_count == 0 and not refused:
        hids: list = list(map(cleaned.__getitem__, codes))  # every row has a good household number
    else:
        hids = [None] * count
        for i, code in enumerate(codes):
            if code is None:
                continue
            value = cleaned[code]
            if type(value) is cells.CellError:
                problem(positions[i], _HOUSEHOLD_ID, 0, file, sheet, rows[i], hid_slot.header, raws[code],
                        value.message, value.fix, ERROR, value.code)
                hid_bad.add(i)
            else:
                hids[i] = value

    # member-level cells, one column at a time, as one value a member; bad cells reported once the members are made
    columns: dict[str, list] = {"household_id": hids}
    bad_cells = []
    coded: dict[str, tuple] = {}  # attribute -> (the clean value of each code, the codes as an Arrow array)
    amounts: dict[int, list] = {INCOME: [], EXPENSE: []}
    name_raw_codes = name_raws = None
    for order, slot in enumerate(member_slots):
        codes, raws, values, indices = _distinct_values(column(slot.index), slot, bad=bad_of(slot.index))
        if slot is name_slot:
            name_raw_codes, name_raws = codes, raws
        target, name_ = target_of(slot)
        errors = {c for c, v in enumerate(values) if type(v) is cells.CellError}
        if errors:
            bad_cells.append((order, slot, raws, values, codes, [i for i, c in enumerate(codes) if c in errors]))
            values = [None if c in errors else v for c, v in enumerate(values)]
        if target == ATTRIBUTE:
            coded[name_] = (values, indices)
            if indices is None:  # a column of empty cells
                columns[name_] = [None] * count
            elif indices.null_count:  # empty cells read as the code after the last
                columns[name_] = list(map([*values, None].__getitem__, indices.fill_null(len(values)).to_pylist()))
            else:
                columns[name_] = list(map(values.__getitem__, codes))
        else:
            amounts[target].append((name_, values, indices))
    for target, key in ((INCOME, "incomes"), (EXPENSE, "expenses")):
        items = amount_items(amounts[target])
        if items is not None:
            columns[key] = items
    if "relation" in columns:
        columns["is_head"] = list(map(HEAD_RELATIONS.__contains__, columns["relation"]))

    # ID numbers: clean 18-character numbers checked as a column, the rest one by one as before
    id_column = column(id_slot.index)
    fast = _clean_ids(id_column, _screened(loading, id_slot.index - first_column, total, screen_rows))
    seen = reader.seen_ids
    # every number clean and new: put on the members as columns
    bulk_ids = fast is not None and fast[5] and seen.keys().isdisjoint(fast[0])
    if bulk_ids:
        columns["id_number"], columns["birth"], columns["male"] = fast[:3]
    members = members_from_columns(file, sheet, rows, columns)
    for i in hid_bad:
        members[i].has_error = True
    for order, slot, raws, values, codes, bad in bad_cells:
        for i in bad:
            cell_error(problem, (positions[i], _MEMBER, order, file, sheet, rows[i]), slot, raws[codes[i]],
                       values[codes[i]], hids[i], members[i])
    if bulk_ids:
        reader.add_new_ids(fast[0], members)
    else:
        raw_ids = column_values(id_column.combine_chunks() if isinstance(id_column, pa.ChunkedArray) else id_column)
        for i, cell in (bad_of(id_slot.index) or {}).items():
            raw_ids[i] = cell
        for i, member in enumerate(members):
            number = fast[0][i] if fast is not None else None
            if number is None:
                read_id(problem, (positions[i], _ID, 0, file, sheet, rows[i]), file, id_slot, raw_ids[i], member,
                        hids[i], seen)
                continue
            member.id_number = number
            member.birth = fast[1][i]
            member.male = fast[2][i]
            previous = seen.get(number)
            if previous is None:
                seen[number] = member
            else:
                duplicate_id(problem, (positions[i], _ID, 0, file, sheet, rows[i]), file, id_slot, raw_ids[i], member,
                             hids[i], previous)

    # members without a name, and the columns dibao does not know
    names = columns.get("name")
    for i in range(count) if names is None else compress(range(count), map(is_, names, repeat(None))):
        raw_name = None if name_raw_codes is None or name_raw_codes[i] is None else name_raws[name_raw_codes[i]]
        check_name(problem, (positions[i], _NAME, 0, file, sheet, rows[i]), name_slot, raw_name, members[i], hids[i])
    for index, column_, header in layout_columns:
        if column_ is not None:
            continue
        col = column(index)
        values = column_values(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col)
        for i, cell in (bad_of(index) or {}).items():
            values[i] = str(cell)  # as the row reader keeps it
        for member, value in zip(members, values):
            if value is not None:
                if member.extra is EMPTY:
                    member.extra = {}
                member.extra[header] = value

    # households, in the order their first member appears
    hraws, hvalues, hindices = [], [], []  # each household-level column's codes only as an Arrow array
    extras = loading.screen() if loading is not None and screen_rows is None else None  # the child's encodings
    if extras is not None and extras.num_rows != total:
        extras = None
    for slot in household_slots:
        name = f"{ENCODED}{slot.index - first_column}"
        encoded = extras.column(name) if extras is not None and name in extras.schema.names else None
        _, raws, values, indices = _distinct_values(column(slot.index), slot, False, encoded, bad_of(slot.index))
        hraws.append(raws)
        hvalues.append(values)
        hindices.append(indices)
    numbers: dict = {}  # each good household number -> its position, in the order of its first row
    # codes are numbered in the order of their first row, so the first code of each number comes first
    if all_plain:  # distinct cells, each its own number: the codes are the positions
        numbers = dict(zip(cleaned, range(len(cleaned))))
        owner_codes = hid_indices.cast(pa.int64())
    else:
        positions_of = [None if value is None or type(value) is cells.CellError
                        else numbers.setdefault(value, len(numbers)) for value in cleaned]
        owner_codes = (pa.nulls(count, pa.int64()) if hid_indices is None
                       else pa.array(positions_of, pa.int64()).take(hid_indices))
    numbers = list(numbers)
    if not grouping.can_group(roster, numbers):  # a household read before (another sheet or file): member by member
        hcodes = [[None] * count if indices is None else indices.to_pylist() for indices in hindices]
        _join_one_by_one(roster, problem, file, sheet, positions, rows, members, hids, hid_bad, hid_slot,
                         household_slots, hcodes, hraws, hvalues)
    else:
        owner_array = owner_codes.cast(pa.int64())
        # household-level cells: each household's first value, and the rows the row reader would report
        found = [grouping.household_cells(hindices[k], hvalues[k], owner_array, len(numbers))
                 for k in range(len(household_slots))]
        made = grouping.group(roster, file, sheet, members, numbers, owner_array,
                                      {slot.key: firsts for slot, (_, _, firsts) in zip(household_slots, found)
                                       if firsts is not None})
        for i in compress(range(count), map(is_, hids, repeat(None))):
            join_household(roster, problem, (positions[i], _HOUSEHOLD, 0, file, sheet, rows[i]), hid_slot,
                           members[i], None, i in hid_bad)
        if problems:  # a member in error (each error is a problem) puts its household in error
            grouping.mark_errors(members, owner_array.to_pylist(), made)
        for k, slot in enumerate(household_slots):
            bad, other, _ = found[k]
            for i in bad + other:
                code = hindices[k][i].as_py()
                household_cell(problem, (positions[i], _HOUSEHOLD_CELL, k, file, sheet, rows[i]), slot,
                               hraws[k][code], hvalues[k][code], made[owner_array[i].as_py()], hids[i])
        quiet = quiet_by_codes(made, owner_array, coded, names, fast[3:5], reader.on_date) if bulk_ids else None
        if quiet is None:
            births, males = ((fast[1], fast[2]) if bulk_ids
                             else (list(map(_BIRTH, members)), list(map(_MALE, members))))
            quiet = quiet_households(made, owner_array.to_pylist(), columns.get("is_head") or [False] * count,
                                     names or [None] * count, births, columns.get("birth_date"), columns.get("sex"),
                                     males, reader.on_date)
        if reader.quiet:
            reader.quiet.update(quiet)
        else:  # the first sheet's (a million rows make a third of a million households)
            reader.quiet = quiet
    problems.sort(key=lambda item: item[0])
    roster.problems.extend(p for _, p in problems)
    if reader.progress is not None:
        reader.progress(total)


def _join_one_by_one(roster, problem, file, sheet, positions, rows, members, hids, hid_bad, hid_slot,
                     household_slots, hcodes, hraws, hvalues) -> None:
    """Members put in their households with join_household, and household-level cells looked at one by one (a
    household of the sheet was read before from another sheet or file)."""
    count = len(members)
    owners: list = [None] * count  # each member's household (None: no household number)
    numbers: dict = {}  # household -> its number in this sheet, to compare rows as columns
    owner_numbers: list = [None] * count
    for i, member in enumerate(members):
        household = join_household(roster, problem, (positions[i], _HOUSEHOLD, 0, file, sheet, rows[i]), hid_slot,
                                   member, hids[i], i in hid_bad)
        if household is None:
            continue
        owners[i] = household
        owner_numbers[i] = numbers.setdefault(id(household), len(numbers))
    # a row repeating the cell of the row above in the same household says nothing new (the row reader skips it)
    for k, slot in enumerate(household_slots):
        key = slot.key
        for i in grouping.rows_to_look_at(hcodes[k], owner_numbers):
            code = hcodes[k][i]
            value = hvalues[k][code]
            household = owners[i]
            if value is None or (type(value) is not cells.CellError and getattr(household, key) is None):
                if value is not None:  # the household's first value: nothing to compare it with
                    setattr(household, key, value)
                continue
            household_cell(problem, (positions[i], _HOUSEHOLD_CELL, k, file, sheet, rows[i]), slot,
                           hraws[k][code], value, household, hids[i])


_BIRTH = attrgetter("birth")
_MALE = attrgetter("male")
