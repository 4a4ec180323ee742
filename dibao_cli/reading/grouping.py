"""Grouping a sheet's members read by columns: households made with a group-by of the household numbers, and the
household-level cells compared within each household as columns, down to the rows the row reader would report."""

from __future__ import annotations

from itertools import compress, repeat
from operator import attrgetter

from dibao_cli.cells import CellError
from dibao_cli.model import Household


def can_group(roster, numbers: list) -> bool:
    """Whether group() may make the sheet's households at once: no household of the sheet was read before (from
    another sheet or file)."""
    households = roster.households
    return not households or households.keys().isdisjoint(numbers)


def group(roster, file: str, sheet: str, members: list, numbers: list, codes, fields: dict) -> list:
    """Put the members with a household number in their households, as join_household would, when can_group.
    `numbers` are the sheet's household numbers in the order of their first row and `codes` each member's position
    in it (an Arrow array of int64, null for a member without a household number: those are left to join_household);
    `fields` each household-level value of each household, by attribute (household_cells). Returns the households
    in that order."""
    import pyarrow.compute as pc

    count = len(members)
    if count == 0:
        return []
    if codes.null_count:
        rows = pc.indices_nonzero(pc.is_valid(codes))
        codes = codes.drop_null()
    else:
        rows = None
    if len(codes) == 0:
        return []
    # rows of one household nearly always follow one another: then each household is a slice of the rows in order
    if len(codes) > 1 and not pc.all(pc.less_equal(codes.slice(0, len(codes) - 1), codes.slice(1))).as_py():
        order = pc.sort_indices(codes)  # stable: each household's rows stay in their order
        codes = codes.take(order)
        rows = order if rows is None else rows.take(order)
    ordered = members if rows is None else list(map(members.__getitem__, rows.to_pylist()))
    starts = [0] + pc.add(pc.indices_nonzero(pc.not_equal(codes.slice(1), codes.slice(0, len(codes) - 1))),
                          1).to_pylist()
    ends = starts[1:] + [len(ordered)]
    lists = list(map(ordered.__getitem__, map(slice, starts, ends)))
    made = Household.grouped(numbers, file, sheet, list(map(_ROW, map(ordered.__getitem__, starts))), lists, fields)
    roster.households.update(zip(numbers, made))
    return made


def mark_errors(members: list, owners: list, made: list) -> None:
    """A household with a member in error is in error (join_household marks it as the member joins)."""
    for i in compress(range(len(members)), map(_HAS_ERROR, members)):
        if owners[i] is not None:
            made[owners[i]].has_error = True


_HAS_ERROR = attrgetter("has_error")
_ROW = attrgetter("row")


def household_cells(indices, values: list, owners, households: int) -> tuple[list[int], list[int], list | None]:
    """One household-level column of `households` households all made in this sheet (each row's code as an Arrow
    array, or None for a column of empty cells, and each row's household position as one): (the rows the row reader
    would go on to report: a bad cell, and a value other than the household's first, each looked at again with
    household_cell; each household's first value, None where it has none, or None when no household has one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if indices is None or len(indices) == 0:
        return [], [], None
    if (None not in values and len(set(values)) == len(values)
            and not any(map(isinstance, values, repeat(CellError)))):  # as many clean values as codes (head names)
        canon = _positions(len(values))
    else:
        canonical: dict = {}  # the first code of each clean value: codes of equal values compare equal
        canon = pa.array([-1 if value is None else -2 if type(value) is CellError else canonical.setdefault(value, c)
                          for c, value in enumerate(values)], pa.int64())
    code = indices.cast(pa.int64())
    looked = pc.indices_nonzero(_look(code, owners))
    if len(looked) == 0:
        return [], [], None
    looked_canon = canon.take(code.take(looked))
    bad = looked.filter(pc.equal(looked_canon, -2)).to_pylist()
    valid = pc.greater_equal(looked_canon, 0)
    rows = looked.filter(valid)
    if len(rows) == 0:
        return bad, [], None
    row_canon = looked_canon.filter(valid)
    row_owners = owners.take(rows)
    last = len(rows) - 1
    if last == 0 or pc.all(pc.less_equal(row_owners.slice(0, last), row_owners.slice(1))).as_py():
        # households one after another (nearly always): each household's rows follow its first
        starts = pa.concat_arrays([pa.array([True]), pc.not_equal(row_owners.slice(1), row_owners.slice(0, last))])
        firsts = pc.indices_nonzero(starts)
        distinct = row_owners.filter(starts)
        first_canon = pc.fill_null_forward(pc.if_else(starts, row_canon, pa.scalar(None, pa.int64())))
    else:
        distinct = pc.unique(row_owners)  # households in the order of their first value
        firsts = pc.index_in(distinct, value_set=row_owners)
        first_canon = row_canon.take(firsts).take(pc.index_in(row_owners, value_set=distinct))
    other = pc.not_equal(row_canon, first_canon)
    first_codes = code.take(rows.take(firsts))  # of each household in `distinct`
    if len(distinct) != households:  # a household without a value: None for it
        first_codes = first_codes.take(pc.index_in(_positions(households), value_set=distinct))
    elif len(distinct) > 1 and not pc.all(pc.less(distinct.slice(0, len(distinct) - 1), distinct.slice(1))).as_py():
        first_codes = first_codes.take(pc.sort_indices(distinct))
    if first_codes.null_count:
        values = [*values, None]
        first_codes = first_codes.fill_null(len(values) - 1)
    return bad, rows.filter(other).to_pylist(), list(map(values.__getitem__, first_codes.to_pylist()))


def _positions(count: int):
    """0, 1, ... count - 1 as an Arrow array of int64 (pa.array(range(count)) takes six times as long)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.subtract(pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int64()), count)), 1)


def rows_to_look_at(codes: list, owners: list) -> list[int]:
    """Rows whose household cell the row reader looks at: a member with a household and a filled cell, unless
    the member above (with a household) is of the same household and the household's last filled cell above is the
    same."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not codes:
        return []
    return pc.indices_nonzero(_look(pa.array(codes, pa.int64()), pa.array(owners, pa.int64()))).to_pylist()


def _look(code, owners):
    """rows_to_look_at as a mask, from Arrow arrays of the codes and the households (null: none)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = len(code)
    code = pc.if_else(pc.is_null(owners), pa.scalar(None, pa.int64()), code)  # rows without a household say nothing

    def shifted(array):
        return pa.concat_arrays([pa.nulls(1, array.type), array.slice(0, total - 1)])

    same_household = pc.fill_null(pc.equal(pc.fill_null_forward(shifted(owners)), owners), False)
    # the last filled cell above within the household's own rows: a household's first row (after another
    # household's) compares with nothing, so the forward fill starts again there
    starts = pc.and_(pc.is_valid(owners), pc.invert(same_household))
    above = pc.fill_null_forward(pc.if_else(starts, pa.scalar(-1, pa.int64()), shifted(code)))
    same_cell = pc.fill_null(pc.equal(above, code), False)
    return pc.and_(pc.is_valid(code), pc.invert(pc.and_(same_household, same_cell)))
