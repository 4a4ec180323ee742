"""The first rows of an .xlsx sheet read straight from its XML, without loading the sheet.

The columnar reader needs the header (found among the first rows) before it loads the data with
explicit types, and every workbook reader parses the whole sheet even when asked for 30 rows. So the
first rows are taken from the start of the sheet's XML, and the few shared strings they use from the
start of the shared-strings part (Excel, WPS and other writers list strings in order of first use).

Anything this small parser does not handle exactly as the full reader would (a cell without a
reference, a typed date, phonetic runs, escaped control characters, a sheet without a dimension or whose
dimension does not start at the leftmost value of the first rows)
makes it return None: the sheet is then read by the row reader.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from dibao_cli.cells import BadCell
from dibao_cli.reading import sheetscan

_ROW = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_ROW_REF = re.compile(rb'\br="(\d+)"')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_TYPE = re.compile(rb'\bt="([^"]*)"')
_VALUE = re.compile(rb"<v(?:\s[^>]*)?>([^<]*)</v>")
_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>|<t(?:\s[^>]*)?/>")
_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_SI = re.compile(rb"<si\b[^>]*>(.*?)</si>|<si\s*/>", re.S)


HEAD_BYTES = 16 * 1024 * 1024  # the head is read before the sheet's scan has checked its rows' sizes


class Unsupported(Exception):
    """The head holds something only the full reader reads exactly."""


@dataclass
class Head:
    rows: dict[int, list]  # 0-based absolute row -> cells from column 0 ("" as None), rows below `limit` only
    first_column: int  # 0-based column where the sheet's used area starts (the dimension's left edge)
    width: int  # columns of the used area
    numeric_rows: set  # rows among `rows` holding a number (a date cell is a number in the XML)


def _column(letters: bytes) -> int:
    return sheetscan.column_number(letters) - 1


def _text(raw: bytes) -> str:
    if b"_x" in raw:
        raise Unsupported("escaped character")
    return unescape(raw.decode("utf-8"))


def read_head(path: Path, zf: zipfile.ZipFile, part: str, limit: int, unsaved: bool = False) -> Head | None:
    """The first `limit` rows (`unsaved`: formulas' saved results are placeholders, sheetscan.xlsx_workbook)."""
    try:
        return _read_head(path, zf, part, limit, unsaved)
    except (Unsupported, UnicodeDecodeError, ValueError, KeyError):
        return None


def _read_head(path: Path, zf: zipfile.ZipFile, part: str, limit: int, unsaved: bool) -> Head | None:
    data = b""
    for chunk in sheetscan.stream_part(path, zf, zf.getinfo(part)):
        data += chunk
        if data.count(b"</row>") > limit or b"</sheetData>" in data or b"<sheetData/>" in data:
            break
        if len(data) > HEAD_BYTES:  # the first rows of a roster are a few kilobytes: the scan judges the rest
            raise Unsupported("head too large")
    dimension = _DIMENSION.search(data)
    if dimension is None or dimension.group(3) is None:
        return None
    first_column = _column(dimension.group(1))
    width = _column(dimension.group(3)) - first_column + 1
    start = data.find(b"<sheetData")
    raw_rows: dict[int, list[tuple[int, bytes, bytes]]] = {}
    for match in _ROW.finditer(data, start):
        ref = _ROW_REF.search(match.group(1))
        if ref is None:
            raise Unsupported("row without a reference")
        row = int(ref.group(1)) - 1
        cells = []
        for cell in _CELL.finditer(match.group(2) or b""):
            attrs, body = cell.group(1), cell.group(2) or b""
            cref = _CELL_REF.search(attrs)
            if cref is None:
                raise Unsupported("cell without a reference")
            kind = _CELL_TYPE.search(attrs)
            cells.append((_column(cref.group(1)), kind.group(1) if kind else b"n", body))
        if row >= limit:
            break
        if cells:
            raw_rows[row] = cells
    wanted = set()
    for cells in raw_rows.values():
        for _, kind, body in cells:
            if kind == b"s":
                value = _VALUE.search(body)
                if value is not None:
                    wanted.add(int(value.group(1)))
    strings = _shared_strings(path, zf, max(wanted) + 1) if wanted else []
    rows: dict[int, list] = {}
    numeric: set[int] = set()
    leftmost = None  # the leftmost column holding a value (what the full reader's table starts with)
    for row, cells in raw_rows.items():
        values: list = []
        for column, kind, body in cells:
            value = _VALUE.search(body)
            bad = sheetscan.bad_cell(kind, body, unsaved)  # as the row reader has it (the scan's flags); a formula with
            if bad is not None:                   # its result is that result, as python-calamine gives it
                item = bad
            elif kind == b"s":
                item = strings[int(value.group(1))] if value is not None else None
            elif kind == b"inlineStr":
                item = "".join(_text(t.group(1) or b"") for t in _TEXT.finditer(body))
            elif kind == b"str":
                item = _text(value.group(1)) if value is not None else None
            elif kind == b"b":
                item = None if value is None else value.group(1).strip() == b"1"
            elif kind == b"n":
                item = None if value is None or not value.group(1).strip() else float(value.group(1))
                if item is not None:
                    numeric.add(row)
            else:
                raise Unsupported("cell type")
            if item == "":
                item = None
            if item is None:
                continue
            if not (type(item) is BadCell and item.kind == "uncached") and (leftmost is None or column < leftmost):
                leftmost = column
            if len(values) <= column:
                values.extend([None] * (column + 1 - len(values)))
            values[column] = item
        if any(v is not None for v in values):
            rows[row] = values
    if leftmost != first_column:  # a dimension that does not start where the values do would shift every column
        raise Unsupported("dimension")
    return Head(rows, first_column, width, numeric)


def _shared_strings(path: Path, zf: zipfile.ZipFile, count: int) -> list[str]:
    name = next((n for n in zf.namelist() if n.lower().endswith("sharedstrings.xml")), None)
    if name is None:
        raise Unsupported("no shared strings")
    out: list[str] = []
    data = b""
    for chunk in sheetscan.stream_part(path, zf, zf.getinfo(name)):
        data += chunk
        end = data.rfind(b"</si>")
        if end == -1:
            continue
        end += len(b"</si>")
        for match in _SI.finditer(data, 0, end):
            out.append(_string(match.group(1) or b""))
            if len(out) >= count:
                return out
        data = data[end:]
    raise Unsupported("missing shared string")


def _string(body: bytes) -> str:
    if b"<rPh" in body:
        raise Unsupported("phonetic run")
    return "".join(_text(t.group(1) or b"") for t in _TEXT.finditer(body))
