"""Household income (民发〔2021〕57号第十一条): counted items, excluded items, deductions.

Amounts are integer fen or exact Decimals of fen; nothing is rounded here.
"""

from __future__ import annotations

from decimal import Decimal

from dibao_cli.model import Member

ZERO = Decimal(0)


class MemberIncome:
    __slots__ = ("member", "counted", "excluded", "by_category", "unknown", "employment_deduction")

    def __init__(self, member: Member):
        self.member = member
        self.counted = 0  # fen
        self.excluded: dict[str, int] = {}
        self.by_category: dict[str, int] = {}
        self.unknown: dict[str, int] = {}
        self.employment_deduction = ZERO

    @property
    def adjusted(self) -> Decimal:
        """The member's own income after the employment-cost deduction (for 单人户), not below 0."""
        return max(ZERO, self.counted - self.employment_deduction)


def member_income(member: Member, policy, lookup=None) -> MemberIncome:
    """Sort each income item of a member into counted or excluded by the policy's income_items. `lookup` is
    `policy.income_item` (the default) or a table that gives the same answers."""
    result = MemberIncome(member)
    incomes = member.incomes
    if not incomes:
        return result
    if lookup is None:
        lookup = policy.income_item
    counted = 0
    by_category = result.by_category
    for item, fen in incomes.items():
        found = lookup(item)
        if found is None:
            if fen:
                result.unknown[item] = fen
            continue
        category, entry = found
        if entry.value:
            counted += fen
            key = category or item
            by_category[key] = by_category.get(key, 0) + fen
        elif fen:
            result.excluded[item] = result.excluded.get(item, 0) + fen
    result.counted = counted
    return result


def employment_deduction(income: MemberIncome, area_type: str, policy) -> Decimal:
    """民发〔2021〕57号第十一条 (就业成本): a share of the member's wage income, capped per member."""
    if area_type not in policy.employment_deduction_area_types:
        return ZERO
    wage = income.by_category.get("工资性收入", 0)
    if wage <= 0:
        return ZERO
    return min(Decimal(wage) * policy.employment_deduction_share, policy.employment_deduction_cap_annual * 100)


def rigid_deduction(members: list[Member], policy) -> Decimal:
    """民发〔2021〕57号第十一条 (刚性支出): the listed expenses of the household, capped, if enabled."""
    if not policy.rigid_deduction_enabled:
        return ZERO
    items = policy.rigid_deduction_items if members else ()  # read when there are members (explain lists what was read)
    return min(Decimal(listed_expenses(members, items)), policy.rigid_deduction_cap_annual * 100)


def listed_expenses(members: list[Member], items) -> int:
    """The members' expenses (fen) under the listed items."""
    total = 0
    for m in members:
        expenses = m.expenses
        if expenses:  # most members have none
            for item in items:
                total += expenses.get(item, 0)
    return total


def adjusted_income(counted: int, employment: Decimal, rigid: Decimal) -> Decimal:
    """Counted income minus deductions, never below 0."""
    return max(ZERO, counted - employment - rigid)


# --- the same rules over columns (the columnar engine, assess/vector.py); tests/test_engine_rules.py proves
# each agrees with its scalar form above

WAGE = "工资性收入"


class ItemKinds(dict):
    """How 民发〔2021〕57号第十一条 sorts each income item under a policy, filled as items are met: None (not listed),
    EXCLUDED, COUNTED, or WAGE (counted under 工资性收入, the employment deduction's base). `lookup` is
    `policy.income_item` or a table that gives the same answers."""

    __slots__ = ("lookup",)

    def __init__(self, lookup):
        super().__init__()
        self.lookup = lookup

    def __missing__(self, item: str):
        found = self.lookup(item)
        if found is None:
            kind = None
        else:
            category, entry = found
            kind = (WAGE_KIND if (category or item) == WAGE else COUNTED) if entry.value else EXCLUDED
        self[item] = kind
        return kind


EXCLUDED, COUNTED, WAGE_KIND = 0, 1, 2


def income_parts(incomes, kinds: ItemKinds) -> tuple[int, int, dict | None]:
    """民发〔2021〕57号第十一条 for one member's income items, as `member_income` sorts them: (counted fen, fen
    counted under 工资性收入, excluded items or None). An item the policy does not list counts nowhere (its
    household is left out before assessing)."""
    counted = wage = 0
    excluded = None
    for item, fen in incomes.items():
        kind = kinds[item]
        if kind:
            counted += fen
            if kind == WAGE_KIND:
                wage += fen
        elif kind == EXCLUDED and fen:
            if excluded is None:
                excluded = {}
            excluded[item] = excluded.get(item, 0) + fen
    return counted, wage, excluded


def employment_deductions(wages: list[int], area_types: list[str], policy) -> list[Decimal]:
    """`employment_deduction` over a column of members' wage fen and their households' area types."""
    share, cap = policy.employment_deduction_share, policy.employment_deduction_cap_annual * 100
    areas = policy.employment_deduction_area_types
    return [min(Decimal(wage) * share, cap) if wage > 0 and area in areas else ZERO
            for wage, area in zip(wages, area_types)]
