"""The ledger's history stays true: concurrent imports land in month order and are computed against the
month before them as committed; households skipped for errors keep last month's decision; replacing an
earlier month names the later months built on it; payment after a phase-out ended is a warning."""

import random
import subprocess
import sys
from pathlib import Path

from conftest import person, write_csv, write_xlsx
from test_ledger import family, history, load

MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04")
INCOMES = (2400, 3600, 10800, 12000, 20000)


def county_month(index: int) -> list[dict]:
    """40 households whose incomes, members and presence change from month to month (the same every run)."""
    rows = []
    for i in range(1, 41):
        rnd = random.Random(i * 100 + index)
        if index > 0 and rnd.random() < 0.08:
            continue  # not in this month's roster
        hid = f"H{i:02d}"
        birth = f"{1950 + i}-03-{1 + index % 2:02d}" if False else f"{1950 + i}-03-01"
        income = INCOMES[random.Random(i * 100 + index // 2).randrange(len(INCOMES))]
        rows.append(person(hid, f"户主{i}", birth, seq=11, 经营净收入=income))
        rows.append(person(hid, f"配偶{i}", f"{1952 + i}-05-02", "配偶", seq=12))
        if index >= 2 and i % 6 == 0:
            rows.append(person(hid, f"子{i}", "2026-02-10", "子", seq=13 + 2 * i))
    return rows


def _cli(*args):
    return [sys.executable, "-m", "dibao_cli", *map(str, args)]


def _events(run, db: Path) -> dict[str, list[tuple]]:
    con = run.connect(db)
    out = {}
    for month in MONTHS:
        out[month] = con.execute(
            "SELECT e.household_id, e.kind, e.detail FROM events e JOIN imports i ON i.id = e.import_id "
            "WHERE i.month = ? AND i.superseded_by IS NULL ORDER BY 1, 2, 3", (month,)).fetchall()
    statuses = con.execute("SELECT i.month, h.household_id, h.status, h.total_fen, h.enrolled_on, h.phase_out_start "
                           "FROM households h JOIN imports i ON i.id = h.import_id WHERE i.superseded_by IS NULL "
                           "ORDER BY 1, 2").fetchall()
    con.close()
    return out, statuses


def test_four_months_imported_at_once_equal_the_same_four_one_after_another(run, tmp_path):
    files = [write_csv(tmp_path / f"{m}.csv", county_month(i)) for i, m in enumerate(MONTHS)]
    one_by_one = tmp_path / "seq.db"
    for month, path in zip(MONTHS, files):
        done = subprocess.run(_cli("import", path, "--month", month, "--db", run.target(one_by_one)), capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
    together = tmp_path / "par.db"
    procs = [subprocess.Popen(_cli("import", path, "--month", month, "--db", run.target(together)), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for month, path in zip(MONTHS, files)]
    for proc in procs:
        out, err = proc.communicate()
        assert proc.returncode == 0, err.decode()
    expected, expected_status = _events(run, one_by_one)
    got, got_status = _events(run, together)
    counts = [len(expected[m]) for m in MONTHS]
    assert counts == [35, 2, 33, 6]  # each month's changes, not everyone as new again
    assert [len(got[m]) for m in MONTHS] == counts
    assert got == expected and got_status == expected_status
    # notices chosen from a month's events: the same set either way
    for db, folder in ((one_by_one, "seq"), (together, "par")):
        out = run("notice", "--month", "2026-04", "--region", "632521", "--date", "2026-04-30", "--db", db,
                  "-o", tmp_path / folder)
        assert out.code == 0, out.err
    names = sorted(p.name for p in (tmp_path / "seq").iterdir() if not p.name.startswith("."))  # notices, not the index
    assert names == sorted(p.name for p in (tmp_path / "par").iterdir() if not p.name.startswith("."))
    assert len(names) == 5, names
    con = run.connect(together)
    assert con.execute("SELECT COUNT(*) FROM pending_imports").fetchone() == (0,)


def test_household_skipped_for_errors_keeps_its_decision_and_is_not_new_next_month(run, tmp_path):
    other = [person("H2", "冶玛", "1950-11-11", seq=12, 经营净收入=2400)]
    load(run, tmp_path, "2026-01", family(3600) + other)
    broken = [dict(r, 身份证号="6.32521E+17") if r["姓名"] == "拉毛措" else r for r in family(3600)]
    feb = load(run, tmp_path, "2026-02", broken + other, "--skip-invalid", code=1)
    assert "1 户因名册错误未导入" in feb.out and "其中 1 户上月在台账中，本月未核算、保留上月结果（不算停保）：H1" in feb.out
    assert "本月未出现" not in feb.out and "停保" not in feb.out.split("其中")[0]
    load(run, tmp_path, "2026-03", family(3600) + other)
    rows = history(run, tmp_path)
    assert [(r["month"], r["status"], r["total_fen"], r["assessed"], r["enrolled_on"]) for r in rows] == [
        ("2026-01", "dibao", 50000, 1, "2026-01-31"), ("2026-02", "dibao", 50000, 0, "2026-01-31"),
        ("2026-03", "dibao", 50000, 1, "2026-01-31")]
    assert rows[1]["events"] == ["本月名册中本户有错误，未核算：保留上月结果"] and rows[2]["events"] == []
    table = run("history", "H1", "--db", tmp_path / "l.db")
    assert table.code == 0 and "低保（本月未核算，沿用上月）" in table.out
    notices = run("notice", "--month", "2026-03", "--region", "632521", "--date", "2026-03-31", "--db",
                  tmp_path / "l.db", "-o", tmp_path / "n")
    assert notices.code == 0 and "没有需要出具的通知书" in notices.out  # no second approval notice
    con = run.connect(tmp_path / "l.db")
    assert con.execute("SELECT households, members, skipped FROM imports WHERE month = '2026-02'").fetchone() == (2, 3, 1)


def test_replacing_an_earlier_month_computes_the_later_months_again_or_names_them(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600))
    load(run, tmp_path, "2026-02", family(3600))
    load(run, tmp_path, "2026-03", family(3600))
    out = load(run, tmp_path, "2026-01", family(20000), "--replace")  # January was well above the standard after all
    assert "以后的月份 2026-02 原先是按本月原来的数据计算的，已用它原来的名册文件重新计算：1 户；变化：新纳入 1 户" in out.out
    assert "以后的月份 2026-03 原先是按本月原来的数据计算的，已用它原来的名册文件重新计算：1 户" in out.out
    assert [(r["month"], r["status"], r["events"]) for r in history(run, tmp_path)] == [
        ("2026-01", "ineligible", []), ("2026-02", "dibao", ["新纳入低保"]), ("2026-03", "dibao", [])]
    # the March file changed since it was imported: named, with what to do
    write_xlsx(tmp_path / "2026-03.xlsx", family(2400))
    out = load(run, tmp_path, "2026-02", family(3600), "--replace")
    assert ("台账中以后的月份 2026-03 是按 2026-02 月原来的数据（或尚无该月时）计算的" in out.out
            and "2026-03：原名册文件已移走或已修改" in out.out
            and "dibao import 名册-2026-03.xlsx --month 2026-03 --replace" in out.out)
    con = run.connect(tmp_path / "l.db")
    assert con.execute("SELECT COUNT(*) FROM pending_imports").fetchone() == (0,)


def test_payment_continuing_after_the_phase_out_ended_is_a_warning(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600))
    load(run, tmp_path, "2026-02", family(12000))  # phase-out 2026-02-28 to 2027-02-27
    out = load(run, tmp_path, "2027-03", family(12000, 当前月保障金=500))  # the roster still pays 500 元
    assert ("户 H1 当前月保障金“500.00”：渐退期已于 2027-02-27 结束（停保），名册中仍有本月保障金。"
            "核实是否已停发；如仍在发放，请停发并追回多发的金额") in out.out
    assert history(run, tmp_path)[-1]["status"] == "exit"
    quiet = load(run, tmp_path, "2027-04", family(12000))
    assert "渐退期" not in quiet.out
    # review of a ledger month still in phase-out after its end: listed as paid after the end
    review = run("review", "--db", tmp_path / "l.db", "--month", "2026-02", "--as-of", "2027-03-01", "--within", "0",
                 "--format", "json")
    assert review.code == 1
    items = [(i["kind"], i["due"]) for i in review.json()["items"] if i["household_id"] == "H1"]
    assert ("paid_after_phase_out", "2027-02-27") in items and ("phase_out_end", "2027-02-27") not in items
    # review from a roster that still says 渐退期 and pays after the end
    roster = write_xlsx(tmp_path / "r.xlsx", family(12000, 当前保障类别="渐退期", 渐退开始日期="2025-01-01",
                                                     当前月保障金=500))
    review = run("review", roster, "--as-of", "2026-06-30", "--within", "0", "--format", "json")
    assert review.code == 1
    assert [(i["kind"], i["due"]) for i in review.json()["items"]] == [("paid_after_phase_out", "2025-12-31")]


def test_months_imported_out_of_order_end_as_if_imported_in_order(run, tmp_path):
    files = [write_csv(tmp_path / f"{m}.csv", county_month(i)) for i, m in enumerate(MONTHS)]
    in_order, out_of_order = tmp_path / "a.db", tmp_path / "b.db"
    for month, path in zip(MONTHS, files):
        assert run("import", path, "--month", month, "--db", in_order).code == 0
    for i in (0, 3, 2, 1):
        out = run("import", files[i], "--month", MONTHS[i], "--db", out_of_order)
        assert out.code == 0, out.err
    assert "以后的月份 2026-03 原先是按本月导入之前的台账计算的，已用它原来的名册文件重新计算" in out.out
    assert "以后的月份 2026-04 原先是按本月导入之前的台账计算的" in out.out
    assert _events(run, out_of_order) == _events(run, in_order)


def _split(index: int) -> tuple[list[dict], dict[str, list[dict]]]:
    """A county month of two townships: the whole roster and each township's part."""
    rows = county_month(index)
    for row in rows:
        if int(row["户编号"][1:]) > 20:
            row["乡镇"] = "倒淌河镇"
    return rows, {t: [r for r in rows if r["乡镇"] == t] for t in ("恰卜恰镇", "倒淌河镇")}


def test_townships_imported_at_once_into_the_same_month_equal_the_county_roster(run, tmp_path):
    """import --township: two townships' rosters imported at the same moment (two processes) into one month
    give the month the county roster gives; the same township twice at once: one lands, the other is told."""
    county, township = tmp_path / "county.db", tmp_path / "township.db"
    for i, month in enumerate(MONTHS[:2]):
        whole, parts = _split(i)
        assert run("import", write_csv(tmp_path / f"{month}.csv", whole), "--month", month, "--db", county).code == 0
        if i == 0:
            assert run("import", tmp_path / f"{month}.csv", "--month", month, "--db", township).code == 0
            continue
        files = {t: write_csv(tmp_path / f"{month}-{t}.csv", rows) for t, rows in parts.items()}
        procs = [subprocess.Popen(_cli("import", path, "--month", month, "--township", t, "--db", run.target(township)),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for t, path in files.items()]
        for proc in procs:
            out, err = proc.communicate()
            assert proc.returncode == 0, err
    want, want_status = _events(run, county)
    got, got_status = _events(run, township)
    assert got == want and got_status == want_status
    assert len(want["2026-02"]) > 0 and {s[1] for s in got_status if s[0] == "2026-02"} == {
        s[1] for s in want_status if s[0] == "2026-02"}
    # the same township twice at once
    path = tmp_path / "2026-02-恰卜恰镇.csv"
    procs = [subprocess.Popen(_cli("import", path, "--month", "2026-03", "--township", "恰卜恰镇", "--db",
                                   run.target(township)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = sorted((p.wait(), p.stderr.read()) for p in procs)
    assert [code for code, _ in results] == [0, 7]
    assert "台账中已有恰卜恰镇 2026-03 月的数据（可能是别人刚刚导入的）。如要用这份名册替换，请加 --replace" in results[1][1]
    # a roster with another township's households is refused, naming them
    out = run("import", tmp_path / "2026-02-倒淌河镇.csv", "--month", "2026-03", "--township", "恰卜恰镇", "--db", township)
    assert out.code == 1 and "名册中有 19 户的乡镇不是“恰卜恰镇”" in out.err


def test_a_households_events_keep_the_order_their_import_found_them_whatever_order_the_rows_lie_in(run, tmp_path):
    """Each event has its place in its import (seq): history lists a household's events of a month in that order
    on both backends, even when the rows were written (or rewritten) in another order."""
    db = tmp_path / "l.db"
    for i, month in enumerate(MONTHS):
        assert run("import", write_csv(tmp_path / f"{month}.csv", county_month(i)), "--month", month, "--db", db).code == 0
    want = [("2026-01", ["新纳入低保"]), ("2026-02", []), ("2026-03", ["月保障金由 500.00 元变为 360.00 元", "新增成员 1 人"]),
            ("2026-04", [])]
    before = run("history", "H30", "--db", db, "--format", "json").json()
    assert [(m["month"], m["events"]) for m in before] == want
    # the household's events written again, last first: they now lie in the table in the reverse order
    con = run.connect(db)
    rows = con.execute("SELECT import_id, household_id, kind, detail, township, seq FROM events "
                       "WHERE household_id IN ('H30', 'H36') ORDER BY import_id, seq").fetchall()
    assert len(rows) == 6
    con.execute("DELETE FROM events WHERE household_id IN ('H30', 'H36')")
    for row in reversed(rows):
        con.execute("INSERT INTO events (import_id, household_id, kind, detail, township, seq) VALUES (?, ?, ?, ?, ?, ?)",
                    tuple(row))
    con.commit()
    stored = [r[2] for r in con.execute(  # a scan of the table, not of an index: the rows as they lie
        "SELECT household_id, import_id, kind FROM events WHERE household_id || '' = 'H30'")]
    con.close()
    assert stored == ["member_added", "amount_changed", "new"]  # as they lie, with no order asked for
    assert run("history", "H30", "--db", db, "--format", "json").json() == before
    h36 = run("history", "H36", "--db", db, "--format", "json").json()
    assert [(m["month"], m["events"]) for m in h36 if m["events"]] == [
        ("2026-01", ["新纳入低保"]), ("2026-03", ["月保障金由 500.00 元变为 1060.00 元", "新增成员 1 人"])]


def test_the_events_of_four_generated_months_are_the_ones_expected(run, tmp_path):
    """The month's rows written in bulk and compared with last month in one pass: every kind of event of
    the 40 generated households, month by month, as found before the bulk writes (both backends)."""
    db = tmp_path / "l.db"
    for i, month in enumerate(MONTHS):
        assert run("import", write_csv(tmp_path / f"{month}.csv", county_month(i)), "--month", month, "--db", db).code == 0
    con = run.connect(db)
    got = {month: dict(con.execute("SELECT e.kind, COUNT(*) FROM events e JOIN imports i ON i.id = e.import_id "
                                   "WHERE i.month = ? GROUP BY e.kind", (month,)).fetchall()) for month in MONTHS}
    gone = con.execute("SELECT i.month, e.household_id FROM events e JOIN imports i ON i.id = e.import_id "
                       "WHERE e.kind = 'disappeared' ORDER BY 1, 2").fetchall()
    con.close()
    assert got == {"2026-01": {"new": 14, "new_marginal": 21}, "2026-02": {"disappeared": 2},
                   "2026-03": {"amount_changed": 4, "disappeared": 3, "member_added": 5, "new": 3, "new_marginal": 3,
                               "phase_out_started": 6, "transfer": 9},
                   "2026-04": {"disappeared": 4, "new": 2}}
    assert [tuple(r) for r in gone] == [("2026-02", "H02"), ("2026-02", "H24"), ("2026-03", "H19"), ("2026-03", "H22"),
                                        ("2026-03", "H33"), ("2026-04", "H03"), ("2026-04", "H07"), ("2026-04", "H09"),
                                        ("2026-04", "H34")]
