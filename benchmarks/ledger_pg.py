"""The ledger on PostgreSQL beside SQLite, at prefecture size.

    python benchmarks/ledger_pg.py 600000 --pg postgresql://postgres:pw@127.0.0.1:5432/postgres
    python benchmarks/ledger_pg.py 100000 --county 20000 --months 6     # a quicker run

For each backend: the prefecture's first month is imported (a real import of the whole roster), the other
months of the year are copied from it inside the database (the same households every month: what a
steady year looks like, built in seconds instead of a dozen full imports), then measured:
- one more month imported into the year-long ledger (the whole prefecture's roster);
- one county's roster imported into that month (`import --township --replace`: the county's rows computed
  and written, the rest of the prefecture's month carried into the new version inside the database). The
  generated rosters spread households over eight townships; the county's roster is one of them (1/8);
- `history` of one household (milliseconds; the median of 50 households looked up in one process);
- `review` of the newest month (CSV) and `report monthly` (xlsx), each its own process;
- ten imports at once into a county ledger (ten processes, ten different months of a county's roster):
  computed side by side, written one at a time.
Rosters are generated into benchmarks/out/ (git-ignored); the PostgreSQL databases are created on the
server given by --pg (or $DIBAO_TEST_POSTGRES) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from ledger import one_import, roster  # noqa: E402
from run import dibao, measure  # noqa: E402

def county_roster(people: int, township: str) -> Path:
    """The rows of the generated prefecture roster of one township, as a roster of its own."""
    path = HERE / "out" / f"roster-{people}-{township}.xlsx"
    if path.exists():
        return path
    from make_roster import rows, write_rows

    roster(people)
    write_rows((row for row in rows(people) if row[0] == township), path)
    return path


HISTORY = """
import json, random, statistics, sys, time
from dibao_cli.ledger.store import Ledger, ledger_path
ledger = Ledger(ledger_path(sys.argv[1]), create=False)
ids = sorted(ledger.households_of(sys.argv[2]))
random.Random(5).shuffle(ids)
times = []
for hid in ids[:50]:
    t = time.perf_counter()
    rows = ledger.history(hid)
    times.append((time.perf_counter() - t) * 1000)
    assert len(rows) >= 2, (hid, len(rows))
print(json.dumps({"median_ms": statistics.median(times), "max_ms": max(times)}))
"""

COPY_MONTHS = """
import sys
from dibao_cli.ledger.store import Ledger, ledger_path
db, first, *months = sys.argv[1:]
ledger = Ledger(ledger_path(db), create=False, write=True)
source = ledger.require_month(first)
households = ", ".join(ledger.columns("households")[1:])
members = ", ".join(ledger.columns("members")[1:])
tekun = ", ".join(ledger.columns("assistance_tekun")[1:])
for month in months:
    with ledger.transaction() as tx:
        new = tx.execute("INSERT INTO imports (month, assessed_on, imported_at, region, policy_name, policy_hash, inputs, "
                         "households, members, skipped, dibao_version, options) SELECT ?, assessed_on, imported_at, region, "
                         "policy_name, policy_hash, inputs, households, members, skipped, dibao_version, NULL "
                         "FROM imports WHERE id = ?", (month, source)).lastrowid
        tx.execute(f"INSERT INTO households (import_id, {households}) SELECT ?, {households} FROM households "
                   "WHERE import_id = ?", (new, source))
        tx.execute(f"INSERT INTO members (import_id, {members}) SELECT ?, {members} FROM members WHERE import_id = ?",
                   (new, source))
        tx.execute(f"INSERT INTO assistance_tekun (import_id, {tekun}) SELECT ?, {tekun} FROM assistance_tekun "
                   "WHERE import_id = ?", (new, source))
