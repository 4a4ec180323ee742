"""Cross-checking a roster against another department's extract (民发〔2021〕57号 动态管理: 部门信息比对).

A hash join on the normalised ID number (time proportional to the two inputs); optionally name plus
birth date for extracts without IDs, marked as weaker evidence. Where the record has a date before the
current month, the months paid since then and the amount to recover (追缴) are given, from the ledger
where one exists, else from the roster's current amount.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from dibao_cli import money
from dibao_cli.assess.household import assess_household
from dibao_cli.model import HOUSEHOLD_FIELDS, Household, Member, Roster
from dibao_cli.reading.extract import Extract, Record
from dibao_cli.status import COVERED, COVERED_STATES


@dataclass
class Finding:
    household: Household
    member: Member
    record: Record
    code: str
    text: str
    evidence: str  # "身份证号" or "姓名+出生日期（较弱）"
    follow_up: str
    basis: str
    months: int | None = None
    recover_fen: int | None = None
    recover_note: str = ""


def _month_index(day: _dt.date) -> int:
    return day.year * 12 + day.month - 1


def _without(household: Household, member: Member) -> Household:
    copy = Household(household.household_id, household.file, household.sheet, household.row)
    for name in HOUSEHOLD_FIELDS:
        setattr(copy, name, getattr(household, name))
    copy.members = [m for m in household.members if m is not member]
    return copy


def _recovery(finding: Finding, day: _dt.date, policy, ledger_months: list[tuple[str, int]] | None) -> None:
    """Months paid since the record's date and the amount that may have to be recovered (追缴)."""
    date = finding.record.date
    household = finding.household
    if date is None or _month_index(date) >= _month_index(day):
        return
    covered_now = household.state in COVERED_STATES
    if ledger_months is not None:
        paid = [(month, fen) for month, fen in ledger_months if month > f"{date.year:04d}-{date.month:02d}" and fen]
        source = "台账"
    else:
        if not covered_now or household.current_benefit is None:
            return
        count = _month_index(day) - _month_index(date)
        paid = [("", household.current_benefit)] * count
        source = "名册当前月保障金"
    if not paid:
        finding.months, finding.recover_fen = 0, 0
        return
    finding.months = len(paid)
    if finding.code.startswith("death"):  # only the difference after removing the dead member
        current = paid[-1][1]
        remaining = _without(household, finding.member)
        if remaining.members:
            after = assess_household(remaining, policy, day)
            again = int(after.total * 100) if after.status in COVERED else 0
        else:
            again = 0
        per_month = max(0, current - again)
        finding.recover_fen = per_month * len(paid)
        finding.recover_note = (f"按{source}：{len(paid)} 个月 × 每月多发 {money.fen_yuan(per_month, False)} 元"
                                f"（现 {money.fen_yuan(current, False)} 元，核减后 {money.fen_yuan(again, False)} 元）")
    else:
        finding.recover_fen = sum(fen for _, fen in paid)
        finding.recover_note = f"按{source}：{len(paid)} 个月全额，核实不符合条件后追缴（核实后可能减少）"


def crosscheck(roster: Roster, extract: Extract, day: _dt.date, policy, *, name_birth: bool = False,
               ledger_paid=None) -> list[Finding]:
    """Every roster member found in the extract. `ledger_paid(household_id)` gives [(month, fen)] paid."""
    kind = extract.kind
    by_id: dict[str, list[Record]] = {}
    by_name_birth: dict[tuple, list[Record]] = {}
    for record in extract.records:
        if record.id_number:
            by_id.setdefault(record.id_number, []).append(record)
        elif name_birth and record.name and record.birth:
            by_name_birth.setdefault((record.name, record.birth), []).append(record)
    findings: list[Finding] = []
    for household in roster.households.values():
        for member in household.members:
            matches = by_id.get(member.id_number) if member.id_number else None
            evidence = "身份证号"
            if not matches and name_birth and member.name and member.birth:
                matches = by_name_birth.get((member.name, member.birth))
                evidence = "姓名+出生日期（较弱，须核实）"
            if not matches:
                continue
            for record in matches:
                text = kind.text
                code = kind.code
                if evidence == "身份证号" and record.name and member.name and record.name != member.name:
                    text += f"；身份证号相同但姓名不同（名册“{member.name}”，{kind.label}数据“{record.name}”）"
                    code += "_name_mismatch"
                if record.date:
                    text += f"（{record.date.isoformat()}）"
                finding = Finding(household, member, record, code, text, evidence, kind.follow_up, kind.basis)
                ledger_months = ledger_paid(household.household_id) if ledger_paid else None
                _recovery(finding, day, policy, ledger_months)
                findings.append(finding)
    findings.sort(key=lambda f: (f.household.township or "", f.household.village or "", f.household.household_id))
    return findings


def yuan(fen: int | None) -> str:
    return "" if fen is None else money.fen_yuan(fen, grouping=False)
