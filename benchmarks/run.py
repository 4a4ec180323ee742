"""Time dibao on generated rosters of 10k to 1M member rows, against the bare readers, in one run.

    python benchmarks/run.py 10000 100000 1000000
    python benchmarks/run.py --only check,json 1000000
    python benchmarks/run.py --code /path/to/other/checkout 100000   # the same commands on another checkout

Each command runs in its own process; wall time and peak memory (max RSS) are measured per process
with os.wait4, and CPU time (user + system, steadier than wall time on a shared machine). The bare reads (python-calamine `to_python()`, fastexcel `load_sheet` to Arrow) run
between dibao's commands on the same file, so a ratio compares runs made under the same load. Rosters
are generated once into benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
DAY = "2026-11-30"
CALAMINE = ("import sys; from python_calamine import load_workbook; "
            "load_workbook(sys.argv[1]).get_sheet_by_index(0).to_python()")
FASTEXCEL = ("import sys, fastexcel; "
             "fastexcel.read_excel(sys.argv[1]).load_sheet(0, header_row=None).to_arrow()")


def measure(argv: list[str], env: dict | None = None, cwd: str | None = None) -> tuple[float, float, int, float]:
    """(seconds, peak MB, exit status, CPU seconds) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        print(f"  ! {' '.join(argv)} exited {code}: {err.strip()[:300]}")
    return seconds, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[10000, 100000, 300000, 1000000])
    parser.add_argument("--only", default="check,json,xlsx,import")
    parser.add_argument("--code", help="run dibao from this checkout instead of the installed one")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    python = sys.executable
    env = dict(os.environ)
    cwd = None
    if args.code:  # `python -m` puts the working folder first on the path: run from the other checkout
        cwd = str(Path(args.code).resolve())
        env["PYTHONPATH"] = cwd
    dibao = [python, "-m", "dibao_cli"]
    wanted = args.only.split(",")
    for n in args.sizes:
        roster = OUT / f"roster-{n}.xlsx"
        if not roster.exists():
            t = time.perf_counter()
            subprocess.run([python, str(HERE / "make_roster.py"), str(n), str(roster)], check=True)
            print(f"generated {roster.name} in {time.perf_counter() - t:.1f} s")
        commands = {
            "check": [*dibao, "check", str(roster), "--date", DAY, "--format", "json", "-o", str(OUT / "check.json"),
                      "--force"],
            "json": [*dibao, "assess", str(roster), "--date", DAY, "--format", "json", "-o", str(OUT / "assess.json"),
                     "--force"],
            "xlsx": [*dibao, "assess", str(roster), "--date", DAY, "-o", str(OUT / "assess.xlsx"), "--force"],
        }
        results: dict[str, tuple[float, float, int, float]] = {}
        bases: list[tuple[float, float, int, float]] = []
        fasts: list[tuple[float, float, int, float]] = []
        for key in wanted:
            bases.append(measure([python, "-c", CALAMINE, str(roster)]))
            if key == "import":
                with tempfile.TemporaryDirectory() as tmp:
                    results[key] = measure([*dibao, "import", str(roster), "--month", "2026-11", "--db",
                                            str(Path(tmp) / "dibao.db")], env, cwd)
            else:
                results[key] = measure(commands[key], env, cwd)
            fasts.append(measure([python, "-c", FASTEXCEL, str(roster)]))
        base = min(b[0] for b in bases)
        fast = min(f[0] for f in fasts)
        base_cpu = min(b[3] for b in bases)
        fast_cpu = min(f[3] for f in fasts)
        print(f"{n:>9,} rows  python-calamine to_python {base:8.2f} s  {max(b[1] for b in bases):7.0f} MB  "
              f"cpu {base_cpu:7.2f} s")
        print(f"{n:>9,} rows  fastexcel load_sheet      {fast:8.2f} s  {max(f[1] for f in fasts):7.0f} MB  "
              f"cpu {fast_cpu:7.2f} s")
        for key, (seconds, mb, code, cpu) in results.items():
            print(f"{n:>9,} rows  dibao {key:<19} {seconds:8.2f} s  {mb:7.0f} MB  "
                  f"{seconds / base:5.2f}x calamine  {seconds / fast:5.2f}x fastexcel  "
                  f"cpu {cpu:7.2f} s ({cpu / base_cpu:4.2f}x, {cpu / fast_cpu:4.2f}x)  exit {code}")
        sys.stdout.flush()
    version = [measure([*dibao, "--version"], env, cwd)[0] for _ in range(5)]
    print(f"dibao --version: best of 5 {min(version):.3f} s")


if __name__ == "__main__":
    main()
