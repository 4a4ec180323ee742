"""Applications from acceptance to decision, with the legal deadlines in working days.

The procedure (《最低生活保障审核确认办法》, 民发〔2021〕57号): investigation starts within N working days
of acceptance; a home visit by at least two people; information check; the township's opinion; public
notice (公示) in the village; an objection during the notice means re-investigation, a new opinion and a
new notice; the county decides within N working days of the township's opinion; a refusal is notified in
writing within N working days; the whole within N working days (more when extended with a reason). Close
relatives of 低保 workers or village cadres are registered separately and need a county home visit.
Every N is a policy parameter.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from dibao_cli.casework.calendar import WorkCalendar
from dibao_cli.errors import DibaoError, ExitStatus, NotFound
from dibao_cli.registers import canonical
from dibao_cli.status import PROGRAMMES

RELATIVE_KINDS = ("低保经办人员近亲属", "村干部近亲属")

# step key -> label the clerk writes (the sheet's 事项 column and `dibao step`)
STEPS = {
    "investigation": "启动调查",
    "home_visit": "入户调查",
    "info_check": "信息核对",
    "township_opinion": "乡镇审核意见",
    "publicity": "公示",
    "objection": "公示异议",
    "reinvestigation": "重新调查",
    "county_visit": "县级入户核查",
    "decision": "县级审批",
    "refusal_notice": "书面告知",
    "extension": "延期",
    "withdrawal": "撤回申请",
}
STEP_ALIASES = {label: key for key, label in STEPS.items()} | {
    "开始调查": "investigation", "调查": "investigation", "入户": "home_visit", "入户核查": "home_visit",
    "家庭经济状况核对": "info_check", "核对": "info_check", "乡镇审核": "township_opinion", "审核意见": "township_opinion",
    "公示开始": "publicity", "异议": "objection", "复查": "reinvestigation", "县级核查": "county_visit",
    "审批": "decision", "审核确认": "decision", "县级审核确认": "decision", "告知": "refusal_notice",
    "不予批准告知": "refusal_notice", "延长": "extension", "撤回": "withdrawal", "撤销申请": "withdrawal",
}
DECISIONS = {"批准": "approved", "同意": "approved", "不予批准": "refused", "不批准": "refused", "不同意": "refused"}
STATUS_LABEL = {"open": "办理中", "approved": "已批准", "refused": "不予批准", "withdrawn": "已撤回"}
BASIS = "《最低生活保障审核确认办法》（民发〔2021〕57号）"


class CaseworkError(DibaoError):
    """A step that cannot be recorded as given (wrong order, missing people or reason)."""

    status = ExitStatus.USAGE


@dataclass
class Deadlines:
    investigation: int
    decision: int
    refusal: int
    total: int
    total_extended: int
    publicity_days: int

    @classmethod
    def from_policy(cls, policy, day: _dt.date) -> "Deadlines":
        def get(name):
            return policy.entry(name, day).value

        return cls(get("deadline_investigation_workdays"), get("deadline_decision_workdays"),
                   get("deadline_refusal_workdays"), get("deadline_total_workdays"),
                   get("deadline_total_extended_workdays"), get("publicity_days"))


@dataclass
class CaseState:
    """Where an application stands on a given day."""

    app: dict
    status: str  # open approved refused withdrawn
    next_step: str  # label of the next thing to do ("" when closed)
    due: _dt.date | None  # when it must be done
    days_left: int | None  # working days from today to `due` (negative: overdue by that many)
    overall_due: _dt.date
    overdue: bool
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "application_id": self.app["id"], "household_id": self.app["household_id"],
            "applicant": self.app["applicant"], "township": self.app["township"], "village": self.app["village"],
            "programmes": self.app["programmes"].split(","), "accepted_on": self.app["accepted_on"],
            "close_relative": self.app["close_relative"], "status": self.status, "next_step": self.next_step,
            "due": self.due.isoformat() if self.due else None, "days_left": self.days_left,
            "overall_due": self.overall_due.isoformat(), "overdue": self.overdue, "notes": self.notes,
        }


def _d(text: str) -> _dt.date:
    return _dt.date.fromisoformat(text)


# steps recorded on the same day are taken in the procedure's order, whatever order they were written in
SAME_DAY_ORDER = {key: rank for rank, key in enumerate((
    "investigation", "home_visit", "info_check", "objection", "reinvestigation", "township_opinion", "publicity",
    "county_visit", "decision", "refusal_notice", "extension", "withdrawal"))}


def _pos(step: dict | None) -> tuple | None:
    """Where a step stands in the procedure: (date, order within the day, id)."""
    return None if step is None else (step["on_date"], SAME_DAY_ORDER.get(step["step"], len(SAME_DAY_ORDER)), step["id"])


def _last(steps: list[dict], key: str, after: tuple | None = None) -> dict | None:
    """The latest step of a kind (optionally only one after position `after`, see `_pos`)."""
    found = None
    for s in steps:
        if s["step"] == key and (after is None or _pos(s) > after):
            found = s
    return found


def case_state(app: dict, steps: list[dict], calendar: WorkCalendar, deadlines: Deadlines,
               today: _dt.date) -> CaseState:
    accepted = _d(app["accepted_on"])
    extended = _last(steps, "extension") is not None
    overall_due = calendar.add_workdays(accepted, deadlines.total_extended if extended else deadlines.total)
    notes: list[str] = []
    if app["close_relative"]:
        notes.append(f"{app['close_relative']}：单独登记，须县级入户核查")
    if extended:
        notes.append(f"已延期：{_last(steps, 'extension')['note']}")

    def state(next_step: str, due: _dt.date | None, status: str = "open", count_overall: bool = True) -> CaseState:
        if status != "open" or due is None:
            return CaseState(app, status, next_step, due, None, overall_due, False, notes)
        days_left = calendar.workdays_between(today, due)
        overdue = today > due or (count_overall and today > overall_due)
        if count_overall and today > overall_due and not today > due:
            notes.append(f"已超过审核确认总期限（{overall_due.isoformat()}）")
        return CaseState(app, status, next_step, due, days_left, overall_due, overdue, notes)

    if app["status"] == "withdrawn" or _last(steps, "withdrawal"):
        return state("", None, "withdrawn")
    decision = _last(steps, "decision")
    if decision is not None:
        if decision["result"] == "approved":
            return state("", None, "approved")
        if _last(steps, "refusal_notice", _pos(decision)) is not None:
            return state("", None, "refused")
        return state(STEPS["refusal_notice"], calendar.add_workdays(_d(decision["on_date"]), deadlines.refusal),
                     count_overall=False)
    investigation_due = calendar.add_workdays(accepted, deadlines.investigation)
    started = [s for s in steps if s["step"] in ("investigation", "home_visit", "info_check")]
    if not started:
        return state(STEPS["investigation"], investigation_due)
    first = min(_d(s["on_date"]) for s in started)  # a home visit or a check is the investigation under way
    if first > investigation_due:
        notes.append(f"启动调查（{first.isoformat()}）晚于期限 {investigation_due.isoformat()}")
    visit = _last(steps, "home_visit")
    if visit is None:
        return state(STEPS["home_visit"] + "（至少两人）", overall_due)
    if _last(steps, "info_check") is None:
        return state(STEPS["info_check"], overall_due)
    objection = _last(steps, "objection")
    if objection is not None and _last(steps, "reinvestigation", _pos(objection)) is None:
        notes.append(f"公示期间有异议（{objection['on_date']}）：{objection['note']}".rstrip("："))
        return state(STEPS["reinvestigation"], overall_due)
    opinion = _last(steps, "township_opinion")
    reinvestigation = _last(steps, "reinvestigation")
    if opinion is None or (reinvestigation is not None and _pos(reinvestigation) > _pos(opinion)):
        return state(STEPS["township_opinion"], overall_due)
    decision_due = min(calendar.add_workdays(_d(opinion["on_date"]), deadlines.decision), overall_due)
    publicity = _last(steps, "publicity", _pos(opinion))
    if publicity is None:
        return state(STEPS["publicity"], decision_due)
    publicity_end = _d(publicity["on_date"]) + _dt.timedelta(days=deadlines.publicity_days - 1)
    if today <= publicity_end:
        notes.append(f"公示期至 {publicity_end.isoformat()}")
    if app["close_relative"] and _last(steps, "county_visit") is None:
        return state(STEPS["county_visit"], decision_due)
    if today <= publicity_end:
        return state("公示期满后" + STEPS["decision"], decision_due)
    return state(STEPS["decision"], decision_due)


def state_of(ledger, app_id: int, policy, calendar: WorkCalendar, today: _dt.date) -> CaseState:
    """One application's state, as the ledger holds it now."""
    from dibao_cli.ledger import casework as store

    app = store.application(ledger, app_id)
    steps = store.steps_of(ledger, [app_id])[app_id]
    return case_state(app, steps, calendar, Deadlines.from_policy(policy, _d(app["accepted_on"])), today)


