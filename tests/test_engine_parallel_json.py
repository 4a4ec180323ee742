"""A large roster's JSON written on two cores (reports/assess_json_parallel.py): a forked child writes every other
block of households, this process the blocks between, and the document is byte for byte the one written in one
process and the per-household engine's: on the examples under both policies, on generated clean, messy and mixed
rosters (one block each way, and many) and on random households. A child that fails (its memory ceiling, killed at
once or midway, Ctrl-C, stuck) leaves the same document, written here; Ctrl-C of the command leaves no file and no
process behind. The threshold is lowered to every roster here, and a free core is taken as found."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dibao_cli import forked
from dibao_cli.assess.household import plan_assessment
from dibao_cli.reading.roster import read_rosters
from dibao_cli.reports import assess as assess_report
from dibao_cli.reports import assess_json_parallel
from dibao_cli.reports.assess import Totals
from test_engine import DAY, ROOT, _policy
from test_engine_random import POLICIES, rosters

TWO_CORES = assess_json_parallel.can_split(assess_json_parallel.PARALLEL_FROM)
needs_two_cores = pytest.mark.skipif(not TWO_CORES, reason="one core, or no fork/memfd here: never split")


@contextlib.contextmanager
def split_everything(ceiling: int | None = None, started=None, block: int | None = None, received=None):
    """Every roster split between two processes (in blocks of `block` households); `started(child)` called right
    after each fork, `received(child, count)` after each block from it; yields the list of whether each block the
    child was asked for came from it (False: written here)."""
    ended: list[bool] = []
    next_block, start = assess_json_parallel.Child.next_block, assess_json_parallel.Child.start

    def counted(self, wait):
        got = next_block(self, wait)
        ended.append(got is not None)
        if received is not None:
            received(self, len(ended))
        return got

    def started_child(self, blocks):
        ok = start(self, blocks)
        if started is not None:
            started(self)
        return ok

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assess_json_parallel, "PARALLEL_FROM", 0)
        patch.setattr(forked, "core_free", lambda: True)  # busy or not, as the tests run
        patch.setattr(assess_json_parallel.Child, "next_block", counted)
        patch.setattr(assess_json_parallel.Child, "start", started_child)
        if ceiling is not None:
            patch.setattr(assess_json_parallel, "MEMORY_CEILING", ceiling)
        if block is not None:
            patch.setattr(assess_json_parallel, "BLOCK", block)
        yield ended


def documents(roster, policy, **split) -> tuple[bytes, bytes, bytes, list[bool]]:
    """(in one process, on two, by the per-household engine, how the children ended)."""
    one = b"".join(assess_report.json_chunks(plan_assessment(roster, policy, DAY)))
    with split_everything(**split) as ended:
        two = b"".join(assess_report.json_chunks(plan_assessment(roster, policy, DAY)))
    per_household = b"".join(assess_report.json_chunks(plan_assessment(roster, policy, DAY), columnar=False))
    return one, two, per_household, ended


def test_a_free_core_is_looked_for_in_the_running_tasks():
    assert forked.running_tasks("0.52 0.58 0.59 2/467 12345\n") == 2
    assert forked.running_tasks("12.00 9.10 4.00 17/1467 99\n") == 17
    assert forked.running_tasks(Path("/proc/loadavg").read_text()) >= 1  # this process at least


def test_a_small_roster_stays_in_one_process():
    assert not assess_json_parallel.can_split(assess_json_parallel.PARALLEL_FROM - 1)
    assert not assess_json_parallel.can_split(1)
    roster = read_rosters([ROOT / "examples" / "roster.xlsx"], on_date=DAY)
    started = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(forked, "core_free", lambda: True)
        patch.setattr(assess_json_parallel.Child, "start", lambda self, blocks: started.append(blocks) or False)
        assess_report.as_json(plan_assessment(roster, _policy(False), DAY))
    assert started == []


@pytest.mark.parametrize("households", [2, 3, 4095, 8192, 8193, 333_333])
def test_blocks_alternate_between_the_processes(households):
    size = assess_json_parallel.block_size(households)
    block = assess_json_parallel.BLOCK
    assert size == (block if households > 2 * block else (households + 1) // 2)
    assert -(-households // size) >= 2  # a block at least each way


@needs_two_cores
@pytest.mark.parametrize("county", [False, True])
@pytest.mark.parametrize("name", ["roster.xlsx", "messy-roster.xlsx", "tiered-roster.xlsx"])
def test_examples_written_on_two_cores_give_the_same_json(name, county):
    roster = read_rosters([ROOT / "examples" / name], on_date=DAY)
    one, two, per_household, ended = documents(roster, _policy(county))
    assert ended == [True]  # a small roster: one block each way
    assert two == one == per_household
    assert two.count(b'"household_id"') >= 8


@pytest.fixture(scope="module", params=[(), ("--messy",), ("--messy", "--mixed")], ids=["clean", "messy", "mixed"])
def generated(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("parallel_json") / "roster.xlsx"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_roster.py"), "6000", str(path), *request.param],
                   check=True)
    return read_rosters([path], on_date=DAY)


@needs_two_cores
def test_generated_rosters_written_on_two_cores_give_the_same_json(generated):
    one, two, per_household, ended = documents(generated, _policy(False))
    assert ended == [True]
    assert two == one == per_household
    summary = orjson.loads(two)["summary"]
    households = len(plan_assessment(generated, _policy(False), DAY).pending)
    assert sum(s["households"] for s in summary.values()) == households


@needs_two_cores
def test_many_blocks_each_way_give_the_same_json(generated):
    one, two, per_household, ended = documents(generated, _policy(False), block=64)
    households = len(plan_assessment(generated, _policy(False), DAY).pending)
    assert len(ended) == -(-households // 64) // 2 >= 10
    assert all(ended)
    assert two == one == per_household


@needs_two_cores
def test_a_child_killed_midway_leaves_the_rest_to_this_process_with_the_same_json(generated):
    pids: list[int] = []

    def kill_after_three(child, count):
        if count == 3:
            pids.append(child._pid)
            os.kill(child._pid, signal.SIGKILL)

    one, two, per_household, ended = documents(generated, _policy(False), block=64, received=kill_after_three)
    households = len(plan_assessment(generated, _policy(False), DAY).pending)
    # blocks already in the pipe when it was killed still come from it; then the first missing one ends it
    assert all(ended[:-1]) and ended[-1] is False
    assert 3 <= len(ended) - 1 < -(-households // 64) // 2
    assert two == one == per_household
    assert _gone(pids[0])


@needs_two_cores
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(roster=rosters(), which=st.sampled_from(sorted(POLICIES)))
def test_random_households_written_on_two_cores_give_the_same_json(roster, which):
    policy = POLICIES[which]
    with split_everything() as ended:
        two = assess_report.as_json(plan_assessment(roster, policy, DAY))
    per_household = b"".join(assess_report.json_chunks(plan_assessment(roster, policy, DAY), columnar=False))
    assert two == per_household
    assert ended == ([True] if len(plan_assessment(roster, policy, DAY).pending) >= 2 else [])


statuses = st.sampled_from(("dibao", "single_person", "phase_out", "exit", "marginal", "ineligible"))
amounts = st.one_of(st.none(), st.decimals(min_value=0, max_value=10**7, places=2), st.integers(0, 10**6).map(Decimal))
tekun = st.lists(st.builds(SimpleNamespace, mode=st.sampled_from(("分散供养", "集中供养")),
                           total=st.decimals(min_value=0, max_value=10**5, places=2)), max_size=2)
results = st.builds(SimpleNamespace, status=statuses, members=st.lists(st.none(), min_size=1, max_size=6),
                    total=amounts, supported=tekun)


@given(st.lists(results, max_size=30), st.integers(0, 30))
def test_totals_added_in_two_parts_are_the_totals_added_in_one(items, cut):
    for r in items:
        r.benefit_known = r.total is not None
    whole = Totals()
    for r in items:
        whole.add(r)
    first, second = Totals(), Totals()
    for r in items[:cut]:
        first.add(r)
    for r in items[cut:]:
        second.add(r)
    first.add_exact(orjson.loads(orjson.dumps(second.exact())))
    assert orjson.dumps(first.as_dict()) == orjson.dumps(whole.as_dict())
    assert orjson.dumps(first.programmes()) == orjson.dumps(whole.programmes())


def _gone(pid: int) -> bool:
    """The child has ended and been reaped: no process of that number left, running, stopped or a zombie (unless
    the number went to an unrelated process since)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "State:\tZ" not in text and "State:\tT" not in text and "Name:\tpython" not in text


