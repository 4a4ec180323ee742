"""The JSON of `assess` for the households the columnar engine decided (assess/vector.py), written from their
figures through one byte template of the household object: the same bytes as `household_dict` dumped by orjson
(tests/test_engine*.py compare the two on every branch and on random households). Measured on a 100k-member
roster, the template takes about half the time of building the object and dumping it with orjson.
`columnar_chunks` interleaves them, in the roster's order, with the objects of the households assessed one at a
time."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import orjson

from dibao_cli.assess.columns import Memo
from dibao_cli.assess.decided_result import decided_lists
from dibao_cli.assess.household import assess_household
from dibao_cli.money import fen_to_fen
from dibao_cli.reports.assess import _monthly as monthly
from dibao_cli.reports.assess import _ONE, f2y, household_dict, y
from dibao_cli.status import COVERED
from dibao_cli.status import LABEL as STATUS_LABEL
from dibao_cli.status import PROGRAMME_LABEL as PROGRAMME_OF_STATUS

# strings met again and again (townships, villages, statuses, bases) are encoded once; the others by orjson one
# string at a time, so every escape is orjson's own

# the household object's values in the order orjson writes them, each slot a %b (a %d for the two counts); runs of
# slots whose text depends on a few values (a place, a kind of household, the figures, the benefit, the phase-out
# and reasons) are one slot of the household's template, each written once per distinct value from its own template
SLOTS = ("household_id", "township", "village", "head_name", "area_type", "members", "covered_members", "status",
         "status_label", "counted", "excluded", "excluded_items", "employment_deduction", "rigid_deduction",
         "adjusted", "per_capita_monthly_income", "monthly_standard", "differential", "classified",
         "minimum_top_up", "rounding", "total", "phase_out", "single_person", "reasons", "flags", "programmes")
GROUPS = (("household_id",), ("township", "village"), ("head_name",),
          ("area_type", "members", "covered_members", "status", "status_label"), ("counted",),
          ("excluded", "excluded_items"),
          ("employment_deduction", "rigid_deduction", "adjusted", "per_capita_monthly_income", "monthly_standard"),
          ("differential", "classified", "minimum_top_up", "rounding", "total"),
          ("phase_out", "single_person", "reasons"), ("flags",), ("programmes",))
_COUNTS = ("members", "covered_members")


def _templates() -> tuple[bytes, dict]:
    """(the household object as orjson writes it with OPT_INDENT_2, one %b slot per group of GROUPS; each group's
    own template by its first slot's name)."""
    marks = {name: (900000000 + index if name in _COUNTS else f"\x00slot{index}\x00")
             for index, name in enumerate(SLOTS)}
    m = marks
    sample = {
        "household_id": m["household_id"], "township": m["township"], "village": m["village"],
        "head_name": m["head_name"], "area_type": m["area_type"], "members": m["members"],
        "covered_members": m["covered_members"], "status": m["status"], "status_label": m["status_label"],
        "annual_income": {name: m[name] for name in ("counted", "excluded", "excluded_items", "employment_deduction",
                                                     "rigid_deduction", "adjusted")},
        "per_capita_monthly_income": m["per_capita_monthly_income"], "monthly_standard": m["monthly_standard"],
        "monthly_benefit": {name: m[name] for name in ("differential", "classified", "minimum_top_up", "rounding",
                                                       "total")},
        "phase_out": m["phase_out"], "single_person": m["single_person"], "reasons": m["reasons"],
        "flags": m["flags"], "programmes": m["programmes"], "tekun": [], "rigid_expense": None,
    }
    text = orjson.dumps(sample, option=orjson.OPT_INDENT_2).replace(b"%", b"%%")
    encoded = {name: orjson.dumps(mark) for name, mark in marks.items()}
    groups = {}
    whole = text
    for group in GROUPS:
        first, last = encoded[group[0]], encoded[group[-1]]
        begin = text.index(first)
        span = text[begin:text.index(last) + len(last)]
        for name in group:
            span = span.replace(encoded[name], b"%d" if name in _COUNTS else b"%b")
        groups[group[0]] = span
        whole = whole.replace(text[begin:text.index(last) + len(last)], b"%b")
    return whole, groups


TEMPLATE, _GROUP = _templates()
# the household template's constant text around its slots (each memo below writes a slot with the text after it)
(_T0, _T1, _T2, _T3, _T4, _T5, _T6, _T7, _T8, _T9, _T10, _END) = (
    part.replace(b"%%", b"%") for part in TEMPLATE.split(b"%b"))


def _string(value) -> bytes:
    """`orjson.dumps` of a str (or None): a str of printable characters without a quote or backslash is written
    as it is, between quotes (orjson escapes nothing else); any other value by orjson itself. Measured in the
    assess process (a large heap), orjson.dumps of a short string costs about ten times as much."""
    if value.__class__ is str and value.isprintable() and '"' not in value and "\\" not in value:
        return b'"%b"' % value.encode()
    return orjson.dumps(value)


class _Encoded(dict):
    """JSON strings of values met again and again, each encoded once."""

    def __missing__(self, value):
        found = self[value] = orjson.dumps(value)
        return found


_ENCODED = _Encoded()
_ZERO = b'"0.00"'


def _fen_bytes(fen) -> bytes:
    """`f2y` as a JSON string."""
    if not fen:
        return _ZERO
    kind = type(fen)
    if kind is Decimal:
        fen = int(fen.quantize(_ONE, rounding=ROUND_HALF_UP))
    elif kind is not int:
        fen = fen_to_fen(fen)
    if fen < 0:
        return b'"' + f2y(fen).encode() + b'"'
    return b'"%d.%02d"' % divmod(fen, 100)


_FEN = Memo(_fen_bytes)  # fen -> f2y as a JSON string
_YUAN = Memo(lambda value: b'"' + y(value).encode() + b'"')  # yuan -> y as a JSON string
_MONTHLY = Memo(lambda annual: _ENCODED[monthly(annual)])  # annual standard fen -> the monthly standard shown


def _items(items) -> bytes:
    """A list of {code, text, basis} at the household's first level of nesting."""
    if not items:
        return b"[]"
    encoded = _ENCODED
    return b"[\n    " + b",\n    ".join(
        b'{\n      "code": %b,\n      "text": %b,\n      "basis": %b\n    }' % (encoded[code], _string(text), encoded[why])
        for code, text, why in items) + b"\n  ]"


# a decided household's reasons (few distinct under one policy: assess/vector.py shares them) -> their JSON
_REASONS = Memo(_items)


def _excluded_bytes(items: tuple) -> bytes:
    """The "excluded" and "excluded_items" of a household's excluded income items, each (item, fen)."""
    encoded = _ENCODED
    return _GROUP["excluded"] % (_FEN[sum(fen for _, fen in items)], b"{\n      " + b",\n      ".join(
        encoded[item] + b": " + _FEN[fen] for item, fen in items) + b"\n    }") + _T6


_EXCLUDED = Memo(_excluded_bytes)  # excluded items (a few kinds, at set amounts) -> their JSON
_NO_EXCLUDED = _GROUP["excluded"] % (_ZERO, b"{}") + _T6


def _singles(singles) -> bytes:
    """The members covered alone (单人户): name, ground, total."""
    return b"[\n    " + b",\n    ".join(
        b'{\n      "name": %b,\n      "ground": %b,\n      "total": "%b"\n    }' % (
            _string(c.member.name), _string(c.ground), y(c.total).encode()) for c in singles) + b"\n  ]"


_PROGRAMME_BYTES = {status: b"[\n    %b\n  ]" % orjson.dumps(label) for status, label in PROGRAMME_OF_STATUS.items()}


def _head_label(h) -> str | None:
    """`Household.head_label` (the one head's name, else the 户主姓名 column) in one pass over the members."""
    head = None
    for m in h.members:
        if m.is_head:
            if head is not None:
                return h.head_name
            head = m
    return h.head_name if head is None else head.name


# the groups of slots, each written once per distinct value (see GROUPS), with the template's text after them
_PLACE = Memo(lambda key: _T1 + _GROUP["township"] % (_ENCODED[key[0]], _ENCODED[key[1]]) + _T2)  # (township, village)
# (area type, members, covered members, status)
_KIND = Memo(lambda key: _GROUP["area_type"] % (_ENCODED[key[0]], key[1], key[2], _ENCODED[key[3]],
                                                 _ENCODED[STATUS_LABEL[key[3]]]) + _T4)
_COUNTED = Memo(lambda fen: _FEN[fen] + _T5)
# (employment deduction, rigid deduction, adjusted income, per-capita income, annual standard)
_FIGURES = Memo(lambda key: _GROUP["employment_deduction"] % (_FEN[key[0]], _FEN[key[1]], _FEN[key[2]],
                                                               _YUAN[key[3]], _MONTHLY[key[4]]) + _T7)


def _benefit_bytes(key) -> bytes:
    """The monthly benefit's parts and total of (breakdown or None, total or None)."""
    parts, total = key
    fen = _FEN
    total = b"null" if total is None else _YUAN[total]
    if parts is None:
        return _GROUP["differential"] % (_ZERO, _ZERO, _ZERO, _ZERO, total) + _T8
    return _GROUP["differential"] % (fen[parts.differential], fen[parts.classified], fen[parts.minimum_top_up],
                                     fen[parts.rounding], total) + _T8


_BENEFIT = Memo(_benefit_bytes)


def _phase_out_bytes(phase_out) -> bytes:
    if phase_out is None:
        return b"null"
    return b'{\n    "start": "%b",\n    "end": "%b"\n  }' % (
        phase_out[0].isoformat().encode(), phase_out[1].isoformat().encode())


def _tail(phase_out, singles, reasons: tuple) -> bytes:
    return _GROUP["phase_out"] % (_phase_out_bytes(phase_out), _singles(singles) if singles else b"[]",
                                  _REASONS[reasons]) + _T9


# (phase-out or None, reasons) of a household without members covered alone
_TAIL = Memo(lambda key: _tail(key[0], (), key[1]))
# the programmes by status with the rest of the template after them: the object's end, or it and ",\n"
_LAST = {status: _T10 + _PROGRAMME_BYTES.get(status, b"[]") + _END for status in STATUS_LABEL}
_FOLLOWED = {status: text + b",\n" for status, text in _LAST.items()}


def household_pieces(d, programmes: dict = _LAST) -> tuple:
    """The household object of a decided household (assess/vector.py `Decided`) as `household_dict` dumped by
    orjson (OPT_INDENT_2) writes it, without building the object: pieces whose join is the object (followed by
    ",\n" with `programmes=_FOLLOWED`, so a block's households are joined once; see `household_bytes`)."""
    h = d.household
    status = d.status
    excluded = d.excluded
    n = len(d.members)
    singles = d.singles
    reasons = tuple(d.reasons)
    flags = d.flags
    return (
        _T0, _string(h.household_id), _PLACE[(h.township, h.village)], _string(_head_label(h)), _T3,
        _KIND[(h.area_type, n, (len(singles) if singles else n) if status in COVERED else 0, status)],
        _COUNTED[d.counted], _EXCLUDED[tuple(excluded.items())] if excluded else _NO_EXCLUDED,
        _FIGURES[(d.employment, d.rigid, d.adjusted, d.per_capita, d.annual_standard)],
        _BENEFIT[(d.breakdown, d.total)],
        _tail(d.phase_out, singles, reasons) if singles else _TAIL[(d.phase_out, reasons)],
        _items(flags) if flags else b"[]", programmes[status],
    )


def household_bytes(d) -> bytes:
    """The household object of a decided household as `household_dict` dumped by orjson (OPT_INDENT_2)."""
    return b"".join(household_pieces(d))


def columnar_chunks(assessment, running):
    """The pending households' JSON objects in order, one chunk of objects joined by ",\n" per block: from the
    columnar engine's figures where it decided the household (`household_bytes`), else from `assess_household`
    as always. `running` (reports/assess.py Totals) adds each household up on the way."""
    policy, day = assessment.policy, assessment.day
    option = orjson.OPT_INDENT_2
    add, add_decided = running.add, running.add_decided
    for block, decided in decided_lists(assessment):
        # each household's pieces followed by ",\n", taken off after the block's last household
        write = household_pieces
        pieces: list[bytes] = []
        extend = pieces.extend
        if None not in decided:  # every household of the block decided on columns
            running.add_decided_block(decided)
            for d in decided:
                extend(write(d, _FOLLOWED))
        else:
            append = pieces.append
            for household, d in zip(block, decided):
                if d is None:
                    result = assess_household(household, policy, day)
                    add(result)
                    append(orjson.dumps(household_dict(result), option=option))
                    append(b",\n")
                else:
                    add_decided(d)
                    extend(write(d, _FOLLOWED))
        pieces[-1] = pieces[-1][:-2]
        yield b"".join(pieces)
