"""Importing a month into the ledger: carry last month's decisions forward, assess, record events.

Last month's ledger record, not the roster, says what a household currently is (低保, 渐退期 since when,
the amount paid); the roster's own 当前保障类别 / 渐退开始日期 / 当前月保障金 are checked against it and a
disagreement is reported. A household whose 户编号 changed (the head died or moved) is followed through
its members' ID numbers and linked to its old record.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from dibao_cli import __version__, money
from dibao_cli.assess.household import plan_assessment
from dibao_cli.errors import RosterRefused, UsageInvalid
from dibao_cli.ledger import assistance as assistance_store
from dibao_cli.ledger import month_helper
from dibao_cli.ledger import township as townships
from dibao_cli.ledger.decided import Decided, month_results
from dibao_cli.ledger.month_rows import MonthRows
from dibao_cli.ledger.staging import Staging
from dibao_cli.ledger.store import Ledger, LedgerError
from dibao_cli.problems import WARNING, Problem
from dibao_cli.status import (
    CATEGORY,
    COVERED,
    PHASE_OUT,
    RIGID,
    SINGLE_PERSON,
    STATE_NONE,
    STATE_OF,
)


def parse_month(text: str) -> str:
    m = re.fullmatch(r"(\d{4})-?(\d{1,2})", (text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UsageInvalid(f"月份“{text}”应写成 2026-12 的形式。")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def month_end(month: str) -> _dt.date:
    year, mon = int(month[:4]), int(month[5:])
    return _dt.date(year, mon, calendar.monthrange(year, mon)[1])


def reporting_day(month: str, cutoff: int | None) -> _dt.date:
    """The day a month is counted to: its cut-off day where the county sets one (e.g. the 15th), else its end."""
    end = month_end(month)
    return end if not cutoff else end.replace(day=min(cutoff, end.day))


def reporting_period(month: str, cutoff: int | None) -> str:
    """统计期: the calendar month, or from the day after last month's cut-off to this month's."""
    end = reporting_day(month, cutoff)
    if not cutoff:
        return f"{end.year}年{end.month}月"
    year, mon = (end.year, end.month - 1) if end.month > 1 else (end.year - 1, 12)
    start = reporting_day(f"{year:04d}-{mon:02d}", cutoff) + _dt.timedelta(days=1)
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class EarlyRead:
    """What an import reads before it needs it, while the roster's rows are still loading (read_rosters'
    `while_loading`): the month before, as committed then, and the input files' hashes. import_month takes the
    month before only when it is still the one the ledger holds, to its own id (else reads it again), and the hashes
    only when the files have not been written since (else hashes again). A failure here is left for import_month to
    meet."""

    def __init__(self, ledger: Ledger, month: str, paths: list[Path], township: str | None = None):
        self.ledger, self.month, self.paths, self.township = ledger, month, paths, township
        self.previous = None
        self.hashes: dict[str, tuple] = {}  # file -> (size and time of change, SHA-256)

    def read(self) -> None:
        for path in self.paths:
            try:
                self.hashes[str(path)] = (_stamp(path), file_hash(path))
            except OSError:  # hashed again (and said) where the import needs it
                continue
        try:
            self.previous = self.ledger.previous_month(self.month, self.township)
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - read again where the import needs it, and failing there as before
            self.previous = None

    def take_previous(self, ledger: Ledger, month: str, township: str | None):
        """The month before as read early, when it is still the ledger's; None otherwise."""
        previous, self.previous = self.previous, None
        if previous is None or ledger is not self.ledger or (month, township) != (self.month, self.township):
            return None
        return previous if ledger.month_key(month) == previous.key else None

    def file_hash(self, path: Path) -> str:
        early = self.hashes.get(str(path))
        if early is not None and early[0] == _stamp(path):
            return early[1]
        return file_hash(path)


def _stamp(path: Path) -> tuple:
    """What changes when a file is written (its change time even when a copy keeps the time of change)."""
    status = path.stat()
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


