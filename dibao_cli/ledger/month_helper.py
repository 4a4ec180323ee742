"""The second half of a large month assessed and staged in a forked helper process, on the machine's other core,
while this process does the first half (a SQLite ledger; PostgreSQL stages in one process).

The helper inherits the month as it is planned (carried forward, households in the roster's order) and the
ledger's known texts. It assesses the later households, builds their rows exactly as this process would
(ledger/month_rows.py) and stages them in a SQLite file of its own, in a temporary folder only this user can
read, removed once the rows are taken or given up; new texts get provisional ids apart from ours. Nothing comes back as Python objects: the
rows are adopted from that file with SQL (events renumbered after ours), and the counts, 特困 rows and warnings
come back as JSON text in it. The ledger itself is only ever written by this process, as before.

Whatever happens to the helper (a crash, its memory ceiling, Ctrl-C, a value JSON cannot carry), this process
assesses the second half itself: the ledger is the same either way (tests/test_ledger_helper.py).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time

from dibao_cli import forked
from dibao_cli.assess.decided_result import BLOCK
from dibao_cli.errors import DibaoError
from dibao_cli.ledger.staging import Staging
from dibao_cli.problems import Problem

# pending households from which a helper pays off (forking a process of a province's size costs ~0.1 s)
PARALLEL_FROM = 4 * BLOCK
HELPER_TEXTS = 1 << 40  # the helper's provisional text ids count down from -(HELPER_TEXTS + 1)
MEMORY_CEILING = 1 << 30  # what the helper may map beyond what it inherits (rows of a block, SQLite's cache)


def mode() -> str:
    """DIBAO_LEDGER_HELPER: "off" (one process) or "always" (any month of two households or more, for the tests);
    by default from PARALLEL_FROM pending households on. (On a machine whose cores are all busy the two processes
    together take no more CPU time than one: the helper's pages copied as both touch them cost little.)"""
    return os.environ.get("DIBAO_LEDGER_HELPER", "")


def split(ledger, assessment):
    """(first part, second part or None): the second part goes to a helper. Parts are whole blocks of the columnar
    engine where the month is large (each household decided in the same block as in one process)."""
    pending = assessment.pending
    how = mode()
    usable = (ledger.backend == "sqlite" and hasattr(os, "fork") and os.path.isdir("/proc/self/fd") and how != "off")
    if not usable or len(pending) < (2 if how == "always" else PARALLEL_FROM):
        return assessment, None
    cut = len(pending) // 2
    if cut >= BLOCK:
        cut -= cut % BLOCK
    return (dataclasses.replace(assessment, pending=pending[:cut]),
            dataclasses.replace(assessment, pending=pending[cut:], progress=None))


class Helper:
    """A forked process staging `part` of the month: `work(part, staging)` (in the helper) builds and stages its
    rows and returns its ImportReport; `adopt` (here) takes them over."""

    def __init__(self, ledger, part, work):
        self.ledger = ledger
        self._pid = self._status = None
        # a folder only this user can read, removed with everything SQLite put in it as soon as the rows are taken
        # (cancel); a process killed outright leaves it, still readable by this user alone
        self._folder = tempfile.mkdtemp(prefix="dibao-staging-")
        self.path = os.path.join(self._folder, "staging.db")
        writer = None
        try:
            self._status, writer = os.pipe()
            pid = os.fork()
        except BaseException:
            if writer is not None:
                os.close(writer)
            self.cancel()
            raise
        reader = self._status
        if pid == 0:
            _child(ledger, part, work, self.path, reader, writer)
        os.close(writer)
        self._pid = pid
        self._started = time.monotonic()

    def adopt(self, staging, report) -> bool:
        """Wait for the helper and take over its rows (after the ones staged here), counts, 特困 rows, warnings and
        texts. False when the helper failed: nothing of it was taken, the part is this process's to do."""
        try:
            code = forked.wait(self._pid, forked.patience(time.monotonic() - self._started))
            self._pid = None if code is not None else self._pid
            if code != 0:  # failed, or still at it long after this process did its own part
                return False
            try:
                summary = staging.adopt(self.path)
            except DibaoError:  # its file unreadable: nothing was taken (one transaction)
                return False
            if summary is None:
                return False
            found = json.loads(summary)
        finally:
            self.cancel()
        report.households += found["households"]
        report.members += found["members"]
        counts = report.events
        for kind, count in found["events"].items():
            counts[kind] = counts.get(kind, 0) + count
        report.tekun_rows.extend(tuple(row) for row in found["tekun_rows"])
        report.warnings.extend(Problem(*fields) for fields in found["warnings"])
        self.ledger.adopt_texts(found["texts"])
        return True

    def cancel(self) -> None:
        """Stop the helper if it still runs (Ctrl-C, a failure here) and let go of its file."""
        if self._pid is not None:
            forked.stop(self._pid)
            self._pid = None
        if self._status is not None:
            os.close(self._status)
            self._status = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def start(ledger, part, work) -> Helper | None:
    """A helper staging `part`, or None when the system cannot make one now (no process or file to spare): this
    process then does the part itself."""
    try:
        return Helper(ledger, part, work)
    except OSError:
        return None


def _child(ledger, part, work, path: str, reader: int, writer: int) -> None:
    """The helper: stage `part` into the file at `path`, write the summary, and leave without running any of the
    parent's exit code (its ledger connection, its open files, its atexit handlers are the parent's)."""
    code = 1
    try:
        os.close(reader)
        forked.become_child(MEMORY_CEILING, stderr=writer)
        ledger.provisional_from = HELPER_TEXTS
        ledger.own_connection()  # the inherited connection is the parent's: never used here
        staging = Staging(ledger, path)
        report = work(part, staging)
        staging.note(json.dumps({
            "households": report.households, "members": report.members, "events": report.events,
            "tekun_rows": report.tekun_rows, "warnings": [dataclasses.astuple(w) for w in report.warnings],
            "texts": ledger.new_texts()}, ensure_ascii=False))
        code = 0
    except BaseException as exc:  # noqa: BLE001 - the parent does the part itself
        forked.tell_parent(writer, repr(exc))
    finally:
        os._exit(code)
