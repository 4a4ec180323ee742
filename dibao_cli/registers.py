"""Reading the registers townships keep on paper (临时救助 applications, application steps, visits): one row per
event, under a header row that names its columns.

What every register import shares: files opened with the roster reader's `open_book` (any format it reads),
the header found among a sheet's first rows by matching each cell with `header_key` against the register's
columns and their aliases, unknown columns reported as warnings, and the non-blank rows below the header
handed on with the column each cell belongs to. What a row means, and the messages when no header is found,
are the importer's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dibao_cli.idcard import parse_id
from dibao_cli.problems import ERROR, WARNING, Problem
from dibao_cli.reading.columns import Column, header_key, text_header

HEADER_SCAN_ROWS = 30


def alias_table(columns) -> dict[str, Column]:
    """Each column under its header and every alias, normalised as `header_key` does (the first column wins)."""
    table = {}
    for column in columns:
        for alias in (column.header, *column.aliases):
            table.setdefault(header_key(alias), column)
    return table


@dataclass
class Register:
    """One kind of register: its columns, looked up by any of their names."""

    kind: str
    columns: tuple[Column, ...]

    def __post_init__(self):
        self.table = alias_table(self.columns)
        self.required = [c for c in self.columns if c.required]


@dataclass
class HeaderRow:
    """A row read as the header of one kind of register: each filled cell's (index, column or None, text)."""

    kind: str
    row: int  # 0-based
    found: list
    keys: set
    missing: list  # required columns it lacks


def header_rows(grid: dict[int, list], registers) -> list[HeaderRow]:
    """Every row of `grid` read as the header of every register, in row order."""
    out = []
    for r in sorted(grid):
        for register in registers:
            found = []
            for index, raw in enumerate(grid[r]):
                if raw is None or not str(raw).strip():
                    continue
                found.append((index, register.table.get(header_key(raw)), text_header(raw)))
            keys = {c.key for _, c, _ in found if c is not None}
            out.append(HeaderRow(register.kind, r, found, keys, [c for c in register.required if c.key not in keys]))
    return out


class Sheet:
    """A sheet of a register file: its first rows scanned for a header, then its data rows."""

    def __init__(self, sheet, registers):
        self.name = sheet.name
        self.grid: dict[int, list] = {}
        self._rows = sheet.rows()
        for index, row in self._rows:
            self.grid[index] = row
            if len(self.grid) >= HEADER_SCAN_ROWS:
                break
        self.candidates = header_rows(self.grid, registers)
        self.header: HeaderRow | None = None
        for candidate in self.candidates:  # the complete header with most known columns (the first of equals)
            if not candidate.missing and (self.header is None or len(candidate.keys) > len(self.header.keys)):
                self.header = candidate

    def slots(self, file: str, problems: list[Problem]) -> list[tuple[int, Column, str]]:
        """(cell index, column, header text) of each known column (the first of a repeated one); an unknown
        column is reported as a warning and ignored."""
        slots, seen = [], set()
        for index, column, header in self.header.found:
            if column is None:
                problems.append(Problem(file, self.name, self.header.row + 1, header, "", "未识别的列：已忽略",
                                        "如需导入，请把列名改成标准名称（见示例表）", WARNING, "unknown_column"))
            elif column.key not in seen:
                seen.add(column.key)
                slots.append((index, column, header))
        return slots

    def data(self):
        """(row index, cells) of each row below the header that has anything in it."""
        header_row = self.header.row

        def rows():
            for index in sorted(self.grid):
                if index > header_row:
                    yield index, self.grid[index]
            yield from self._rows

        for index, row in rows():
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            yield index, row


def canonical(aliases: dict[str, str], text: str | None, refused: Callable[[], Exception]) -> str:
    """The value a register's cell (or a command-line word) stands for, looked up among `aliases` once trimmed;
    the exception `refused()` builds, naming what is accepted, when it is not there."""
    value = aliases.get((text or "").strip())
    if value is None:
        raise refused()
    return value


def id_number(text: str | None) -> str:
    """An ID number as the register keeps it ('' when blank); IdError when it is not a valid number."""
    return parse_id(text).number if text else ""


def cell(row: list, index: int):
    return row[index] if index < len(row) else None


class Counted:
    """An import's result: the number of errors among its problems."""

    problems: list[Problem]

    def errors(self) -> int:
        return sum(1 for p in self.problems if p.severity == ERROR)
