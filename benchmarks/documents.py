"""Publicity lists and statistics reports at prefecture size: time and peak memory of one process each.

    python benchmarks/documents.py                 # 100k and 1M member rosters
    python benchmarks/documents.py 100000          # only the 100k roster
    python benchmarks/documents.py 100000 --no-ledger

For each roster (generated into benchmarks/out/ by make_roster.py when missing): `dibao check` (reading
and assessing the roster, the floor every roster command pays), `dibao publicity --all` to HTML and xlsx,
`dibao report monthly` from the roster to xlsx and HTML. For the smallest roster, unless --no-ledger, the
roster is imported as one ledger month and `report monthly --month` and `report year` are measured too.
Wall time and peak memory per process come from os.wait4.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
from ledger import roster  # noqa: E402
from run import dibao, measure  # noqa: E402

REGION = ("--region", "632521")
DAY = "2026-12-01"


def row(label: str, argv: list[str], table: list[tuple[str, str, float, float]], n: int) -> None:
    seconds, peak, code = measure(argv)
    if code not in (0, 1):
        label = f"{label} (exit {code})"  # measure() printed the message; the other commands still run
    table.append((f"{n:,}", label, seconds, peak))
    print(f"  {n:>9,}  {label:<44} {seconds:8.2f} s {peak:8.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[100000, 1000000])
    parser.add_argument("--no-ledger", action="store_true", help="skip the ledger-month reports")
    args = parser.parse_args()
    table: list[tuple[str, str, float, float]] = []
    with tempfile.TemporaryDirectory(dir=OUT if OUT.exists() else None) as tmp:
        out = Path(tmp)
        for n in args.sizes:
            path = str(roster(n))
            row("check (read + assess)", dibao("check", path, *REGION, "--date", DAY), table, n)
            for ext in ("html", "xlsx"):
                row(f"publicity --all → {ext}",
                    dibao("publicity", path, *REGION, "--all", "--from", DAY, "--date", DAY,
                          "--phone", "0974-8512345", "-o", str(out / f"publicity-{n}.{ext}")), table, n)
            for ext in ("xlsx", "html"):
                row(f"report monthly (roster) → {ext}",
                    dibao("report", "monthly", path, *REGION, "--date", DAY, "--filled-on", DAY,
                          "--filled-by", "张三", "-o", str(out / f"monthly-{n}.{ext}")), table, n)
            if not args.no_ledger and n == min(args.sizes):
                db = str(out / f"ledger-{n}.db")
                env_db = ("--db", db)
                row("import --month 2026-12", dibao("import", path, "--month", "2026-12", *REGION, *env_db),
                    table, n)
                for ext in ("xlsx", "html"):
                    row(f"report monthly --month → {ext}",
                        dibao("report", "monthly", "--month", "2026-12", *REGION, *env_db, "--filled-on", DAY,
                              "-o", str(out / f"monthly-ledger-{n}.{ext}")), table, n)
                    row(f"report year → {ext}",
                        dibao("report", "year", "--year", "2026", *env_db,
                              "-o", str(out / f"year-{n}.{ext}")), table, n)
    print(f"\nload average before the last run: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)\n")
    print("| members | command | time | peak |\n|---|---|---|---|")
    for n, label, seconds, peak in table:
        print(f"| {n} | {label} | {seconds:.2f} s | {peak:.0f} MB |")


if __name__ == "__main__":
    main()
