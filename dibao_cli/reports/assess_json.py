"""The JSON of `assess` for the households the columnar engine decided (assess/vector.py), built from their
figures with every constant part made once: the same bytes as `household_dict` dumped by orjson
(tests/test_engine*.py compare the two on every branch). Measured against one text template per shape, the
dict handed to orjson was the faster (orjson escapes and indents in C)."""

from __future__ import annotations

from dibao_cli.reports.assess import _monthly as monthly
from dibao_cli.reports.assess import f2y, y
from dibao_cli.status import COVERED
from dibao_cli.status import LABEL as STATUS_LABEL
from dibao_cli.status import PROGRAMME_LABEL as PROGRAMME_OF_STATUS

_ZERO_BENEFIT = {"differential": "0.00", "classified": "0.00", "minimum_top_up": "0.00", "rounding": "0.00",
                 "total": "0.00"}
_PROGRAMMES = {status: [label] for status, label in PROGRAMME_OF_STATUS.items()}
_NONE: list = []


def household_object(d) -> dict:
    """The household object of a decided household (assess/vector.py `Decided`), as `household_dict` builds it."""
    h = d.household
    status = d.status
    excluded = d.excluded
    parts = d.breakdown
    total = d.total
    if parts is None:  # a status without parts: every part 0 (y(0) is "0.00"); a phase-out pays its amount on
        if total is None:  # not known (benefit_known False)
            benefit = {**_ZERO_BENEFIT, "total": None}
        else:
            benefit = {**_ZERO_BENEFIT, "total": y(total)} if total else _ZERO_BENEFIT
    else:
        benefit = {"differential": f2y(parts.differential), "classified": f2y(parts.classified),
                   "minimum_top_up": f2y(parts.minimum_top_up), "rounding": f2y(parts.rounding), "total": y(d.total)}
    n = len(d.members)
    return {
        "household_id": h.household_id,
        "township": h.township,
        "village": h.village,
        "head_name": h.head_label,
        "area_type": h.area_type,
        "members": n,
        "covered_members": n if status in COVERED else 0,
        "status": status,
        "status_label": STATUS_LABEL[status],
        "annual_income": {
            "counted": f2y(d.counted),
            "excluded": f2y(sum(excluded.values())) if excluded else "0.00",
            "excluded_items": {k: f2y(v) for k, v in excluded.items()} if excluded else {},
            "employment_deduction": f2y(d.employment),
            "rigid_deduction": f2y(d.rigid),
            "adjusted": f2y(d.adjusted),
        },
        "per_capita_monthly_income": y(d.per_capita),
        "monthly_standard": monthly(d.annual_standard),
        "monthly_benefit": benefit,
        "phase_out": None if d.phase_out is None else {"start": d.phase_out[0].isoformat(),
                                                        "end": d.phase_out[1].isoformat()},
        "single_person": _NONE,
        "reasons": [{"code": c, "text": t, "basis": b} for c, t, b in d.reasons],
        "flags": [{"code": c, "text": t, "basis": b} for c, t, b in d.flags],
        "programmes": _PROGRAMMES.get(status, _NONE),
        "tekun": _NONE,
        "rigid_expense": None,
    }