def _signal(number: int, pids: list):
    def started(child):
        pids.append(child._pid)
        os.kill(child._pid, number)

    return started


@needs_two_cores
@pytest.mark.parametrize("how", ["memory ceiling", "killed", "Ctrl-C", "stuck"])
def test_a_child_that_fails_leaves_the_same_json_written_here(generated, how):
    pids: list[int] = []
    if how == "memory ceiling":
        split = {"ceiling": 100_000}  # a block's bytes are more
    elif how == "killed":
        split = {"started": _signal(signal.SIGKILL, pids)}
    elif how == "Ctrl-C":
        split = {"started": _signal(signal.SIGINT, pids)}
    else:  # held until this process gives it up
        split = {"started": _signal(signal.SIGSTOP, pids)}
    waits = (assess_json_parallel.WAIT_AT_LEAST, assess_json_parallel.WAIT_FACTOR)
    assess_json_parallel.WAIT_AT_LEAST, assess_json_parallel.WAIT_FACTOR = (0.2, 0.0) if how == "stuck" else waits
    # Ctrl-C held back here, so that the child has it (pending) whether it is ignored here or not
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        one, two, per_household, ended = documents(generated, _policy(False), **split)
    finally:
        assess_json_parallel.WAIT_AT_LEAST, assess_json_parallel.WAIT_FACTOR = waits
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    assert ended == [False]
    assert two == one == per_household
    assert all(_gone(pid) for pid in pids)


