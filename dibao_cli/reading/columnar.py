"""The columnar path of an .xlsx sheet: its data rows loaded by fastexcel into Arrow columns, each column
with one type.

python-calamine builds a Python object for every cell as it parses; fastexcel parses the same XML into
Arrow columns in Rust, in 0.6-0.8 of the time on a large roster. The header is found first from the head
of the sheet's XML (xlsxhead), then the rows below it are loaded with `dtype_coercion="strict"` over
every row: a column whose cells are all text, all numbers, all dates or all yes/no comes back exactly as
python-calamine would give each cell, so the cell cleaners see the same values and every problem keeps
its row, column and wording. A column mixing kinds (an ID typed as a number among text IDs, "1,200元"
among numbers), an error cell, a formula without its result, merged cells or a date with a time of day
make this path decline, and the sheet is read row by row as before.
"""

from __future__ import annotations

import datetime as _dt
import logging
from pathlib import Path


class Declined(Exception):
    """The sheet cannot be loaded by columns with the exact cell values; the row reader reads it."""


def available() -> bool:
    try:
        import fastexcel  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def load(path: Path, sheet_name: str, first_row: int, first_column: int, width: int):
    """The sheet's rows from `first_row` (0-based, absolute) as an Arrow table of `width` typed columns."""
    import fastexcel

    # fastexcel logs a warning for an empty column (read as text): nothing a clerk should see
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    try:
        # eager: straight to an Arrow record batch, without fastexcel's intermediate sheet (about 0.1 s less per
        # 100,000 rows; the same columns)
        table = fastexcel.read_excel(str(path)).load_sheet(
            sheet_name, header_row=None, skip_rows=first_row, dtype_coercion="strict", schema_sample_rows=None,
            eager=True)
    except Exception as exc:  # a column of mixed kinds, or anything the loader refuses
        raise Declined(str(exc)) from None
    if table.num_rows and table.num_columns != width:
        raise Declined("width")
    return table


def column_values(column) -> list:
    """One Arrow column as the Python values python-calamine gives for the same cells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        empty = pc.equal(column, "")
        if pc.any(empty).as_py():
            column = pc.if_else(empty, pa.scalar(None, kind), column)
        return column.to_pylist()
    if pa.types.is_floating(kind) or pa.types.is_boolean(kind) or pa.types.is_null(kind):
        return column.to_pylist()
    if pa.types.is_integer(kind):
        return column.cast(pa.float64()).to_pylist()
    if pa.types.is_timestamp(kind):
        values = column.to_pylist()
        out = []
        for value in values:
            if value is None:
                out.append(None)
                continue
            if value.time() != _dt.time() or value.year < 1900:
                raise Declined("time of day")  # python-calamine's rounding of times is not reproduced here
            out.append(value.date())
        return out
    if pa.types.is_date(kind):
        return column.to_pylist()
    raise Declined(f"type {kind}")


def check_columns(table) -> None:
    """Raise Declined before any row is used when a column would decline later (a time of day, an odd type)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for column in table.columns:
        kind = column.type
        if pa.types.is_timestamp(kind):
            valid = pc.drop_null(column)
            if len(valid) == 0:
                continue
            days = pc.floor_temporal(valid, unit="day")
            if not pc.all(pc.equal(days, valid)).as_py() or pc.min(valid).as_py().year < 1900:
                raise Declined("time of day")
        elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_floating(kind)
                  or pa.types.is_boolean(kind) or pa.types.is_null(kind) or pa.types.is_integer(kind)
                  or pa.types.is_date(kind)):
            raise Declined(f"type {kind}")
