"""Household visits: recording one, what is due per village and visitor, and the printable visit sheet.

A visit to a household closes its open monitor/crosscheck signals (the visit is what the signal asked
for). An investigation visit or a county check of a household with an open application is also the
application's 入户调查 / 县级入户核查 step.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass

from dibao_cli.casework.applications import STEPS, CaseworkError, states
from dibao_cli.casework.calendar import WorkCalendar
from dibao_cli.registers import canonical
from dibao_cli.status import COVERED, LABEL, MARGINAL

KINDS = ("入户调查", "定期回访", "信号核实", "特困核查", "县级核查")
KIND_ALIASES = {k: k for k in KINDS} | {"调查": "入户调查", "回访": "定期回访", "定期核查": "定期回访", "复核": "定期回访",
                                        "核实": "信号核实", "疑点核实": "信号核实", "特困": "特困核查",
                                        "特困入户核查": "特困核查", "县级入户核查": "县级核查"}
OUTCOMES = ("无变化", "有变化已记录", "转介其他救助", "已受理申请")
OUTCOME_ALIASES = {o: o for o in OUTCOMES} | {"无": "无变化", "没有变化": "无变化", "有变化": "有变化已记录",
                                              "变化已记录": "有变化已记录", "转介": "转介其他救助", "已申请": "已受理申请",
                                              "受理申请": "已受理申请"}
CHANGE_FIELDS = ("成员", "收入", "财产", "照料")  # structured findings besides the free text
TWO_PEOPLE = ("入户调查", "县级核查")


def visit_kind(text: str | None) -> str:
    return canonical(KIND_ALIASES, text, lambda: CaseworkError(f"不认识的走访类型“{text}”。可用：{'、'.join(KINDS)}。"))


def outcome(text: str | None) -> str:
    return canonical(OUTCOME_ALIASES, text,
                     lambda: CaseworkError(f"不认识的处理结果“{text}”。可用：{'、'.join(OUTCOMES)}。"))


def findings_text(stored: str) -> str:
    """The stored findings (JSON: 情况 and the structured changes) as one line."""
    try:
        data = json.loads(stored) if stored else {}
    except ValueError:
        return stored
    parts = [data.get("情况", "")] + [f"{k}：{data[k]}" for k in CHANGE_FIELDS if data.get(k)]
    return "；".join(p for p in parts if p)


@dataclass
class VisitResult:
    visit_id: int | None  # None: the same visit was already recorded
    step: str  # the application step it also recorded ("" if none)
    closed_signals: list[int]


def record_visit(ledger, *, household_id: str, on: _dt.date, visitors: list[str], kind: str, findings: str = "",
                 changes: dict | None = None, result: str = "无变化", township: str = "", village: str = "",
                 signal_ids: list[int] | None = None, source: str = "") -> VisitResult:
    from dibao_cli.casework.applications import record_step
    from dibao_cli.ledger import casework as store

    if not household_id:
        raise CaseworkError("走访记录需要户编号。")
    if not visitors:
        raise CaseworkError("请填写走访人（用逗号分开）。")
    if kind in TWO_PEOPLE and len(visitors) < 2:
        raise CaseworkError(f"{kind}须由至少两名工作人员进行：请填写两名以上走访人（用逗号分开）。")
    if signal_ids:
        for signal_id in signal_ids:
            found = store.signal(ledger, signal_id)
            if found is None or found["household_id"] != household_id:
                raise CaseworkError(f"信号编号 {signal_id} 不是户 {household_id} 的信号。用 dibao visits due 查看信号编号。")
    app = store.open_application_of(ledger, household_id)
    if app is not None:
        township = township or app["township"]
        village = village or app["village"]
    if not township:  # no open application: where the ledger last saw the household
        months = [r for r in ledger.history(household_id) if r["household_id"] == household_id]
        if months:
            township = months[-1]["township"] or ""
            village = village or months[-1]["village"] or ""
    data = {"情况": findings} | {k: v for k, v in (changes or {}).items() if v}
    visit_id = store.insert_visit(ledger, {
        "household_id": household_id, "township": township, "village": village, "visited_on": on.isoformat(),
        "visitors": ",".join(visitors), "kind": kind, "findings": json.dumps(data, ensure_ascii=False),
        "outcome": result, "source": source})
    if visit_id is None:
        return VisitResult(None, "", [])
    step = ""
    if app is not None and kind in TWO_PEOPLE and on.isoformat() >= app["accepted_on"]:
        key = "home_visit" if kind == "入户调查" else "county_visit"
        record_step(ledger, app, key, on, people=visitors, note=f"走访记录 {visit_id}", source=source)
        step = STEPS[key]
    closed = store.close_signals(ledger, household_id, on.isoformat(), f"走访记录 {visit_id}（{on.isoformat()}）",
                                 signal_ids or None)
    return VisitResult(visit_id, step, closed)


@dataclass
class DueVisit:
    township: str
    village: str
    visitor: str
    household_id: str
    head_name: str
    kind: str
    reason: str
    due: _dt.date | None
    overdue: bool

    def as_dict(self) -> dict:
        return {"township": self.township, "village": self.village, "visitor": self.visitor,
                "household_id": self.household_id, "head_name": self.head_name, "kind": self.kind,
                "reason": self.reason, "due": self.due.isoformat() if self.due else None, "overdue": self.overdue}


VISIT_STEPS = (STEPS["home_visit"], STEPS["reinvestigation"], STEPS["county_visit"])


def due_visits(ledger, policy, calendar: WorkCalendar, today: _dt.date, within_days: int,
               month: str | None = None) -> list[DueVisit]:
    """Visits due by `today + within_days`: application visits, signal follow-ups, periodic reviews."""
    from dibao_cli.ledger import casework as store

    horizon = today + _dt.timedelta(days=within_days)
    last = store.last_visits(ledger)

    def visitor(household_id: str, fallback: str = "") -> str:
        seen = last.get(household_id)
        return seen["visitors"] if seen else (fallback or "未指定")

    month = month or ledger.latest_month()
    out: list[DueVisit] = []
    open_states = states(ledger, policy, calendar, today)
    steps = store.steps_of(ledger, [s.app["id"] for s in open_states])
    for state in open_states:
        if not any(state.next_step.startswith(s) for s in VISIT_STEPS):
            continue  # an application waiting for a visit is always listed, whatever its deadline
        app = state.app
        handled_by = next((s["people"] for s in reversed(steps[app["id"]]) if s["people"]), "")
        out.append(DueVisit(app["township"], app["village"], visitor(app["household_id"], handled_by), app["household_id"],
                            app["applicant"], state.next_step, f"申请 {app['id']}（{app['programmes']}）",
                            state.due, state.overdue))
    followup = policy.entry("signal_followup_days", today).value
    for s in store.signals(ledger):
        due = _dt.date.fromisoformat(s["raised_on"]) + _dt.timedelta(days=followup)
        if due > horizon:
            continue
        member = f"（{s['member']}）" if s["member"] else ""
        out.append(DueVisit(s["township"], s["village"], visitor(s["household_id"]), s["household_id"], s["head_name"],
                            "信号核实", f"信号 {s['id']}：{s['label']}{member}", due, today > due))
    if month:
        from dibao_cli.checks.review import due_items
        from dibao_cli.policy import PolicyAt
        from dibao_cli.reports.review import cases_from_ledger

        cases = cases_from_ledger(ledger, month)
        for case in cases:  # a periodic visit recorded since the month's roster counts as the latest check
            seen = last.get(case.household_id)
            if seen and seen["kind"] in ("定期回访", "入户调查", "特困核查", "县级核查"):
                visited = _dt.date.fromisoformat(seen["visited_on"])
                if case.last_check is None or visited > case.last_check:
                    case.last_check = visited
        for item in due_items(cases, today, within_days, PolicyAt(policy, today)):
            out.append(DueVisit(item.township, item.village, visitor(item.household_id), item.household_id,
                                item.head_name, "定期回访", f"{item.label}：{item.detail}", item.due,
                                item.due is not None and today > item.due))
    out.sort(key=lambda v: (v.township, v.village, v.visitor, not v.overdue, v.due or _dt.date.min, v.household_id))
    return out


# ---------------------------------------------------------------- the printable visit sheet
def sheet_context(ledger, household_id: str, today: _dt.date, month: str | None = None) -> dict:
    """What the 入户调查表 is prefilled with: the household and members from the ledger's latest month (or
    the open application, or the open signal, when the household is not in the ledger yet), the open
    application, the open signals to verify (with the numbers to write back), past visits. Dates are written the
    Chinese way (2026年11月30日), as on every printed document."""
    from dibao_cli.documents.notices import cn_date, cn_dates, cn_month
    from dibao_cli.errors import NotFound
    from dibao_cli.idcard import age_on, mask_id, parse_id
    from dibao_cli.ledger import casework as store

    month = month or ledger.latest_month()
    row = ledger.households_of(month).get(household_id) if month else None
    app = store.latest_application_of(ledger, household_id)
    signals = store.signals(ledger, household_id=household_id)
    if row is None and app is None and not signals:
        where = f"{month} 月名册中没有这一户" if month else "台账中还没有导入任何月份的名册"
        raise NotFound(f"找不到户 {household_id}：{where}，也没有这一户的申请或待核实的信号。请核对户编号。")
    # where the household is known from: the month's roster, else its application, else its signal
    known = row if row is not None else (app if app is not None else {"township": signals[0]["township"],
                                                                      "village": signals[0]["village"]})
    head = row["head_name"] if row is not None else (app["applicant"] if app is not None else signals[0]["head_name"])
    members = []
    if row is not None:
        for m in store.household_members(ledger, row["import_id"], household_id):
            birth = _dt.date.fromisoformat(m["birth"]) if m["birth"] else None
            members.append({"name": m["name"] or "", "relation": m["relation"] or "",
                            "sex": "" if m["male"] is None else ("男" if m["male"] else "女"),
                            "age": "" if birth is None else age_on(birth, today), "id_number": mask_id(m["id_number"]),
                            "labour": m["labour"] or "",
                            "disability_grade": f"{m['disability_grade']}级" if m["disability_grade"] else ""})
    if not members and app is not None:  # an applicant not yet in any month's roster
        member = {"name": app["applicant"], "relation": "申请人", "sex": "", "age": "", "id_number": "", "labour": "",
                  "disability_grade": ""}
        if app["applicant_id"]:
            info = parse_id(app["applicant_id"])
            member.update(sex="男" if info.male else "女", age=age_on(info.birth, today),
                          id_number=mask_id(app["applicant_id"]))
        members.append(member)
    status_names = {s: LABEL[s] for s in (*COVERED, MARGINAL)}
    return {
        "household_id": household_id,
        "township": known["township"] or "",
        "village": known["village"] or "",
        "head_name": head or "",
        "area_type": (row["area_type"] if row is not None else "") or "",
        "status": status_names.get(row["status"], "") if row is not None else "",
        "month": cn_month(_dt.date.fromisoformat(f"{month}-01")) if row is not None else "",
        "members": members,
        "application": None if app is None or app["status"] != "open" else {
            "id": app["id"], "programmes": app["programmes"].replace(",", "、"), "accepted_on": cn_dates(app["accepted_on"]),
            "close_relative": app["close_relative"]},
        "signals": [{"id": s["id"], "label": s["label"], "member": s["member"], "raised_on": cn_dates(s["raised_on"])}
                    for s in signals],
        "visits": [{"on": cn_dates(v["visited_on"]), "kind": v["kind"], "visitors": v["visitors"].replace(",", "、"),
                    "outcome": v["outcome"]} for v in store.visits(ledger, household_id)],
        "printed_on": cn_date(today),
    }


def sheet_docx(pages: list[dict], title: str, printed_on: str, templates=None) -> bytes:
    """The visit sheets as one Word document (visit-sheet.docx, one household per page). Every value is
    escaped, so a name or a signal's text holding `&`, `<` or Word's own markup prints as written."""
    import io

    import jinja2
    from docxtpl import DocxTemplate

    from dibao_cli.documents.templating import environment, find_template
    from dibao_cli.errors import TemplateError
    from dibao_cli.reports.files import clean_text

    def clean(value):
        # a control character (NUL) is not allowed in Word's XML: left in, the document is parsed in recovery
        # mode and every escaped `&`, `<` of every value on the sheet is lost. Removed first, all text survives.
        if isinstance(value, str):
            return clean_text(value)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(v) for v in value]
        return value

    path = find_template("visit-sheet.docx", templates)
    context = {"households": clean(pages), "title": clean(title), "tekun": title == "特困入户核查表",
               "printed_on": printed_on}
    try:
        document = DocxTemplate(str(path))
        document.render(context, jinja_env=environment(templates, autoescape=True), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"Word 模板 {path} 用了 dibao 不提供的变量：{exc.message}。请检查模板中的变量名。") from None
    except (jinja2.TemplateError, jinja2.exceptions.SecurityError) as exc:
        raise TemplateError(f"Word 模板 {path} 有误：{exc}") from None
    return out.getvalue()
