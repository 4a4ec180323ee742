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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dibao_cli import __version__, money
from dibao_cli.assessment import iter_results, plan_assessment
from dibao_cli.bulk import bulk
from dibao_cli.errors import RosterRefused, UsageInvalid
from dibao_cli.ledger import assistance as assistance_store
from dibao_cli.ledger.store import Ledger, LedgerError
from dibao_cli.problems import WARNING, Problem
from dibao_cli.review import can_work

STATE_OF = {"dibao": "低保", "single_person": "单人户", "phase_out": "渐退期", "marginal": "边缘", "tekun": "特困",
            "rigid": "刚性支出"}
CATEGORY = {"dibao": "低保", "single_person": "低保", "phase_out": "低保", "marginal": "边缘", "tekun": "特困",
            "rigid": "刚性支出"}
COVERED = ("dibao", "single_person", "phase_out")
CATEGORY_OF_STATE = {"低保": "低保", "单人户": "低保", "渐退期": "低保", "边缘": "边缘", "特困": "特困", "刚性支出": "刚性支出"}


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


def _fen(value) -> int | None:
    return None if value is None else int(Decimal(value) * 100)


def _carry_forward(household, previous, report: ImportReport) -> None:
    """Last month's decision becomes the household's current state; disagreements are reported."""
    status = previous["status"]
    state = STATE_OF.get(status, "无")
    start = previous["phase_out_start"] if status == "phase_out" else None
    start = _dt.date.fromisoformat(start) if start else None

    def warn(column, value, message):
        report.warnings.append(Problem(household.file, household.sheet, household.row, column, value, message,
                                       "以台账为准；如台账有误，请重新导入上月名册（--replace）", WARNING,
                                       "ledger_disagrees", household.household_id))

    if household.state is not None and household.state != state and household.state != "特困":
        warn("当前保障类别", household.state, f"与台账上月结果“{state}”不一致")
    if household.phase_out_start is not None and start is not None and household.phase_out_start != start:
        warn("渐退开始日期", household.phase_out_start.isoformat(), f"与台账记录的渐退开始日期 {start.isoformat()} 不一致")
    if household.phase_out_start is not None and start is None and status != "phase_out":
        warn("渐退开始日期", household.phase_out_start.isoformat(), "台账中本户上月不在渐退期")
    household.state = state if household.state != "特困" else household.state
    if status in ("rigid", "single_person") and household.enrolled_on is None and previous["enrolled_on"]:
        household.enrolled_on = _dt.date.fromisoformat(previous["enrolled_on"])  # 刚性支出 validity carries on
    household.phase_out_start = start
    if status in ("dibao", "single_person", "phase_out") and previous["total_fen"] is not None:
        if household.current_benefit is not None and household.current_benefit != previous["total_fen"]:
            warn("当前月保障金", money.fen_text(household.current_benefit, False),
                 f"与台账上月金额 {money.fen_text(previous['total_fen'], False)} 元不一致")
        household.current_benefit = previous["total_fen"]


def _events(result, previous, members_before: set[str] | None, members_now: set[str], linked_from,
            previous_tekun: frozenset = frozenset()) -> list[tuple]:
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
    if before in ("dibao", "single_person") and status == "phase_out":
        out.append(("phase_out_started", f"进入渐退期：{result.phase_out_start} 至 {result.phase_out_end}"))
    if before == "phase_out" and status in ("dibao", "single_person"):
        out.append(("back_to_dibao", "渐退期内收入又低于标准，恢复正常保障"))
    if previous is not None and status in ("dibao", "single_person") and before in ("dibao", "single_person"):
        old, new = previous["total_fen"], _fen(result.total)
        if old is not None and new is not None and old != new:
            out.append(("amount_changed", f"月保障金由 {money.fen_text(old, False)} 元变为 {money.fen_text(new, False)} 元"))
    from dibao_cli.assistance.schedule import tiered_events  # 特困 / 刚性支出 and 低保<->特困 转类 of a member

    out.extend(tiered_events(result, cat_before, cat_now, previous_tekun))
    if members_before is not None:
        added, removed = members_now - members_before, members_before - members_now
        if added:
            out.append(("member_added", f"新增成员 {len(added)} 人"))
        if removed:
            out.append(("member_removed", f"减少成员 {len(removed)} 人"))
    return out


