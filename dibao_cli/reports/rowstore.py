"""A sheet's rows kept packed while a workbook is prepared: a province's result is made one household at a
time and its rows wait here, a few hundred bytes each instead of a list of Python objects, until the writer
takes them (as often as it needs: once to measure the wrapped text, once to write)."""

from __future__ import annotations

import gc
import marshal
import pickle

CHUNK = 1000  # rows packed together


class RowStore:
    """Rows (lists of cells) in the order appended; iterating gives equal lists, as many times as asked.

    Cells of the kinds marshal keeps exactly (str, int, float, bool, None) are packed with it; a chunk holding
    anything else (a Decimal, a date) is pickled instead, so every value comes back as it went in."""

    def __init__(self):
        self._chunks: list[tuple[bool, bytes]] = []
        self._open: list = []
        self._count = 0
        self.widest = 0  # the most cells in one row

    def append(self, row) -> None:
        self._open.append(row)
        self._count += 1
        if len(row) > self.widest:
            self.widest = len(row)
        if len(self._open) >= CHUNK:
            self._pack()

    def extend(self, rows) -> None:
        rows = rows if type(rows) is list else list(rows)
        if not rows:
            return
        self._open.extend(rows)
        self._count += len(rows)
        widest = max(map(len, rows))
        if widest > self.widest:
            self.widest = widest
        while len(self._open) >= CHUNK:
            rest = self._open[CHUNK:]
            del self._open[CHUNK:]
            self._pack()
            self._open = rest

    def _pack(self) -> None:
        try:
            self._chunks.append((True, marshal.dumps(self._open)))
        except ValueError:  # a kind marshal does not know
            self._chunks.append((False, pickle.dumps(self._open, protocol=pickle.HIGHEST_PROTOCOL)))
        self._open = []

    def packed(self) -> tuple[list, int, int]:
        """(the packed chunks, the rows, the most cells in one row): all a RowStore holds, as marshal keeps it."""
        if self._open:
            self._pack()
        return self._chunks, self._count, self.widest

    def adopt(self, chunks: list, count: int, widest: int) -> None:
        """Append the rows of another RowStore's `packed()` (made in another process), after the rows here."""
        if self._open:
            self._pack()
        self._chunks.extend((bool(marshalled), data) for marshalled, data in chunks)
        self._count += count
        self.widest = max(self.widest, widest)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self):
        for chunk in self.chunks():
            yield from chunk

    def chunks(self):
        """The rows a chunk (a list of at most CHUNK rows) at a time, for a writer that checks and converts a
        chunk's columns at once."""
        for marshalled, data in self._chunks:
            yield marshal.loads(data) if marshalled else pickle.loads(data)
        if self._open:
            yield list(self._open)


class Counted:
    """Rows that tell `advance` every `step` rows as they are written (a progress bar), and are still sized and
    gone through again like their source; a writer that measures them first goes through `source` (not counted)."""

    def __init__(self, source, advance, step: int = 1000):
        self.source = source
        self.advance = advance
        self.step = step

    def __len__(self) -> int:
        return len(self.source)

    def __bool__(self) -> bool:
        return len(self.source) > 0

    @property
    def widest(self):
        return getattr(self.source, "widest", None)

    def __iter__(self):
        return counted_once(self.source, self.advance, self.step)


def counted_once(rows, advance, step: int):
    """The rows, telling `advance` every `step` rows as they go by (and the rest at the end)."""
    count = 0
    for row in rows:
        yield row
        count += 1
        if count == step:
            advance(count)
            count = 0
    if count:
        advance(count)


def freeze_heap() -> None:
    """Put every object alive now (the roster read, the policy) out of the cycle collector's sight while a
    province's rows are made and written: each full collection would otherwise go through every member again
    (a tenth of the output's time at 100k members). Objects made later are collected as usual; `thaw_heap`
    hands the frozen ones back."""
    gc.freeze()


def thaw_heap() -> None:
    gc.unfreeze()