@dataclass
class ImportReport:
    month: str
    day: _dt.date
    households: int = 0
    members: int = 0
    skipped: list[str] = field(default_factory=list)
    replaced: bool = False
    events: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)  # skipped for errors, last month's decision kept
    later: list[str] = field(default_factory=list)  # months after this one, computed on its earlier version
    later_tickets: dict[str, int] = field(default_factory=dict)
    tekun_rows: list[tuple] = field(default_factory=list)  # 特困 persons of the month (assistance_tekun)
    attempts: int = 1
    seconds: float = 0.0
    lock_seconds: float = 0.0


def _carry_forward(household, previous, report: ImportReport) -> None:
    """Last month's decision becomes the household's current state; disagreements are reported."""
    status = previous["status"]
    state = STATE_OF.get(status, STATE_NONE)
    start = previous["phase_out_start"] if status == PHASE_OUT else None
    start = _dt.date.fromisoformat(start) if start else None
    if household.state is not None and household.state != state and household.state != "特困":
        _disagrees(report, household, "当前保障类别", household.state, f"与台账上月结果“{state}”不一致")
    if household.phase_out_start is not None and start is not None and household.phase_out_start != start:
        _disagrees(report, household, "渐退开始日期", household.phase_out_start.isoformat(),
                   f"与台账记录的渐退开始日期 {start.isoformat()} 不一致")
    if household.phase_out_start is not None and start is None and status != PHASE_OUT:
        _disagrees(report, household, "渐退开始日期", household.phase_out_start.isoformat(),
                   "台账中本户上月不在渐退期")
    household.state = state if household.state != "特困" else household.state
    if status in (RIGID, SINGLE_PERSON) and household.enrolled_on is None and previous["enrolled_on"]:
        household.enrolled_on = _dt.date.fromisoformat(previous["enrolled_on"])  # 刚性支出 validity carries on
    household.phase_out_start = start
    if status in COVERED and previous["total_fen"] is not None:
        if household.current_benefit is not None and household.current_benefit != previous["total_fen"]:
            _disagrees(report, household, "当前月保障金", money.fen_text(household.current_benefit, False),
                       f"与台账上月金额 {money.fen_text(previous['total_fen'], False)} 元不一致")
        household.current_benefit = previous["total_fen"]


def _disagrees(report: ImportReport, household, column, value, message) -> None:
    report.warnings.append(Problem(household.file, household.sheet, household.row, column, value, message,
                                   "以台账为准；如台账有误，请重新导入上月名册（--replace）", WARNING,
                                   "ledger_disagrees", household.household_id))


NOT_ASSESSED = "本月名册中本户有错误，未核算：保留上月结果"


def import_month(ledger: Ledger, roster, policy_at, month: str, day: _dt.date, paths: list[Path],
                 skip_invalid: bool, replace: bool, command: str, ticket: int | None = None,
                 options: dict | None = None, on_wait=None, township: str | None = None,
                 early: EarlyRead | None = None) -> ImportReport:
    """Validate, carry forward, assess and store one month.

    The month is computed outside the write lock against the month before it as committed, and stored in
    one short transaction that first checks that month is still the one it was computed against (else it is
    computed again). Months announced by other imports (`ticket`s) land in month order. With `township`, the
    roster is that township's and the month's other townships are kept (ledger/township.py). `early`: what was
    read while the roster loaded (EarlyRead)."""
    errors = roster.error_count()
    if errors and not skip_invalid:
        raise RosterRefused(f"名册有 {errors} 个错误，未导入。请用 dibao check 查看并修改，"
                            "或加 --skip-invalid 先导入没有错误的户（有错误的户会列出）。")
    if not ledger.write:
        ledger.check_integrity()
    if township is not None:
        townships.check_roster(roster, township)
        townships.check_latest(ledger, month)
    own_ticket = ticket is None
    if own_ticket:
        ticket = ledger.register_import(month)
    saved = {hid: (h.state, h.phase_out_start, h.current_benefit, h.enrolled_on) for hid, h in roster.households.items()}
    policy = policy_at.policy
    inputs = {str(p): (early.file_hash if early is not None else file_hash)(Path(p)) for p in paths}
    started = time.monotonic()
    try:
        attempts = 0
        while True:
            attempts += 1
            ledger.wait_for_earlier_imports(month, ticket, on_wait=on_wait)
            previous = early.take_previous(ledger, month, township) if early is not None else None
            if previous is None:
                previous = ledger.previous_month(month, township)
            if township is not None:
                townships.check_conflict(ledger, previous.existing_id, township, month, replace)
            elif previous.existing_id and not replace:
                raise LedgerError(f"台账中已有 {month} 月的数据。如要用这份名册替换，请加 --replace（旧版本保留在历史中）。")
            if attempts > 1:  # computed again: each household as the roster gave it (carried forward again)
                for hid, household in roster.households.items():
                    (household.state, household.phase_out_start, household.current_benefit,
                     household.enrolled_on) = saved[hid]
            report = ImportReport(month, day)
            staging = Staging(ledger)
            try:
                ledger.load_texts()
                carried = _assess_into(staging, ledger, roster, policy_at, day, previous, saved, skip_invalid, report)
                ledger.settle_texts("staging.households")
                lock_started = time.monotonic()
                with ledger.transaction() as db:
                    now = ledger.month_key(month)
                    # a township's import is computed against last month only: another township landing in
                    # this month first changes nothing it computed (its rows are merged in when storing)
                    if (now[:2] if township else now) != (previous.key[:2] if township else previous.key) or \
                            ledger.earlier_imports_running(month, ticket, clean=False):
                        continue  # another import landed first: compute again against it
                    if township is not None:
                        replacing = townships.check_conflict(ledger, now[2], township, month, replace)
                        previous.existing_id = now[2]
                    _store(db, ledger, staging, previous, carried, report, month, day, policy, inputs, ticket,
                           options, township)
                    if township is not None:
                        report.replaced = replacing
                    ledger.audit(command, inputs, policy.digest)
                report.lock_seconds = time.monotonic() - lock_started
            finally:
                staging.close()
            report.attempts = attempts
            report.seconds = time.monotonic() - started
            return report
    finally:
        if own_ticket:
            ledger.unregister_import(ticket)


