"""Wrong month, wrong folder, wrong file: months the ledger does not have, no ledger, read-only ledgers
(file, folder, disk), a damaged page, a full disk."""

import contextlib
import hashlib
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import person, write_xlsx

def family(income):
    return [person("H1", "才让东智", "1979-06-18", 经营净收入=income),
            person("H1", "拉毛措", "1982-02-28", "配偶", seq=12)]


def ledger_with(run, folder: Path, months=("2026-01", "2026-02")) -> Path:
    db = folder / "l.db"
    for month in months:
        path = write_xlsx(folder / f"{month}.xlsx", family(3600))
        assert run("import", path, "--month", month, "--db", db).code == 0
    return db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_month_the_ledger_does_not_have_is_an_error_naming_the_months_it_has(run, tmp_path):
    db = ledger_with(run, tmp_path, ("2026-01", "2026-02", "2026-03", "2026-05"))
    roster = write_xlsx(tmp_path / "r.xlsx", family(3600))
    expected = f"台账 {db} 中没有 2026-04 月的数据。台账中有：2026-01 至 2026-03、2026-05（共 4 个月）。"
    for args in (("review", "--month", "2026-04", "--as-of", "2026-05-01"),
                 ("notice", "--month", "2026-04", "--region", "632521", "-o", tmp_path / "n"),
                 ("monitor", roster, "--month", "2026-04"),
                 ("report", "monthly", "--month", "2026-04", "--region", "632521", "-o", tmp_path / "m.xlsx")):
        before = digest(db)
        result = run(*args, "--db", db)
        assert result.code == 6, (args, result.out, result.err)
        assert expected in result.err, result.err
        assert digest(db) == before  # nothing written (no document numbers taken, no audit entry)
    assert not (tmp_path / "n").exists() and not (tmp_path / "m.xlsx").exists()


def test_reading_commands_never_create_a_ledger_and_say_where_they_looked(run, tmp_path):
    roster = write_xlsx(tmp_path / "r.xlsx", family(3600))
    missing = tmp_path / "none.db"
    for args in (("history", "H1"), ("review", "--month", "2026-01"), ("log",), ("db", "backup", tmp_path / "b.db"),
                 ("report", "year", "--year", "2026", "-o", tmp_path / "y.xlsx"),
                 ("report", "monthly", "--month", "2026-01", "--region", "632521", "-o", tmp_path / "m.xlsx"),
                 ("notice", "--month", "2026-01", "--region", "632521", "-o", tmp_path / "n"),
                 ("monitor", roster, "--month", "2026-01")):
        result = run(*args, "--db", missing)
        assert result.code == 7, (args, result.err)
        assert f"找不到台账 {missing}（--db 指定）" in result.err
        assert not missing.exists()
    # the default ledger in the working folder
    result = run("history", "H1")
    assert result.code == 7 and f"找不到台账 {tmp_path / 'dibao.db'}（当前文件夹的默认台账" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_a_failing_import_leaves_no_empty_ledger_behind(run, tmp_path):
    bad = write_xlsx(tmp_path / "bad.xlsx", [dict(r, 身份证号="6.32521E+17") for r in family(3600)])
    assert run("import", bad, "--month", "2026-01").code == 1
    assert run("import", tmp_path / "missing.xlsx", "--month", "2026-01").code == 3
    (tmp_path / "bad.toml").write_text("[region\n", encoding="utf-8")
    assert run("import", bad, "--month", "2026-01", "--policy", tmp_path / "bad.toml").code == 4
    (tmp_path / "bad.toml").unlink()
    assert run("notice", tmp_path / "missing.xlsx", "--region", "632521", "-o", tmp_path / "n").code == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx"]
    # a ledger that existed before stays, unchanged
    db = ledger_with(run, tmp_path, ("2026-01",))
    before = digest(db)
    assert run("import", bad, "--month", "2026-02", "--db", db).code == 1
    assert digest(db) == before


