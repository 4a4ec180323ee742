"""Safety checks on workbook files before a reader spends memory on them, and what the readers hide.

Two jobs, both done by looking at the file itself rather than at what python-calamine returns:

1. Limits. An .xlsx/.ods is a zip: a few megabytes can declare (or, with forged headers, hide) gigabytes
   of XML, and a handful of cells far apart make the reader build a table of billions of cells. The zip's
   directory is checked before anything is read (declared sizes and compression ratios), each part is
   decompressed with a byte count that stops at the limit, and a sheet's cell count and extent are
   measured while it is scanned, before python-calamine loads it.
2. Cells that must not become figures. python-calamine returns an empty cell for an Excel error value
   (`#REF!`, `#DIV/0!` ...) and for a formula saved without its result. The sheet's XML tells them apart:
   `<c t="e">` is an error value, `<c><f>…</f></c>` with no `<v>` is a formula never calculated. The scan
   returns such cells by position so the reader can put a `cells.BadCell` in their place.

The scan is a streaming byte search (regular expressions over decompressed chunks), so it costs about
as much as unzipping the sheet; only cells that hold a formula or an error are looked at one by one.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path, PurePosixPath
from typing import Iterator

from dibao_cli.cells import BadCell
from dibao_cli.errors import InputUnreadable

MB = 1024 * 1024
# Limits on one input file. A real county roster is far below each of them: a 1,000,000-member roster of
# 18 columns is a 70 MB .xlsx whose sheet is about 1 GB of XML with 18 million cells.
MAX_INPUT_BYTES = 200 * MB  # size of the file on disk
MAX_PART_BYTES = 2048 * MB  # one part of a workbook (a sheet's XML) once decompressed
MAX_TOTAL_BYTES = 3072 * MB  # all parts of a workbook once decompressed
MAX_RATIO = 100  # decompressed / compressed size of one part (checked for parts above RATIO_FLOOR)
RATIO_FLOOR = 16 * MB  # smaller parts cannot cost much, whatever their ratio
MAX_ZIP_ENTRIES = 10_000
MAX_CELLS = 36_000_000  # cells of one sheet (rows x columns of the area the reader builds); a 1M-member roster of 36 columns fits
MAX_ROW_BYTES = 16 * MB  # one row of a sheet's XML (a real row is a few kilobytes)
MAX_SHARED_STRINGS_BYTES = 256 * MB  # the shared-strings part, which the reader keeps in memory whole
MAX_COLUMNS = 1_000  # columns of a CSV row or of an .ods cell repeated across a row (an .xlsx is held to MAX_CELLS)
MAX_ROWS = 1_048_576  # rows of one sheet (Excel's own limit)
MAX_LINE_BYTES = 1 * MB  # one line of a CSV/TXT file
MAX_TEXT_FIELD = 131_072  # one cell of a CSV/TXT file (the csv module's own limit), in characters

_CHUNK = 4 * MB


def split_advice() -> str:
    return "请按乡镇（或村）把名册拆成几个文件，分别读取，或在一条命令中一起给出这些文件"


def too_big(path: Path, what: str) -> InputUnreadable:
    return InputUnreadable(f"{path} {what}，超过 dibao 的读取上限，为免耗尽内存已拒绝读取。{split_advice()}；"
                           "如果文件本不该这么大，它可能已损坏或被人为构造，请向报送单位索取原始文件。")


def _damaged(path: Path) -> InputUnreadable:
    return InputUnreadable(f"{path} 已损坏或不完整（可能没有下载或拷贝完整），无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。")


def mb(n: int) -> str:
    return f"{n / MB:,.0f} MB"


# --------------------------------------------------------------------------- zip directory


def guard_zip(path: Path) -> zipfile.ZipFile | None:
    """Check a zip-based workbook's directory against the limits; return the open ZipFile (None when it is
    not a readable zip: the workbook reader then reports the damage in its own words)."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        zf.close()
        raise too_big(path, f"包含 {len(infos):,} 个内部文件（上限 {MAX_ZIP_ENTRIES:,} 个）")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        limit = _part_limit(info.filename)
        if size > limit:
            zf.close()
            raise too_big(path, f"解压后有 {mb(size)}（内部文件 {info.filename}，上限 {mb(limit)}）")
        if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
            zf.close()
            raise too_big(path, f"的内部文件 {info.filename} 压缩了 {size / max(info.compress_size, 1):,.0f} 倍"
                                 f"（{mb(info.compress_size)} 解压后 {mb(size)}；正常的 Excel 文件不超过 {MAX_RATIO} 倍）")
    if total > MAX_TOTAL_BYTES:
        zf.close()
        raise too_big(path, f"解压后共有 {mb(total)}（上限 {mb(MAX_TOTAL_BYTES)}）")
    return zf


