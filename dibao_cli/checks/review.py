"""What is due for review (dynamic management, 民发〔2021〕57号 as reproduced in 渝民〔2023〕3号):
phase-outs ending, periodic re-checks, single-person coverages, households never checked.

Works on `ReviewCase`s, built either from the ledger (`dibao review`) or from a roster's own columns
(`dibao review ROSTER`), so both give the same answer for the same facts.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from dibao_cli.rules.phase_out import add_months
from dibao_cli.status import COVERED, EXIT, PHASE_OUT, REVIEWED_STATES, SINGLE_PERSON

BASIS_PHASE_OUT = "青海省民政厅：渐退期满后重新核查，仍超过标准的停保并书面告知，低于标准的恢复正常保障"
BASIS_PERIODIC = "民发〔2021〕57号（动态管理）：收入稳定的家庭每年核查，收入不稳定或有劳动能力成员的家庭每半年核查"
BASIS_SINGLE = "民发〔2021〕57号单人户规定：单人户按期复核本人及家庭情况"
BASIS_NEVER = "民发〔2021〕57号（动态管理）：保障对象应定期核查"
BASIS_PAID_AFTER = "青海省民政厅：渐退期满后重新核查，仍超过标准的停保并书面告知"


@dataclass
class ReviewCase:
    household_id: str
    township: str | None
    village: str | None
    head_name: str | None
    status: str
    phase_out_end: _dt.date | None
    last_check: _dt.date | None
    can_work: bool  # a member able to work, or income from work: income counts as unstable
    enrolled_on: _dt.date | None = None
    rigid: bool = False  # a recognised 刚性支出困难家庭 (its own 12-month review, also when a member is 单人保)
    tekun_members: int = 0  # people supported as 特困 in the household (their yearly 特困 review)
    paid_after_end: bool = False  # the phase-out has ended, yet the household is still paid


@dataclass
class DueItem:
    household_id: str
    township: str
    village: str
    head_name: str
    kind: str  # phase_out_end, paid_after_phase_out, periodic, single_person, never_checked
    label: str
    due: _dt.date | None
    detail: str
    basis: str

    def as_dict(self) -> dict:
        return {"household_id": self.household_id, "township": self.township, "village": self.village,
                "head_name": self.head_name, "kind": self.kind, "label": self.label,
                "due": self.due.isoformat() if self.due else None, "detail": self.detail, "basis": self.basis}


def due_items(cases, as_of: _dt.date, within_days: int, policy) -> list[DueItem]:
    """Every review due on or before `as_of + within_days` for covered households."""
    horizon = as_of + _dt.timedelta(days=within_days)
    items: list[DueItem] = []
    for case in cases:
        where = (case.household_id, case.township or "", case.village or "", case.head_name or "")
        ended = case.phase_out_end is not None and case.phase_out_end < as_of
        if case.paid_after_end or (case.status == PHASE_OUT and ended):
            end = case.phase_out_end.isoformat() if case.phase_out_end else "（日期不详）"
            items.append(DueItem(*where, "paid_after_phase_out", "渐退期满仍在发放", case.phase_out_end,
                                 f"渐退期已于 {end} 结束，仍按渐退期发放：请复核，停发或恢复正常保障，多发的应追回",
                                 BASIS_PAID_AFTER))
            if case.status not in COVERED:
                continue
        if case.status not in COVERED:
            continue
        if case.status == PHASE_OUT and case.phase_out_end is not None and case.phase_out_end <= horizon and not ended:
            items.append(DueItem(*where, "phase_out_end", "渐退期满复核", case.phase_out_end,
                                 f"渐退期至 {case.phase_out_end.isoformat()} 结束", BASIS_PHASE_OUT))
        months = policy.review_months_unstable if case.can_work else policy.review_months_stable
        frequency = "每半年" if case.can_work else "每年"
        if case.last_check is None:
            if case.enrolled_on is None:
                items.append(DueItem(*where, "never_checked", "从未核查", None, "既没有上次核查日期，也没有纳入日期",
                                     BASIS_NEVER))
                continue
            due = add_months(case.enrolled_on, months)
            if due <= horizon:
                items.append(DueItem(*where, "never_checked", "从未核查", due,
                                     f"{case.enrolled_on.isoformat()} 纳入后没有核查记录，{frequency}核查一次", BASIS_NEVER))
            continue
        due = add_months(case.last_check, months)
        if due <= horizon:
            kind, label, basis = (("single_person", "单人户复核", BASIS_SINGLE) if case.status == SINGLE_PERSON
                                  else ("periodic", "定期核查", BASIS_PERIODIC))
            items.append(DueItem(*where, kind, label, due,
                                 f"上次核查 {case.last_check.isoformat()}，{frequency}核查一次"
                                 + ("（有劳动能力成员）" if case.can_work else ""), basis))
    from dibao_cli.rules.tiered_schedule import (
        tiered_due_items,  # 特困 yearly, 刚性支出 at the end of its validity
    )

    items.extend(tiered_due_items(cases, horizon, policy, DueItem))
    items.sort(key=lambda i: (i.township, i.village, i.due or _dt.date.min, i.household_id))
    return items


def can_work(members, day: _dt.date) -> bool:
    """Income is unstable when a member of working age (16-59) is able to work or partly able."""
    for member in members:
        age = member.age(day)
        if age is None or not (16 <= age < 60):
            continue
        if member.labour in (None, "有", "部分丧失"):
            return True
    return False


def cases_from_assessment(assessment) -> list[ReviewCase]:
    """Review cases from a roster's own columns (no ledger): households the roster says are covered."""
    out = []
    for r in assessment.results:
        h = r.household
        if h.state not in REVIEWED_STATES:
            continue  # applicants: their decision is `dibao assess`, not a review
        paid = r.status == EXIT and bool(h.current_benefit)  # the roster still pays after the phase-out ended
        out.append(ReviewCase(h.household_id, h.township, h.village, h.head_label, r.status, r.phase_out_end,
                              h.last_check, can_work(r.members, assessment.day), h.enrolled_on,
                              r.rigid is not None and r.rigid.recognised, len(r.supported), paid_after_end=paid))
    return out


def cases_from_ledger_rows(rows) -> list[ReviewCase]:
    """Review cases from a ledger month (`Ledger.review_rows`)."""
    def day(text):
        return _dt.date.fromisoformat(text) if text else None

    return [ReviewCase(hid, township, village, head, status, day(end), day(last), bool(work), day(enrolled),
                       bool(rigid), tekun)
            for hid, township, village, head, status, end, last, work, enrolled, rigid, tekun in rows]
