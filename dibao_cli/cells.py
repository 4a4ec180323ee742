"""Cell cleaners: one function per kind of cell, each taking what a reader returns (str, float, int,
bool, date, datetime or None) and returning a clean value or raising CellError.

Money comes back as integer fen (分), never float. Blank comes back as None, distinct from 0.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation


class CellError(ValueError):
    """A cell value that cannot be accepted; `message` and `fix` are for the clerk."""

    def __init__(self, code: str, message: str, fix: str, severity: str = "error"):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix
        self.severity = severity


ERROR_LITERALS = frozenset(("#REF!", "#VALUE!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#N/A", "#GETTING_DATA",
                            "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"))


class BadCell:
    """What a reader puts in place of a cell that holds no usable value although it is not empty: an Excel
    error value (`kind` "error", `text` "#REF!") or a formula saved without its result (`kind` "uncached",
    `text` the formula). Every cleaner refuses it with its own message; it is never a figure."""

    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str):
        self.kind = kind
        self.text = text

    def __eq__(self, other):
        return type(other) is BadCell and other.kind == self.kind and other.text == self.text

    def __hash__(self):
        return hash((self.kind, self.text))

    def __str__(self):
        return self.text if self.kind == "error" else f"={self.text}"

    __repr__ = __str__

    def error(self) -> "CellError":
        if self.kind == "error":
            return error_value(self.text)
        return CellError("formula_uncached", "单元格是公式，但文件里没有保存公式的计算结果（文件由程序生成，没有在 Excel 或 WPS 中打开保存过）",
                         "用 Excel 或 WPS 打开这个文件并保存，再重新读取；或把公式改为数值")


def error_value(literal: str) -> "CellError":
    return CellError("cell_error", f"单元格是 Excel 错误值 {literal}（公式出错），不是数据",
                     "改正这个单元格的公式（如引用的单元格被删除），或直接填入正确的值")


# first characters of a text that may be an error value once normalised (callers skip refuse_bad otherwise)
# "#", "＃" and every whitespace character up to U+3000 (spelled out: computing it costs milliseconds at start;
# tests/test_cells.py checks the list)
SUSPECT = frozenset("#\uff03\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
                    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def refuse_bad(raw) -> None:
    """Raise the CellError of a BadCell or of an error value typed or exported as text (\"#REF!\")."""
    if type(raw) is BadCell:
        raise raw.error()
    if type(raw) is str and raw and (raw[0] in "#＃" or (raw[0].isspace() and raw.lstrip()[:1] in ("#", "＃"))):
        s = unicodedata.normalize("NFKC", raw).strip().upper()
        if s in ERROR_LITERALS:
            raise error_value(s)


def is_bad(raw) -> bool:
    try:
        refuse_bad(raw)
    except CellError:
        return True
    return False


# any character that normalising could change: whitespace, full-width forms, a leading apostrophe
_NEEDS_CLEANING = re.compile(r"[\s\u3000\uff01-\uff5e'\u00a0]")


def text(raw) -> str | None:
    """Normalise a text cell: full-width to half-width, non-breaking and stray spaces removed."""
    if raw is None:
        return None
    if type(raw) is str and raw and _NEEDS_CLEANING.search(raw) is None and raw.isprintable():
        if raw.isascii() or unicodedata.is_normalized("NFKC", raw):
            return raw  # already clean: nearly every cell of a real roster
    if isinstance(raw, str):
        s = raw
    elif type(raw) is BadCell:
        raise raw.error()
    elif isinstance(raw, bool):
        s = "是" if raw else "否"
    elif isinstance(raw, float):
        s = str(int(raw)) if raw.is_integer() else repr(raw)
    elif isinstance(raw, _dt.datetime):
        s = raw.date().isoformat() if raw.time() == _dt.time() else raw.isoformat(" ")
    else:
        s = str(raw)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    if not s.isprintable():
        s = _invisible_removed(s)
    s = " ".join(s.split())
    if s.startswith("'"):
        s = s[1:].strip()
    return s or None


# Chinese punctuation written full-width in prose (，。；：！？（）、“”) is what the sentence means, not a
# width accident: free text keeps it, while codes, names of places and numbers are folded to half-width.
_PROSE_PUNCTUATION = re.compile(r"([\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f])")


def prose(raw) -> str | None:
    """A free-text cell (a reason, a note, findings) as the clerk wrote it: cleaned like `text`, but the
    full-width Chinese punctuation stays full-width (NFKC would turn "，" into ",")."""
    if not isinstance(raw, str) or _PROSE_PUNCTUATION.search(raw) is None:
        return text(raw)
    parts = _PROSE_PUNCTUATION.split(raw)
    cleaned = [part if i % 2 else (text(part) if part.strip() else "") for i, part in enumerate(parts)]
    return "".join(p or "" for p in cleaned).strip() or None


def _invisible_removed(s: str) -> str:
    """Control and format characters (NUL, bell, escape codes, zero-width spaces, direction overrides) are
    never typed on purpose and show as nothing: they are dropped, so a name reads as it looks in Excel.
    Whitespace among them (tab, line breaks) is kept for the caller to fold into single spaces."""
    return "".join(ch for ch in s if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf"))


# compiled at its first use (by `re`, which keeps it): most rosters have no spaced name, and compiling it costs
# about a millisecond at every start
_CJK_SPACES = r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])"


