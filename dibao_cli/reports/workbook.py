"""Workbooks a clerk can read and print, written with xlsxwriter in constant-memory mode.

A sheet longer than Excel's 1,048,576 rows goes on in continuation sheets (“成员明细（续2）”), each with
the header, so the file opens in Excel and WPS whatever its size."""

from __future__ import annotations

import shutil
import tempfile
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Iterable, Sequence

from dibao_cli.errors import OutputRefused
from dibao_cli.reports.files import (
    _CONTROL,
    SHEET_NAME_LIMIT,
    _full_disk,
    _shorten,
    atomic_path,
    clean_text,
    disk_full_message,
    display_width,
    sheet_names,
)

EXCEL_ROWS = 1_048_576  # rows of one Excel worksheet

class SheetSpec:
    """A sheet to write: name, header, rows, and how it looks.

    widths: the widest a column may grow (characters; text wraps beyond it), by column index; every other
    column is as wide as its content. formats: number formats by column index. title: a line above the
    table (the sheet's full name when the name had to be shortened). preamble: rows between the title and
    the header (a report's 填报单位 block). footer: lines after the table, each (text, "left"|"right"), merged
    across the table's width (a notice's 公示期 and 落款). borders: ruled cells and a centred title, as on a
    printed list."""

    def __init__(self, name: str, header: Sequence[str], rows: Iterable[Sequence], widths: dict | None = None,
                 formats: dict | None = None, title: str | None = None, preamble: Sequence[Sequence] = (),
                 footer: Sequence[tuple[str, str]] = (), borders: bool = False, landscape: bool = True,
                 size: int | None = None):
        self.name = name
        self.header = header
        self.rows = rows
        self.widths = widths or {}
        self.formats = formats or {}
        self.title = title
        self.preamble = preamble
        self.footer = footer
        self.borders = borders
        self.landscape = landscape  # False for a notice to be posted (portrait, centred)
        self.size = size  # at most this many rows, when the caller knows (rows are then streamed, not gathered)


MONEY_FORMAT = "#,##0.00"
WIDTH_SAMPLE = 2000  # rows looked at to size the columns (a million-row sheet is not measured twice)
MAX_WIDTH = 50


def _cell_width(value, number_format) -> int:
    kind = type(value)
    if kind is str:
        if "\n" in value:
            return max(display_width(part) for part in value.split("\n"))
        return display_width(value)
    if kind is float or kind is int:
        if number_format and "0.00" in number_format:
            return len(f"{value:,.2f}")
        return len(str(value))
    if value is None:
        return 0
    return 10  # dates


