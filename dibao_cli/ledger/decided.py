"""The month's assessment as `dibao import` stores it: households the columnar engine decides (assess/vector.py)
come from its figures, the others from `assess_household`, in the roster's order and a block at a time, as
`assess --format json` writes them (reports/assess_json.py).

`DecidedResult` (assess/decided_result.py) shows a columnar `Decided` as the row builder (ledger/month_rows.py)
reads a HouseholdResult, so one builder stores both and a household's rows are the same whichever engine decided
it (tests/test_ledger_columnar.py compares every table).
"""

from __future__ import annotations

import os

from dibao_cli.assess.decided_result import DecidedResult, decided_results
from dibao_cli.assess.household import iter_results

__all__ = ["DecidedResult", "month_results"]


def month_results(assessment):
    """Each pending household's result in order: a DecidedResult where the columnar engine decided it, else
    `assess_household`'s HouseholdResult. DIBAO_IMPORT_ENGINE=household assesses every household one at a time
    (the tests compare the two ledgers)."""
    if os.environ.get("DIBAO_IMPORT_ENGINE") == "household":
        yield from iter_results(assessment)
        return
    yield from decided_results(assessment)
