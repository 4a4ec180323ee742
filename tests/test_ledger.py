"""The ledger month after month: phase-out across months, links, transfers, replace, audit, crash and
concurrency safety, review from the ledger and from a roster, the year-end script."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES, person, write_xlsx

SCRIPT = EXAMPLES / "year-end-review.sh"


def months(start: str, count: int):
    year, month = int(start[:4]), int(start[5:])
    for _ in range(count):
        yield f"{year:04d}-{month:02d}"
        month += 1
        if month == 13:
            year, month = year + 1, 1


def family(income, **extra):
    return [person("H1", "才让东智", "1979-06-18", 经营净收入=income, **extra),
            person("H1", "拉毛措", "1982-02-28", "配偶", seq=12)]


def load(run, tmp_path, month, rows, *args, code=0):
    path = write_xlsx(tmp_path / f"{month}.xlsx", rows)
    result = run("import", path, "--month", month, "--db", tmp_path / "l.db", *args)
    assert result.code == code, result.out + result.err
    return result


def history(run, tmp_path, hid="H1"):
    result = run("history", hid, "--db", tmp_path / "l.db", "--format", "json")
    assert result.code == 0, result.err
    return result.json()


def test_phase_out_starts_carries_forward_for_12_months_then_exits(run, tmp_path):
    """Seed: 不少于1年的渐退期. Below the standard in Jan (低保); above from Feb: phase-out starts in Feb and
    ends on 2027-02-27; the household is still in it eleven months later (Jan 2027) and exits in Feb 2027."""
    load(run, tmp_path, "2026-01", family(3600))  # 3600 / 24 = 150 < 400
    for month in months("2026-02", 12):
        load(run, tmp_path, month, family(12000))  # 500 > 400; the roster says nothing about phase-out
    load(run, tmp_path, "2027-02", family(12000))
    rows = history(run, tmp_path)
    statuses = [(r["month"], r["status"]) for r in rows]
    assert statuses[0] == ("2026-01", "dibao")
    assert all(status == "phase_out" for month, status in statuses[1:13])
    assert statuses[12] == ("2027-01", "phase_out") and statuses[13] == ("2027-02", "exit")
    assert {r["phase_out_start"] for r in rows[1:]} == {"2026-02-28"}
    assert rows[1]["phase_out_end"] == "2027-02-27"
    jan = rows[0]["total_fen"]
    assert jan == 50000 and all(r["total_fen"] == jan for r in rows[1:13])  # the amount paid continues
    assert "进入渐退期：2026-02-28 至 2027-02-27" in rows[1]["events"]
    assert rows[13]["events"] == ["停保（渐退期满）"]


def test_back_to_dibao_when_income_falls_during_phase_out(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600))
    load(run, tmp_path, "2026-02", family(12000))
    load(run, tmp_path, "2026-03", family(2400))
    rows = history(run, tmp_path)
    assert [r["status"] for r in rows] == ["dibao", "phase_out", "dibao"]
    # back to normal coverage at a new amount: both are recorded, and the month's notice is a change notice
    assert rows[2]["events"] == ["渐退期内收入又低于标准，恢复正常保障", "月保障金由 500.00 元变为 600.00 元"]
    assert [r["total_fen"] for r in rows] == [50000, 50000, 60000]  # (400 - 2400 / 24) × 2
    notice = run("notice", "--month", "2026-03", "--region", "632521", "--date", "2026-03-31", "--db",
                 tmp_path / "l.db", "-o", tmp_path / "n")
    assert notice.code == 0 and sorted(p.name for p in (tmp_path / "n").iterdir() if not p.name.startswith(".")) == ["H1-变更通知书.html",
                                                                                    "全部通知书.html"]


def test_roster_phase_out_date_disagreeing_with_the_ledger_is_reported(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600))
    load(run, tmp_path, "2026-02", family(12000))
    result = load(run, tmp_path, "2026-03", family(12000, 渐退开始日期="2026-01-01", 当前保障类别="渐退期"))
    assert "渐退开始日期“2026-01-01”：与台账记录的渐退开始日期 2026-02-28 不一致" in result.out
    assert history(run, tmp_path)[2]["phase_out_start"] == "2026-02-28"


def test_month_already_imported_needs_replace_and_history_keeps_the_old_version(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600))
    again = load(run, tmp_path, "2026-01", family(4800), code=7)
    assert "已有 2026-01 月的数据" in again.err
    load(run, tmp_path, "2026-01", family(4800), "--replace")
    assert history(run, tmp_path)[0]["total_fen"] == 40000
    db = run.connect(tmp_path / "l.db")
    assert db.execute("SELECT COUNT(*), COUNT(superseded_by) FROM imports WHERE month = '2026-01'").fetchone() == (2, 1)


def test_roster_with_errors_is_refused_unless_skip_invalid(run, tmp_path):
    rows = family(3600) + [dict(person("H2", "冶玛", "1950-11-11", seq=12), 身份证号="6.32521E+17")]
    refused = load(run, tmp_path, "2026-01", rows, code=1)
    assert "名册有 1 个错误，未导入" in refused.err
    skipped = load(run, tmp_path, "2026-01", rows, "--skip-invalid", code=1)
    assert "1 户因名册错误未导入" in skipped.out and "H2" in skipped.out
    assert len(history(run, tmp_path)) == 1


def test_household_followed_when_the_head_dies_and_the_id_changes(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600))
    widow = [person("H1-2", "拉毛措", "1982-02-28", seq=12, 经营净收入=3600)]
    result = load(run, tmp_path, "2026-02", widow)
    assert "户编号变更 1 户" in result.out and "本月未出现" not in result.out and "新纳入" not in result.out
    rows = history(run, tmp_path, "H1-2")
    assert [(r["month"], r["household_id"]) for r in rows] == [("2026-01", "H1"), ("2026-02", "H1-2")]
    assert "户编号由 H1 变为 H1-2（户主变更）" in rows[1]["events"] and "减少成员 1 人" in rows[1]["events"]
    assert [r["month"] for r in history(run, tmp_path, "H1")] == ["2026-01", "2026-02"]


def test_move_between_categories_is_a_transfer(run, tmp_path):
    load(run, tmp_path, "2026-01", family(10800))  # 450: marginal
    load(run, tmp_path, "2026-02", family(3600))   # 150: 低保
    rows = history(run, tmp_path)
    assert [r["status"] for r in rows] == ["marginal", "dibao"]
    assert rows[1]["events"] == ["由边缘转为低保"]


def test_member_added_and_household_disappearing(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600) + [person("H2", "冶玛", "1950-11-11", seq=12)])
    baby = person("H1", "才让加", "2026-01-10", "子", seq=13)
    result = load(run, tmp_path, "2026-02", family(3600) + [baby])
    assert "成员增加 1 户" in result.out and "本月未出现 1 户" in result.out
    assert "新增成员 1 人" in history(run, tmp_path)[1]["events"]


def test_members_listed_in_another_order_are_no_change_and_a_member_replaced_is_one_in_one_out(run, tmp_path):
    """A household's members are compared with last month's as one list first: the same people in another
    order are the same household; a different list is compared person by person."""
    son = person("H1", "才让加", "2008-03-01", "子", seq=13)
    daughter = person("H1", "卓玛吉", "2010-07-07", "女", seq=14)
    load(run, tmp_path, "2026-01", family(3600) + [son])
    reordered = load(run, tmp_path, "2026-02", [son] + family(3600)[::-1])
    assert "成员增加" not in reordered.out and "成员减少" not in reordered.out
    load(run, tmp_path, "2026-03", family(3600) + [daughter])
    load(run, tmp_path, "2026-04", family(3600) + [daughter, son])
    rows = history(run, tmp_path)
    assert [r["events"] for r in rows] == [["新纳入低保"], [], ["新增成员 1 人", "减少成员 1 人"],
                                           ["月保障金由 960.00 元变为 1360.00 元", "新增成员 1 人"]]
    assert [r["members"] for r in rows] == [3, 3, 3, 4]


def test_audit_log_and_backup(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600))
    log = run("log", "--db", tmp_path / "l.db", "--format", "json")
    entry = log.json()[0]
    assert log.code == 0 and entry["command"].startswith("dibao import month=2026-01")
    assert list(entry["inputs"]) == [str(tmp_path / "2026-01.xlsx")] and len(entry["policy_hash"]) == 64
    assert run("db", "backup", tmp_path / "copy.db", "--db", tmp_path / "l.db").code == 0
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT month FROM imports").fetchall() == [("2026-01",)]
    assert run("db", "backup", tmp_path / "copy.db", "--db", tmp_path / "l.db").code == 5


def test_review_from_the_ledger(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600))
    load(run, tmp_path, "2026-02", family(12000))
    review = run("review", "--db", tmp_path / "l.db", "--as-of", "2027-02-01", "--within", "30", "--format", "json")
    assert review.code == 1
    items = {(i["household_id"], i["kind"], i["due"]) for i in review.json()["items"]}
    assert ("H1", "phase_out_end", "2027-02-27") in items
    assert ("H1", "never_checked", "2026-07-31") in items  # newly covered in Jan: first check after 6 months
    quiet = run("review", "--db", tmp_path / "l.db", "--as-of", "2026-02-01", "--within", "10", "--format", "json")
    assert quiet.code == 0 and quiet.json()["items"] == []
    out = tmp_path / "清单.xlsx"
    assert run("review", "--db", tmp_path / "l.db", "--as-of", "2027-02-01", "-o", out).code == 1
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb.sheetnames == ["恰卜恰镇"] and wb["恰卜恰镇"]["A2"].value == "乡镇"


def test_review_from_a_roster_without_ledger(run, tmp_path):
    review = run("review", EXAMPLES / "roster.xlsx", "--as-of", "2026-11-30", "--within", "0", "--format", "json")
    assert review.code == 1
    items = {(i["household_id"], i["kind"]) for i in review.json()["items"]}
    assert ("GH027", "periodic") in items  # last check 2025-10-10, members can work: every six months
    assert ("GH007", "periodic") in items  # 2025-11-20, stable: yearly, due 2026-11-20
    assert ("GH021", "periodic") not in items  # due 2026-12-05, after the date
    assert not any(hid == "GH001" for hid, _ in items)  # an applicant, not yet covered


def _roster(tmp_path, members: int) -> Path:
    target = tmp_path / f"roster-{members}.xlsx"
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / "benchmarks" / "make_roster.py"),
                    str(members), str(target)], check=True)
    return target


def _cli(*args):
    return [sys.executable, "-m", "dibao_cli", *map(str, args)]


def _february(con) -> list:
    return con.execute("SELECT month FROM imports WHERE month = '2026-02'").fetchall()


def test_killed_import_leaves_the_previous_state(tmp_path):
    """A crash mid-import (SIGKILL) never leaves half a month. Killed at fixed points: after it announced
    itself, and stopped while it holds the write lock (caught with SIGSTOP, then killed)."""
    big = _roster(tmp_path, 6000)
    db = tmp_path / "l.db"
    first = write_xlsx(tmp_path / "jan.xlsx", family(3600))
    assert subprocess.run(_cli("import", first, "--month", "2026-01", "--db", db)).returncode == 0
    con = sqlite3.connect(db, isolation_level=None, timeout=0)
    # 1. announced (it waits behind an import of an earlier month by this test's own process), then killed
    con.execute("INSERT INTO pending_imports (month, host, pid, started_at) VALUES ('2026-01', ?, ?, '')",
                (__import__("socket").gethostname(), os.getpid()))
    proc = subprocess.Popen(_cli("import", big, "--month", "2026-02", "--db", db), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    while not con.execute("SELECT 1 FROM pending_imports WHERE pid = ?", (proc.pid,)).fetchone():
        assert proc.poll() is None
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    con.execute("DELETE FROM pending_imports WHERE pid = ?", (os.getpid(),))
    assert _february(con) == [] and con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # 2. stopped while holding the write lock, then killed: nothing of February is in the ledger. A reader
    # stays open so that the importer cannot take the lock again after its commit (closing checkpoints).
    reader = sqlite3.connect(db, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM imports").fetchone()
    caught = False
    for _ in range(20):
        proc = subprocess.Popen(_cli("import", big, "--month", "2026-02", "--db", db, "--replace"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            try:
                con.execute("BEGIN IMMEDIATE")
                con.execute("ROLLBACK")
            except sqlite3.OperationalError:  # the importer holds the write lock
                proc.send_signal(signal.SIGSTOP)
                try:
                    con.execute("BEGIN IMMEDIATE")
                    con.execute("ROLLBACK")
                    proc.send_signal(signal.SIGCONT)  # it let go just before the stop: try again
                except sqlite3.OperationalError:
                    caught = True
                    proc.kill()
                    break
        proc.wait()
        if caught:
            break
        for table in ("households", "members", "events"):  # it finished: take February out and start again
            con.execute(f"DELETE FROM {table} WHERE import_id IN (SELECT id FROM imports WHERE month = '2026-02')")
        con.execute("DELETE FROM imports WHERE month = '2026-02'")
    assert caught
    reader.execute("COMMIT")
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert check.execute("SELECT month, households FROM imports").fetchall() == [("2026-01", 1)]
    assert check.execute("SELECT COUNT(*) FROM households").fetchone() == (1,)
    check.close()
    # the next import clears what the killed ones announced and lands whole
    done = subprocess.run(_cli("import", big, "--month", "2026-02", "--db", db), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert con.execute("SELECT COUNT(*) FROM pending_imports").fetchone() == (0,)
    assert con.execute("SELECT households FROM imports WHERE month = '2026-02'").fetchone()[0] == \
        con.execute("SELECT COUNT(*) FROM households h JOIN imports i ON i.id = h.import_id "
                    "WHERE i.month = '2026-02'").fetchone()[0] > 1900


def test_two_imports_at_once_both_land(tmp_path):
    big = _roster(tmp_path, 3000)
    db = tmp_path / "l.db"
    procs = [subprocess.Popen(_cli("import", big, "--month", month, "--db", db), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for month in ("2026-01", "2026-02")]
    for proc in procs:
        assert proc.wait() == 0, proc.stderr.read().decode()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = con.execute("SELECT month, households FROM imports ORDER BY month").fetchall()
    assert [m for m, _ in rows] == ["2026-01", "2026-02"] and rows[0][1] == rows[1][1] > 950


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_year_end_script(tmp_path):
    folder = tmp_path / "rosters"
    folder.mkdir()
    shutil.copy(EXAMPLES / "roster.xlsx", folder / "恰卜恰镇.xlsx")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               DIBAO_DB=str(tmp_path / "l.db"))
    done = subprocess.run(["bash", str(SCRIPT), str(folder), "2026", str(tmp_path / "out")], env=env,
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"到期核查清单.xlsx", "核算结果.xlsx", "汇总.txt"}
    assert "已导入 2026-12" in (tmp_path / "out" / "汇总.txt").read_text(encoding="utf-8")
    (folder / "乙镇.xlsx").write_bytes(b"not a workbook at all")
    stopped = subprocess.run(["bash", str(SCRIPT), str(folder), "2026", str(tmp_path / "out2")], env=env,
                             capture_output=True, text=True, cwd=tmp_path)
    assert stopped.returncode == 3 and "乙镇.xlsx" in stopped.stderr


def test_schema_is_versioned_and_a_newer_ledger_is_refused(run, tmp_path):
    load(run, tmp_path, "2026-01", family(3600))
    con = sqlite3.connect(tmp_path / "l.db")
    from dibao_cli.ledger.schema import VERSION

    assert con.execute("PRAGMA user_version").fetchone() == (VERSION,)
    con.execute(f"PRAGMA user_version = {VERSION + 1}")
    con.commit()
    con.close()
    newer = run("history", "H1", "--db", tmp_path / "l.db")
    assert newer.code == 7 and "更新版本的 dibao" in newer.err


@pytest.mark.sqlite_only
def test_not_a_ledger_and_unknown_household(run, tmp_path):
    (tmp_path / "x.db").write_bytes(b"this is not sqlite" * 100)
    assert run("history", "H1", "--db", tmp_path / "x.db").code == 7
    assert run("history", "H1", "--db", tmp_path / "none.db").code == 7
    load(run, tmp_path, "2026-01", family(3600))
    assert run("history", "H9", "--db", tmp_path / "l.db").code == 6


def test_cut_off_day_sets_the_assessment_day_and_the_reporting_period(run, tmp_path):
    """A county that counts from the 16th to the 15th: December is assessed on 2026-12-15."""
    policy = tmp_path / "c.toml"
    policy.write_text('[region]\ncode = "632521"\n[parameters.report_cutoff_day]\n'
                      '"2026-01-01" = { value = 15, source = "本县统计口径" }\n', encoding="utf-8")
    write_xlsx(tmp_path / "12.xlsx", family(3600))
    out = run("import", tmp_path / "12.xlsx", "--month", "2026-12", "--db", tmp_path / "l.db", "--region", "632521",
              "--policy", policy)
    assert "核算日期 2026-12-15" in out.out
    from dibao_cli.ledger.monthly import reporting_period

    assert reporting_period("2026-12", 15) == "2026年11月16日至2026年12月15日"
    assert reporting_period("2026-01", 15) == "2025年12月16日至2026年1月15日"
    assert reporting_period("2026-12", None) == "2026年12月"


def test_the_monthly_standard_is_stored_and_a_row_from_before_still_gets_it_on_its_notice(run, tmp_path):
    """The ledger keeps the monthly standard each household's income was compared to (fen), so a notice
    from the ledger shows it without reading it back out of the reason's sentence; rows stored before the
    column existed (NULL) fall back to the sentence, with the same notice."""
    load(run, tmp_path, "2026-01", family(3600))
    load(run, tmp_path, "2026-02", family(2400))  # a new amount: a change notice, with the standard on it
    con = run.connect(tmp_path / "l.db")
    assert con.execute("SELECT standard_fen FROM households ORDER BY import_id").fetchall() == [(40000,), (40000,)]
    reasons = json.loads(history(run, tmp_path)[1]["reasons"])
    assert "农村低保标准 400.00 元/人·月" in next(r["text"] for r in reasons if r["code"] == "below_standard")
    assert "standard_fen" not in history(run, tmp_path)[1]  # the history shows what it always showed
    args = ("notice", "--month", "2026-02", "--region", "632521", "--date", "2026-02-28", "--db", tmp_path / "l.db")
    assert run(*args, "-o", tmp_path / "stored").code == 0
    stored = (tmp_path / "stored" / "H1-变更通知书.html").read_text(encoding="utf-8")
    assert "400.00 元/人·月" in stored
    con.execute("UPDATE households SET standard_fen = NULL")
    con.commit()
    con.close()
    assert run(*args, "-o", tmp_path / "older").code == 0
    assert (tmp_path / "older" / "H1-变更通知书.html").read_text(encoding="utf-8") == stored


def test_the_marginal_line_is_stored_and_a_row_from_before_still_gets_it_on_its_notice(run, tmp_path):
    """The ledger keeps the 低保边缘 line (1.5 times the standard, fen) a marginal household's income was
    compared to, and a notice from the ledger shows it from there; rows stored before the column existed
    (NULL) read it from the reason's sentence, with byte-identical notices."""
    from conftest import EXAMPLES

    county = ("--region", "632521", "--policy", EXAMPLES / "632521-共和县.toml")
    db = tmp_path / "l.db"
    assert run("import", EXAMPLES / "roster.xlsx", "--month", "2026-10", *county, "--db", db).code == 0
    con = run.connect(db)
    assert con.execute("SELECT household_id, marginal_line_fen FROM households WHERE marginal_line_fen IS NOT NULL "
                       "ORDER BY household_id").fetchall() == [
        ("GH006", 60000), ("GH016", 60000), ("GH025", 60000), ("GH026", 60000), ("GH030", 60000), ("GH032", 60000)]
    args = ("notice", "--month", "2026-10", *county, "--date", "2026-10-31", "--db", db)
    assert run(*args, "-o", tmp_path / "stored").code == 0
    stored = {p.name: p.read_bytes() for p in (tmp_path / "stored").iterdir()}
    line = "但低于低保边缘家庭的收入标准（{} 元）"
    assert line.format("600.00") in stored["GH016-低保边缘认定告知书.html"].decode("utf-8")
    con.execute("UPDATE households SET marginal_line_fen = 61234 WHERE household_id = 'GH016'")  # read from the column
    con.commit()
    assert run(*args, "-o", tmp_path / "column").code == 0
    assert line.format("612.34") in (tmp_path / "column" / "GH016-低保边缘认定告知书.html").read_text(encoding="utf-8")
    con.execute("UPDATE households SET marginal_line_fen = NULL")
    con.commit()
    con.close()
    assert run(*args, "-o", tmp_path / "older").code == 0
    assert {p.name: p.read_bytes() for p in (tmp_path / "older").iterdir()} == stored