ledger.close()
"""


def months(start_year: int, count: int) -> list[str]:
    return [f"{start_year + (m // 12):04d}-{m % 12 + 1:02d}" for m in range(count)]


def run_py(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.stdout


COUNTY = "恰卜恰镇"  # the county of the prefecture whose roster is imported on its own


def bench(target: str, label: str, prefecture: Path, county: Path, year: int, folder: Path,
          county_target: str, prefecture_people: int) -> dict:
    out: dict = {"backend": label}
    year_months = months(2026, year)
    first = one_import(prefecture, year_months[0], target)
    out["first_import"] = first["wall"]
    t = time.perf_counter()
    run_py(COPY_MONTHS, target, year_months[0], *year_months[1:])
    out["copy_months"] = time.perf_counter() - t
    nxt = months(2026, year + 1)[-1]
    after = one_import(prefecture, nxt, target)
    out["import"] = after["wall"]
    out["import_lock"] = after["lock"]
    out["county_import"], _, code = measure(dibao("import", str(county_roster(prefecture_people, COUNTY)), "--month", nxt,
                                                  "--township", COUNTY, "--replace", "--db", target))
    if code:
        raise SystemExit(f"county import exited {code}")
    hist = run_py(HISTORY, target, nxt)
    import json

    out["history_ms"] = json.loads(hist)["median_ms"]
    out["review"], _, code = measure(dibao("review", "--db", target, "--month", nxt, "--as-of", "2027-12-31",
                                           "--format", "csv", "-o", str(folder / f"review-{label}.csv")))
    out["report"], _, code = measure(dibao("report", "monthly", "--month", nxt, "--region", "632521", "--db", target,
                                           "-o", str(folder / f"report-{label}.xlsx")))
    # ten at once: a county's roster, ten different months, ten processes
    t = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "dibao_cli", "import", str(county), "--month", m, "--db",
                               county_target, "--region", "632521"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for m in months(2030, 10)]
    for p in procs:
        if p.wait():
            raise SystemExit(p.stderr.read().decode())
    out["ten_at_once"] = time.perf_counter() - t
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("people", type=int, nargs="?", default=600_000)
    parser.add_argument("--county", type=int, default=60_000, help="people of the county roster (ten imports at once)")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--pg", default=os.environ.get("DIBAO_TEST_POSTGRES"))
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if not args.pg and args.only != "sqlite":
        raise SystemExit("give --pg postgresql://... (a server where databases may be created), or --only sqlite")
    prefecture, county = roster(args.people), roster(args.county)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.only != "postgresql":
            results.append(bench(str(folder / "pref.db"), "SQLite", prefecture, county, args.months, folder,
                                 str(folder / "county.db"), args.people))
        if args.only != "sqlite":
            import psycopg

            from dibao_cli.ledger.postgres import redact

            names = [f"dibao_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
            admin = psycopg.connect(args.pg, autocommit=True)
            base = args.pg.rsplit("/", 1)[0]
            try:
                for name in names:
                    admin.execute(f"CREATE DATABASE {name}")
                print(f"PostgreSQL: {redact(args.pg)}", file=sys.stderr)
                results.append(bench(f"{base}/{names[0]}", "PostgreSQL", prefecture, county, args.months, folder,
                                     f"{base}/{names[1]}", args.people))
            finally:
                for name in names:
                    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(f"\n{args.people:,} people, {args.months} months; county roster {args.county:,} people\n")
    print("| | " + " | ".join(r["backend"] for r in results) + " |")
    print("|---|" + "---:|" * len(results))
    for key, name in (("first_import", "导入第 1 个月（全市名册）"), ("copy_months", "复制出其余月份（准备，不计）"),
                      ("import", f"再导入一个月（台账已有 {args.months} 个月）"), ("import_lock", "其中持有写锁"),
                      ("county_import", "一个县的名册导入这个月（全市的 1/8，--township --replace）"),
                      ("history_ms", "history 一户（毫秒，50 户中位数）"), ("review", "review 最近一个月（CSV）"),
                      ("report", "report monthly（xlsx）"), ("ten_at_once", "10 个进程同时导入（县名册，不同月份）")):
        unit = "" if key == "history_ms" else " s"
        print(f"| {name} | " + " | ".join(f"{r[key]:.1f}{unit}" for r in results) + " |")


if __name__ == "__main__":
    main()
