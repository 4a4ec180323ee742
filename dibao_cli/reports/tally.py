"""The closing line under a screen list: how many of each kind, in the order the kinds first appear."""

from __future__ import annotations

from collections import Counter
from typing import Iterable


def tally_line(labels: Iterable[str], unit: str = "") -> str:
    """合计：定期核查 3 户，特困供养核查 1 户 (`unit` after each count, none when empty)."""
    suffix = f" {unit}" if unit else ""
    return "合计：" + "，".join(f"{label} {count}{suffix}" for label, count in Counter(labels).items())
