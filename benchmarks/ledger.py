"""Ledger figures: importing a 1M-member month and reviewing it; the ledger's size after 12 months of a
100k-member county.

    python benchmarks/ledger.py benchmarks/out/roster-1000000.xlsx benchmarks/out/roster-100000.xlsx
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import dibao, measure  # noqa: E402


def main(big: str, county: str) -> None:
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent / "out") as folder:
        db = str(Path(folder) / "big.db")
        seconds, mb, code = measure(dibao("import", big, "--month", "2026-01", "--db", db))
        print(f"import {Path(big).name}: {seconds:.1f} s, {mb:.0f} MB peak, exit {code}")
        seconds, mb, code = measure(dibao("review", "--db", db, "--as-of", "2026-12-31", "--format", "json", "-o",
                                          str(Path(folder) / "review.json")))
        print(f"review of it: {seconds:.1f} s, {mb:.0f} MB peak, exit {code}")
        print(f"ledger size after one 1M-member month: {Path(db).stat().st_size / 1e6:.0f} MB")
        db = str(Path(folder) / "county.db")
        total = 0.0
        for month in range(1, 13):
            seconds, mb, code = measure(dibao("import", county, "--month", f"2026-{month:02d}", "--db", db))
            total += seconds
        print(f"12 months of {Path(county).name}: {total:.0f} s in all, ledger {Path(db).stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