def _part_limit(name: str) -> int:
    return MAX_SHARED_STRINGS_BYTES if name.lower().endswith("sharedstrings.xml") else MAX_PART_BYTES


def stream_part(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The decompressed bytes of one part, chunk by chunk, stopping at the limits; a part whose real size
    differs from the size its header declares is refused (a forged header hides a bomb)."""
    seen = 0
    limit = _part_limit(info.filename)
    try:
        fh = zf.open(info)
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError, ValueError):  # encrypted, unknown method
        raise _damaged(path) from None
    with fh:
        while True:
            try:
                chunk = fh.read(_CHUNK)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):  # bad CRC, truncated stream
                raise _damaged(path) from None
            if not chunk:
                break
            seen += len(chunk)
            if seen > limit:
                raise too_big(path, f"解压后超过 {mb(limit)}（内部文件 {info.filename}）")
            yield chunk
        decompressor = getattr(fh, "_decompressor", None)
        if decompressor is not None and hasattr(decompressor, "eof") and not decompressor.eof:
            raise InputUnreadable(
                f"{path} 的内部文件 {info.filename} 实际解压后比文件头声明的 {mb(info.file_size)} 更大，"
                "文件已损坏或被人为构造，已拒绝读取。请向报送单位索取原始文件，或用 Excel 打开后另存为 .xlsx 再试。")


def check_parts(path: Path, zf: zipfile.ZipFile, skip: set[str]) -> None:
    """Decompress every part not in `skip` (those are scanned later, sheet by sheet) with a byte count:
    their real size must match the declared size and stay within the limits."""
    for info in zf.infolist():
        if info.filename in skip or info.is_dir():
            continue
        for _ in stream_part(path, zf, info):
            pass


# --------------------------------------------------------------------------- xlsx sheets


def xlsx_workbook(zf: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
    """(sheet name -> the zip part holding its XML, empty when the workbook does not say; whether the workbook asks
    to be calculated in full when opened). The second is calcPr fullCalcOnLoad: programs that write workbooks without
    calculating them set it (xlsxwriter, openpyxl) and save 0 or nothing as a formula's result; others set it and
    save real results (Apache POI, EPPlus); Excel clears it when it saves."""
    names = set(zf.namelist())
    main = "xl/workbook.xml"
    try:
        for rel in ET.fromstring(zf.read("_rels/.rels")):
            if rel.get("Type", "").endswith("/officeDocument"):
                main = rel.get("Target", main).lstrip("/")
    except (KeyError, ET.ParseError, zipfile.BadZipFile):
        pass
    if main not in names:
        return {}, False
    base = PurePosixPath(main).parent
    rels_part = str(base / "_rels" / (PurePosixPath(main).name + ".rels"))
    try:
        book = ET.fromstring(zf.read(main))
        targets = {}
        if rels_part in names:
            for rel in ET.fromstring(zf.read(rels_part)):
                target = rel.get("Target", "")
                full = target.lstrip("/") if target.startswith("/") else str(base / target)
                targets[rel.get("Id")] = _normalise(full)
    except (ET.ParseError, zipfile.BadZipFile):
        return {}, False
    unsaved = False
    for element in book:
        if element.tag.rsplit("}", 1)[-1] == "calcPr":
            unsaved = element.get("fullCalcOnLoad", "").strip().lower() in ("1", "true")
    out = {}
    for element in book.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        part = targets.get(rid)
        if part in names:
            out[element.get("name", "")] = part
    return out, unsaved


def _normalise(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


@dataclass
class SheetScan:
    flags: dict[int, dict[int, BadCell]] = field(default_factory=dict)  # row0 -> col0 -> BadCell
    cells: int = 0
    rows: int = 0
    columns: int = 0
    merged: bool = False  # the sheet has merged ranges


def _hits(seg: bytes) -> list[tuple[int, bool]]:
    """Positions of formula elements (False) and error-type attributes (True), in order. Plain finds:
    a regular expression with alternatives would try every byte of the sheet in Python's regex engine."""
    hits = []
    at = seg.find(b"<f")
    while at != -1:
        if seg[at + 2:at + 3] in (b" ", b">", b"/"):
            hits.append((at, False))
        at = seg.find(b"<f", at + 2)
    at = seg.find(b't="e"')
    while at != -1:
        if seg[at - 1:at].isspace():
            hits.append((at, True))
        at = seg.find(b't="e"', at + 5)
    hits.sort()
    return hits

_WIDE_REF = re.compile(rb'r="([B-Z][A-Z]|[A-Z]{3})\d')
_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d{1,7})"')
_TYPE = re.compile(rb'\st="([^"]*)"')
_VALUE = re.compile(rb"<v(?:\s[^>]*)?>([^<]*)</v>")
_FORMULA = re.compile(rb"<f(?:\s[^>]*)?>([^<]*)</f>")
_ROW_NUMBER = re.compile(rb'<row\s[^>]*?\br="(\d+)"')


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def scan_xlsx_sheet(path: Path, zf: zipfile.ZipFile, part: str, sheet_name: str, unsaved: bool = False) -> SheetScan:
    """Stream one sheet's XML: enforce the size and cell limits, and find error and uncached cells (with `unsaved`,
    every formula's saved result is a placeholder: xlsx_workbook)."""
    info = zf.getinfo(part)
    scan = SheetScan()
    carry = b""
    for chunk in stream_part(path, zf, info):
        buffer = carry + chunk
        cut = buffer.rfind(b"</row>")
        if cut == -1:
            if len(buffer) > MAX_ROW_BYTES + _CHUNK:
                raise too_big(path, f"的工作表“{sheet_name}”中有一行超过 {mb(MAX_ROW_BYTES)}（上限）")
            carry = buffer
            continue
        cut += len(b"</row>")
        _scan_segment(buffer[:cut], scan, path, sheet_name, unsaved)
        carry = buffer[cut:]
    if carry:
        _scan_segment(carry, scan, path, sheet_name, unsaved)
    return scan


