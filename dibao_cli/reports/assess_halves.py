"""The households' JSON of a large `assess --format json` built on both cores: a forked child writes the objects of
the second part of the households (the columnar engine's bytes, reports/assess_json.py) into an anonymous
in-memory file while this process writes the first part; then this process copies the child's bytes after its own,
so the document is the one `columnar_chunks` writes alone (tests/test_engine_halves.py compares them).

The child shares the households with this process copy-on-write and hands back only bytes: its objects' JSON and its
totals (households, members and money by status, as exact decimal strings). Whatever happens to it (Ctrl-C, a
crash, its memory ceiling), this process writes the second part itself, with the same bytes. A small roster, a
single core or a system without fork or anonymous files is written in this process alone.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import time
from decimal import Decimal

from dibao_cli.reports import assess_json

# households from which a child writes part of the JSON: below it the fork costs more than it saves
PARALLEL_FROM = 20_000
CHILD_SHARE = 0.5  # the part of the households the child writes (this process also copies the child's bytes)
# what the child may add: address space, and bytes in its anonymous file (either past it: written here instead)
MEMORY_CEILING = 1024 * 1024 * 1024
BLOCK = 4096  # the split is at a block of the columnar engine (assess/decided_result.py)
READ = 16 * 1024 * 1024  # the child's bytes are copied out this much at a time
WAIT_AT_LEAST, WAIT_FACTOR = 30.0, 4.0  # seconds, and times this process's own time, before the child is given up


def can_split(households: int) -> bool:
    if households < max(2, PARALLEL_FROM) or not hasattr(os, "fork") or not hasattr(os, "memfd_create"):
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


def chunks(assessment, running):
    """The pending households' JSON objects in order, one chunk per block, each chunk but the first preceded by
    ",\\n" as its own chunk (reports/assess.py json_chunks joins them so); `running` adds them up."""
    pending = assessment.pending
    if not can_split(len(pending)):
        yield from _joined(assess_json.columnar_chunks(assessment, running), True)
        return
    split = _split(len(pending))
    first = dataclasses.replace(assessment, pending=pending[:split])
    second = dataclasses.replace(assessment, pending=pending[split:])
    child = Child()
    try:
        started = child.start(second)
        begun = time.monotonic()
        yield from _joined(assess_json.columnar_chunks(first, running), True)
        # a child that has not ended long after this process wrote its own part is stuck: written here instead
        written = child.result(WAIT_AT_LEAST + WAIT_FACTOR * (time.monotonic() - begun)) if started else None
        if written is None:  # the child did not finish: the second part is written here
            child.cancel()
            yield from _joined(assess_json.columnar_chunks(second, running), False)
            return
        size, totals = written
        add_totals(running, totals)
        if assessment.progress is not None:
            assessment.progress(len(second.pending))
        offset = 0
        while offset < size:
            piece = os.pread(child.memory, min(READ, size - offset), offset)
            if not piece:
                raise OSError("short read of the child's output")
            offset += len(piece)
            yield piece
    finally:
        child.cancel()


def _split(households: int) -> int:
    """Where the child's part starts: at a block's start, both parts holding households."""
    split = round(households * (1 - CHILD_SHARE))
    if split > BLOCK and households - split > BLOCK:
        split = round(split / BLOCK) * BLOCK
    return min(max(split, 1), households - 1)


def _joined(blocks, first: bool):
    """The blocks' chunks, each after its separator (the document's first object after a line break)."""
    for chunk in blocks:
        yield b"\n" if first else b",\n"
        first = False
        yield chunk


class Child:
    """The forked child writing the JSON objects of `part`'s households into an anonymous file; its status pipe
    carries its totals when it succeeds, else the reason it stopped."""

    def __init__(self):
        self.memory = self._status = self._pid = None

    def start(self, part) -> bool:
        """Fork the child writing `part`; False when the system refuses (no memory, too many processes)."""
        writer = None
        try:
            self.memory = os.memfd_create("dibao-json", os.MFD_CLOEXEC)
            self._status, writer = os.pipe()
            pid = os.fork()
        except OSError:
            if writer is not None:
                os.close(writer)
            return False
        if pid == 0:
            code = 1
            try:
                os.close(self._status)
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops it silently; the parent writes on
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
                _end_with_parent()
                import gc

                gc.disable()  # the shared objects' pages stay shared
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(writer, 2)
                _limit_memory(MEMORY_CEILING)
                code = _write_part(part, self.memory, writer)
            except BaseException as exc:  # noqa: BLE001 - the parent writes the part itself
                try:
                    os.write(writer, str(exc).encode("utf-8", "replace")[:2000])
                except BaseException:  # noqa: BLE001
                    pass
            finally:
                os._exit(code)
        self._pid = pid
        os.close(writer)
        return True

    def result(self, wait: float) -> tuple[int, dict] | None:
        """(bytes written, totals) once the child has ended well, else None (also when it has not ended within
        `wait` seconds)."""
        import select

        message = b""
        deadline = time.monotonic() + wait
        poller = select.poll()
        poller.register(self._status, select.POLLIN)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(left * 1000):
                return None
            chunk = os.read(self._status, 65536)
            if not chunk:
                break
            message += chunk
        status = self._reap()
        if status != 0:
            return None
        import orjson

        try:
            totals = orjson.loads(message)
        except orjson.JSONDecodeError:
            return None
        return os.fstat(self.memory).st_size, totals

    def cancel(self) -> None:
        """Stop the child if it still runs, reap it and close its files."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()
        for name in ("memory", "_status"):
            fd = getattr(self, name)
            if fd is not None:
                os.close(fd)
                setattr(self, name, None)

    def _reap(self) -> int:
        while True:
            try:
                _, status = os.waitpid(self._pid, 0)
            except InterruptedError:
                continue
            except ChildProcessError:
                status = None
            self._pid = None
            return -1 if status is None else os.waitstatus_to_exitcode(status)


