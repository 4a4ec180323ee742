"""Grouping a sheet's members read by columns: households joined a run of rows at a time, and the rows whose
household-level cells the row reader would look at."""

from __future__ import annotations

from operator import attrgetter

from dibao_cli.model import Household

def join_runs(roster, file: str, members: list, hids: list, owners: list, owner_numbers: list) -> list:
    """Put the members in their households, as join_household would, when every member has a household number
    and no household was read from another file; return the members left for join_household (all of them
    otherwise, none then). A household's rows usually follow one another: each run of rows is joined at once."""
    households = roster.households
    if None in hids or not hids:
        return members
    if households:
        for hid in set(hids) & households.keys():
            if households[hid].file != file:
                return members
    count = len(members)
    starts = _run_starts(hids)
    starts.append(count)
    any_error = any(map(_HAS_ERROR, members))
    numbers: dict = {}
    for a, b in zip(starts, starts[1:]):
        hid = hids[a]
        household = households.get(hid)
        if household is None:
            first = members[a]
            household = Household(hid, first.file, first.sheet, first.row)
            households[hid] = household
        run = members[a:b]
        household.members.extend(run)
        if any_error and any(map(_HAS_ERROR, run)):
            household.has_error = True
        owners[a:b] = [household] * (b - a)
        owner_numbers[a:b] = [numbers.setdefault(id(household), len(numbers))] * (b - a)
    return []


_HAS_ERROR = attrgetter("has_error")


def _run_starts(values: list) -> list[int]:
    """Positions where a run of equal values starts (0 first) in a non-empty list of strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values, pa.string())
    changed = pc.not_equal(array.slice(1), array.slice(0, len(values) - 1))
    return [0] + pc.add(pc.indices_nonzero(changed), 1).to_pylist()


def rows_to_look_at(codes: list, owners) -> list[int]:
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