def _scan_segment(seg: bytes, scan: SheetScan, path: Path, sheet_name: str, unsaved: bool) -> None:
    scan.cells += seg.count(b"<c ")  # one pass per measure: each costs about as much as the unzip
    if not scan.merged and b"<mergeCell " in seg:
        scan.merged = True
    last_row = seg.rfind(b"<row ")
    if last_row != -1:
        m = _ROW_NUMBER.match(seg, last_row)
        if m:
            scan.rows = max(scan.rows, int(m.group(1)))
    # width: the last cell of the segment's last row, and any cell at column BA or beyond
    last_cell = seg.rfind(b"<c ")
    if last_cell != -1:
        m = _REF.search(seg, last_cell + 2, seg.find(b">", last_cell) + 1)
        if m:
            scan.columns = max(scan.columns, column_number(m.group(1)))
    for m in _WIDE_REF.finditer(seg):
        scan.columns = max(scan.columns, column_number(m.group(1)))
    if scan.rows > MAX_ROWS:
        raise too_big(path, f"的工作表“{sheet_name}”有 {scan.rows:,} 行（上限 {MAX_ROWS:,} 行）")
    extent = scan.rows * max(scan.columns, 1)
    if scan.cells > MAX_CELLS or extent > MAX_CELLS:
        raise too_big(path, f"的工作表“{sheet_name}”有 {max(scan.cells, extent):,} 个单元格"
                             f"（{scan.rows:,} 行 × {scan.columns:,} 列，上限 {MAX_CELLS:,} 个）")
    done = -1
    for position, is_type in _hits(seg):
        if position < done:
            continue
        start = max(seg.rfind(b"<c ", 0, position), seg.rfind(b"<c>", 0, position))
        if start == -1:
            continue
        tag_end = seg.find(b">", start)
        if tag_end == -1:
            continue
        if is_type != (position < tag_end):
            continue  # t="e" outside a cell's start tag, or <f inside it: not a cell's
        tag = seg[start:tag_end + 1]
        if tag.endswith(b"/>"):
            end = tag_end + 1
            body = b""
        else:
            end = seg.find(b"</c>", tag_end)
            if end == -1:
                continue
            body = seg[tag_end + 1:end]
        done = end
        ref = _REF.search(tag)
        if ref is None:
            continue  # a cell without a reference (no program that writes errors does this)
        col0 = column_number(ref.group(1)) - 1
        row0 = int(ref.group(2)) - 1
        kind = _TYPE.search(tag)
        bad = bad_cell(kind.group(1) if kind else b"n", body, unsaved)
        if bad is not None:
            scan.flags.setdefault(row0, {})[col0] = bad


def bad_cell(cell_type: bytes, body: bytes, unsaved: bool = False) -> BadCell | None:
    """What a cell of type `cell_type` (its t attribute, b"n" without one) with the XML `body` (between <c ...> and
    </c>) holds in place of a value: an error value, or a formula saved without its result (with `unsaved`, a
    workbook marked to be calculated when opened: also a formula whose saved result is the placeholder 0 such a
    program writes, xlsx_workbook); None for a value."""
    value = _VALUE.search(body)
    if cell_type == b"e":
        text = unescape(value.group(1).decode("utf-8", "replace")).strip() if value else ""
        return BadCell("error", text or "#N/A")
    if b"<f" in body and (value is None
                          or (not value.group(1) and cell_type not in (b"str", b"s", b"inlineStr"))
                          or (unsaved and cell_type == b"n" and value.group(1).strip() == b"0")):
        formula = _FORMULA.search(body)
        text = unescape(formula.group(1).decode("utf-8", "replace")) if formula and formula.group(1) else "（共享公式）"
        return BadCell("uncached", text)
    return None