def states(ledger, policy, calendar: WorkCalendar, today: _dt.date, open_only: bool = True) -> list[CaseState]:
    """Every (open) application's state, overdue first, then by due date."""
    from dibao_cli.ledger import casework as store

    apps = store.applications(ledger, open_only)
    steps = store.steps_of(ledger, [a["id"] for a in apps])
    out = [case_state(a, steps[a["id"]], calendar, Deadlines.from_policy(policy, _d(a["accepted_on"])), today)
           for a in apps]
    far = _dt.date.max
    out.sort(key=lambda s: (not s.overdue, s.due or far, s.app["id"]))
    return out


# ---------------------------------------------------------------- recording
def parse_programmes(text: str | None) -> str:
    items = [p for p in (text or "低保").replace("，", ",").replace("、", ",").split(",") if p.strip()]
    items = [p.strip().removesuffix("申请") for p in items]
    wrong = [p for p in items if p not in PROGRAMMES]
    if wrong:
        raise CaseworkError(f"不认识的申请类别：{'、'.join(wrong)}。可用：{'、'.join(PROGRAMMES)}（可写多个，用逗号分开）。")
    return ",".join(dict.fromkeys(items))


def parse_relative(text: str | None) -> str:
    s = (text or "").strip()
    if s in ("", "否", "无"):
        return ""
    for kind in RELATIVE_KINDS:
        if s in (kind, kind.removesuffix("近亲属")):
            return kind
    if s in ("经办人员", "低保经办人员", "经办人员近亲属"):
        return RELATIVE_KINDS[0]
    if s in ("村干部", "村(社区)干部", "村干部亲属"):
        return RELATIVE_KINDS[1]
    raise CaseworkError(f"“{s}”不是可用的近亲属备案类别。可用：{'、'.join(RELATIVE_KINDS)}，不是则留空。")


