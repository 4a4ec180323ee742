"""`dibao import` stores the households the columnar engine decides (assess/vector.py) from its figures
(ledger/decided.py). The ledger must be the same, table by table and row by row, as when every household is
assessed one at a time (DIBAO_ENGINE=household): on the examples under both policies, on generated
clean, messy and mixed rosters over months whose incomes, members and households change, on both backends; and
the rows built for random households against random records of last month (hypothesis)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from conftest import EXAMPLES, ROOT
from dibao_cli.assess.household import iter_results, plan_assessment
from dibao_cli.ledger.decided import month_results
from dibao_cli.ledger.month_rows import MonthRows
from dibao_cli.ledger.monthly import ImportReport
from dibao_cli.ledger.store import SEP, Ledger, PreviousMonth
from test_engine_random import DAY, POLICIES, rosters

COUNTY = ("--region", "632521", "--policy", str(EXAMPLES / "632521-共和县.toml"))
VOLATILE = {"imported_at", "at", "started_at"}  # clock times
DB = re.compile(r"db=\S+")  # the ledger's own name in the audit log's command lines
BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


def _generate(folder: Path, n: int, *flags: str) -> Path:
    path = folder / f"roster-{n}{''.join(flags)}.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), str(n), str(path), *flags],
                   check=True, capture_output=True)
    return path


def _next_month(path: Path, out: Path) -> Path:
    """The roster a month later: wages up in some households (phase-outs, 边缘, exits from it) and down in others
    (new 低保, changed amounts), a member gone here and there, a few households gone, and in some households
    a new member (one without an ID number: an error) or a new household number (followed through the members)."""
    book = load_workbook(path)
    sheet = book.active
    top = next(r for r, row in enumerate(sheet.iter_rows(values_only=True), 1) if "户编号" in row)
    header = [c.value for c in sheet[top]]
    rows = [list(r) for r in sheet.iter_rows(min_row=top + 1, values_only=True)]
    wage, hid, name, idn = (header.index(c) for c in ("工资性收入", "户编号", "姓名", "身份证号"))
    order = {h: k for k, h in enumerate(dict.fromkeys(r[hid] for r in rows))}
    kept = []
    for i, row in enumerate(rows):
        k = order[row[hid]]
        if k % 17 == 3 or (i % 41 == 5 and row[hid] is not None):
            continue  # a household gone, a member gone
        if k % 17 == 8 and isinstance(row[hid], str):
            row[hid] += "X"  # the same members under a new household number
        if k % 7 == 1:
            row[wage] = (row[wage] if isinstance(row[wage], (int, float)) else 0) + 9000
        elif k % 11 == 2 and isinstance(row[wage], (int, float)):
            row[wage] = 0
        kept.append(row)
        if i % 29 == 4:
            born = list(row)
            born[name], born[idn] = "新生儿", (None if k % 2 else born[idn])
            kept.append(born)
    kept.append(list(rows[-1][:hid]) + [f"{rows[-1][hid]}N"] + list(rows[-1][hid + 1:]))  # a new household
    sheet.delete_rows(top + 1, sheet.max_row)
    for row in kept:
        sheet.append(row)
    book.save(out)
    return out


def _dump(run, backend: str, db: str) -> dict[str, list]:
    """Every table of a ledger: its rows sorted, without the clock times."""
    con = run.connect(db)
    try:
        if backend == "sqlite":
            tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
            columns = {t: [c[1] for c in con.execute(f"PRAGMA table_info({t})").fetchall()] for t in tables}
        else:
            found = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position").fetchall()
            columns = {}
            for table, column in found:
                columns.setdefault(table, []).append(column)
        out = {}
        for table, names in columns.items():
            kept = [n for n in names if n not in VOLATILE]
            rows = con.execute(f"SELECT {', '.join(kept)} FROM {table}").fetchall()
            out[table] = sorted((tuple(DB.sub("db=", v) if isinstance(v, str) else v for v in r) for r in rows), key=repr)
        return out
    finally:
        con.close()


def _import_both(run, monkeypatch, backend, tmp_path, months: list[tuple[str, Path]], *args) -> dict[str, list]:
    dumps, codes = [], []
    for engine in ("household", "columnar"):
        monkeypatch.setenv("DIBAO_ENGINE", engine)
        db = str(tmp_path / f"{engine}.db")
        codes.append([run("import", roster, "--month", month, "--db", db, "--skip-invalid", *args).code
                      for month, roster in months])
        dumps.append(_dump(run, backend, db))
    assert codes[0] == codes[1]
    household, columnar = dumps
    assert len(columnar["imports"]) == len(months)
    assert household.keys() == columnar.keys()
    for table in household:
        assert columnar[table] == household[table], table
    return columnar


@BOTH
@pytest.mark.parametrize("county", [False, True])
def test_the_examples_are_stored_the_same_from_either_engine(run, monkeypatch, backend, tmp_path, county):
    months = [("2026-10", EXAMPLES / "roster.xlsx"), ("2026-11", EXAMPLES / "roster.xlsx"),
              ("2026-12", _next_month(EXAMPLES / "roster.xlsx", tmp_path / "next.xlsx")),
              ("2027-01", EXAMPLES / "messy-roster.xlsx"), ("2027-02", EXAMPLES / "tiered-roster.xlsx")]
    tables = _import_both(run, monkeypatch, backend, tmp_path, months, *(COUNTY if county else ()))
    assert len(tables["households"]) > 80


@BOTH
@pytest.mark.parametrize("flags", [(), ("--messy",), ("--messy", "--mixed")])
def test_generated_rosters_over_months_are_stored_the_same_from_either_engine(run, monkeypatch, backend, tmp_path,
                                                                            flags):
    first = _generate(tmp_path, 3000, *flags)
    second = _next_month(first, tmp_path / "second.xlsx")
    third = _next_month(second, tmp_path / "third.xlsx")
    months = [("2026-01", first), ("2026-02", second), ("2026-03", third), ("2026-04", first)]
    tables = _import_both(run, monkeypatch, backend, tmp_path, months)
    kinds = {row[2] for row in tables["events"]}
    assert {"new", "exit", "phase_out_started", "amount_changed", "member_added", "member_removed", "linked",
            "disappeared"} <= kinds, kinds
    assert len(tables["households"]) > 3000


STATUSES = ("dibao", "single_person", "phase_out", "exit", "marginal", "ineligible", "tekun", "rigid")


@st.composite
def months(draw):
    """A random roster (tests/test_engine_random.py) and last month's record of some of its households."""
    roster = draw(rosters())
    records, members = {}, {}
    for hid, household in roster.households.items():
        if draw(st.booleans()):
            status = draw(st.sampled_from(STATUSES))
            records[hid] = {"household_id": hid, "status": status, "total_fen": draw(st.one_of(st.none(), st.integers(0, 90_000))),
                            "phase_out_start": None, "phase_out_end": None, "township": household.township,
                            "enrolled_on": draw(st.sampled_from((None, "2025-03-31")))}
            ids = [m.id_number or "" for m in household.members]
            members[hid] = SEP.join(draw(st.sampled_from((ids, ids[1:], ids + ["632521199001011234"]))))
    return roster, records, members