@contextlib.contextmanager
def read_only(path: Path):
    """Make a file or folder read-only for this user. Root ignores permission bits, so as root the
    immutable attribute is used (chattr +i), which binds root too."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            os.chmod(path, mode)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True) if shutil.which("chattr") else None
    if done is None or done.returncode != 0:
        pytest.skip("running as root on a filesystem without the immutable attribute: cannot make a file read-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def _cli(folder: Path, *args, preexec=None):
    """The real command in a separate process (for limits and signals)."""
    env = dict(os.environ, COLUMNS="200", HOME=str(folder))
    return subprocess.run([sys.executable, "-m", "dibao_cli", *map(str, args)], capture_output=True, text=True,
                          cwd=folder, env=env, preexec_fn=preexec)


def _check_read_only(run, folder: Path, db: Path):
    roster = folder / "2026-03.xlsx"
    out = folder / "out"
    reads = [("history", "H1", "--format", "json"), ("log",), ("review", "--as-of", "2026-12-31"),
             ("db", "backup", out / "copy.db"),
             ("report", "monthly", "--month", "2026-02", "--region", "632521", "-o", out / "m.xlsx")]
    for args in reads:
        done = run(*args, "--db", db)
        assert done.code in (0, 1), (args, done.out, done.err)
        assert "只读" not in done.err
    assert (out / "copy.db").exists() and (out / "m.xlsx").exists()
    for args in (("import", roster, "--month", "2026-03"),
                 ("notice", "--month", "2026-02", "--region", "632521", "-o", out / "n")):
        done = run(*args, "--db", db)
        assert done.code == 7, (args, done.out, done.err)
        assert f"台账 {db} 是只读的（文件、所在文件夹或磁盘不可写），本命令需要写入台账，未执行。" in done.err
        assert "备份恢复" not in done.err and "Traceback" not in done.err


@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_ledger_file_or_folder(run, tmp_path, what):
    data = tmp_path / "data"
    data.mkdir()
    db = ledger_with(run, data)
    write_xlsx(tmp_path / "2026-03.xlsx", family(3600))
    (tmp_path / "out").mkdir()
    before = digest(db)
    with read_only(db if what == "file" else data):
        _check_read_only(run, tmp_path, db)
    assert digest(db) == before
    assert sorted(p.name for p in data.iterdir()) == ["2026-01.xlsx", "2026-02.xlsx", "l.db"]


@contextlib.contextmanager
def small_disk(folder: Path, size: str):
    """A real small filesystem (tmpfs) mounted at `folder`; skipped where mounting is not allowed."""
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder)],
                          capture_output=True, text=True) if shutil.which("mount") else None
    if done is None or done.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root with CAP_SYS_ADMIN; "
                    "the RLIMIT_FSIZE test covers a full disk without it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_read_only_disk(run, tmp_path):
    db = ledger_with(run, tmp_path)
    write_xlsx(tmp_path / "2026-03.xlsx", family(3600))
    with small_disk(tmp_path / "disk", "4m") as disk:
        shutil.copy(db, disk / "l.db")
        before = digest(disk / "l.db")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        (tmp_path / "out").mkdir()
        _check_read_only(run, tmp_path, disk / "l.db")
        assert digest(disk / "l.db") == before and sorted(p.name for p in disk.iterdir()) == ["l.db"]


def test_a_damaged_page_is_found_before_anything_is_written(run, tmp_path):
    db = ledger_with(run, tmp_path)
    page = sqlite3.connect(db).execute("PRAGMA page_size").fetchone()[0]
    root = sqlite3.connect(db).execute("SELECT rootpage FROM sqlite_master WHERE name = 'households'").fetchone()[0]
    data = bytearray(db.read_bytes())
    data[(root - 1) * page + 8:(root - 1) * page + 200] = b"\xff" * 192  # the households table's root page
    db.write_bytes(bytes(data))
    before = digest(db)
    roster = write_xlsx(tmp_path / "2026-03.xlsx", family(3600))
    result = run("import", roster, "--month", "2026-03", "--db", db)
    assert result.code == 7
    assert f"台账 {db} 已损坏（完整性检查未通过：" in result.err and "本次没有写入；请用 dibao db backup 做的备份恢复" in result.err
    assert digest(db) == before
    # not a ledger at all: no advice to restore a backup over it
    (tmp_path / "x.db").write_bytes(b"this is not sqlite" * 100)
    other = run("history", "H1", "--db", tmp_path / "x.db")
    assert other.code == 7 and "不是 dibao 台账" in other.err and "备份" not in other.err


def _big_family_roster(path: Path, households: int) -> Path:
    rows = []
    for i in range(households):
        rows.append(person(f"H{i:05d}", f"户主{i}", f"{1950 + i % 40}-0{1 + i % 9}-1{i % 9}", seq=11 + 2 * (i // 360),
                           经营净收入=3600))
    return write_xlsx(path, rows)


def test_full_disk_on_a_small_filesystem(run, tmp_path):
    db = ledger_with(run, tmp_path, ("2026-01",))
    roster = _big_family_roster(tmp_path / "big.xlsx", 3000)
    with small_disk(tmp_path / "disk", "400k") as disk:
        shutil.copy(db, disk / "l.db")
        before = digest(disk / "l.db")
        result = run("import", roster, "--month", "2026-02", "--db", disk / "l.db")
        assert result.code == 7, result.out + result.err
        assert f"磁盘已满：无法写入台账 {disk / 'l.db'}" in result.err and "Traceback" not in result.err
        con = sqlite3.connect(disk / "l.db")
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT month FROM imports WHERE superseded_by IS NULL").fetchall() == [("2026-01",)]
        con.close()
        assert digest(disk / "l.db") == before
        # db backup onto the full disk: a clear message and no leftover file
        (disk / "filler").write_bytes(b"\0" * (disk_free(disk) - 4096))
        backup = run("db", "backup", disk / "备份" / "copy.db", "--db", db)
        assert backup.code == 5, backup.err
        assert f"磁盘已满：无法写入备份 {disk / '备份' / 'copy.db'}" in backup.err
        assert [p.name for p in (disk / "备份").iterdir()] == []


def disk_free(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def test_full_disk_as_a_file_size_limit(tmp_path, run):
    """Where no filesystem can be mounted: the operating system's file-size limit fails the writes the same way."""
    db = ledger_with(run, tmp_path, ("2026-01",))
    roster = _big_family_roster(tmp_path / "big.xlsx", 3000)
    limit = db.stat().st_size + 65536

    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    before = digest(db)
    done = _cli(tmp_path, "import", roster, "--month", "2026-02", "--db", db, preexec=limited)
    assert done.returncode == 7, done.stdout + done.stderr
    assert f"无法写入台账 {db}：磁盘已满、文件超过系统允许的大小，或磁盘故障" in done.stderr
    assert "Traceback" not in done.stderr
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT month FROM imports WHERE superseded_by IS NULL").fetchall() == [("2026-01",)]
    con.close()
    backup = _cli(tmp_path, "db", "backup", tmp_path / "b" / "copy.db", "--db", db, preexec=limited)
    assert backup.returncode == 0, backup.stderr  # small enough
    limit = db.stat().st_size - 4096  # the copy cannot be whole
    backup = _cli(tmp_path, "db", "backup", tmp_path / "c" / "copy.db", "--db", db, preexec=limited)
    assert backup.returncode == 5 and "磁盘已满" in backup.stderr and "Traceback" not in backup.stderr
    assert list((tmp_path / "c").iterdir()) == []


