"""Time dibao on generated rosters of 10k to 1M member rows, against the bare readers, in one run.

    python benchmarks/run.py 10000 100000 1000000
    python benchmarks/run.py --only check,json 1000000
    python benchmarks/run.py --code /path/to/other/checkout 100000   # the same commands on another checkout
    python benchmarks/run.py --code /work/main --code . --rounds 3 100000   # two checkouts, alternating

Each command runs in its own process; wall time, CPU time (user + system of the process and of the child
processes it waited for, as os.wait4 reports them: steadier than wall time on a shared machine) and memory
are measured per process. Memory is given twice: the largest resident set of any one process (ru_maxrss), and
the peak of the proportional set size (PSS) summed over the process and its children, sampled every 20 ms (a
command that loads a sheet in a child process while it scans the sheet holds both at once). The bare reads
(python-calamine `to_python()`, fastexcel `load_sheet` to Arrow) run between dibao's commands on the same file,
so a ratio compares runs made under the same load; each ratio is to the fastest bare read of the run. Beside
`assess -o x.xlsx` runs the chosen writer alone (rustpy-xlsxwriter, xlsx_writers.py) writing the very cells the
command writes (dumped once beforehand), and the last table gives the command's ratio to it. With
several --code checkouts and --rounds, the checkouts take turns within each round. Rosters are generated once
into benchmarks/out/ (git-ignored). The last lines are a Markdown table of the best of the rounds.
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


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out.extend(int(p) for p in fh.read().split())
    except OSError:
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_pss_kb(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _pss_kb(current)
        todo.extend(_children(current))
    return total


class Run:
    def __init__(self, seconds: float, cpu: float, rss_mb: float, tree_mb: float, code: int):
        self.seconds, self.cpu, self.rss_mb, self.tree_mb, self.code = seconds, cpu, rss_mb, tree_mb, code


def measure(argv: list[str], env: dict | None = None, cwd: str | None = None) -> Run:
    """Wall seconds, CPU seconds, peak memory and exit status of one process (and the children it waited for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    tree = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        tree = max(tree, _tree_pss_kb(proc.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        print(f"  ! {' '.join(argv)} exited {code}: {err.strip()[:300]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, tree / 1024, code)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[10000, 100000, 300000, 1000000])
    parser.add_argument("--only", default="check,json,xlsx,import")
    parser.add_argument("--code", action="append", default=[],
                        help="run dibao from this checkout instead of the installed one (repeat to alternate)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    python = sys.executable
    checkouts: list[tuple[str, dict, str | None]] = []
    for code in args.code or [None]:
        env = dict(os.environ)
        cwd = None
        if code:  # `python -m` puts the working folder first on the path: run from the other checkout
            cwd = str(Path(code).resolve())
            env["PYTHONPATH"] = cwd
        checkouts.append((code or "installed", env, cwd))
    dibao = [python, "-m", "dibao_cli"]
    wanted = args.only.split(",")
    table: list[str] = []
    writer_table: list[str] = []
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
        results: dict[tuple[str, str], list[Run]] = {}
        bases: list[Run] = []
        fasts: list[Run] = []
        writers: list[Run] = []
        scratch = tempfile.TemporaryDirectory()
        cells = _dump_cells(roster, Path(scratch.name)) if "xlsx" in wanted else []
        for _ in range(args.rounds):
            for key in wanted:
                for label, env, cwd in checkouts:
                    bases.append(measure([python, "-c", CALAMINE, str(roster)]))
                    if key == "xlsx":  # the writer alone writing the cells the command writes, under the same load
                        writers.append(measure([python, str(HERE / "xlsx_writers.py"), "--writer-alone",
                                                str(Path(scratch.name) / "w.xlsx"), *map(str, cells)]))
                    if key == "import":
                        with tempfile.TemporaryDirectory() as tmp:
                            run = measure([*dibao, "import", str(roster), "--month", "2026-11", "--db",
                                           str(Path(tmp) / "dibao.db")], env, cwd)
                    else:
                        run = measure(commands[key], env, cwd)
                    results.setdefault((key, label), []).append(run)
                    fasts.append(measure([python, "-c", FASTEXCEL, str(roster)]))
        base = min(b.seconds for b in bases)
        fast = min(f.seconds for f in fasts)
        base_cpu = min(b.cpu for b in bases)
        fast_cpu = min(f.cpu for f in fasts)
        print(f"{n:>9,} rows  python-calamine to_python {base:8.2f} s  cpu {base_cpu:7.2f} s  "
              f"{max(b.rss_mb for b in bases):7.0f} MB")
        print(f"{n:>9,} rows  fastexcel load_sheet      {fast:8.2f} s  cpu {fast_cpu:7.2f} s  "
              f"{max(f.rss_mb for f in fasts):7.0f} MB")
        scratch.cleanup()
        if writers:
            writer, writer_cpu = min(w.seconds for w in writers), min(w.cpu for w in writers)
            print(f"{n:>9,} rows  rustpy-xlsxwriter alone   {writer:8.2f} s  cpu {writer_cpu:7.2f} s  "
                  f"{max(w.rss_mb for w in writers):7.0f} MB (the cells dibao writes, from a dump)")
            for label, env, cwd in checkouts:
                runs = results.get(("xlsx", label), [])
                if runs:
                    best, cpu = min(r.seconds for r in runs), min(r.cpu for r in runs)
                    writer_table.append(f"| {n:,} | {label} | {best:.2f} s | {cpu:.2f} s | {writer:.2f} s | "
                                        f"{writer_cpu:.2f} s | {best / writer:.2f}x | {cpu / writer_cpu:.2f}x |")
        for (key, label), runs in results.items():
            for run in runs:
                print(f"{n:>9,} rows  dibao {key:<6} [{label}] {run.seconds:8.2f} s  cpu {run.cpu:7.2f} s  "
                      f"{run.rss_mb:6.0f} MB (tree {run.tree_mb:6.0f} MB)  "
                      f"wall {run.seconds / base:4.2f}x calamine {run.seconds / fast:4.2f}x fastexcel  "
                      f"cpu {run.cpu / base_cpu:4.2f}x, {run.cpu / fast_cpu:4.2f}x  exit {run.code}")
            best = min(runs, key=lambda r: r.seconds)
            cpu = min(r.cpu for r in runs)
            peak = max(max(r.rss_mb, r.tree_mb) for r in runs)
            table.append(f"| {n:,} | {key} | {label} | {best.seconds:.2f} s | {cpu:.2f} s | {peak:.0f} MB | "
                         f"{best.seconds / base:.2f}x | {best.seconds / fast:.2f}x | {cpu / base_cpu:.2f}x | "
                         f"{cpu / fast_cpu:.2f}x | {base:.2f} s / {fast:.2f} s |")
        sys.stdout.flush()
    for label, env, cwd in checkouts:
        version = [measure([*dibao, "--version"], env, cwd).seconds for _ in range(5)]
        print(f"dibao --version [{label}]: best of 5 {min(version):.3f} s")
    print("\n| rows | command | code | wall | CPU | peak | wall / calamine | wall / fastexcel | CPU / calamine | "
          "CPU / fastexcel | calamine / fastexcel wall |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(table))
    if writer_table:
        print("\n| rows | code | assess -o x.xlsx wall | CPU | writer alone wall | CPU | wall / writer | CPU / writer |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(writer_table))


def _dump_cells(roster: Path, folder: Path) -> list[Path]:
    """The cells of the assessment's workbook as this checkout makes them, dumped for the writer alone
    (xlsx_writers.py), in a child process."""
    out = subprocess.run([sys.executable, str(HERE / "xlsx_writers.py"), "--dump", str(folder), str(roster)],
                         check=True, capture_output=True, text=True).stdout
    return [folder / f"sheet{i}.marshal" for i in range(int(out.split()[0]))]


if __name__ == "__main__":
    main()
