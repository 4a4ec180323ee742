"""Township clerks import their own township's roster into a shared PostgreSQL ledger, and only their own:
the database refuses another township (the SECURITY DEFINER function that copies the month's other
townships, and row-level security on every row a clerk writes), with dibao and with plain SQL."""

import re
import subprocess
import sys
import uuid

import pytest

from conftest import write_csv
from test_ledger_history import MONTHS, county_month

QBQ, DTH = "恰卜恰镇", "倒淌河镇"


def _cli(*args):
    return [sys.executable, "-m", "dibao_cli", *map(str, args)]


def _split(index: int) -> tuple[list[dict], dict[str, list[dict]]]:
    rows = county_month(index)
    for row in rows:
        if int(row["户编号"][1:]) > 20:
            row["乡镇"] = DTH
    return rows, {t: [r for r in rows if r["乡镇"] == t] for t in (QBQ, DTH)}


def _month(con, month: str) -> tuple[list, list, list, tuple]:
    """A month as stored: events (with their township and order), households, members, and the import's counts."""
    active = "JOIN imports i ON i.id = x.import_id WHERE i.month = %s AND i.superseded_by IS NULL"
    events = con.execute(f"SELECT x.household_id, x.seq, x.kind, x.detail, x.township FROM events x {active} "
                         "ORDER BY 1, 2", (month,)).fetchall()
    households = con.execute(f"SELECT x.household_id, x.township, x.status, x.total_fen, x.phase_out_start "
                             f"FROM households x {active} ORDER BY 1", (month,)).fetchall()
    members = con.execute(f"SELECT x.household_id, x.seq, x.id_number FROM members x {active} ORDER BY 1, 2",
                          (month,)).fetchall()
    counts = con.execute("SELECT households, members FROM imports WHERE month = %s AND superseded_by IS NULL",
                         (month,)).fetchone()
    return events, households, members, counts


@pytest.fixture
def clerks(fresh_pg, run):
    """Two ledgers on the server (one imported whole by the county, one by its township clerks) and database
    users: a clerk of each township and a county clerk, set up with `dibao db roles`."""
    import psycopg

    urls = {"county": fresh_pg(), "townships": fresh_pg()}
    tag = uuid.uuid4().hex[:6]
    users = {QBQ: f"clerk_qbq_{tag}", DTH: f"clerk_dth_{tag}", "county": f"county_{tag}"}
    with psycopg.connect(urls["townships"], autocommit=True) as admin:
        for user in users.values():
            admin.execute(f"CREATE ROLE {user} LOGIN PASSWORD 'pw-{tag}'")
    out = run("db", "roles", "--db", urls["townships"], "--township-clerk", f"{users[QBQ]}={QBQ}",
              "--township-clerk", f"{users[DTH]}={DTH}", "--county-clerk", users["county"])
    assert out.code == 0, out.err

    def as_user(key):
        return urls["townships"].replace("postgres:dibao-test@", f"{users[key]}:pw-{tag}@")

    yield urls, as_user, users
    with psycopg.connect(urls["townships"], autocommit=True) as admin:
        admin.execute(f"DROP OWNED BY {', '.join(users.values())}")
        for user in users.values():
            admin.execute(f"DROP ROLE {user}")


