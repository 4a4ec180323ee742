"""Monthly benefit (民发〔2021〕57号第二十三条, 差额) plus 青海分类施保, raised to the minimum and rounded once.

Every amount is built as an exact numerator in fen and divided once; the only rounding is `round_benefit`.
"""

from __future__ import annotations

from decimal import Decimal

from dibao_cli.money import round_to_unit

ZERO = Decimal(0)


def differential(annual_standard_fen: Decimal, adjusted_fen: Decimal, members: int, covered: int) -> Decimal:
    """(monthly standard - monthly per-capita income) x covered members, in yuan, unrounded.

    = (annual standard x members - adjusted annual income) x covered / (12 x members) / 100
    """
    if members == 0 or covered == 0:
        return ZERO
    return (annual_standard_fen * members - adjusted_fen) * covered / (1200 * members)


def classified(annual_standard_fen: Decimal, share: Decimal, persons: int) -> Decimal:
    """青海分类施保: share x monthly standard for each eligible person (once per person), in yuan."""
    return annual_standard_fen * share * persons / 1200


def round_benefit(amount: Decimal, unit: Decimal) -> Decimal:
    """The one rounding of the benefit: to the policy's unit (元, 角 or 分), half up (dibao_cli.money)."""
    return round_to_unit(amount, unit)


def with_minimum(amount: Decimal, minimum: Decimal) -> tuple[Decimal, bool]:
    """Raise a positive benefit to the policy's monthly minimum per household."""
    if ZERO < amount < minimum:
        return minimum, True
    return amount, False
