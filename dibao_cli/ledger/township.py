"""Importing one township's roster into a month (`dibao import --township`): townships send their rosters
when they are ready, and several can be imported at once into the same month.

The month's other townships stay as they are: the new version of the month is this township's rows plus
the other townships' rows of the month's current version (copied inside the write transaction, so two
townships imported at once both end up in the month). Last month is read for this township only, so its
households that are gone are this township's. A township already in the month needs --replace.
"""

from __future__ import annotations

from dibao_cli.errors import LedgerError, RosterRefused

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
    """Inside the write transaction: the other townships' rows of the month's current version into the new one."""
    if existing_id is None:
        return
    households = ", ".join(_columns(db, "households"))
    db.execute(f"INSERT INTO households (import_id, {households}) SELECT ?, {households} FROM households "
               f"WHERE {OTHERS}", (import_id, existing_id, township))
    own = ("SELECT household_id FROM households WHERE import_id IN (?, ?) AND COALESCE(township, '') = ?")
    own_params = (existing_id, previous_import_id if previous_import_id is not None else existing_id, township)
    for table in ("members", "assistance_tekun", "events"):
        columns = ", ".join(_columns(db, table))
        db.execute(f"INSERT INTO {table} (import_id, {columns}) SELECT ?, {columns} FROM {table} "
                   f"WHERE import_id = ? AND household_id NOT IN ({own})", (import_id, existing_id, *own_params))
    db.execute("UPDATE imports SET households = (SELECT COUNT(*) FROM households WHERE import_id = ?), "
               "members = (SELECT COUNT(*) FROM members WHERE import_id = ?) WHERE id = ?",
               (import_id, import_id, import_id))


def _columns(db, table: str) -> tuple[str, ...]:
    from dibao_cli.ledger.monthly import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

    return {"households": HOUSEHOLD_COLUMNS, "members": MEMBER_COLUMNS, "events": ("household_id", "kind", "detail"),
            "assistance_tekun": ("household_id", "township", "id_number", "name", "mode", "care_level", "basic_fen",
                                 "care_fen")}[table]