def test_backup_into_a_folder_that_does_not_exist_creates_it(run, tmp_path):
    db = ledger_with(run, tmp_path, ("2026-01",))
    result = run("db", "backup", tmp_path / "备份" / "2026" / "copy.db", "--db", db)
    assert result.code == 0 and "已建立文件夹" in result.out
    assert sqlite3.connect(tmp_path / "备份" / "2026" / "copy.db").execute("SELECT month FROM imports").fetchall() == \
        [("2026-01",)]
    (tmp_path / "file").write_text("x")
    blocked = run("db", "backup", tmp_path / "file" / "copy.db", "--db", db)
    assert blocked.code == 5 and f"备份文件夹 {tmp_path / 'file'} 不存在，也无法建立" in blocked.err


def test_db_upgrade_export_and_roles_on_a_ledger_file(run, tmp_path):
    """dibao db upgrade sets up or reports the structure of a SQLite ledger too; db export copies it to a
    new file and never over an existing one; roles belong to the shared PostgreSQL ledger only."""
    db = tmp_path / "l.db"
    assert run("db", "upgrade", "--db", db).out.strip() == f"已建立台账结构（版本 8）：{db}"
    assert run("db", "upgrade", "--db", db).out.strip() == f"台账结构已是最新（版本 8）：{db}"
    (tmp_path / "copy.db").write_bytes(b"")
    refused = run("db", "export", tmp_path / "copy.db", "--db", db)
    assert refused.code == 5 and "已存在，未覆盖" in refused.err
    done = run("db", "export", tmp_path / "new.db", "--db", db)
    assert done.code == 0 and "已导出" in done.out and "0 次导入" in done.out
    roles = run("db", "roles", "--db", db, "--county-clerk", "wangli")
    assert roles.code == 2 and "只用于共享的 PostgreSQL 台账" in roles.err
    assert (tmp_path / "new.db").is_file() and (tmp_path / "l.db").is_file()  # empty, but set up on purpose
