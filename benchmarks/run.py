"""Time dibao on generated rosters of 10k to 1M member rows, against python-calamine's raw read.

    python benchmarks/run.py 10000 100000 1000000

Each command runs in its own process; wall time and peak memory (max RSS) are measured per process
with os.wait4. Rosters are generated once into benchmarks/out/ (git-ignored).
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
CALAMINE = ("import sys; from python_calamine import load_workbook; "
            "load_workbook(sys.argv[1]).get_sheet_by_index(0).to_python()")


def measure(argv: list[str]) -> tuple[float, float, int]:
    """(seconds, peak MB, exit status) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        print(f"  ! {' '.join(argv)} exited {code}: {err.strip()[:300]}")
    return seconds, usage.ru_maxrss / 1024, code


def dibao(*args: str) -> list[str]:
    exe = shutil.which("dibao") or str(Path(sys.executable).parent / "dibao")
    return [exe, *args]


def main(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    python = sys.executable
    rows = []
    for n in sizes:
        roster = OUT / f"roster-{n}.xlsx"
        if not roster.exists():
            t = time.perf_counter()
            subprocess.run([python, str(HERE / "make_roster.py"), str(n), str(roster)], check=True)
            print(f"generated {roster.name} in {time.perf_counter() - t:.1f} s")
        base = measure([python, "-c", CALAMINE, str(roster)])
        results = {
            "calamine to_python": base,
            "dibao check": measure(dibao("check", str(roster), "--date", DAY, "--format", "json", "-o",
                                         str(OUT / "check.json"), "--force")),
            "dibao assess --format json": measure(dibao("assess", str(roster), "--date", DAY, "--format", "json",
                                                        "-o", str(OUT / "assess.json"), "--force")),
            "dibao assess --format xlsx": measure(dibao("assess", str(roster), "--date", DAY, "-o",
                                                        str(OUT / "assess.xlsx"), "--force")),
        }
        for name, (seconds, mb, code) in results.items():
            ratio = seconds / base[0]
            rows.append((n, name, seconds, ratio, mb, code))
            print(f"{n:>9,} rows  {name:<28} {seconds:8.2f} s  {ratio:5.2f}x calamine  {mb:8.0f} MB  exit {code}")
    version = [measure(dibao("--version"))[0] for _ in range(5)]
    print(f"dibao --version: best of 5 {min(version):.3f} s")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10000, 100000, 1000000])