def parse_people(text: str | None) -> list[str]:
    if not text:
        return []
    for sep in ("，", "、", "；", ";", " ", "/"):
        text = text.replace(sep, ",")
    return [p for p in (x.strip() for x in text.split(",")) if p]


def step_key(text: str) -> str:
    return canonical(STEP_ALIASES, text,
                     lambda: CaseworkError(f"不认识的办理事项“{text}”。可用：受理、{'、'.join(STEPS.values())}。"))


def register(ledger, *, household_id: str, applicant: str, applicant_id: str = "", township: str = "",
             village: str = "", programmes: str, accepted_on: _dt.date, close_relative: str = "",
             source: str = "") -> tuple[int, bool]:
    from dibao_cli.ledger import casework as store

    if not household_id or not applicant:
        raise CaseworkError("登记申请需要户编号和申请人姓名。")
    current = store.open_application_of(ledger, household_id)
    if current is not None and current["accepted_on"] != accepted_on.isoformat():
        raise CaseworkError(f"户 {household_id} 已有办理中的申请 {current['id']}（{current['accepted_on']} 受理）。"
                            "一次申请分类审核认定，不必重复登记；如申请人撤回，先登记“撤回申请”。")
    return store.insert_application(ledger, {
        "household_id": household_id, "applicant": applicant, "applicant_id": applicant_id, "township": township,
        "village": village, "programmes": programmes, "accepted_on": accepted_on.isoformat(),
        "close_relative": close_relative, "source": source})


