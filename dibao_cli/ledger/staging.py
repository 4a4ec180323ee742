"""The month being imported, staged outside the ledger's write lock: the columns of its rows and the private
temporary tables they wait in (SQLite: an attached temporary database; PostgreSQL: temporary tables of the
session) until one short write transaction copies them into the ledger."""

from __future__ import annotations

import contextlib

HOUSEHOLD_COLUMNS = (
    "household_id", "linked_from", "township", "village", "head_name", "head_id", "area_type", "members", "covered",
    "status", "counted_fen", "adjusted_fen", "per_capita", "total_fen", "differential_fen", "classified_fen",
    "phase_out_start", "phase_out_end", "last_check", "enrolled_on", "can_work", "reasons", "assessed", "standard_fen",
    "marginal_line_fen")
MEMBER_COLUMNS = ("household_id", "id_number", "name", "relation", "male", "birth", "disability_grade", "labour",
                  "covered", "seq")  # seq: the member's place in the household as the roster lists it
CARRIED = "household_id IN (SELECT household_id FROM staging.carried)"
EVENT_COLUMNS = ("household_id", "kind", "detail", "township", "seq")  # seq: the event's place in its import
TEKUN = "household_id, township, id_number, name, mode, care_level, basic_fen, care_fen"


class Staging:
    """The month being imported, written to a private temporary database outside the ledger's write lock
    (each batch commits on its own: the temporary database needs no durability)."""

    def __init__(self, ledger, path: str | None = None):
        """`path`: a file to stage in (a helper process's, ledger/month_helper.py; SQLite only)."""
        self.ledger = ledger
        self.events = 0  # events staged so far: the next one's seq follows
        self.helper = False  # a helper process's households and members are attached as `helper` (adopt)
        tables = {"households": HOUSEHOLD_COLUMNS, "members": MEMBER_COLUMNS, "events": EVENT_COLUMNS,
                  "carried": ("household_id",)}
        if path is None:
            ledger.open_staging(tables)
        else:
            ledger.open_staging(tables | {"summary": ("body",)}, path)

    def stage_carried(self, household_ids: list[str]) -> None:
        """The households kept unassessed (last month's rows are copied for them by a join)."""
        self.ledger.stage_rows("staging.carried", ("household_id",), [(h,) for h in household_ids])

    def flush(self, households, members, events) -> None:
        """Stage the rows; each event gets its place in the import (seq) as it was found."""
        events[:] = [(*row, self.events + i) for i, row in enumerate(events, 1)]
        self.events += len(events)
        for table, columns, rows in (("households", HOUSEHOLD_COLUMNS, households), ("members", MEMBER_COLUMNS, members),
                                     ("events", EVENT_COLUMNS, events)):
            self.ledger.stage_rows(f"staging.{table}", columns, rows)
        households.clear()
        members.clear()
        events.clear()

    def note(self, summary: str) -> None:
        """A helper process's summary of what it staged (JSON), read back by `adopt`."""
        self.ledger.stage_rows("staging.summary", ("body",), [(summary,)])

    def adopt(self, path: str) -> str | None:
        """The rows a helper process staged in the file `path`, after the ones staged here (its events numbered on
        from ours); its summary (None: it left none, nothing was taken)."""
        summary, events = self.ledger.adopt_staged(path, EVENT_COLUMNS, self.events)
        self.events += events
        self.helper = summary is not None
        return summary

    def store(self, db, import_id: int, carried_from: int | None) -> int:
        """Inside the write transaction: copy the staged rows into the month's version `import_id`, and the
        rows (households, members) of the households kept unassessed from `carried_from` (last month's
        version; None: none kept). The number of members carried."""
        columns, members, events = (", ".join(c) for c in (HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, EVENT_COLUMNS))
        staged = ", ".join(self.ledger.staged_reasons if c == "reasons" else c for c in HOUSEHOLD_COLUMNS)
        for source in ("staging", "helper") if self.helper else ("staging",):
            db.execute(f"INSERT INTO households (import_id, {columns}) SELECT ?, {staged} FROM {source}.households",
                       (import_id,))
            db.execute(f"INSERT INTO members (import_id, {members}) SELECT ?, {members} FROM {source}.members",
                       (import_id,))
        carried = 0
        if carried_from is not None:  # last month's rows of the households kept: one join with the staged list
            kept = ", ".join("0" if c == "assessed" else c for c in HOUSEHOLD_COLUMNS)
            db.execute(f"INSERT INTO households (import_id, {columns}) SELECT ?, {kept} FROM households "
                       f"WHERE import_id = ? AND {CARRIED}", (import_id, carried_from))
            db.execute(f"INSERT INTO members (import_id, {members}) SELECT ?, {members} FROM members "
                       f"WHERE import_id = ? AND {CARRIED}", (import_id, carried_from))
            carried = db.execute(f"SELECT COUNT(*) FROM members WHERE import_id = ? AND {CARRIED}",
                                 (import_id,)).fetchone()[0]
        db.execute(f"INSERT INTO events (import_id, {events}) SELECT ?, {events} FROM staging.events", (import_id,))
        return carried

    @staticmethod
    def store_carried_tekun(db, import_id: int, carried_from: int) -> None:
        """The 特困 people of the households kept unassessed, as last month (after the month's own)."""
        db.execute(f"INSERT INTO assistance_tekun (import_id, {TEKUN}) SELECT ?, {TEKUN} FROM assistance_tekun "
                   f"WHERE import_id = ? AND {CARRIED}", (import_id, carried_from))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ledger.close_staging()