def _assess_into(staging: Staging, ledger: Ledger, roster, policy_at, day, previous, saved, skip_invalid,
                 report: ImportReport) -> list[str]:
    """Carry last month forward, assess, and stage the rows and events; returns the households skipped for
    errors that keep last month's decision."""
    prior = previous.households
    present = set(roster.households)
    links: dict[str, str] = {}
    for household in roster.households.values():
        hid = household.household_id
        record = prior.get(hid)
        if record is None and previous.home:
            homes: dict[str, int] = {}
            for m in household.members:
                old = previous.home.get(m.id_number)
                if old and old not in present:
                    homes[old] = homes.get(old, 0) + 1
            if homes:
                old = max(homes, key=homes.get)
                links[hid] = old
                record = prior[old]
        if record is not None:
            _carry_forward(household, record, report)
    assessment = plan_assessment(roster, policy_at, day)
    report.skipped = [h.household_id for h, _ in assessment.left_out]
    if report.skipped and not skip_invalid:  # errors only this policy finds (an income item it does not list)
        shown = "、".join(report.skipped[:10]) + ("……" if len(report.skipped) > 10 else "")
        raise RosterRefused(f"名册有 {len(report.skipped)} 户有错误（{shown}），未导入。请用 dibao check（加同样的 "
                            "--region/--policy）查看并修改，或加 --skip-invalid 先导入没有错误的户（有错误的户会列出）。")
    carried = [hid for hid in report.skipped if hid in prior and hid not in links.values()]
    report.carried = list(carried)
    staging.stage_carried(carried)
    multiplier = policy_at.marginal_multiplier

    def stage(part, rows: MonthRows) -> None:
        for result in month_results(part):  # a HouseholdResult or the columnar engine's Decided
            hid = result.household.household_id
            linked = links.get(hid)
            record = prior.get(linked or hid)
            rows.add(result, linked, record)
            if result.status not in COVERED and saved[hid][2]:
                _paid_after_phase_out(result, record, saved[hid][2], rows.report)

    def stage_apart(part, helper_staging: Staging) -> ImportReport:  # in the helper process
        rows = MonthRows(helper_staging, ledger, previous, day, multiplier, ImportReport(report.month, day))
        stage(part, rows)
        rows.flush()
        return rows.report

    first, second = month_helper.split(ledger, assessment)  # second: the later households, for a helper
    helper = month_helper.start(ledger, second, stage_apart) if second is not None else None
    try:
        rows = MonthRows(staging, ledger, previous, day, multiplier, report)
        for hid in carried:
            rows.event(hid, "not_assessed", NOT_ASSESSED, prior[hid]["township"])
        stage(first, rows)
        if helper is not None:
            rows.flush()  # ours first: the helper's events are numbered on from them
            if not helper.adopt(staging, report):
                stage(second, rows)
        elif second is not None:  # no helper could be made
            stage(second, rows)
    finally:
        if helper is not None:
            helper.cancel()
    continuing = present | set(links.values())
    # in the order of their household numbers, whatever order the database read last month's rows in
    for hid in sorted(hid for hid, record in prior.items() if hid not in continuing and CATEGORY.get(record["status"])):
        rows.event(hid, "disappeared", "本月名册中没有这一户（迁出、死亡或漏报？）", prior[hid]["township"])
    rows.flush()
    return carried


