"""The shared ledger on a real PostgreSQL server: structure versions, moving a county's SQLite ledger in and
back out, two imports of the same month at once, and connection strings that never show their password.
(The ledger, review, notice and report tests also run on PostgreSQL: tests/conftest.py, `backend`.)"""

import json
import sqlite3
import subprocess
import sys

import pytest

from conftest import write_csv
from dibao_cli.ledger.pg_schema import LEDGER_TABLES
from test_ledger_history import MONTHS, county_month

REGION = ("--region", "632521")


def _cli(*args):
    return [sys.executable, "-m", "dibao_cli", *map(str, args)]


def _county_ledger(run, tmp_path, db):
    """A county's ledger with four months, notices (document numbers) and the audit log."""
    for i, month in enumerate(MONTHS):
        path = write_csv(tmp_path / f"{month}.csv", county_month(i))
        out = run("import", path, "--month", month, "--db", db, *REGION)
        assert out.code == 0, out.err
    out = run("notice", "--month", "2026-04", *REGION, "--date", "2026-04-30", "--db", db, "-o", tmp_path / "n")
    assert out.code == 0, out.err


def _tables(con, columns_of) -> dict[str, list[tuple]]:
    out = {}
    for table in LEDGER_TABLES:
        columns = [c for c in columns_of(table) if c != "db_user"]
        rows = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _sqlite_tables(path):
    con = sqlite3.connect(path)
    try:
        return _tables(con, lambda t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")])
    finally:
        con.close()


def _pg_tables(url):
    import psycopg

    with psycopg.connect(url) as con:
        return _tables(con, lambda t: [c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            (t,)).fetchall()])


def test_a_county_ledger_moves_into_postgresql_and_back_unchanged(run, tmp_path, fresh_pg):
    """dibao db import-db / db export: every table's rows and the history of sample households are the same."""
    _county_ledger(run, tmp_path, tmp_path / "county.db")
    url = fresh_pg()
    moved = run("db", "import-db", tmp_path / "county.db", "--db", url)
    assert moved.code == 0, moved.err
    assert "已导入" in moved.out and "4 次导入" in moved.out
    back = run("db", "export", tmp_path / "back.db", "--db", url)
    assert back.code == 0, back.err
    original = _sqlite_tables(tmp_path / "county.db")
    assert sum(len(rows) for rows in original.values()) > 500
    assert _pg_tables(url) == original
    assert _sqlite_tables(tmp_path / "back.db") == original
    for hid in ("H01", "H06", "H12", "H30"):
        want = run("history", hid, "--db", tmp_path / "county.db", "--format", "json").json()
        assert run("history", hid, "--db", url, "--format", "json").json() == want
        assert run("history", hid, "--db", tmp_path / "back.db", "--format", "json").json() == want
    # the moved ledger goes on: the next month imports on PostgreSQL with the ids continuing
    nxt = run("import", write_csv(tmp_path / "2026-05.csv", county_month(4)), "--month", "2026-05", "--db", url, *REGION)
    assert nxt.code == 0, nxt.err
    again = run("db", "import-db", tmp_path / "county.db", "--db", url)
    assert again.code == 7 and "已有数据，未导入" in again.err


def test_a_database_newer_than_dibao_is_refused_and_an_empty_one_is_set_up(run, tmp_path, fresh_pg, pg_server):
    import psycopg

    from conftest import database_url

    url = fresh_pg()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("UPDATE dibao_schema SET version = 99")
    out = run("history", "H01", "--db", url)
    assert out.code == 7
    assert "由更新版本的 dibao 建立或升级（结构版本 99" in out.err and "请升级 dibao" in out.err
    # a database made with createdb and nothing else: reading commands say what to do; db upgrade sets it up
    server, _ = pg_server
    with psycopg.connect(server, autocommit=True) as con:
        con.execute("DROP DATABASE IF EXISTS dibao_t_empty WITH (FORCE)")
        con.execute("CREATE DATABASE dibao_t_empty")
    try:
        empty = database_url(server, "dibao_t_empty")
        out = run("review", "--db", empty)
        assert out.code == 7 and "还没有 dibao 台账。请先运行 dibao db upgrade" in out.err
        out = run("db", "upgrade", "--db", empty)
        assert out.code == 0 and "已建立台账结构（版本 8）" in out.out
        assert "已是最新（版本 8）" in run("db", "upgrade", "--db", empty).out
    finally:
        with psycopg.connect(server, autocommit=True) as con:
            con.execute("DROP DATABASE IF EXISTS dibao_t_empty WITH (FORCE)")


