"""`dibao import` of a month against `dibao assess --format json` on the same roster, alternated in one run.

    python benchmarks/ledger_ratio.py 100000             # SQLite ledger (a file in a temporary folder)
    python benchmarks/ledger_ratio.py 100000 --pg URL    # a PostgreSQL server: a fresh database per round

Each round imports the roster as a ledger's first month and then as its second month (the steady state: the
month before is there, so the import carries it forward and compares), and runs assess once. The ratio is
the second month's import over assess. With --code DIR the commands run the dibao of another checkout.
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
OUT = HERE / "out"
sys.path.insert(0, str(HERE))
from ledger import roster  # noqa: E402


def timed(argv, env) -> tuple[float, float, float]:
    """(wall seconds, peak MB, CPU seconds of the process: steadier than wall time on a busy machine)."""
    start = time.perf_counter()
    # run from the checkout whose dibao is measured (python -m puts the working folder first on the path)
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            cwd=env.get("PYTHONPATH") or OUT)
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {code}: {proc.stderr.read().decode()[-500:]}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("members", type=int)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pg", help="postgresql://... of a server where databases may be created")
    parser.add_argument("--code", help="a checkout of dibao to run instead of this one")
    args = parser.parse_args()
    path = roster(args.members)
    env = dict(os.environ)
    if args.code:
        env["PYTHONPATH"] = args.code
    cli = [sys.executable, "-m", "dibao_cli"]
    rows = []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory(dir=OUT) as folder:
            db = str(Path(folder) / "l.db")
            if args.pg:
                import psycopg

                name = f"bench_{uuid.uuid4().hex[:8]}"
                with psycopg.connect(args.pg, autocommit=True) as con:
                    con.execute(f"CREATE DATABASE {name}")
                db = args.pg.rsplit("/", 1)[0] + "/" + name
            try:
                assess, assess_mb, assess_cpu = timed([*cli, "assess", str(path), "--format", "json", "-o",
                                           str(Path(folder) / "a.json")], env)
                first, _, _ = timed([*cli, "import", str(path), "--month", "2026-01", "--db", db], env)
                second, import_mb, import_cpu = timed([*cli, "import", str(path), "--month", "2026-02", "--db", db], env)
            finally:
                if args.pg:
                    with psycopg.connect(args.pg, autocommit=True) as con:
                        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        rows.append((assess, second, assess_cpu, import_cpu))
        print(f"assess --format json {assess:6.1f} s (CPU {assess_cpu:.1f} s, {assess_mb:.0f} MB)  import month 1 "
              f"{first:6.1f} s  month 2 {second:6.1f} s (CPU {import_cpu:.1f} s, {import_mb:.0f} MB)  "
              f"ratio {second / assess:.2f}x", flush=True)
    wall = statistics.median(r[1] / r[0] for r in rows)
    cpu = statistics.median(r[3] / r[2] for r in rows)
    print(f"{args.members:,} members, {'PostgreSQL' if args.pg else 'SQLite'}: import / assess median {wall:.2f}x "
          f"(CPU of the dibao process {cpu:.2f}x)")


if __name__ == "__main__":
    main()
