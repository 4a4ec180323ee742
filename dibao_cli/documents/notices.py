"""Notices to households (民发〔2021〕57号 and domain.md §9): approval, refusal, phase-out, termination, change.

A notice is a plain dict of what the templates show; the wording lives in the templates (HTML and Word),
which a bureau may copy and edit. Every adverse notice carries the appeal route.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass
from decimal import Decimal

from dibao_cli import money
from dibao_cli.assessment import STATUS_LABEL, HouseholdResult
from dibao_cli.rules.phase_out import add_months

KINDS = {
    "approval": "最低生活保障审批（确认）通知书",
    "refusal": "最低生活保障不予批准告知书",
    "phase-out": "最低生活保障渐退告知书",
    "termination": "最低生活保障停保（终止）通知书",
    "change": "最低生活保障金变更（增减发）通知书",
}
FILE_LABEL = {"approval": "审批通知书", "refusal": "不予批准告知书", "phase-out": "渐退告知书",
              "termination": "停保通知书", "change": "变更通知书"}
COVERED_STATES = ("低保", "渐退期", "单人户")
ALLOWED = {
    "approval": ("dibao", "single_person"),
    "refusal": ("ineligible", "marginal"),
    "phase-out": ("phase_out",),
    "termination": ("exit", "ineligible", "marginal"),
    "change": ("dibao", "single_person"),
}


@dataclass
class Issuer:
    bureau: str
    review_body: str
    prefix: str
    day: _dt.date
    phone: str = ""


def cn_date(day: _dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month(day: _dt.date) -> str:
    return f"{day.year}年{day.month}月"


def auto_kind(result: HouseholdResult) -> str | None:
    """The notice a result calls for, or None when nothing changed for the household."""
    state = result.household.state
    covered_before = state in COVERED_STATES
    status = result.status
    if status in ("dibao", "single_person"):
        if not covered_before:
            return "approval"
        if any(f.code == "amount_changed" for f in result.flags):
            return "change"
        return None
    if status == "phase_out":
        return "phase-out" if state != "渐退期" else None
    if status == "exit":
        return "termination"
    return "termination" if covered_before else "refusal"


def _money(value) -> str:
    return money.yuan(value)


def notice_from_result(result: HouseholdResult, kind: str, issuer: Issuer, number: str) -> dict:
    """Everything a notice shows, from an assessment result."""
    h = result.household
    start_month = add_months(issuer.day.replace(day=1), 1)
    old = Decimal(h.current_benefit) / 100 if h.current_benefit is not None else None
    decrease = kind == "change" and old is not None and result.total < old
    b = result.breakdown  # the parts as shown add up to the total
    return {
        "kind": kind, "title": KINDS[kind], "doc_number": number, "bureau": issuer.bureau,
        "issued_on": cn_date(issuer.day), "household_id": h.household_id, "head_name": h.head_label or "",
        "township": h.township or "", "village": h.village or "", "area_type": result.area_type,
        "members": len(result.members),
        "covered": len(result.covered) if result.status in ("dibao", "single_person", "phase_out") else 0,
        "per_capita": _money(result.per_capita), "standard": _money(result.monthly_standard),
        "total": _money(result.total) if result.benefit_known else "",
        "differential": money.fen_text(b.differential) if b else _money(result.differential),
        "classified": money.fen_text(b.classified) if b else _money(result.classified),
        "breakdown": b.text() if b else "", "old_amount": _money(old) if old is not None else "",
        "start_month": cn_month(start_month), "status_label": STATUS_LABEL[result.status],
        "phase_out_start": cn_date(result.phase_out_start) if result.phase_out_start else "",
        "phase_out_end": cn_date(result.phase_out_end) if result.phase_out_end else "",
        "singles": [{"name": s.member.name, "ground": s.ground, "total": _money(s.total)} for s in result.singles],
        "reasons": [{"text": r.text, "basis": r.basis} for r in result.reasons],
        "appeal": kind in ("refusal", "phase-out", "termination") or decrease,
        "review_body": issuer.review_body, "phone": issuer.phone,
    }


def notice_from_ledger(row, kind: str, issuer: Issuer, number: str, old_fen: int | None) -> dict:
    """The same notice from a ledger month (`dibao notice --month`)."""
    reasons = json.loads(row["reasons"]) if row["reasons"].startswith("[") else []
    start_month = add_months(issuer.day.replace(day=1), 1)
    total = Decimal(row["total_fen"] or 0) / 100
    old = Decimal(old_fen) / 100 if old_fen is not None else None
    per_capita = Decimal(row["per_capita"])

    def day(text):
        return cn_date(_dt.date.fromisoformat(text)) if text else ""

    standard = next((r["text"] for r in reasons if r["code"] in ("below_standard", "above_standard")), "")
    return {
        "kind": kind, "title": KINDS[kind], "doc_number": number, "bureau": issuer.bureau,
        "issued_on": cn_date(issuer.day), "household_id": row["household_id"], "head_name": row["head_name"] or "",
        "township": row["township"] or "", "village": row["village"] or "", "area_type": row["area_type"],
        "members": row["members"], "covered": row["covered"], "per_capita": _money(per_capita),
        "standard": _standard_from(standard), "total": _money(total),
        "differential": money.fen_text(row["differential_fen"]), "classified": money.fen_text(row["classified_fen"]),
        "breakdown": (money.breakdown_fen(row["differential_fen"], row["classified_fen"], row["total_fen"]).text()
                      if row["total_fen"] is not None and row["status"] in ("dibao", "single_person") else ""),
        "old_amount": _money(old) if old is not None else "",
        "start_month": cn_month(start_month), "status_label": STATUS_LABEL.get(row["status"], row["status"]),
        "phase_out_start": day(row["phase_out_start"]), "phase_out_end": day(row["phase_out_end"]),
        "singles": [], "reasons": [{"text": r["text"], "basis": r["basis"]} for r in reasons],
        "appeal": kind in ("refusal", "phase-out", "termination") or (kind == "change" and old is not None and total < old),
        "review_body": issuer.review_body, "phone": issuer.phone,
    }


def _standard_from(text: str) -> str:
    import re

    m = re.search(r"低保标准 ([\d,]+\.\d\d) 元", text)
    return m.group(1) if m else ""


def safe_name(text: str) -> str:
    """A file name safe on Windows and inside the output folder (no separators, no reserved names)."""
    import re

    name = re.sub(r"[^\w\u4e00-\u9fff\-]+", "_", text).strip("._ ") or "未命名"
    if name.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        name = "_" + name
    return name[:80]