def test_two_imports_of_the_same_month_at_once_one_lands_the_other_is_told(tmp_path, fresh_pg):
    url = fresh_pg()
    path = write_csv(tmp_path / "m.csv", county_month(0))
    procs = [subprocess.Popen(_cli("import", path, "--month", "2026-01", "--db", url), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(), p.stdout.read(), p.stderr.read()) for p in procs]
    assert sorted(code for code, _, _ in results) == [0, 7]
    _, _, err = next(r for r in results if r[0] == 7)
    assert "台账中已有 2026-01 月的数据。如要用这份名册替换，请加 --replace" in err
    import psycopg

    with psycopg.connect(url) as con:
        assert con.execute("SELECT COUNT(*) FROM imports").fetchone() == (1,)
        assert con.execute("SELECT COUNT(*) FROM households").fetchone() == (40,)
        assert con.execute("SELECT COUNT(*) FROM pending_imports").fetchone() == (0,)


def test_the_password_of_a_connection_string_is_never_shown(run, tmp_path, fresh_pg):
    url = fresh_pg()
    password = url.split(":")[2].split("@")[0]
    out = run("import", write_csv(tmp_path / "m.csv", county_month(0)), "--month", "2026-01", "--db", url)
    assert out.code == 0 and ":***@" in out.out and password not in out.out + out.err
    log = run("log", "--db", url, "--format", "json")
    assert password not in log.out and ":***@" in log.json()[0]["command"]
    wrong = url.replace(f":{password}@", ":not-the-password@")
    out = run("history", "H01", "--db", wrong)
    assert out.code == 7 and "无法连接台账数据库" in out.err and "not-the-password" not in out.err


def test_a_keyword_connection_string_is_a_database_and_its_password_is_never_shown(run, tmp_path, fresh_pg):
    """libpq's keyword form (host=... dbname=... password=...) is a shared ledger, not a file's name."""
    import urllib.parse

    parts = urllib.parse.urlsplit(fresh_pg())
    conninfo = (f"host={parts.hostname} port={parts.port} dbname={parts.path[1:]} user={parts.username} "
                f"password={parts.password}")
    out = run("import", write_csv(tmp_path / "m.csv", county_month(0)), "--month", "2026-01", "--db", conninfo)
    assert out.code == 0, out.err
    assert parts.password not in out.out + out.err and "password=***" in out.out
    log = run("log", "--db", conninfo, "--format", "json")
    assert log.code == 0 and parts.password not in log.out and "password=***" in log.json()[0]["command"]
    wrong = conninfo.replace(f"password={parts.password}", "password='not the password'")
    out = run("history", "H01", "--db", wrong)
    assert out.code == 7 and "无法连接台账数据库" in out.err and "not the password" not in out.err + out.out
    assert not (tmp_path / wrong).exists() and not list(tmp_path.glob("host=*"))


@pytest.mark.parametrize("url", ["postgresql://clerk:s3cret@db.example/dibao",
                                 "postgresql://db.example/dibao?user=clerk&password=s3cret",
                                 "host=db.example dbname=dibao user=clerk password=s3cret",
                                 "host=db.example password = 's3cret two' dbname=dibao"])
def test_redact_hides_the_password(url):
    from dibao_cli.ledger.postgres import redact

    assert "s3cret" not in redact(url) and "***" in redact(url)
    assert json.dumps(redact(url))


def _two_townships(index: int) -> list[dict]:
    rows = county_month(index)
    for row in rows:
        if int(row["户编号"][1:]) > 20:
            row["乡镇"] = "倒淌河镇"
    return rows