def test_township_clerks_import_their_townships_at_once_and_the_month_equals_the_county_roster(run, tmp_path, clerks):
    import psycopg

    urls, as_user, users = clerks
    for i, month in enumerate(MONTHS[:3]):
        whole, parts = _split(i)
        path = write_csv(tmp_path / f"{month}.csv", whole)
        assert run("import", path, "--month", month, "--db", urls["county"]).code == 0
        if i == 0:  # the first month: the county clerk imports the whole roster
            out = run("import", path, "--month", month, "--db", as_user("county"))
            assert out.code == 0, out.err
            continue
        files = {t: write_csv(tmp_path / f"{month}-{t}.csv", rows) for t, rows in parts.items()}
        procs = [subprocess.Popen(_cli("import", files[t], "--month", month, "--township", t, "--db", as_user(t)),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for t in (QBQ, DTH)]
        for proc in procs:
            out, err = proc.communicate()
            assert proc.returncode == 0, err
            assert "已导入" in out
    with psycopg.connect(urls["county"]) as county, psycopg.connect(urls["townships"]) as townships:
        for month in MONTHS[:3]:
            want = _month(county, month)
            assert _month(townships, month)[1:] == want[1:]
            # the same events, each in its township and in the order its import found them
            assert sorted(e[0:1] + e[2:] for e in _month(townships, month)[0]) == sorted(e[0:1] + e[2:] for e in want[0])
            assert [e[2] for e in _month(townships, month)[0]] == [e[2] for e in want[0]]
        events = _month(townships, MONTHS[1])[0] + _month(townships, MONTHS[2])[0]
        assert {e[4] for e in events} == {QBQ, DTH} and len(events) > 5
        gone = [(e[0], e[4]) for e in events if e[2] == "disappeared"]  # a household gone still has its township
        assert gone and all(t == (QBQ if int(h[1:]) <= 20 else DTH) for h, t in gone)
        writers = {u for (u,) in townships.execute(
            "SELECT DISTINCT db_user FROM audit_changes WHERE table_name = 'households'")}
        assert writers == set(users.values())
    # each clerk sees their own township's months only
    mine = run("history", "H30", "--db", as_user(DTH), "--format", "json")
    assert mine.code == 0 and {m["township"] for m in mine.json()} == {DTH}
    assert run("history", "H30", "--db", as_user(QBQ)).code == 6


def test_a_township_clerk_cannot_import_another_township_with_dibao_or_plain_sql(run, tmp_path, clerks):
    import psycopg
    from psycopg import errors

    urls, as_user, users = clerks
    whole, parts = _split(0)
    assert run("import", write_csv(tmp_path / "m1.csv", whole), "--month", MONTHS[0], "--db", as_user("county")).code == 0
    _, parts = _split(1)
    other = write_csv(tmp_path / "dth.csv", parts[DTH])
    # through dibao: --township names the other township; the database refuses, nothing is written
    out = run("import", other, "--month", MONTHS[1], "--township", DTH, "--db", as_user(QBQ))
    assert out.code == 7
    assert "无权执行这一操作" in out.err and f"只能导入{QBQ}的名册，不能导入“{DTH}”" in out.err
    # a whole-county import is the county's
    out = run("import", write_csv(tmp_path / "m2.csv", _split(1)[0]), "--month", MONTHS[1], "--db", as_user(QBQ))
    assert out.code == 7 and "无权执行这一操作" in out.err
    with psycopg.connect(urls["townships"]) as owner:
        assert owner.execute("SELECT month FROM imports").fetchall() == [(MONTHS[0],)]
    # plain SQL as the clerk: the function refuses another township, row-level security another township's rows
    args = (MONTHS[1], "2026-02-28", "2026-02-28T00:00:00", "632521", "p", "h", "{}", 0, "x", None)
    with psycopg.connect(as_user(QBQ), autocommit=True) as clerk:
        with pytest.raises(errors.InsufficientPrivilege):
            clerk.execute("SELECT dibao_open_township_month(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", (DTH, *args))
    with psycopg.connect(as_user(QBQ)) as clerk:
        new_id = clerk.execute("SELECT dibao_open_township_month(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                               (QBQ, *args)).fetchone()[0]
        for township in (DTH, None):
            with pytest.raises(errors.InsufficientPrivilege):
                with clerk.transaction():
                    clerk.execute("INSERT INTO households (import_id, household_id, township, members, covered, status, "
                                  "counted_fen, adjusted_fen, per_capita, differential_fen, classified_fen, can_work, "
                                  "reasons) VALUES (%s, 'H99', %s, 1, 0, 'none', 0, '0', '0', 0, 0, 0, '')",
                                  (new_id, township))
        with pytest.raises(errors.InsufficientPrivilege):  # their own township, but into an earlier version
            with clerk.transaction():
                clerk.execute("INSERT INTO households (import_id, household_id, township, members, covered, status, "
                              "counted_fen, adjusted_fen, per_capita, differential_fen, classified_fen, can_work, "
                              "reasons) VALUES (%s, 'H99', %s, 1, 0, 'none', 0, '0', '0', 0, 0, 0, '')",
                              (clerk.execute("SELECT id FROM imports WHERE month = %s", (MONTHS[0],)).fetchone()[0], QBQ))
        clerk.execute("INSERT INTO households (import_id, household_id, township, members, covered, status, "
                      "counted_fen, adjusted_fen, per_capita, differential_fen, classified_fen, can_work, "
                      "reasons) VALUES (%s, 'H99', %s, 1, 0, 'none', 0, '0', '0', 0, 0, 0, '')", (new_id, QBQ))
        with pytest.raises(errors.InsufficientPrivilege):
            with clerk.transaction():
                clerk.execute("INSERT INTO events (import_id, household_id, kind, detail, township, seq) "
                              "VALUES (%s, 'H30', 'new', 'x', %s, 1)", (new_id, DTH))
        with pytest.raises(errors.InsufficientPrivilege):
            with clerk.transaction():
                clerk.execute("UPDATE imports SET superseded_by = NULL")
        # the version it opened holds the other township, which the clerk still cannot read
        assert clerk.execute("SELECT DISTINCT township FROM households WHERE import_id = %s",
                             (new_id,)).fetchall() == [(QBQ,)]
        clerk.rollback()
    with psycopg.connect(urls["townships"]) as owner:
        assert owner.execute("SELECT month, superseded_by FROM imports").fetchall() == [(MONTHS[0], None)]
    # the other township's clerk imports it
    out = run("import", other, "--month", MONTHS[1], "--township", DTH, "--db", as_user(DTH))
    assert out.code == 0, out.err
    with psycopg.connect(urls["townships"]) as owner:
        towns = owner.execute("SELECT township, COUNT(*) FROM households h JOIN imports i ON i.id = h.import_id "
                              "WHERE i.month = %s AND i.superseded_by IS NULL GROUP BY 1 ORDER BY 1",
                              (MONTHS[1],)).fetchall()
        assert towns == [(DTH, len({r["户编号"] for r in parts[DTH]}))]


def _visible_text(con) -> dict[str, str]:
    """Every row of every table the connected user may SELECT, as text (plain SQL, what a SQL client shows)."""
    tables = [t for (t,) in con.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
        "AND c.relkind IN ('r', 'v', 'm', 'p') AND has_table_privilege(c.oid, 'SELECT') ORDER BY 1")]
    return {t: "\n".join(str(row) for row in con.execute(f"SELECT * FROM public.{t}")) for t in tables}


def test_a_township_clerk_cannot_see_another_townships_names_or_id_numbers_anywhere(run, tmp_path, clerks):
    """Names and ID numbers of 恰卜恰镇's people (roster, applications, documents, the audit log) are in no
    table a 倒淌河镇 clerk can read, and the audit log records no name, ID number, visitor or free text."""
    import psycopg
    from conftest import pid

    urls, as_user, users = clerks
    whole, parts = _split(0)
    assert run("import", write_csv(tmp_path / "m1.csv", whole), "--month", MONTHS[0], "--db", as_user("county")).code == 0
    applicant_id = pid("1990-01-01", 23)
    out = run("apply", "H05", "--applicant", "张三丰", "--id", applicant_id, "--accepted", "2026-01-10",
              "--township", QBQ, "--village", "西台村", "--db", as_user("county"))
    assert out.code == 0, out.err
    out = run("apply", "H06", "--applicant", "李四海", "--accepted", "2026-01-11", "--township", QBQ,
              "--village", "西台村", "--db", as_user(QBQ))
    assert out.code == 0, out.err
    out = run("visit", "H06", "--date", "2026-01-12", "--by", "王芳芳", "--kind", "定期回访", "--findings",
              "户主7说家里没有变化", "--outcome", "无变化", "--db", as_user(QBQ))
    assert out.code == 0, out.err
    out = run("notice", "--month", MONTHS[0], "--bureau", "共和县民政局", "--date", "2026-01-31", "--db", as_user("county"), "-o", tmp_path / "n")
    assert out.code == 0, out.err
    qbq_ids = {r["身份证号"] for r in parts[QBQ]} | {applicant_id}
    qbq_names = {r["姓名"] for r in parts[QBQ]} | {"张三丰", "李四海", "王芳芳"}
    qbq_households = {r["户编号"] for r in parts[QBQ]}

    def leaks(text: str) -> set[str]:
        found = {i for i in qbq_ids if i in text}  # 户主7 is not 户主70: a name ends where a digit does not follow
        found |= {n for n in qbq_names if any(not text[m.end():m.end() + 1].isdigit()
                                              for m in re.finditer(re.escape(n), text))}
        return found | {h for h in qbq_households if re.search(rf"'{h}'", text)}

    with psycopg.connect(urls["townships"]) as owner:  # the data is there, and the audit log names nobody
        everything = _visible_text(owner)
        assert leaks(everything["households"]) and leaks(everything["case_applications"])
        assert "张三丰" in everything["case_applications"] and applicant_id in everything["case_applications"]
        assert "H05" in everything["doc_number_decisions"]
        commands = [c for (c,) in owner.execute("SELECT command FROM audit ORDER BY id")]
        assert [c.split()[1] for c in commands] == ["import", "apply", "apply", "visit", "notice"]
        assert not any(word in c for c in commands for word in ("张三丰", "李四海", "王芳芳", applicant_id, "户主7说"))
        assert "household_id=H05" in commands[1] and "township=恰卜恰镇" in commands[1]
    with psycopg.connect(as_user(DTH)) as clerk:
        seen = _visible_text(clerk)
        assert {"households", "members", "case_applications", "doc_number_decisions", "audit", "texts"} <= set(seen)
        assert {t: leaks(text) for t, text in seen.items() if leaks(text)} == {}
    with psycopg.connect(as_user(QBQ)) as clerk:  # a township clerk's audit log: the entries they wrote
        assert [c.split()[1] for (c,) in clerk.execute("SELECT command FROM audit ORDER BY id")] == ["apply", "visit"]
        assert "H05" in _visible_text(clerk)["doc_number_decisions"]
    out = run("log", "--db", as_user(DTH), "--format", "json")
    assert out.code == 0 and out.json() == []


def test_a_township_clerk_withdraws_only_their_own_announced_imports(clerks):
    """An import announces its month in `pending_imports` (later months wait for it). A township clerk reads every
    announcement (to wait for the earlier months) and withdraws their own, never another clerk's: deleting one
    would let a later month land before the month it must be computed against."""
    import psycopg

    urls, as_user, users = clerks
    row = ("2026-01", "host", 1, "2026-01-31T08:00:00")
    insert = "INSERT INTO pending_imports (month, host, pid, started_at) VALUES (%s, %s, %s, %s) RETURNING id"
    with psycopg.connect(as_user("county"), autocommit=True) as county:
        theirs = county.execute(insert, row).fetchone()[0]
    with psycopg.connect(as_user(QBQ), autocommit=True) as clerk:
        mine = clerk.execute(insert, row).fetchone()[0]
        assert {i for (i,) in clerk.execute("SELECT id FROM pending_imports")} == {theirs, mine}
        assert clerk.execute("DELETE FROM pending_imports WHERE id = %s", (theirs,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            clerk.execute("UPDATE pending_imports SET month = '2027-01' WHERE id = %s", (theirs,))
        assert clerk.execute("DELETE FROM pending_imports WHERE id = %s", (mine,)).rowcount == 1
    with psycopg.connect(as_user(DTH), autocommit=True) as other:
        assert other.execute("DELETE FROM pending_imports").rowcount == 0
        # an announcement is stamped with the clerk who made it, whatever name it is given
        forged = other.execute("INSERT INTO pending_imports (month, host, pid, started_at, db_user) "
                               "VALUES (%s, %s, %s, %s, %s) RETURNING db_user", (*row, users[QBQ])).fetchone()[0]
        assert forged == users[DTH]
    with psycopg.connect(urls["townships"]) as owner:
        assert owner.execute("SELECT id, db_user FROM pending_imports WHERE id = %s", (theirs,)).fetchall() == [
            (theirs, users["county"])]


def test_db_upgrade_of_a_shared_ledger_made_before_gives_its_announcements_their_rules(run, clerks):
    """A shared ledger of the structure before announcements had a user (version 7, its roles set up then):
    `dibao db upgrade` adds the user and the rules. An announcement made before has no user: whoever made it may
    still withdraw it; one made after is its maker's alone."""
    import psycopg

    urls, as_user, users = clerks
    with psycopg.connect(urls["townships"], autocommit=True) as owner:
        for policy in ("county_all", "auditor_read", "township_reads", "township_announces", "township_withdraws"):
            owner.execute(f"DROP POLICY {policy} ON pending_imports")
        owner.execute("DROP TRIGGER pending_imports_user ON pending_imports")
        owner.execute("ALTER TABLE pending_imports DISABLE ROW LEVEL SECURITY")
        owner.execute("ALTER TABLE pending_imports DROP COLUMN db_user")
        owner.execute("UPDATE dibao_schema SET version = 7")
        before = owner.execute("INSERT INTO pending_imports (month, host, pid, started_at) "
                               "VALUES ('2026-01', 'host', 1, '2026-01-31T08:00:00') RETURNING id").fetchone()[0]
    out = run("db", "upgrade", "--db", urls["townships"])
    assert out.code == 0, out.err
    assert out.out.startswith("已把台账结构从版本 7 升级到 8：")
    row = ("2026-02", "host", 2, "2026-02-28T08:00:00")
    insert = "INSERT INTO pending_imports (month, host, pid, started_at) VALUES (%s, %s, %s, %s) RETURNING id"
    with psycopg.connect(as_user("county"), autocommit=True) as county:
        theirs = county.execute(insert, row).fetchone()[0]
    with psycopg.connect(as_user(QBQ), autocommit=True) as clerk:
        assert clerk.execute("DELETE FROM pending_imports WHERE id = %s", (theirs,)).rowcount == 0
        assert clerk.execute("DELETE FROM pending_imports WHERE id = %s", (before,)).rowcount == 1
    with psycopg.connect(urls["townships"]) as owner:
        assert owner.execute("SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'pending_imports'::regclass"
                             ).fetchone()[0] is True
        assert owner.execute("SELECT id, db_user FROM pending_imports").fetchall() == [(theirs, users["county"])]
