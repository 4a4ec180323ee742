"""Importing one township's roster into a month (`dibao import --township`): townships send their rosters
when they are ready, and several can be imported at once into the same month.

The month's other townships stay as they are: the new version of the month is this township's rows plus
the other townships' rows of the month's current version (copied inside the write transaction, so two
townships imported at once both end up in the month). Last month is read for this township only, so its
households that are gone are this township's. A township already in the month needs --replace.
"""

from __future__ import annotations

from dibao_cli.errors import LedgerError, RosterRefused
from dibao_cli.ledger.staging import EVENT_COLUMNS, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

OTHERS = "import_id = ? AND COALESCE(township, '') <> ?"


def check_roster(roster, township: str) -> None:
    wrong = [h.household_id for h in roster.households.values() if (h.township or "") != township]
    if wrong:
        shown = "、".join(wrong[:10]) + ("……" if len(wrong) > 10 else "")
        raise RosterRefused(f"名册中有 {len(wrong)} 户的乡镇不是“{township}”（{shown}），未导入。按乡镇导入时名册只能有"
                            "本乡镇的户：请检查“乡镇”列和 --township，或不加 --township 导入全县名册。")


def check_latest(ledger, month: str) -> None:
    later = ledger.later_months(month)
    if later:
        raise LedgerError(f"台账中已有 {month} 以后的月份（{'、'.join(later[:3])}{'等' if len(later) > 3 else ''}），"
                          "按乡镇导入只能导入台账中最新的月份。请导入全县名册（不加 --township）。")


def check_conflict(ledger, existing_id: int | None, township: str, month: str, replace: bool) -> bool:
    """Whether the month already holds the township (then only with --replace)."""
    present = ledger.has_township(existing_id, township)
    if present and not replace:
        raise LedgerError(f"台账中已有{township} {month} 月的数据（可能是别人刚刚导入的）。"
                          "如要用这份名册替换，请加 --replace（旧版本保留在历史中）。")
    return present


def merge_others(db, import_id: int, existing_id: int | None, previous_import_id: int | None, township: str) -> None:
    """Inside the write transaction: the other townships' rows of the month's current version into the new one
    (PostgreSQL does the same in dibao_open_township_month, ledger/pg_township.py)."""
    if existing_id is None:
        return
    households = ", ".join(_columns("households"))
    db.execute(f"INSERT INTO households (import_id, {households}) SELECT ?, {households} FROM households "
               f"WHERE {OTHERS}", (import_id, existing_id, township))
    events = ", ".join(_columns("events"))
    db.execute(f"INSERT INTO events (import_id, {events}) SELECT ?, {events} FROM events WHERE {OTHERS}",
               (import_id, existing_id, township))
    own = ("SELECT household_id FROM households WHERE import_id IN (?, ?) AND COALESCE(township, '') = ?")
    own_params = (existing_id, previous_import_id if previous_import_id is not None else existing_id, township)
    for table in ("members", "assistance_tekun"):
        columns = ", ".join(_columns(table))
        db.execute(f"INSERT INTO {table} (import_id, {columns}) SELECT ?, {columns} FROM {table} "
                   f"WHERE import_id = ? AND household_id NOT IN ({own})", (import_id, existing_id, *own_params))


def _columns(table: str) -> tuple[str, ...]:
    return {"households": HOUSEHOLD_COLUMNS, "members": MEMBER_COLUMNS, "events": EVENT_COLUMNS,
            "assistance_tekun": ("household_id", "township", "id_number", "name", "mode", "care_level", "basic_fen",
                                 "care_fen")}[table]


class MonthVersions:
    """Mixed into `Ledger` (needs `self.db`, `_import_id`, `latest_month`): new versions of a month, inside the
    write transaction. PostgreSQL makes a township's version by a function of its own (ledger/pg_township.py)."""

    IMPORT_FIELDS = ("month", "assessed_on", "imported_at", "region", "policy_name", "policy_hash", "inputs",
                     "households", "members", "skipped", "dibao_version", "options")

    def open_version(self, fields: dict, existing_id: int | None) -> int:
        """A new version of fields['month'] (its `imports` row), superseding `existing_id`; its id."""
        cursor = self.db.execute(f"INSERT INTO imports ({', '.join(self.IMPORT_FIELDS)}) "
                                 f"VALUES ({', '.join('?' * len(self.IMPORT_FIELDS))})",
                                 tuple(fields[f] for f in self.IMPORT_FIELDS))
        if existing_id:
            self.db.execute("UPDATE imports SET superseded_by = ? WHERE id = ?", (cursor.lastrowid, existing_id))
        return cursor.lastrowid

    def open_township_version(self, fields: dict, township: str) -> int:
        """A new version of the month for an import of `township`: the month's other townships' rows of its
        current version come along (merge_others); this township's rows are the caller's to add."""
        existing = self._import_id(fields["month"])
        import_id = self.open_version(fields, existing)
        merge_others(self.db, import_id, existing, self._import_id(self.latest_month(fields["month"])), township)
        return import_id

    def count_version(self, import_id: int) -> None:
        """The households and members of a version of a month, counted once all its rows are in."""
        self.db.execute("UPDATE imports SET households = (SELECT COUNT(*) FROM households WHERE import_id = ?), "
                        "members = (SELECT COUNT(*) FROM members WHERE import_id = ?) WHERE id = ?",
                        (import_id, import_id, import_id))
