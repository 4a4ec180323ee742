"""What a notice says about one household (`Facts`), from an assessment result or from a ledger month.

A ledger month is read back as the assessment stored it: the amounts in fen, the reasons' texts (members covered
as 单人户, the 边缘 line and, for rows stored by an earlier dibao, the standard are read from those texts).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from dibao_cli import money
from dibao_cli.assess.household import HouseholdResult
from dibao_cli.status import COVERED, EXIT, SINGLE_PERSON, WHOLE_OR_SINGLE

_money = money.yuan


@dataclass
class Facts:
    """What a notice says about one household, from an assessment result or from a ledger month; one builder
    (`notice`) words every notice from these, so a notice reads the same whichever source it came from."""

    household_id: str
    head_name: str | None
    township: str | None
    village: str | None
    area_type: str | None
    members: int
    covered: int
    per_capita: Decimal  # yuan a month, exact
    standard: str  # the monthly standard as shown
    total: Decimal  # yuan a month (0 when not known)
    total_known: bool
    differential: str  # as shown
    classified: str
    breakdown: str  # the parts as shown, adding up to the total ("" when the total is not built from parts)
    old: Decimal | None  # the amount paid before, yuan a month
    status: str
    phase_out_start: _dt.date | None
    phase_out_end: _dt.date | None
    reasons: list[tuple[str, str]]  # (code, text), as recorded by the assessment
    singles: list[dict] = field(default_factory=list)
    minimum_applied: bool = False
    marginal_line: str = ""  # 边缘 line as shown, when known
    low_now: bool = False  # a household leaving 低保 whose income is still below the 边缘 line


def facts_from_result(result: HouseholdResult, policy=None) -> Facts:
    """The facts of an assessment result: figures, parts and reasons as the assessment recorded them."""
    h = result.household
    covered = result.status in COVERED
    b = result.breakdown  # the parts as shown add up to the total
    line = result.monthly_standard * policy.marginal_multiplier if policy is not None else None
    return Facts(
        h.household_id, h.head_label, h.township, h.village, result.area_type, len(result.members),
        len(result.covered) if covered else 0, result.per_capita, _money(result.monthly_standard), result.total,
        result.benefit_known, money.fen_text(b.differential) if b else _money(result.differential),
        money.fen_text(b.classified) if b else _money(result.classified), b.text() if b else "",
        Decimal(h.current_benefit) / 100 if h.current_benefit is not None else None, result.status,
        result.phase_out_start, result.phase_out_end, [(r.code, r.text) for r in result.reasons],
        [{"name": s.member.name, "ground": s.ground, "total": _money(s.total)} for s in result.singles],
        result.minimum_applied, _money(line) if line is not None else "",
        result.status == EXIT and line is not None and result.per_capita < line)  # phase-out over, still low


# "周明（肢体一级残疾）按单人户纳入：本人月收入 0.00 元，差额 400.00 + 分类施保 60.00 = 460.00 元/月"
# (a ground may hold its own brackets: "陈浩（在校大学生（本科））按单人户纳入：…")
_SINGLE = re.compile(r"^(?P<name>[^（：]+)（(?P<ground>(?:[^（）]|（[^（）]*）)*)）按单人户纳入：.*= (?P<total>[\d,]+\.\d\d) 元/月$")


def _singles_from(stored: list[dict]) -> list[dict]:
    """The members covered as 单人户, as the assessment recorded them (name, ground, monthly amount)."""
    found = (_SINGLE.match(r["text"]) for r in stored if r["code"] == "single_person")
    return [{"name": m["name"], "ground": m["ground"], "total": m["total"]} for m in found if m]


def _ledger_breakdown(row, policy) -> str:
    """The stored parts as shown. The ledger keeps the rounding and a minimum top-up as one adjustment; it is
    called 取整 when no top-up can be in it (the amount went down, or 差额 + 分类施保 reach the minimum)."""
    d, c, total = row["differential_fen"], row["classified_fen"], row["total_fen"]
    parts = money.breakdown_fen(d, c, total)
    minimum = getattr(policy, "minimum_monthly_benefit", None) if policy is not None else None
    if parts.rounding < 0 or (minimum is not None and d + c >= Decimal(minimum) * 100):
        parts = parts._replace(rounding_label="取整")
    return parts.text()


def _standard_of(policy, area_type: str | None) -> str:
    """The monthly standard in force, as shown ("" without a policy)."""
    if policy is None or not area_type:
        return ""
    return _money(Decimal(policy.annual_standard_fen(area_type)) / 1200)


def facts_from_ledger(row, old_fen: int | None, policy=None) -> Facts:
    """The facts of a ledger month (the amounts as stored; the reasons as the assessment recorded them). A row
    stored by an earlier dibao without the standard, of a household refused for its property (no reason states
    the standard), shows the standard of `policy`."""
    stored = json.loads(row["reasons"]) if row["reasons"].startswith("[") else []
    known = row["total_fen"] is not None and row["status"] in WHOLE_OR_SINGLE

    def day(text):
        return _dt.date.fromisoformat(text) if text else None

    return Facts(
        row["household_id"], row["head_name"], row["township"], row["village"], row["area_type"], row["members"],
        row["covered"], Decimal(row["per_capita"]), standard_from(row, stored) or _standard_of(policy, row["area_type"]),
        Decimal(row["total_fen"] or 0) / 100, True,
        money.fen_text(row["differential_fen"]), money.fen_text(row["classified_fen"]),
        _ledger_breakdown(row, policy) if known else "",
        Decimal(old_fen) / 100 if old_fen is not None else None, row["status"], day(row["phase_out_start"]),
        day(row["phase_out_end"]), [(r["code"], r["text"]) for r in stored],
        _singles_from(stored) if row["status"] == SINGLE_PERSON else [], marginal_line=marginal_line_from(row, stored))


def marginal_line_from(row, reasons: list[dict]) -> str:
    """The 低保边缘 line a marginal household's income was compared to, as the ledger stores it (fen); a row
    stored by an earlier dibao has none, and then the line is read from the reason that states it."""
    stored = row["marginal_line_fen"] if "marginal_line_fen" in row.keys() else None
    if stored is not None:
        return money.fen_text(stored)
    m = re.search(r"倍（([\d,]+\.\d\d) 元）", next((r["text"] for r in reasons if r["code"] == "marginal"), ""))
    return m.group(1) if m else ""


def standard_from(row, reasons: list[dict]) -> str:
    """The monthly standard the household's income was compared to, as the ledger stores it (fen); a row
    stored by an earlier dibao has none, and then the standard is read from the reason that states it."""
    stored = row["standard_fen"] if "standard_fen" in row.keys() else None
    if stored is not None:
        return money.fen_text(stored)
    text = next((r["text"] for r in reasons if r["code"] in ("below_standard", "above_standard", "above_marginal",
                                                              "marginal")), "")
    m = re.search(r"低保标准 ([\d,]+\.\d\d) 元", text)
    return m.group(1) if m else ""
