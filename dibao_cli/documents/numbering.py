"""Numbering and writing a run's notices in one ledger transaction: every notice gets its 文号 (a decision issued
again keeps its number unless a new one is asked for), the files are written, and the run is audited; a failure
anywhere leaves neither numbers nor files behind."""

from __future__ import annotations


def number_and_write(ledger, plan, prefix: str, new_number: bool, templates, audit_line: str, inputs: dict,
                     policy_hash: str, progress=None) -> int:
    """Give the planned notices their numbers, write them into the plan's folder and record the run in the audit
    log; the number of files written."""
    from dibao_cli.documents.issue import write_notices

    with ledger.transaction():
        if plan.notices:
            decisions = [(fp, n["household_id"], n["kind"]) for fp, n in zip(plan.fingerprints, plan.notices)]
            for n, number in zip(plan.notices, ledger.decision_numbers(prefix, decisions, new_number)):
                n["doc_number"] = f"{prefix}{number}号"
        written = write_notices(plan.notices, plan.folder, plan.fmt, plan.force, templates, progress=progress,
                                plan=plan)
        ledger.audit(audit_line, inputs, policy_hash)
    return written
