"""What every forked helper process has in common: the machine's second core does part of a large job (loading a
sheet, writing JSON, making workbook rows, staging a month) in a child made with os.fork, which hands back only bytes.

The child gets a ceiling on the memory it may add, ends when its parent ends, and is stopped and reaped by its
parent whatever happens (Ctrl-C, a failure, a refusal); the parent then does the child's part itself.
"""

from __future__ import annotations

import os
import signal


def limit_memory(ceiling: int) -> None:
    """In a child: allow it `ceiling` bytes of address space beyond what it has mapped now (an allocation past it
    fails in the child, never on the machine)."""
    import resource

    try:
        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (mapped + ceiling, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (OSError, ValueError):
        pass


def end_with_parent() -> None:
    """In a child: be killed when the parent ends, however it ends (Linux; elsewhere the parent's `stop` alone)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def reap(pid: int) -> int:
    """Wait for the child `pid` to end: its exit code (negative: the signal that ended it; -1: already reaped)."""
    while True:
        try:
            _, status = os.waitpid(pid, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            return -1
        return os.waitstatus_to_exitcode(status)


def stop(pid: int) -> int:
    """Kill the child `pid` if it still runs, and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return reap(pid)