def _column_widths(spec: SheetSpec, sample: list) -> tuple[dict[int, int], set[int]]:
    """Width of each column from its header and the sampled rows, and the columns whose text wraps."""
    columns = max([len(spec.header)] + [len(r) for r in sample]) if sample or spec.header else 0
    widest, widest_number = [0] * columns, [0] * columns
    for values in sample:
        for c, value in enumerate(values):
            w = _cell_width(value, spec.formats.get(c))
            if w > widest[c]:
                widest[c] = w
            if type(value) is not str and w > widest_number[c]:
                widest_number[c] = w
    widths, wrapped = {}, set()
    for c in range(columns):
        header = display_width(str(spec.header[c])) if c < len(spec.header) else 0
        # A header may wrap onto two lines, so it asks for about half its width (but a short header fits).
        want = max(widest[c], min(header, max(8, (header + 1) // 2)), 4) + 2
        cap = spec.widths.get(c, MAX_WIDTH)
        if want > cap:  # text wraps at the cap; a number cannot wrap (Excel would show ####), so it never is cut
            wrapped.add(c)
            want = cap
        if "0.00" in str(spec.formats.get(c, "")):  # rows past the sample may hold larger sums: "##,###.##" fits
            want = max(want, 11)
        widths[c] = max(want, widest_number[c] + 2)
    return widths, wrapped


def write_xlsx(path: Path, sheets: Sequence[SheetSpec], force: bool, sheet_rows: int | None = None) -> None:
    """A workbook a clerk can read and print: bold header, frozen and filterable; columns as wide as their
    content (18-digit IDs, long village names), long text wrapped; money as numbers with two decimals; A4
    landscape, fitted to the page width, the header row repeated on every page, page numbers in the footer.

    Plain sheets (a header and rows) are written by rustpy-xlsxwriter (fastbook), measured several times
    faster on a million-member result; the others with xlsxwriter in constant-memory mode (rows go to disk
    as they come). Strings are never turned into formulas or links (a name starting with "=" stays text);
    control characters are removed. The full-disk case leaves nothing behind (the workbook's scratch files
    live in a private folder). `sheet_rows`: the rows one worksheet holds (Excel's; a test gives fewer)."""
    from dibao_cli.reports.rowstore import thaw_heap

    try:
        _write_xlsx(path, sheets, force, sheet_rows)
    finally:
        thaw_heap()  # the objects a caller put out of the collector's sight while it made the rows (rowstore.py)


def _write_xlsx(path: Path, sheets: Sequence[SheetSpec], force: bool, sheet_rows: int | None) -> None:
    from dibao_cli.reports import fastbook

    path = Path(path)
    sheet_rows = sheet_rows or EXCEL_ROWS
    names = sheet_names([spec.name for spec in sheets])
    if fastbook.available() and all(fastbook.plain(spec) for spec in sheets):
        rows_of, fits = fastbook.take(sheets, sheet_rows - 1)
        if fits:
            try:
                with atomic_path(path, force) as tmp:
                    fastbook.write(tmp, sheets, rows_of, names, sheet_rows)
            except fastbook.WriteFailed as exc:
                if exc.full_disk:
                    raise OutputRefused(disk_full_message(path)) from None
                raise OutputRefused(f"无法写入 {path}：写工作簿时出错。请检查磁盘空间和临时文件夹后重试。") from None
            return
        sheets = [_with_rows(spec, rows) for spec, rows in zip(sheets, rows_of)]
    import xlsxwriter  # only here: the fast writer above needs none of it

    scratch = tempfile.mkdtemp(prefix="dibao-xlsx-")
    try:
        with atomic_path(path, force) as tmp:
            book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                                  "strings_to_urls": False, "strings_to_numbers": False,
                                                  "tmpdir": scratch})
            try:
                for spec, name in zip(sheets, names):
                    _write_sheet(book, spec, name, sheet_rows)
            finally:
                book.close()
    except xlsxwriter.exceptions.FileCreateError as exc:
        if _full_disk(exc):
            raise OutputRefused(disk_full_message(path)) from None
        raise OutputRefused(f"无法写入 {path}：{exc}。") from None
    except OSError as exc:
        if _full_disk(exc):
            raise OutputRefused(disk_full_message(path)) from None
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


LINE_HEIGHT = 15  # points per line of 11-point text


def _with_rows(spec: SheetSpec, rows) -> SheetSpec:
    return SheetSpec(spec.name, spec.header, rows, spec.widths, spec.formats, spec.title, spec.preamble, spec.footer,
                     spec.borders, spec.landscape, spec.size)


def _fast_width(text: str) -> int:
    """display_width for text that is ASCII plus Chinese (three UTF-8 bytes, two columns), in C speed."""
    n = len(text)
    return n + (len(text.encode("utf-8", "replace")) - n) // 2


def _lines(text_width: int, column_width: int) -> int:
    """Lines a text of this display width takes in a wrapped column of this width."""
    return max(1, -(-text_width // max(1, column_width - 2)))


def _format(book, **props):
    """One format object per distinct set of properties in a workbook."""
    cache = book.__dict__.setdefault("_dibao_formats", {})
    key = tuple(sorted(props.items()))
    if key not in cache:
        cache[key] = book.add_format(props)
    return cache[key]


def _write_sheet(book, spec: SheetSpec, name: str, sheet_rows: int) -> None:
    import datetime as _dt

    title = spec.title
    if name != spec.name and (not title or str(spec.name) not in title):
        title = f"{clean_text(str(spec.name))}" + (f"　{title}" if title else "")
    rows = iter(spec.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    widths, wrapped = _column_widths(spec, sample)
    ncols = max(len(widths), 1)

    border = {"border": 1} if spec.borders else {}
    header_format = _format(book, bold=True, bg_color="#DDEBF7", text_wrap=True, valign="vcenter", align="center",
                            border=1)
    cell_formats = {}
    for c in range(ncols):
        props = dict(border)
        if c in spec.formats:
            props["num_format"] = spec.formats[c]
        if c in wrapped:
            props.update(text_wrap=True, valign="top")
        cell_formats[c] = _format(book, **props) if props else None  # no style attribute: a smaller, faster file
    date_props = {"num_format": "yyyy-mm-dd", **border}
    date_format = _format(book, **date_props)
    # the last row a sheet may fill with data: Excel's last row, less the footer and the blank row above it
    last_row = sheet_rows - 1 - ((len(spec.footer) + 1) if spec.footer else 0)

    def open_part(part: int):
        """A new worksheet (the next part of a sheet too long for one) up to its header row."""
        sheet_name = name if part == 1 else _continuation_name(book, name, part)
        ws = book.add_worksheet(sheet_name)
        for c, w in widths.items():
            ws.set_column(c, c, w)
        r = 0
        part_title = title if part == 1 else f"{clean_text(str(spec.name))}（续{part}）"
        if part_title:
            if spec.borders and ncols > 1:
                ws.set_row(0, 24)
                ws.merge_range(0, 0, 0, ncols - 1, clean_text(part_title),
                               _format(book, bold=True, font_size=15, align="center", valign="vcenter"))
            elif part > 1 and ncols > 1:  # a continuation's title over its columns, as the Rust writer writes it
                ws.merge_range(0, 0, 0, ncols - 1, clean_text(part_title), _format(book, bold=True, font_size=13))
            else:
                ws.write_string(0, 0, clean_text(part_title), _format(book, bold=True, font_size=13))
            r = 1
        if part == 1:
            for line in spec.preamble:
                ws.write_row(r, 0, [clean_text(str(v)) for v in line])
                r += 1
        header_lines = max([_lines(display_width(str(h)), widths.get(c, 8)) for c, h in enumerate(spec.header)]
                           or [1])
        if header_lines > 1:
            ws.set_row(r, LINE_HEIGHT * header_lines + 3)
        ws.write_row(r, 0, [clean_text(str(h)) for h in spec.header], header_format)
        ws.freeze_panes(r + 1, 0)
        return ws, r

    def close_part(ws, header_row: int, last_data: int) -> None:
        if last_data > header_row:
            ws.autofilter(header_row, 0, last_data, ncols - 1)
        _print_setup(ws, spec, header_row)

    part = 1
    ws, header_row = open_part(part)
    r = header_row
    wrapped_widths = [(c, widths[c]) for c in sorted(wrapped)]

    def write(values):
        nonlocal r, ws, header_row, part
        if r >= last_row:  # Excel cannot open a sheet past its last row: the rows go on in a new sheet
            close_part(ws, header_row, r)
            part += 1
            ws, header_row = open_part(part)
            r = header_row
        r += 1
        if wrapped_widths:  # rows grow to show wrapped text (spreadsheets do not do it on opening)
            lines = 1
            for c, w in wrapped_widths:
                if c < len(values) and type(values[c]) is str:
                    text = values[c]
                    n = _lines(len(text) if text.isascii() else _fast_width(text), w)
                    if n > lines:
                        lines = n
            if lines > 1:
                ws.set_row(r, LINE_HEIGHT * lines + 3)
        write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
        for c, value in enumerate(values):
            fmt = cell_formats.get(c)
            kind = type(value)
            if value is None or value == "":
                if spec.borders and c < ncols:
                    write_blank(r, c, None, fmt)
                continue
            if kind is str:
                write_string(r, c, value if value.isprintable() else _CONTROL.sub("", value), fmt)
            elif kind is int or kind is float:
                write_number(r, c, value, fmt)
            elif kind is bool:
                ws.write_boolean(r, c, value, fmt)
            elif isinstance(value, (_dt.date, _dt.datetime)):
                ws.write_datetime(r, c, value, date_format)
            elif isinstance(value, Decimal):  # money stays a number the clerk can add up
                write_number(r, c, float(value), fmt)
            else:
                write_string(r, c, clean_text(str(value)), fmt)
        if spec.borders:
            for c in range(len(values), ncols):
                write_blank(r, c, None, cell_formats.get(c))

    for values in sample:
        write(values)
    for values in rows:
        write(values)
    last_data = r
    if spec.footer:
        r += 1
        for text, align in spec.footer:
            r += 1
            fmt = _format(book, text_wrap=True, valign="top", align="right" if align == "right" else "left")
            text = clean_text(str(text))
            lines = sum(_lines(display_width(part_), sum(widths.values())) for part_ in text.split("\n"))
            ws.set_row(r, LINE_HEIGHT * lines + 3)
            if ncols > 1:
                ws.merge_range(r, 0, r, ncols - 1, text, fmt)
            else:
                ws.write_string(r, 0, text, fmt)
    close_part(ws, header_row, last_data)


def _continuation_name(book, name: str, part: int) -> str:
    return continuation_name(name, part, {n.lower() for n in book.sheetnames})


def continuation_name(name: str, part: int, taken) -> str:
    """The name of a sheet's part (“成员明细（续2）”): within Excel's 31 characters, unlike the (lower-cased)
    names already `taken`."""
    suffix = f"（续{part}）"
    candidate = _shorten(name, SHEET_NAME_LIMIT - len(suffix)) + suffix
    n = 1
    while candidate.lower() in taken:
        n += 1
        candidate = _shorten(name, SHEET_NAME_LIMIT - len(suffix) - 3) + f"{suffix}({n})"
    return candidate


def _print_setup(ws, spec: SheetSpec, header_row: int) -> None:
    """A4 landscape, one page wide, the header row on every page, page numbers."""
    ws.set_paper(9)
    if spec.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
        ws.center_horizontally()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if not spec.borders:
        ws.hide_gridlines(0)  # printed with grid lines, so the rows can be followed on paper
