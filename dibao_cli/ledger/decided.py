"""The month's assessment as `dibao import` stores it: households the columnar engine decides (assess/vector.py)
come from its figures, the others from `assess_household`, in the roster's order and a block at a time, as
`assess --format json` writes them (reports/assess_json.py).

`DecidedResult` (assess/decided_result.py) shows a columnar `Decided` as the row builder (ledger/month_rows.py)
reads a HouseholdResult, so one builder stores both and a household's rows are the same whichever engine decided
it (tests/test_ledger_columnar.py compares every table).
"""

from __future__ import annotations

from dibao_cli.assess.decided_result import DecidedResult, decided_results

__all__ = ["DecidedResult", "month_results"]


def month_results(assessment):
    """Each pending household's result in order: a DecidedResult where the columnar engine decided it, else
    `assess_household`'s HouseholdResult (assess/decided_result.py; DIBAO_ENGINE=household: one at a time)."""
    return decided_results(assessment)
