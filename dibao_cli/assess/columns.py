"""A block of households as columns for the columnar engine (assess/vector.py): one list per figure, one entry
per household, built from the data model (model.Household/Member), so it works for every reader.

`frame(households, policy)` also marks which households the columnar engine may decide (`simple`): those
none of whose members or values call for a rule that is genuinely per household (特困 people or supporters,
listed expenses, a 刚性支出 or 单人户 state). A running phase-out is decided on columns too (assess/vector.py).
The others are assessed one at a time (assess/household.py), as they always were.

A roster repeats the same income items at the same amounts and the same wages again and again, so each
member's income parts (`income_parts`) and each household's employment deduction (`employment_deductions`,
summed over its wage earners) are worked out by the rule once per distinct input under a resolved policy
(`Memo`, emptied when full so memory stays flat; tests/test_engine_memo_rules.py compares them with the
rules).
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

    __slots__ = ("households", "members", "simple", "counted", "excluded", "wages")

    def __init__(self, households: list[Household]):
        self.households = households
        self.members: list[list] = []
        self.simple: list[bool] = []
        self.counted: list[int] = []
        self.excluded: list[dict | None] = []
        self.wages: list[tuple | None] = []  # the wage earners' wage fen in member order, None without any


class Memo(dict):
    """A rule's answer per distinct input under one resolved policy (kept in `policy.memo`), worked out by `make`
    when first met; emptied when it grows past LIMIT, so memory stays flat at a province's size."""

    LIMIT = 1 << 16
    __slots__ = ("make",)

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        if len(self) >= self.LIMIT:
            self.clear()
        found = self[key] = self.make(key)
        return found

    @classmethod
    def of(cls, policy, name: str, make) -> Memo:
        """The memo `name` of a resolved policy, made with `make(policy)` the first time."""
        key = (cls, name)
        found = policy.memo.get(key)
        if found is None:
            found = policy.memo[key] = cls(make(policy))
        return found


def simple_household(household: Household, members: list) -> bool:
    """Whether no rule that is genuinely per household applies (see the module's docstring). Members are the
    co-resident ones; a household without any goes through the per-household path."""
    if not members or household.state in PER_HOUSEHOLD_STATES:
        return False
    for m in members:
        if m.tekun or m.supporter is not None or m.expenses:
            return False
    return True


def member_parts(policy, lookup) -> Memo:
    """`income_parts` of a member's income items, by the items in their order (tuple(incomes.items())):
    (counted fen, fen counted under 工资性收入, excluded items or None). The excluded dict is shared: read only."""
    kinds = policy.memo.get(ItemKinds)
    if kinds is None:
        kinds = policy.memo[ItemKinds] = ItemKinds(lookup)
    return Memo.of(policy, "income_parts", lambda _: lambda items: income_parts(dict(items), kinds))


def household_employment(policy) -> Memo:
    """A household's employment deduction (民发〔2021〕57号第十一条) by (area type, its wage earners' wage fen in
    member order): each member's deduction by `employment_deductions`, added to 0 in member order (the sum
    `assess_household` makes)."""

    def make(policy):
        def employment(key):
            area, wages = key
            total = ZERO
            for deduction in employment_deductions(list(wages), [area] * len(wages), policy):
                total += deduction
            return total

        return employment

    return Memo.of(policy, "employment", make)


def frame(households: list[Household], policy, lookup) -> Frame:
    """The columns of a block of households: co-resident members, and for the simple households counted
    income, excluded items and the wages the employment deduction is taken from (民发〔2021〕57号第十一条;
    `household_employment` sums it).
    `lookup` is the policy's income-item table (assess/household.py `_income_items`)."""
    out = Frame(households)
    parts = member_parts(policy, lookup)
    members_col, simple_col = out.members, out.simple
    counted_col, excluded_col, wages_col = out.counted, out.excluded, out.wages
    for household in households:
        members = [m for m in household.members if m.co_resident is not False]
        members_col.append(members)
        counted_sum = 0
        merged = wages = None
        # `simple_household`, tested member by member as each member's income is sorted
        simple = bool(members) and household.state not in PER_HOUSEHOLD_STATES
        if simple:
            for m in members:
                if m.tekun or m.supporter is not None or m.expenses:
                    simple = False
                    break
                incomes = m.incomes
                if not incomes:
                    continue
                counted, wage, excluded = parts[tuple(incomes.items())]
                counted_sum += counted
                if wage > 0:
                    wages = (wage,) if wages is None else (*wages, wage)
                if excluded is not None:
                    if merged is None:
                        merged = dict(excluded)
                    else:
                        for item, fen in excluded.items():
                            merged[item] = merged.get(item, 0) + fen
        simple_col.append(simple)
        if simple:
            counted_col.append(counted_sum)
            excluded_col.append(merged)
            wages_col.append(wages)
        else:
            counted_col.append(0)
            excluded_col.append(None)
            wages_col.append(None)
    return out
