"""Notices of the tiered programmes: 特困供养审批 / 终止, 临时救助审批 / 不予批准, 刚性支出困难家庭认定.

A notice is a plain dict of what templates/notice-tiered.html.j2 shows (a bureau may copy and edit it).
Adverse notices (终止, 不予批准) carry the appeal route, as the 低保 notices do. As on the 低保 notices, a
reason is a sentence for the household (no computation, no ISO date, no instruction to staff) and `bases`
lists each public document cited once (name and 文号; a county's unconfirmed figure cites the county's own
document).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from dibao_cli import money
from dibao_cli.documents.notices import LOW_INCOME, RELIEF, TEKUN, cn_month
from dibao_cli.rules.phase_out import add_months
from dibao_cli.rules.tekun import CARE_PARAM
from dibao_cli.status import STATE_RIGID

KINDS = {
    "tekun-approval": "特困人员救助供养审批通知书",
    "tekun-termination": "特困人员终止救助供养通知书",
    "temporary-approval": "临时救助审批通知书",
    "temporary-refusal": "临时救助不予批准告知书",
    "rigid-recognition": "刚性支出困难家庭认定通知书",
}
ADVERSE = ("tekun-termination", "temporary-refusal")
SUPPORT = "《国务院关于进一步健全特困人员救助供养制度的意见》（国发〔2016〕14号）"
TEMPORARY = "《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）"
TEMPORARY_2018 = "《民政部 财政部 国务院扶贫办关于进一步加强和改进临时救助工作的意见》（民发〔2018〕23号）"


def cn_date(day: _dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _money(value) -> str:
    return money.yuan(Decimal(value))


def _cite(policy, *names: str) -> list[str]:
    return [policy.citation(name) for name in names] if policy is not None else []


def _unnested(text: str) -> str:
    """A text to be put inside brackets, its own brackets turned into a comma (在校大学生（本科） -> 在校大学生，本科),
    so that a notice never nests full-width brackets."""
    return text.replace("（", "，").replace("）", "")


def _sentence(text: str) -> str:
    text = (text or "").strip().rstrip("。.；;，,")
    return text + "。" if text else ""


def _base(kind: str, issuer, household_id: str, head: str, township: str, village: str) -> dict:
    return {"kind": kind, "title": KINDS[kind], "doc_number": "", "bureau": issuer.bureau,
            "issued_on": cn_date(issuer.day), "household_id": household_id, "head_name": head or "",
            "township": township or "", "village": village or "", "person": "", "lines": [], "reasons": [],
            "appeal": kind in ADVERSE, "review_body": issuer.review_body, "phone": issuer.phone, "urgent": False,
            "start_month": cn_month(add_months(issuer.day.replace(day=1), 1)), "bases": [], "addressee": head or "", "amount": "",
            "renewed": False}


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
    if result.rigid is not None and result.rigid.recognised and (result.household.state != STATE_RIGID or renewed):
        out.append(("rigid-recognition", result.rigid))
    return out


def _dedup(bases: list[str]) -> list[str]:
    return list(dict.fromkeys(b for b in bases if b))


def from_result(result, kind: str, subject, issuer, policy=None) -> dict:
    h = result.household
    n = _base(kind, issuer, h.household_id, h.head_label, h.township, h.village)
    if kind == "tekun-approval":
        d = subject
        n["person"] = n["addressee"] = d.member.name
        n["lines"] = [("供养方式", d.mode), ("基本生活标准", f"{_money(d.basic)} 元/月"),
                      ("照料护理标准", f"{_money(d.care)} 元/月（{d.care_level}）" if d.care_known else "待生活自理能力评估后确定"),
                      ("每月供养金", f"{_money(d.total)} 元，发给{d.payee}")]
        supporter = "无法定赡养、抚养、扶养义务人" if d.member.supporter == "无" else "法定赡养、抚养、扶养义务人无履行义务能力"
        n["reasons"] = [{"text": f"属于无劳动能力的情形：{'、'.join(d.grounds)}。"},
                        {"text": f"无生活来源：本人年收入 {_money(Decimal(d.own_income) / 100)} 元，低于当地低保标准 "
                                 f"{_money(Decimal(result.annual_standard) / 100)} 元/年，财产状况符合规定。"},
                        {"text": f"{supporter}。"}]
        if not d.care_known:
            n["reasons"].append({"text": "照料护理标准待生活自理能力评估后确定，评估后另行通知。"})
        n["bases"] = _dedup([RELIEF, TEKUN, SUPPORT, *_cite(policy, "tekun_basic_monthly"),
                             *(_cite(policy, CARE_PARAM[d.care_level]) if d.care_known else [])])
    elif kind == "tekun-termination":
        d = subject
        n["person"] = n["addressee"] = d.member.name
        prefix = (d.member.name or "") + " "
        n["reasons"] = [{"text": _sentence(text.removeprefix(prefix).removeprefix((d.member.name or "") + "："))}
                        for _code, text, _basis in d.reasons]
        n["bases"] = [RELIEF, TEKUN]
    else:
        r = subject
        n["lines"] = [("近12个月刚性支出", f"{_money(Decimal(r.spent) / 100)} 元"),
                      ("近12个月家庭收入", f"{_money(Decimal(r.income) / 100)} 元"),
                      ("家庭人均年收入", f"{_money(r.per_capita / 100)} 元"),
                      ("认定有效期", f"{cn_date(r.valid_from)}至{cn_date(r.valid_until)}")]
        share = (Decimal(r.spent) / Decimal(r.income) * 100).quantize(Decimal("0.01")) if r.income else None
        required = (Decimal(str(policy.rigid_hardship_share)) * 100).normalize() if policy is not None else None
        n["reasons"] = [{"text": "近12个月家庭刚性支出"
                                 + (f"占家庭收入的 {share}%" if share is not None else "较大")
                                 + (f"，不低于规定的 {required:f}%" if required is not None else "") + "。"},
                        {"text": f"家庭人均年收入低于上年当地居民人均可支配收入 {_money(r.line / 100)} 元，家庭财产状况符合规定。"}]
        singles = result.singles
        for single in singles:
            n["reasons"].append({"text": f"{single.member.name}（{_unnested(single.ground)}）参照单人户纳入最低生活保障，"
                                         f"月保障金 {_money(single.total)} 元。"})
        n["renewed"] = any(f.code == "rigid_renewed" for f in result.flags)
        area = "urban_disposable_income_annual" if result.area_type == "城市" else "rural_disposable_income_annual"
        n["bases"] = _dedup([RELIEF, LOW_INCOME, *_cite(policy, "rigid_hardship_share", area),
                             *(_cite(policy, "rigid_single_person_students") if singles else [])])
    return n


def from_case(case: dict, issuer, policy=None, head: str = "") -> dict:
    """临时救助审批通知书 or 不予批准告知书 from a decided case of the register: addressed to its 救助对象, or, for a
    case granted to the whole household, to the household (`head`: the head's name, from the ledger)."""
    kind = "temporary-approval" if case["status"] == "approved" else "temporary-refusal"
    n = _base(kind, issuer, case["household_id"], case["person"] or head, case["township"], case["village"])
    n["person"] = case["person"]
    n["addressee"] = case["person"] or ""
    n["urgent"] = case["kind"] == "急难型"
    n["lines"] = [("救助类型", f"{case['kind']}（{case['severity']}）"), ("困难原因", case["cause"]),
                  ("申请日期", cn_date(_dt.date.fromisoformat(case["applied_on"]))),
                  ("审批日期", cn_date(_dt.date.fromisoformat(case["decided_on"])))]
    if kind == "temporary-approval":
        n["amount"] = _money(Decimal(case["amount_fen"]) / 100)
        n["lines"] += [("救助人数", f"{case['persons']} 人"), ("救助金额", f"{_money(Decimal(case['amount_fen']) / 100)} 元"),
                       ("审批层级", case["level"])]
        n["reasons"] = [{"text": f"按救助类型（{case['kind']}）、困难程度（{case['severity']}）和救助人数（{case['persons']} 人）"
                                 "核定救助金额，不超过每案救助上限。"}]
        months = {("急难型", "一般"): "temporary_months_urgent", ("急难型", "严重"): "temporary_months_urgent_severe",
                  ("支出型", "一般"): "temporary_months_expense", ("支出型", "严重"): "temporary_months_expense_severe"}
        cited = _cite(policy, *[m for m in [months.get((case["kind"], case["severity"]))] if m],
                      "temporary_cap_urban_multiple")
    else:
        n["reasons"] = [{"text": _sentence(case["reason"])}]
        cited = []
    n["bases"] = _dedup([RELIEF, TEMPORARY, TEMPORARY_2018, *cited])
    return n

