"""Writing output files: atomically (temp file, then rename), never over an existing file without force,
with the permissions an ordinary file gets (the umask), and a clear message when the disk is full.

Every CSV, xlsx and HTML cell passes through here: control characters are removed, CSV text that a
spreadsheet would run as a formula is neutralised, long digit strings (ID numbers) keep their digits in
Excel/WPS, sheet names are made legal and unique, and workbooks are set up to be read and printed."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import shutil
import tempfile
import unicodedata
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Iterable, Sequence

from dibao_cli.errors import OutputRefused

# ---------------------------------------------------------------------------------------------------------
# Cell text

# C0/C1 control characters (tab, line feed and carriage return are kept: they are legitimate inside a cell),
# DEL, lone surrogates and the two non-characters that XML and UTF-8 writers reject.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """Text without control characters, NUL or unencodable code points (every output cell, HTML value and
    sheet name goes through this). `isprintable` is the fast path: almost every cell is printable."""
    if value.isprintable():
        return value
    return _CONTROL.sub("", value)


# The OWASP rule: a CSV cell whose text begins with one of these may be run as a formula by Excel, WPS or
# LibreOffice; a leading apostrophe makes the spreadsheet show it as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(value):
    """One CSV cell: numbers stay numbers; text is cleaned and neutralised (see module docstring).

    Digit strings that Excel/WPS would turn into a number and damage (12 digits or more, shown as 6.32521E+17
    and rounded to 15 digits on save; or a leading zero, dropped) get a leading tab: the spreadsheet then
    keeps the cell as text and shows every digit, and a script that strips whitespace reads the same value."""
    if type(value) is not str:
        return "" if value is None else value
    if not value.isprintable():
        value = _CONTROL.sub("", value)
    if not value:
        return value
    first = value[0]
    if first in FORMULA_START:
        if first == "-" and _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    if first.isdigit() and (len(value) >= 12 or (first == "0" and len(value) > 1)):
        body = value[:-1] if value[-1] in "Xx" else value
        if body.isdigit() and body.isascii():
            return "\t" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """CSV in UTF-8 with BOM, so that Excel opens the Chinese text correctly; every cell through csv_cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def json_bytes(obj) -> bytes:
    """Indented UTF-8 JSON; orjson writes a million-member result in a fraction of the stdlib's time."""
    import orjson

    return orjson.dumps(obj, default=str, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def display_width(text: str) -> int:
    """Columns a text takes on screen or in a spreadsheet column: Chinese characters count two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# ---------------------------------------------------------------------------------------------------------
# Sheet names

SHEET_NAME_LIMIT = 31  # Excel's limit, in UTF-16 code units
_SHEET_FORBIDDEN = re.compile(r"[/\\?*\[\]:]")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _shorten(text: str, limit: int) -> str:
    while _utf16_len(text) > limit:
        text = text[:-1]
    return text


def sheet_names(names: Sequence[str]) -> list[str]:
    """Legal, unique sheet names for `names` (townships, villages: any text from a roster): the characters
    Excel forbids (/ \\ ? * [ ] :) become "_", control characters go, a leading or trailing apostrophe goes,
    the name is cut to 31 characters, and a name already taken (Excel compares without case) gets "(2)",
    "(3)"... The full name is shown inside the sheet (`write_xlsx` puts it in the title)."""
    taken: set[str] = set()
    out = []
    for name in names:
        base = _SHEET_FORBIDDEN.sub("_", clean_text(str(name))).strip().strip("'").strip() or "表"
        if base.lower() == "history":  # reserved by Excel
            base = base + "_"
        candidate = _shorten(base, SHEET_NAME_LIMIT)
        n = 1
        while candidate.lower() in taken:
            n += 1
            suffix = f"({n})"
            candidate = _shorten(base, SHEET_NAME_LIMIT - len(suffix)) + suffix
        taken.add(candidate.lower())
        out.append(candidate)
    return out


# ---------------------------------------------------------------------------------------------------------
# Files

def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _full_disk(exc: BaseException) -> OSError | None:
    """The OSError behind `exc` (itself, or the one a library wrapped) if it means the disk or the file-size
    limit is full."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            return exc
        for inner in getattr(exc, "args", ())[:1]:
            if isinstance(inner, OSError) and inner.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                return inner
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def disk_full_message(path) -> str:
    return f"磁盘已满，无法写入 {path}（没有留下不完整的文件）。请清理磁盘空间，或写到有空间的磁盘后重试。"


def refuse_existing(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise OutputRefused(f"输出文件 {path} 已存在，未覆盖。请换一个文件名，或加 --force 覆盖。")
    if path.exists() and path.is_dir():
        raise OutputRefused(f"{path} 是文件夹，不能作为输出文件。")


@contextlib.contextmanager
def atomic_path(path: Path, force: bool):
    """Yields a temporary path in the same folder; on success it gets the permissions of a newly created
    file (0666 less the umask, like any other program's output) and is renamed over `path`. On failure
    (full disk, Ctrl-C, an error) the temporary file is removed: no empty or partial file is left."""
    path = Path(path)
    refuse_existing(path, force)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise OutputRefused(f"输出文件夹 {folder} 不存在。请先建好文件夹。")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as exc:
        if _full_disk(exc):
            raise OutputRefused(disk_full_message(path)) from None
        raise OutputRefused(f"无法在 {folder} 中写文件：{exc.strerror or exc}。") from None
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        if path.exists() and not force:  # appeared meanwhile
            raise OutputRefused(f"输出文件 {path} 已存在，未覆盖。请换一个文件名，或加 --force 覆盖。")
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if not isinstance(exc, OutputRefused) and _full_disk(exc):
            raise OutputRefused(disk_full_message(path)) from None
        raise


def atomic_write(path: Path, data: bytes, force: bool) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename."""
    with atomic_path(path, force) as tmp:
        tmp.write_bytes(data)


def _to_stdout(chunks) -> None:
    import sys

    out = sys.stdout.buffer
    try:
        for chunk in chunks:
            view = memoryview(chunk)
            while view:  # a write can be short (the disk filled up); the next one then reports why
                written = out.write(view)
                if not written:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                view = view[written:]
        out.flush()
    except OSError as exc:
        if _full_disk(exc):
            raise OutputRefused(disk_full_message("标准输出（重定向的文件）")) from None
        raise


def write_chunks(path: Path | None, chunks, force: bool) -> None:
    """Stream byte chunks to a file (atomic, no overwrite without force) or to standard output, so that a
    million-household result never has to sit in memory as one document."""
    if path is None or str(path) == "-":
        _to_stdout(chunks)
        return
    with atomic_path(Path(path), force) as tmp, open(tmp, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)


def write_output(path: Path | None, data: bytes, force: bool) -> None:
    """To a file (atomic, no overwrite without force) or, with no path, to standard output."""
    if path is None or str(path) == "-":
        _to_stdout([data])
        return
    atomic_write(Path(path), data, force)


# ---------------------------------------------------------------------------------------------------------
# Workbooks

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
                 footer: Sequence[tuple[str, str]] = (), borders: bool = False, landscape: bool = True):
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


def write_xlsx(path: Path, sheets: Sequence[SheetSpec], force: bool) -> None:
    """A workbook a clerk can read and print: bold header, frozen and filterable; columns as wide as their
    content (18-digit IDs, long village names), long text wrapped; money as numbers with two decimals; A4
    landscape, fitted to the page width, the header row repeated on every page, page numbers in the footer.

    Written with xlsxwriter in constant-memory mode (rows go to disk as they come): measured here it is
    the fastest maintained xlsx writer, which matters for a million-member result. Strings are never
    turned into formulas or links (a name starting with "=" stays text); control characters are removed.
    The full-disk case leaves nothing behind (the workbook's scratch files live in a private folder)."""
    import xlsxwriter

    path = Path(path)
    names = sheet_names([spec.name for spec in sheets])
    scratch = tempfile.mkdtemp(prefix="dibao-xlsx-")
    try:
        with atomic_path(path, force) as tmp:
            book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                                  "strings_to_urls": False, "strings_to_numbers": False,
                                                  "tmpdir": scratch})
            try:
                for spec, name in zip(sheets, names):
                    _write_sheet(book, spec, name)
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


def _write_sheet(book, spec: SheetSpec, name: str) -> None:
    import datetime as _dt

    ws = book.add_worksheet(name)
    title = spec.title
    if name != spec.name and (not title or str(spec.name) not in title):
        title = f"{clean_text(str(spec.name))}" + (f"　{title}" if title else "")
    rows = iter(spec.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    widths, wrapped = _column_widths(spec, sample)
    ncols = max(len(widths), 1)
    for c, w in widths.items():
        ws.set_column(c, c, w)

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

    r = 0
    if title:
        if spec.borders and ncols > 1:
            ws.set_row(0, 24)
            ws.merge_range(0, 0, 0, ncols - 1, clean_text(title), _format(book, bold=True, font_size=15, align="center",
                                                                        valign="vcenter"))
        else:
            ws.write_string(0, 0, clean_text(title), _format(book, bold=True, font_size=13))
        r = 1
    for line in spec.preamble:
        ws.write_row(r, 0, [clean_text(str(v)) for v in line])
        r += 1
    header_row = r
    header_lines = max([_lines(display_width(str(h)), widths.get(c, 8)) for c, h in enumerate(spec.header)] or [1])
    if header_lines > 1:
        ws.set_row(r, LINE_HEIGHT * header_lines + 3)
    ws.write_row(r, 0, [clean_text(str(h)) for h in spec.header], header_format)
    ws.freeze_panes(r + 1, 0)
    write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank

    wrapped_widths = [(c, widths[c]) for c in sorted(wrapped)]

    def write(values):
        nonlocal r
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
    if last_data > header_row:
        ws.autofilter(header_row, 0, last_data, ncols - 1)
    if spec.footer:
        r += 1
        for text, align in spec.footer:
            r += 1
            fmt = _format(book, text_wrap=True, valign="top", align="right" if align == "right" else "left")
            text = clean_text(str(text))
            lines = sum(_lines(display_width(part), sum(widths.values())) for part in text.split("\n"))
            ws.set_row(r, LINE_HEIGHT * lines + 3)
            if ncols > 1:
                ws.merge_range(r, 0, r, ncols - 1, text, fmt)
            else:
                ws.write_string(r, 0, text, fmt)

    # Print setup: A4 landscape, one page wide, the header row on every page, page numbers.
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


# ---------------------------------------------------------------------------------------------------------
# Terminal tables: bounded screens

SCREEN_LIMIT = 300  # a table longer than this is cut on the screen (unless --all)
SCREEN_FIRST = 100  # rows shown when it is cut


def screen_rows(items: Sequence, show_all: bool) -> tuple[Sequence, bool]:
    """The rows to show on the screen and whether the list was cut."""
    if show_all or len(items) <= SCREEN_LIMIT:
        return items, False
    return items[:SCREEN_FIRST], True


def print_cut(console, total: int, shown: int, unit: str, pairs: Iterable[tuple[str, str]], file_hint: str) -> None:
    """After a cut table: a summary per township (by kind), and how to get the whole list."""
    from collections import Counter

    from rich.table import Table

    counts: dict[str, Counter] = {}
    kinds: dict[str, None] = {}
    for township, kind in pairs:
        counts.setdefault(township or "未填乡镇", Counter())[kind] += 1
        kinds.setdefault(kind)
    columns = list(kinds) if len(kinds) <= 8 else []
    table = Table(title="按乡镇汇总", title_justify="left")
    table.add_column("乡镇", no_wrap=True)
    for kind in columns:
        table.add_column(kind, justify="right", no_wrap=True)
    table.add_column("合计", justify="right", no_wrap=True)
    for township in sorted(counts):
        c = counts[township]
        table.add_row(township, *[str(c[k]) for k in columns], str(sum(c.values())))
    console.print(table)
    console.print(f"共 {total} {unit}，屏幕上只显示了前 {shown} {unit}。完整清单请写到文件："
                  f"-o {file_hint}.xlsx，或 --format csv -o {file_hint}.csv；加 --all 在屏幕上显示全部。")
