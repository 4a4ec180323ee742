"""The columnar path of an .xlsx sheet: its data rows loaded by fastexcel into Arrow columns, each column
with one type.

python-calamine builds a Python object for every cell as it parses; fastexcel parses the same XML into
Arrow columns in Rust, in 0.6-0.8 of the time on a large roster. The header is found first from the head
of the sheet's XML (xlsxhead), then the rows below it are loaded with `dtype_coercion="strict"` over
every row: a column whose cells are all text, all numbers, all dates or all yes/no comes back exactly as
python-calamine would give each cell, so the cell cleaners see the same values and every problem keeps
its row, column and wording. fastexcel gives a cell holding an Excel error value or a formula saved without its
result as empty; the scan of the sheet's XML finds each of them, and the reader puts a cells.BadCell in its place,
as the row reader does (bad_cells). A column mixing kinds (an ID typed as a number among text IDs, "1,200元"
among numbers), such a cell in the header or one fastexcel refuses (#NAME?), merged cells or a date with a time
of day make this path decline, and the sheet is read row by row as before.
"""

from __future__ import annotations

import datetime as _dt
import os
import time
from pathlib import Path

from dibao_cli import forked


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
    return _checked(_load(path, sheet_name, first_row), width)


def _load(path: Path, sheet_name: str, first_row: int):
    import logging  # imported here: a roster read by rows never logs

    import fastexcel

    # fastexcel logs a warning for an empty column (read as text): nothing a clerk should see
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    try:
        # eager: straight to an Arrow record batch, without fastexcel's intermediate sheet (about 0.1 s less per
        # 100,000 rows; the same columns)
        return fastexcel.read_excel(str(path)).load_sheet(
            sheet_name, header_row=None, skip_rows=first_row, dtype_coercion="strict", schema_sample_rows=None,
            eager=True)
    except Exception as exc:  # a column of mixed kinds, or anything the loader refuses
        raise Declined(str(exc)) from None


def _checked(table, width: int):
    if table.num_rows and table.num_columns != width:
        raise Declined("width")
    return table


# sheets whose XML is smaller than this are loaded, then scanned, in this process (a child costs more than it saves)
PARALLEL_FROM_BYTES = 8 * 1024 * 1024


def can_load_in_parallel(xml_bytes: int) -> bool:
    return xml_bytes >= PARALLEL_FROM_BYTES and hasattr(os, "fork") and hasattr(os, "memfd_create")


class ParallelLoad:
    """fastexcel loading a sheet's rows in a forked child while this process scans the same sheet's XML (the scan
    decides whether the load may be used at all: size limits, merged cells; and finds the error values and formulas
    without a value the columns hold as empty).

    The child gets a memory ceiling in proportion to the sheet's XML, since it starts before the scan has checked
    the sheet against the size limits: a file built to exhaust memory stops the child, never the machine, and the
    scan then refuses the file with its usual message. The child hands back its Arrow columns through an anonymous
    in-memory file, mapped here without a copy. Whatever happens to the child (refused column types, a crash, the
    ceiling), the sheet is read as it would be without the child: declined to the row reader.

    With `id_position` (the ID column's position in the table), the child goes on, once the columns are handed over,
    to screen that column (idscreen.screen_ids) and to dictionary-encode the columns at `encode_positions` (the
    household-level ones, needed last) while this process builds the members from the others, and hands them back
    through a second in-memory file (screen()). Should that fail in any way, this process does the same work itself
    with the same functions."""

    def __init__(self, path: Path, sheet_name: str, first_row: int, width: int, memory_ceiling: int,
                 id_position: int | None = None, encode_positions: tuple = ()):
        import pyarrow as pa
        import pyarrow.compute  # noqa: F401 - imported before the fork, so the child imports nothing
        import pyarrow.ipc  # noqa: F401
        import fastexcel  # noqa: F401

        from dibao_cli.reading import idscreen  # noqa: F401 - for the child, as above

        self.width = width
        self.id_position = id_position
        self._extras = None
        self._pa = pa
        self._memory = os.memfd_create("dibao-columns", os.MFD_CLOEXEC)
        self._screen_memory = os.memfd_create("dibao-id-screen", os.MFD_CLOEXEC)
        self._exit: int | None = None
        reader, writer = os.pipe()
        ready, loaded = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: load, write the columns, leave without running any of the parent's exit code
            code = 1
            try:
                os.close(reader)
                os.close(ready)
                # a failed allocation is reported on stderr: it goes to the parent as the reason of a decline
                forked.become_child(memory_ceiling, stderr=writer)
                table = _load(path, sheet_name, first_row)
                _write(pa, self._memory, table)
                os.write(loaded, b"1")  # the columns are all there: the parent may map them
                os.close(loaded)
                code = 0
                kept = _kept(table, id_position, encode_positions)
                del table  # the other columns are freed while the screen runs
                extras = _extras(kept, id_position, encode_positions)
                if extras is not None:
                    _write(pa, self._screen_memory, extras)
            except BaseException as exc:  # noqa: BLE001 - reported to the parent as a decline
                code = code or 2  # after the columns: only the screen is missing
                forked.tell_parent(writer, str(exc))
            finally:
                os._exit(code)
        os.close(writer)
        os.close(loaded)
        self._pid = pid
        self._handed = time.monotonic()  # when the columns were handed over (result())
        self._status = reader
        self._loaded = ready

    def cancel(self) -> None:
        """Stop the child (the scan refused the sheet, Ctrl-C, or its screen is not wanted) and reap it."""
        if self._pid is not None:
            self._exit = forked.stop(self._pid)
            self._pid = None
        self._close()

    def result(self):
        """The child's Arrow columns (a record batch), or Declined (the child stopped). The child may go on to
        screen the ID column: screen() or cancel() after."""
        try:
            while True:
                try:
                    loaded = os.read(self._loaded, 1)
                    break
                except InterruptedError:
                    continue
            if loaded != b"1":  # the child ended without the columns
                status = self._reap()
                message = self._message()
                raise Declined(message.decode("utf-8", "replace") or f"loader ended with {status}")
            pa = self._pa
            with pa.memory_map(f"/proc/self/fd/{self._memory}") as source:
                table = pa.ipc.open_stream(source).read_next_batch()
            self._handed = time.monotonic()
            return _checked(table, self.width)
        except BaseException:
            self.cancel()
            raise

    def screen(self):
        """What the child made after handing over the columns, once it has ended (_extras: a record batch), the same
        batch each time; None when it has nothing (no ID column given, or the child failed). After result()."""
        pa = self._pa
        try:
            if self._pid is None and self._memory is None:
                return self._extras
            # the child screens while this process builds the members: given up (and stopped) when it is still at it
            # long after
            status = forked.wait(self._pid, forked.patience(time.monotonic() - self._handed))
            if status is None:
                return None
            self._pid, self._exit = None, status
            if status != 0 or os.fstat(self._screen_memory).st_size == 0:
                return None
            with pa.memory_map(f"/proc/self/fd/{self._screen_memory}") as source:
                self._extras = pa.ipc.open_stream(source).read_next_batch()
            return self._extras
        except (OSError, pa.ArrowException):
            return None
        finally:
            self.cancel()

    def _message(self) -> bytes:
        message = b""
        while chunk := os.read(self._status, 4096):
            message += chunk
        return message

    def _reap(self) -> int:
        """Wait for the child; it stays this object's to stop (cancel) until it has ended."""
        if self._pid is None:
            return -1 if self._exit is None else self._exit
        self._exit = forked.reap(self._pid)
        self._pid = None
        return self._exit

    def _close(self) -> None:
        for name in ("_memory", "_screen_memory", "_status", "_loaded"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)
                setattr(self, name, None)

    def __del__(self):
        try:
            self.cancel()
        except BaseException:  # noqa: BLE001 - at exit, nothing is left to stop
            pass