def refuse_invalid(roster, skip_invalid: bool) -> None:
    """A roster with errors is not imported (unless --skip-invalid): checked before the ledger is even opened."""
    errors = roster.error_count()
    if errors and not skip_invalid:
        raise RosterRefused(f"名册有 {errors} 个错误，未导入。请用 dibao check 查看并修改，"
                            "或加 --skip-invalid 先导入没有错误的户（有错误的户会列出）。")


def import_month(ledger: Ledger, roster, policy_at, month: str, day: _dt.date, paths: list[Path],
                 skip_invalid: bool, replace: bool, command: str) -> ImportReport:
    """Validate, carry forward, assess and store one month, all in one transaction."""
    report = ImportReport(month, day)
    refuse_invalid(roster, skip_invalid)
    previous_month = ledger.latest_month(before=month)
    previous = ledger.households_of(previous_month) if previous_month else {}
    previous_members = ledger.members_of(previous_month) if previous_month else {}
    previous_tekun = assistance_store.tekun_ids(ledger, previous_month) if previous_month else frozenset()
    member_home = ledger.member_index(previous_month) if previous_month else {}
    present = set(roster.households)
    links: dict[str, str] = {}
    for household in roster.households.values():
        hid = household.household_id
        record = previous.get(hid)
        if record is None and member_home:
            homes: dict[str, int] = {}
            for m in household.members:
                old = member_home.get(m.id_number)
                if old and old not in present:
                    homes[old] = homes.get(old, 0) + 1
            if homes:
                old = max(homes, key=homes.get)
                links[hid] = old
                record = previous[old]
        if record is not None:
            _carry_forward(household, record, report)
    with bulk():
        assessment = plan_assessment(roster, policy_at, day)
        report.skipped = [h.household_id for h, _ in assessment.left_out]
        if report.skipped and not skip_invalid:  # errors only this policy finds (an income item it does not list)
            shown = "、".join(report.skipped[:10]) + ("……" if len(report.skipped) > 10 else "")
            raise RosterRefused(f"名册有 {len(report.skipped)} 户有错误（{shown}），未导入。请用 dibao check（加同样的 "
                                "--region/--policy）查看并修改，或加 --skip-invalid 先导入没有错误的户（有错误的户会列出）。")
        policy = policy_at.policy
        inputs = {str(p): file_hash(Path(p)) for p in paths}
        with ledger.transaction() as db:
            existing = ledger.active_import(month)
            if existing and not replace:
                raise LedgerError(f"台账中已有 {month} 月的数据。如要用这份名册替换，请加 --replace（旧版本保留在历史中）。")
            cursor = db.execute(
                "INSERT INTO imports (month, assessed_on, imported_at, region, policy_name, policy_hash, inputs, "
                "households, members, skipped, dibao_version) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
                (month, day.isoformat(), _dt.datetime.now().isoformat(timespec="seconds"), policy.region, policy.name,
                 policy.digest, json.dumps(inputs, ensure_ascii=False), len(report.skipped), __version__))
            import_id = cursor.lastrowid
            if existing:
                db.execute("UPDATE imports SET superseded_by = ? WHERE id = ?", (import_id, existing[0]))
                report.replaced = True
            household_rows, member_rows, event_rows = [], [], []
            tekun_rows = []  # 特困 persons and their monthly support (dibao_cli/ledger/assistance.py)
            for result in iter_results(assessment):
                if result.tekun:
                    tekun_rows.extend(assistance_store.tekun_rows(import_id, result))
                h = result.household
                hid = h.household_id
                linked = links.get(hid)
                record = previous.get(linked or hid)
                members_now = {m.id_number for m in h.members}
                if (result.status == "exit" and h.state in ("低保", "渐退期", "单人户") and result.phase_out_end
                        and f"{result.phase_out_end:%Y-%m}" < month):  # paid on after the phase-out ended
                    report.warnings.append(Problem(
                        h.file, h.sheet, h.row, "渐退开始日期",
                        result.phase_out_start.isoformat() if result.phase_out_start else "",
                        f"渐退期已于 {result.phase_out_end.isoformat()} 结束，仍按“{h.state}”发放：本月记为停保",
                        "复核渐退期满后多发的月份，出具停保通知书", WARNING, "phase_out_overrun", hid))
                for kind, detail in _events(result, record, previous_members.get(linked or hid) if record else None,
                                            members_now, linked, previous_tekun):
                    event_rows.append((import_id, hid, kind, detail))
                    report.events[kind] = report.events.get(kind, 0) + 1
                head = h.head
                enrolled = h.enrolled_on
                if enrolled is None and record is not None and record["enrolled_on"]:
                    enrolled = _dt.date.fromisoformat(record["enrolled_on"])
                if enrolled is None and result.status in ("dibao", "single_person"):
                    enrolled = day  # newly covered: the approval is the first check
                if enrolled is None and result.status == "tekun":
                    enrolled = day  # newly 特困: the yearly review counts from the recognition
                if result.status in ("rigid", "single_person") and result.rigid is not None and result.rigid.recognised:
                    enrolled = result.rigid.valid_from  # 刚性支出: validity counts from the recognition
                household_rows.append((
                    import_id, hid, linked, h.township, h.village, h.head_label, head.id_number if head else None,
                    h.area_type, len(result.members),
                    len(result.covered) if result.status in ("dibao", "single_person", "phase_out") else 0,
                    result.status, result.counted, str(result.adjusted), str(result.per_capita),
                    _fen(result.total) if result.benefit_known else None,
                    _round_fen(result.differential), _round_fen(result.classified),
                    result.phase_out_start.isoformat() if result.phase_out_start else None,
                    result.phase_out_end.isoformat() if result.phase_out_end else None,
                    h.last_check.isoformat() if h.last_check else None,
                    enrolled.isoformat() if enrolled else None,
                    1 if can_work(result.members, day) else 0,
                    json.dumps([r.as_dict() for r in result.reasons], ensure_ascii=False)))
                covered_ids = {id(m) for m in result.covered} if result.status in COVERED else set()
                member_rows.extend((import_id, hid, m.id_number, m.name, m.relation,
                                    None if m.male is None else int(m.male),
                                    m.birth.isoformat() if m.birth else None, m.disability_grade, m.labour,
                                    1 if id(m) in covered_ids else 0) for m in h.members)
                report.households += 1
                report.members += len(h.members)
                if len(household_rows) >= 5000:
                    _flush(db, household_rows, member_rows, event_rows)
            _flush(db, household_rows, member_rows, event_rows)
            assistance_store.store_tekun(db, tekun_rows)
            continuing = present | set(links.values())
            for hid, record in previous.items():
                if hid not in continuing and CATEGORY.get(record["status"]):
                    db.execute("INSERT INTO events VALUES (?, ?, ?, ?)",
                               (import_id, hid, "disappeared", "本月名册中没有这一户（迁出、死亡或漏报？）"))
                    report.events["disappeared"] = report.events.get("disappeared", 0) + 1
            db.execute("UPDATE imports SET households = ?, members = ? WHERE id = ?",
                       (report.households, report.members, import_id))
            ledger.audit(command, inputs, policy.digest)
    return report


def _round_fen(value: Decimal) -> int:
    """Components of the benefit (differential, 分类施保) to whole fen for the statistics."""
    return money.to_fen(value)


def _flush(db, households, members, events) -> None:
    db.executemany("INSERT INTO households VALUES (" + ",".join("?" * 23) + ")", households)
    db.executemany("INSERT INTO members VALUES (" + ",".join("?" * 10) + ")", members)
    db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", events)
    households.clear()
    members.clear()
    events.clear()
