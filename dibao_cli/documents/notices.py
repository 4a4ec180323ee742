"""Notices to households (民发〔2021〕57号): approval, refusal, 低保边缘 recognition, phase-out, termination, change.

A notice is a plain dict of what the templates show; the wording lives in the templates (HTML and Word),
which a bureau may copy and edit. Every adverse notice carries the appeal route. What a notice says about a
household (`Facts`, from an assessment result or a ledger month) is gathered in documents/facts.py.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from dibao_cli import money
from dibao_cli.assess.household import HouseholdResult
from dibao_cli.documents.facts import Facts, facts_from_ledger, facts_from_result, standard_from
from dibao_cli.rules.phase_out import add_months
from dibao_cli.status import COVERED_STATES, ENDED, EXIT, MARGINAL, NOT_COVERED, PHASE_OUT, STATE_PHASE_OUT, WHOLE_OR_SINGLE
from dibao_cli.status import TEKUN as TEKUN_STATUS
from dibao_cli.status import LABEL as STATUS_LABEL

KINDS = {
    "approval": "最低生活保障审批（确认）通知书",
    "refusal": "最低生活保障不予批准告知书",
    "marginal": "低保边缘家庭认定告知书",
    "phase-out": "最低生活保障渐退告知书",
    "termination": "最低生活保障停保（终止）通知书",
    "change": "最低生活保障金变更（增减发）通知书",
}
FILE_LABEL = {"approval": "审批通知书", "refusal": "不予批准告知书", "marginal": "低保边缘认定告知书",
              "phase-out": "渐退告知书", "termination": "停保通知书", "change": "变更通知书"}
ALLOWED = {
    "approval": WHOLE_OR_SINGLE,
    "refusal": NOT_COVERED,
    "marginal": (MARGINAL,),
    "phase-out": (PHASE_OUT,),
    "termination": ENDED,
    "change": WHOLE_OR_SINGLE,
}
ADVERSE = ("refusal", "marginal", "phase-out", "termination")
PUBLICITY_DAYS = 7

# Public documents a notice may cite (name and 文号); the figures' own citations come from the policy file.
RELIEF = "《社会救助暂行办法》（国务院令第649号）"
MEASURES = "《最低生活保障审核确认办法》（民发〔2021〕57号）"
TEKUN = "《特困人员认定办法》（民发〔2021〕43号）"
LOW_INCOME = "《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》（国办发〔2023〕39号）"
PROPERTY_PARAMS = {"property_deposits": "deposit_limit_months", "property_vehicles": "max_vehicles",
                   "property_homes": "max_homes", "property_business": "business_allowed"}


@dataclass
class Issuer:
    bureau: str
    review_body: str
    prefix: str
    day: _dt.date
    phone: str = ""
    publicity_from: _dt.date | None = None  # start of the 公示 that approvals follow (default: `day`)
    publicity_days: int = PUBLICITY_DAYS  # the policy's publicity_days

    @property
    def publicity_end(self) -> _dt.date:
        return (self.publicity_from or self.day) + _dt.timedelta(days=self.publicity_days - 1)

    def issued_on(self, kind: str) -> _dt.date:
        """The date on a notice: an approval comes after the publicity period it followed (民发〔2021〕57号)."""
        if kind == "approval":
            return max(self.day, self.publicity_end + _dt.timedelta(days=1))
        return self.day


def cn_date(day: _dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month(day: _dt.date) -> str:
    return f"{day.year}年{day.month}月"


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def cn_dates(text: str) -> str:
    """ISO dates inside a text written the Chinese way (2026-11-30 -> 2026年11月30日)."""
    return _ISO.sub(lambda m: f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日", text)


def auto_kind(result: HouseholdResult) -> str | None:
    """The notice a result calls for, or None when nothing changed for the household."""
    state = result.household.state
    covered_before = state in COVERED_STATES
    status = result.status
    if status in WHOLE_OR_SINGLE:
        if not covered_before:
            return "approval"
        if any(f.code == "amount_changed" for f in result.flags):
            return "change"
        return None
    if status == PHASE_OUT:
        # only a household entering its phase-out now; one already in it was told when it began
        entering = state != STATE_PHASE_OUT and result.household.get("phase_out_start") is None
        return "phase-out" if entering else None
    if status == EXIT:
        return "termination"
    if status == TEKUN_STATUS:
        return None  # 低保 -> 特困 is a 转类: the 特困供养审批通知书 (dibao assistance notice) says it
    if covered_before:
        return "termination"
    return "marginal" if status == MARGINAL else "refusal"


def _money(value) -> str:
    return money.yuan(value)


def _reason_text(code: str, text: str) -> str:
    """What the household reads for a reason: no instruction to staff, dates written the Chinese way."""
    text = cn_dates(text)
    if code == "phase_out_ended":
        return text.split("：")[0].replace("已满，收入仍不低于标准", "已满，家庭月人均收入仍不低于当地低保标准")
    if code == "phase_out":
        head, _, rest = text.partition("：")
        period = rest.split("，")[0]
        return f"{'自本月起进入渐退期' if head.startswith('本次') else '仍在渐退期内'}，渐退期为 {period}，期间按原金额发放"
    if code == "phase_out_back":
        return "渐退期内家庭月人均收入又低于当地低保标准，恢复正常保障"
    if code == "marginal":
        return text.replace("：低保边缘家庭", "，属于低保边缘家庭")
    if code == "above_marginal":
        return text.replace("：不符合", "")
    if code == "all_tekun":
        return "共同生活的家庭成员均已纳入特困人员救助供养，不再纳入最低生活保障"
    if code == "property_vehicles":
        return text.replace("，超过上限 0 辆", "（按规定家庭不得有机动车辆）")
    return text


def _reason_basis(code: str, policy, area_type: str) -> list[str]:
    """The public documents behind a reason: national documents, and the policy file's printable citations."""
    def cite(name):
        return policy.citation(name) if policy is not None else ""

    if code in ("below_standard", "above_standard", "above_marginal"):
        return [MEASURES, cite("urban_standard_monthly" if area_type == "城市" else "rural_standard_annual")]
    if code in PROPERTY_PARAMS:
        return [MEASURES, cite(PROPERTY_PARAMS[code])]
    if code in ("phase_out", "phase_out_ended", "phase_out_back"):
        return [cite("phase_out_months")]
    if code == "marginal":
        return [LOW_INCOME, cite("marginal_multiplier")]
    if code in ("single_person", "single_person_income"):
        return [cite("single_person_disability_grades")]
    if code == "all_tekun":
        return [TEKUN]
    return [MEASURES]


