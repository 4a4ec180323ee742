"""The JSON of `assess` for the households the columnar engine decided (assess/vector.py), written from their
figures through one byte template of the household object: the same bytes as `household_dict` dumped by orjson
(tests/test_engine*.py compare the two on every branch and on random households). Measured on a 100k-member
roster, the template takes about half the time of building the object and dumping it with orjson.
`columnar_pieces` interleaves them, in the roster's order, with the objects of the households assessed one at a
time."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import orjson

from dibao_cli.assess.decided_result import decided_blocks
from dibao_cli.assess.household import assess_household
from dibao_cli.money import fen_to_fen
from dibao_cli.reports.assess import _monthly as monthly
from dibao_cli.reports.assess import _ONE, f2y, household_dict, y
from dibao_cli.status import COVERED
from dibao_cli.status import LABEL as STATUS_LABEL
from dibao_cli.status import PROGRAMME_LABEL as PROGRAMME_OF_STATUS

# strings met again and again (townships, villages, statuses, bases) are encoded once; the others by orjson one
# string at a time, so every escape is orjson's own

_TEXT, _INT = "\x00text\x00", "\x00int\x00"


def _template() -> bytes:
    """The household object as orjson writes it with OPT_INDENT_2, each variable value a %b slot (a %d slot for the
    two counts), in the order `household_bytes` fills them."""
    s, i = _TEXT, _INT
    sample = {
        "household_id": s, "township": s, "village": s, "head_name": s, "area_type": s, "members": i,
        "covered_members": i, "status": s, "status_label": s,
        "annual_income": {"counted": s, "excluded": s, "excluded_items": s, "employment_deduction": s,
                          "rigid_deduction": s, "adjusted": s},
        "per_capita_monthly_income": s, "monthly_standard": s,
        "monthly_benefit": {"differential": s, "classified": s, "minimum_top_up": s, "rounding": s, "total": s},
        "phase_out": s, "single_person": s, "reasons": s, "flags": s, "programmes": s, "tekun": [],
        "rigid_expense": None,
    }
    text = orjson.dumps(sample, option=orjson.OPT_INDENT_2).replace(b"%", b"%%")
    return text.replace(orjson.dumps(s), b"%b").replace(orjson.dumps(i), b"%d")


TEMPLATE = _template()


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


class _Memo(dict):
    """A text of each amount, made once per distinct amount (the text depends on the value alone: equal ints and
    Decimals share an entry); emptied when it grows past LIMIT, so memory stays flat at a province's size."""

    LIMIT = 1 << 16
    __slots__ = ("make",)

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, value):
        if len(self) >= self.LIMIT:
            self.clear()
        found = self[value] = self.make(value)
        return found


_FEN = _Memo(_fen_bytes)  # fen -> f2y as a JSON string
_YUAN = _Memo(lambda value: b'"' + y(value).encode() + b'"')  # yuan -> y as a JSON string
_MONTHLY = _Memo(lambda annual: _ENCODED[monthly(annual)])  # annual standard fen -> the monthly standard shown


def _items(items) -> bytes:
    """A list of {code, text, basis} at the household's first level of nesting."""
    if not items:
        return b"[]"
    encoded = _ENCODED
    return b"[\n    " + b",\n    ".join(
        b'{\n      "code": %b,\n      "text": %b,\n      "basis": %b\n    }' % (encoded[code], orjson.dumps(text), encoded[why])
        for code, text, why in items) + b"\n  ]"


# a decided household's reasons (few distinct under one policy: assess/vector.py shares them) -> their JSON
_REASONS = _Memo(_items)


def _excluded_bytes(items: tuple) -> tuple[bytes, bytes]:
    """(total, items) of a household's excluded income items, each (item, fen)."""
    encoded = _ENCODED
    return _FEN[sum(fen for _, fen in items)], b"{\n      " + b",\n      ".join(
        encoded[item] + b": " + _FEN[fen] for item, fen in items) + b"\n    }"


_EXCLUDED = _Memo(_excluded_bytes)  # excluded items (a few kinds, at set amounts) -> (total, items) as JSON
_NO_EXCLUDED = (_ZERO, b"{}")


def _singles(singles) -> bytes:
    """The members covered alone (单人户): name, ground, total."""
    return b"[\n    " + b",\n    ".join(
        b'{\n      "name": %b,\n      "ground": %b,\n      "total": "%b"\n    }' % (
            orjson.dumps(c.member.name), orjson.dumps(c.ground), y(c.total).encode()) for c in singles) + b"\n  ]"


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


def household_bytes(d) -> bytes:
    """The household object of a decided household (assess/vector.py `Decided`) as `household_dict` dumped by
    orjson (OPT_INDENT_2) writes it, without building the object."""
    h = d.household
    status = d.status
    fen = _FEN
    encoded = _ENCODED
    excluded = d.excluded
    parts = d.breakdown
    total = d.total
    if parts is None:
        benefit = (_ZERO, _ZERO, _ZERO, _ZERO)
    else:
        benefit = (fen[parts.differential], fen[parts.classified], fen[parts.minimum_top_up], fen[parts.rounding])
    n = len(d.members)
    phase_out = d.phase_out
    singles = d.singles
    return TEMPLATE % (
        orjson.dumps(h.household_id), encoded[h.township], encoded[h.village], orjson.dumps(_head_label(h)),
        encoded[h.area_type], n, (len(singles) if singles else n) if status in COVERED else 0, encoded[status],
        encoded[STATUS_LABEL[status]],
        fen[d.counted], *(_EXCLUDED[tuple(excluded.items())] if excluded else _NO_EXCLUDED),
        fen[d.employment], fen[d.rigid], fen[d.adjusted],
        _YUAN[d.per_capita], _MONTHLY[d.annual_standard], *benefit,
        b"null" if total is None else _YUAN[total],
        b"null" if phase_out is None else b'{\n    "start": "%b",\n    "end": "%b"\n  }' % (
            phase_out[0].isoformat().encode(), phase_out[1].isoformat().encode()),
        _singles(singles) if singles else b"[]", _REASONS[tuple(d.reasons)], _items(d.flags),
        _PROGRAMME_BYTES.get(status, b"[]"),
    )


def columnar_pieces(assessment, running):
    """Each pending household's JSON object in order: from the columnar engine's figures where it decided the
    household, else from `assess_household` as always."""
    policy, day = assessment.policy, assessment.day
    option = orjson.OPT_INDENT_2
    for household, decided in decided_blocks(assessment):
        if decided is None:
            result = assess_household(household, policy, day)
            running.add(result)
            yield orjson.dumps(household_dict(result), option=option)
        else:
            running.add_decided(decided)
            yield household_bytes(decided)
