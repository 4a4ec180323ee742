"""The month's assessment as `dibao import` stores it: households the columnar engine decides (assess/vector.py)
come from its figures, the others from `assess_household`, in the roster's order and a block at a time, as
`assess --format json` writes them (reports/assess_json.py).

`DecidedResult` shows a columnar `Decided` as the row builder (ledger/month_rows.py) reads a HouseholdResult,
so one builder stores both and a household's rows are the same whichever engine decided it
(tests/test_ledger_columnar.py compares every table).
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import NamedTuple

from dibao_cli.assess.household import _income_items, assess_household, iter_results
from dibao_cli.assess.vector import assess_block

ZERO = Decimal(0)
BLOCK = 4096  # households decided on columns at a time (as assess --format json)
NONE: tuple = ()


class Item(NamedTuple):
    """A reason or flag read as assess.result.Reason is (code, text, basis)."""

    code: str
    text: str
    basis: str


class DecidedResult:
    """A household the columnar engine decided, with the attributes of a HouseholdResult the row builder reads.
    Such a household has no 特困 decisions and no 刚性支出 recognition (assess/columns.py `simple_household`)."""

    __slots__ = ("household", "members", "covered", "status", "counted", "adjusted", "per_capita", "total",
                 "benefit_known", "differential", "classified", "phase_out_start", "phase_out_end", "reasons",
                 "flags", "annual_standard")
    tekun = supported = NONE
    rigid = None

    def __init__(self, d):
        self.household = d.household
        self.members = d.members
        singles = d.singles
        self.covered = [c.member for c in singles] if singles else d.members
        self.status = d.status
        self.counted = d.counted
        self.adjusted = d.adjusted
        self.per_capita = d.per_capita
        total = d.total
        self.benefit_known = total is not None
        self.total = ZERO if total is None else total
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

    @property
    def monthly_standard(self) -> Decimal:
        return self.annual_standard / 1200


def month_results(assessment):
    """Each pending household's result in order: a DecidedResult where the columnar engine decided it, else
    `assess_household`'s HouseholdResult. DIBAO_IMPORT_ENGINE=household assesses every household one at a time
    (the tests compare the two ledgers)."""
    if os.environ.get("DIBAO_IMPORT_ENGINE") == "household":
        yield from iter_results(assessment)
        return
    policy, day, progress = assessment.policy, assessment.day, assessment.progress
    lookup = _income_items(policy)
    pending = assessment.pending
    for start in range(0, len(pending), BLOCK):
        block = pending[start:start + BLOCK]
        for household, decided in zip(block, assess_block(block, policy, day, lookup)):
            yield assess_household(household, policy, day) if decided is None else DecidedResult(decided)
        if progress is not None:
            progress(len(block))