def _reasons(pairs, policy, area_type: str) -> tuple[list[dict], list[str]]:
    """(reasons as printed, every citation once in order)."""
    reasons, bases = [], [RELIEF, MEASURES]
    for code, text in pairs:
        cites = [c for c in _reason_basis(code, policy, area_type) if c]
        reasons.append({"text": _reason_text(code, text), "basis": "；".join(cites), "code": code})
        bases.extend(cites)
    return reasons, list(dict.fromkeys(b for b in bases if b))


def _benefit_bases(policy, minimum_applied: bool) -> list[str]:
    if policy is None:
        return []
    out = [policy.citation("classified_share"), policy.citation("rounding")]
    if minimum_applied:
        out.append(policy.citation("minimum_monthly_benefit"))
    return out


def _ground(kind: str, codes: list[str]) -> str:
    """In one phrase, why a termination or refusal: what the household must understand first."""
    if kind not in ("termination", "refusal"):
        return ""
    if "all_tekun" in codes:
        return "共同生活的家庭成员均已纳入特困人员救助供养"
    if "phase_out_ended" in codes:
        return "渐退期已满，家庭月人均收入仍不低于当地低保标准"
    if any(c in PROPERTY_PARAMS for c in codes):
        return "家庭财产状况不符合规定"
    if any(c in ("above_standard", "above_marginal", "marginal") for c in codes):
        return "家庭月人均收入不低于当地低保标准"
    return "经核查不符合最低生活保障条件"


def _base(kind, issuer, number, *, household_id, head_name, township, village, area_type) -> dict:
    day = issuer.issued_on(kind)
    start = issuer.publicity_from or issuer.day
    return {"kind": kind, "title": KINDS[kind], "doc_number": number, "bureau": issuer.bureau,
            "issued_on": cn_date(day), "household_id": household_id, "head_name": head_name or "",
            "township": township or "", "village": village or "", "area_type": area_type or "",
            "start_month": cn_month(add_months(day.replace(day=1), 1)), "review_body": issuer.review_body,
            "phone": issuer.phone, "appeal": kind in ADVERSE, "changes": [], "assistance": [], "ground": "",
            "marginal_line": "", "bases": [], "breakdown": "",
            "publicity_period": f"{cn_date(start)}至{cn_date(issuer.publicity_end)}" if kind == "approval" else ""}


