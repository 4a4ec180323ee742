"""Money, in one place: parsing to fen, fen arithmetic, the policy's rounding, and display.

Amounts are integer fen (分) or exact Decimals; nothing is a float. There are two roundings, both half up:
- the benefit is rounded once, to the policy's unit (元, 角 or 分): `round_to_unit`;
- an amount that is shown (screen, file, notice) is rounded to the fen: `to_fen`, `yuan`, `plain`.
A benefit is shown with its parts (`Breakdown`): each part rounded to the fen, and the difference between
their sum and the paid total shown as its own line (top-up to the minimum, the one rounding), so the parts
on paper always add up to the amount paid.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

CENT = Decimal("0.01")
ONE = Decimal(1)
HUNDRED = Decimal(100)
UNIT_NAMES = {Decimal("1"): "元", Decimal("0.1"): "角", Decimal("0.01"): "分"}


# --- parsing -------------------------------------------------------------------------------------------------

def parse_fen(text: str) -> int:
    """A plain amount in yuan ("1200", "1200.5", "-3.25") as integer fen; more than two decimals, thousands
    separators or exponents are refused (ValueError), never guessed."""
    text = (text or "").strip()
    if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
        raise ValueError(f"“{text}”不是金额")
    try:
        return int(Decimal(text) * 100)
    except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
        raise ValueError(f"“{text}”不是金额") from None


def to_fen(yuan) -> int:
    """An exact amount in yuan as integer fen, rounded half up (the display rounding)."""
    if type(yuan) is not Decimal:
        if type(yuan) is int:
            return yuan * 100
        yuan = Decimal(yuan)
    return int((yuan * HUNDRED).to_integral_value(ROUND_HALF_UP))


def fen_to_fen(fen) -> int:
    """An exact amount in fen (int or Decimal, e.g. a deduction of 10 % of wages) as integer fen, half up."""
    if type(fen) is int:
        return fen
    return int(Decimal(fen).quantize(ONE, rounding=ROUND_HALF_UP))


# --- the policy's rounding -----------------------------------------------------------------------------------

def round_to_unit(amount: Decimal, unit: Decimal) -> Decimal:
    """The one rounding of a benefit: to the policy's unit (元, 角 or 分), half up; returned with two decimals."""
    return amount.quantize(unit, rounding=ROUND_HALF_UP).quantize(CENT)


def unit_name(unit: Decimal) -> str:
    return UNIT_NAMES.get(unit, str(unit))


# --- display -------------------------------------------------------------------------------------------------

def fen_text(fen: int, grouping: bool = True) -> str:
    """Integer fen as yuan with two decimals: 123456 -> "1,234.56" (or "1234.56" without grouping)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}" if grouping else f"{sign}{whole}.{cents:02d}"


def yuan(amount) -> str:
    """An amount in yuan for people (thousands grouped), rounded half up to the fen: 1234.565 -> "1,234.57"."""
    return fen_text(to_fen(amount))


def plain(amount) -> str:
    """An amount in yuan for files and JSON (no grouping), rounded half up to the fen: "1234.57"."""
    if type(amount) is not Decimal:
        amount = Decimal(amount)
    shown = amount.quantize(CENT, rounding=ROUND_HALF_UP)  # a hot path (JSON of a province): no detour via fen
    return "0.00" if not shown else str(shown)


def fen_yuan(fen, grouping: bool = True) -> str:
    """An amount in fen (int or exact Decimal) shown in yuan, half up to the fen."""
    return fen_text(fen_to_fen(fen), grouping)


def number(amount) -> float:
    """An amount in yuan as a spreadsheet number: rounded half up to the fen first (the float only carries it)."""
    return to_fen(amount) / 100


def fen_number(fen) -> float:
    return fen_to_fen(fen) / 100


def exact(amount: Decimal, places: int = 4) -> str:
    """An unrounded intermediate amount (e.g. the sum before the one rounding), with up to `places` decimals and
    "≈" when it has more: 390.005 -> "390.005", 1/3 -> "≈0.3333"."""
    shown = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, frac = format(shown, "f").partition(".")
    text = f"{whole}.{frac.rstrip('0').ljust(2, '0')}"
    return text if shown == amount else f"≈{text}"


# --- a benefit and its parts ---------------------------------------------------------------------------------

class Breakdown(NamedTuple):
    """A monthly benefit as shown: parts in fen that add up to the total paid.

    differential + classified + minimum_top_up + rounding == total, always (the last two are 0 unless the
    policy's minimum raised the amount or the one rounding moved it)."""

    differential: int
    classified: int
    minimum_top_up: int
    rounding: int
    total: int
    rounding_label: str = "取整"

    def parts(self) -> list[tuple[str, int]]:
        """(label, fen) of each part to show: differential and classified always, the others when not 0."""
        out = [("差额", self.differential), ("分类施保", self.classified)]
        if self.minimum_top_up:
            out.append(("补足每户最低金额", self.minimum_top_up))
        if self.rounding:
            out.append((self.rounding_label, self.rounding))
        return out

    def text(self) -> str:
        """"差额 390.01 元，分类施保 0.00 元" (with 补足/取整 when they apply)."""
        return "，".join(f"{label} {fen_text(fen)} 元" for label, fen in self.parts())

    def equation(self) -> str:
        """"差额 200.30 + 分类施保 190.30 + 取整 0.40 = 391.00 元"."""
        terms = " + ".join(f"{label} {fen_text(fen)}" for label, fen in self.parts())
        return f"{terms} = {fen_text(self.total)} 元"


def breakdown(differential: Decimal, classified: Decimal, total: Decimal, minimum: Decimal | None = None) -> Breakdown:
    """The parts of a benefit whose exact differential and classified amounts (yuan) were raised to `minimum`
    (when the policy's minimum applied) and rounded once to `total`."""
    d, c, paid = to_fen(differential), to_fen(classified), to_fen(total)
    top_up = to_fen(minimum) - d - c if minimum is not None else 0
    return Breakdown(d, c, top_up, paid - d - c - top_up, paid)


def breakdown_fen(differential_fen: int, classified_fen: int, total_fen: int) -> Breakdown:
    """The same from amounts already stored in fen (the ledger), where the top-up and the rounding are one
    adjustment: whatever is not 差额 or 分类施保."""
    return Breakdown(differential_fen, classified_fen, 0, total_fen - differential_fen - classified_fen, total_fen,
                     "取整及保底调整")
