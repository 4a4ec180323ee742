"""Cell converters of a roster's recognised columns: each column kind to its cleaner in dibao_cli.cells,
and a per-column memo (a roster repeats the same few values down a column)."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Callable

from dibao_cli import cells
from dibao_cli.model import Member
from dibao_cli.reading.columns import Column


def converter(column: Column) -> Callable:
    kind = column.kind
    if kind == "text":
        return cells.text
    if kind == "name":
        return cells.name
    if kind == "date":
        return (lambda raw: cells.record_date(raw, floor=False)) if column.key == "birth_date" else cells.record_date
    if kind == "money":
        return cells.money
    if kind == "money_signed":
        return lambda raw: cells.money(raw, allow_negative=True)
    if kind == "count":
        return cells.count
    if kind == "yes_no":
        return cells.yes_no
    if kind == "enum":
        mapping, allowed = column.mapping, "、".join(column.values)
        return lambda raw: cells.enum(raw, mapping, allowed)
    if kind == "grade":
        return grade
    raise ValueError(kind)


_GRADES = {
    "1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4, "壹": 1, "贰": 2, "叁": 3, "肆": 4,
    "i": 1, "ii": 2, "iii": 3, "iv": 4,
}


def grade(raw) -> int | None:
    """Disability grade 一级..四级 (also 1, 1级, 一, Ⅰ级) -> 1..4."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = cells.text(raw)
    if s is None or s in ("无", "否"):
        return None
    key = s.lower().removesuffix("级").removesuffix("等")
    grade = _GRADES.get(key)
    if grade is None:
        raise cells.CellError("grade", "残疾等级应为一级至四级", "填写一级、二级、三级或四级；不是残疾人留空")
    return grade


MISS = object()

# a name or text cell its cleaner gives back unchanged: ASCII letters and digits and Chinese characters only (no
# space, full-width form, apostrophe, "#" or unprintable character; each is its own NFKC form). The row reader
# takes such a cell as it is instead of calling the cleaner (tens of thousands of distinct names in a roster).
plain_text = re.compile(r"[0-9A-Za-z\u4e00-\u9fa5]+").fullmatch


def plain_name(raw) -> bool:
    """A name cell that is its own clean value."""
    return type(raw) is str and plain_text(raw) is not None


def plain_date(raw) -> bool:
    """A date cell that is its own clean value in any date column: a date (not a date and time) from 1910 to 2099
    (a birth date or a record's date; nearly all distinct, so the memo would not find them)."""
    return type(raw) is _dt.date and cells.EARLIEST_RECORD <= raw <= cells.LATEST_RECORD


def plain_check(column: Column) -> Callable | None:
    """The test of a cell that is its own clean value, for a column whose values are nearly all distinct (the row
    reader takes such a cell as it is instead of looking it up or cleaning it), or None."""
    return plain_name if column.kind == "name" else plain_date if column.kind == "date" else None


class Slot:
    """One recognised column of a sheet with its converter and a memo of converted values."""

    __slots__ = ("index", "column", "header", "convert", "memo", "key", "level", "attr")

    def __init__(self, index: int, column: Column, header: str):
        self.index = index
        self.column = column
        self.header = header
        self.key = column.key
        self.level = column.level
        self.convert = None if column.kind in ("id", "ignore") else converter(column)
        # names and ID numbers are nearly all distinct: memoising them only costs memory
        self.memo = None if column.kind in ("id", "name", "ignore") else {}
        self.attr = column.key if column.key in Member.__slots__ else None

    def value(self, raw):
        """The clean value of a cell, or the CellError describing what is wrong with it."""
        memo = self.memo
        # a text or a float is its own key (neither equals the other); any other value is keyed with its type, so
        # that 1, 1.0 and True do not share an entry
        kind = type(raw)
        key = raw if kind is str or kind is float else (raw, kind)
        if memo is not None:
            value = memo.get(key, MISS)
            if value is not MISS:
                return value
        try:
            if type(raw) is not str or raw[:1] in cells.SUSPECT:
                cells.refuse_bad(raw)
            value = self.convert(raw)
        except cells.CellError as exc:
            value = exc
        if memo is not None and len(memo) < 10000:
            memo[key] = value
        return value
