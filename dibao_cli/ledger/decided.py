"""The month's assessment as `dibao import` stores it: households the columnar engine decides (assess/vector.py)
come as its `Decided`, the others as `assess_household`'s HouseholdResult, in the roster's order and a block at a
time, as `assess --format json` writes them (reports/assess_json.py).

The row builder (ledger/month_rows.py) reads a `Decided` directly (no per-household adapter object); it stores
the same rows as from the HouseholdResult the per-household path gives for that household
(tests/test_ledger_columnar.py compares every table).
"""

from __future__ import annotations

import os

from dibao_cli.assess.decided_result import decided_blocks
from dibao_cli.assess.household import assess_household, iter_results
from dibao_cli.assess.vector import Decided

__all__ = ["Decided", "month_results"]


def month_results(assessment):
    """Each pending household's result in order: the columnar engine's `Decided` where it decided the household,
    else `assess_household`'s HouseholdResult (DIBAO_ENGINE=household: every household one at a time)."""
    if os.environ.get("DIBAO_ENGINE") == "household":
        yield from iter_results(assessment)
        return
    policy, day = assessment.policy, assessment.day
    for household, decided in decided_blocks(assessment):
        yield assess_household(household, policy, day) if decided is None else decided
