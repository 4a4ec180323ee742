"""A block of households as columns for the columnar engine (assess/vector.py): one list per figure, one entry
per household (and the members' figures flattened, one entry per co-resident member), built from the data
model (model.Household/Member), so it works for every reader.

`frame(households, policy)` also marks which households the columnar engine may decide (`simple`): those
none of whose members or values call for a rule that is genuinely per household (特困 people or supporters,
listed expenses, a 刚性支出 or 单人户 state). A running phase-out is decided on columns too (assess/vector.py).
The others
are assessed one at a time (assess/household.py), as they always were.
"""

from __future__ import annotations

from decimal import Decimal

from dibao_cli.model import Household
from dibao_cli.rules.income import ItemKinds, employment_deductions, income_parts

ZERO = Decimal(0)

# states whose households always go through the per-household path: 刚性支出/单人户 are reviewed there
PER_HOUSEHOLD_STATES = ("刚性支出", "单人户")


class Frame:
    """Households as columns. `members[i]` are household i's co-resident members; `simple[i]` whether the
    columnar engine decides household i (the other columns are filled only where it does)."""

    __slots__ = ("households", "members", "simple", "counted", "excluded", "employment")

    def __init__(self, households: list[Household]):
        self.households = households
        self.members: list[list] = []
        self.simple: list[bool] = []
        self.counted: list[int] = []
        self.excluded: list[dict | None] = []
        self.employment: list[Decimal] = []


def simple_household(household: Household, members: list) -> bool:
    """Whether no rule that is genuinely per household applies (see the module's docstring). Members are the
    co-resident ones; a household without any goes through the per-household path."""
    if not members or household.state in PER_HOUSEHOLD_STATES:
        return False
    for m in members:
        if m.tekun or m.supporter is not None or m.expenses:
            return False
    return True


def frame(households: list[Household], policy, lookup) -> Frame:
    """The columns of a block of households: co-resident members, and for the simple households counted
    income, excluded items and the employment deduction (民发〔2021〕57号第十一条, summed over members).
    `lookup` is the policy's income-item table (assess/household.py `_income_items`)."""
    out = Frame(households)
    kinds = policy.memo.get(ItemKinds)
    if kinds is None:
        kinds = policy.memo[ItemKinds] = ItemKinds(lookup)
    members_col, simple_col = out.members, out.simple
    size = len(households)
    counted_h = [0] * size
    excluded_h: list[dict | None] = [None] * size
    # the wage column: the members with wages, their household's row and area type
    wage_rows: list[int] = []
    wages: list[int] = []
    areas: list[str] = []
    for row, household in enumerate(households):
        members = [m for m in household.members if m.co_resident is not False]
        members_col.append(members)
        ok = simple_household(household, members)
        simple_col.append(ok)
        if not ok:
            continue
        counted_sum = 0
        merged = None
        for m in members:
            incomes = m.incomes
            if not incomes:
                continue
            counted, wage, excluded = income_parts(incomes, kinds)
            counted_sum += counted
            if wage > 0:
                wage_rows.append(row)
                wages.append(wage)
                areas.append(household.area_type)
            if excluded is not None:
                if merged is None:
                    merged = dict(excluded)
                else:
                    for item, fen in excluded.items():
                        merged[item] = merged.get(item, 0) + fen
        counted_h[row] = counted_sum
        excluded_h[row] = merged
    # members' deductions added to their households in member order (the sum `assess_household` makes)
    employment_h = [ZERO] * size
    for row, deduction in zip(wage_rows, employment_deductions(wages, areas, policy)):
        employment_h[row] += deduction
    out.counted, out.employment, out.excluded = counted_h, employment_h, excluded_h
    return out
