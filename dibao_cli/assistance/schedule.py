"""The 特困供养 / 刚性支出 monthly events and review schedule, now a rule: dibao_cli.rules.tiered_schedule.

Kept so the ledger's monthly events (dibao_cli.ledger.monthly) keep importing it from here until that module
imports the rule directly."""

from __future__ import annotations

from dibao_cli.rules.tiered_schedule import (  # noqa: F401
    BASIS_RIGID,
    BASIS_TEKUN,
    tiered_due_items,
    tiered_events,
)
