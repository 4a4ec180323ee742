"""Typed exceptions; the CLI maps each to an exit status and prints its Chinese message."""

from __future__ import annotations

from dibao_cli.exitcodes import ExitStatus


class DibaoError(Exception):
    """An expected failure with a message for the clerk (Simplified Chinese)."""

    status = ExitStatus.INTERNAL

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
