"""CPU time of each stage of `dibao assess --format json` in one process: reading the roster, planning, assessing
and writing the JSON (assessing and writing are one streamed stage; `--assess-only` times the assessment alone).
The JSON is written by the columnar engine where the code has one (households decided on columns, the others
one at a time); `--per-household` writes it with the per-household engine only, for comparison in one session.

    python benchmarks/stages.py benchmarks/out/roster-100000.xlsx
    python benchmarks/stages.py benchmarks/out/roster-100000.xlsx --per-household
    python benchmarks/stages.py benchmarks/out/roster-100000.xlsx --assess-only    # the columnar pass alone
    PYTHONPATH=/other/checkout python benchmarks/stages.py roster.xlsx --profile prof.out   # cProfile of the last stage
    python benchmarks/stages.py benchmarks/out/roster-1000000.xlsx --processes 2   # the JSON on two processes

The cycle collector is paused as the CLI pauses it. CPU time (process_time) is shown beside wall time: the
benchmark machine is shared, so CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import os
import time
from pathlib import Path

DAY = _dt.date(2026, 11, 30)


def _imports():
    """The functions of either code layout (assess/ and reports/, or the flat modules before them)."""
    try:
        from dibao_cli.assess.household import iter_results, plan_assessment
        from dibao_cli.reports.assess import json_chunks
    except ImportError:  # the flat layout
        from dibao_cli.assess_report import json_chunks
        from dibao_cli.assessment import iter_results, plan_assessment
    try:
        from dibao_cli.reading.roster import read_rosters
    except ImportError:
        from dibao_cli.roster import read_rosters
    from dibao_cli.policy import PolicyAt
    try:
        from dibao_cli.policy.config import choose_policy
    except ImportError:
        from dibao_cli.config import choose_policy

    def resolve(day):
        return PolicyAt(choose_policy(None, ()), day)

    return read_rosters, plan_assessment, iter_results, json_chunks, resolve


def _columnar():
    """(assess_block, income-item table, assess_household) of the columnar engine, or None in code that has none."""
    try:
        from dibao_cli.assess.household import _income_items, assess_household
        from dibao_cli.assess.vector import assess_block
    except ImportError:
        return None
    return assess_block, _income_items, assess_household


def _processes(choice: str) -> None:
    """One process or two for the JSON (reports/assess_json_parallel.py, in code that has it)."""
    try:
        from dibao_cli.reports import assess_json_parallel
    except ImportError:
        return
    if choice == "1":
        assess_json_parallel.PARALLEL_FROM = 1 << 62
    elif choice == "2":
        from dibao_cli import forked

        forked.core_free = lambda: True


class Clock:
    def __init__(self):
        self.cpu, self.wall, self.children = time.process_time(), time.perf_counter(), self._children()

    @staticmethod
    def _children() -> float:
        times = os.times()
        return times.children_user + times.children_system

    def lap(self, name: str) -> None:
        cpu, wall, children = time.process_time(), time.perf_counter(), self._children()
        print(f"  {name:<12} cpu {cpu - self.cpu:7.2f} s   wall {wall - self.wall:7.2f} s   child processes' cpu "
              f"{children - self.children:5.2f} s", flush=True)
        self.cpu, self.wall, self.children = cpu, wall, children


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("roster")
    parser.add_argument("--profile", help="write a cProfile of the assess/JSON stage here")
    parser.add_argument("--assess-only", action="store_true", help="assess without building the JSON")
    parser.add_argument("--per-household", action="store_true", help="the per-household engine only (no columns)")
    parser.add_argument("--processes", choices=("auto", "1", "2"), default="auto",
                        help="the JSON of a large roster in one process, on two (a forked child writes every other "
                             "block, even when no core looks free), or as the command chooses")
    args = parser.parse_args()
    _processes(args.processes)
    read_rosters, plan_assessment, iter_results, json_chunks, resolve = _imports()
    gc.disable()
    clock = Clock()
    policy = resolve(DAY)
    roster = read_rosters([Path(args.roster)], on_date=DAY)
    clock.lap("read")
    assessment = plan_assessment(roster, policy, DAY)
    clock.lap("plan")
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    columnar = _columnar()
    engine = "columnar" if columnar is not None and not args.per_household else "per-household"
    if args.assess_only and engine == "columnar":
        assess_block, lookup, assess_household = columnar
        decided = assess_block(assessment.pending, policy, DAY, lookup(policy))
        count = sum(1 for d in decided if d is not None)
        for household, d in zip(assessment.pending, decided):  # the rest one at a time, as the command does
            if d is None:
                assess_household(household, policy, DAY)
        name = "assess(columns)"
    elif args.assess_only:
        count = sum(1 for _ in iter_results(assessment))
        name = "assess"
    else:
        chunks = json_chunks(assessment) if columnar is None else json_chunks(assessment, columnar=engine == "columnar")
        count = sum(len(chunk) for chunk in chunks)
        name = "assess+json"
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    clock.lap(name)
    what = ("decided on columns" if engine == "columnar" else "results") if args.assess_only else "bytes"
    print(f"  ({len(assessment.pending)} households, {count} {what}; {engine} engine)")


if __name__ == "__main__":
    main()
