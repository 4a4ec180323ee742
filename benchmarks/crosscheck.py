"""Cross-check of a 1M-member roster against a 1M-row extract (a hash join: time proportional to inputs).

    python benchmarks/crosscheck.py benchmarks/out/roster-1000000.xlsx 1000000
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from make_roster import rows  # noqa: E402
from run import DAY, OUT, dibao, measure  # noqa: E402

from dibao_cli.idcard import build_id  # noqa: E402


def make_extract(n: int, path: Path) -> None:
    """A deaths extract of n rows, GB18030: every 100th roster member, the rest people from elsewhere."""
    rnd = random.Random(3)
    with open(path, "w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["姓名", "身份证号", "死亡日期", "殡仪馆"])
        for i, row in enumerate(rows(n)):
            if i % 100 == 0:
                writer.writerow([row[4], row[5], "2026-06-15", "共和县殡仪馆"])
            else:
                birth = dt.date(1930, 1, 1) + dt.timedelta(days=rnd.randrange(0, 365 * 90))
                writer.writerow(["某某", build_id("632801", birth, rnd.randrange(1, 999)), "2026-03-01", "格尔木殡仪馆"])


def main(roster: str, n: int) -> None:
    extract = OUT / f"deaths-{n}.csv"
    if not extract.exists():
        make_extract(n, extract)
    seconds, mb, code = measure(dibao("crosscheck", roster, "--against", str(extract), "--kind", "殡葬", "--date", DAY,
                                      "--format", "json", "-o", str(OUT / "crosscheck.json"), "--force"))
    print(f"crosscheck {Path(roster).name} against {extract.name}: {seconds:.1f} s, {mb:.0f} MB peak, exit {code}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