ENCODED = "encoded:"  # the name of a column's dictionary encoding in _extras, before its position


def _kept(table, id_position: int | None, encode_positions) -> dict:
    """The columns _extras works on, by position (none without an ID column)."""
    if id_position is None or not 0 <= id_position < table.num_columns:
        return {}
    return {p: table.column(p) for p in (id_position, *encode_positions) if 0 <= p < table.num_columns}


def _extras(kept: dict, id_position: int | None, encode_positions):
    """The child's work after handing over the columns: the screen of the ID column at `id_position` (idscreen's
    columns and metadata) and the dictionary encoding of each column at `encode_positions` (named ENCODED and its
    position, left out for a column of empty cells), from the columns `_kept` picked, as one record batch; None
    without an ID column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from dibao_cli.reading import idscreen

    if id_position not in kept:
        return None
    screen = idscreen.screen_ids(kept[id_position])
    if screen is None:
        return None
    arrays, names = list(screen.columns), list(screen.schema.names)
    for position in encode_positions:
        column = kept.get(position)
        if column is None:
            continue
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if not pa.types.is_null(array.type):
            arrays.append(pc.dictionary_encode(array))
            names.append(f"{ENCODED}{position}")
    return pa.RecordBatch.from_arrays(arrays, names, metadata=screen.schema.metadata)


def _write(pa, memory: int, batch) -> None:
    """A record batch written as an Arrow stream into an in-memory file."""
    with pa.OSFile(f"/proc/self/fd/{memory}", "wb") as sink:
        with pa.ipc.new_stream(sink, batch.schema) as stream:
            stream.write_batch(batch)


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
    if pa.types.is_timestamp(kind) and kind.tz is None:  # whole days from 1900 on, as check_columns requires
        valid = pc.drop_null(column)
        if len(valid) and (not pc.all(pc.equal(pc.floor_temporal(valid, unit="day"), valid)).as_py()
                           or pc.min(valid).as_py().year < 1900):
            raise Declined("time of day")
        return pc.cast(column, pa.date32()).to_pylist()
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


def bad_cells(flags: dict, table, first_row: int, first_column: int,
              id_position: int | None = None) -> dict[int, dict[int, object]]:
    """The sheet's cells that hold an error value or a formula without its result (the scan's flags: row -> column
    -> cells.BadCell, from the sheet's first row and column) by the table's column and row. fastexcel gives an error
    value or a formula saved without any result as empty, and a placeholder result (sheetscan.bad_cell) as that
    value; the reader puts the BadCell in its place whatever the column holds, as the row reader does. Declined when
    one lies above the data (in the header) or outside the table, when an error value is not empty in the table,
    and when a placeholder is in the ID column at `id_position` (whose numbers are screened from the column)."""
    import pyarrow.compute as pc

    out: dict[int, dict[int, object]] = {}
    for row0, marks in flags.items():
        row = row0 - first_row
        for column0, bad in marks.items():
            column = column0 - first_column
            if not (0 <= row < table.num_rows and 0 <= column < table.num_columns):
                raise Declined("an error value or a formula without its result in the header or outside the table")
            out.setdefault(column, {})[row] = bad
    for column, rows in out.items():
        must_be_empty = sorted(r for r, bad in rows.items() if bad.kind == "error" or column == id_position)
        if must_be_empty and pc.any(pc.is_valid(table.column(column).take(must_be_empty))).as_py():
            raise Declined("a cell the scan found bad has a value in the columns")
    return out


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