def name(raw) -> str | None:
    """A person's name: spaces between Chinese characters (used to align two-character names) removed."""
    s = text(raw)
    if s is raw:
        return s  # no spaces at all
    if s is None:
        return None
    return re.sub(_CJK_SPACES, "", s)


MAX_YUAN = 10**12  # a household amount above a trillion yuan is a typing error, not money
# one number: digits, optionally grouped by commas in threes ("1,200.50"), optionally a decimal part
_MONEY_GRAMMAR = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def money(raw, allow_negative: bool = False) -> int | None:
    """Yuan amount -> integer fen. Accepts 1234.5, "1,234.50", "1234元"; at most two decimals."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CellError("money_format", "金额不能是是/否", "填写以元为单位的数字")
    if isinstance(raw, int):
        if abs(raw) > MAX_YUAN:
            raise CellError("money_too_large", "金额大得不合理", "核对金额（以元为单位）")
        fen = raw * 100
    elif isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise CellError("money_format", "金额不是数字", "填写以元为单位的数字")
        if abs(raw) > MAX_YUAN:
            raise CellError("money_too_large", "金额大得不合理", "核对金额（以元为单位）")
        # the number as the spreadsheet shows it (15 significant digits, as Excel and WPS keep): a sum such
        # as 0.1 + 0.2 stored as 0.30000000000000004 is 0.30, while 6000.001 has a third decimal
        shown = Decimal(format(raw, ".15g"))
        if shown.as_tuple().exponent < -2 and shown != shown.quantize(Decimal("0.01")):
            raise CellError("money_decimals", "金额超过两位小数", "金额精确到分（最多两位小数）")
        fen = int(shown * 100)
    elif isinstance(raw, str):
        s = raw
        if not s.isascii():
            s = unicodedata.normalize("NFKC", s)
        s = s.strip().lstrip("'").strip().lstrip("¥￥").removesuffix("元").strip()  # marks only at the ends
        if not s:
            return None
        if s in ("-", "—", "/", "无"):
            return 0
        if _MONEY_GRAMMAR.fullmatch(s) is None:
            if s.upper() in ERROR_LITERALS:
                raise error_value(s.upper())
            raise CellError("money_format", "金额不是一个数字（只能有数字、小数点和每三位一个的千位分隔逗号）",
                            "填写以元为单位的一个数字，如 1234.50 或 1,234.50；几笔收入请先相加") from None
        try:
            value = Decimal(s.replace(",", ""))
        except InvalidOperation:
            raise CellError("money_format", "金额不是数字", "填写以元为单位的数字，如 1234.50") from None
        if not value.is_finite():
            raise CellError("money_format", "金额不是数字", "填写以元为单位的数字，如 1234.50")
        if abs(value) > MAX_YUAN:
            raise CellError("money_too_large", "金额大得不合理", "核对金额（以元为单位）")
        if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
            raise CellError("money_decimals", "金额超过两位小数", "金额精确到分（最多两位小数）")
        fen = int(value * 100)
    else:
        refuse_bad(raw)
        raise CellError("money_format", "金额不是数字", "填写以元为单位的数字")
    if fen < 0 and not allow_negative:
        raise CellError("money_negative", "金额不能为负数", "填写0或正数")
    return fen


_COUNT_UNITS = frozenset("套辆台个处间户")


def count(raw) -> int | None:
    """A whole number of things (vehicles, homes): "2", 2.0, "2辆"."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CellError("count_format", "应为整数", "填写0、1、2等整数")
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            raise CellError("count_format", "应为整数", "填写0、1、2等整数")
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    else:
        s = text(raw)
        if s is None:
            return None
        if s[-1:] in _COUNT_UNITS:  # one unit after the number: "2辆"
            s = s[:-1].strip()
        if s in ("无", "没有", "否"):
            return 0
        if s.endswith(".0"):
            s = s[:-2]
        if not s.isdigit():
            raise CellError("count_format", "应为整数", "填写0、1、2等整数")
        value = int(s)
    if value < 0:
        raise CellError("count_format", "不能为负数", "填写0、1、2等整数")
    return value


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def date(raw) -> _dt.date | None:
    """A date: a date cell, or date text 2024-03-01, 2024/3/1, 2024年3月1日, 20240301.

    A bare number (2026, 3, 45000 typed into a cell not formatted as a date) is refused: read as an Excel
    serial it would become a date in 1905 or 2023 without anyone noticing."""
    if raw is None:
        return None
    if isinstance(raw, _dt.datetime):
        return raw.date()
    if isinstance(raw, _dt.date):
        return raw
    if isinstance(raw, bool):
        raise CellError("date_format", "不是日期", "按 2024-03-01 的格式填写日期")
    if isinstance(raw, (int, float)):
        shown = text(raw)
        raise CellError("date_number", f"日期列中是一个数字（{shown}），不是日期",
                        "按 2024-03-01 的格式填写日期，或把单元格格式设为“日期”后重新输入")
    s = text(raw)
    if s is None:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise CellError("date_invalid", "日期不存在", "核对年、月、日") from None
    if s.isdigit():
        raise CellError("date_number", f"日期列中是一个数字（{s}），不是日期", "按 2024-03-01 的格式填写日期")
    refuse_bad(s)
    raise CellError("date_format", "不是可识别的日期", "按 2024-03-01 的格式填写日期")


