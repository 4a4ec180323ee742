"""What every forked helper process has in common: the machine's second core does part of a large job (loading a
sheet, writing JSON, making workbook rows, staging a month) in a child made with os.fork, which hands back only bytes.

The child gets a ceiling on the memory it may add, ends when its parent ends, and is stopped and reaped by its
parent whatever happens (Ctrl-C, a failure, a refusal); the parent then does the child's part itself.
"""

from __future__ import annotations

import os
import signal
import time

# a child's part not done this many seconds, plus this many times what the parent took for its own part, after the
# parent has done its own is given up: the child is stopped and the parent does the part itself
WAIT_AT_LEAST, WAIT_FACTOR = 30.0, 4.0


def become_child(memory_ceiling: int, stderr: int | None = None) -> None:
    """In a child, first: Ctrl-C ends it silently (its parent reports it), it ends when its parent ends, nothing it says reaches the clerk's
    screen (its stderr goes to `stderr`, a pipe its parent reads as the reason of a failure, or nowhere), and its
    memory is capped (limit_memory)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    end_with_parent()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null if stderr is None else stderr, 2)
    os.close(null)
    limit_memory(memory_ceiling)


def tell_parent(fd: int, text: str) -> None:
    """In a child that failed: why, into the pipe `fd` its parent reads (at most 2,000 bytes; never raises)."""
    try:
        os.write(fd, text.encode("utf-8", "replace")[:2000])
    except BaseException:  # noqa: BLE001 - the child is ending anyway
        pass


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


def patience(own_seconds: float) -> float:
    """How long a parent that took `own_seconds` for its own part waits for its child's part."""
    return WAIT_AT_LEAST + WAIT_FACTOR * own_seconds


def wait(pid: int, seconds: float) -> int | None:
    """`reap` within `seconds`; None when the child is still running then (it is left running: `stop` it)."""
    deadline = time.monotonic() + seconds
    pause = 0.001
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except InterruptedError:
            continue
        except ChildProcessError:
            return -1
        if done:
            return os.waitstatus_to_exitcode(status)
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.05)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def core_free() -> bool:
    """Whether a core is free for a child now: fewer tasks running or ready to run (this process among them) than
    cores, at the least of three looks 5 ms apart (/proc/loadavg; without it, assumed free). On a machine whose
    cores are all busy, a child would only add its copying (of the pages both touch) to everyone's time."""
    least = None
    for look in range(3):
        if look:
            time.sleep(0.005)
        try:
            with open("/proc/loadavg") as fh:
                running = running_tasks(fh.read())
        except (OSError, ValueError, IndexError):
            return True
        least = running if least is None else min(least, running)
    return least < cores()


def running_tasks(loadavg: str) -> int:
    """The tasks running or ready to run in /proc/loadavg's text ("0.52 0.58 0.59 2/467 12345": 2)."""
    return int(loadavg.split()[3].split("/")[0])
