"""dibao's exit codes and typed exceptions, in one place (documented in README.md "退出状态").

The library raises a DibaoError subclass with a Chinese message for the clerk; the CLI prints the message
and exits with the class's status. Anything else that escapes is a bug in dibao (exit 70).
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    PROBLEMS_FOUND = 1  # the roster was read, and it has errors (check) or rows left out (assess)
    USAGE = 2  # wrong options or arguments (click's own code)
    INPUT_UNREADABLE = 3  # a file is missing, not a spreadsheet, damaged, encrypted, or lacks columns
    POLICY_INVALID = 4  # a policy file or the working-folder config is wrong or has no value for the date
    OUTPUT_REFUSED = 5  # the output exists (no --force) or cannot be written
    NOT_FOUND = 6  # a household named on the command line is not in the roster
    LEDGER = 7  # the ledger cannot be opened, is from a newer dibao, or the month is already imported
    TEMPLATE = 8  # a template is missing, has a syntax error, uses an unknown variable or an unsafe operation
    INTERNAL = 70  # a bug in dibao: rerun with --debug and report it
    INTERRUPTED = 130  # stopped with Ctrl-C (128 + SIGINT, as shells report it)


class DibaoError(Exception):
    """An expected failure with a message for the clerk (Simplified Chinese)."""

    status = ExitStatus.INTERNAL

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageInvalid(DibaoError):
    """An option or argument is missing or wrong (found by the library rather than by click)."""

    status = ExitStatus.USAGE


class InputUnreadable(DibaoError):
    """An input file cannot be read as a roster at all."""

    status = ExitStatus.INPUT_UNREADABLE


class PolicyInvalid(DibaoError):
    """A policy or config file is wrong, or has no value in force."""

    status = ExitStatus.POLICY_INVALID


class OutputRefused(DibaoError):
    """An output file exists (and --force was not given) or cannot be written."""

    status = ExitStatus.OUTPUT_REFUSED


class NotFound(DibaoError):
    """Something named on the command line does not exist in the data."""

    status = ExitStatus.NOT_FOUND


class LedgerError(DibaoError):
    """The ledger cannot be opened or used as asked (newer dibao, month already imported, read-only...)."""

    status = ExitStatus.LEDGER


class TemplateError(DibaoError):
    """A template is missing, has a syntax error, uses an unknown variable or an unsafe operation."""

    status = ExitStatus.TEMPLATE


class RosterRefused(DibaoError):
    """A roster with errors is refused as a whole (e.g. `import` without --skip-invalid)."""

    status = ExitStatus.PROBLEMS_FOUND
