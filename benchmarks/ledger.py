"""Ledger figures: import time and the time the write lock is held, ledger growth per month, review time;
months of imports of a county in a row (import time must stay flat as the ledger grows).

    python benchmarks/ledger.py 1000000            # two months of a 1M-member roster, then review
    python benchmarks/ledger.py 100000 --months 60 # five years of a 100k-member county

Each import runs in its own process (as `dibao import` does: read the roster, then the library's
import_month); wall time and peak memory per process come from os.wait4. Every month imports the same
roster (the same households, incomes and members), so growth per month is the steady state of a county
whose rosters change little from month to month. Rosters are generated into benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from run import measure  # noqa: E402

ONE_IMPORT = """
import datetime as dt, json, sys, time
from pathlib import Path
from dibao_cli.cli.assess import resolve
from dibao_cli.ledger.monthly import import_month, month_end
from dibao_cli.ledger.store import Ledger, ledger_path
from dibao_cli.reading.roster import read_rosters
roster_file, month, db = sys.argv[1:4]
t0 = time.monotonic()
day = month_end(month)
roster = read_rosters([Path(roster_file)], sheet=None, all_sheets=False, encoding=None, on_date=day)
t1 = time.monotonic()
ledger = Ledger(ledger_path(db))  # opening for writing checks every page first (SQLite)
t2 = time.monotonic()
report = import_month(ledger, roster, resolve(None, (), day), month, day, [Path(roster_file)], False, False, "bench")
ledger.close()
print(json.dumps({"read": t1 - t0, "open_check": t2 - t1, "import": report.seconds, "lock": report.lock_seconds,
                  "households": report.households, "attempts": report.attempts}))
"""


def dibao(*args: str) -> list[str]:
    return [sys.executable, "-m", "dibao_cli", *args]


def roster(n: int) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"roster-{n}.xlsx"
    if not path.exists():
        subprocess.run([sys.executable, str(HERE / "make_roster.py"), str(n), str(path)], check=True)
    return path


def one_import(path: Path, month: str, db: Path, python: str = sys.executable, env=None) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen([python, "-c", ONE_IMPORT, str(path), month, str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    out = json.loads(proc.stdout.read().decode() or "{}")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(proc.stderr.read().decode())
    out["wall"] = time.perf_counter() - start
    out["peak_mb"] = usage.ru_maxrss / 1024
    return out


def size_mb(db: Path) -> float:
    return sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists()) / 1e6


def months(count: int):
    year, month = 2026, 1
    for _ in range(count):
        yield f"{year:04d}-{month:02d}"
        month += 1
        if month == 13:
            year, month = year + 1, 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("members", type=int)
    parser.add_argument("--months", type=int, default=2)
    parser.add_argument("--table", action="store_true", help="also time review's screen table above 200k members")
    parser.add_argument("--old", help="a checkout of dibao before this change, to compare the ledger size")
    args = parser.parse_args()
    path = roster(args.members)
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        db = Path(folder) / "l.db"
        print(f"{args.members:,} members, {args.months} months of imports into one ledger")
        print("month    wall s  read s  check s  assess+write s  lock s  lock/import  peak MB  ledger MB  +MB")
        last = 0.0
        first = None
        for month in months(args.months):
            r = one_import(path, month, db)
            size = size_mb(db)
            first = first or r
            print(f"{month}  {r['wall']:6.1f}  {r['read']:6.1f}  {r['open_check']:7.2f}  {r['import']:14.1f}  "
                  f"{r['lock']:6.2f}  {r['lock'] / r['wall']:10.0%}  {r['peak_mb']:7.0f}  {size:9.1f}  "
                  f"{size - last:5.1f}", flush=True)
            last = size
        month = list(months(args.months))[-1]
        forms = [("review --format csv", ["--format", "csv", "-o", str(Path(folder) / "r.csv")])]
        if args.members <= 200_000 or args.table:  # the full screen table of a province month takes minutes
            forms.append(("review (table)", []))
        for label, extra in forms:
            seconds, mb, code, _ = measure(dibao("review", "--db", str(db), "--month", month, "--as-of", "2027-12-31",
                                              *extra))
            print(f"{label} of {month}: {seconds:.1f} s, {mb:.0f} MB peak, exit {code}")
        for label, argv in (("history", ["history", "H0000003", "--db", str(db), "--format", "json"]),
                            ("report monthly", ["report", "monthly", "--month", month, "--region", "632521", "-o",
                                                str(Path(folder) / "m.xlsx")]),
                            ("notice --month", ["notice", "--month", month, "--region", "632521", "-o",
                                                str(Path(folder) / "n")])):
            if label != "history":
                argv = [*argv, "--db", str(db)]
            seconds, mb, code, _ = measure(dibao(*argv))
            print(f"{label}: {seconds:.1f} s, {mb:.0f} MB peak, exit {code}")
        if args.old:
            old_db = Path(folder) / "old.db"
            env = dict(os.environ, PYTHONPATH=args.old)
            sizes = []
            for month in list(months(2)):
                seconds, mb, code = measure_env([sys.executable, "-m", "dibao_cli", "import", str(path), "--month",
                                                 month, "--db", str(old_db)], env, cwd=args.old)
                sizes.append((month, seconds, size_mb(old_db)))
            print("before this change: " + "; ".join(f"{m}: import {s:.1f} s, ledger {mb:.1f} MB" for m, s, mb in sizes))


def measure_env(argv, env, cwd):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    main()