def test_a_township_clerk_sees_and_writes_only_their_own_township_even_with_plain_sql(run, tmp_path, fresh_pg):
    """Roles and row-level security: a township clerk connecting with a SQL client cannot read or write
    another township's rows; the audit log names the database user and cannot be altered by clerks."""
    import uuid

    import psycopg
    from psycopg import errors

    url = fresh_pg()
    for i, month in enumerate(MONTHS[:2]):
        out = run("import", write_csv(tmp_path / f"{month}.csv", _two_townships(i)), "--month", month, "--db", url)
        assert out.code == 0, out.err
    tag = uuid.uuid4().hex[:6]
    users = {"qbq": f"clerk_qbq_{tag}", "dth": f"clerk_dth_{tag}", "county": f"county_{tag}", "audit": f"auditor_{tag}"}
    with psycopg.connect(url, autocommit=True) as admin:
        for user in users.values():
            admin.execute(f"CREATE ROLE {user} LOGIN PASSWORD 'pw-{tag}'")
    try:
        out = run("db", "roles", "--db", url, "--township-clerk", f"{users['qbq']}=恰卜恰镇",
                  "--township-clerk", f"{users['dth']}=倒淌河镇", "--county-clerk", users["county"],
                  "--auditor", users["audit"])
        assert out.code == 0, out.err
        assert "乡镇经办人 2 人；县局经办人 1 人；审计 1 人" in out.out

        def as_user(key):
            return url.replace("postgres:dibao-test@", f"{users[key]}:pw-{tag}@")

        with psycopg.connect(as_user("qbq"), autocommit=True) as clerk:
            towns = clerk.execute("SELECT DISTINCT township FROM households").fetchall()
            assert towns == [("恰卜恰镇",)]
            assert clerk.execute("SELECT COUNT(*) FROM households WHERE household_id = 'H30'").fetchone() == (0,)
            assert clerk.execute("SELECT COUNT(DISTINCT household_id) FROM members").fetchone()[0] <= 20
            assert clerk.execute("SELECT COUNT(*) FROM members WHERE household_id = 'H30'").fetchone() == (0,)
            assert clerk.execute("SELECT COUNT(*) FROM events WHERE household_id = 'H30'").fetchone() == (0,)
            # writes: a decision cannot be changed, another township's household cannot be touched
            with pytest.raises(errors.InsufficientPrivilege):
                clerk.execute("UPDATE households SET total_fen = 1 WHERE household_id = 'H30'")
            with pytest.raises(errors.InsufficientPrivilege):
                clerk.execute("DELETE FROM members WHERE household_id = 'H30'")
            with pytest.raises(errors.InsufficientPrivilege):  # row-level security: not their township
                clerk.execute("INSERT INTO case_visits (household_id, township, village, visited_on, visitors, kind, "
                              "findings, outcome, source, created_at) VALUES ('H30', '倒淌河镇', '村', '2026-02-03', "
                              "'卓玛', '入户', '', '', '', '2026-02-03')")
            clerk.execute("INSERT INTO case_visits (household_id, township, village, visited_on, visitors, kind, "
                          "findings, outcome, source, created_at) VALUES ('H01', '恰卜恰镇', '西台村', '2026-02-03', "
                          "'卓玛', '入户', '', '', '', '2026-02-03')")
            for statement in ("UPDATE audit SET command = 'x'", "DELETE FROM audit", "DELETE FROM audit_changes"):
                with pytest.raises(errors.InsufficientPrivilege):
                    clerk.execute(statement)
        # the same clerk through dibao: history of the other township's household is not there
        out = run("history", "H30", "--db", as_user("qbq"))
        assert out.code == 6
        assert run("history", "H01", "--db", as_user("qbq")).code == 0
        mine = run("review", "--db", as_user("qbq"), "--as-of", "2027-12-31", "--within", "400", "--format", "json")
        every = run("review", "--db", url, "--as-of", "2027-12-31", "--within", "400", "--format", "json")
        assert {i["township"] for i in every.json()["items"]} == {"恰卜恰镇", "倒淌河镇"}
        assert mine.json()["items"] == [i for i in every.json()["items"] if i["township"] == "恰卜恰镇"]
        with psycopg.connect(as_user("dth"), autocommit=True) as other:
            assert other.execute("SELECT DISTINCT township FROM households").fetchall() == [("倒淌河镇",)]
            assert other.execute("SELECT COUNT(*) FROM case_visits").fetchone() == (0,)
        with psycopg.connect(as_user("audit"), autocommit=True) as auditor:
            assert auditor.execute("SELECT COUNT(DISTINCT township) FROM households").fetchone() == (2,)
            changes = auditor.execute("SELECT db_user, table_name, operation FROM audit_changes").fetchall()
            assert (users["qbq"], "case_visits", "INSERT") in changes
            with pytest.raises(errors.InsufficientPrivilege):
                auditor.execute("UPDATE households SET total_fen = 1")
        out = run("import", write_csv(tmp_path / "m3.csv", _two_townships(2)), "--month", MONTHS[2], "--db",
                  as_user("county"))
        assert out.code == 0, out.err
        with psycopg.connect(url) as owner:
            audit = owner.execute("SELECT db_user, command FROM audit ORDER BY id").fetchall()
            assert audit[-1][0] == users["county"] and audit[0][0] == "postgres"
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {', '.join(users.values())}")
            for user in users.values():
                admin.execute(f"DROP ROLE {user}")


