"""Notices of the tiered programmes: 特困供养审批 / 终止, 临时救助审批 / 不予批准, 刚性支出困难家庭认定.

A notice is a plain dict of what templates/notice-tiered.html.j2 shows (a bureau may copy and edit it).
Adverse notices (终止, 不予批准) carry the appeal route, as the 低保 notices do.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from dibao_cli.rules import temporary

KINDS = {
    "tekun-approval": "特困人员救助供养审批通知书",
    "tekun-termination": "特困人员终止救助供养通知书",
    "temporary-approval": "临时救助审批通知书",
    "temporary-refusal": "临时救助不予批准告知书",
    "rigid-recognition": "刚性支出困难家庭认定通知书",
}
ADVERSE = ("tekun-termination", "temporary-refusal")


def cn_date(day: _dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _money(value) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')):,.2f}"


def _base(kind: str, issuer, household_id: str, head: str, township: str, village: str) -> dict:
    return {"kind": kind, "title": KINDS[kind], "doc_number": "", "bureau": issuer.bureau,
            "issued_on": cn_date(issuer.day), "household_id": household_id, "head_name": head or "",
            "township": township or "", "village": village or "", "person": "", "lines": [], "reasons": [],
            "appeal": kind in ADVERSE, "review_body": issuer.review_body, "phone": issuer.phone, "urgent": False}


def kinds_for_result(result) -> list[tuple[str, object]]:
    """(kind, subject) for each notice an assessment result calls for: each new 特困 person, each ended one,
    and a 刚性支出 recognition (new or renewed)."""
    out = []
    for d in result.tekun:
        if d.outcome == "supported" and not d.existing:
            out.append(("tekun-approval", d))
        elif d.outcome == "ended":
            out.append(("tekun-termination", d))
    renewed = any(f.code == "rigid_renewed" for f in result.flags)
    if result.rigid is not None and result.rigid.recognised and (result.household.state != "刚性支出" or renewed):
        out.append(("rigid-recognition", result.rigid))
    return out


def from_result(result, kind: str, subject, issuer) -> dict:
    h = result.household
    n = _base(kind, issuer, h.household_id, h.head_label, h.township, h.village)
    if kind == "tekun-approval":
        d = subject
        n["person"] = d.member.name
        n["lines"] = [("供养方式", d.mode), ("基本生活标准", f"{_money(d.basic)} 元/月"),
                      ("照料护理标准", f"{_money(d.care)} 元/月（{d.care_level}）" if d.care_known else "待生活自理能力评估后确定"),
                      ("每月供养金", f"{_money(d.total)} 元，发给{d.payee}")]
        n["reasons"] = [{"text": r.text, "basis": r.basis} for r in result.reasons
                        if r.code == "tekun" and r.text.startswith(d.member.name + " ")]
    elif kind == "tekun-termination":
        d = subject
        n["person"] = d.member.name
        n["reasons"] = [{"text": text, "basis": basis} for _code, text, basis in d.reasons]
    else:
        r = subject
        n["lines"] = [("近12个月刚性支出", f"{_money(Decimal(r.spent) / 100)} 元"),
                      ("近12个月家庭收入", f"{_money(Decimal(r.income) / 100)} 元"),
                      ("人均年收入", f"{_money(r.per_capita / 100)} 元（上年人均可支配收入 {_money(r.line / 100)} 元）"),
                      ("认定有效期", f"{cn_date(r.valid_from)} 至 {cn_date(r.valid_until)}")]
        n["reasons"] = [{"text": x.text, "basis": x.basis} for x in result.reasons if x.code in ("rigid", "single_person")]
    return n


def from_case(case: dict, issuer) -> dict:
    """临时救助审批通知书 or 不予批准告知书 from a decided case of the register."""
    kind = "temporary-approval" if case["status"] == "approved" else "temporary-refusal"
    n = _base(kind, issuer, case["household_id"], case["person"], case["township"], case["village"])
    n["person"] = case["person"]
    n["urgent"] = case["kind"] == "急难型"
    n["lines"] = [("救助类型", f"{case['kind']}（{case['severity']}）"), ("困难原因", case["cause"]),
                  ("申请日期", cn_date(_dt.date.fromisoformat(case["applied_on"]))),
                  ("审批日期", cn_date(_dt.date.fromisoformat(case["decided_on"])))]
    if kind == "temporary-approval":
        n["lines"] += [("救助人数", f"{case['persons']} 人"), ("救助金额", f"{_money(Decimal(case['amount_fen']) / 100)} 元"),
                       ("审批层级", case["level"])]
        n["reasons"] = [{"text": "按救助类型和困难程度、救助人数核定金额，不超过每案上限", "basis": temporary.BASIS}]
    else:
        n["reasons"] = [{"text": case["reason"], "basis": temporary.BASIS}]
    return n

