"""临时救助 register: registering applications, deciding them by the policy's amount rule, paying them.

A decision is checked against the rule (dibao_cli/rules/temporary.py): an amount above the most the case
can get, or a township 先行救助 above the township's limit, is refused with the figures; the household's
yearly total above the county's line, or help for the same cause again in the year, is recorded and shown
as a warning (the county decides, dibao does not stop it).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal

from dibao_cli.errors import NotFound, UsageInvalid
from dibao_cli.money import plain
from dibao_cli.ledger import assistance as store
from dibao_cli.registers import canonical
from dibao_cli.rules import temporary

KIND_ALIASES = {"急难": "急难型", "急难型": "急难型", "突发": "急难型", "支出": "支出型", "支出型": "支出型"}
SEVERITY_ALIASES = {"一般": "一般", "较轻": "一般", "轻": "一般", "严重": "严重", "重": "严重", "较重": "严重", "特别严重": "严重"}
LEVEL_ALIASES = {"乡镇": "乡镇先行救助", "乡镇先行救助": "乡镇先行救助", "先行救助": "乡镇先行救助", "县级": "县级审批",
                 "县级审批": "县级审批", "县": "县级审批", "县民政局": "县级审批"}
APPROVE = ("批准", "同意", "准予救助")
REFUSE = ("不予批准", "不批准", "不同意", "不予救助")
STATUS_LABEL = {"open": "待审批", "approved": "已批准", "refused": "不予批准"}


class AssistanceError(UsageInvalid):
    """A case or decision that cannot be recorded as given (exit 2, like a usage mistake)."""


@dataclass
class Decision:
    case: dict
    approved: bool
    amount: temporary.Amount | None = None
    warnings: list[str] = field(default_factory=list)


def kind_of(text: str | None) -> str:
    return canonical(KIND_ALIASES, text, lambda: AssistanceError(f"救助类型“{text or ''}”不认识：应为 急难型 或 支出型"))


def severity_of(text: str | None) -> str:
    if not (text or "").strip():
        return "一般"
    return canonical(SEVERITY_ALIASES, text, lambda: AssistanceError(f"困难程度“{text}”不认识：应为 一般 或 严重"))


def level_of(text: str | None) -> str | None:
    if not (text or "").strip():
        return None
    return canonical(LEVEL_ALIASES, text, lambda: AssistanceError(f"审批层级“{text}”不认识：应为 乡镇先行救助 或 县级审批"))


def register(ledger, *, household_id: str, person: str, person_id: str, township: str, village: str, area_type: str,
             persons: int, kind: str, severity: str, cause: str, applied_on: _dt.date, requested: Decimal | None,
             source: str) -> tuple[int, bool]:
    if area_type not in ("城市", "农村"):
        raise AssistanceError(f"城乡类别“{area_type}”应为 城市 或 农村（决定适用的低保标准）")
    if persons < 1:
        raise AssistanceError("救助人数至少为 1")
    if not cause.strip():
        raise AssistanceError("困难原因没有填写")
    return store.insert(ledger, {
        "household_id": household_id, "person": person or "", "person_id": person_id or "", "township": township or "",
        "village": village or "", "area_type": area_type, "persons": persons, "kind": kind_of(kind),
        "severity": severity_of(severity), "cause": cause.strip(), "applied_on": applied_on.isoformat(),
        "requested_fen": None if requested is None else int(requested * 100), "source": source})


def case_or_fail(ledger, case_id: int) -> dict:
    # numbers outside SQLite's integer range cannot be an application (and would overflow the query)
    case = store.get(ledger, case_id) if 0 < case_id < 2 ** 63 else None
    if case is None:
        raise NotFound(f"台账中没有编号为 {case_id} 的临时救助申请（dibao assistance list 列出全部申请）。")
    return case


def decide(ledger, case_id: int, *, approve: bool, on: _dt.date, policy, amount: Decimal | None = None,
           level: str | None = None, reason: str = "") -> Decision:
    """Record the decision on an open case; `policy` is the PolicyAt of the decision date."""
    case = case_or_fail(ledger, case_id)
    if case["status"] != "open":
        raise AssistanceError(f"临时救助申请 {case_id} 已审批（{STATUS_LABEL[case['status']]}，{case['decided_on']}），不能再次审批。")
    if on.isoformat() < case["applied_on"]:
        raise AssistanceError(f"审批日期 {on.isoformat()} 早于申请日期 {case['applied_on']}。")
    if not approve:
        if not reason.strip():
            raise AssistanceError("不予批准须写明理由（--reason），告知书据此说明。")
        store.decide(ledger, case_id, "refused", on.isoformat(), None, None, reason.strip(), "")
        return Decision(store.get(ledger, case_id), False)
    requested = amount if amount is not None else (
        None if case["requested_fen"] is None else Decimal(case["requested_fen"]) / 100)
    rule = temporary.amount(policy, case["area_type"], case["kind"], case["severity"], case["persons"], requested)
    if amount is not None and amount > rule.maximum:
        raise AssistanceError(f"审批金额 {plain(amount)} 元超过本案最多可救助的 {plain(rule.maximum)} 元（"
                              + "；".join(rule.lines()[:2]) + "）。")
    chosen = level_of(level) or rule.level
    if chosen == temporary.LEVELS[0] and rule.granted > rule.township_limit:
        raise AssistanceError(f"乡镇先行救助限额为 {plain(rule.township_limit)} 元，本案 {plain(rule.granted)} 元须由县级审批。")
    rule.level = chosen
    warnings = _warnings(ledger, case, on, rule.granted, policy)
    store.decide(ledger, case_id, "approved", on.isoformat(), int(rule.granted * 100), chosen, reason.strip(),
                 "；".join(warnings))
    return Decision(store.get(ledger, case_id), True, rule, warnings)


def _warnings(ledger, case: dict, on: _dt.date, granted: Decimal, policy) -> list[str]:
    out = []
    earlier = store.approved_in_year(ledger, case["household_id"], on.year, excluding=case["id"])
    total = sum((Decimal(c["amount_fen"]) / 100 for c in earlier), Decimal(0)) + granted
    line = policy.urban_standard_monthly * policy.temporary_yearly_urban_multiple
    if total > line:
        out.append(f"本户 {on.year} 年临时救助累计 {plain(total)} 元（含本次），超过提示线 {plain(line)} 元：请复核")
    same = [c for c in earlier if c["cause"] == case["cause"]]
    if len(same) >= policy.temporary_repeat_cause_times:
        out.append(f"本户 {on.year} 年已因“{case['cause']}”获临时救助 {len(same)} 次：同一原因一般不重复救助，请复核")
    return out


def pay(ledger, case_id: int, on: _dt.date) -> dict:
    case = case_or_fail(ledger, case_id)
    if case["status"] != "approved":
        raise AssistanceError(f"临时救助申请 {case_id} 未批准（{STATUS_LABEL[case['status']]}），不能登记发放。")
    if on.isoformat() < case["decided_on"]:
        raise AssistanceError(f"发放日期 {on.isoformat()} 早于审批日期 {case['decided_on']}。")
    store.pay(ledger, case_id, on.isoformat())
    return store.get(ledger, case_id)


def summary(ledger, start: _dt.date, end: _dt.date) -> dict:
    """临时救助 statistics between two dates (approved, by decision date): cases, persons, money per type."""
    by_kind = store.totals_by_kind(ledger, start.isoformat(), end.isoformat())
    rows = {kind: by_kind.get(kind, {"cases": 0, "persons": 0, "amount_fen": 0}) for kind in temporary.KINDS}
    total = {"cases": sum(r["cases"] for r in rows.values()), "persons": sum(r["persons"] for r in rows.values()),
             "amount_fen": sum(r["amount_fen"] for r in rows.values())}
    return {"by_kind": rows, "total": total}
