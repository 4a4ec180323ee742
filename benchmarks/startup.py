"""Time dibao's start: --version, --help, and a 10k-member roster from start to JSON (assess, check).

    python benchmarks/startup.py                      # best of 7 runs of each
    python benchmarks/startup.py -n 15 --roster benchmarks/out/roster-10000.xlsx
    python benchmarks/startup.py --code /path/to/other/checkout   # the same commands on another checkout

Each command runs in its own process (`python -m dibao_cli ...`); the best wall time and the best CPU time
(user + system, steadier on a shared machine) of N runs are printed, with bare `python -c pass` for scale.
With --code the runs of the two checkouts alternate, so both are measured under the same load.

Two rows per command: "source" runs as the environment says (with PYTHONDONTWRITEBYTECODE set, as on the
development machines, every module of an editable install is compiled from source on every start), "pyc" with
compiled modules cached (PYTHONPYCACHEPREFIX in a temporary folder, as an installed copy runs).
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
DAY = "2026-11-30"


def measure(argv: list[str], env: dict, cwd: str | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        print(f"  ! {' '.join(argv)} exited {code}: {err.strip()[:300]}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def checkout(code: str | None, pycache: str | None) -> tuple[dict, str | None]:
    """The environment and working folder that make `python -m dibao_cli` run `code` (None: the installed one),
    with compiled modules cached in `pycache` (None: as the environment says)."""
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    if code is None:
        return env, None
    cwd = str(Path(code).resolve())
    env["PYTHONPATH"] = cwd
    return env, cwd


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=7, help="runs of each command (the best is printed)")
    parser.add_argument("--roster", default=str(HERE / "out" / "roster-10000.xlsx"))
    parser.add_argument("--code", help="also run this checkout, alternating with this one")
    args = parser.parse_args()
    roster = str(Path(args.roster).resolve())
    python = sys.executable
    dibao = [python, "-m", "dibao_cli"]
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "--version": [*dibao, "--version"],
            "--help": [*dibao, "--help"],
            "assess --help": [*dibao, "assess", "--help"],
            "assess 10k json": [*dibao, "assess", roster, "--date", DAY, "--format", "json", "-o",
                                str(Path(tmp) / "assess.json"), "--force"],
            "check 10k json": [*dibao, "check", roster, "--date", DAY, "--format", "json", "-o",
                               str(Path(tmp) / "check.json"), "--force"],
        }
        pycache = str(Path(tmp) / "pycache")
        targets = {"this": None, **({"other": args.code} if args.code else {})}
        modes = {"source": None, "pyc": pycache}
        best: dict[tuple[str, str, str], tuple[float, float]] = {}
        for _ in range(args.n):
            for name, argv in commands.items():
                for mode, cache in modes.items():
                    for target, code in targets.items():
                        env, cwd = checkout(code, cache)
                        if cache is not None:
                            env["PYTHONPYCACHEPREFIX"] = str(Path(cache) / target)
                        wall, cpu = measure(argv, env, cwd)
                        old = best.get((target, mode, name), (float("inf"), float("inf")))
                        best[(target, mode, name)] = (min(old[0], wall), min(old[1], cpu))
    print(f"best of {args.n}" + "".join(f"  |  {target}: {code or 'installed'}" for target, code in targets.items()))
    for name in commands:
        for mode in modes:
            line = f"{name:<16} {mode:<6}"
            for target in targets:
                wall, cpu = best[(target, mode, name)]
                line += f"  |  {target}: wall {wall * 1000:5.0f} ms  cpu {cpu * 1000:5.0f} ms"
            print(line)


if __name__ == "__main__":
    main()
