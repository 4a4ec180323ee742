"""Which notices a run issues: chosen from a roster's assessment or from a month in the ledger, for the households
asked for, of the kind asked for (or the kind each household's result calls for). Numbers are not given here:
they are given when the notices are written (dibao_cli.documents.workflow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from dibao_cli.errors import NotFound, UsageInvalid

GROUNDS = {"死亡": "你户保障对象已死亡", "迁出": "你户已迁出本县（区）"}

IssuerFor = Callable[[str, str], object]  # (household_id, kind) -> the issuer of that household's notice


@dataclass
class Selection:
    """The notices to issue (numbers not yet given), messages about households skipped, and the households that
    were covered last month and are gone from this month's roster (ledger runs only)."""

    notices: list[dict]
    skipped: list[str]
    gone: list[dict] = field(default_factory=list)


def refuse_unknown(only: set[str] | None, known: set, where: str) -> None:
    """--household naming a household that is not there: exit 6 with its number, never "nothing to issue"."""
    missing = sorted(only - known) if only else []
    if missing:
        raise NotFound(f"{where}中没有户编号为“{'”“'.join(missing[:10])}”的户" + ("等" if len(missing) > 10 else "")
                       + "。请核对 --household 的户编号。")


def from_assessment(ledger, assessment, policy, day, kind: str, only: set[str] | None, where: str,
                    issuer_for: IssuerFor) -> Selection:
    """Notices for a roster's assessment; a change notice compares with the last month imported before the
    assessment day (when the ledger has one)."""
    from dibao_cli.documents.issue import choose
    from dibao_cli.documents.issue import notice_from_result

    refuse_unknown(only, {r.household.household_id for r in assessment.results}
                   | {h.household_id for h, _ in assessment.left_out}, where)
    chosen, skipped = choose(assessment.results, kind, only)
    last = ledger.latest_month(before=f"{day:%Y-%m}") if any(k == "change" for _, k in chosen) else None
    earlier = ledger.households_of(last) if last else {}  # for what changed since the last imported month
    notices = [notice_from_result(r, k, issuer_for(r.household.household_id, k), "", policy,
                                  earlier.get(r.household.household_id) if k == "change" else None)
               for r, k in chosen]
    return Selection(notices, skipped)


def from_ledger(ledger, month: str, policy, issuer, kind: str, only: set[str] | None, ground: str | None,
                issuer_for: IssuerFor) -> Selection:
    """Notices for a month in the ledger: by each household's events (kind "auto") or of one kind; with `ground`
    (死亡, 迁出), termination notices for the households in `only` that were covered last month and are gone."""
    from dibao_cli.documents.issue import ledger_kind
    from dibao_cli.documents.issue import notice_from_ledger

    rows = ledger.households_of(month)
    before_month = ledger.latest_month(before=month)
    before = ledger.households_of(before_month) if before_month else {}
    events = ledger.events_of(month)
    refuse_unknown(only, set(rows) | set(before), f"台账 {month} 月及上月")
    chosen = []
    gone = [before[hid] for hid, kinds in events.items() if "disappeared" in kinds and hid in before
            and (only is None or hid in only)]
    for hid, row in rows.items():
        if only is not None and hid not in only or ground:
            continue
        wanted = ledger_kind(row, events.get(hid, []), before.get(hid)) if kind == "auto" else kind
        if wanted is not None:
            chosen.append((row, wanted))
    if ground:  # households the clerk has checked: gone from the roster because of death or moving away
        unknown = sorted(only - {r["household_id"] for r in gone})
        if unknown:
            raise UsageInvalid(f"{'、'.join(unknown)} 不是上月在册、{month} 名册中没有的户，不能用 --ground 出停保通知书。")
        notices = [notice_from_ledger(r, "termination", issuer, "", None, policy, None, ground=GROUNDS[ground])
                   for r in gone]
        return Selection(notices, [])
    notices = []
    for row, wanted in chosen:
        previous = before.get(row["household_id"])
        notices.append(notice_from_ledger(row, wanted, issuer_for(row["household_id"], wanted), "",
                                          previous["total_fen"] if previous else None, policy, previous))
    return Selection(notices, [], gone)


def approval_dates(notices: list[dict]) -> dict[tuple, int]:
    """Approval notices counted by (date signed, publicity period, first month paid)."""
    groups: dict[tuple, int] = {}
    for n in notices:
        if n["kind"] == "approval":
            key = (n["issued_on"], n["publicity_period"], n["start_month"])
            groups[key] = groups.get(key, 0) + 1
    return groups


def counts_by_title(notices: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for n in notices:
        counts[n["title"]] = counts.get(n["title"], 0) + 1
    return counts
