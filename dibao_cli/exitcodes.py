"""The one place that decides dibao's exit codes (documented in README.md)."""

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
