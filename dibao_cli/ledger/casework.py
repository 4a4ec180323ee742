"""Casework tables of the ledger: applications and their steps, household visits, signals.

Functions take an open `Ledger` and use its connection; every write runs in the ledger's transaction.
Dates are ISO text. A row that is already there (same household and day, same step and day) is not
written twice, so importing the same sheet again changes nothing.
"""

from __future__ import annotations

import datetime as _dt

from dibao_cli.ledger.store import Ledger

APP_FIELDS = ("id", "household_id", "applicant", "applicant_id", "township", "village", "programmes", "accepted_on",
              "close_relative", "status", "closed_on", "source")
STEP_FIELDS = ("id", "application_id", "step", "on_date", "people", "result", "note", "source")
VISIT_FIELDS = ("id", "household_id", "township", "village", "visited_on", "visitors", "kind", "findings", "outcome",
                "source")
SQLITE_MAX_INT = 2**63 - 1
SIGNAL_FIELDS = ("id", "household_id", "township", "village", "head_name", "member", "origin", "code", "label",
                 "figures", "raised_on", "last_seen", "closed_on", "closed_by")


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


def _rows(ledger: Ledger, sql: str, params: tuple, fields: tuple) -> list[dict]:
    return [dict(zip(fields, row)) for row in ledger.db.execute(sql, params).fetchall()]


# ---------------------------------------------------------------- applications
def find_application(ledger: Ledger, household_id: str, accepted_on: str) -> dict | None:
    rows = _rows(ledger, f"SELECT {', '.join(APP_FIELDS)} FROM case_applications WHERE household_id = ? AND accepted_on = ?",
                 (household_id, accepted_on), APP_FIELDS)
    return rows[0] if rows else None


def insert_application(ledger: Ledger, app: dict) -> tuple[int, bool]:
    """(id, created): an application of the same household accepted the same day is the same application."""
    with ledger.transaction() as db:
        row = db.execute("SELECT id FROM case_applications WHERE household_id = ? AND accepted_on = ?",
                         (app["household_id"], app["accepted_on"])).fetchone()
        if row:
            return row[0], False
        cursor = db.execute(
            "INSERT INTO case_applications (household_id, applicant, applicant_id, township, village, programmes, "
            "accepted_on, close_relative, status, closed_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, ?, ?)",
            (app["household_id"], app["applicant"], app.get("applicant_id") or "", app.get("township") or "",
             app.get("village") or "", app["programmes"], app["accepted_on"], app.get("close_relative") or "",
             app.get("source") or "", _now()))
        return cursor.lastrowid, True


def application(ledger: Ledger, app_id: int) -> dict | None:
    if not 0 < app_id <= SQLITE_MAX_INT:
        return None
    rows = _rows(ledger, f"SELECT {', '.join(APP_FIELDS)} FROM case_applications WHERE id = ?", (app_id,), APP_FIELDS)
    return rows[0] if rows else None


def open_application_of(ledger: Ledger, household_id: str) -> dict | None:
    rows = _rows(ledger, f"SELECT {', '.join(APP_FIELDS)} FROM case_applications WHERE household_id = ? "
                         "AND status = 'open' ORDER BY accepted_on DESC, id DESC", (household_id,), APP_FIELDS)
    return rows[0] if rows else None


def latest_application_of(ledger: Ledger, household_id: str) -> dict | None:
    """The household's open application, else its latest one."""
    found = open_application_of(ledger, household_id)
    if found is not None:
        return found
    rows = _rows(ledger, f"SELECT {', '.join(APP_FIELDS)} FROM case_applications WHERE household_id = ? "
                         "ORDER BY accepted_on DESC, id DESC LIMIT 1", (household_id,), APP_FIELDS)
    return rows[0] if rows else None


def application_for(ledger: Ledger, household_id: str, day: str) -> dict | None:
    """The household's application a step on `day` belongs to: the latest accepted on or before it."""
    rows = _rows(ledger, f"SELECT {', '.join(APP_FIELDS)} FROM case_applications WHERE household_id = ? "
                         "AND accepted_on <= ? ORDER BY accepted_on DESC, id DESC LIMIT 1", (household_id, day), APP_FIELDS)
    return rows[0] if rows else None


def has_step(ledger: Ledger, app_id: int, step: str, day: str) -> bool:
    return ledger.db.execute("SELECT 1 FROM case_steps WHERE application_id = ? AND step = ? AND on_date = ?",
                             (app_id, step, day)).fetchone() is not None


