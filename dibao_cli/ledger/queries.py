"""Reads of the ledger for reports and documents: every SELECT the statistics and the notices need.

Functions take an open `Ledger` and return plain tuples, lists and dicts; the callers (documents/statistics,
assistance/statistics, the notice issuer) hold no SQL. The covered statuses come from dibao_cli.status.
"""

from __future__ import annotations

from dibao_cli.status import COVERED_SQL

ACTIVE = "i.superseded_by IS NULL"


def covered_members(ledger, month: str) -> list[tuple]:
    """(household, male, birth, disability grade, labour) of every covered person of `month`."""
    return ledger.db.execute(
        "SELECT m.household_id, m.male, m.birth, m.disability_grade, m.labour FROM members m "
        f"JOIN imports i ON i.id = m.import_id WHERE i.month = ? AND {ACTIVE} AND m.covered = 1 "
        "ORDER BY m.household_id, m.seq", (month,)).fetchall()


def paid_by_township_and_area(ledger, first: str, last: str) -> list[tuple]:
    """(township or '', area type or 农村, fen paid) over the covered households of months `first`..`last`."""
    return ledger.db.execute(
        "SELECT COALESCE(h.township, ''), COALESCE(h.area_type, '农村'), SUM(h.total_fen) FROM households h "
        f"JOIN imports i ON i.id = h.import_id WHERE {ACTIVE} AND i.month >= ? AND i.month <= ? "
        f"AND h.status IN {COVERED_SQL} GROUP BY 1, 2 ORDER BY 1, 2", (first, last)).fetchall()


def covered_by_month(ledger, first: str, last: str) -> list[tuple]:
    """(month, covered households, fen paid) for each month `first`..`last` in the ledger."""
    return ledger.db.execute(
        "SELECT i.month, COUNT(*), COALESCE(SUM(h.total_fen), 0) FROM households h JOIN imports i ON i.id = h.import_id "
        f"WHERE {ACTIVE} AND i.month >= ? AND i.month <= ? AND h.status IN {COVERED_SQL} "
        "GROUP BY i.month ORDER BY i.month", (first, last)).fetchall()


def months_between(ledger, first: str, last: str) -> list[str]:
    """The ledger's months from `first` to `last` (e.g. 2026-01 .. 2026-12), oldest first."""
    return [m for (m,) in ledger.db.execute(
        "SELECT DISTINCT month FROM imports WHERE superseded_by IS NULL AND month >= ? AND month <= ? ORDER BY month",
        (first, last)).fetchall()]


def month_totals(ledger, month: str) -> tuple[int, int, int]:
    """(covered households, covered persons, fen paid) of one month."""
    row = ledger.db.execute(
        "SELECT COUNT(*), COALESCE(SUM(h.covered), 0), COALESCE(SUM(h.total_fen), 0) FROM households h "
        f"JOIN imports i ON i.id = h.import_id WHERE i.month = ? AND {ACTIVE} AND h.status IN {COVERED_SQL}",
        (month,)).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def event_kinds(ledger, month: str) -> dict[str, int]:
    """How many events of each kind a month has."""
    return {kind: int(n) for kind, n in ledger.db.execute(
        "SELECT e.kind, COUNT(*) FROM events e JOIN imports i ON i.id = e.import_id "
        f"WHERE i.month = ? AND {ACTIVE} GROUP BY e.kind", (month,)).fetchall()}


def status_count(ledger, month: str, status: str) -> int:
    """Households of a month with one status (e.g. exit: 渐退期满停保)."""
    return int(ledger.db.execute(
        "SELECT COUNT(*) FROM households h JOIN imports i ON i.id = h.import_id WHERE i.month = ? "
        f"AND {ACTIVE} AND h.status = ?", (month, status)).fetchone()[0])


def covered_by_township(ledger, first: str, last: str) -> list[tuple]:
    """(township or '', households covered at least one month, fen paid) over months `first`..`last`."""
    return [(t, int(n), int(f)) for t, n, f in ledger.db.execute(
        "SELECT COALESCE(h.township, ''), COUNT(DISTINCT h.household_id), COALESCE(SUM(h.total_fen), 0) "
        f"FROM households h JOIN imports i ON i.id = h.import_id WHERE {ACTIVE} "
        "AND i.month >= ? AND i.month <= ? "  # a range the month index can serve (LIKE would scan households)
        f"AND h.status IN {COVERED_SQL} GROUP BY 1 ORDER BY 1", (first, last)).fetchall()]


def approved_assistance_days(ledger, first: str, last: str) -> list[str]:
    """Decision days of the 临时救助 approved between `first` and `last` (ISO days, inclusive)."""
    return [d for (d,) in ledger.db.execute(
        "SELECT decided_on FROM assistance_cases WHERE status = 'approved' AND decided_on >= ? AND decided_on <= ?",
        (first, last)).fetchall()]


def publicity_days(ledger, household_id: str) -> list[str]:
    """Days of the 公示 steps recorded for the household's open (else latest) application."""
    from dibao_cli.ledger.casework import latest_application_of, steps_of

    app = latest_application_of(ledger, household_id)
    if app is None:
        return []
    return [s["on_date"] for s in steps_of(ledger, [app["id"]])[app["id"]] if s["step"] == "publicity"]
