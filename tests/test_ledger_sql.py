"""All SQL lives in dibao_cli/ledger/: reports, documents and commands ask the ledger's queries module or
the store, so the PostgreSQL ledger serves them with the same SQL."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "dibao_cli"
SQL = re.compile(r"\.execute(many)?\(|\b(SELECT\s+[\w*(].*\bFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET)\b")


def test_no_sql_outside_the_ledger_package():
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "ledger":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert found == []


def test_the_covered_statuses_are_not_written_out_in_the_ledger_sql():
    for path in (PACKAGE / "ledger").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "'dibao', 'single_person'" not in text and "'phase_out')" not in text, path.name
