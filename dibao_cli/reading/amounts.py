"""Income and expense items of a sheet read by columns: each member's dictionary of the amounts that are not 0."""

from __future__ import annotations

from dibao_cli.model import EMPTY


MIXED_BITS = 62  # the combinations' numbers are the digits in mixed radix below 2 ** MIXED_BITS


def amount_items(columns: list) -> list | None:
    """Each member's dictionary of the income (or expense) items that are not 0, in the columns' order, from
    (item, clean value of each code, the codes as an Arrow array) of each column; None when no member has one.
    A roster has few distinct combinations of amounts: one dictionary is built for each, and shared by the members
    with it (a member's items are read, never changed, once read: see model.Member)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    live = []
    for name, values, indices in columns:
        kept = [value is not None and value != 0 for value in values]
        if indices is not None and any(kept):
            live.append((name, values, indices, kept))
    if not live:
        return None
    digits = []  # per column, each member's code + 1, or 0 for no item
    for name, values, indices, kept in live:
        table = pa.array([c + 1 if k else 0 for c, k in enumerate(kept)], pa.int64())
        digits.append(pc.fill_null(pc.take(table, indices), 0))
    # one number for each combination: the digits in mixed radix while that fits in 62 bits (nearly always), the
    # combinations' codes so far times the next radix otherwise
    radixes = [len(values) + 1 for _, values, _, _ in live]
    key = digits[0]
    span = radixes[0]  # the key is below this
    mixed = True
    for digit, radix in zip(digits[1:], radixes[1:]):
        if mixed and span * radix < 1 << MIXED_BITS:
            span *= radix
        else:
            mixed = False
            key = pc.cast(pc.dictionary_encode(key).indices, pa.int64())
        key = pc.add(pc.multiply(key, radix), digit)
    encoded = pc.dictionary_encode(key)
    if mixed:  # each combination's digits read back from its number
        picked = [[] for _ in digits]
        for number in encoded.dictionary.to_pylist():
            for k in range(len(radixes) - 1, -1, -1):
                number, digit = divmod(number, radixes[k])
                picked[k].append(digit)
    else:
        firsts = pc.index_in(encoded.dictionary, value_set=key)  # a row with each combination
        picked = [digit.take(firsts).to_pylist() for digit in digits]
    templates = []
    for combination in zip(*picked):
        items = {name: values[digit - 1] for (name, values, _, _), digit in zip(live, combination) if digit}
        templates.append(items or EMPTY)
    return list(map(templates.__getitem__, encoded.indices.to_pylist()))
