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


MONTH_HEADER = ("乡镇", "本月发现信号(条)", "本月走访核实(条)", "本月关闭(条)", "逾期未核实(条)")
MONTH_TITLE = "监测和比对信号核实情况"


def month_section(ledger, policy, month: str) -> dict | None:
    """The monthly report's casework section for the reporting period of `month` (its cut-off day where the
    county sets one): per township and total, signals raised, closed by a visit, closed (by a visit or a
    county decision), and open at the period's end past the follow-up deadline. None when the ledger has
    never registered a signal (a county not using monitor or crosscheck gets no empty table)."""
    from dibao_cli.ledger import casework as store
    from dibao_cli.ledger.monthly import reporting_day

    if not store.has_signals(ledger):
        return None

    cutoff = policy.report_cutoff_day
    last = reporting_day(month, cutoff)
    if cutoff:
        year, mon = (last.year, last.month - 1) if last.month > 1 else (last.year - 1, 12)
        first = reporting_day(f"{year:04d}-{mon:02d}", cutoff) + _dt.timedelta(days=1)
    else:
        first = last.replace(day=1)
    days = policy.signal_followup_days  # a PolicyAt of the month
    counts = store.signal_counts(ledger, first.isoformat(), last.isoformat(), days)
    keys = ("raised", "visited", "closed", "overdue")
    rows = [[township or "（未填乡镇）", *(c[k] for k in keys)] for township, c in counts.items()]
    rows.append(["合计", *(sum(c[k] for c in counts.values()) for k in keys)])
    from dibao_cli.documents.notices import cn_date

    return {"title": MONTH_TITLE, "header": list(MONTH_HEADER), "rows": rows, "first": cn_date(first),
            "last": cn_date(last), "followup_days": days,
            "note": f"逾期未核实：登记后 {days} 日内未走访核实、到 {cn_date(last)} 仍未关闭的信号。"}
