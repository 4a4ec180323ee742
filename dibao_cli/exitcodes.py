"""Kept for existing imports: the exit codes live in dibao_cli.errors."""

from dibao_cli.errors import ExitStatus  # noqa: F401
