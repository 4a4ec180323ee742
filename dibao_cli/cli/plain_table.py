"""A table written as rich writes it where standard output is no terminal, without importing rich."""

from __future__ import annotations

import re

# text whose width on screen is known without rich's tables: printable ASCII (one column each), the common Chinese
# characters and full-width brackets (two columns each)
_KNOWN_WIDTH = re.compile(r"[\x20-\x7e\u4e00-\u9fa5\uff08\uff09]*")


def _width(text: str) -> int:
    return len(text) + sum(1 for c in text if c > "\x7e")


def plain_table(title: str, columns: list[tuple[str, str]], rows: list[list[str]]) -> str | None:
    """The lines rich prints for `Table(title=title, title_justify="left")` with these (header, justify) columns and
    rows of plain text on a console that is no terminal (no colour, no width limit), byte for byte; None when a cell
    holds anything else than text of known width (rich then prints the table). tests/test_cli_plain.py compares the
    two on generated tables."""
    cells = [title, *(header for header, _ in columns), *(cell for row in rows for cell in row)]
    if not all(_KNOWN_WIDTH.fullmatch(cell) and cell == cell.strip() for cell in cells) or not rows:
        return None
    widths = [max(_width(header), *(_width(row[i]) for row in rows)) for i, (header, _) in enumerate(columns)]
    total = sum(widths) + 3 * len(widths) + 1
    if _width(title) > total:
        return None

    def line(cells_, left, middle, right):
        parts = []
        for cell, width, (_, justify) in zip(cells_, widths, columns):
            room = " " * (width - _width(cell))
            parts.append(f" {room}{cell} " if justify == "right" else f" {cell}{room} ")
        return left + middle.join(parts) + right

    lines = [title + " " * (total - _width(title)),
             "┏" + "┳".join("━" * (w + 2) for w in widths) + "┓",
             line([header for header, _ in columns], "┃", "┃", "┃"),
             "┡" + "╇".join("━" * (w + 2) for w in widths) + "┩",
             *(line(row, "│", "│", "│") for row in rows),
             "└" + "┴".join("─" * (w + 2) for w in widths) + "┘"]
    return "\n".join(lines) + "\n"