HARNESS = """
import os, signal, sys
from dibao_cli import forked
from dibao_cli.reports import assess_json_parallel

assess_json_parallel.PARALLEL_FROM = 0
forked.core_free = lambda: True
start = assess_json_parallel.Child.start
noted = sys.argv[1]

def held(self, part):  # the child held where it is, then Ctrl-C while this process writes its part
    ok = start(self, part)
    with open(noted, "w") as fh:
        fh.write(str(self._pid))
    os.kill(self._pid, signal.SIGSTOP)
    os.kill(os.getpid(), signal.SIGINT)
    return ok

assess_json_parallel.Child.start = held
from dibao_cli.cli import main

sys.argv = ["dibao", *sys.argv[2:]]
main()
"""


@needs_two_cores
def test_ctrl_c_while_the_child_writes_exits_130_and_leaves_no_file_and_no_child(tmp_path):
    out = tmp_path / "结果.json"
    child = tmp_path / "child.pid"
    proc = subprocess.run([sys.executable, "-c", HARNESS, str(child), "assess", str(ROOT / "examples" / "roster.xlsx"),
                           "--date", DAY.isoformat(), "--format", "json", "-o", str(out)],
                          cwd=tmp_path, capture_output=True, timeout=120,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.returncode == 130
    assert proc.stderr.decode().strip() == "已中止（Ctrl-C）：没有写完的文件不会留下，台账保持本次操作之前的样子。"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["child.pid"]
    assert _gone(int(child.read_text()))
