"""Checks over assessed rosters and the ledger: annual review, early warning, cross-checks."""
