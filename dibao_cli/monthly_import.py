"""After a month is imported (or replaced), the months after it in the ledger were computed against its earlier
version, or before it existed: each is computed again, in month order, from the files it was imported from,
when they are unchanged; the others are listed for the clerk to import again."""

from __future__ import annotations

from typing import Callable


def recompute_later(ledger, report, import_again: Callable) -> tuple[list, list]:
    """(recomputed: (month, report) pairs, manual: (month, why) pairs). `import_again(ledger, month, options,
    ticket)` imports a month again with the options it was recorded with and returns (report, day)."""
    from dibao_cli.errors import DibaoError
    from dibao_cli.ledger.monthly import recorded_import

    recomputed, manual = [], []
    tickets = dict(report.later_tickets)
    try:
        for later in report.later:
            ticket = tickets.pop(later)
            found = recorded_import(ledger, later)
            if found is None:
                manual.append((later, "原名册文件已移走或已修改"))
                ledger.unregister_import(ticket)
                continue
            try:
                again, _ = import_again(ledger, later, found[1], ticket)
            except DibaoError as exc:
                manual.append((later, exc.message))
                continue
            finally:
                ledger.unregister_import(ticket)
            for extra in again.later_tickets.values():  # already in this loop
                ledger.unregister_import(extra)
            recomputed.append((later, again))
    finally:
        for ticket in tickets.values():
            ledger.unregister_import(ticket)
    return recomputed, manual
