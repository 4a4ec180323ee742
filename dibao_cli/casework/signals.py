"""Monitor and crosscheck signals kept in the ledger: each gets an id the first time it is found, stays
open until a visit or a decision closes it, and a closed signal found again is not reported as new."""

from __future__ import annotations

import datetime as _dt


def track(ledger, origin: str, found: list, day: _dt.date, as_dict) -> tuple[list, str]:
    """(the signals still to report, one line for the clerk). `as_dict(signal)` gives household_id,
    township, village, head_name, member, code, label, figures."""
    from dibao_cli.ledger import casework as store

    tracked = store.record_signals(ledger, origin, [as_dict(s) for s in found], day.isoformat())
    keep, new, still_open, closed = [], 0, 0, 0
    for signal, (_, _, state) in zip(found, tracked):
        if state == "closed":
            closed += 1
            continue
        keep.append(signal)
        if state == "new":
            new += 1
        else:
            still_open += 1
    line = f"信号已登记到台账：新发现 {new} 条，此前登记尚未核实 {still_open} 条（编号见 dibao visits due）"
    if closed:
        line += f"；已经走访或审批关闭的 {closed} 条不再列出"
    return keep, line + "。"


def crosscheck_as_dict(finding) -> dict:
    h = finding.household
    return {"household_id": h.household_id, "township": h.township or "", "village": h.village or "",
            "head_name": h.head_label or "", "member": finding.member.name or "", "code": finding.code,
            "label": finding.text, "figures": finding.evidence}