def test_processes_opening_an_empty_database_at_once_set_it_up_once(pg_server):
    """The first commands on a database made with createdb: one of them creates the structure, the others wait
    for it and find it there."""
    import psycopg

    from conftest import database_url

    server, _ = pg_server
    with psycopg.connect(server, autocommit=True) as con:
        con.execute("DROP DATABASE IF EXISTS dibao_t_race WITH (FORCE)")
        con.execute("CREATE DATABASE dibao_t_race")
    try:
        url = database_url(server, "dibao_t_race")
        code = "import sys; from dibao_cli.ledger.store import Ledger; Ledger(sys.argv[1]).close()"
        procs = [subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True) for _ in range(6)]
        assert [(p.wait(), p.stderr.read()) for p in procs] == [(0, "")] * 6
        with psycopg.connect(url) as con:
            assert con.execute("SELECT version FROM dibao_schema").fetchall() == [(8,)]
    finally:
        with psycopg.connect(server, autocommit=True) as con:
            con.execute("DROP DATABASE IF EXISTS dibao_t_race WITH (FORCE)")


def test_a_version_5_database_is_upgraded_with_its_events_given_township_and_order(run, pg_server):
    """dibao db upgrade on a ledger of structure 5: each event gets its household's township (a household gone
    that month: the township it had) and its place in its import as the rows were written."""
    import psycopg

    from conftest import database_url
    from dibao_cli.ledger import pg_schema

    server, _ = pg_server
    with psycopg.connect(server, autocommit=True) as con:
        con.execute("DROP DATABASE IF EXISTS dibao_t_v5 WITH (FORCE)")
        con.execute("CREATE DATABASE dibao_t_v5")
    url = database_url(server, "dibao_t_v5")
    try:
        with psycopg.connect(url, autocommit=True) as con:
            for statement in pg_schema.steps_from(None, 5)[0][1]:
                con.execute(statement)
            for import_id, month in ((1, "2026-01"), (2, "2026-02")):
                con.execute("INSERT INTO imports (id, month, assessed_on, imported_at, region, policy_name, policy_hash, "
                            "inputs, households, members, skipped, dibao_version) VALUES (%s, %s, '', '', '632521', 'p', "
                            "'h', '{}', 1, 1, 0, '0')", (import_id, month))
            con.execute("INSERT INTO households (import_id, household_id, township, members, covered, status, "
                        "counted_fen, adjusted_fen, per_capita, differential_fen, classified_fen, can_work, reasons) "
                        "VALUES (1, 'H1', '恰卜恰镇', 1, 1, 'dibao', 0, '0', '0', 0, 0, 0, '')")
            con.execute("INSERT INTO events (import_id, household_id, kind, detail) VALUES "
                        "(1, 'H1', 'new', '新纳入低保'), (1, 'H1', 'member_added', '新增成员 1 人'), "
                        "(2, 'H1', 'disappeared', '本月名册中没有这一户（迁出、死亡或漏报？）')")
        out = run("db", "upgrade", "--db", url)
        assert out.code == 0, out.err
        assert "已把台账结构从版本 5 升级到 8" in out.out
        with psycopg.connect(url) as con:
            assert con.execute("SELECT import_id, kind, township, seq FROM events ORDER BY import_id, seq").fetchall() == [
                (1, "new", "恰卜恰镇", 1), (1, "member_added", "恰卜恰镇", 2), (2, "disappeared", "恰卜恰镇", 1)]
            assert con.execute("SELECT version FROM dibao_schema").fetchall() == [(8,)]
            # a row stored before the 低保边缘 line was kept: none, its notice reads the reason
            assert con.execute("SELECT marginal_line_fen FROM households").fetchall() == [(None,)]
        history = run("history", "H1", "--db", url, "--format", "json").json()
        assert [m["events"] for m in history] == [["新纳入低保", "新增成员 1 人"]]
    finally:
        with psycopg.connect(server, autocommit=True) as con:
            con.execute("DROP DATABASE IF EXISTS dibao_t_v5 WITH (FORCE)")
