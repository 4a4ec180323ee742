"""What `dibao assistance notice` and `dibao assistance publicity` issue: the notices of a roster's assessment
(特困 recognised or ended, 刚性支出 recognised) and of decided 临时救助 cases, numbered in the ledger; and the people
newly recognised as 特困, by village, for the publicity list."""

from __future__ import annotations

from dibao_cli.errors import NotFound, UsageInvalid


def from_assessment(assessment, households, issuer, policy) -> list[dict]:
    """The notices each assessed household calls for; every household asked for must have been assessed."""
    from dibao_cli.assistance import notices as tiered

    seen = {r.household.household_id for r in assessment.results}
    missing = [h for h in households if h not in seen]
    if missing:
        raise NotFound(f"名册中没有这些户（或有错误未核算）：{'、'.join(missing)}。")
    found = []
    for result in assessment.results:
        for kind, subject in tiered.kinds_for_result(result):
            found.append(tiered.from_result(result, kind, subject, issuer, policy))
    return found


def from_cases(ledger, cases, issuer, policy) -> list[dict]:
    """The approval or refusal of each decided 临时救助 case."""
    from dibao_cli.assistance import notices as tiered
    from dibao_cli.assistance.register import case_or_fail

    found = []
    for case_id in cases:
        case = case_or_fail(ledger, case_id)
        if case["status"] == "open":
            raise UsageInvalid(f"临时救助申请 {case_id} 还没有审批，不能出具通知。")
        head = "" if case["person"] else head_of(ledger, case["household_id"])
        found.append(tiered.from_case(case, issuer, policy, head))
    return found


def head_of(ledger, household_id: str) -> str:
    """The head's name of a household as the ledger last recorded it ("" when the household was never imported):
    a case granted to the whole household is addressed to its head."""
    for row in reversed(ledger.history(household_id)):
        if row["household_id"] == household_id and row.get("head_name"):
            return row["head_name"]
    return ""


def number(ledger, notices: list[dict], prefix: str) -> None:
    """Give every notice its 文号, consecutive under `prefix` (nothing to issue is a usage error)."""
    if not notices:
        raise UsageInvalid("没有需要出具的通知（没有新认定或终止的特困人员、新认定的刚性支出困难家庭）。")
    for n, value in zip(notices, ledger.allocate_numbers(prefix, len(notices))):
        n["doc_number"] = f"{prefix}{value}号"


def newly_supported(assessment) -> dict[tuple[str, str], list[str]]:
    """Names of the people newly recognised as 特困, per (township, village)."""
    villages: dict[tuple[str, str], list[str]] = {}
    for result in assessment.results:
        h = result.household
        for d in result.supported:
            if not d.existing:
                villages.setdefault((h.township or "", h.village or ""), []).append(d.member.name or "")
    return villages
