"""The ledger at scale, checked on a small one: every query the commands run uses an index on the large
tables (households, members, events); repeated texts are stored once; an old ledger is migrated in place."""

import datetime as dt
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import person, write_xlsx

from dibao_cli.ledger.schema import V1, VERSION

LARGE = ("households", "members", "events")
KEYWORDS = {"WHERE", "JOIN", "ON", "GROUP", "ORDER", "LIMIT", "SELECT", "VALUES", "USING", "INNER", "LEFT"}


def family(income, hid="H1", year=1979):
    return [person(hid, "才让东智", f"{year}-06-18", 经营净收入=income),
            person(hid, "拉毛措", f"{year + 3}-02-28", "配偶", seq=12)]


def _roster(tmp_path, members: int) -> Path:
    target = tmp_path / f"roster-{members}.xlsx"
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / "benchmarks" / "make_roster.py"),
                    str(members), str(target)], check=True)
    return target


def test_every_query_of_the_commands_uses_an_index_on_the_large_tables(run, tmp_path):
    from dibao_cli.cli.assess import resolve
    from dibao_cli.documents import statistics as st
    from dibao_cli.ledger.monthly import import_month
    from dibao_cli.ledger.store import Ledger
    from dibao_cli.checks.monitor import previous_from_ledger
    from dibao_cli.checks.review import cases_from_ledger_rows
    from dibao_cli.reading.roster import read_rosters

    roster_file = _roster(tmp_path, 600)
    db = tmp_path / "l.db"
    for month in ("2026-01", "2026-02"):
        assert run("import", roster_file, "--month", month, "--db", db).code == 0
    statements: list[str] = []
    ledger = Ledger(db)
    ledger.db.set_trace_callback(statements.append)
    day = dt.date(2026, 3, 31)
    roster = read_rosters([roster_file], sheet=None, all_sheets=False, encoding=None, on_date=day)
    import_month(ledger, roster, resolve(None, (), day), "2026-03", day, [roster_file], False, False, "test")
    of_import = list(statements)
    cases_from_ledger_rows(ledger.review_rows("2026-03"))
    ledger.history("H0000003")
    ledger.paid_months("H0000003")
    ledger.events_of("2026-03")
    ledger.event_counts("2026-03")
    rows = ledger.households_of("2026-03")
    rows["H0000003"]["reasons"]
    previous_from_ledger(ledger, "2026-02")
    st.from_ledger(ledger, "2026-03")
    st.year_to_date(ledger, "2026-03")
    st.trend(ledger, "2026-03")
    st.year_summary(ledger, 2026)
    ledger.require_month("2026-02")
    ledger.db.set_trace_callback(None)
    selects = {s for s in statements if s.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE"))
               and "staging." not in s and "helper." not in s}  # copying the staged month (and the rows a
    # helper process staged, ledger/month_helper.py) reads all of it, by design
    assert len(selects) > 25
    scans = []
    for statement in selects:
        names = set(LARGE) | {alias for _, alias in re.findall(r"\b(households|members|events)\s+(?:AS\s+)?(\w+)",
                                                              statement) if alias.upper() not in KEYWORDS}
        for row in ledger.db.execute("EXPLAIN QUERY PLAN " + statement).fetchall():
            found = re.match(r"SCAN (\w+)", row[-1])
            if found and found.group(1) in names:
                scans.append((statement[:160], row[-1]))
    ledger.close()
    assert scans == []
    # the previous month is read once per import: one query of its households and one of its members (a row
    # per household: their ID numbers in one string)
    previous_reads = [s for s in of_import if "FROM households h WHERE import_id" in s and "phase_out_start" in s]
    member_reads = [s for s in of_import if s.startswith("SELECT x.household_id, group_concat(x.id_number")
                    and s.endswith("GROUP BY x.household_id")]
    assert len(previous_reads) == 1 and len(member_reads) == 1


def test_reasons_are_stored_once_and_shown_whole(run, tmp_path):
    db = tmp_path / "l.db"
    roster = write_xlsx(tmp_path / "r.xlsx", family(3600) + family(12000, "H2", 1980) + family(30000, "H3", 1981))
    for month in ("2026-01", "2026-02"):
        assert run("import", roster, "--month", month, "--db", db).code == 0
    con = sqlite3.connect(db)
    stored = [r for (r,) in con.execute("SELECT reasons FROM households ORDER BY import_id, household_id")]
    # each household keeps the id of its reason's stored sentence and its own numbers
    assert stored[:3] == ["1:150.00|400.00", "2:500.00|400.00|1.5|600.00", "3:1,250.00|400.00|1.5|600.00"]
    assert stored[3:] == stored[:3]
    assert con.execute("SELECT COUNT(*) FROM households WHERE reasons LIKE '%民发%'").fetchone() == (0,)
    texts = con.execute("SELECT COUNT(*) FROM texts").fetchone()[0]
    assert texts == 3  # below the standard, marginal, not eligible: the same sentences for every household
    # shown whole: the same reasons as assessing the roster directly
    assessed = run("assess", roster, "--date", "2026-02-28", "--format", "json").json()
    shown = run("history", "H1", "--db", db, "--format", "json").json()
    direct = next(h for h in assessed["households"] if h["household_id"] == "H1")["reasons"]
    assert json.loads(shown[1]["reasons"]) == direct


def test_a_version_1_ledger_is_migrated_in_place(run, tmp_path):
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript(V1)
    reasons = [{"code": "below_standard", "text": "家庭月人均收入 150.00 元低于农村低保标准", "basis": "民发〔2021〕57号"}]
    con.execute("INSERT INTO imports VALUES (1, '2026-01', '2026-01-31', 'x', '632521', 'p', 'h', '{}', 1, 2, 0, NULL, "
                "'0.1')")
    con.execute("INSERT INTO households VALUES (1, 'H1', NULL, '恰卜恰镇', '西台村', '才让东智', NULL, '农村', 2, 2, "
                "'dibao', 360000, '3600', '150', 50000, 50000, 0, NULL, NULL, NULL, '2026-01-31', 1, ?)",
                (json.dumps(reasons, ensure_ascii=False),))
    con.executemany("INSERT INTO events VALUES (1, 'H1', ?, ?)", [("new", "新纳入低保"), ("member_added", "新增成员 1 人")])
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    shown = run("history", "H1", "--db", db, "--format", "json")
    assert shown.code == 0, shown.err
    assert json.loads(shown.json()[0]["reasons"]) == reasons and shown.json()[0]["assessed"] == 1
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone() == (VERSION,)
    assert con.execute("SELECT reasons FROM households").fetchone() == ("1:150.00",)
    # events get their township and their place in their import as they were written
    assert con.execute("SELECT kind, township, seq FROM events ORDER BY seq").fetchall() == [
        ("new", "恰卜恰镇", 1), ("member_added", "恰卜恰镇", 2)]
    assert con.execute("SELECT body FROM texts").fetchall() == [
        ('["below_standard", "民发〔2021〕57号", "家庭月人均收入 \\u001f 元低于农村低保标准"]',)]
    # and it goes on from there
    roster = write_xlsx(tmp_path / "r.xlsx", family(3600))
    assert run("import", roster, "--month", "2026-02", "--db", db).code == 0
    assert [r["events"] for r in run("history", "H1", "--db", db, "--format", "json").json()] == [
        ["新纳入低保", "新增成员 1 人"], []]
