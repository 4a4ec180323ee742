"""Imports waiting their turn: an import announces its month (`pending_imports`), and imports of later
months wait for it, so months land in order however many clerks import at once."""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import socket
import sqlite3
import time

from dibao_cli.errors import DibaoError


class ImportQueue:
    """Mixed into `Ledger`: needs `self.db` and `self.transaction()`."""

    def register_import(self, month: str, in_transaction: bool = False) -> int:
        """Announce an import of `month`: later months wait for it, so months land in order."""
        with (contextlib.nullcontext(self.db) if in_transaction else self.transaction()) as db:
            host = socket.gethostname()
            stale = [(tid,) for tid, pid in db.execute("SELECT id, pid FROM pending_imports WHERE host = ?",
                                                       (host,)).fetchall() if not _alive(pid)]
            db.executemany("DELETE FROM pending_imports WHERE id = ?", stale)  # left by killed imports
            return db.execute("INSERT INTO pending_imports (month, host, pid, started_at) VALUES (?, ?, ?, ?)",
                              (month, socket.gethostname(), os.getpid(),
                               _dt.datetime.now().isoformat(timespec="seconds"))).lastrowid

    @staticmethod
    def import_landed(db, ticket: int) -> None:
        """Inside the import's write transaction: its announcement goes with its rows."""
        db.execute("DELETE FROM pending_imports WHERE id = ?", (ticket,))

    @staticmethod
    def set_member_count(db, import_id: int, members: int) -> None:
        """The members of a version of a month (those kept unassessed included), once its rows are in."""
        db.execute("UPDATE imports SET members = ? WHERE id = ?", (members, import_id))

    def recorded_inputs(self, month: str) -> tuple[str, str | None] | None:
        """(inputs, options) as JSON texts of the month's current version, None without one."""
        return self.db.execute("SELECT inputs, options FROM imports WHERE month = ? AND superseded_by IS NULL",
                               (month,)).fetchone()

    def unregister_import(self, ticket: int) -> None:
        """Withdraw an announcement (a landed import's was removed with its rows: then nothing is written)."""
        with contextlib.suppress(DibaoError, sqlite3.Error):
            if not self.db.execute("SELECT 1 FROM pending_imports WHERE id = ?", (ticket,)).fetchone():
                return
            with self.transaction() as db:
                db.execute("DELETE FROM pending_imports WHERE id = ?", (ticket,))

    def earlier_imports_running(self, month: str, ticket: int, clean: bool = True) -> list[str]:
        """Months before `month` that another import is still working on (stale entries of killed ones are cleared)."""
        host = socket.gethostname()
        running, stale = [], []
        for tid, other, other_host, pid, started in self.db.execute(
                "SELECT id, month, host, pid, started_at FROM pending_imports WHERE month < ? AND id <> ? ORDER BY month",
                (month, ticket)).fetchall():
            if (other_host == host and not _alive(pid)) or (other_host != host and _older_than(started, STALE_HOURS)):
                stale.append(tid)
            else:
                running.append(other)
        if stale and clean:
            with self.transaction() as db:
                db.executemany("DELETE FROM pending_imports WHERE id = ?", [(t,) for t in stale])
        return running

    def wait_for_earlier_imports(self, month: str, ticket: int, poll: float = 0.1, on_wait=None) -> None:
        """Until no import of an earlier month is under way (`on_wait(months)` is told once what it waits for)."""
        told = False
        while running := self.earlier_imports_running(month, ticket):
            if on_wait is not None and not told:
                on_wait(running)
                told = True
            time.sleep(poll)


STALE_HOURS = 6  # an import announced from another computer that long ago is taken as killed


def _older_than(stamp: str, hours: float) -> bool:
    try:
        return _dt.datetime.now() - _dt.datetime.fromisoformat(stamp) > _dt.timedelta(hours=hours)
    except ValueError:
        return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
