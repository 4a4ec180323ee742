"""The workbook's rows of a province's households made by two processes at once: a forked child assesses the second
half of the households and makes their rows, while this process does the first half; the child hands back its rows
already packed (rowstore.py: marshal bytes) and its totals as text, through an anonymous in-memory file, never as
Python objects. Each household is assessed and shown by the same code either way, so the rows and the totals are
those one process makes; whatever happens to the child (a crash, the memory ceiling, a signal), this process makes
the second half itself, and Ctrl-C stops both."""

from __future__ import annotations

import marshal
import os
import time

from dibao_cli import forked

PARALLEL_FROM = 60_000  # households: a smaller roster is done in one process (the fork would cost more than it saves)
CHILD_CEILING = 1 << 30  # address space the child may add to what it inherits (its half of the rows, a block's work)


def can_split(assessment) -> bool:
    """A large planned assessment, on a system with fork and a core free now (as for the JSON: on a machine whose
    cores are all busy the child would only add its copying, a tenth more CPU time)."""
    if not (len(assessment.pending) >= PARALLEL_FROM and hasattr(os, "fork") and hasattr(os, "memfd_create")
            and not assessment.results):
        return False
    return forked.cores() >= 2 and forked.core_free()


def planned_rows(assessment, make_rows, running, households, members) -> None:
    """make_rows(assessment, running, households, members) for the planned assessment's households, the second
    half in a child process (see module docstring)."""
    import copy

    from dibao_cli.assess.decided_result import BLOCK

    pending = assessment.pending
    split = max(BLOCK, (len(pending) // 2) // BLOCK * BLOCK)  # whole blocks on each side
    first, second = copy.copy(assessment), copy.copy(assessment)
    first.pending, second.pending = pending[:split], pending[split:]
    second.progress = None
    try:
        child = _Child(second, make_rows)
    except OSError:  # no process or memory to spare now: this process makes both halves
        child = None
    started = time.monotonic()
    try:
        make_rows(first, running, households, members)
        taken = child.result(forked.patience(time.monotonic() - started)) if child is not None else None
    finally:
        if child is not None:
            child.stop()
    if taken is None:  # the child did not finish: this process makes the second half itself
        second.progress = assessment.progress
        make_rows(second, running, households, members)
        return
    (house_chunks, house_count, house_widest), (member_chunks, member_count, member_widest), totals = taken
    households.adopt(house_chunks, house_count, house_widest)
    members.adopt(member_chunks, member_count, member_widest)
    _add_totals(running, totals)
    if assessment.progress is not None:
        assessment.progress(len(second.pending))


class _Child:
    """The forked child making the rows of `part`; result() waits for them (None when it did not finish)."""

    def __init__(self, part, make_rows):
        self._pid = None
        self._memory = os.memfd_create("dibao-rows", os.MFD_CLOEXEC)
        try:
            pid = os.fork()
        except BaseException:
            self.stop()
            raise
        if pid == 0:  # the child: make the rows, write them, leave without running any of the parent's exit code
            code = 1
            try:
                forked.become_child(CHILD_CEILING)
                code = _make(part, make_rows, self._memory)
            except BaseException:  # noqa: BLE001 - the parent makes these rows itself
                code = 1
            finally:
                os._exit(code)
        self._pid = pid

    def result(self, seconds: float):
        """((household chunks, count, widest), (member chunks, count, widest), totals), or None (failed, or not
        done within `seconds`)."""
        status = forked.wait(self._pid, seconds)
        if status is None:
            return None  # still at it: stopped by stop()
        self._pid = None
        if status != 0:
            return None
        try:
            with os.fdopen(os.dup(self._memory), "rb") as source:
                source.seek(0)
                taken = marshal.load(source), marshal.load(source), marshal.load(source)
        except (EOFError, ValueError, TypeError, OSError):
            return None
        (house_chunks, _, _), (member_chunks, _, _), totals = taken
        if not (type(house_chunks) is list and type(member_chunks) is list and type(totals) is dict):
            return None
        return taken

    def stop(self) -> None:
        """Stop the child if it still runs (Ctrl-C, an error here) and reap it; close the in-memory file."""
        if self._pid is not None:
            forked.stop(self._pid)
            self._pid = None
        if self._memory is not None:
            os.close(self._memory)
            self._memory = None


def _make(part, make_rows, memory: int) -> int:
    """In the child: the part's rows and totals, written to the in-memory file; 0 when all is written."""
    from dibao_cli.reports.assess import Totals
    from dibao_cli.reports.rowstore import RowStore

    running, households, members = Totals(), RowStore(), RowStore()
    make_rows(part, running, households, members)
    with os.fdopen(os.dup(memory), "wb") as sink:
        marshal.dump(households.packed(), sink)
        marshal.dump(members.packed(), sink)
        marshal.dump(running.exact(), sink)
    return 0


def _add_totals(running, totals: dict) -> None:
    """The child's sums added to this process's."""
    running.add_exact(totals)
