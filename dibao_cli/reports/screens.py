"""Terminal tables kept to a screen: a long list is cut, summarised per township, and the clerk is told how
to get all of it."""

from __future__ import annotations

import re
from typing import Iterable, Sequence

SCREEN_LIMIT = 300  # a table longer than this is cut on the screen (unless --all)
SCREEN_FIRST = 100  # rows shown when it is cut

# every "[" with the backslashes before it, and whether it opens what rich reads as a tag ("[" then a lower-case
# letter, "#", "/" or "@", up to the next "]" before any other "[": rich.markup.RE_TAGS)
_BRACKET = re.compile(r"(\\*)\[(?=([a-z#/@][^[]*?\])?)")


def literal(value) -> str:
    """`value` (None: "", as in a rich table's cell) to put in a line or table cell printed as rich markup, so that it
    shows exactly as written: a roster's "[/x]" or "[bold]" stays text. Emoji codes (":smile:") are the console's
    part: dibao's console never replaces them. The value's own backslashes before a "[" survive too (rich reads
    "\\[" as "[" even where no tag follows, and rich's escape leaves that alone). A trailing backslash is left as
    it is (it prints as written at the end of a line or before plain text), so a value never sits directly before
    a tag: style a whole value with rich's Text(value, style=...) instead."""
    text = "" if value is None else str(value)
    return _BRACKET.sub(_escape_bracket, text) if "[" in text else text


def _escape_bracket(match: re.Match) -> str:
    backslashes = match[1]
    if match[2] is not None:  # a tag to rich: each backslash doubled and one more escapes the tag
        return backslashes * 2 + "\\["
    # plain text: rich turns the last backslash and the bracket into "[", so one more backslash is kept for it
    return backslashes + "\\[" if backslashes else "["


def literal_cells(values: Iterable) -> list[str]:
    """Table cells shown as written (see literal)."""
    return [literal(v) for v in values]


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
        table.add_row(literal(township), *[str(c[k]) for k in columns], str(sum(c.values())))
    console.print(table)
    console.print(f"共 {total} {unit}，屏幕上只显示了前 {shown} {unit}。完整清单请写到文件："
                  f"-o {file_hint}.xlsx，或 --format csv -o {file_hint}.csv；加 --all 在屏幕上显示全部。")
