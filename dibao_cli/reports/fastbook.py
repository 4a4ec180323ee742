"""Plain workbooks (a header and rows on each sheet, as the assessment's result) written with
rustpy-xlsxwriter: the same widths, number formats, wrapped text, header, frozen row, filter and print
setup as workbook.write_xlsx gives them, in a Rust writer measured several times faster than xlsxwriter
on a million-member result.

A sheet longer than one Excel worksheet goes on in continuation sheets when its rows can be gone through
twice (a RowStore, a list). A sheet with a title, preamble rows, a footer or ruled cells, repeated column
names, rows wider than the header, or more rows than one worksheet holds coming from a one-pass source is
written by workbook.write_xlsx instead (the rows already taken from the source are handed back with the rest).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from decimal import Decimal
from itertools import chain, islice, repeat
from typing import Sequence

from dibao_cli.reports.files import _CONTROL, clean_text, display_width

HEADER_FILL = "#DDEBF7"
MEMO_LIMIT = 50_000  # texts whose lines row_heights remembers, per column
_PLAIN = frozenset((str, int, float, bool, type(None), _dt.date, _dt.datetime))  # written as they are


def available() -> bool:
    try:
        import rustpy_xlsxwriter  # noqa: F401
    except ImportError:
        return False
    return True


def plain(spec) -> bool:
    header = [clean_text(str(h)) for h in spec.header]
    return (not spec.title and not spec.preamble and not spec.footer and not spec.borders and spec.landscape
            and bool(header) and all(header) and len(set(header)) == len(header))


class Streamed:
    """A sheet's rows known to fit one worksheet, with no wrapped column: the first ones (to size the
    columns), then the rest as they come, never all in memory at once (one pass only)."""

    def __init__(self, sample: list, rest):
        self.sample = sample
        self.rest = rest

    def __iter__(self):
        return chain(self.sample, self.rest)

    def __bool__(self):
        return bool(self.sample)


def again(rows) -> bool:
    """Rows that say how many they are and can be gone through more than once (a list, a RowStore)."""
    return hasattr(rows, "__len__") and iter(rows) is not rows


def _widest(rows) -> int:
    widest = getattr(rows, "widest", None)
    return widest if widest is not None else max(map(len, getattr(rows, "source", rows)), default=0)


def take(sheets: Sequence, capacity: int) -> tuple[list, bool]:
    """Each sheet's rows, when this writer can write every sheet (no row wider than its header): as they are
    when they can be gone through twice (once to measure wrapped text, once to write; past `capacity` rows in
    continuation sheets); streamed when the sheet says it has at most `capacity` rows and no column wraps; else
    gathered in a list of at most `capacity`. Otherwise (the sheets' rows handed back, nothing lost, False)."""
    from dibao_cli.reports import workbook

    taken, fits = [], True
    for spec in sheets:
        rows = spec.rows
        if not fits:
            taken.append(rows)
            continue
        width = len(spec.header)
        if again(rows):  # longer than one worksheet: continuation sheets, whose title is merged over the columns
            fits = _widest(rows) <= width and (len(rows) <= capacity or width > 1)
            taken.append(rows)
            continue
        size = spec.size
        if size is not None and size > capacity:  # known too long: nothing gathered, the rows go on as they are
            fits = False
            taken.append(rows)
            continue
        rows = iter(rows)
        if size is not None:
            sample = list(islice(rows, workbook.WIDTH_SAMPLE))
            if not workbook._column_widths(spec, sample)[1] and all(len(r) <= width for r in sample):
                taken.append(Streamed(sample, _checked(rows, width)))
                continue
            rows = chain(sample, rows)
        head = list(islice(rows, capacity + 1))
        if len(head) > capacity or any(len(r) > width for r in head):
            fits = False
            taken.append(chain(head, rows))
        else:
            taken.append(head)
    return taken, fits


def _checked(rows, width: int):
    for values in rows:
        if len(values) > width:
            raise ValueError("a row wider than its header")  # the caller's size was wrong: a bug, not input
        yield values


def row_heights(rows, widths: dict, wrapped, line_height: int) -> dict:
    """{row: points} for the data rows (numbered from 1, under the header) whose wrapped text takes more than
    one line: measured a chunk of rows at a time, the wrapped columns only; nothing kept but the heights."""
    from dibao_cli.reports import workbook

    wrapped_widths = [(c, widths[c]) for c in sorted(wrapped)]
    heights = {}
    if not wrapped_widths:
        return heights
    lines_of, fast_width = workbook._lines, workbook._fast_width
    known = [{} for _ in wrapped_widths]  # per wrapped column, text -> its lines (a province repeats its reasons)
    first = 1  # the number of the chunk's first row
    for chunk in chunks_of(getattr(rows, "source", rows)):
        shortest = min(map(len, chunk), default=0)
        tall: dict[int, int] = {}  # row within the chunk: its lines, where more than one
        for (c, w), memo in zip(wrapped_widths, known):
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            column = [values[c] for values in chunk] if c < shortest else \
                [values[c] if c < len(values) else None for values in chunk]
            for i, text in enumerate(column):
                if type(text) is str:
                    n = memo.get(text)
                    if n is None:
                        n = memo[text] = lines_of(len(text) if text.isascii() else fast_width(text), w)
                    if n > 1 and n > tall.get(i, 1):
                        tall[i] = n
        for i in sorted(tall):
            heights[first + i] = line_height * tall[i] + 3
        first += len(chunk)
    return heights


def chunks_of(rows, size: int = 1000):
    """The rows in lists of at most `size` (a RowStore's own packed chunks); rows counted for a progress bar
    (rowstore.Counted) are counted a chunk at a time as they go by."""
    from dibao_cli.reports.rowstore import Counted

    if isinstance(rows, Counted):
        for chunk in chunks_of(rows.source, size):
            yield chunk
            rows.advance(len(chunk))
        return
    packed = getattr(rows, "chunks", None)
    if packed is not None:
        for chunk in packed():
            if chunk:
                yield chunk
        return
    rows = iter(rows)
    while True:
        chunk = list(islice(rows, size))
        if not chunk:
            return
        yield chunk


class _Rows:
    """A sheet's chunks of rows handed out in runs of a given number of rows (a worksheet's part), a chunk split
    where a part ends."""

    def __init__(self, chunks):
        self.chunks = iter(chunks)
        self.left: list = []

    def take(self, count: int | None):
        """The next `count` rows (all that are left when None), in chunks."""
        while count is None or count > 0:
            chunk = self.left or next(self.chunks, None)
            self.left = []
            if not chunk:
                return
            if count is not None:
                if len(chunk) > count:
                    chunk, self.left = chunk[:count], chunk[count:]
                count -= len(chunk)
            yield chunk


def _value(value):
    kind = type(value)
    if value is None or (kind is str and not value):
        return None
    if kind is str:
        return value if value.isprintable() else _CONTROL.sub("", value)
    if kind is int or kind is float or kind is bool:
        return value
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return clean_text(str(value))


def write(target, sheets: Sequence, rows_of: list, names: Sequence[str], sheet_rows: int) -> None:
    """Write the workbook to `target` (the caller's temporary path); a failed write raises WriteFailed. A sheet
    with more rows than one worksheet holds (`sheet_rows`, header included) goes on in continuation sheets
    (“成员明细（续2）”), each with its name as a title and the header, as workbook.write_xlsx writes them."""
    from rustpy_xlsxwriter import FastExcel, Format

    from dibao_cli.reports import workbook

    book = FastExcel(str(target)).format(datetime_format="yyyy-mm-dd")
    header_format = Format()
    header_format.set_bold()
    header_format.set_background_color(HEADER_FILL)
    header_format.set_text_wrap()
    header_format.set_align("center")
    header_format.set_align("vcenter")
    header_format.set_border("thin")
    title_format = Format()
    title_format.set_bold()
    title_format.set_font_size(13)
    taken = {n.lower() for n in names}
    for spec, rows, name in zip(sheets, rows_of, names):
        sample = (rows.sample if isinstance(rows, Streamed)
                  else list(islice(getattr(rows, "source", rows), workbook.WIDTH_SAMPLE)))
        widths, wrapped = workbook._column_widths(spec, sample)
        header = [clean_text(str(h)) for h in spec.header]
        formats = {}
        for c, key in enumerate(header):
            number, wrap = spec.formats.get(c), c in wrapped
            if number or wrap:
                cell = Format()
                if number:
                    cell.set_num_format(number)
                if wrap:
                    cell.set_text_wrap()
                    cell.set_align("top")
                formats[key] = cell
        heights = row_heights(rows, widths, wrapped, workbook.LINE_HEIGHT)  # wrapped: rows gone through twice
        header_lines = max([workbook._lines(display_width(h), widths.get(c, 8)) for c, h in enumerate(header)] or [1])
        header_height = workbook.LINE_HEIGHT * header_lines + 3 if header_lines > 1 else None
        source = _Rows(chunks_of(rows))  # the parts take their rows from it in turn (the sheets are written in order)
        for part, (start, end) in enumerate(_parts(len(rows) if again(rows) else None, sheet_rows), start=1):
            top = 0 if part == 1 else 1  # the header's row: a continuation sheet has its title above
            part_heights = heights if end is None else {top + r - start: h for r, h in heights.items() if start < r <= end}
            if header_height:
                part_heights[top] = header_height
            part_name, extra = name, {}
            if part > 1:
                part_name = workbook.continuation_name(name, part, taken)
                taken.add(part_name.lower())
                extra = {"header_row": 1, "merge_ranges": [(0, 0, 0, len(header) - 1,
                                                            clean_text(f"{clean_text(str(spec.name))}（续{part}）"),
                                                            title_format)]}
            part_rows = source.take(None if end is None else end - start)
            book.freeze(row=top + 1, col=0, sheet=part_name)
            book.sheet(part_name, _records(part_rows, header, empty=not rows),
                       column_widths=[widths.get(c, 8) for c in range(len(header))],
                       column_formats=formats or None, header_format=header_format, row_heights=part_heights or None,
                       autofilter=bool(rows),
                       page_setup={"landscape": True, "paper_size": 9, "fit_to_pages": (1, 0), "repeat_rows": top,
                                   "margins": {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6},
                                   "footer": "&C第 &P 页，共 &N 页", "print_gridlines": True}, **extra)
    with _quiet_stderr():
        book.save()


def _parts(count: int | None, sheet_rows: int):
    """(start, end) of each worksheet's rows: the first holds sheet_rows - 1 under its header, each
    continuation sheet sheet_rows - 2 under its title and header; (0, None) for rows of a count not known."""
    if count is None or count <= sheet_rows - 1:
        yield 0, None
        return
    start, end = 0, sheet_rows - 1
    while start < count:
        yield start, min(end, count)
        start, end = end, end + sheet_rows - 2


def _records(chunks, header: list, empty: bool):
    """The rows, given in chunks, as the writer takes them: a record (column: value) each."""
    blank = dict.fromkeys(header)
    width = len(header)
    if empty:
        yield blank  # a sheet with no rows still has its header (an empty record writes no cell)
    for chunk in chunks:
        if _plain_chunk(chunk, width):  # nearly every chunk: nothing to convert ("" is written as blank)
            yield from map(dict, map(zip, repeat(header), chunk))
            continue
        for values in chunk:
            kinds = set(map(type, values))
            if (len(values) == width and kinds <= _PLAIN
                    and (str not in kinds or _CONTROL.search("\n".join([v for v in values if type(v) is str])) is None)):
                yield dict(zip(header, values))
                continue
            record = dict(blank)  # every column in every record: the writer takes its columns from them
            for key, v in zip(header, values):
                record[key] = _value(v)
            yield record


_TEXT_OR_NONE = frozenset((str, type(None)))


def _plain_chunk(chunk: list, width: int) -> bool:
    """Every row of the chunk as wide as the header, of cells written as they are, no text with a character to
    remove: checked a column at a time."""
    if set(map(len, chunk)) != {width}:
        return False
    for column in zip(*chunk):
        kinds = set(map(type, column))
        if not kinds <= _PLAIN:
            return False
        if str in kinds:
            texts = filter(None, column) if kinds <= _TEXT_OR_NONE else [v for v in column if type(v) is str]
            if _CONTROL.search("\n".join(texts)) is not None:
                return False
    return True


class WriteFailed(Exception):
    """The writer stopped (it cannot raise an OSError: a failed write of its scratch files ends it in a panic)."""

    def __init__(self, full_disk: bool):
        super().__init__("full disk" if full_disk else "write failed")
        self.full_disk = full_disk


@contextlib.contextmanager
def _quiet_stderr():
    """The writer's own failure report (English, with a backtrace note) never reaches the clerk's screen: it
    is caught here and becomes WriteFailed, for the caller's Chinese message."""
    import os
    import sys
    import tempfile
    import warnings

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        failed = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield
        except BaseException as exc:  # a Rust panic is a BaseException
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            text = str(exc)
            failed = WriteFailed(any(s in text for s in ("FileTooLarge", "StorageFull", "No space", "os error 28",
                                                          "os error 27", "QuotaExceeded")))
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        if failed is not None:
            raise failed from None
        sink.seek(0)
        shown = sink.read()
        if shown:  # anything else written meanwhile (a progress line) is shown after all
            os.write(2, shown)