def _missing_before_decision(app: dict, steps: list[dict], on: _dt.date, approved: bool) -> str | None:
    """The first step the procedure needs before a county decision on `on` that is not recorded (None: none).
    Any decision follows the investigation (with a home visit and the information check) and the township's
    opinion, re-investigated after an objection; an approval also follows the opinion's 公示 and, for a close
    relative of a 低保 worker or cadre, the county's own home visit."""
    steps = [s for s in steps if s["on_date"] <= on.isoformat()]
    if not any(s["step"] in ("investigation", "home_visit", "info_check") for s in steps):
        return "investigation"
    for key in ("home_visit", "info_check"):
        if _last(steps, key) is None:
            return key
    objection = _last(steps, "objection")
    if objection is not None and _last(steps, "reinvestigation", _pos(objection)) is None:
        return "reinvestigation"
    opinion = _last(steps, "township_opinion")
    reinvestigation = _last(steps, "reinvestigation")
    if opinion is None or (reinvestigation is not None and _pos(reinvestigation) > _pos(opinion)):
        return "township_opinion"
    if approved and _last(steps, "publicity", _pos(opinion)) is None:
        return "publicity"
    if approved and app["close_relative"] and _last(steps, "county_visit") is None:
        return "county_visit"
    return None


def record_step(ledger, app: dict, key: str, on: _dt.date, *, people: list[str] = (), result: str = "",
                note: str = "", source: str = "") -> bool:
    """Record one step of an open application; a decision or withdrawal closes it. False: already recorded."""
    from dibao_cli.ledger import casework as store

    if store.has_step(ledger, app["id"], key, on.isoformat()):
        return False
    if on < _d(app["accepted_on"]):
        raise CaseworkError(f"{STEPS[key]}的日期 {on.isoformat()} 早于受理日期 {app['accepted_on']}。请核对日期。")
    if key == "home_visit" and len(people) < 2:
        raise CaseworkError("入户调查须由至少两名工作人员进行：请填写两名以上调查人（用逗号分开）。")
    if key == "extension" and not note.strip():
        raise CaseworkError("延期须写明理由（特殊情况）。")
    if app["status"] != "open":
        raise CaseworkError(f"申请 {app['id']} 已办结（{STATUS_LABEL.get(app['status'], app['status'])}），不能再登记{STEPS[key]}。")
    code = ""
    if key == "decision":
        code = DECISIONS.get(result.strip())
        if code is None:
            raise CaseworkError("县级审批须写明结果：批准 或 不予批准。")
        steps = store.steps_of(ledger, [app["id"]])[app["id"]]
        gap = _missing_before_decision(app, steps, on, code == "approved")
        if gap is not None:
            order = ["investigation", "home_visit", "info_check", "township_opinion"]
            if code == "approved":
                order += ["publicity"] + (["county_visit"] if app["close_relative"] else [])
            raise CaseworkError(f"申请 {app['id']} 还没有登记{STEPS[gap]}，不能登记县级审批"
                                f"（须依次：{'、'.join(STEPS[k] for k in order)}）。请先登记缺的步骤，或核对日期。")
    if key == "refusal_notice":
        steps = store.steps_of(ledger, [app["id"]])[app["id"]]
        decision = _last(steps, "decision")
        if decision is None or decision["result"] != "refused":
            raise CaseworkError("这件申请还没有“不予批准”的县级审批，无需书面告知。")
        if on.isoformat() < decision["on_date"]:
            raise CaseworkError(f"书面告知的日期 {on.isoformat()} 早于县级审批（{decision['on_date']}）。请核对日期。")
    created = store.insert_step(ledger, app["id"], {"step": key, "on_date": on.isoformat(), "people": ",".join(people),
                                                    "result": code or result, "note": note, "source": source})
    if created and key == "decision":
        if code == "approved":
            store.close_application(ledger, app["id"], code, on.isoformat())
        store.close_signals(ledger, app["household_id"], on.isoformat(), f"申请 {app['id']} 县级审批")
    if created and key == "refusal_notice":
        store.close_application(ledger, app["id"], "refused", on.isoformat())
    if created and key == "withdrawal":
        store.close_application(ledger, app["id"], "withdrawn", on.isoformat())
    return created


def get_application(ledger, app_id: int) -> dict:
    from dibao_cli.ledger import casework as store

    app = store.application(ledger, app_id)
    if app is None:
        raise NotFound(f"台账中没有编号为 {app_id} 的申请。用 dibao cases 查看办理中的申请及其编号。")
    return app
