"""Resident identity numbers (公民身份号码), GB 11643-1999.

18 characters: 6-digit address code, birth date YYYYMMDD, 3-digit sequence (17th digit odd = male),
check character "10X98765432"[sum(d_i * w_i) mod 11]. Old 15-digit numbers get "19" before the year
and a computed check character. A number that Excel stored as a float has lost its last digits and is
reported, never repaired.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

_SCI = re.compile(r"^[0-9]+(\.[0-9]+)?[eE][+]?[0-9]+$")
_ID18 = re.compile(r"^[0-9]{17}[0-9X]$")
_ID15 = re.compile(r"^[0-9]{15}$")

FIX_TEXT_COLUMN = "把身份证号列设为“文本”格式后，照原始证件重新录入该号码"


class IdError(ValueError):
    """An ID number that cannot be accepted; `message` and `fix` are for the clerk."""

    def __init__(self, code: str, message: str, fix: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix


class IdInfo:
    __slots__ = ("number", "birth", "male", "upgraded")

    def __init__(self, number: str, birth: _dt.date, male: bool, upgraded: bool):
        self.number = number
        self.birth = birth
        self.male = male
        self.upgraded = upgraded  # True when converted from a 15-digit number


def check_char(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits."""
    total = 0
    for digit, weight in zip(first17, WEIGHTS):
        total += (ord(digit) - 48) * weight
    return CHECK_CHARS[total % 11]


def build_id(area: str, birth: _dt.date, sequence: int) -> str:
    """A valid 18-character number (used by examples, templates and benchmarks)."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def _birth(digits: str) -> _dt.date | None:
    try:
        return _dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


_BIRTHS: dict[str, _dt.date | None] = {}
_MISSING = object()


def clean_id18(raw: str):
    """(number, birth, male) of a clean 18-character number (ASCII digits, a right check character, "x" read as
    "X", a real birth date), else None: the cell then needs parse_id, which accepts or refuses it. Gives what
    parse_id gives for such a number, without building an IdInfo (the readers call it for every row).

    The check character: the weights are 2**(17 - i) mod 11, and 13 = 2 (mod 11), so the weighted sum of the first
    17 digits is, mod 11, twice those digits read as one number in base 13 (one conversion instead of 17 products)."""
    if len(raw) != 18 or not raw.isascii():
        return None
    first17 = raw[:17]
    if not first17.isdigit():
        return None
    expected = CHECK_CHARS[int(first17, 13) * 2 % 11]
    last = raw[17]
    if last != expected and (last != "x" or expected != "X"):
        return None
    key = raw[6:14]
    birth = _BIRTHS.get(key, _MISSING)
    if birth is _MISSING:
        birth = _birth(key)
        if len(_BIRTHS) < 50000:
            _BIRTHS[key] = birth
    if birth is None:
        return None
    return (raw if last != "x" else first17 + "X"), birth, raw[16] in "13579"


def parse_id(raw) -> IdInfo:
    """Validate and normalise one ID cell; raise IdError with a message and a fix."""
    if type(raw) is str:
        # fast path for a clean 18-character number (nearly every row of a real roster)
        clean = clean_id18(raw)
        if clean is not None:
            return IdInfo(clean[0], clean[1], clean[2], False)
    return _parse_id_slow(raw)


def _parse_id_slow(raw) -> IdInfo:
    if isinstance(raw, bool):
        raise IdError("id_format", "身份证号不是号码", "照原始证件录入18位身份证号")
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise IdError("id_format", "身份证号不是号码", "照原始证件录入18位身份证号")
        if raw >= 1e15 or not raw.is_integer():
            raise IdError(
                "id_excel_number",
                "身份证号被 Excel 存成了数字，后几位已丢失（如 6.32521E+17）",
                FIX_TEXT_COLUMN,
            )
        raw = str(int(raw))
    elif isinstance(raw, int):
        if raw >= 10**15:
            raise IdError(
                "id_excel_number",
                "身份证号被 Excel 存成了数字，后几位可能已丢失",
                FIX_TEXT_COLUMN,
            )
        raw = str(raw)
    elif not isinstance(raw, str):
        raise IdError("id_format", "身份证号不是号码", "照原始证件录入18位身份证号")
    text = raw
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split()).lstrip("'").upper()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if not text:
        raise IdError("id_missing", "身份证号为空", "照原始证件录入18位身份证号")
    if _SCI.match(text):
        raise IdError(
            "id_excel_number", "身份证号被 Excel 显示成科学计数法（如 6.32521E+17），后几位已丢失", FIX_TEXT_COLUMN
        )
    if _ID15.match(text):
        birth = _birth("19" + text[6:12])
        if birth is None:
            raise IdError("id_birth", "15位身份证号中的出生日期不存在", "照原始证件核对号码")
        first17 = text[:6] + "19" + text[6:]
        number = first17 + check_char(first17)
        return IdInfo(number, birth, int(text[14]) % 2 == 1, True)
    if not _ID18.match(text):
        raise IdError(
            "id_format",
            f"身份证号应为18位（或15位旧号码），这里是{len(text)}个字符",
            "照原始证件核对号码；末位 X 以外只能是数字",
        )
    birth = _birth(text[6:14])
    if birth is None:
        raise IdError("id_birth", f"身份证号中的出生日期 {text[6:14]} 不存在", "照原始证件核对号码")
    expected = check_char(text[:17])
    if expected != text[17]:
        if text.endswith("000"):
            raise IdError(
                "id_excel_number",
                "身份证号末尾是 000 且校验码不符：Excel 把它存成数字后丢了后几位",
                FIX_TEXT_COLUMN,
            )
        raise IdError(
            "id_checksum",
            f"身份证号校验码不符（按前17位应为 {expected}），号码有误",
            "照原始证件逐位核对号码，不要只改最后一位",
        )
    return IdInfo(text, birth, int(text[16]) % 2 == 1, False)


def mask_id(number: str | None) -> str:
    """Mask for terminal and public output: first 6 and last 4 kept (632521********1234)."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def age_on(birth: _dt.date, day: _dt.date) -> int:
    """Whole years of age on `day` (age is never read from an 'age' column)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
