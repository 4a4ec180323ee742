"""Which notice each household gets: from an assessment result, or from the ledger's monthly events.
"""

from __future__ import annotations

from dibao_cli.documents.notices import ALLOWED, FILE_LABEL, auto_kind
from dibao_cli.status import LABEL as STATUS_LABEL
from dibao_cli.status import MARGINAL, NOT_COVERED, WHOLE_OR_SINGLE


def choose(results, kind: str, households: set[str] | None) -> tuple[list, list[str]]:
    """(result, kind) pairs to issue, and messages about households skipped."""
    chosen, skipped = [], []
    for result in results:
        hid = result.household.household_id
        if households is not None and hid not in households:
            continue
        wanted = auto_kind(result) if kind == "auto" else kind
        if wanted is None:
            continue
        if result.status not in ALLOWED[wanted]:
            skipped.append(f"户 {hid} 的核算结果是“{STATUS_LABEL[result.status]}”，不能发{FILE_LABEL[wanted]}")
            continue
        chosen.append((result, wanted))
    return chosen, skipped


def ledger_kind(row, events: list[str], previous) -> str | None:
    if "new" in events or ("transfer" in events and row["status"] in WHOLE_OR_SINGLE):
        return "approval"
    if "phase_out_started" in events:
        return "phase-out"
    if "exit" in events:
        return "termination"
    if "amount_changed" in events:
        return "change"
    if previous is None and row["status"] in NOT_COVERED:
        return "marginal" if row["status"] == MARGINAL else "refusal"
    return None
