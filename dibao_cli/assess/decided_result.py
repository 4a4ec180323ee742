"""Every pending household's result in the roster's order, a block at a time: a `DecidedResult` where the
columnar engine decided it (assess/vector.py), else `assess_household`'s HouseholdResult, as `assess --format
json` takes them (reports/assess_json.py).

`DecidedResult` shows a columnar `Decided` with the attributes of a HouseholdResult that the assessment's CSV and
workbook rows (reports/assess_sheets.py) read, so a household's rows are the same whichever engine decided it
(tests/test_output_columnar.py). The ledger's row builder (ledger/month_rows.py) reads `Decided` itself, through
`decided_blocks` (tests/test_ledger_columnar.py).
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import NamedTuple

from dibao_cli.assess.household import _income_items, assess_household, iter_results
from dibao_cli.assess.vector import assess_block
from dibao_cli.rules.income import employment_deduction, member_income
from dibao_cli.rules.members import classified_categories
from dibao_cli.status import DIBAO, SINGLE_PERSON

ZERO = Decimal(0)
BLOCK = 4096  # households decided on columns at a time (memory stays flat at a province's size)
NONE: tuple = ()


class Item(NamedTuple):
    """A reason or flag read as assess.result.Reason is (code, text, basis)."""

    code: str
    text: str
    basis: str


class DecidedResult:
    """A household the columnar engine decided, with the attributes of a HouseholdResult its row builders read.
    Such a household has no 特困 decisions and no 刚性支出 recognition (assess/columns.py `simple_household`).
    The members' own figures (`incomes`, `classified_people`) are filled by `add_member_figures` only where
    a table shows them."""

    __slots__ = ("household", "members", "covered", "status", "counted", "adjusted", "per_capita", "total",
                 "benefit_known", "differential", "classified", "phase_out_start", "phase_out_end", "reasons",
                 "flags", "annual_standard", "excluded", "employment_deduction", "rigid_deduction", "breakdown",
                 "singles", "incomes", "classified_people")
    tekun = supported = NONE
    rigid = None

    def __init__(self, d):
        self.household = d.household
        self.members = d.members
        self.singles = singles = d.singles
        self.covered = [c.member for c in singles] if singles else d.members
        self.status = d.status
        self.counted = d.counted
        self.excluded = d.excluded or {}
        self.employment_deduction = d.employment
        self.rigid_deduction = d.rigid
        self.adjusted = d.adjusted
        self.per_capita = d.per_capita
        total = d.total
        self.benefit_known = total is not None
        self.total = ZERO if total is None else total
        self.breakdown = d.breakdown
        if singles:  # the sums of the exact parts, as the per-household path adds them
            self.differential = sum((c.differential for c in singles), ZERO)
            self.classified = sum((c.classified for c in singles), ZERO)
        elif d.breakdown is not None:  # 低保: the exact parts' fen (the breakdown holds to_fen of each)
            self.differential = Decimal(d.breakdown.differential) / 100
            self.classified = Decimal(d.breakdown.classified) / 100
        else:
            self.differential = self.classified = ZERO
        self.phase_out_start, self.phase_out_end = d.phase_out if d.phase_out is not None else (None, None)
        self.reasons = [Item._make(r) for r in d.reasons]
        self.flags = [Item._make(f) for f in d.flags] if d.flags else []
        self.annual_standard = d.annual_standard
        self.incomes = self.classified_people = NONE

    @property
    def monthly_standard(self) -> Decimal:
        return self.annual_standard / 1200

    @property
    def area_type(self) -> str:
        return self.household.area_type


def add_member_figures(r: DecidedResult, policy, day, lookup) -> None:
    """Each member's income (counted, excluded, employment deduction) and the members counted for 分类施保, by
    the rules `assess_household` applies to the same household: every co-resident member's income (no 特困
    people here), and the categories of the covered members of a 低保 household or of the 单人户 members."""
    area = r.household.area_type
    incomes = [member_income(m, policy, lookup) for m in r.members]
    for income in incomes:
        income.employment_deduction = employment_deduction(income, area, policy)
    r.incomes = incomes
    if r.status == DIBAO:
        people = [(m, classified_categories(m, day, policy)) for m in r.covered]
        r.classified_people = [(m, c) for m, c in people if c]
    elif r.status == SINGLE_PERSON and r.singles:
        r.classified_people = [(s.member, s.categories) for s in r.singles if s.categories]


def decided_blocks(assessment):
    """(household, Decided or None) for each pending household in the roster's order, decided on columns a block
    at a time (memory stays flat at a province's size); `progress` after each block."""
    for block, decided in decided_lists(assessment):
        yield from zip(block, decided)


def decided_lists(assessment):
    """`decided_blocks` a block at a time: (the block's households, their Decided or None), `progress` after each."""
    policy, day, progress = assessment.policy, assessment.day, assessment.progress
    lookup = _income_items(policy)
    pending = assessment.pending
    for start in range(0, len(pending), BLOCK):
        block = pending[start:start + BLOCK]
        yield block, assess_block(block, policy, day, lookup)
        if progress is not None:
            progress(len(block))


def decided_results(assessment, member_figures: bool = False):
    """Each pending household's result in order: a DecidedResult where the columnar engine decided it (with the
    members' figures when `member_figures`), else `assess_household`'s HouseholdResult. DIBAO_ENGINE=household
    assesses every household one at a time (the tests compare the two)."""
    if os.environ.get("DIBAO_ENGINE") == "household":
        yield from iter_results(assessment)
        return
    policy, day = assessment.policy, assessment.day
    lookup = _income_items(policy)
    for household, decided in decided_blocks(assessment):
        if decided is None:
            yield assess_household(household, policy, day)
        else:
            result = DecidedResult(decided)
            if member_figures:
                add_member_figures(result, policy, day, lookup)
            yield result
