"""The households' JSON of a large `assess --format json` built on both cores: the households are cut into blocks,
a forked child writes the JSON objects of every other block (the columnar engine's bytes, reports/assess_json.py)
while this process writes the blocks between them, and hands each block's bytes back through a pipe in the
roster's order; the document is the one `columnar_chunks` writes alone (tests/test_engine_parallel_json.py
compares them).
The child is at most a block ahead of this process, so the bytes in flight stay a block's.

The child shares the households with this process copy-on-write and hands back only bytes: each block's objects
and its totals (households, members and money by status, as exact decimal strings). Whatever happens to it
(Ctrl-C, a crash, its memory ceiling, no progress), this process writes the rest of the blocks itself, with the
same bytes. A small roster, a single core, cores all busy or a system without fork: written in this process alone.
"""

from __future__ import annotations

import dataclasses
import os
import struct
import time

from dibao_cli import forked
from dibao_cli.reports import assess_json

# households from which a child writes part of the JSON: below it the fork costs more than it saves
PARALLEL_FROM = 20_000
BLOCK = 4096  # households per block (the columnar engine's block, assess/decided_result.py)
MEMORY_CEILING = 512 * 1024 * 1024  # address space the child may add (a failed allocation: written here instead)
WAIT_AT_LEAST, WAIT_FACTOR = 30.0, 4.0  # a child's block not there after this many seconds and times the time this
# process took for its own block is given up (written here)
_FRAME = struct.Struct("<QQ")  # a block's bytes and its totals' bytes


def can_split(households: int) -> bool:
    return households >= max(2, PARALLEL_FROM) and hasattr(os, "fork") and forked.cores() >= 2


def chunks(assessment, running):
    """The pending households' JSON objects in order, one chunk per block, each after its separator ("\\n" before
    the first object, ",\\n" between them: reports/assess.py json_chunks); `running` adds them up."""
    pending = assessment.pending
    if not can_split(len(pending)) or not forked.core_free():
        yield from _joined(assess_json.columnar_chunks(assessment, running), True)
        return
    size = block_size(len(pending))
    blocks = [dataclasses.replace(assessment, pending=pending[start:start + size])
              for start in range(0, len(pending), size)]
    child = Child()
    try:
        child.start(blocks[1::2])
        took = 0.0
        for index, block in enumerate(blocks):
            got = child.next_block(WAIT_AT_LEAST + WAIT_FACTOR * took) if index % 2 and child.running else None
            if got is None:  # this process's block, or the child has stopped: written here
                if index % 2:
                    child.cancel()
                begun = time.monotonic()
                yield from _joined(assess_json.columnar_chunks(block, running), index == 0)
                took = time.monotonic() - begun
            else:
                data, totals = got
                running.add_exact(totals)
                if assessment.progress is not None:
                    assessment.progress(len(block.pending))
                yield b",\n"
                yield data
    finally:
        child.stop()


def block_size(households: int) -> int:
    """BLOCK, or half of a roster too small for two blocks (at least one block each way)."""
    return BLOCK if households > 2 * BLOCK else (households + 1) // 2


def _joined(blocks, first: bool):
    """The blocks' chunks, each after its separator (the document's first object after a line break)."""
    for chunk in blocks:
        yield b"\n" if first else b",\n"
        first = False
        yield chunk


class Child:
    """The forked child writing the JSON objects of its blocks, each framed with its totals, into a pipe."""

    def __init__(self):
        self._pid = self._pipe = None

    @property
    def running(self) -> bool:
        return self._pid is not None

    def start(self, blocks: list) -> bool:
        """Fork the child writing `blocks`; False when the system refuses (no memory, too many processes)."""
        writer = None
        try:
            self._pipe, writer = os.pipe()
            _widen(writer)
            pid = os.fork()
        except OSError:
            if writer is not None:
                os.close(writer)
            self.stop()
            return False
        if pid == 0:
            code = 1
            try:
                os.close(self._pipe)
                forked.become_child(MEMORY_CEILING)  # Ctrl-C stops it silently; the parent writes on
                forked.end_with_parent()
                import gc

                gc.disable()  # the shared objects' pages stay shared
                _write_blocks(blocks, writer)
                code = 0
            except BaseException:  # noqa: BLE001 - the parent writes the blocks itself
                pass
            finally:
                os._exit(code)
        self._pid = pid
        os.close(writer)
        return True

    def next_block(self, wait: float) -> tuple[bytes, dict] | None:
        """The child's next block (its bytes, its totals), or None when the child has ended without it or has not
        sent it within `wait` seconds."""
        deadline = time.monotonic() + wait
        head = self._read(_FRAME.size, deadline)
        if head is None:
            return None
        data, totals = _FRAME.unpack(head)
        data = self._read(data, deadline)
        totals = self._read(totals, deadline) if data is not None else None
        if totals is None:
            return None
        import orjson

        try:
            return data, orjson.loads(totals)
        except orjson.JSONDecodeError:
            return None

    def _read(self, size: int, deadline: float) -> bytes | None:
        import select

        poller = select.poll()
        poller.register(self._pipe, select.POLLIN)
        buffer = bytearray(size)
        view = memoryview(buffer)
        got = 0
        while got < size:
            left = deadline - time.monotonic()
            if left <= 0 or not poller.poll(left * 1000):
                return None
            n = os.readv(self._pipe, [view[got:]])
            if not n:
                return None
            got += n
        return bytes(buffer)

    def cancel(self) -> None:
        """Stop the child if it still runs and reap it (the pipe stays open until `stop`)."""
        if self._pid is not None:
            forked.stop(self._pid)
            self._pid = None

    def stop(self) -> None:
        """`cancel`, and close the pipe."""
        self.cancel()
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None

    def _reap(self) -> int:
        code = forked.reap(self._pid)
        self._pid = None
        return code


def _write_blocks(blocks: list, pipe: int) -> None:
    """In the child: each block's objects joined by ",\\n" and its totals, framed, into `pipe`."""
    import orjson

    from dibao_cli.reports.assess import Totals

    for block in blocks:
        running = Totals()
        data = b",\n".join(assess_json.columnar_chunks(dataclasses.replace(block, progress=None), running))
        if len(data) > MEMORY_CEILING:  # held besides the allocations the address-space limit sees
            raise MemoryError("a block over the memory ceiling")
        totals = orjson.dumps(running.exact())
        _write_all(pipe, _FRAME.pack(len(data), len(totals)))
        _write_all(pipe, data)
        _write_all(pipe, totals)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _widen(pipe: int) -> None:
    """A pipe of a megabyte where the system allows it (fewer switches between the processes)."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass
