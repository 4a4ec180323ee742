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
import tempfile
import unicodedata
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
    return b"".join(csv_chunks(header, rows))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence], size: int = 2000):
    """csv_bytes in pieces of `size` rows (their concatenation is csv_bytes), for rows made as they are written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([csv_cell(h) for h in header])
    rows = iter(rows)
    while True:
        chunk = list(islice(rows, size))
        writer.writerows([csv_cell(v) for v in row] for row in chunk)
        data = buffer.getvalue()
        if data:
            yield data.encode("utf-8")
        if len(chunk) < size:
            return
        buffer.seek(0)
        buffer.truncate()


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


_MOVED = {"SheetSpec": "workbook", "MONEY_FORMAT": "workbook", "write_xlsx": "workbook", "EXCEL_ROWS": "workbook",
          "screen_rows": "screens", "print_cut": "screens", "SCREEN_LIMIT": "screens", "SCREEN_FIRST": "screens"}


def __getattr__(name: str):
    """Workbooks and terminal tables have their own modules; their names are still found here."""
    module = _MOVED.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(f"dibao_cli.reports.{module}"), name)