def _write_part(part, memory: int, status: int) -> int:
    """In the child: the part's objects into `memory`, each block preceded by ",\\n", then the totals on `status`."""
    from dibao_cli.reports.assess import Totals

    part = dataclasses.replace(part, progress=None)
    running = Totals()
    held = 0
    for chunk in assess_json.columnar_chunks(part, running):
        held += 2 + len(chunk)
        if held > MEMORY_CEILING:  # the anonymous file is memory too
            raise MemoryError("output over the ceiling")
        _write_all(memory, b",\n")
        _write_all(memory, chunk)
    _write_all(status, totals_bytes(running))
    return 0


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def totals_bytes(running) -> bytes:
    """A Totals (reports/assess.py) as JSON bytes: counts, and money as exact decimal strings."""
    import orjson

    return orjson.dumps({"households": dict(running.households), "people": dict(running.people),
                         "money": {k: str(v) for k, v in running.money.items()},
                         "tekun_people": dict(running.tekun_people),
                         "tekun_money": {k: str(v) for k, v in running.tekun_money.items()}})


def add_totals(running, totals: dict) -> None:
    """Totals read back from `totals_bytes` added to `running` (exact sums: the order of adding changes nothing)."""
    running.households.update(totals["households"])
    running.people.update(totals["people"])
    running.tekun_people.update(totals["tekun_people"])
    for mine, theirs in ((running.money, totals["money"]), (running.tekun_money, totals["tekun_money"])):
        for key, text in theirs.items():
            mine[key] = mine.get(key, Decimal(0)) + Decimal(text)


def _end_with_parent() -> None:
    """The child is killed when this process ends, however it ends (Linux; elsewhere `cancel` alone stops it)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _limit_memory(ceiling: int) -> None:
    import resource

    try:
        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (mapped + ceiling, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (OSError, ValueError):
        pass
