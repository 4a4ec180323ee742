"""The rows an import stores for each household it assessed: the household row (figures, status, dates, reasons
as stored texts), its members, and its events: what changed against last month's record.

Built once per household as the assessment streams by and staged in batches (ledger/staging.py); last month is
read once (store.PreviousMonth), so the month's diff is a dictionary look-up per household, and a household
whose members are the same as last month is told by comparing one string.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from dibao_cli import money
from dibao_cli.checks.review import can_work
from dibao_cli.ledger import assistance as assistance_store
from dibao_cli.ledger.store import SEP
from dibao_cli.rules.tiered_schedule import tiered_events  # 特困 / 刚性支出 and 低保<->特困 转类 of a member
from dibao_cli.status import (
    CATEGORY,
    CATEGORY_OF_STATE,
    COVERED,
    DIBAO,
    PHASE_OUT,
    RIGID,
    SINGLE_PERSON,
    TEKUN,
    WHOLE_OR_SINGLE,
)

BATCH = 5000  # households staged at a time
# the monthly standard is kept where a reason compares the income with it (the standard shown on notices)
COMPARED_WITH_STANDARD = frozenset(("below_standard", "above_standard", "above_marginal", "marginal"))
DIBAO_OR_SINGLE = (DIBAO, SINGLE_PERSON)


def fen(value) -> int | None:
    """A benefit as stored: whole fen (the total is already rounded)."""
    if value is None:
        return None
    return int((value if type(value) is Decimal else Decimal(value)) * 100)


def to_fen(value) -> int:
    """money.to_fen, with the components most households do not have (zero) at no cost."""
    return money.to_fen(value) if value else 0


def member_list(household) -> str:
    """The household's members as the ledger compares them with last month's (store.PreviousMonth.members)."""
    return SEP.join([m.id_number for m in household.members])


def events(result, previous, members_before: str | None, members_now: str, linked_from,
           previous_tekun: frozenset = frozenset()) -> list[tuple]:
    """The household's events against last month's record `previous` (None: not in last month);
    `members_before` / `members_now`: the ID numbers of its members then and now (member_list)."""
    out = []
    status = result.status
    before = previous["status"] if previous is not None else None
    cat_now = CATEGORY.get(status)
    cat_before = CATEGORY.get(before) if before else CATEGORY_OF_STATE.get(result.household.state or "")
    if linked_from:
        out.append(("linked", f"户编号由 {linked_from} 变为 {result.household.household_id}（户主变更）"))
    if cat_before is None and cat_now == "低保":
        out.append(("new", "新纳入低保"))
    elif cat_before == "低保" and cat_now is None:
        out.append(("exit", "停保（渐退期满）" if status == "exit" else "停保（不再符合条件）"))
    elif cat_before and cat_now and cat_before != cat_now:
        out.append(("transfer", f"由{cat_before}转为{cat_now}"))
    elif cat_before is None and cat_now == "边缘":
        out.append(("new_marginal", "新认定为低保边缘家庭"))
    if before in WHOLE_OR_SINGLE and status == PHASE_OUT:
        out.append(("phase_out_started", f"进入渐退期：{result.phase_out_start} 至 {result.phase_out_end}"))
    if before == PHASE_OUT and status in WHOLE_OR_SINGLE:
        out.append(("back_to_dibao", "渐退期内收入又低于标准，恢复正常保障"))
    if previous is not None and status in DIBAO_OR_SINGLE and before in COVERED:
        # back from a phase-out too: the amount paid during it was last month's, the new one differs
        old, new = previous["total_fen"], fen(result.total)
        if old is not None and new is not None and old != new:
            out.append(("amount_changed", f"月保障金由 {money.fen_text(old, False)} 元变为 {money.fen_text(new, False)} 元"))
    out.extend(tiered_events(result, cat_before, cat_now, previous_tekun))
    if members_before is not None and members_before != members_now:
        then, now = set(members_before.split(SEP)), set(members_now.split(SEP))
        added, removed = now - then, then - now
        if added:
            out.append(("member_added", f"新增成员 {len(added)} 人"))
        if removed:
            out.append(("member_removed", f"减少成员 {len(removed)} 人"))
    return out


class MonthRows:
    """The rows of the month being imported, staged every BATCH households (`flush` stages the rest)."""

    def __init__(self, staging, ledger, previous, day: _dt.date, marginal_multiplier, report):
        self.staging = staging
        self.ledger = ledger
        self.previous = previous
        self.day = day
        self.marginal_multiplier = marginal_multiplier
        self.report = report
        self.households: list[tuple] = []
        self.members: list[tuple] = []
        self.events: list[tuple] = []
        self._lines: dict = {}  # annual standard -> (monthly standard, 低保边缘 line) in fen

    def event(self, hid: str, kind: str, detail: str, township) -> None:
        self.events.append((hid, kind, detail, township))
        counts = self.report.events
        counts[kind] = counts.get(kind, 0) + 1

    def add(self, result, linked: str | None, record) -> None:
        """One assessed household: its row, its members' rows and its events (`record`: last month's row of
        the household, or of the household it was `linked` from)."""
        h = result.household
        hid = h.household_id
        members = h.members
        previous = self.previous
        if result.tekun:
            self.report.tekun_rows.extend(assistance_store.tekun_rows(None, result))  # the month's id when stored
        before = previous.members.get(linked or hid) if record is not None else None
        found = events(result, record, before, member_list(h) if before is not None else "", linked,
                       previous.tekun)
        if found:
            counts = self.report.events
            for kind, detail in found:
                self.events.append((hid, kind, detail, h.township))
                counts[kind] = counts.get(kind, 0) + 1
        status = result.status
        heads = [m for m in members if m.is_head]
        head = heads[0] if len(heads) == 1 else None
        enrolled = h.enrolled_on
        if enrolled is None and record is not None and record["enrolled_on"]:
            enrolled = _dt.date.fromisoformat(record["enrolled_on"])
        if enrolled is None and (status in WHOLE_OR_SINGLE or status == TEKUN):
            enrolled = self.day  # newly covered: the approval is the first check; 特困: the yearly review counts from it
        if status in (RIGID, SINGLE_PERSON) and result.rigid is not None and result.rigid.recognised:
            enrolled = result.rigid.valid_from  # 刚性支出: validity counts from the recognition
        covered = status in COVERED
        reasons, standard, marginal = self._reasons(result)
        phase_out_start, phase_out_end, last_check = result.phase_out_start, result.phase_out_end, h.last_check
        self.households.append((
            hid, linked, h.township, h.village, head.name if head is not None else h.head_name,
            head.id_number if head is not None else None, h.area_type, len(result.members),
            len(result.covered) if covered else 0,
            status, result.counted, str(result.adjusted), str(result.per_capita),
            fen(result.total) if result.benefit_known else None,
            to_fen(result.differential), to_fen(result.classified),
            phase_out_start.isoformat() if phase_out_start else None,
            phase_out_end.isoformat() if phase_out_end else None,
            last_check.isoformat() if last_check else None,
            enrolled.isoformat() if enrolled else None,
            1 if can_work(result.members, self.day) else 0, reasons, 1, standard, marginal))
        if covered:
            covered_ids = {id(m) for m in result.covered}
            self.members.extend((hid, m.id_number, m.name, m.relation, None if m.male is None else int(m.male),
                                 m.birth.isoformat() if m.birth else None, m.disability_grade, m.labour,
                                 1 if id(m) in covered_ids else 0, seq) for seq, m in enumerate(members, 1))
        else:
            self.members.extend((hid, m.id_number, m.name, m.relation, None if m.male is None else int(m.male),
                                 m.birth.isoformat() if m.birth else None, m.disability_grade, m.labour, 0, seq)
                                for seq, m in enumerate(members, 1))
        self.report.households += 1
        self.report.members += len(members)
        if len(self.households) >= BATCH:
            self.flush()

    def _reasons(self, result) -> tuple[str, int | None, int | None]:
        """The reasons as stored (text ids and numbers), and the monthly standard and the 低保边缘 line in fen
        where a reason compares the income with them (the figures the household's notice states)."""
        stored = self.ledger.compact_reason_list(result.reasons)
        compared = marginal = False
        for r in result.reasons:
            code = r.code
            if code in COMPARED_WITH_STANDARD:
                compared = True
                if code == "marginal":
                    marginal = True
        if not compared:
            return stored, None, None
        lines = self._lines.get(result.annual_standard)
        if lines is None:
            monthly = result.monthly_standard
            lines = self._lines[result.annual_standard] = (money.to_fen(monthly),
                                                          money.to_fen(monthly * self.marginal_multiplier))
        return stored, lines[0], lines[1] if marginal else None

    def flush(self) -> None:
        self.staging.flush(self.households, self.members, self.events)
