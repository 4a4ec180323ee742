"""Shared helpers: write real roster files in every format and run the real CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dibao_cli.cli import main
from dibao_cli.idcard import build_id

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DAY = "2026-11-30"

BASE_HEADER = ["乡镇", "村(社区)", "户编号", "姓名", "身份证号", "与户主关系", "城乡类别"]


def pid(birth: str, seq: int = 11, area: str = "632521") -> str:
    """A valid ID number; odd `seq` for men, even for women."""
    return build_id(area, dt.date.fromisoformat(birth), seq)


def person(hid, name, birth, relation="户主", seq=11, area_type="农村", **extra):
    row = {"乡镇": "恰卜恰镇", "村(社区)": "西台村", "户编号": hid, "姓名": name, "身份证号": pid(birth, seq),
           "与户主关系": relation, "城乡类别": area_type}
    row.update(extra)
    return row


def table(rows: list[dict], header: list[str] | None = None) -> tuple[list[str], list[list]]:
    if header is None:
        header = list(BASE_HEADER)
        for row in rows:
            for key in row:
                if key not in header:
                    header.append(key)
    return header, [[row.get(h) for h in header] for row in rows]


def read_by(paths: list[Path], reader: str, monkeypatch, on_date: dt.date, all_sheets: bool = False):
    """(the roster read with DIBAO_READER=`reader`, how many sheets the columnar reader read)."""
    from dibao_cli.reading import frame
    from dibao_cli.reading.roster import read_rosters

    taken = []
    real = frame.read_table

    def read_table(*args):
        taken.append(1)
        return real(*args)

    with monkeypatch.context() as patched:
        patched.setenv("DIBAO_READER", reader)
        patched.setattr(frame, "read_table", read_table)
        roster = read_rosters(paths, on_date=on_date, all_sheets=all_sheets)
    return roster, len(taken)


def write_xlsx(path: Path, rows: list[dict], header=None, title_rows=(), sheet="名册") -> Path:
    from openpyxl import Workbook

    header, data = table(rows, header)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for title in title_rows:
        ws.append(list(title) if isinstance(title, (list, tuple)) else [title])
    ws.append(header)
    for row in data:
        ws.append(row)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[dict], encoding="utf-8", header=None, delimiter=",") -> Path:
    header, data = table(rows, header)
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in data)
    return path


def write_xls(path: Path, rows: list[dict], header=None) -> Path:
    """A real Excel 97-2003 file, written with xlwt (the format townships still send)."""
    import xlwt

    header, data = table(rows, header)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名册")
    for c, h in enumerate(header):
        sheet.write(0, c, h)
    for r, row in enumerate(data, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, rows: list[dict], header=None) -> Path:
    """A real OpenDocument spreadsheet, written with odfpy."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    header, data = table(rows, header)
    doc = OpenDocumentSpreadsheet()
    sheet = Table(name="名册")
    for values in [header] + data:
        tr = TableRow()
        for value in values:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                if value is not None:
                    cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        sheet.addElement(tr)
    doc.spreadsheet.addElement(sheet)
    doc.save(str(path))
    return path


class Run:
    def __init__(self, result):
        self.result = result
        self.code = result.exit_code
        self.out = result.stdout
        self.err = result.stderr

    def json(self):
        return json.loads(self.out)


# ---------------------------------------------------------------- ledger backends
# The tests of these modules that give the CLI a ledger (--db / DIBAO_DB) run on SQLite and on PostgreSQL.
# A test that opens the ledger file itself with sqlite3 is about the file and runs on SQLite only.
BACKEND_MODULES = {"test_ledger", "test_ledger_history", "test_crosscheck", "test_paperwork", "test_tiered_notices",
                   "test_tiered_ledger", "test_tiered_paper", "test_golden", "test_casework", "test_casework_paperwork",
                   "test_assistance", "test_monitor", "test_documents", "test_tiered_examples",
                   "test_notices_from_ledger", "test_monitor_review_outputs", "test_ledger_early_read"}
PG_URL = "DIBAO_TEST_POSTGRES"  # postgresql://user:password@host:port/postgres of a server the tests may use
PG_REQUIRED = "DIBAO_TEST_POSTGRES_REQUIRED"  # set by .ci/run: a missing server fails instead of skipping


# a command that uses the ledger (the working folder's dibao.db when no --db is given) as the CLI's first word
LEDGER_COMMAND = re.compile(r'\(\s*"(import|apply|step|record|visit|visits|cases|history|log|assistance|db|notice)"')


