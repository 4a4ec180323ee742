"""Reading rosters and other departments' extracts: sheets, header detection, columns, cleaning."""