def applications(ledger: Ledger, open_only: bool = True) -> list[dict]:
    where = "WHERE status = 'open' " if open_only else ""
    return _rows(ledger, f"SELECT {', '.join(APP_FIELDS)} FROM case_applications {where}ORDER BY accepted_on, id", (),
                 APP_FIELDS)


def close_application(ledger: Ledger, app_id: int, status: str, on: str) -> None:
    with ledger.transaction() as db:
        db.execute("UPDATE case_applications SET status = ?, closed_on = ? WHERE id = ?", (status, on, app_id))


def insert_step(ledger: Ledger, app_id: int, step: dict) -> bool:
    """False when the same step on the same day is already recorded."""
    with ledger.transaction() as db:
        cursor = db.execute("INSERT OR IGNORE INTO case_steps (application_id, step, on_date, people, result, note, source, "
                            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            (app_id, step["step"], step["on_date"], step.get("people") or "", step.get("result") or "",
                             step.get("note") or "", step.get("source") or "", _now()))
        return cursor.rowcount == 1


def steps_of(ledger: Ledger, app_ids: list[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {i: [] for i in app_ids}
    if not app_ids:
        return out
    marks = ",".join("?" * len(app_ids))
    for row in _rows(ledger, f"SELECT {', '.join(STEP_FIELDS)} FROM case_steps WHERE application_id IN ({marks}) "
                             "ORDER BY on_date, id", tuple(app_ids), STEP_FIELDS):
        out[row["application_id"]].append(row)
    return out


# ---------------------------------------------------------------- visits
MEMBER_FIELDS = ("name", "relation", "male", "birth", "id_number", "labour", "disability_grade")


def household_members(ledger: Ledger, import_id: int, household_id: str) -> list[dict]:
    """The members of a household in one month's roster, in roster order (what a visit sheet is prefilled with)."""
    return _rows(ledger, f"SELECT {', '.join(MEMBER_FIELDS)} FROM members WHERE import_id = ? AND household_id = ? "
                         "ORDER BY seq", (import_id, household_id), MEMBER_FIELDS)


def insert_visit(ledger: Ledger, visit: dict) -> int | None:
    """The new visit's id, or None when a visit of the same kind to the household that day is recorded."""
    with ledger.transaction() as db:
        cursor = db.execute(
            "INSERT OR IGNORE INTO case_visits (household_id, township, village, visited_on, visitors, kind, findings, "
            "outcome, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (visit["household_id"], visit.get("township") or "", visit.get("village") or "", visit["visited_on"],
             visit["visitors"], visit["kind"], visit.get("findings") or "", visit.get("outcome") or "",
             visit.get("source") or "", _now()))
        return cursor.lastrowid if cursor.rowcount == 1 else None


def visits(ledger: Ledger, household_id: str | None = None) -> list[dict]:
    if household_id is None:
        return _rows(ledger, f"SELECT {', '.join(VISIT_FIELDS)} FROM case_visits ORDER BY visited_on, id", (), VISIT_FIELDS)
    return _rows(ledger, f"SELECT {', '.join(VISIT_FIELDS)} FROM case_visits WHERE household_id = ? ORDER BY visited_on, id",
                 (household_id,), VISIT_FIELDS)


def last_visits(ledger: Ledger) -> dict[str, dict]:
    """The latest visit of every household visited."""
    out: dict[str, dict] = {}
    for row in visits(ledger):
        out[row["household_id"]] = row
    return out


# ---------------------------------------------------------------- signals
def record_signals(ledger: Ledger, origin: str, found: list[dict], day: str) -> list[tuple[dict, int, str]]:
    """Register what a run of `monitor` or `crosscheck` found. Returns (signal, id, state) for each, state
    "new" (first seen), "open" (seen before, not yet closed) or "closed" (closed by a visit or decision)."""
    out = []
    seen: dict[tuple, int] = {}
    with ledger.transaction() as db:
        for s in found:
            key = (s["household_id"], origin, s["code"], s.get("member") or "")
            # the n-th signal with the same key in this run is the n-th one registered with that key (a
            # household can have two of a kind without a member name, e.g. two 特困 candidates)
            nth = seen.get(key, 0)
            seen[key] = nth + 1
            rows = db.execute("SELECT id, closed_on FROM case_signals WHERE household_id = ? AND origin = ? AND code = ? "
                              "AND member = ? ORDER BY id", key).fetchall()
            row = rows[nth] if nth < len(rows) else None
            if row is None:
                cursor = db.execute(
                    "INSERT INTO case_signals (household_id, township, village, head_name, member, origin, code, label, "
                    "figures, raised_on, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (s["household_id"], s.get("township") or "", s.get("village") or "", s.get("head_name") or "",
                     s.get("member") or "", origin, s["code"], s["label"], s.get("figures") or "", day, day))
                out.append((s, cursor.lastrowid, "new"))
            else:
                db.execute("UPDATE case_signals SET last_seen = ?, figures = ? WHERE id = ?",
                           (day, s.get("figures") or "", row[0]))
                out.append((s, row[0], "closed" if row[1] else "open"))
    return out


