"""The month being imported, staged outside the ledger's write lock: the columns of its rows and the private
temporary tables they wait in (SQLite: an attached temporary database; PostgreSQL: temporary tables of the
session) until one short write transaction copies them into the ledger."""

from __future__ import annotations

import contextlib

HOUSEHOLD_COLUMNS = (
    "household_id", "linked_from", "township", "village", "head_name", "head_id", "area_type", "members", "covered",
    "status", "counted_fen", "adjusted_fen", "per_capita", "total_fen", "differential_fen", "classified_fen",
    "phase_out_start", "phase_out_end", "last_check", "enrolled_on", "can_work", "reasons", "assessed", "standard_fen")
MEMBER_COLUMNS = ("household_id", "id_number", "name", "relation", "male", "birth", "disability_grade", "labour",
                  "covered", "seq")  # seq: the member's place in the household as the roster lists it
CARRIED = "household_id IN (SELECT household_id FROM staging.carried)"
EVENT_COLUMNS = ("household_id", "kind", "detail", "township", "seq")  # seq: the event's place in its import


class Staging:
    """The month being imported, written to a private temporary database outside the ledger's write lock
    (each batch commits on its own: the temporary database needs no durability)."""

    def __init__(self, ledger):
        self.ledger = ledger
        self.events = 0  # events staged so far: the next one's seq follows
        ledger.open_staging({"households": HOUSEHOLD_COLUMNS, "members": MEMBER_COLUMNS, "events": EVENT_COLUMNS,
                             "carried": ("household_id",)})

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

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ledger.close_staging()
