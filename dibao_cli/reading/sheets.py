"""Low-level access to the sheets of a spreadsheet or text file, whatever its format.

Workbooks (.xlsx .xlsm .xls .ods) are read with python-calamine (Rust; several times faster than
openpyxl's read-only mode on large sheets), after sheetscan has checked them against the size limits
and found the error cells and uncached formulas that python-calamine returns as empty (they are put
back as cells.BadCell). CSV/TXT files are read with the standard csv module after the encoding is
settled: a BOM decides, else strict UTF-8, else GB18030 (a superset of GBK and GB2312). Every failure
becomes an InputUnreadable with one Chinese sentence naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from dibao_cli.errors import InputUnreadable
from dibao_cli.reading import sheetscan

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Sheet:
    """One sheet: its name, a row iterator (0-based absolute row index, cells from column 0) and the
    merged ranges ((row0, col0), (row1, col1)), inclusive and 0-based."""

    name: str
    rows: Callable[[], Iterator[tuple[int, list]]]
    merged: list = field(default_factory=list)
    size_hint: int = 0  # number of rows, when the reader knows it (for progress bars)


@dataclass
class Book:
    path: Path
    kind: str  # "workbook" or "text"
    sheets: list[Sheet]
    encoding: str | None = None


def open_book(path: Path, encoding: str | None = None) -> Book:
    """Open a roster file of any supported format; raise InputUnreadable with the reason."""
    path = Path(path)
    if not path.exists():
        raise InputUnreadable(f"找不到文件：{path}。请检查文件名和所在文件夹。")
    if path.is_dir():
        raise InputUnreadable(f"{path} 是文件夹，不是名册文件。请指定其中的 .xlsx/.xls/.csv 文件。")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputUnreadable(f"无法读取文件 {path}：{exc.strerror or exc}。请检查文件权限。") from None
    if size == 0:
        raise InputUnreadable(f"文件 {path} 是空的（0 字节）。请确认保存完整后再试。")
    if size > sheetscan.MAX_INPUT_BYTES:
        raise sheetscan.too_big(path, f"有 {sheetscan.mb(size)}（上限 {sheetscan.mb(sheetscan.MAX_INPUT_BYTES)}）")
    suffix = path.suffix.lower()
    if head.startswith(_ZIP) or head.startswith(_OLE) or suffix in WORKBOOK_SUFFIXES:
        return _open_workbook(path, head, suffix)
    if suffix in TEXT_SUFFIXES or _looks_like_text(path):
        return _open_text(path, encoding)
    raise InputUnreadable(
        f"{path} 不是电子表格：dibao 读取 .xlsx、.xlsm、.xls、.ods、.csv、.txt 文件。请在 Excel 中另存为 .xlsx 后再试。"
    )


def _looks_like_text(path: Path) -> bool:
    with open(path, "rb") as fh:
        sample = fh.read(4096)
    return b"\x00" not in sample


def _open_workbook(path: Path, head: bytes, suffix: str) -> Book:
    import python_calamine as pc

    if suffix in TEXT_SUFFIXES:
        raise InputUnreadable(f"{path} 的扩展名是 {suffix}，内容却是 Excel 工作簿。请把扩展名改为 .xlsx 或 .xls 后再试。")
    if not (head.startswith(_ZIP) or head.startswith(_OLE)):
        raise InputUnreadable(
            f"{path} 不是有效的 Excel 文件（内容不是工作簿，可能只是改了扩展名）。请用 Excel 打开后另存为 .xlsx 再试。"
        )
    zf = sheetscan.guard_zip(path) if head.startswith(_ZIP) else None
    xml_parts: dict[str, str] = {}
    unsaved = False  # formulas' saved results are placeholders (sheetscan.xlsx_workbook)
    ods_flags: dict = {}
    if zf is not None:
        names_in_zip = set(zf.namelist())
        if "content.xml" in names_in_zip and "xl/workbook.xml" not in names_in_zip:
            ods_flags = sheetscan.scan_ods(path, zf)
            sheetscan.check_parts(path, zf, {"content.xml"})
        else:
            xml_parts, unsaved = sheetscan.xlsx_workbook(zf)
            sheetscan.check_parts(path, zf, set(xml_parts.values()))
    try:
        workbook = pc.CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
    except pc.PasswordError:
        raise InputUnreadable(f"{path} 设有打开密码，dibao 无法读取。请在 Excel 中取消密码后另存再试。") from None
    except Exception as exc:  # calamine reports damage with several exception types
        raise _damaged(path, head, exc) from None
    if not names:
        raise InputUnreadable(f"{path} 中没有任何工作表。")

    scans: dict[str, sheetscan.SheetScan] = {}

    def scan(name: str) -> sheetscan.SheetScan:
        if name not in scans:
            scans[name] = sheetscan.scan_xlsx_sheet(path, zf, xml_parts[name], name, unsaved)
        return scans[name]

    def columnar(name: str, from_bytes: int) -> ColumnarSource | None:
        """The sheet's head and a loader of its data by columns, or None when only the row reader reads it exactly
        (or the sheet has less XML than `from_bytes`)."""
        if name not in xml_parts or suffix not in (".xlsx", ".xlsm"):
            return None
        budget = _load_budget(zf, xml_parts[name])
        if budget[0] < from_bytes:
            return None
        from dibao_cli.reading import columnar as _columnar, xlsxhead

        if not _columnar.available():
            return None
        if name in scans:  # scanned already (as a sheet after the first): no need to overlap the scan
            if scans[name].merged:
                return None
        # the head is read before the sheet is scanned (it reads no more than the first rows' bytes), so the scan
        # can run while the data are loaded
        head = xlsxhead.read_head(path, zf, xml_parts[name], HEAD_ROWS, unsaved)
        if head is None:
            return None
        return ColumnarSource(path, name, head, lambda: scan(name), budget)

    def make(name: str) -> Sheet:
        flags = ods_flags.get(name) or {}
        if name in xml_parts:
            flags = scan(name).flags
        elif head.startswith(_OLE):
            flags = sheetscan.scan_xls(path, name)
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception as exc:
            refused = _unknown_error_value(path, name, flags, len(names)) if name in xml_parts else None
            raise refused or _damaged(path, head, exc) from None
        merged = list(sheet.merged_cell_ranges or [])
        offset = sheet.start[1] if sheet.start else 0
        height = sheet.total_height or 0

        def rows() -> Iterator[tuple[int, list]]:
            pad = [None] * offset
            index = -1
            try:
                for index, row in enumerate(sheet.iter_rows()):
                    values = [None if v == "" else v for v in row]
                    if pad:
                        values = pad + values
                    marks = flags.get(index) if flags else None
                    if marks:
                        _mark(values, marks)
                    yield index, values
            except Exception as exc:
                raise _damaged(path, head, exc) from None
            # python-calamine's rows end with the last one holding a value: rows after it holding only formulas
            # without their result (or error values) are still rows of the sheet, whose cells are reported
            for later in sorted(r for r in flags if r > index) if flags else ():
                yield later, _mark([], flags[later])

        return Sheet(name, rows, merged, height)

    return Book(path, "workbook", [_LazySheet(name, make, columnar) for name in names])


def _mark(values: list, marks: dict) -> list:
    """A row's values with the scan's bad cells (column -> cells.BadCell) put in their places."""
    for column, bad in marks.items():
        if column >= len(values):
            values.extend([None] * (column + 1 - len(values)))
        values[column] = bad
    return values


HEAD_ROWS = 30  # rows of the head given to the columnar path (the header is looked for among them)


def _load_budget(zf, part: str) -> tuple[int, int]:
    """(bytes of the sheet's XML, memory the columnar loader may take for it): twice the sheet's and the shared
    strings' XML, and 2 GB for the loader's own reservations (a 1,000,000-row roster's 585 MB sheet takes 1.3 GB)."""
    size = zf.getinfo(part).file_size
    strings = sum(info.file_size for info in zf.infolist() if info.filename.lower().endswith("sharedstrings.xml"))
    return size, 2 * (size + strings) + 2048 * sheetscan.MB


@dataclass
class ColumnarSource:
    """An .xlsx sheet that may be read by columns: its first rows, where its used area starts, the scan of its
    XML (which must find no merged cells; the cells it finds holding an error value or a formula without its result
    are put back in the columns) and the loader's memory budget."""

    path: Path
    name: str
    head: object  # xlsxhead.Head
    scan: Callable[[], sheetscan.SheetScan]
    budget: tuple[int, int]

    def load(self, first_row: int, id_position: int | None = None, encode_positions: tuple = (),
             while_loading: Callable[[], None] | None = None):
        """(the data rows by columns, the columnar.ParallelLoad whose child goes on to screen the column at
        `id_position` and encode those at `encode_positions`, or None, and the cells that hold an error value or a
        formula without its result: table column -> table row -> cells.BadCell (empty in the table)), or
        columnar.Declined; the scan's refusal (InputUnreadable) as without columns.
        A large sheet is loaded in a child process while this one scans it, then does `while_loading` (the caller's
        work that needs no roster) rather than wait; the caller cancels that load when it does not ask for its
        screen."""
        from dibao_cli.reading import columnar

        xml_bytes, memory = self.budget
        loading = None
        if columnar.can_load_in_parallel(xml_bytes):
            loading = columnar.ParallelLoad(self.path, self.name, first_row, self.head.width, memory, id_position,
                                           encode_positions)
        try:
            found = self.scan()
            if found.merged:
                raise columnar.Declined("merged cells")
            if loading is not None and while_loading is not None:
                while_loading()
            if loading is None:
                table = columnar.load(self.path, self.name, first_row, self.head.first_column, self.head.width)
            else:
                table = loading.result()
            columnar.check_columns(table)
            bad = columnar.bad_cells(found.flags, table, first_row, self.head.first_column, id_position)
        except BaseException:
            if loading is not None:
                loading.cancel()
            raise
        return table, loading, bad


class _LazySheet(Sheet):
    """A sheet whose content is only loaded when its rows or merged ranges are asked for."""

    def __init__(self, name: str, make: Callable[[str], Sheet], columnar: Callable | None = None):
        self.name = name
        self._make = make
        self._sheet: Sheet | None = None
        self._columnar = columnar

    def columnar(self, from_bytes: int = 0) -> ColumnarSource | None:
        return self._columnar(self.name, from_bytes) if self._columnar is not None else None

    def _load(self) -> Sheet:
        if self._sheet is None:
            self._sheet = self._make(self.name)
        return self._sheet

    @property
    def rows(self):  # type: ignore[override]
        return self._load().rows

    @property
    def merged(self):  # type: ignore[override]
        return self._load().merged

    @property
    def size_hint(self):  # type: ignore[override]
        return self._load().size_hint


# the error values python-calamine reads; another (#SPILL!, #CALC!, #GETTING_DATA ...) stops it reading the sheet
READABLE_ERRORS = frozenset(("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!"))


def _unknown_error_value(path: Path, name: str, flags: dict, sheets: int) -> InputUnreadable | None:
    """The refusal of an .xlsx sheet holding an error value the workbook reader does not know, naming its first such
    cell; None when it holds none (the sheet failed for another reason)."""
    for row in sorted(flags):
        for column in sorted(flags[row]):
            bad = flags[row][column]
            if bad.kind == "error" and bad.text not in READABLE_ERRORS:
                from openpyxl.utils import get_column_letter

                cell = f"{get_column_letter(column + 1)}{row + 1}"
                other = "；如果这不是名册所在的工作表，请用 --sheet 指定名册的工作表" if sheets > 1 else ""
                return InputUnreadable(
                    f"{path} 的工作表“{name}”中 {cell} 单元格是 Excel 错误值 {bad.text}（公式出错），dibao 读取表格的程序库"
                    f"不认识这种错误值，整张工作表无法读取。请改正 {cell} 的公式（或直接填入正确的值）后保存，再重新读取"
                    f"{other}。")
    return None


def _damaged(path: Path, head: bytes, exc: Exception) -> InputUnreadable:
    text = str(exc)
    if "password" in text.lower() or "encrypt" in text.lower():
        return InputUnreadable(f"{path} 设有打开密码，dibao 无法读取。请在 Excel 中取消密码后另存再试。")
    if head.startswith(_OLE) and path.suffix.lower() in (".xlsx", ".xlsm"):
        return InputUnreadable(
            f"{path} 无法作为 .xlsx 读取：它可能设有打开密码，或其实是旧版 .xls 文件。请在 Excel 中取消密码并另存为 .xlsx 后再试。"
        )
    return InputUnreadable(
        f"{path} 已损坏或不完整（可能没有下载或拷贝完整），无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。"
    )


def detect_encoding(data: bytes) -> str:
    """BOM first; else strict UTF-8; else GB18030 (covers GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise InputUnreadable("无法识别文件编码（既不是 UTF-8 也不是 GB18030/GBK）。请用 --encoding 指定编码，或在 Excel 中另存为 .xlsx。") from None


def _long_line(data: bytes) -> int | None:
    """The 1-based number of the first line longer than MAX_LINE_BYTES, or None. Steps a window of the
    limit's size: each window must hold a newline, so a 100 MB file takes about a hundred searches."""
    limit = sheetscan.MAX_LINE_BYTES
    position, end = 0, len(data)
    while end - position > limit:
        newline = data.rfind(b"\n", position, position + limit + 1)
        if newline == -1:
            return data.count(b"\n", 0, position) + 1
        position = newline + 1
    return None


def _open_text(path: Path, encoding: str | None) -> Book:
    data = path.read_bytes()
    long_line = _long_line(data)
    if long_line is not None:
        raise InputUnreadable(
            f"{path} 第 {long_line} 行超过 {sheetscan.mb(sheetscan.MAX_LINE_BYTES)}（上限），不像名册的一行"
            "（可能缺少换行符，或文件已损坏、被人为构造），为免耗尽内存已拒绝读取。请用 Excel 打开检查后另存为 .xlsx 再试。")
    if encoding is None:
        try:
            encoding = detect_encoding(data)
        except InputUnreadable as exc:
            raise InputUnreadable(f"{path}：{exc.message}") from None
    try:
        content = data.decode(encoding)
    except LookupError:
        raise InputUnreadable(f"不认识的编码 {encoding}。常用的有 utf-8、gb18030、gbk。") from None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputUnreadable(
            f"{path} 第 {line} 行不是 {encoding} 编码的文字。请去掉 --encoding 让 dibao 自动识别，或改用正确的编码。"
        ) from None
    del data
    if content.startswith("\ufeff"):
        content = content[1:]
    if not content.strip():
        raise InputUnreadable(f"文件 {path} 没有任何内容。")
    lines = content.count("\n") + 1
    if lines > sheetscan.MAX_ROWS + 1:
        raise sheetscan.too_big(path, f"有 {lines:,} 行（上限 {sheetscan.MAX_ROWS:,} 行）")
    sample = content[:65536]
    first_line = sample.split("\n", 1)[0]
    delimiter = max(",\t;|", key=first_line.count) if any(d in first_line for d in ",\t;|") else ","

    def rows() -> Iterator[tuple[int, list]]:
        reader = csv.reader(io.StringIO(content), delimiter=delimiter)
        limit = csv.field_size_limit()
        try:
            for index, row in enumerate(reader):
                if len(row) > sheetscan.MAX_COLUMNS:
                    raise InputUnreadable(
                        f"{path} 第 {reader.line_num} 行有 {len(row):,} 列（上限 {sheetscan.MAX_COLUMNS:,} 列），不像名册。"
                        "请检查分隔符，或用 Excel 打开后另存为 .xlsx 再试。")
                yield index, [v if v.strip() else None for v in row]
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise InputUnreadable(
                    f"{path} 第 {reader.line_num} 行附近有一个单元格超过 {limit:,} 个字符（上限），无法按 CSV 读取。"
                    "常见原因是某个引号（\"）没有配对，使后面的许多行被当成了一个单元格：请用 Excel 打开检查这一行的引号，"
                    "或另存为 .xlsx 再试。") from None
            if "new-line character seen in unquoted field" in str(exc):
                raise InputUnreadable(
                    f"{path} 第 {reader.line_num} 行有一个单元格中间夹着单独的回车符（没有加引号的换行），无法按 CSV 读取。"
                    "请用 Excel 或 WPS 打开后另存为 .xlsx 再试，或删去这一行单元格中的换行。") from None
            raise InputUnreadable(f"{path} 第 {reader.line_num} 行的 CSV 格式有误（如引号没有配对、分隔符不一致），"
                                  "无法读取。请用 Excel 或 WPS 打开后另存为 .xlsx 再试。") from None

    return Book(path, "text", [Sheet("", rows, [], lines)], encoding)