def _paid_after_phase_out(result, record, roster_benefit, report: ImportReport) -> None:
    """A payment that goes on after the phase-out ended (this month or before) is a warning."""
    if result.status in COVERED or not roster_benefit:
        return
    ended_now = result.status == "exit"
    ended_before = record is not None and record["status"] == "exit"
    if not (ended_now or ended_before):
        return
    if type(result) is Decided:
        end = result.phase_out[1] if result.phase_out is not None else None
    else:
        end = result.phase_out_end
    end = end or (record["phase_out_end"] if record is not None else None)
    h = result.household
    report.warnings.append(Problem(
        h.file, h.sheet, h.row, "当前月保障金", money.fen_text(roster_benefit, False),
        f"渐退期{'已于 ' + str(end) + ' ' if end else '已'}结束（停保），名册中仍有本月保障金",
        "核实是否已停发；如仍在发放，请停发并追回多发的金额", WARNING, "paid_after_phase_out", h.household_id))


def _store(db, ledger: Ledger, staging: Staging, previous, carried: list[str], report: ImportReport, month: str,
           day: _dt.date, policy, inputs: dict, ticket: int, options: dict | None, township: str | None = None) -> None:
    """Inside the write lock: the month's rows, copied from the staging database."""
    fields = {"month": month, "assessed_on": day.isoformat(),
              "imported_at": _dt.datetime.now().isoformat(timespec="seconds"), "region": policy.region,
              "policy_name": policy.name, "policy_hash": policy.digest,
              "inputs": json.dumps(inputs, ensure_ascii=False), "households": report.households + len(carried),
              "members": report.members, "skipped": len(report.skipped), "dibao_version": __version__,
              "options": json.dumps(options, ensure_ascii=False) if options else None}
    if township is None:
        import_id = ledger.open_version(fields, previous.existing_id)
        report.replaced = bool(previous.existing_id)
    else:  # the month's other townships come along (on PostgreSQL by a function of the administrator's)
        import_id = ledger.open_township_version(fields, township)
    report.members += staging.store(db, import_id, previous.import_id if carried else None)
    if carried and township is None:
        ledger.set_member_count(db, import_id, report.members)
    assistance_store.store_tekun(db, [(import_id, *row[1:]) for row in report.tekun_rows])
    if carried:
        staging.store_carried_tekun(db, import_id, previous.import_id)
    if township is not None:
        ledger.count_version(import_id)
    ledger.import_landed(db, ticket)
    report.later = ledger.later_months(month)
    # the later months were computed against an older version of this one: they are announced as pending
    # (imports of still later months wait for them) until they are computed again or given up
    report.later_tickets = {m: ledger.register_import(m, in_transaction=True) for m in report.later}


def recorded_import(ledger: Ledger, month: str) -> tuple[dict, dict] | None:
    """(input files with their SHA-256, options) of a month as imported, when it can be computed again from
    the same files: every file still there and unchanged. None otherwise."""
    row = ledger.recorded_inputs(month)
    if row is None or not row[1]:
        return None
    inputs, options = json.loads(row[0]), json.loads(row[1])
    if options.get("township"):
        return None  # the month is several townships' rosters: each is imported again on its own
    files = options.get("files") or []
    if len(files) != len(inputs):
        return None
    for path, digest in zip(files, inputs.values()):
        if not Path(path).is_file() or file_hash(Path(path)) != digest:
            return None
    return inputs, options
