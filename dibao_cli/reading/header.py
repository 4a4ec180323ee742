"""Finding a sheet's header among its first rows: title rows above it, merged cells and two-row headers.

Every reader of a spreadsheet looks for its header within the first HEADER_SCAN_ROWS rows: rosters by the
most recognised columns (find_header), other departments' extracts and registers by their own aliases
(first_match).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, TypeVar

from dibao_cli.reading.columns import Column, income_item_column, recognise, text_header

HEADER_SCAN_ROWS = 30

T = TypeVar("T")


def first_rows(rows: Iterator[tuple[int, list]]) -> dict[int, list]:
    """The first HEADER_SCAN_ROWS rows of a sheet (0-based absolute index -> cells); `rows` goes on after them."""
    grid: dict[int, list] = {}
    for index, row in rows:
        grid[index] = row
        if len(grid) >= HEADER_SCAN_ROWS:
            break
    return grid


def first_match(rows: Iterator[tuple[int, list]], match: Callable[[list], T | None]) -> tuple[int, list, T] | None:
    """The first row among the first HEADER_SCAN_ROWS for which `match` gives a layout; `rows` goes on after it."""
    for index, row in rows:
        if index >= HEADER_SCAN_ROWS:
            return None
        found = match(row)
        if found is not None:
            return index, row, found
    return None


@dataclass
class HeaderLayout:
    header_rows: tuple[int, ...]  # 0-based absolute rows that make the header
    columns: list[tuple[int, Column | None, str]]  # (col index, column or None, header text)
    score: int


def fill_merged(grid: dict[int, list], merged: list) -> None:
    """Copy each merged range's top-left value into the whole range (header zone only)."""
    for (r0, c0), (r1, c1) in merged:
        if r0 not in grid:
            continue
        row0 = grid[r0]
        value = row0[c0] if c0 < len(row0) else None
        if value is None:
            continue
        for r in range(r0, r1 + 1):
            row = grid.get(r)
            if row is None:
                continue
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                if row[c] is None:
                    row[c] = value


def _row_columns(row: list) -> list[tuple[int, Column | None, str]]:
    out = []
    for index, raw in enumerate(row):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        column = recognise(raw) or income_item_column(raw)
        out.append((index, column, text_header(raw)))
    return out


def _score(columns: list[tuple[int, Column | None, str]]) -> int:
    keys = {c.key for _, c, _ in columns if c is not None}
    return len(keys)


def _looks_like_data(row: list) -> bool:
    """A row with numbers, dates or an ID number is a data row, never the second row of a header."""
    for value in row:
        if value is None or isinstance(value, bool):
            continue
        if not isinstance(value, str):
            return True
        text = value.strip()
        if len(text) >= 15 and text[:15].isdigit():
            return True
    return False


def find_header(grid: dict[int, list]) -> HeaderLayout | None:
    """The header row (or two-row header) among the first rows: most recognised columns wins."""
    best: HeaderLayout | None = None
    indices = sorted(grid)
    for position, r in enumerate(indices):
        single = _row_columns(grid[r])
        candidates = [HeaderLayout((r,), single, _score(single))]
        if position + 1 < len(indices) and indices[position + 1] == r + 1 and not _looks_like_data(grid[r + 1]):
            lower = grid[r + 1]
            combined = []
            width = max(len(grid[r]), len(lower))
            for c in range(width):
                top = grid[r][c] if c < len(grid[r]) else None
                bottom = lower[c] if c < len(lower) else None
                pick = None
                for raw in (bottom, top):
                    if raw is None or (isinstance(raw, str) and not raw.strip()):
                        continue
                    column = recognise(raw) or income_item_column(raw)
                    if column is not None:
                        pick = (c, column, text_header(raw))
                        break
                if pick is None:
                    raw = bottom if bottom not in (None, "") else top
                    if raw is not None and str(raw).strip():
                        pick = (c, None, text_header(raw))
                if pick is not None:
                    combined.append(pick)
            candidates.append(HeaderLayout((r, r + 1), combined, _score(combined)))
        for candidate in candidates:
            if best is None or candidate.score > best.score:
                best = candidate
    if best is None or best.score < 3:
        return None
    return best



class MergedFill:
    """Fills merged cells in the data area (户编号, 户主姓名, 乡镇 are often merged down a household)."""

    def __init__(self, merged: list, last_header: int):
        self.by_start: dict[int, list[tuple[int, int, int]]] = {}
        for (r0, c0), (r1, c1) in merged:
            if r1 <= last_header:
                continue
            self.by_start.setdefault(r0, []).append((c0, r1, c1))
        self.pending: dict[int, dict[int, object]] = {}
        self.active = bool(self.by_start)

    def apply(self, index: int, row: list) -> list:
        starts = self.by_start.get(index)
        pending = self.pending.pop(index, None)
        if starts is None and pending is None:
            return row
        row = list(row)
        if pending:
            need = max(pending) + 1
            if len(row) < need:
                row.extend([None] * (need - len(row)))
            for c, v in pending.items():
                if row[c] is None:
                    row[c] = v
        if starts:
            for c0, r1, c1 in starts:
                value = row[c0] if c0 < len(row) else None
                if value is None:
                    continue
                for c in range(c0 + 1, c1 + 1):
                    if len(row) <= c:
                        row.extend([None] * (c + 1 - len(row)))
                    if row[c] is None:
                        row[c] = value
                for r in range(index + 1, r1 + 1):
                    target = self.pending.setdefault(r, {})
                    for c in range(c0, c1 + 1):
                        target[c] = value
        return row
