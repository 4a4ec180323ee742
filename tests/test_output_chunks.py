"""The Rust writer takes a sheet's rows a chunk at a time (reports/fastbook.py): a chunk of plain cells goes as
it is, any other row is converted as before; wrapped columns are measured a chunk at a time. The workbook is the
same whatever the chunks hold: the sheet XML is that of the rows written one at a time, and the row heights are
those measured row by row."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibao_cli.reports import fastbook, workbook
from dibao_cli.reports.files import MONEY_FORMAT, SheetSpec, write_xlsx
from dibao_cli.reports.rowstore import CHUNK, RowStore

HEADER = ["户编号", "月保障金", "理由", "日期"]
text = st.text(alphabet=st.sampled_from("王李a 1\n\x01\x7f\ud800卓玛，；"), max_size=30)
cells = st.one_of(st.none(), st.just(""), text, st.integers(-10**6, 10**6), st.floats(-1e6, 1e6),
                  st.decimals(-10**6, 10**6, places=2), st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)),
                  st.booleans())
rows = st.lists(st.lists(cells, min_size=0, max_size=4), max_size=60)


def _old_heights(rows, widths, wrapped, line_height):
    """The row heights measured row by row (the writer's measure before it went by chunks)."""
    heights = {}
    for r, values in enumerate(rows, start=1):
        lines = 1
        for c in sorted(wrapped):
            if c < len(values) and type(values[c]) is str:
                text = values[c]
                w = workbook._fast_width(text) if not text.isascii() else len(text)
                lines = max(lines, workbook._lines(w, widths[c]))
        if lines > 1:
            heights[r] = line_height * lines + 3
    return heights


@settings(max_examples=200, deadline=None)
@given(rows=rows, chunk=st.integers(1, 7), width=st.integers(3, 12))
def test_heights_measured_by_chunks_are_those_measured_row_by_row(rows, chunk, width):
    store = RowStore()
    store.extend(rows)
    widths = {0: width, 2: width + 3}
    expected = _old_heights(rows, widths, {0, 2}, 15)
    assert fastbook.row_heights(store, widths, {0, 2}, 15) == expected
    assert fastbook.row_heights(rows, widths, {0, 2}, 15) == expected
    got, first = {}, 1
    for part in fastbook.chunks_of(rows, chunk):  # chunks of any size
        got.update({first + r - 1: h for r, h in fastbook.row_heights(part, widths, {0, 2}, 15).items()})
        first += len(part)
    assert got == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plain=st.lists(st.tuples(st.text(alphabet="王李ab", max_size=5), st.floats(0, 1e5)), min_size=1,
                      max_size=2 * CHUNK + 10),
       odd=st.lists(st.tuples(st.integers(0, 2 * CHUNK + 9), st.lists(cells, max_size=4)), max_size=6))
def test_a_sheet_is_the_same_written_by_chunks_or_row_by_row(tmp_path_factory, plain, odd):
    """Chunks of plain rows with a few odd ones among them (control characters, Decimal, dates, short rows)."""
    data = [[h, m, "理由" * (i % 30), None] for i, (h, m) in enumerate(plain)]
    for at, row in odd:
        if at < len(data):
            data[at] = row
    folder = tmp_path_factory.mktemp("chunks")
    store = RowStore()
    store.extend(data)

    def spec(source):
        return SheetSpec("户明细", HEADER, source, widths={2: 20}, formats={1: MONEY_FORMAT}, size=len(data))

    write_xlsx(folder / "chunks.xlsx", [spec(store)], force=False)
    one_by_one = _RowByRow(data)
    write_xlsx(folder / "rows.xlsx", [spec(one_by_one)], force=False)
    with zipfile.ZipFile(folder / "chunks.xlsx") as a, zipfile.ZipFile(folder / "rows.xlsx") as b:
        assert a.read("xl/worksheets/sheet1.xml") == b.read("xl/worksheets/sheet1.xml")


class _RowByRow(list):
    """Rows that the writer can only take one chunk of one row at a time."""

    def chunks(self):
        for row in self:
            yield [row]


def test_rows_extended_in_pieces_are_packed_in_chunks_of_the_same_rows():
    store = RowStore()
    expected = []
    for n in (3, CHUNK - 4, 1, 2 * CHUNK + 7, 0, 5):
        piece = [[f"H{len(expected) + i}", i, Decimal(i) / 7 if i % 97 == 0 else i * 1.5] for i in range(n)]
        expected += piece
        if n % 2:
            store.extend(iter(piece))
        else:
            store.extend(piece)
        store.append(["X", len(expected)])
        expected.append(["X", len(expected)])
    assert list(store) == expected
    sizes = [len(chunk) for chunk in store.chunks()]
    assert all(size == CHUNK for size in sizes[:-1]) and sum(sizes) == len(expected) == len(store)
    assert store.widest == 3
