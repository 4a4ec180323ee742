"""Screens stay bounded: `review --month` of a large ledger month as the default table, against the same
list written as CSV, and `--all`; `assess` as a table.

    python benchmarks/screens.py benchmarks/out/roster-1000000.xlsx [ledger.db]

The roster is imported into a temporary ledger (or the given one, reused if it already holds 2026-01).
Standard output goes to /dev/null, as when a table is redirected.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import dibao, measure  # noqa: E402


def main(roster: str, db: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = db or str(Path(folder) / "screens.db")
        if not Path(db).exists():
            seconds, mb, code = measure(dibao("import", roster, "--month", "2026-01", "--db", db))
            print(f"import {Path(roster).name}: {seconds:.1f} s, {mb:.0f} MB peak, exit {code}")
        review = ("review", "--db", db, "--month", "2026-01", "--as-of", "2026-12-31")
        for label, extra in (("table (default)", ()), ("csv", ("--format", "csv", "-o", str(Path(folder) / "r.csv"))),
                             ("table --all", ("--all",))):
            seconds, mb, code = measure(dibao(*review, *extra))
            print(f"review --month, {label}: {seconds:.1f} s, {mb:.0f} MB peak, exit {code}")
        seconds, mb, code = measure(dibao("assess", roster, "--date", "2026-11-30"))
        print(f"assess, table (default): {seconds:.1f} s, {mb:.0f} MB peak, exit {code}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
