"""The ID-number column of a sheet read by columns, screened with Arrow alone: which cells are clean 18-character
numbers (shape, checksum, a real birth date), their birth dates and sex, and whether they all differ.

Pure Arrow, no Python object a row: the loader's child process runs it on its own columns once it has handed them
over (while this process builds the members), and this process runs the same function when the child could not.
The cells it does not take are read one by one by idcard.parse_id, as by the row reader. clean_ids turns a screen
into the Python values the members are made with.
"""

from __future__ import annotations

from dibao_cli.idcard import CHECK_CHARS, WEIGHTS

# the screen's columns: the clean number (null where parse_id reads the cell), its birth date (dictionary-encoded:
# a roster has a few tens of thousands of them, whatever its size) and its sex (null there too)
NUMBER, BIRTH, MALE = "number", "birth", "male"
COLUMNS = [NUMBER, BIRTH, MALE]
# schema metadata: b"1"/b"0" whether every cell is clean and all differ (absent when some cell is not clean)
DISTINCT = b"distinct"


def screen_ids(column):
    """The screen of one ID column (an Arrow string array) as a record batch of NUMBER, BIRTH and MALE; None for a
    column that is not text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if not pa.types.is_string(array.type):
        return None
    shaped = pc.fill_null(pc.match_substring_regex(array, r"^[0-9]{17}[0-9Xx]$"), False)
    upper = pc.utf8_upper(pc.if_else(shaped, array, pa.scalar("000000190001010000")))
    # every value now has 18 ASCII characters: its bytes, 18 a row, read as small integers (a slice and a cast
    # of each character cost three times as much)
    count = len(upper)
    if count == 0:
        return _batch(pa.array([], pa.string()), pa.array([], pa.date32()), pa.array([], pa.bool_()), b"1")
    start = pa.Array.from_buffers(pa.int32(), 1, [None, upper.buffers()[1]], offset=upper.offset)[0].as_py()
    data = pa.Array.from_buffers(pa.uint8(), 18 * count, [None, upper.buffers()[2]], offset=start)
    firsts = pc.subtract(pc.cumulative_sum(pa.repeat(pa.scalar(18, pa.int64()), count)), 18)  # each row's first byte

    def byte(position: int):
        return data.take(pc.add(firsts, position))

    total = pa.scalar(-48 * sum(WEIGHTS), pa.int32())  # the digits are their bytes less 48 ("0")
    for position, weight in enumerate(WEIGHTS):
        total = pc.add(total, pc.multiply(byte(position), pa.scalar(weight, pa.int32())))
    expected = pc.take(pa.array([ord(c) for c in CHECK_CHARS], pa.int32()),
                       pc.subtract(total, pc.multiply(pc.divide(total, 11), 11)))
    good = pc.and_(shaped, pc.equal(byte(17), expected))
    digits = pc.utf8_slice_codeunits(upper, 6, 14)
    births = pc.strptime(digits, format="%Y%m%d", unit="s", error_is_null=True)
    stated = pc.cast(digits, pa.int64())  # yyyymmdd
    good = pc.and_(pc.and_(good, pc.is_valid(births)), pc.greater_equal(stated, 1000_00_00))
    # strptime rolls 20230230 over to 2023-03-02: a real date gives back the same year, month and day
    read = pc.add(pc.add(pc.multiply(pc.year(births), 10000), pc.multiply(pc.month(births), 100)), pc.day(births))
    good = pc.fill_null(pc.and_(good, pc.equal(read, stated)), False)
    male = pc.equal(pc.bit_wise_and(byte(16), 1), 1)  # "1" is 49: odd digits have odd bytes
    numbers = pc.if_else(good, upper, pa.scalar(None, pa.string()))
    births = pc.cast(pc.if_else(good, births, pa.scalar(None, births.type)), pa.date32())
    distinct = None
    if pc.all(good).as_py() is not False:
        distinct = b"1" if numbers_differ(upper) else b"0"
    return _batch(numbers, births, pc.if_else(good, male, pa.scalar(None, pa.bool_())), distinct)


def numbers_differ(numbers) -> bool:
    """Whether clean ID numbers (an Arrow string array without nulls) all differ: the first 17 digits decide the
    last, and as a number they are told apart in a third of the time their text would take."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return len(pc.unique(pc.cast(pc.utf8_slice_codeunits(numbers, 0, 17), pa.int64()))) == len(numbers)


def _batch(numbers, births, males, distinct):
    import pyarrow as pa
    import pyarrow.compute as pc

    metadata = None if distinct is None else {DISTINCT: distinct}
    return pa.RecordBatch.from_arrays([numbers, pc.dictionary_encode(births), males], COLUMNS, metadata=metadata)


def all_distinct(screen) -> bool | None:
    """Whether every cell of the screened column is a clean number and all differ (None: some cell is not clean)."""
    metadata = screen.schema.metadata or {}
    flag = metadata.get(DISTINCT)
    return None if flag is None else flag == b"1"


def clean_ids(column, screen=None):
    """Numbers, birth dates and sex of the clean 18-character ID numbers (None where the cell needs parse_id), the
    birth dates and sex again as Arrow arrays (null there), and whether every number is clean and all differ, from
    the column's screen (screen_ids, made here when not given); None for a column that is not text."""
    import pyarrow.compute as pc

    if screen is None:
        screen = screen_ids(column)
        if screen is None:
            return None
    numbers = screen.column(0)
    dates = screen.column(1)
    males = screen.column(2)
    days = dates.dictionary.to_pylist()  # a date object per distinct birth date
    codes = dates.indices
    if codes.null_count:
        days.append(None)
        codes = pc.fill_null(codes, len(days) - 1)
    distinct = all_distinct(screen) if numbers.null_count == 0 else False
    if distinct is None:
        distinct = numbers_differ(numbers)
    return (numbers.to_pylist(), list(map(days.__getitem__, codes.to_pylist())), males.to_pylist(),
            dates.dictionary.take(dates.indices), males, distinct)


def from_loader(loading, position: int, total: int, rows):
    """The loader child's screen of the ID column (at `position` of the table, of `total` rows), kept to `rows`
    (an Arrow array, None: all); None when there is none (no child, or it could not make it)."""
    import pyarrow as pa

    if loading is None or loading.id_position != position:
        return None
    extras = loading.screen()
    if extras is None or extras.num_rows != total:
        return None
    screen = pa.RecordBatch.from_arrays([extras.column(name) for name in COLUMNS], COLUMNS,
                                        metadata=extras.schema.metadata)
    return screen if rows is None else screen.take(rows).replace_schema_metadata(None)