def signals(ledger: Ledger, open_only: bool = True, household_id: str | None = None) -> list[dict]:
    """Signals (open ones, or all), of every household or of one."""
    where = ["closed_on IS NULL"] if open_only else []
    if household_id is not None:
        where.append("household_id = ?")
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    params = (household_id,) if household_id is not None else ()
    return _rows(ledger, f"SELECT {', '.join(SIGNAL_FIELDS)} FROM case_signals {clause}ORDER BY raised_on, id", params,
                 SIGNAL_FIELDS)


def close_signals(ledger: Ledger, household_id: str, on: str, by: str, ids: list[int] | None = None) -> list[int]:
    """Close the household's open signals (or only `ids`); returns the ids closed."""
    with ledger.transaction() as db:
        rows = db.execute("SELECT id FROM case_signals WHERE household_id = ? AND closed_on IS NULL", (household_id,))
        open_ids = [r[0] for r in rows]
        chosen = [i for i in open_ids if ids is None or i in ids]
        for signal_id in chosen:
            db.execute("UPDATE case_signals SET closed_on = ?, closed_by = ? WHERE id = ?", (on, by, signal_id))
    return chosen


def signal(ledger: Ledger, signal_id: int) -> dict | None:
    if not 0 < signal_id <= SQLITE_MAX_INT:  # a number no row can have (SQLite cannot even compare it)
        return None
    rows = _rows(ledger, f"SELECT {', '.join(SIGNAL_FIELDS)} FROM case_signals WHERE id = ?", (signal_id,), SIGNAL_FIELDS)
    return rows[0] if rows else None


def signal_counts(ledger: Ledger, first: str, last: str, followup_days: int) -> dict[str, dict[str, int]]:
    """Per township, for the period `first`..`last` (ISO dates, inclusive): signals raised, closed by a visit,
    closed (by a visit or a decision), and open at `last` past their follow-up deadline (raised more than
    `followup_days` days before `last`)."""
    out: dict[str, dict[str, int]] = {}
    # raised + followup_days < last  <=>  raised < last - followup_days (ISO days compare as text)
    due = (_dt.date.fromisoformat(last[:10]) - _dt.timedelta(days=int(followup_days))).isoformat()
    for township, raised, visited, closed, overdue in ledger.db.execute(
            "SELECT township, "
            "SUM(CASE WHEN raised_on BETWEEN ? AND ? THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN closed_on BETWEEN ? AND ? AND closed_by LIKE '走访记录%' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN closed_on BETWEEN ? AND ? THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN raised_on <= ? AND (closed_on IS NULL OR closed_on > ?) AND raised_on < ? THEN 1 ELSE 0 END) "
            "FROM case_signals GROUP BY township ORDER BY township",
            (first, last, first, last, first, last, last, last, due)):
        counts = {"raised": raised or 0, "visited": visited or 0, "closed": closed or 0, "overdue": overdue or 0}
        if any(counts.values()):
            out[township or ""] = counts
    return out


def has_signals(ledger: Ledger) -> bool:
    """Whether any monitor or crosscheck signal was ever registered."""
    return ledger.db.execute("SELECT 1 FROM case_signals LIMIT 1").fetchone() is not None


def add_step_note(ledger: Ledger, step_id: int, text: str) -> None:
    """Append `text` to a recorded step's note (what was issued for it)."""
    with ledger.transaction() as db:
        db.execute("UPDATE case_steps SET note = CASE WHEN note = '' THEN ? ELSE note || '；' || ? END WHERE id = ?",
                   (text, text, step_id))
