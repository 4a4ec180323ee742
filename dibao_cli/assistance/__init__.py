"""临时救助: the register of applications, decisions and payments kept in the ledger."""