# Excel shows a bare number typed into a cell formatted as a date as the day that many days after 1899-12-30:
# 3 -> 1900-01-02, 2026 -> 1905-07-18, 3652 -> 1909-12-30. No application, decision, payment or death recorded
# in a roster is that old, so a date cell before 1910 in such a column is that slip, never a real date.
EARLIEST_RECORD = _dt.date(1910, 1, 1)


LATEST_RECORD = _dt.date(2099, 12, 31)


def record_date(raw, floor: bool = True) -> _dt.date | None:
    """A date of something recorded (enrolment, phase-out, check, application, payment, death): as `date`,
    and a date cell before 1910 is refused as a number typed into a date-formatted cell (`floor`); a date after
    2099 (9999-12-01) is refused as a typo in any date column, before any date arithmetic overflows on it."""
    day = date(raw)
    if day is not None and day > LATEST_RECORD:
        raise CellError("date_invalid", f"日期 {day.isoformat()} 不可能（晚于 2099 年）", "核对年份，按 2024-03-01 的格式填写")
    if not floor:
        return day
    if day is not None and day < EARLIEST_RECORD and isinstance(raw, _dt.date):
        typed = f" {(day - _dt.date(1899, 12, 30)).days}" if day >= _dt.date(1900, 3, 1) else "（如月份、日）"
        raise CellError("date_number",
                        f"日期 {day.isoformat()} 不可能：多半是在设为日期格式的单元格中只输入了数字{typed}，"
                        f"Excel 把它显示为 {day.isoformat()}",
                        "按 2024-03-01 的格式重新输入完整的日期")
    return day


_YES = frozenset(("是", "y", "yes", "true", "1", "√", "✓", "有", "是的", "对"))
_NO = frozenset(("否", "n", "no", "false", "0", "×", "x", "无", "不是", "没有"))


def yes_no(raw) -> bool | None:
    """是/否 and its variants (Y/N, √/×, 1/0, 有/无)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    s = text(raw)
    if s is None:
        return None
    s = s.lower()
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise CellError("yes_no", "应填“是”或“否”", "填写“是”或“否”")


def enum(raw, mapping: dict[str, str], allowed: str) -> str | None:
    """One of a fixed set; `mapping` maps accepted spellings to the canonical value."""
    s = text(raw)
    if s is None:
        return None
    value = mapping.get(s)
    if value is None:
        raise CellError("enum", f"不是可用的值（可用：{allowed}）", f"改为：{allowed}")
    return value
