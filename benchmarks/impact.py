"""Time `dibao impact` with five alternatives against a single `dibao assess` of the same roster.

    python benchmarks/impact.py 100000 1000000

For each size: the roster is generated once into benchmarks/out/ (git-ignored); then each command runs in
its own process and wall time and peak memory (max RSS) are measured with os.wait4:
  - dibao assess ROSTER --format json          (read, check, assess once, write every household)
  - dibao impact ROSTER --grid 5400:6600:300   (read, check once; assess under the policy in force and
                                                 five standards; JSON with every household that changes)
  - the same impact with --format xlsx
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
DAY = "2026-11-30"
GRID = "rural_standard_annual=5400:6600:300"


def measure(argv: list[str]) -> tuple[float, float, int, float]:
    """(wall seconds, peak MB, exit status, CPU seconds) of one process. CPU time is printed too: on a shared
    machine the wall time of a long run depends on what else is running."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        print(f"  ! {' '.join(argv)} exited {code}: {err.strip()[:300]}")
    return seconds, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime


def dibao(*args: str) -> list[str]:
    exe = shutil.which("dibao") or str(Path(sys.executable).parent / "dibao")
    return [exe, *args]


def main(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    for n in sizes:
        roster = OUT / f"roster-{n}.xlsx"
        if not roster.exists():
            t = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / "make_roster.py"), str(n), str(roster)], check=True)
            print(f"generated {roster.name} in {time.perf_counter() - t:.1f} s")
        assess = measure(dibao("assess", str(roster), "--date", DAY, "--format", "json", "-o", str(OUT / "assess.json"),
                               "--force"))
        impact = measure(dibao("impact", str(roster), "--date", DAY, "--grid", GRID, "--format", "json", "-o",
                               str(OUT / "impact.json"), "--force"))
        print(f"{n:>9,} rows  assess json {assess[0]:6.1f} s (cpu {assess[3]:6.1f} s) {assess[1]:6.0f} MB   "
              f"impact x5 json {impact[0]:6.1f} s (cpu {impact[3]:6.1f} s) {impact[1]:6.0f} MB  "
              f"({impact[0] / assess[0]:.2f} x assess wall, {impact[3] / assess[3]:.2f} x cpu)", flush=True)
        workbook = measure(dibao("impact", str(roster), "--date", DAY, "--grid", GRID, "-o", str(OUT / "impact.xlsx"),
                                 "--force"))
        print(f"{'':>15}impact x5 xlsx {workbook[0]:6.1f} s (cpu {workbook[3]:6.1f} s) {workbook[1]:6.0f} MB  "
              f"({workbook[0] / assess[0]:.2f} x assess wall, {workbook[3] / assess[3]:.2f} x cpu)", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100000])
