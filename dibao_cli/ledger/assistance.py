"""临时救助 register in the ledger: one row per application, with its decision and payment.

SQL only; the rules (amounts, approving level, warnings) are in dibao_cli/assistance/. Money in integer fen,
dates as ISO text. An application of the same household, person, day and cause is the same application.
"""

from __future__ import annotations

import datetime as _dt

from dibao_cli.ledger.store import Ledger

FIELDS = ("id", "household_id", "person", "person_id", "township", "village", "area_type", "persons", "kind", "severity",
          "cause", "applied_on", "requested_fen", "status", "decided_on", "amount_fen", "level", "reason", "warnings",
          "paid_on", "source")
_SELECT = f"SELECT {', '.join(FIELDS)} FROM assistance_cases"


def _rows(ledger: Ledger, sql: str, params: tuple = ()) -> list[dict]:
    return [dict(zip(FIELDS, row)) for row in ledger.db.execute(sql, params).fetchall()]


def find(ledger: Ledger, household_id: str, person: str, applied_on: str, cause: str) -> dict | None:
    rows = _rows(ledger, f"{_SELECT} WHERE household_id = ? AND person = ? AND applied_on = ? AND cause = ?",
                 (household_id, person, applied_on, cause))
    return rows[0] if rows else None


def get(ledger: Ledger, case_id: int) -> dict | None:
    rows = _rows(ledger, f"{_SELECT} WHERE id = ?", (case_id,))
    return rows[0] if rows else None


def insert(ledger: Ledger, case: dict) -> tuple[int, bool]:
    """(id, created); an application already registered is not written again."""
    with ledger.transaction() as db:
        row = db.execute("SELECT id FROM assistance_cases WHERE household_id = ? AND person = ? AND applied_on = ? "
                         "AND cause = ?", (case["household_id"], case["person"], case["applied_on"], case["cause"])).fetchone()
        if row:
            return row[0], False
        cursor = db.execute(
            "INSERT INTO assistance_cases (household_id, person, person_id, township, village, area_type, persons, kind, "
            "severity, cause, applied_on, requested_fen, status, decided_on, amount_fen, level, reason, warnings, paid_on, "
            "source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, NULL, NULL, '', '', NULL, ?, ?)",
            (case["household_id"], case["person"], case["person_id"], case["township"], case["village"],
             case["area_type"], case["persons"], case["kind"], case["severity"], case["cause"], case["applied_on"],
             case["requested_fen"], case["source"], _dt.datetime.now().isoformat(timespec="seconds")))
        return cursor.lastrowid, True


def decide(ledger: Ledger, case_id: int, status: str, decided_on: str, amount_fen: int | None, level: str | None,
           reason: str, warnings: str) -> None:
    with ledger.transaction() as db:
        db.execute("UPDATE assistance_cases SET status = ?, decided_on = ?, amount_fen = ?, level = ?, reason = ?, "
                   "warnings = ? WHERE id = ?", (status, decided_on, amount_fen, level, reason, warnings, case_id))


def pay(ledger: Ledger, case_id: int, paid_on: str) -> None:
    with ledger.transaction() as db:
        db.execute("UPDATE assistance_cases SET paid_on = ? WHERE id = ?", (paid_on, case_id))


def approved_in_year(ledger: Ledger, household_id: str, year: int, excluding: int | None = None) -> list[dict]:
    """The household's approved cases decided in a calendar year (for the yearly total and repeated causes)."""
    return _rows(ledger, f"{_SELECT} WHERE household_id = ? AND status = 'approved' AND decided_on >= ? AND decided_on <= ? "
                         "AND id != ? ORDER BY decided_on, id",
                 (household_id, f"{year:04d}-01-01", f"{year:04d}-12-31", excluding if excluding is not None else -1))


def cases(ledger: Ledger, start: str | None = None, end: str | None = None, status: str | None = None) -> list[dict]:
    """Cases applied for or decided between two ISO dates (inclusive), optionally of one status."""
    where, params = [], []
    if start is not None:
        where.append("(COALESCE(decided_on, applied_on) >= ?)")
        params.append(start)
    if end is not None:
        where.append("(COALESCE(decided_on, applied_on) <= ?)")
        params.append(end)
    if status is not None:
        where.append("status = ?")
        params.append(status)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return _rows(ledger, f"{_SELECT}{clause} ORDER BY applied_on, id", tuple(params))


def totals_by_kind(ledger: Ledger, start: str, end: str) -> dict[str, dict]:
    """Approved cases decided between two ISO dates: cases, persons and money (fen) per type, each case once."""
    out: dict[str, dict] = {}
    for kind, n, persons, fen in ledger.db.execute(
            "SELECT kind, COUNT(*), SUM(persons), SUM(amount_fen) FROM assistance_cases WHERE status = 'approved' "
            "AND decided_on >= ? AND decided_on <= ? GROUP BY kind ORDER BY kind", (start, end)).fetchall():
        out[kind] = {"cases": n, "persons": persons or 0, "amount_fen": fen or 0}
    return out


# ---------------------------------------------------------------- 特困 persons of a ledger month
def tekun_rows(import_id: int, result) -> list[tuple]:
    """The 特困 persons a month's assessment supports, as rows of assistance_tekun (amounts in fen)."""
    h = result.household
    return [(import_id, h.household_id, h.township, d.member.id_number, d.member.name, d.mode, d.care_level,
             int(d.basic * 100), int(d.care * 100)) for d in result.supported]


def store_tekun(db, rows: list[tuple]) -> None:
    db.executemany("INSERT INTO assistance_tekun (import_id, household_id, township, id_number, name, mode, care_level, "
                   "basic_fen, care_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def tekun_ids(ledger: Ledger, month: str) -> frozenset:
    """ID numbers of the people supported as 特困 in a ledger month."""
    return frozenset(p["id_number"] for p in tekun_of(ledger, month))


def tekun_of(ledger: Ledger, month: str) -> list[dict]:
    keys = ("household_id", "township", "id_number", "name", "mode", "care_level", "basic_fen", "care_fen")
    return [dict(zip(keys, row)) for row in ledger.db.execute(
        "SELECT t.household_id, t.township, t.id_number, t.name, t.mode, t.care_level, t.basic_fen, t.care_fen "
        "FROM assistance_tekun t JOIN imports i ON i.id = t.import_id WHERE i.month = ? AND i.superseded_by IS NULL "
        "ORDER BY t.household_id, t.id_number", (month,)).fetchall()]