def _names_ledger(source: str) -> bool:
    return '"--db"' in source or "DIBAO_DB" in source or LEDGER_COMMAND.search(source) is not None


def _uses_ledger(function, module) -> bool:
    """The test (or a helper of a test module it calls) gives the CLI a ledger, and it does not open the file."""
    import inspect
    import re

    source = inspect.getsource(function)
    if "sqlite3" in source or function.__dict__.get("pytestmark") and any(
            m.name == "sqlite_only" for m in function.pytestmark):
        return False
    if _names_ledger(source):
        return True
    for name in set(re.findall(r"\b(_?[a-z]\w*)\(", source)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__.startswith("test_") and _names_ledger(inspect.getsource(helper)):
            return True
    return False


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a ledger test about the SQLite file itself (not parametrised)")


def pytest_generate_tests(metafunc):
    module = metafunc.module.__name__.rpartition(".")[2]
    if "backend" in metafunc.fixturenames and module in BACKEND_MODULES and _uses_ledger(metafunc.function,
                                                                                            metafunc.module):
        metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def pg_server():
    """(server URL, template database) of the PostgreSQL server the tests use; skips (or, in CI, fails)
    without one. The template holds an upgraded, empty ledger: each test's database is a copy of it."""
    import os
    import uuid

    url = os.environ.get(PG_URL)
    if not url:
        if os.environ.get(PG_REQUIRED):
            pytest.fail(f"{PG_URL} is not set but {PG_REQUIRED} is: the PostgreSQL tests must run")
        pytest.skip(f"no PostgreSQL server: set {PG_URL}=postgresql://... (as .ci/run does) to run the PostgreSQL variant")
    import psycopg

    from dibao_cli.ledger.store import Ledger

    template = f"dibao_tpl_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        pytest.fail(f"PostgreSQL server at {PG_URL} not reachable: {exc}")
    admin.execute(f"CREATE DATABASE {template}")
    ledger = Ledger(database_url(url, template), create=True, upgrade=True)
    ledger.close()
    yield url, template
    admin.execute(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
    admin.close()


def database_url(server: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(server)._replace(path="/" + name))


@pytest.fixture
def fresh_pg(pg_server):
    """A function giving a new, empty PostgreSQL ledger (its URL) per call; dropped after the test."""
    import uuid

    import psycopg

    url, template = pg_server
    made = []
    admin = psycopg.connect(url, autocommit=True)

    def make() -> str:
        name = f"dibao_t_{uuid.uuid4().hex[:12]}"
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        made.append(name)
        return database_url(url, name)

    yield make
    for name in made:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def backend(request):
    """'sqlite' or 'postgresql': where the `run` fixture's --db ledgers live."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def run(monkeypatch, tmp_path, backend, request):
    """Run the real CLI in a clean working folder (no dibao.toml) with a wide terminal. On the postgresql
    backend every ledger file the test names (--db, DIBAO_DB) is a database of its own on the test server."""
    import os

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    databases: dict[str, str] = {}
    fresh = request.getfixturevalue("fresh_pg") if backend == "postgresql" else None

    def target(value) -> str:
        key = str(Path(value).resolve()) if not str(value).startswith("postgresql://") else str(value)
        if key.startswith("postgresql://"):
            return key
        if key not in databases:
            databases[key] = fresh()
        return databases[key]

    def invoke(*args):
        args = [str(a) for a in args]
        env = {}
        if fresh is not None:
            args = [target(a) if i and args[i - 1] == "--db" else a for i, a in enumerate(args)]
            # without --db the CLI uses DIBAO_DB, else the working folder's dibao.db: a database of its own too
            env["DIBAO_DB"] = target(os.environ.get("DIBAO_DB") or Path.cwd() / "dibao.db")
        runner = CliRunner(env=env)
        result = runner.invoke(main, args, catch_exceptions=False, prog_name="dibao")
        return Run(result)

    def connect(path):
        """The ledger the test named `path`, for reading it with SQL ('?' placeholders) on either backend."""
        if fresh is None:
            import sqlite3

            return sqlite3.connect(path)
        from dibao_cli.ledger.postgres import Connection

        return Connection(target(path), "test", 30)

    invoke.connect = connect
    invoke.target = lambda path: path if fresh is None else target(path)  # --db for a subprocess of the test
    return invoke


def household(data: dict, hid: str) -> dict:
    return next(h for h in data["households"] if h["household_id"] == hid)