def _rows(ledger, roster, records, members, policy, results):
    previous = PreviousMonth("2026-10", 1, None, records, members, frozenset())
    rows = MonthRows(None, ledger, previous, DAY, policy.marginal_multiplier, ImportReport("2026-11", DAY))
    for result in results:
        event(f"{type(result).__name__}: {result.status}")
        rows.add(result, None, records.get(result.household.household_id))
    return rows.households, rows.members, rows.events, rows.report


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(month=months(), which=st.sampled_from(sorted(POLICIES)))
def test_random_households_give_the_same_rows_from_either_engine(tmp_path_factory, month, which):
    roster, records, members = month
    policy = POLICIES[which]
    for m in (m for h in roster.households.values() for m in h.members):
        m.id_number = m.id_number or f"63252119900101{m.row:04d}"
    built = []
    for results in (iter_results(plan_assessment(roster, policy, DAY)),
                    month_results(plan_assessment(roster, policy, DAY))):
        ledger = Ledger(tmp_path_factory.mktemp("rows") / "l.db")
        try:
            ledger.load_texts()
            built.append(_rows(ledger, roster, records, members, policy, results))
        finally:
            ledger.close()
    (households, members_, events, report), (households2, members2, events2, report2) = built
    assert households2 == households
    assert members2 == members_
    assert events2 == events
    assert (report2.households, report2.members, report2.events) == (report.households, report.members, report.events)
