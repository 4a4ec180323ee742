"""The rows an import stores for each household it assessed: the household row (figures, status, dates, reasons
as stored texts), its members, and its events: what changed against last month's record.

Built once per household as the assessment streams by and staged in batches (ledger/staging.py); last month is
read once (store.PreviousMonth), so the month's diff is a dictionary look-up per household, and a household
whose members are the same as last month is told by comparing one string.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from decimal import Decimal

from dibao_cli import money
from dibao_cli.assess.decided_result import Item
from dibao_cli.assess.vector import Decided
from dibao_cli.idcard import age_on
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
    STATE_RIGID,
    STATE_TEKUN,
    TEKUN,
    WHOLE_OR_SINGLE,
)

BATCH = 5000  # households staged at a time
# the monthly standard is kept where a reason compares the income with it (the standard shown on notices)
COMPARED_WITH_STANDARD = frozenset(("below_standard", "above_standard", "above_marginal", "marginal"))
DIBAO_OR_SINGLE = (DIBAO, SINGLE_PERSON)
ZERO = Decimal(0)


def fen(value) -> int | None:
    """A benefit as stored: whole fen (the total is already rounded)."""
    if value is None:
        return None
    return int((value if type(value) is Decimal else Decimal(value)) * 100)


def to_fen(value) -> int:
    """money.to_fen, with the components most households do not have (zero) at no cost."""
    return money.to_fen(value) if value else 0


def working_age(day: _dt.date) -> tuple[_dt.date, _dt.date]:
    """(born after, born on or before): a member born in between is 16 to 59 years old on `day`, as
    idcard.age_on counts (checks/review.can_work); one comparison of dates instead of an age per member."""
    return _latest(day.year - 60, day.month, day.day), _latest(day.year - 16, day.month, day.day)


def _latest(year: int, month: int, day: int) -> _dt.date:
    """The last date on or before (year, month, day): 29 February of a common year is the 28th."""
    return _dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def able_to_work(members, ages: tuple[_dt.date, _dt.date], day: _dt.date) -> bool:
    """checks.review.can_work(members, day), with `ages` = working_age(day)."""
    old, young = ages
    for m in members:
        birth = m.birth
        if birth is None:
            continue
        if type(birth) is not _dt.date:  # a datetime: counted as can_work counts it
            if not 16 <= age_on(birth, day) < 60:
                continue
        elif not old < birth <= young:
            continue
        if m.labour in (None, "有", "部分丧失"):
            return True
    return False


class _Flags:
    """What tiered_events reads of a household the columnar engine decided (no 特困 decisions)."""

    __slots__ = ("flags",)
    supported = tekun = ()

    def __init__(self, flags):
        self.flags = flags


NO_TIERS = _Flags(())
TIERED = (STATE_TEKUN, STATE_RIGID)  # the programmes tiered_events tells apart


def member_list(household) -> str:
    """The household's members as the ledger compares them with last month's (store.PreviousMonth.members)."""
    return SEP.join([m.id_number for m in household.members])


def events(result, previous, members_before: str | None, members_now: str, linked_from,
           previous_tekun: frozenset = frozenset()) -> list[tuple]:
    """The household's events against last month's record `previous` (None: not in last month);
    `members_before` / `members_now`: the ID numbers of its members then and now (member_list)."""
    return household_events(result.status, result.household, result.phase_out_start, result.phase_out_end,
                            result.total, result, previous, members_before, members_now, linked_from, previous_tekun)


def household_events(status, household, phase_out_start, phase_out_end, total, tiered, previous,
                     members_before: str | None, members_now: str, linked_from,
                     previous_tekun: frozenset = frozenset()) -> list[tuple]:
    """`events` from the household's figures: `total` the benefit as a HouseholdResult holds it (0 when not
    known), `tiered` what tiered_events reads (flags, supported and 特困 decisions)."""
    out = []
    before = previous["status"] if previous is not None else None
    cat_now = CATEGORY.get(status)
    cat_before = CATEGORY.get(before) if before else CATEGORY_OF_STATE.get(household.state or "")
    if linked_from:
        out.append(("linked", f"户编号由 {linked_from} 变为 {household.household_id}（户主变更）"))
    if cat_before is None and cat_now == "低保":
        out.append(("new", "新纳入低保"))
    elif cat_before == "低保" and cat_now is None:
        out.append(("exit", "停保（渐退期满）" if status == "exit" else "停保（不再符合条件）"))
    elif cat_before and cat_now and cat_before != cat_now:
        out.append(("transfer", f"由{cat_before}转为{cat_now}"))
    elif cat_before is None and cat_now == "边缘":
        out.append(("new_marginal", "新认定为低保边缘家庭"))
    if before in WHOLE_OR_SINGLE and status == PHASE_OUT:
        out.append(("phase_out_started", f"进入渐退期：{phase_out_start} 至 {phase_out_end}"))
    if before == PHASE_OUT and status in WHOLE_OR_SINGLE:
        out.append(("back_to_dibao", "渐退期内收入又低于标准，恢复正常保障"))
    if previous is not None and status in DIBAO_OR_SINGLE and before in COVERED:
        # back from a phase-out too: the amount paid during it was last month's, the new one differs
        old, new = previous["total_fen"], fen(total)
        if old is not None and new is not None and old != new:
            out.append(("amount_changed", f"月保障金由 {money.fen_text(old, False)} 元变为 {money.fen_text(new, False)} 元"))
    if tiered is not None or cat_before in TIERED or cat_now in TIERED:
        out.extend(tiered_events(NO_TIERS if tiered is None else tiered, cat_before, cat_now, previous_tekun))
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
        self._ages = working_age(day)

    def event(self, hid: str, kind: str, detail: str, township) -> None:
        self.events.append((hid, kind, detail, township))
        counts = self.report.events
        counts[kind] = counts.get(kind, 0) + 1

    def add(self, result, linked: str | None, record) -> None:
        """One assessed household (a HouseholdResult, or the columnar engine's `Decided`): its row, its members'
        rows and its events (`record`: last month's row of the household, or of the household it was `linked`
        from)."""
        if type(result) is Decided:
            self._add_decided(result, linked, record)
            return
        h = result.household
        if result.tekun:
            self.report.tekun_rows.extend(assistance_store.tekun_rows(None, result))  # the month's id when stored
        status = result.status
        enrolled = h.enrolled_on
        if enrolled is None and record is not None and record["enrolled_on"]:
            enrolled = _dt.date.fromisoformat(record["enrolled_on"])
        if enrolled is None and (status in WHOLE_OR_SINGLE or status == TEKUN):
            enrolled = self.day  # newly covered: the approval is the first check; 特困: the yearly review counts from it
        if status in (RIGID, SINGLE_PERSON) and result.rigid is not None and result.rigid.recognised:
            enrolled = result.rigid.valid_from  # 刚性支出: validity counts from the recognition
        covered = result.covered if status in COVERED else None
        self._store(h, linked, record, status, result.members, covered, result.counted, result.adjusted,
                    result.per_capita, result.total, fen(result.total) if result.benefit_known else None,
                    to_fen(result.differential), to_fen(result.classified), result.phase_out_start,
                    result.phase_out_end, enrolled, [(r.code, r.text, r.basis) for r in result.reasons],
                    result.annual_standard, result)

    def _add_decided(self, d, linked: str | None, record) -> None:
        """A household the columnar engine decided (assess/vector.py `Decided`): no 特困 decisions and no 刚性支出
        recognition; the figures a HouseholdResult of it holds (assess/decided_result.DecidedResult) read from it."""
        h = d.household
        status = d.status
        enrolled = h.enrolled_on
        if enrolled is None and record is not None and record["enrolled_on"]:
            enrolled = _dt.date.fromisoformat(record["enrolled_on"])
        if enrolled is None and (status in WHOLE_OR_SINGLE or status == TEKUN):
            enrolled = self.day  # newly covered: the approval is the first check
        singles = d.singles
        if singles:  # the sums of the exact parts, as the per-household path adds them
            differential = to_fen(sum((c.differential for c in singles), ZERO))
            classified = to_fen(sum((c.classified for c in singles), ZERO))
        elif d.breakdown is not None:  # 低保: the exact parts' fen
            differential, classified = d.breakdown.differential, d.breakdown.classified
        else:
            differential = classified = 0
        covered = ([c.member for c in singles] if singles else d.members) if status in COVERED else None
        total = d.total
        start, end = d.phase_out if d.phase_out is not None else (None, None)
        tiered = _Flags([Item._make(f) for f in d.flags]) if d.flags else None
        self._store(h, linked, record, status, d.members, covered, d.counted, d.adjusted, d.per_capita,
                    ZERO if total is None else total, None if total is None else fen(total), differential,
                    classified, start, end, enrolled, d.reasons, d.annual_standard, tiered)

    def _store(self, h, linked, record, status, assessed, covered, counted, adjusted, per_capita, total, total_fen,
               differential_fen, classified_fen, phase_out_start, phase_out_end, enrolled, reasons, annual_standard,
               tiered) -> None:
        """The household's row, its members' rows and its events; `assessed`: the members the assessment counted,
        `covered`: the covered ones (None: the household is not covered), `reasons`: (code, text, basis)."""
        hid = h.household_id
        members = h.members
        previous = self.previous
        before = previous.members.get(linked or hid) if record is not None else None
        found = household_events(status, h, phase_out_start, phase_out_end, total, tiered, record, before,
                                 SEP.join([m.id_number for m in members]) if before is not None else "", linked,
                                 previous.tekun)
        if found:
            counts = self.report.events
            township = h.township
            for kind, detail in found:
                self.events.append((hid, kind, detail, township))
                counts[kind] = counts.get(kind, 0) + 1
        head = None
        for m in members:
            if m.is_head:
                if head is not None:
                    head = None  # more than one head: none is taken
                    break
                head = m
        stored, standard, marginal = self._reasons(reasons, annual_standard)
        last_check = h.last_check
        self.households.append((
            hid, linked, h.township, h.village, head.name if head is not None else h.head_name,
            head.id_number if head is not None else None, h.area_type, len(assessed),
            len(covered) if covered is not None else 0,
            status, counted, str(adjusted), str(per_capita), total_fen, differential_fen, classified_fen,
            phase_out_start.isoformat() if phase_out_start else None,
            phase_out_end.isoformat() if phase_out_end else None,
            last_check.isoformat() if last_check else None,
            enrolled.isoformat() if enrolled else None,
            1 if able_to_work(assessed, self._ages, self.day) else 0, stored, 1, standard, marginal))
        if covered is None or len(covered) == len(members):  # none or every member covered (the covered are some
            flag = 0 if covered is None else 1                # of the members)
            self.members += [(hid, m.id_number, m.name, m.relation, None if m.male is None else int(m.male),
                              m.birth.isoformat() if m.birth else None, m.disability_grade, m.labour, flag, seq)
                             for seq, m in enumerate(members, 1)]
        else:
            covered_ids = {id(m) for m in covered}
            self.members += [(hid, m.id_number, m.name, m.relation, None if m.male is None else int(m.male),
                              m.birth.isoformat() if m.birth else None, m.disability_grade, m.labour,
                              1 if id(m) in covered_ids else 0, seq)
                             for seq, m in enumerate(members, 1)]
        report = self.report
        report.households += 1
        report.members += len(members)
        if len(self.households) >= BATCH:
            self.flush()

    def _reasons(self, reasons, annual_standard) -> tuple[str, int | None, int | None]:
        """The reasons ((code, text, basis)) as stored (text ids and numbers), and the monthly standard and the
        低保边缘 line in fen where a reason compares the income with them (the figures the household's notice
        states)."""
        stored = self.ledger.compact_reason_tuples(reasons)
        compared = marginal = False
        for r in reasons:
            code = r[0]
            if code in COMPARED_WITH_STANDARD:
                compared = True
                if code == "marginal":
                    marginal = True
        if not compared:
            return stored, None, None
        lines = self._lines.get(annual_standard)
        if lines is None:
            monthly = annual_standard / 1200
            lines = self._lines[annual_standard] = (money.to_fen(monthly), money.to_fen(monthly * self.marginal_multiplier))
        return stored, lines[0], lines[1] if marginal else None

    def flush(self) -> None:
        self.staging.flush(self.households, self.members, self.events)