# --------------------------------------------------------------------------- ods


_ODS_ERROR = re.compile(rb'value-type="error"')
_ODS_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated="(\d{4,})"')


def scan_ods(path: Path, zf: zipfile.ZipFile) -> dict[str, dict[int, dict[int, BadCell]]]:
    """Error cells of every sheet of an .ods (LibreOffice marks them calcext:value-type="error"), and the
    cell limit: a cell or row may say it repeats itself thousands of times, so a tiny file can stand for
    billions of cells. Sheets are parsed only when the file has an error cell or a long repeat."""
    try:
        info = zf.getinfo("content.xml")
    except KeyError:
        return {}
    found = False
    tail = b""
    for chunk in stream_part(path, zf, info):
        window = tail + chunk
        if _ODS_ERROR.search(window) or _ODS_REPEAT.search(window):
            found = True
        tail = chunk[-64:]
    if not found:
        return {}
    out: dict[str, dict[int, dict[int, BadCell]]] = {}
    try:
        _walk_ods(path, zf, info, out)
    except (ET.ParseError, ValueError):
        return {}  # damaged XML or attribute: python-calamine reports it in its own words
    return out


def _walk_ods(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, out: dict) -> None:
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    calc_ns = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
    office_ns = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    cell_tags = (f"{{{table_ns}}}table-cell", f"{{{table_ns}}}covered-table-cell")
    row_tag, table_tag = f"{{{table_ns}}}table-row", f"{{{table_ns}}}table"
    sheet = None
    name = ""
    row = col = 0
    row_width = 0  # columns up to the last cell with a value in the current row
    width = height = 0  # extent of the cells with a value in the current sheet
    with zf.open(info) as fh:
        for event, element in ET.iterparse(fh, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == table_tag:
                    name = element.get(f"{{{table_ns}}}name", "")
                    sheet = out.setdefault(name, {})
                    row = width = height = 0
                elif tag == row_tag:
                    col = row_width = 0
                continue
            if tag in cell_tags:
                repeat = int(element.get(f"{{{table_ns}}}number-columns-repeated", "1") or 1)
                has_value = element.get(f"{{{office_ns}}}value-type") is not None or len(element)
                if has_value:
                    row_width = col + repeat
                    if row_width > MAX_COLUMNS:
                        raise too_big(path, f"的工作表“{name}”有数据在第 {row_width:,} 列（上限 {MAX_COLUMNS:,} 列）")
                if element.get(f"{{{calc_ns}}}value-type") == "error" and sheet is not None:
                    shown = "".join(element.itertext()).strip() or "#N/A"
                    for c in range(col, col + repeat):
                        sheet.setdefault(row, {})[c] = BadCell("error", shown)
                col += repeat
                element.clear()
            elif tag == row_tag:
                repeat = int(element.get(f"{{{table_ns}}}number-rows-repeated", "1") or 1)
                if row_width:
                    width = max(width, row_width)
                    height = row + repeat
                    if height > MAX_ROWS or height * width > MAX_CELLS:
                        raise too_big(path, f"的工作表“{name}”有 {height * width:,} 个单元格"
                                             f"（{height:,} 行 × {width:,} 列，上限 {MAX_CELLS:,} 个）")
                row += repeat
                element.clear()


# --------------------------------------------------------------------------- xls


def scan_xls(path: Path, sheet_name: str) -> dict[int, dict[int, BadCell]]:
    """Error cells of one sheet of an .xls (BIFF keeps a cached result with every formula, so only error
    values need finding). Empty when xlrd cannot read the file: python-calamine then reports why."""
    try:
        import xlrd

        book = xlrd.open_workbook(str(path), on_demand=True, formatting_info=False)
    except Exception:  # encrypted, damaged or not BIFF8: the workbook reader explains
        return {}
    try:
        sheet = book.sheet_by_name(sheet_name)
        flags: dict[int, dict[int, BadCell]] = {}
        for r in range(sheet.nrows):
            types = sheet.row_types(r)
            if xlrd.XL_CELL_ERROR not in types:
                continue
            values = sheet.row_values(r)
            for c, cell_type in enumerate(types):
                if cell_type == xlrd.XL_CELL_ERROR:
                    text = xlrd.error_text_from_code.get(values[c], "#N/A")
                    flags.setdefault(r, {})[c] = BadCell("error", text)
        return flags
    except Exception:
        return {}
    finally:
        book.release_resources()