def notice(facts: Facts, kind: str, issuer: Issuer, number: str, policy=None, previous=None, ground: str = "") -> dict:
    """Everything a notice shows (`policy`: the PolicyAt the household was assessed with; `previous`: the
    household's row in the ledger's latest earlier month, for what changed; `ground`: a termination for a
    household gone from the roster (death, moved away), the clerk having checked why)."""
    f = facts
    n = _base(kind, issuer, number, household_id=f.household_id, head_name=f.head_name, township=f.township,
              village=f.village, area_type=f.area_type)
    reasons, bases = _reasons(f.reasons, policy, f.area_type)
    n.update({
        "members": f.members, "covered": f.covered, "per_capita": _money(f.per_capita), "standard": f.standard,
        "total": _money(f.total) if f.total_known else "", "differential": f.differential, "classified": f.classified,
        "breakdown": f.breakdown, "old_amount": _money(f.old) if f.old is not None else "",
        "status_label": STATUS_LABEL.get(f.status, ""),
        "phase_out_start": cn_date(f.phase_out_start) if f.phase_out_start else "",
        "phase_out_end": cn_date(f.phase_out_end) if f.phase_out_end else "",
        "singles": f.singles, "reasons": reasons, "ground": _ground(kind, [c for c, _ in f.reasons]),
    })
    if ground:
        n.update(ground=ground, reasons=[{"text": ground, "basis": MEASURES, "code": "gone"}])
        bases = [RELIEF, MEASURES]
    if kind in ("approval", "change"):
        bases += _benefit_bases(policy, f.minimum_applied)
    if kind == "change":
        n["appeal"] = f.old is not None and f.total < f.old
        n["changes"] = _changes(previous, n)  # the amount itself is in the notice's first sentence
    if kind == "marginal" or (kind == "termination" and f.low_now):
        # a household leaving 低保 for 低保边缘 is told what it can still apply for
        if policy is not None:
            bases += [LOW_INCOME, policy.citation("marginal_multiplier"), policy.citation("marginal_assistance")]
        n["assistance"] = list(policy.marginal_assistance) if policy is not None else []
        n["marginal_line"] = f.marginal_line
    n["bases"] = list(dict.fromkeys(b for b in bases if b))
    return n


def notice_from_result(result: HouseholdResult, kind: str, issuer: Issuer, number: str, policy=None,
                       previous=None) -> dict:
    """A notice from an assessment result (see `notice`)."""
    return notice(facts_from_result(result, policy), kind, issuer, number, policy, previous)


def notice_from_ledger(row, kind: str, issuer: Issuer, number: str, old_fen: int | None, policy=None,
                       previous=None, ground: str = "") -> dict:
    """The same notice from a ledger month (`dibao notice --month`); `previous` is last month's row; with
    `ground`, `row` is the household's last row."""
    return notice(facts_from_ledger(row, old_fen, policy), kind, issuer, number, policy, previous, ground)


def _changes(previous, n: dict) -> list[dict]:
    """What changed since the ledger's previous month: income, members, covered members, the standard."""
    if previous is None:
        return []
    before_std = standard_from(previous, json.loads(previous["reasons"]) if previous["reasons"].startswith("[") else [])
    changes = []
    for item, a, b in (("家庭月人均收入", f"{_money(Decimal(previous['per_capita']))} 元", f"{n['per_capita']} 元"),
                       ("家庭共同生活人口", f"{previous['members']} 人", f"{n['members']} 人"),
                       ("保障人数", f"{previous['covered']} 人", f"{n['covered']} 人"),
                       (f"当地{n['area_type']}低保标准", f"{before_std} 元/人·月", f"{n['standard']} 元/人·月")):
        if a != b and (before_std and n["standard"] or not item.startswith("当地")):
            changes.append({"item": item, "before": a, "after": b})
    return changes


def safe_name(text: str) -> str:
    """A file name safe on Windows and inside the output folder (no separators, no reserved names)."""
    name = re.sub(r"[^\w\u4e00-\u9fff\-]+", "_", text).strip("._ ") or "未命名"
    if name.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                                      *(f"LPT{i}" for i in range(1, 10))}:
        name = "_" + name
    return name[:80]


def disappeared_csv(rows) -> bytes:
    """The households on last month's roster that this month's roster lacks: a list for the clerk to resolve."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["户编号", "乡镇", "村(社区)", "户主", "上月认定", "上月月保障金(元)", "核实结果（死亡/迁出/漏报/其他）",
                     "处理（停保并书面告知/补报）", "核实人", "核实日期"])
    for row in rows:
        total = row["total_fen"]
        writer.writerow([row["household_id"], row["township"] or "", row["village"] or "", row["head_name"] or "",
                         STATUS_LABEL.get(row["status"], ""), "" if total is None else money.fen_yuan(total, grouping=False),
                         "", "", "", ""])
    return buffer.getvalue().encode("utf-8-sig")
